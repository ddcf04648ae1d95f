//! The hotel desk: today's arrivals and departures, the room board with housekeeping status,
//! reservations across nights, and rooms double-booked by tablets that were apart.

use chrono::NaiveDate;
use frontdesk_core::RecordId;
use frontdesk_core::doc_name;
use frontdesk_core::money::format_amount;
use frontdesk_core::schedule::confirmation_code;
use frontdesk_core::site::{ResourceKind, Site};
use frontdesk_core::stays::{self, HousekeepingStatus, RoomStatus, Stay, StayConflict, StayRequest, StayState};
use leptos::prelude::*;

use crate::components::date_input::DateInput;
use crate::components::device_gate::DeviceRef;
use crate::i18n::{Lang, RoomsMsg, stay_error_text, tr};
use crate::pages::desk::format_date;
use crate::platform::random_bytes;

/// Everything the rooms screen reads.
#[derive(Clone, Debug, Default, PartialEq)]
struct House {
    stays: Vec<Stay>,
    rooms: Vec<RoomStatus>,
    conflicts: Vec<StayConflict>,
}

fn read_house(device: DeviceRef, today: NaiveDate) -> House {
    device.with_value(|d| {
        let docs = doc_name::recent_stays(today);
        let mut all = Vec::new();
        let mut kept = std::collections::HashSet::new();
        for doc in &docs {
            if let Some((s, k)) = d.read(doc, |doc| (stays::stays(doc), stays::kept(&[doc]))) {
                all.extend(s);
                kept.extend(k);
            }
        }
        let rooms = stays::latest_room_statuses(
            doc_name::recent_rooms(today).iter().map(|name| d.read(name, stays::room_statuses).unwrap_or_default()),
        );
        let conflicts = stays::conflicts(&all, &kept);
        House { stays: all, rooms, conflicts }
    })
}

fn status_msg(status: HousekeepingStatus) -> RoomsMsg {
    match status {
        HousekeepingStatus::Clean => RoomsMsg::RoomClean,
        HousekeepingStatus::Dirty => RoomsMsg::RoomDirty,
        HousekeepingStatus::Inspected => RoomsMsg::RoomInspected,
        HousekeepingStatus::OutOfOrder => RoomsMsg::RoomOutOfOrder,
    }
}

#[component]
pub fn Rooms(device: DeviceRef, today: NaiveDate, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let t = move |msg: RoomsMsg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let house = Memo::new(move |_| {
        revision.track();
        read_house(device, today)
    });
    let stamp = move || device.with_value(|d| d.stamp());
    let currency = move || site.with(|s| s.profile.as_ref().map(|p| p.currency.clone())).unwrap_or_default();
    let money =
        move |minor: i64| format!("{} {}", format_amount(minor, &currency(), lang.get() == Lang::Es), currency());
    let room_name = move |id: &str| site.with(|s| s.resource(id).map(|r| r.name.clone())).unwrap_or_default();

    let save_stay = move |stay: Stay| {
        let Some(arrive) = stay.arrive_date() else { return };
        let edit = move |d: &mut automerge::AutoCommit| stays::put_stay(d, &stay);
        device.get_value().change_soon(doc_name::stays(arrive), "a stay", edit, |_| {});
    };
    let set_room = move |room: String, status: HousekeepingStatus| {
        let s = stamp();
        let record = RoomStatus { room, status, note: String::new(), by: s.by, at_ms: s.at_ms };
        let latest = house.with_untracked(|h| h.rooms.clone());
        let edit = move |d: &mut automerge::AutoCommit| stays::set_room_status(d, &record, &latest);
        device.get_value().change_soon(doc_name::rooms(today), "a room's status", edit, |_| {});
    };
    let check_in = move |stay: Stay| save_stay(stays::with_state(&stay, StayState::CheckedIn, &stamp()));
    let check_out = move |stay: Stay| {
        let room = stay.room.clone();
        save_stay(stays::with_state(&stay, StayState::CheckedOut, &stamp()));
        // The room needs cleaning before the next guest.
        set_room(room, HousekeepingStatus::Dirty);
    };

    // The reservation form.
    let guest = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let arrive = RwSignal::new(today);
    let nights = RwSignal::new("1".to_owned());
    let guests = RwSignal::new("2".to_owned());
    let room = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let nights_n = move || nights.get().trim().parse::<u32>().unwrap_or(0);
    let free = move || {
        let h = house.get();
        site.with(|s| {
            stays::free_rooms(s, &h.stays, &h.rooms, arrive.get(), nights_n().max(1))
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let planned = move || {
        let h = house.get();
        let request = StayRequest {
            guest: guest.get(),
            phone: phone.get(),
            room: room.get(),
            arrive: arrive.get(),
            nights: nights_n(),
            guests: guests.get().trim().parse().unwrap_or(0),
            notes: String::new(),
        };
        site.with(|s| {
            stays::plan(
                s,
                &h.stays,
                &h.rooms,
                today,
                &request,
                (RecordId::from_random(random_bytes()).to_string(), confirmation_code(random_bytes())),
                &stamp(),
            )
        })
    };
    let reserve = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if let Ok(stay) = planned() {
            save_stay(stay);
            guest.set(String::new());
            phone.set(String::new());
            room.set(String::new());
            touched.set(false);
        }
    };

    view! {
        <div class="page rooms">
            <For each=move || house.get().conflicts key=|c| c.key() let:conflict>
                {
                    let (a, b) = (conflict.first.clone(), conflict.second.clone());
                    let both = conflict.clone();
                    let side = move |mine: Stay, other: Stay| {
                        let nights = format!("{} → {}", mine.arrive, mine.depart);
                        view! {
                            <div class="conflict__side">
                                <span class="conflict__client">{mine.guest.clone()}</span>
                                <span>{nights}</span>
                                <span class="conflict__who">{move || t(RoomsMsg::BookedBy)}" "{mine.made_by.clone()}</span>
                                <button class="button button--primary" on:click=move |_| save_stay(stays::with_state(&other, StayState::Cancelled, &stamp()))>{move || t(RoomsMsg::KeepThisOne)}</button>
                            </div>
                        }
                    };
                    view! {
                        <section class="conflict" role="alert" aria-label=move || t(RoomsMsg::DoubleBooking)>
                            <div class="conflict__head">
                                <h2>{move || t(RoomsMsg::DoubleBooking)}": "{room_name(&conflict.first.room)}</h2>
                                <button class="button button--ghost" on:click=move |_| {
                                    let c = both.clone();
                                    let s = stamp();
                                    let Some(arrive) = c.first.arrive_date() else { return };
                                    let edit = move |d: &mut automerge::AutoCommit| stays::keep_both(d, &c, &s);
                                    device.get_value().change_soon(doc_name::stays(arrive), "a conflict decision", edit, |_| {});
                                }>{move || t(RoomsMsg::KeepBoth)}</button>
                            </div>
                            <div class="conflict__sides">{side(a.clone(), b.clone())}{side(b, a)}</div>
                        </section>
                    }
                }
            </For>
            <div class="rooms__today">
                <section class="card" aria-labelledby="arrivals-title">
                    <h2 id="arrivals-title" class="card__title">{move || t(RoomsMsg::ArrivingToday)}<span class="count">{move || house.with(|h| stays::today(&h.stays, today).arrivals.len())}</span></h2>
                    <Show when=move || house.with(|h| stays::today(&h.stays, today).arrivals.is_empty())>
                        <p class="card__empty">{move || t(RoomsMsg::NoArrivals)}</p>
                    </Show>
                    <ul class="rows">
                        {move || stays::today(&house.get().stays, today).arrivals.into_iter().map(|s| {
                            let stay = s.clone();
                            view! {
                                <li class="row">
                                    <span class="row__time">{room_name(&s.room)}</span>
                                    <div class="row__main"><span class="row__title">{s.guest.clone()}</span><span class="row__sub">{let nights = s.nights(); move || tr!(lang.get(), desk.nights, count = nights)}" · "{money(s.total_minor())}</span></div>
                                    <button class="button button--primary" on:click=move |_| check_in(stay.clone())>{move || t(RoomsMsg::CheckInGuest)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
                <section class="card" aria-labelledby="departures-title">
                    <h2 id="departures-title" class="card__title">{move || t(RoomsMsg::LeavingToday)}<span class="count">{move || house.with(|h| { let t_ = stays::today(&h.stays, today); t_.departures.len() + t_.in_house.len() })}</span></h2>
                    <Show when=move || house.with(|h| { let t_ = stays::today(&h.stays, today); t_.departures.is_empty() && t_.in_house.is_empty() })>
                        <p class="card__empty">{move || t(RoomsMsg::NoOneInHouse)}</p>
                    </Show>
                    <ul class="rows">
                        {move || { let t_ = stays::today(&house.get().stays, today); t_.departures.into_iter().chain(t_.in_house).map(|s| {
                            let stay = s.clone();
                            view! {
                                <li class="row">
                                    <span class="row__time">{room_name(&s.room)}</span>
                                    <div class="row__main"><span class="row__title">{s.guest.clone()}</span><span class="row__sub">{move || t(RoomsMsg::Until)}" "{s.depart_date().map(|d| format_date(d, lang.get())).unwrap_or_default()}</span></div>
                                    <button class="button button--ghost" on:click=move |_| check_out(stay.clone())>{move || t(RoomsMsg::CheckOutGuest)}</button>
                                </li>
                            }
                        }).collect_view() }}
                    </ul>
                </section>
            </div>
            <section class="card" aria-labelledby="board-title">
                <h2 id="board-title" class="card__title">{move || t(RoomsMsg::RoomBoard)}</h2>
                <Show when=move || site.with(|s| !s.resources.iter().any(|r| r.kind == ResourceKind::HotelRoom))>
                    <p class="card__empty">{move || t(RoomsMsg::NoRoomsYet)}</p>
                </Show>
                <div class="room-board">
                    {move || site.get().resources.into_iter().filter(|r| r.active && r.kind == ResourceKind::HotelRoom).map(|r| {
                        let h = house.get();
                        let status = stays::room_status(&h.rooms, &r.id);
                        let tonight = h.stays.iter().find(|s| s.room == r.id && s.state.holds_room() && s.covers_night(today)).map(|s| s.guest.clone());
                        let id = r.id.clone();
                        view! {
                            <article class="room-card" data-status=status.key() aria-label=r.name.clone()>
                                <div class="room-card__head">
                                    <span class="room-card__name">{r.name.clone()}</span>
                                    <span class=format!("pill room-pill room-pill--{}", status.key())>{move || t(status_msg(status))}</span>
                                </div>
                                <span class="room-card__sub">{r.room_type.clone()}" · "{money(r.rate_minor)}</span>
                                <span class="room-card__guest">{tonight.unwrap_or_else(|| t(RoomsMsg::Vacant).to_owned())}</span>
                                <div class="room-card__actions">
                                    {[HousekeepingStatus::Dirty, HousekeepingStatus::Clean, HousekeepingStatus::Inspected, HousekeepingStatus::OutOfOrder].into_iter().map(|s| {
                                        let id = id.clone();
                                        view! {
                                            <button class="chip-button" class:chip-button--on=status == s aria-pressed=(status == s).to_string()
                                                on:click=move |_| set_room(id.clone(), s)>{move || t(status_msg(s))}</button>
                                        }
                                    }).collect_view()}
                                </div>
                            </article>
                        }
                    }).collect_view()}
                </div>
            </section>
            <form class="card form" on:submit=reserve aria-labelledby="reserve-title" novalidate>
                <h2 id="reserve-title" class="card__title">{move || t(RoomsMsg::NewReservation)}</h2>
                <div class="form__grid">
                    <label class="field">
                        <span class="field__label">{move || t(RoomsMsg::GuestName)}</span>
                        <input class="field__input" type="text" autocomplete="off" prop:value=guest on:input=move |ev| guest.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(RoomsMsg::Phone)}</span>
                        <input class="field__input" type="tel" autocomplete="off" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(RoomsMsg::Arrival)}</span>
                        <DateInput value=Signal::derive(move || Some(arrive.get())) on_pick=Callback::new(move |d| arrive.set(d)) lang/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(RoomsMsg::NightsLabel)}</span>
                        <input class="field__input" type="number" min="1" max="60" inputmode="numeric" prop:value=nights on:input=move |ev| nights.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(RoomsMsg::Guests)}</span>
                        <input class="field__input" type="number" min="1" max="12" inputmode="numeric" prop:value=guests on:input=move |ev| guests.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(RoomsMsg::Room)}</span>
                        <select class="field__input" on:change=move |ev| room.set(event_target_value(&ev))>
                            <option value="" selected=move || room.get().is_empty()>{move || t(RoomsMsg::ChooseRoom)}</option>
                            {move || free().into_iter().map(|r| {
                                let id = r.id.clone();
                                let label = format!("{} · {} · {}", r.name, r.room_type, money(r.rate_minor));
                                view! { <option value=r.id.clone() selected=move || room.get() == id>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                <p class="form-total">{move || planned().ok().map(|s| format!("{} · {} → {} · {}", tr!(lang.get(), desk.nights, count = s.nights()), format_date(s.arrive_date().unwrap_or(today), lang.get()), s.depart_date().map(|d| format_date(d, lang.get())).unwrap_or_default(), money(s.total_minor())))}</p>
                <p class="field-error" role="alert">{move || if touched.get() { planned().err().map(|e| stay_error_text(&e, lang.get())) } else { None }}</p>
                <div class="form__actions">
                    <button class="button button--primary button--large" type="submit">{move || t(RoomsMsg::Reserve)}</button>
                </div>
            </form>
        </div>
    }
}
