//! The calendar: one day by staff member, booking, moving, cancelling, arrivals and no-shows,
//! the conflicts that offline bookings left, and the `.ics` of any booking.

use crate::components::history::History;
use chrono::{Duration, NaiveDate, Timelike};
use frontdesk_core::history::Kind;
use frontdesk_core::schedule::{self, Booking, BookingState, Conflict, Stamp};
use frontdesk_core::site::{self, Site, format_time};
use frontdesk_core::{doc_name, ics, views};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::week;
use crate::components::date_input::DateInput;
use crate::components::device_gate::DeviceRef;
use crate::components::icons::{Icon, IconSvg};
use crate::i18n::{CalendarMsg, DeviceMsg, Lang, booking_noun_msg, booking_state_msg};
use crate::pages::desk::format_date;
use crate::platform::now_ms;
use booking_form::BookingForm;

mod booking_form;

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
    let dev = device.get_value();
    let id = booking.id.clone();
    let edit = dev.logged(frontdesk_core::history::Kind::Booking, &id, move |d| schedule::put_booking(d, &booking));
    dev.change_soon(doc_name::day(date), "a booking", edit, done);
}

/// "New appointment", "New reservation", "Nueva reunión": in the business's words.
fn new_booking_label(site: Memo<Site>, lang: Lang) -> String {
    let noun = site
        .with(|s| s.profile.as_ref().map(|p| p.kind.booking()))
        .map(booking_noun_msg)
        .unwrap_or(CalendarMsg::NounAppointment);
    format!("{} {}", CalendarMsg::NewBooking.text(lang), noun.text(lang).to_lowercase())
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
    let t = move |msg: CalendarMsg| msg.text(lang.get());
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
                        <button class="tab" class:tab--active=move || !weekly.get() aria-pressed=move || (!weekly.get()).to_string() on:click=move |_| weekly.set(false)>{move || t(CalendarMsg::DayView)}</button>
                        <button class="tab" class:tab--active=move || weekly.get() aria-pressed=move || weekly.get().to_string() on:click=move |_| weekly.set(true)>{move || t(CalendarMsg::WeekView)}</button>
                    </div>
                    <button class="button button--ghost button--icon" aria-label=move || t(if weekly.get() { CalendarMsg::PreviousWeek } else { CalendarMsg::PreviousDay })
                        on:click=move |_| date.update(|d| *d -= Duration::days(if weekly.get_untracked() { 7 } else { 1 }))>"‹"</button>
                    <button class="button button--ghost" on:click=move |_| date.set(today) disabled=move || date.get() == today>{move || t(CalendarMsg::Today)}</button>
                    <button class="button button--ghost button--icon" aria-label=move || t(if weekly.get() { CalendarMsg::NextWeek } else { CalendarMsg::NextDay })
                        on:click=move |_| date.update(|d| *d += Duration::days(if weekly.get_untracked() { 7 } else { 1 }))>"›"</button>
                    <h1 class="toolbar__title">{move || if weekly.get() {
                        format!("{} {}", t(CalendarMsg::WeekOf), format_date(week::week_start(date.get()), lang.get()))
                    } else {
                        format_date(date.get(), lang.get())
                    }}</h1>
                </div>
                <Show when=move || weekly.get()>
                    <label class="field field--inline">
                        <span class="field__label">{move || t(CalendarMsg::Show)}</span>
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
                <DateInput value=Signal::derive(move || Some(date.get())) on_pick=Callback::new(move |d| date.set(d)) lang
                    label=Signal::derive(move || t(CalendarMsg::GoToDate).to_owned())/>
                <button class="button button--primary" disabled=move || site.with(|s| s.profile.is_none() || s.services.is_empty())
                    on:click=move |_| panel.set(Panel::Form { moving: None, staff: String::new(), start_min: None })>
                    <IconSvg icon=Icon::Plus size=20/>{new_label}
                </button>
            </div>
            <Show when=move || site.with(|s| s.profile.is_none() || s.services.is_empty() || s.providers().next().is_none())>
                <div class="callout">
                    <h2>{move || t(CalendarMsg::CalendarNotReady)}</h2>
                    <p>{move || t(CalendarMsg::CalendarNotReadyLead)}</p>
                </div>
            </Show>
            <For each=move || day.get().conflicts key=|c| (c.key(), c.first.changed_ms, c.second.changed_ms) let:conflict>
                <ConflictCard device lang site conflict/>
            </For>
            <For each=move || day.get().crossed key=|c| (c.booking.id.clone(), c.moved_to.clone(), c.cancelled) let:crossed>
                <CrossedCard device lang site crossed/>
            </For>
            <Show when=closed>
                <p class="notice">{move || t(CalendarMsg::ClosedThisDay)}</p>
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
                    <BookingDetails device lang site booking
                        on_close=Callback::new(move |()| panel.set(Panel::None))
                        on_state=Callback::new(move |(b, s): (Booking, BookingState)| change_state(b, s))
                        on_move=Callback::new(move |b: Booking| panel.set(Panel::Form { staff: b.staff.clone(), start_min: Some(b.start_min), moving: Some(Box::new(b)) }))/>
                }.into_any()),
            }}
            {move || undo.get().filter(|u| now.get() - u.at_ms < 12_000).map(|u| view! {
                <div class="toast" role="status">
                    <span>{u.label.clone()}</span>
                    <button class="button button--toast" on:click=undo_last>{move || t(CalendarMsg::Undo)}</button>
                </div>
            })}
        </div>
    }
}

/// The day as a list too: what a screen reader reads, and what prints.
#[component]
fn DayList(day: Memo<DayView>, lang: RwSignal<Lang>, site: Memo<Site>, panel: RwSignal<Panel>) -> impl IntoView {
    let t = move |msg: CalendarMsg| msg.text(lang.get());
    view! {
        <section class="card day-list" aria-labelledby="day-list-title">
            <h2 id="day-list-title" class="card__title">{move || t(CalendarMsg::DayAgenda)}<span class="count">{move || day.with(|d| d.bookings.iter().filter(|b| !matches!(b.state, BookingState::Cancelled | BookingState::Moved)).count())}</span></h2>
            <Show when=move || day.with(|d| d.bookings.is_empty())>
                <p class="card__empty">{move || t(CalendarMsg::NoBookingsThisDay)}</p>
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
                            <span class=format!("pill pill--{}", state.key())>{move || booking_state_msg(state).text(lang.get())}</span>
                            <button class="button button--ghost" on:click=move |_| panel.set(Panel::Details(id.clone()))>{move || t(CalendarMsg::Open)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ConflictCard(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>, conflict: Conflict) -> impl IntoView {
    let t = move |msg: CalendarMsg| msg.text(lang.get());
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
                <span class="conflict__who">{move || t(CalendarMsg::BookedBy)}" "{mine.made_by.clone()}" · "{made.clone()}</span>
                <button class="button button--primary" on:click=move |_| keep(&d)>{move || t(CalendarMsg::KeepThisOne)}</button>
            </div>
        }
    };
    view! {
        <section class="conflict" role="alert" aria-label=move || t(CalendarMsg::DoubleBooking)>
            <div class="conflict__head">
                <IconSvg icon=Icon::Alert size=22/>
                <h2>{move || t(CalendarMsg::DoubleBooking)}": "{over.clone()}</h2>
                <button class="button button--ghost" on:click=keep_both>{move || t(CalendarMsg::KeepBoth)}</button>
            </div>
            <p class="conflict__lead">{move || t(CalendarMsg::DoubleBookingLead)}</p>
            <div class="conflict__sides">
                {side(conflict.first.clone(), conflict.second.clone())}
                {side(conflict.second.clone(), conflict.first.clone())}
            </div>
        </section>
    }
}

/// A booking moved and cancelled (or moved to two days) on tablets that were apart: what each
/// did, and one tap to decide what stands (the old day is written once more, and every other
/// day it went to has it cancelled).
#[component]
fn CrossedCard(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    crossed: schedule::CrossedMove,
) -> impl IntoView {
    let t = move |msg: CalendarMsg| msg.text(lang.get());
    let b = &crossed.booking;
    let service = site
        .with_untracked(|s| s.service(&b.service).map(|s| s.name(lang.get_untracked().code()).to_owned()))
        .unwrap_or_default();
    let line = format!("{} · {}–{} · {service}", b.client, format_time(b.start_min), format_time(b.end_min()));
    let settle = move |choice: schedule::Settle, crossed: schedule::CrossedMove| {
        let Some(old_day) = crossed.booking.day() else { return };
        let stamp = stamp(device);
        let id = crossed.booking.id.clone();
        let mut edits: Vec<(String, frontdesk_core::replica::DocEdit)> = schedule::days_to_cancel(&crossed, choice)
            .into_iter()
            .map(|d| {
                let (id, stamp) = (id.clone(), stamp.clone());
                let edit: frontdesk_core::replica::DocEdit =
                    Box::new(move |doc: &mut automerge::AutoCommit| schedule::cancel_in(doc, &id, &stamp));
                (doc_name::day(d), edit)
            })
            .collect();
        edits.push((
            doc_name::day(old_day),
            Box::new(move |doc: &mut automerge::AutoCommit| schedule::settle_old_day(doc, &crossed, choice, &stamp)),
        ));
        device.get_value().change_all_soon(edits, "a crossed move", |_| {});
    };
    let cancel = crossed.clone();
    let keep_cancelled = crossed.cancelled.then(|| {
        view! {
            <button class="button button--primary" on:click=move |_| settle(schedule::Settle::Cancel, cancel.clone())>
                {move || t(CalendarMsg::KeepCancelled)}
            </button>
        }
    });
    let keep_on = crossed
        .moved_to
        .iter()
        .map(|&to| {
            let crossed = crossed.clone();
            view! {
                <button class="button button--primary" on:click=move |_| settle(schedule::Settle::MovedTo(to), crossed.clone())>
                    {move || format!("{} {}", t(CalendarMsg::KeepOn), format_date(to, lang.get()))}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="conflict" role="alert" aria-label=move || t(CalendarMsg::CrossedMove)>
            <div class="conflict__head">
                <IconSvg icon=Icon::Alert size=22/>
                <h2>{move || t(CalendarMsg::CrossedMove)}</h2>
            </div>
            <p class="conflict__lead">{move || t(CalendarMsg::CrossedMoveLead)}</p>
            <p class="conflict__client">{line}</p>
            <div class="form__actions">{keep_cancelled}{keep_on}</div>
        </section>
    }
}

#[component]
fn BookingDetails(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    booking: Booking,
    on_close: Callback<()>,
    on_state: Callback<(Booking, BookingState)>,
    on_move: Callback<Booking>,
) -> impl IntoView {
    let t = move |msg: CalendarMsg| msg.text(lang.get());
    let service = site.with_untracked(|s| s.service(&booking.service).cloned());
    let staff = site.with_untracked(|s| s.staff_member(&booking.staff).map(|m| m.name.clone())).unwrap_or_default();
    let state = booking.state;
    let b = booking.clone();
    let act = move |label: CalendarMsg, to: BookingState, class: &'static str| {
        let b = b.clone();
        view! { <button class=format!("button {class}") on:click=move |_| on_state.run((b.clone(), to))>{move || t(label)}</button> }
    };
    let for_ics = booking.clone();
    let service_for_ics = service.clone();
    let download = move |_| {
        let l = lang.get_untracked();
        let business = site.with_untracked(|s| s.profile.as_ref().map(|p| p.name.clone())).unwrap_or_default();
        let title = service_for_ics.as_ref().map(|s| s.name(l.code()).to_owned()).unwrap_or_default();
        let description = format!("{}: {}", DeviceMsg::ConfirmationCode.text(l), for_ics.code);
        let text = ics::EventText { title: &title, location: &business, description: &description };
        // The booking's time is the business's: its zone, not this tablet's, makes it an instant.
        if let Some(ics) = ics::booking_event(&for_ics, &text, crate::clock::instant, now_ms()) {
            download_file(&format!("{}-{}.ics", for_ics.date, for_ics.code), "text/calendar", &ics);
        }
    };
    let moving = booking.clone();
    let day_doc = booking.day().map(doc_name::day).unwrap_or_default();
    let id = booking.id.clone();
    view! {
        <aside class="sheet" role="dialog" aria-labelledby="details-title">
            <div class="sheet__head">
                <h2 id="details-title">{booking.client.clone()}</h2>
                <button class="button button--ghost button--icon" aria-label=move || t(CalendarMsg::Close) on:click=move |_| on_close.run(())>"×"</button>
            </div>
            <dl class="facts">
                <dt>{move || t(CalendarMsg::When)}</dt><dd>{format_time(booking.start_min)}"–"{format_time(booking.end_min())}</dd>
                <dt>{move || t(CalendarMsg::Service)}</dt><dd>{service.as_ref().map(|s| s.name(lang.get_untracked().code()).to_owned())}</dd>
                <dt>{move || t(CalendarMsg::With)}</dt><dd>{staff}</dd>
                {site.with_untracked(|s| s.resource(&booking.resource).map(|r| r.name.clone())).map(|room| view! {
                    <dt>{move || t(CalendarMsg::RoomOrEquipment)}</dt><dd>{room}</dd>
                })}
                <dt>{move || t(CalendarMsg::Phone)}</dt><dd>{if booking.phone.is_empty() { "—".to_owned() } else { booking.phone.clone() }}</dd>
                <dt>{move || DeviceMsg::ConfirmationCode.text(lang.get())}</dt><dd class="code">{booking.code.clone()}</dd>
                <dt>{move || t(CalendarMsg::Status)}</dt><dd><span class=format!("pill pill--{}", state.key())>{move || booking_state_msg(state).text(lang.get())}</span></dd>
                {(!booking.notes.is_empty()).then(|| view! { <dt>{move || t(CalendarMsg::Notes)}</dt><dd>{booking.notes.clone()}</dd> })}
            </dl>
            <div class="sheet__actions">
                {match state {
                    BookingState::Booked => view! {
                        {act(CalendarMsg::MarkArrived, BookingState::Arrived, "button--primary")}
                        {act(CalendarMsg::NoShow, BookingState::NoShow, "button--ghost")}
                        <button class="button button--ghost" on:click=move |_| on_move.run(moving.clone())>{move || t(CalendarMsg::Move)}</button>
                        {act(CalendarMsg::CancelBooking, BookingState::Cancelled, "button--danger")}
                    }.into_any(),
                    // A moved booking lives on its new day now; nothing to do with this copy.
                    BookingState::Moved => ().into_any(),
                    _ => act(CalendarMsg::BackToBooked, BookingState::Booked, "button--ghost").into_any(),
                }}
                <button class="button button--ghost" on:click=download>{move || t(CalendarMsg::AddToCalendar)}</button>
            </div>
            <History device lang site doc=day_doc kind=Kind::Booking id/>
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
