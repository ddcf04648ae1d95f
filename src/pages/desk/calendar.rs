//! The calendar: one day by staff member, booking, moving, cancelling, arrivals and no-shows,
//! the conflicts that offline bookings left, and the `.ics` of any booking.

use chrono::{Duration, NaiveDate, Timelike};
use frontdesk_core::schedule::{self, Booking, BookingRequest, BookingState, Conflict, Planner, Stamp, bookings};
use frontdesk_core::site::{self, Site, format_time};
use frontdesk_core::{RecordId, doc_name, ics, views};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::week;
use crate::components::device_gate::DeviceRef;
use crate::components::icons::{Icon, IconSvg};
use crate::device::{now_ms, random_bytes};
use crate::i18n::{KioskMsg, Lang, Msg, booking_error_text, booking_noun_msg, booking_state_msg};
use crate::pages::desk::format_date;

/// Height of one hour on the day grid, in pixels.
const HOUR_PX: u32 = 96;

/// The day's bookings and unresolved conflicts, re-read when documents change.
type DayView = views::CalendarDay;

fn read_day(device: DeviceRef, date: NaiveDate) -> DayView {
    device.with_value(|d| views::calendar_day(&**d, date))
}

/// Who is making a change on this tablet, and when.
fn stamp(device: DeviceRef) -> Stamp {
    device.with_value(|d| d.stamp())
}

/// The business's date and minute at an instant.
fn local_now(ms: i64) -> (NaiveDate, u32) {
    let now = crate::clock::local(ms);
    (now.date(), now.hour() * 60 + now.minute())
}

/// Writes a booking (new, moved or with a new state) into its day.
fn save_booking(device: DeviceRef, booking: Booking, done: impl FnOnce(Result<(), String>) + 'static) {
    let Some(date) = booking.day() else { return done(Err(format!("booking {} has no date", booking.id))) };
    device.get_value().change_soon(doc_name::day(date), "a booking", move |d| schedule::put_booking(d, &booking), done);
}

/// "New appointment", "New reservation", "Nueva reunión": in the business's words.
fn new_booking_label(site: Memo<Site>, lang: Lang) -> String {
    let noun = site
        .with(|s| s.profile.as_ref().map(|p| p.kind.booking()))
        .map(booking_noun_msg)
        .unwrap_or(Msg::NounAppointment);
    format!("{} {}", Msg::NewBooking.text(lang), noun.text(lang).to_lowercase())
}

/// What the side panel shows.
#[derive(Clone, Debug, PartialEq)]
enum Panel {
    None,
    /// A new booking (or a move of an existing one), prefilled.
    Form {
        moving: Option<Box<Booking>>,
        staff: String,
        start_min: Option<u32>,
    },
    Details(String),
}

/// The last change made here, which Undo puts back.
#[derive(Clone, Debug, PartialEq)]
struct Undoable {
    before: Booking,
    label: String,
    at_ms: i64,
}

#[component]
pub fn Calendar(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    now: RwSignal<i64>,
    site: Memo<Site>,
    /// A booking to show (from the search box).
    focus: RwSignal<Option<(NaiveDate, String)>>,
) -> impl IntoView {
    let t = move |msg: Msg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let date = RwSignal::new(today);
    let panel = RwSignal::new(Panel::None);
    let undo = RwSignal::new(None::<Undoable>);
    let weekly = RwSignal::new(false);
    let who = RwSignal::new(String::new());
    // The week shows the first provider until someone picks another (the site may arrive later).
    Effect::new(move |_| {
        if who.with(String::is_empty)
            && let Some(first) = site.with(|s| s.providers().next().map(|p| p.id.clone()))
        {
            who.set(first);
        }
    });
    Effect::new(move |_| {
        if let Some((day, id)) = focus.get() {
            date.set(day);
            panel.set(Panel::Details(id));
            focus.set(None);
        }
    });
    Effect::new(move |_| {
        let dev = device.get_value();
        let doc = doc_name::day(date.get());
        spawn_local(async move { dev.follow(vec![doc]).await });
    });
    let day = Memo::new(move |_| {
        revision.track();
        read_day(device, date.get())
    });
    let new_label = move || new_booking_label(site, lang.get());
    let providers = move || site.with(|s| s.providers().cloned().collect::<Vec<_>>());
    // The grid spans the opening hours of the day (and any booking outside them).
    let span = move || site.with(|s| day.with(|d| week::grid_span(s, &[date.get()], &d.bookings)));
    let closed = move || site.with(|s| s.profile.as_ref().is_some_and(|p| !site::hours_on(&p.hours, date.get()).open));

    let change_state = move |booking: Booking, state: BookingState| {
        let before = booking.clone();
        let changed = Booking { state, changed_by: stamp(device).by, changed_ms: now_ms(), ..booking };
        let label = format!("{} → {}", changed.client, booking_state_msg(state).text(lang.get_untracked()));
        save_booking(device, changed, move |r| match r {
            Ok(()) => undo.set(Some(Undoable { before, label, at_ms: now_ms() })),
            Err(e) => leptos::logging::error!("booking change failed: {e}"),
        });
    };
    let undo_last = move |_| {
        if let Some(last) = undo.get_untracked() {
            let restored = Booking { changed_by: stamp(device).by, changed_ms: now_ms(), ..last.before };
            save_booking(device, restored, move |_| undo.set(None));
        }
    };

    view! {
        <div class="page calendar">
            <div class="toolbar">
                <div class="toolbar__group">
                    <div class="view-switch" role="group">
                        <button class="tab" class:tab--active=move || !weekly.get() aria-pressed=move || (!weekly.get()).to_string() on:click=move |_| weekly.set(false)>{move || t(Msg::DayView)}</button>
                        <button class="tab" class:tab--active=move || weekly.get() aria-pressed=move || weekly.get().to_string() on:click=move |_| weekly.set(true)>{move || t(Msg::WeekView)}</button>
                    </div>
                    <button class="button button--ghost button--icon" aria-label=move || t(if weekly.get() { Msg::PreviousWeek } else { Msg::PreviousDay })
                        on:click=move |_| date.update(|d| *d -= Duration::days(if weekly.get_untracked() { 7 } else { 1 }))>"‹"</button>
                    <button class="button button--ghost" on:click=move |_| date.set(today) disabled=move || date.get() == today>{move || t(Msg::Today)}</button>
                    <button class="button button--ghost button--icon" aria-label=move || t(if weekly.get() { Msg::NextWeek } else { Msg::NextDay })
                        on:click=move |_| date.update(|d| *d += Duration::days(if weekly.get_untracked() { 7 } else { 1 }))>"›"</button>
                    <h1 class="toolbar__title">{move || if weekly.get() {
                        format!("{} {}", t(Msg::WeekOf), format_date(week::week_start(date.get()), lang.get()))
                    } else {
                        format_date(date.get(), lang.get())
                    }}</h1>
                </div>
                <Show when=move || weekly.get()>
                    <label class="field field--inline">
                        <span class="field__label">{move || t(Msg::Show)}</span>
                        <select class="field__input" on:change=move |ev| who.set(event_target_value(&ev))>
                            {move || site.with(|s| {
                                let people = s.providers().map(|p| (p.id.clone(), p.name.clone()));
                                let rooms = s.resources.iter().filter(|r| r.active).map(|r| (r.id.clone(), r.name.clone()));
                                people.chain(rooms).collect::<Vec<_>>()
                            }).into_iter().map(|(id, name)| {
                                let chosen = id.clone();
                                view! { <option value=id selected=move || who.get() == chosen>{name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
                <input class="field__input field__input--date" type="date" aria-label=move || t(Msg::GoToDate)
                    prop:value=move || date.get().to_string()
                    on:change=move |ev| if let Some(d) = frontdesk_core::dates::parse_day(&event_target_value(&ev)) { date.set(d) }/>
                <button class="button button--primary" disabled=move || site.with(|s| s.profile.is_none() || s.services.is_empty())
                    on:click=move |_| panel.set(Panel::Form { moving: None, staff: String::new(), start_min: None })>
                    <IconSvg icon=Icon::Plus size=20/>{new_label}
                </button>
            </div>
            <Show when=move || site.with(|s| s.profile.is_none() || s.services.is_empty() || s.providers().next().is_none())>
                <div class="callout">
                    <h2>{move || t(Msg::CalendarNotReady)}</h2>
                    <p>{move || t(Msg::CalendarNotReadyLead)}</p>
                </div>
            </Show>
            <For each=move || day.get().conflicts key=|c| (c.key(), c.first.changed_ms, c.second.changed_ms) let:conflict>
                <ConflictCard device lang site conflict/>
            </For>
            <Show when=closed>
                <p class="notice">{move || t(Msg::ClosedThisDay)}</p>
            </Show>
            <Show when=move || weekly.get()>
                <week::WeekGrid device lang site date who on_open=Callback::new(move |open: week::Open| match open {
                    week::Open::Booking(day, id) => {
                        date.set(day);
                        panel.set(Panel::Details(id));
                    }
                    week::Open::Slot(day, start) => {
                        date.set(day);
                        panel.set(Panel::Form { moving: None, staff: who.get_untracked(), start_min: Some(start) });
                    }
                })/>
            </Show>
            <div class="day-grid" class:hidden=move || weekly.get() style=move || format!("--hours: {}; --hour-px: {HOUR_PX}px; --staff: {}", (span().1 - span().0) / 60, providers().len().max(1))>
                <div class="day-grid__head">
                    <span></span>
                    {move || providers().into_iter().map(|p| view! { <span class="day-grid__staff">{p.name}</span> }).collect_view()}
                </div>
                <div class="day-grid__body">
                    <div class="day-grid__times">
                        {move || { let (from, to) = span(); (from / 60..to / 60).map(|h| view! { <span class="day-grid__hour">{format_time(h * 60)}</span> }).collect_view() }}
                    </div>
                    {move || providers().into_iter().map(|p| {
                        let staff = p.id.clone();
                        let (from, to) = span();
                        let column_bookings = day.with(|d| d.bookings.iter().filter(|b| b.staff == staff && !matches!(b.state, BookingState::Cancelled | BookingState::Moved)).cloned().collect::<Vec<_>>());
                        let slots = (from..to).step_by(30).map(|start| {
                            let staff = staff.clone();
                            view! {
                                <button class="day-grid__slot" aria-label=format!("{} {}", p.name, format_time(start))
                                    on:click=move |_| panel.set(Panel::Form { moving: None, staff: staff.clone(), start_min: Some(start) })></button>
                            }
                        }).collect_view();
                        let blocks = column_bookings.into_iter().map(|b| {
                            let top = (b.start_min - from) * HOUR_PX / 60;
                            let height = (b.duration_min * HOUR_PX / 60).max(28);
                            let id = b.id.clone();
                            let service = site.with_untracked(|s| s.service(&b.service).map(|s| s.name(lang.get_untracked().code()).to_owned())).unwrap_or_default();
                            let in_conflict = day.with_untracked(|d| d.conflicts.iter().any(|c| c.first.id == b.id || c.second.id == b.id));
                            view! {
                                <button class="booking" class:booking--conflict=in_conflict data-state=b.state.key()
                                    style=format!("top: {top}px; height: {height}px")
                                    on:click=move |_| panel.set(Panel::Details(id.clone()))>
                                    <span class="booking__line"><span class="booking__time">{format_time(b.start_min)}</span><span class="booking__client">{b.client.clone()}</span></span>
                                    <span class="booking__service">{service}" · "{b.duration_min}" min"</span>
                                </button>
                            }
                        }).collect_view();
                        view! { <div class="day-grid__column">{slots}{blocks}</div> }
                    }).collect_view()}
                </div>
            </div>
            <Show when=move || !weekly.get()>
                <DayList day lang site panel/>
                <super::waitlist::Waitlist device lang site date bookings=Signal::derive(move || day.get().bookings) now=local_now(now_ms())/>
            </Show>
            <Show when=move || panel.get() != Panel::None>
                <button class="sheet-backdrop" aria-hidden="true" tabindex="-1" on:click=move |_| panel.set(Panel::None)></button>
            </Show>
            {move || match panel.get() {
                Panel::None => None,
                Panel::Form { moving, staff, start_min } => Some(view! {
                    <BookingForm device lang site date moving=moving.map(|b| *b) staff start_min
                        on_close=Callback::new(move |()| panel.set(Panel::None))
                        on_booked=Callback::new(move |id: String| panel.set(Panel::Details(id)))/>
                }.into_any()),
                Panel::Details(id) => day.with(|d| d.bookings.iter().find(|b| b.id == id).cloned()).map(|booking| view! {
                    <BookingDetails lang site booking
                        on_close=Callback::new(move |()| panel.set(Panel::None))
                        on_state=Callback::new(move |(b, s): (Booking, BookingState)| change_state(b, s))
                        on_move=Callback::new(move |b: Booking| panel.set(Panel::Form { staff: b.staff.clone(), start_min: Some(b.start_min), moving: Some(Box::new(b)) }))/>
                }.into_any()),
            }}
            {move || undo.get().filter(|u| now.get() - u.at_ms < 12_000).map(|u| view! {
                <div class="toast" role="status">
                    <span>{u.label.clone()}</span>
                    <button class="button button--toast" on:click=undo_last>{move || t(Msg::Undo)}</button>
                </div>
            })}
        </div>
    }
}

/// The day as a list too: what a screen reader reads, and what prints.
#[component]
fn DayList(day: Memo<DayView>, lang: RwSignal<Lang>, site: Memo<Site>, panel: RwSignal<Panel>) -> impl IntoView {
    let t = move |msg: Msg| msg.text(lang.get());
    view! {
        <section class="card day-list" aria-labelledby="day-list-title">
            <h2 id="day-list-title" class="card__title">{move || t(Msg::DayAgenda)}<span class="count">{move || day.with(|d| d.bookings.iter().filter(|b| !matches!(b.state, BookingState::Cancelled | BookingState::Moved)).count())}</span></h2>
            <Show when=move || day.with(|d| d.bookings.is_empty())>
                <p class="card__empty">{move || t(Msg::NoBookingsThisDay)}</p>
            </Show>
            <ul class="rows">
                {move || day.get().bookings.into_iter().map(|b| {
                    let id = b.id.clone();
                    let state = b.state;
                    let staff = site.with(|s| s.staff_member(&b.staff).map(|m| m.name.clone())).unwrap_or_default();
                    let service = site.with(|s| s.service(&b.service).map(|s| s.name(lang.get().code()).to_owned())).unwrap_or_default();
                    view! {
                        <li class="row" class:row--inactive=!state.holds_time()>
                            <span class="row__time">{format_time(b.start_min)}</span>
                            <div class="row__main">
                                <span class="row__title">{b.client.clone()}</span>
                                <span class="row__sub">{service}" · "{staff}</span>
                            </div>
                            <span class=format!("pill pill--{}", state.key())>{move || t(booking_state_msg(state))}</span>
                            <button class="button button--ghost" on:click=move |_| panel.set(Panel::Details(id.clone()))>{move || t(Msg::Open)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ConflictCard(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>, conflict: Conflict) -> impl IntoView {
    let t = move |msg: Msg| msg.text(lang.get());
    let over = match &conflict.over {
        schedule::Clash::Staff(id) => site.with_untracked(|s| s.staff_member(id).map(|m| m.name.clone())),
        schedule::Clash::Resource(id) => site.with_untracked(|s| s.resource(id).map(|r| r.name.clone())),
    }
    .unwrap_or_default();
    // Keeping one booking means cancelling the other.
    let keep = move |drop: &Booking| {
        let cancelled = Booking {
            state: BookingState::Cancelled,
            changed_by: stamp(device).by,
            changed_ms: now_ms(),
            ..drop.clone()
        };
        save_booking(device, cancelled, |_| {});
    };
    let both = conflict.clone();
    let keep_both = move |_| {
        let conflict = both.clone();
        let Some(date) = conflict.first.day() else { return };
        let stamp = stamp(device);
        let edit = move |d: &mut automerge::AutoCommit| schedule::keep_both(d, &conflict, &stamp);
        device.get_value().change_soon(doc_name::day(date), "a conflict decision", edit, |_| {});
    };
    let side = move |mine: Booking, other: Booking| {
        let made = crate::clock::format(mine.made_ms, "%H:%M");
        let service = site
            .with_untracked(|s| s.service(&mine.service).map(|s| s.name(lang.get_untracked().code()).to_owned()))
            .unwrap_or_default();
        let d = other.clone();
        view! {
            <div class="conflict__side">
                <span class="conflict__client">{mine.client.clone()}</span>
                <span>{format_time(mine.start_min)}"–"{format_time(mine.end_min())}" · "{service}</span>
                <span class="conflict__who">{move || t(Msg::BookedBy)}" "{mine.made_by.clone()}" · "{made.clone()}</span>
                <button class="button button--primary" on:click=move |_| keep(&d)>{move || t(Msg::KeepThisOne)}</button>
            </div>
        }
    };
    view! {
        <section class="conflict" role="alert" aria-label=move || t(Msg::DoubleBooking)>
            <div class="conflict__head">
                <IconSvg icon=Icon::Alert size=22/>
                <h2>{move || t(Msg::DoubleBooking)}": "{over.clone()}</h2>
                <button class="button button--ghost" on:click=keep_both>{move || t(Msg::KeepBoth)}</button>
            </div>
            <p class="conflict__lead">{move || t(Msg::DoubleBookingLead)}</p>
            <div class="conflict__sides">
                {side(conflict.first.clone(), conflict.second.clone())}
                {side(conflict.second.clone(), conflict.first.clone())}
            </div>
        </section>
    }
}

#[component]
fn BookingDetails(
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    booking: Booking,
    on_close: Callback<()>,
    on_state: Callback<(Booking, BookingState)>,
    on_move: Callback<Booking>,
) -> impl IntoView {
    let t = move |msg: Msg| msg.text(lang.get());
    let service = site.with_untracked(|s| s.service(&booking.service).cloned());
    let staff = site.with_untracked(|s| s.staff_member(&booking.staff).map(|m| m.name.clone())).unwrap_or_default();
    let state = booking.state;
    let b = booking.clone();
    let act = move |label: Msg, to: BookingState, class: &'static str| {
        let b = b.clone();
        view! { <button class=format!("button {class}") on:click=move |_| on_state.run((b.clone(), to))>{move || t(label)}</button> }
    };
    let for_ics = booking.clone();
    let service_for_ics = service.clone();
    let download = move |_| {
        let l = lang.get_untracked();
        let business = site.with_untracked(|s| s.profile.as_ref().map(|p| p.name.clone())).unwrap_or_default();
        let title = service_for_ics.as_ref().map(|s| s.name(l.code()).to_owned()).unwrap_or_default();
        let description = format!("{}: {}", KioskMsg::ConfirmationCode.text(l), for_ics.code);
        let text = ics::EventText { title: &title, location: &business, description: &description };
        // The booking's time is the business's: its zone, not this tablet's, makes it an instant.
        if let Some(ics) = ics::booking_event(&for_ics, &text, crate::clock::instant, now_ms()) {
            download_file(&format!("{}-{}.ics", for_ics.date, for_ics.code), "text/calendar", &ics);
        }
    };
    let moving = booking.clone();
    view! {
        <aside class="sheet" role="dialog" aria-labelledby="details-title">
            <div class="sheet__head">
                <h2 id="details-title">{booking.client.clone()}</h2>
                <button class="button button--ghost button--icon" aria-label=move || t(Msg::Close) on:click=move |_| on_close.run(())>"×"</button>
            </div>
            <dl class="facts">
                <dt>{move || t(Msg::When)}</dt><dd>{format_time(booking.start_min)}"–"{format_time(booking.end_min())}</dd>
                <dt>{move || t(Msg::Service)}</dt><dd>{service.as_ref().map(|s| s.name(lang.get_untracked().code()).to_owned())}</dd>
                <dt>{move || t(Msg::With)}</dt><dd>{staff}</dd>
                {site.with_untracked(|s| s.resource(&booking.resource).map(|r| r.name.clone())).map(|room| view! {
                    <dt>{move || t(Msg::RoomOrEquipment)}</dt><dd>{room}</dd>
                })}
                <dt>{move || t(Msg::Phone)}</dt><dd>{if booking.phone.is_empty() { "—".to_owned() } else { booking.phone.clone() }}</dd>
                <dt>{move || KioskMsg::ConfirmationCode.text(lang.get())}</dt><dd class="code">{booking.code.clone()}</dd>
                <dt>{move || t(Msg::Status)}</dt><dd><span class=format!("pill pill--{}", state.key())>{move || t(booking_state_msg(state))}</span></dd>
                {(!booking.notes.is_empty()).then(|| view! { <dt>{move || t(Msg::Notes)}</dt><dd>{booking.notes.clone()}</dd> })}
            </dl>
            <div class="sheet__actions">
                {match state {
                    BookingState::Booked => view! {
                        {act(Msg::MarkArrived, BookingState::Arrived, "button--primary")}
                        {act(Msg::NoShow, BookingState::NoShow, "button--ghost")}
                        <button class="button button--ghost" on:click=move |_| on_move.run(moving.clone())>{move || t(Msg::Move)}</button>
                        {act(Msg::CancelBooking, BookingState::Cancelled, "button--danger")}
                    }.into_any(),
                    // A moved booking lives on its new day now; nothing to do with this copy.
                    BookingState::Moved => ().into_any(),
                    _ => act(Msg::BackToBooked, BookingState::Booked, "button--ghost").into_any(),
                }}
                <button class="button button--ghost" on:click=download>{move || t(Msg::AddToCalendar)}</button>
            </div>
        </aside>
    }
}

/// Offers `text` as a file download.
pub(super) fn download_file(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(document) = web_sys::window().and_then(|w| w.document())
        && let Ok(a) = document.create_element("a")
        && let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[component]
#[allow(clippy::too_many_arguments)]
fn BookingForm(
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
    let t = move |msg: Msg| msg.text(lang.get());
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
            (_, None) => Err(Msg::ChooseATime.text(lang.get()).to_owned()),
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
                        notes: format!("→ {new_date}"),
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
                if let Err(e) = dev.change(&doc_name::day(day), move |d| schedule::put_booking(d, &booking)).await {
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
                    <h2 id="form-title">{move || if is_move { t(Msg::MoveBooking).to_owned() } else { new_booking_label(site, lang.get()) }}</h2>
                    <button class="button button--ghost button--icon" type="button" aria-label=move || t(Msg::Close) on:click=move |_| on_close.run(())>"×"</button>
                </div>
                <label class="field">
                    <span class="field__label">{move || t(Msg::ClientName)}</span>
                    <input class="field__input" type="text" autocomplete="off" maxlength="80" prop:value=client
                        on:input=move |ev| { client.set(event_target_value(&ev)); touched.set(true); }/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(Msg::Phone)}<em>" · "{move || KioskMsg::Optional.text(lang.get())}</em></span>
                    <input class="field__input" type="tel" autocomplete="off" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(Msg::Service)}</span>
                    <select class="field__input" on:change=move |ev| service.set(event_target_value(&ev))>
                        {move || services().into_iter().map(|s| {
                            let id = s.id.clone();
                            let label = format!("{} · {} min", s.name(lang.get().code()), s.duration_min);
                            view! { <option value=id.clone() selected=move || service.get() == id>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(Msg::With)}</span>
                    <select class="field__input" on:change=move |ev| who.set(event_target_value(&ev))>
                        {move || performers().into_iter().map(|p| {
                            let id = p.id.clone();
                            view! { <option value=id.clone() selected=move || who.get() == id>{p.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(Msg::Date)}</span>
                    <input class="field__input" type="date" prop:value=move || form_date.get().to_string()
                        on:change=move |ev| if let Some(d) = frontdesk_core::dates::parse_day(&event_target_value(&ev)) {
                            form_date.set(d);
                            start.set(None);
                        }/>
                </label>
                <Show when=move || site.with(|s| s.resources.iter().any(|r| r.active && r.kind != frontdesk_core::site::ResourceKind::HotelRoom))>
                    <label class="field">
                        <span class="field__label">{move || t(Msg::RoomOrEquipment)}<em>" · "{move || KioskMsg::Optional.text(lang.get())}</em></span>
                        <select class="field__input" on:change=move |ev| room.set(event_target_value(&ev))>
                            <option value="" selected=move || room.get().is_empty()>{move || t(Msg::NoRoomNeeded)}</option>
                            {move || site.with(|s| s.resources.iter().filter(|r| r.active && r.kind != frontdesk_core::site::ResourceKind::HotelRoom).cloned().collect::<Vec<_>>()).into_iter().map(|r| {
                                let id = r.id.clone();
                                view! { <option value=r.id.clone() selected=move || room.get() == id>{r.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
                <div class="field">
                    <span class="field__label">{move || t(Msg::FreeTimes)}" · "{move || format_date(form_date.get(), lang.get())}</span>
                    <div class="slots" role="group" aria-label=move || t(Msg::FreeTimes)>
                        {move || {
                            let slots = free();
                            if slots.is_empty() {
                                view! { <p class="slots__none">{t(Msg::NoFreeTimes)}</p> }.into_any()
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
                    <span class="field__label">{move || t(Msg::Notes)}<em>" · "{move || KioskMsg::Optional.text(lang.get())}</em></span>
                    <textarea class="field__input field__input--area" rows="2" maxlength="500" prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                </label>
                <Show when=move || !is_move>
                    <label class="field">
                        <span class="field__label">{move || t(Msg::RepeatWeekly)}</span>
                        <select class="field__input" on:change=move |ev| repeat.set(event_target_value(&ev).parse().unwrap_or(1))>
                            {[1u32, 2, 4, 8, 12].into_iter().map(|n| view! { <option value=n.to_string()>{move || if n == 1 { t(Msg::DoesNotRepeat).to_owned() } else { format!("{n} {}", t(Msg::Weeks)) }}</option> }).collect_view()}
                        </select>
                    </label>
                </Show>
                <p class="field-error" role="alert">{move || if touched.get() { check3().err() } else { None }}{move || failure.get()}</p>
                <div class="form__actions">
                    <button class="button button--primary button--large" type="submit" disabled=move || saving.get()>
                        {move || if is_move { t(Msg::SaveMove) } else { t(Msg::Book) }}
                    </button>
                    <button class="button button--ghost" type="button" on:click=move |_| on_close.run(())>{move || t(Msg::Discard)}</button>
                </div>
            </form>
        </aside>
    }
}
