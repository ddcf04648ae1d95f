//! One search box for the whole desk: clients and appointments on the days this tablet holds,
//! today's arrivals, and the call log.

use chrono::NaiveDate;
use frontdesk_core::calls::Call;
use frontdesk_core::schedule::Booking;
use frontdesk_core::search::Query;
use frontdesk_core::site::{Site, format_time};
use frontdesk_core::sorting::SortDyn;
use frontdesk_core::views;
use leptos::prelude::*;

use super::{Shared, Tab};
use crate::components::device_gate::DeviceRef;
use crate::i18n::{Lang, Msg, booking_state_msg};
use crate::pages::desk::format_date;

/// One thing found.
#[derive(Clone, Debug, PartialEq)]
enum Hit {
    Booking(Booking),
    Arrival { name: String, ticket: String },
    Call(Call),
}

/// At most this many results are listed.
const LIMIT: usize = 12;

fn find(device: DeviceRef, today: NaiveDate, query: &Query, site: &Site, log: &[Call], lang: Lang) -> Vec<Hit> {
    let mut hits = Vec::new();
    device.with_value(|d| {
        let mut bookings: Vec<Booking> = views::bookings_held(&**d);
        bookings.sort_dyn_by(|a, b| (&a.date, a.start_min).cmp(&(&b.date, b.start_min)));
        for b in bookings {
            let service = site.service(&b.service).map(|s| s.name(lang.code()).to_owned()).unwrap_or_default();
            if query.matches(&[&b.client, &b.phone, &b.code, &service, &b.notes]) {
                hits.push(Hit::Booking(b));
            }
        }
    });
    for entry in super::arrivals::read_board(device, today, 0) {
        if query.matches(&[&entry.check_in.name, &entry.check_in.ticket]) {
            hits.push(Hit::Arrival { name: entry.check_in.name, ticket: entry.check_in.ticket });
        }
    }
    for call in log {
        if query.matches(&[&call.caller, &call.phone, &call.reason]) {
            hits.push(Hit::Call(call.clone()));
        }
    }
    hits.truncate(LIMIT);
    hits
}

#[component]
pub(super) fn SearchBox(shared: Shared) -> impl IntoView {
    let lang = shared.lang;
    let t = move |msg: Msg| msg.text(lang.get());
    let typed = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let ctx = Search { shared, typed, open };
    view! {
        <div class="search" on:focusout=move |_| {
            // Let a click on a result land before the list closes.
            gloo_timers::callback::Timeout::new(200, move || open.set(false)).forget();
        }>
            <input class="search__input" type="search" autocomplete="off" spellcheck="false"
                aria-label=move || t(Msg::Search) placeholder=move || t(Msg::SearchHint)
                prop:value=typed
                on:input=move |ev| { typed.set(event_target_value(&ev)); open.set(true); }
                on:focus=move |_| open.set(true)
                on:keydown=move |ev| if ev.key() == "Escape" { typed.set(String::new()); open.set(false); }/>
            // The finding and the list are a part of their own, fetched when the box first opens.
            {move || open.get().then(|| super::parts::load_showing(Box::pin(results(ctx)), "search__loading"))}
        </div>
    }
}

/// What the results list is given: the desk's shared handles, and the search box's state.
#[derive(Clone, Copy)]
struct Search {
    shared: Shared,
    typed: RwSignal<String>,
    open: RwSignal<bool>,
}

/// What was found for the words typed, as they change; nothing until something is typed.
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
async fn results(s: Search) -> AnyView {
    let Search { shared, typed, open } = s;
    let Shared { device, today, lang, site, log, tab, focus, .. } = shared;
    let t = move |msg: Msg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let hits = Memo::new(move |_| {
        revision.track();
        let query = Query::new(&typed.get())?;
        Some(site.with(|s| log.with(|l| find(device, today, &query, s, l, lang.get()))))
    });
    let go = move |hit: Hit| {
        match hit {
            Hit::Booking(b) => {
                if let Some(date) = b.day() {
                    focus.set(Some((date, b.id)));
                }
                tab.set(Tab::Calendar);
            }
            Hit::Arrival { .. } => tab.set(Tab::Arrivals),
            Hit::Call(_) => tab.set(Tab::Calls),
        }
        open.set(false);
        typed.set(String::new());
    };
    (move || hits.get().map(|hits| view! {
        <div class="search__results" role="listbox" aria-label=move || t(Msg::SearchResults)>
            {if hits.is_empty() {
                view! { <p class="search__none">{t(Msg::NothingFound)}</p> }.into_any()
            } else {
                hits.into_iter().map(|hit| {
                    let (kind, title, sub) = match &hit {
                        Hit::Booking(b) => {
                            let service = site.with_untracked(|s| s.service(&b.service).map(|s| s.name(lang.get_untracked().code()).to_owned())).unwrap_or_default();
                            let when = b.day().map(|d| format_date(d, lang.get_untracked())).unwrap_or_default();
                            (booking_state_msg(b.state), b.client.clone(), format!("{when} · {} · {service}", format_time(b.start_min)))
                        }
                        Hit::Arrival { name, ticket } => (Msg::Arrivals, name.clone(), ticket.clone()),
                        Hit::Call(c) => (Msg::CallsTab, if c.caller.is_empty() { c.phone.clone() } else { c.caller.clone() }, c.reason.clone()),
                    };
                    view! {
                        <button type="button" class="search__hit" role="option" on:click=move |_| go(hit.clone())>
                            <span class="search__kind">{move || t(kind)}</span>
                            <span class="search__title">{title}</span>
                            <span class="search__sub">{sub}</span>
                        </button>
                    }
                }).collect_view().into_any()
            }}
        </div>
    }))
    .into_any()
}
