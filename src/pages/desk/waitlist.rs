//! The day's waitlist: people who want a time that is full. When a time frees up (a
//! cancellation, a move), the first in line who fits is offered it, and one tap books it.

use chrono::NaiveDate;
use frontdesk_core::schedule::{self, BookingRequest, Planner, WaitlistEntry};
use frontdesk_core::site::{Site, format_time};
use frontdesk_core::{RecordId, doc_name};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::{CalendarMsg, Lang, booking_error_text};
use crate::platform::{now_ms, random_bytes};

/// A change to a day document.
type Edit = Box<dyn FnOnce(&mut automerge::AutoCommit) -> Result<(), String>>;

#[component]
pub fn Waitlist(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    date: RwSignal<NaiveDate>,
    bookings: Signal<Vec<schedule::Booking>>,
    now: (NaiveDate, u32),
) -> impl IntoView {
    let t = move |msg: CalendarMsg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let entries = Memo::new(move |_| {
        revision.track();
        device.with_value(|d| d.read(&doc_name::day(date.get()), schedule::waitlist)).unwrap_or_default()
    });
    let offers = Memo::new(move |_| {
        let site = site.get();
        let existing = bookings.get();
        let planner = Planner { site: &site, existing: &existing, now };
        schedule::waitlist_offers(&planner, date.get(), &entries.get())
    });
    let client = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let service = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let stamp = move || device.with_value(|d| d.stamp());
    let write = move |day: NaiveDate, edit: Edit| {
        device.get_value().change_soon(doc_name::day(day), "the waitlist", edit, |_| {});
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let chosen = if service.get_untracked().is_empty() {
            site.with_untracked(|s| s.services.iter().find(|x| x.active).map(|x| x.id.clone())).unwrap_or_default()
        } else {
            service.get_untracked()
        };
        // The same checks as a booking, except the time.
        let name = match frontdesk_core::site::clean_name(&client.get_untracked()) {
            Ok(name) => name,
            Err(_) => {
                return problem.set(Some(booking_error_text(&schedule::BookingError::ClientMissing, lang).into()));
            }
        };
        let phone_typed = match schedule::clean_phone(&phone.get_untracked()) {
            Ok(p) => p,
            Err(e) => return problem.set(Some(booking_error_text(&e, lang).into())),
        };
        problem.set(None);
        let entry = WaitlistEntry {
            id: RecordId::from_random(random_bytes()).to_string(),
            client: name,
            phone: phone_typed,
            service: chosen,
            staff: String::new(),
            made_ms: now_ms(),
            closed: false,
        };
        write(date.get_untracked(), Box::new(move |d| schedule::put_waitlist(d, &entry)));
        client.set(String::new());
        phone.set(String::new());
    };
    let book_offer = move |offer: schedule::Offer| {
        let day = date.get_untracked();
        let site = site.get_untracked();
        let existing = bookings.get_untracked();
        let planner = Planner { site: &site, existing: &existing, now };
        let request = BookingRequest {
            client: offer.entry.client.clone(),
            phone: offer.entry.phone.clone(),
            service: offer.entry.service.clone(),
            staff: offer.staff.clone(),
            resource: String::new(),
            date: day,
            start_min: offer.start_min,
            duration_min: None,
            notes: String::new(),
        };
        let Ok(checked) = planner.check(&request, None) else { return };
        let booking = checked.into_booking(
            &request,
            RecordId::from_random(random_bytes()).to_string(),
            schedule::confirmation_code(random_bytes()),
            String::new(),
            &stamp(),
        );
        let closed = WaitlistEntry { closed: true, ..offer.entry };
        let id = booking.id.clone();
        write(
            day,
            Box::new(device.with_value(|dev| {
                dev.logged(frontdesk_core::history::Kind::Booking, &id, move |d| {
                    schedule::put_booking(d, &booking)?;
                    schedule::put_waitlist(d, &closed)
                })
            })),
        );
    };
    let remove = move |entry: WaitlistEntry| {
        let closed = WaitlistEntry { closed: true, ..entry };
        write(date.get_untracked(), Box::new(move |d| schedule::put_waitlist(d, &closed)));
    };
    view! {
        <section class="card waitlist" aria-labelledby="waitlist-title">
            <h2 id="waitlist-title" class="card__title">{move || t(CalendarMsg::Waitlist)}<span class="count">{move || entries.with(Vec::len)}</span></h2>
            <Show when=move || entries.with(Vec::is_empty)>
                <p class="card__empty">{move || t(CalendarMsg::WaitlistEmpty)}</p>
            </Show>
            <ul class="rows">
                {move || entries.get().into_iter().map(|entry| {
                    let offer = offers.with(|o| o.iter().find(|o| o.entry.id == entry.id).cloned());
                    let service = site.with(|s| s.service(&entry.service).map(|x| x.name(lang.get().code()).to_owned())).unwrap_or_default();
                    let gone = entry.clone();
                    view! {
                        <li class="row">
                            <div class="row__main">
                                <span class="row__title">{entry.client.clone()}</span>
                                <span class="row__sub">{service}{(!entry.phone.is_empty()).then(|| format!(" · {}", entry.phone))}</span>
                            </div>
                            {offer.map(|offer| {
                                let who = site.with(|s| s.staff_member(&offer.staff).map(|m| m.name.clone())).unwrap_or_default();
                                let label = format!("{} {} · {}", t(CalendarMsg::BookAt), format_time(offer.start_min), who);
                                view! { <button class="button button--primary" on:click=move |_| book_offer(offer.clone())>{label}</button> }
                            })}
                            <button class="button button--ghost" on:click=move |_| remove(gone.clone())>{move || t(CalendarMsg::Remove)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline-form" on:submit=add>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::WhoIsWaiting)}</span>
                    <input class="field__input" type="text" autocomplete="off" prop:value=client on:input=move |ev| client.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::TheirPhone)}</span>
                    <input class="field__input" type="tel" autocomplete="off" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::Service)}</span>
                    <select class="field__input" on:change=move |ev| service.set(event_target_value(&ev))>
                        {move || site.get().services.into_iter().filter(|x| x.active).map(|x| {
                            let id = x.id.clone();
                            view! { <option value=x.id.clone() selected=move || service.get() == id>{x.name(lang.get().code()).to_owned()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button class="button button--ghost" type="submit">{move || t(CalendarMsg::AddToWaitlist)}</button>
            </form>
            <p class="field-error" role="alert">{move || problem.get()}</p>
        </section>
    }
}
