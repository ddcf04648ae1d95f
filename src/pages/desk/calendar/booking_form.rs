//! The form that makes a booking, or moves one, with the free times of the day it is for.

use chrono::NaiveDate;
use frontdesk_core::schedule::{self, Booking, BookingRequest, BookingState, Planner, bookings};
use frontdesk_core::site::{Site, format_time};
use frontdesk_core::{RecordId, doc_name};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{local_now, new_booking_label, stamp};
use crate::components::date_input::DateInput;
use crate::components::device_gate::DeviceRef;
use crate::i18n::{CalendarMsg, DeviceMsg, Lang, booking_error_text};
use crate::pages::desk::format_date;
use crate::platform::{now_ms, random_bytes};

#[component]
#[allow(clippy::too_many_arguments)]
pub(super) fn BookingForm(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    date: RwSignal<NaiveDate>,
    moving: Option<Booking>,
    staff: String,
    start_min: Option<u32>,
    on_close: Callback<()>,
    on_booked: Callback<String>,
) -> impl IntoView {
    let t = move |msg: CalendarMsg| msg.text(lang.get());
    // The form has its own date: a booking can be made, or moved, to another day than the one
    // on screen. Its bookings are read (and followed) here.
    let form_date = RwSignal::new(date.get_untracked());
    let revision = device.with_value(|d| d.revision);
    Effect::new(move |_| {
        let dev = device.get_value();
        let doc = doc_name::day(form_date.get());
        spawn_local(async move { dev.follow(vec![doc]).await });
    });
    let day = Memo::new(move |_| {
        revision.track();
        device.with_value(|d| d.read(&doc_name::day(form_date.get()), bookings)).unwrap_or_default()
    });
    let first_service = site.with_untracked(|s| {
        moving.as_ref().map(|b| b.service.clone()).or_else(|| {
            s.services.iter().find(|x| x.active && (staff.is_empty() || x.can_be_done_by(&staff))).map(|x| x.id.clone())
        })
    });
    let client = RwSignal::new(moving.as_ref().map(|b| b.client.clone()).unwrap_or_default());
    let phone = RwSignal::new(moving.as_ref().map(|b| b.phone.clone()).unwrap_or_default());
    let service = RwSignal::new(first_service.unwrap_or_default());
    let who = RwSignal::new(if staff.is_empty() {
        site.with_untracked(|s| s.providers().next().map(|p| p.id.clone())).unwrap_or_default()
    } else {
        staff
    });
    let start = RwSignal::new(start_min);
    let room = RwSignal::new(moving.as_ref().map(|b| b.resource.clone()).unwrap_or_default());
    let notes = RwSignal::new(moving.as_ref().map(|b| b.notes.clone()).unwrap_or_default());
    let repeat = RwSignal::new(1u32);
    let touched = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let moving_id = moving.as_ref().map(|b| b.id.clone());
    let is_move = moving.is_some();

    let request = move || BookingRequest {
        client: client.get(),
        phone: phone.get(),
        service: service.get(),
        staff: who.get(),
        resource: room.get(),
        date: form_date.get(),
        start_min: start.get().unwrap_or(0),
        duration_min: None,
        notes: notes.get(),
    };
    let mid = moving_id.clone();
    let check = move || {
        let site = site.get();
        let existing = day.get();
        let planner = Planner { site: &site, existing: &existing, now: local_now(now_ms()) };
        // What the person typed is judged first; then whether a time was chosen.
        match (planner.check(&request(), mid.as_deref()), start.get()) {
            (
                Err(
                    e @ (schedule::BookingError::ClientMissing
                    | schedule::BookingError::ClientTooLong
                    | schedule::BookingError::BadPhone
                    | schedule::BookingError::NotesTooLong),
                ),
                _,
            ) => Err(booking_error_text(&e, lang.get()).to_owned()),
            (_, None) => Err(CalendarMsg::ChooseATime.text(lang.get()).to_owned()),
            (result, Some(_)) => result.map_err(|e| booking_error_text(&e, lang.get()).to_owned()),
        }
    };
    let mid = moving_id.clone();
    let free = move || {
        let site = site.get();
        let existing = day.get();
        let planner = Planner { site: &site, existing: &existing, now: local_now(now_ms()) };
        let mut slots = planner.free_slots_with(form_date.get(), &service.get(), &who.get(), &room.get(), 15);
        if let Some(id) = &mid {
            // The booking being moved frees its own time.
            let others: Vec<Booking> = existing.iter().filter(|b| &b.id != id).cloned().collect();
            let planner = Planner { existing: &others, ..planner };
            slots = planner.free_slots_with(form_date.get(), &service.get(), &who.get(), &room.get(), 15);
        }
        slots
    };
    let check2 = check.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if saving.get_untracked() || check2().is_err() {
            return;
        }
        let site = site.get_untracked();
        let existing = day.get_untracked();
        let planner = Planner { site: &site, existing: &existing, now: local_now(now_ms()) };
        let req = request();
        let stamp = stamp(device);
        let mut to_save = Vec::new();
        match &moving {
            Some(old) => {
                let Ok(checked) = planner.check(&req, Some(&old.id)) else { return };
                let new_date = req.date.to_string();
                if new_date != old.date {
                    // Another day: the booking goes to that day's document, and the old day keeps
                    // a record that it moved (so a tablet still showing it learns where it went).
                    to_save.push(Booking {
                        state: BookingState::Moved,
                        notes: schedule::moved_note(req.date),
                        changed_by: stamp.by.clone(),
                        changed_ms: stamp.at_ms,
                        ..old.clone()
                    });
                }
                to_save.push(Booking {
                    date: new_date,
                    client: checked.client,
                    phone: checked.phone,
                    notes: checked.notes,
                    service: req.service.clone(),
                    staff: req.staff.clone(),
                    resource: req.resource.clone(),
                    start_min: req.start_min,
                    duration_min: checked.duration_min,
                    buffer_min: checked.buffer_min,
                    changed_by: stamp.by.clone(),
                    changed_ms: stamp.at_ms,
                    ..old.clone()
                });
            }
            None => {
                let series = if repeat.get_untracked() > 1 {
                    RecordId::from_random(random_bytes()).to_string()
                } else {
                    String::new()
                };
                // Later dates of a series are checked against what this tablet holds of them
                // when it saves; a clash found later shows as a conflict card on that day.
                for d in schedule::weekly_dates(req.date, 1, repeat.get_untracked()) {
                    let req = BookingRequest { date: d, ..req.clone() };
                    let Ok(checked) = planner.check(&BookingRequest { date: req.date, ..req.clone() }, None) else {
                        continue;
                    };
                    let id = RecordId::from_random(random_bytes()).to_string();
                    let code = schedule::confirmation_code(random_bytes());
                    to_save.push(checked.into_booking(&req, id, code, series.clone(), &stamp));
                }
            }
        }
        let Some(first_id) = to_save.last().filter(|_| moving.is_some()).or(to_save.first()).map(|b| b.id.clone())
        else {
            return;
        };
        let shown = req.date;
        saving.set(true);
        let dev = device.get_value();
        spawn_local(async move {
            let mut result = Ok(());
            for booking in to_save {
                let Some(day) = booking.day() else { continue };
                dev.follow(vec![doc_name::day(day)]).await;
                let id = booking.id.clone();
                let edit = dev
                    .logged(frontdesk_core::history::Kind::Booking, &id, move |d| schedule::put_booking(d, &booking));
                if let Err(e) = dev.change(&doc_name::day(day), edit).await {
                    result = Err(e);
                    break;
                }
            }
            saving.set(false);
            match result {
                Ok(()) => {
                    date.set(shown);
                    on_booked.run(first_id)
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let services = move || site.with(|s| s.services.iter().filter(|x| x.active).cloned().collect::<Vec<_>>());
    let performers = move || {
        let sid = service.get();
        site.with(|s| {
            let svc = s.service(&sid).cloned();
            s.providers().filter(|p| svc.as_ref().is_none_or(|x| x.can_be_done_by(&p.id))).cloned().collect::<Vec<_>>()
        })
    };
    let check3 = check.clone();
    view! {
        <aside class="sheet" role="dialog" aria-labelledby="form-title">
            <form class="form" on:submit=submit novalidate>
                <div class="sheet__head">
                    <h2 id="form-title">{move || if is_move { t(CalendarMsg::MoveBooking).to_owned() } else { new_booking_label(site, lang.get()) }}</h2>
                    <button class="button button--ghost button--icon" type="button" aria-label=move || t(CalendarMsg::Close) on:click=move |_| on_close.run(())>"×"</button>
                </div>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::ClientName)}</span>
                    <input class="field__input" type="text" autocomplete="off" maxlength="80" prop:value=client
                        on:input=move |ev| { client.set(event_target_value(&ev)); touched.set(true); }/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::Phone)}<em>" · "{move || DeviceMsg::Optional.text(lang.get())}</em></span>
                    <input class="field__input" type="tel" autocomplete="off" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::Service)}</span>
                    <select class="field__input" on:change=move |ev| service.set(event_target_value(&ev))>
                        {move || services().into_iter().map(|s| {
                            let id = s.id.clone();
                            let label = format!("{} · {} min", s.name(lang.get().code()), s.duration_min);
                            view! { <option value=id.clone() selected=move || service.get() == id>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::With)}</span>
                    <select class="field__input" on:change=move |ev| who.set(event_target_value(&ev))>
                        {move || performers().into_iter().map(|p| {
                            let id = p.id.clone();
                            view! { <option value=id.clone() selected=move || who.get() == id>{p.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::Date)}</span>
                    <DateInput value=Signal::derive(move || Some(form_date.get())) lang
                        on_pick=Callback::new(move |d| {
                            form_date.set(d);
                            start.set(None);
                        })/>
                </label>
                <Show when=move || site.with(|s| s.resources.iter().any(|r| r.active && r.kind != frontdesk_core::site::ResourceKind::HotelRoom))>
                    <label class="field">
                        <span class="field__label">{move || t(CalendarMsg::RoomOrEquipment)}<em>" · "{move || DeviceMsg::Optional.text(lang.get())}</em></span>
                        <select class="field__input" on:change=move |ev| room.set(event_target_value(&ev))>
                            <option value="" selected=move || room.get().is_empty()>{move || t(CalendarMsg::NoRoomNeeded)}</option>
                            {move || site.with(|s| s.resources.iter().filter(|r| r.active && r.kind != frontdesk_core::site::ResourceKind::HotelRoom).cloned().collect::<Vec<_>>()).into_iter().map(|r| {
                                let id = r.id.clone();
                                view! { <option value=r.id.clone() selected=move || room.get() == id>{r.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
                <div class="field">
                    <span class="field__label">{move || t(CalendarMsg::FreeTimes)}" · "{move || format_date(form_date.get(), lang.get())}</span>
                    <div class="slots" role="group" aria-label=move || t(CalendarMsg::FreeTimes)>
                        {move || {
                            let slots = free();
                            if slots.is_empty() {
                                view! { <p class="slots__none">{t(CalendarMsg::NoFreeTimes)}</p> }.into_any()
                            } else {
                                slots.into_iter().map(|m| view! {
                                    <button type="button" class="slot" class:slot--chosen=move || start.get() == Some(m)
                                        aria-pressed=move || (start.get() == Some(m)).to_string()
                                        on:click=move |_| start.set(Some(m))>{format_time(m)}</button>
                                }).collect_view().into_any()
                            }
                        }}
                    </div>
                </div>
                <label class="field">
                    <span class="field__label">{move || t(CalendarMsg::Notes)}<em>" · "{move || DeviceMsg::Optional.text(lang.get())}</em></span>
                    <textarea class="field__input field__input--area" rows="2" maxlength="500" prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                </label>
                <Show when=move || !is_move>
                    <label class="field">
                        <span class="field__label">{move || t(CalendarMsg::RepeatWeekly)}</span>
                        <select class="field__input" on:change=move |ev| repeat.set(event_target_value(&ev).parse().unwrap_or(1))>
                            {[1u32, 2, 4, 8, 12].into_iter().map(|n| view! { <option value=n.to_string()>{move || if n == 1 { t(CalendarMsg::DoesNotRepeat).to_owned() } else { format!("{n} {}", t(CalendarMsg::Weeks)) }}</option> }).collect_view()}
                        </select>
                    </label>
                </Show>
                <p class="field-error" role="alert">{move || if touched.get() { check3().err() } else { None }}{move || failure.get()}</p>
                <div class="form__actions">
                    <button class="button button--primary button--large" type="submit" disabled=move || saving.get()>
                        {move || if is_move { t(CalendarMsg::SaveMove) } else { t(CalendarMsg::Book) }}
                    </button>
                    <button class="button button--ghost" type="button" on:click=move |_| on_close.run(())>{move || t(CalendarMsg::Discard)}</button>
                </div>
            </form>
        </aside>
    }
}
