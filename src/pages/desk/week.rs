//! The calendar's week: one staff member (or room), Monday to Sunday, side by side.

use chrono::{Datelike, Duration, NaiveDate};
use frontdesk_core::doc_name;
use frontdesk_core::schedule::{self, Booking, BookingState};
use frontdesk_core::site::{self, Site, format_time};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::device_gate::DeviceRef;
use crate::i18n::{Lang, weekday_name};

/// Height of one hour on the week grid, in pixels.
const HOUR_PX: u32 = 72;

/// The Monday of `date`'s week.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The hours a grid spans for `days`: every opening hour among them and any booking outside
/// them, in whole hours (9:00–18:00 when nothing is known).
pub fn grid_span<'a>(site: &Site, days: &[NaiveDate], bookings: impl IntoIterator<Item = &'a Booking>) -> (u32, u32) {
    let (mut from, mut to) = (24 * 60, 0);
    if let Some(p) = &site.profile {
        for day in days {
            let h = site::hours_on(&p.hours, *day);
            if h.open {
                from = from.min(h.from_min);
                to = to.max(h.to_min);
            }
        }
    }
    for b in bookings.into_iter().filter(|b| b.state.holds_time()) {
        from = from.min(b.start_min);
        to = to.max(b.end_min());
    }
    if from >= to { (9 * 60, 18 * 60) } else { (from / 60 * 60, to.div_ceil(60) * 60) }
}

/// What a tap on the week asks the calendar to open.
#[derive(Clone, Debug, PartialEq)]
pub enum Open {
    Booking(NaiveDate, String),
    Slot(NaiveDate, u32),
}

#[component]
pub fn WeekGrid(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    date: RwSignal<NaiveDate>,
    /// The staff member (or resource) shown.
    who: RwSignal<String>,
    on_open: Callback<Open>,
) -> impl IntoView {
    let revision = device.with_value(|d| d.revision);
    let days = move || {
        let monday = week_start(date.get());
        (0..7).map(move |i| monday + Duration::days(i)).collect::<Vec<_>>()
    };
    Effect::new(move |_| {
        let dev = device.get_value();
        let docs: Vec<String> = days().into_iter().map(doc_name::day).collect();
        spawn_local(async move { dev.follow(docs).await });
    });
    let week = Memo::new(move |_| {
        revision.track();
        let id = who.get();
        days()
            .into_iter()
            .map(|day| {
                let bookings = device
                    .with_value(|d| d.read(&doc_name::day(day), schedule::bookings))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|b| {
                        !matches!(b.state, BookingState::Cancelled | BookingState::Moved)
                            && (b.staff == id || b.resource == id)
                    })
                    .collect::<Vec<Booking>>();
                (day, bookings)
            })
            .collect::<Vec<_>>()
    });
    // The rows span every opening hour of the week (and any booking outside them).
    let span = move || site.with(|s| week.with(|w| grid_span(s, &days(), w.iter().flat_map(|(_, b)| b))));
    view! {
        <div class="week-grid" style=move || format!("--hour-px: {HOUR_PX}px")>
            <div class="week-grid__head">
                <span></span>
                {move || days().into_iter().map(|d| view! {
                    <span class="week-grid__day" class:week-grid__day--today=d == crate::clock::today()>
                        {weekday_name(d.weekday().num_days_from_monday() as usize, lang.get())}" "{d.day()}
                    </span>
                }).collect_view()}
            </div>
            <div class="week-grid__body">
                <div class="day-grid__times">
                    {move || { let (from, to) = span(); (from / 60..to / 60).map(|h| view! { <span class="day-grid__hour week-grid__hour">{format_time(h * 60)}</span> }).collect_view() }}
                </div>
                {move || week.get().into_iter().map(|(day, bookings)| {
                    let (from, to) = span();
                    let closed = site.with(|s| s.profile.as_ref().is_some_and(|p| !site::hours_on(&p.hours, day).open));
                    let slots = (from..to).step_by(60).map(|start| view! {
                        <button class="day-grid__slot week-grid__slot" aria-label=format!("{} {}", day, format_time(start))
                            on:click=move |_| on_open.run(Open::Slot(day, start))></button>
                    }).collect_view();
                    let blocks = bookings.into_iter().map(|b| {
                        let top = (b.start_min.saturating_sub(from)) * HOUR_PX / 60;
                        let height = (b.duration_min * HOUR_PX / 60).max(22);
                        let id = b.id.clone();
                        view! {
                            <button class="booking booking--compact" data-state=b.state.key()
                                style=format!("top: {top}px; height: {height}px")
                                on:click=move |_| on_open.run(Open::Booking(day, id.clone()))>
                                <span class="booking__line"><span class="booking__time">{format_time(b.start_min)}</span><span class="booking__client">{b.client.clone()}</span></span>
                            </button>
                        }
                    }).collect_view();
                    view! { <div class="day-grid__column" class:week-grid__column--closed=closed>{slots}{blocks}</div> }
                }).collect_view()}
            </div>
        </div>
    }
}
