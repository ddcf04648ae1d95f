//! The staff desk: one tablet app with today's arrivals, the calendar and (for a manager) the
//! business settings, under a shared top bar with the sync state and the language switch.
//!
//! This is the shell: the top bar, its tabs and the section shown. Which documents a desk
//! follows is in `follow`; what it publishes for the kiosk in `publish`; its sections' parts of
//! the wasm, the duties loaded after the board, and their loader in `parts`.

mod arrivals;
mod billing;
mod business;
mod calendar;
mod calls;
mod clients;
mod devices;
mod follow;
mod import;
mod insurance;
mod lock;
mod orders;
mod parts;
mod payroll;
mod products;
mod publish;
mod reports;
mod retention;
mod rooms;
mod sales;
mod search;
mod team;
mod waitlist;
mod week;

use chrono::NaiveDate;
use frontdesk_core::site::Site;
use frontdesk_core::{BoardEntry, doc_name, signin};
use leptos::prelude::*;

use crate::components::device_gate::{DeviceRef, Gate, Splash, StartFailure, use_device};
use crate::components::status_bar::{PersistenceNotice, StatusBar, StorageBanner};
use crate::components::sync_badge::{KeysBanner, RelayBanner};
use crate::i18n::{Lang, Msg, PeopleMsg, SalesMsg, tr};
use crate::platform::now_ms;
use crate::settings::Mode;

pub use crate::i18n::format_date;

/// The start page (`/`), loaded as a part of its own: a tablet never waits for it.
pub fn home_page() -> AnyView {
    parts::load(Box::pin(parts::home_page()))
}

/// `/pair`: pairs this browser as whatever the code says (then opens that role's page).
pub fn pair_page() -> AnyView {
    parts::load(Box::pin(parts::pair_screen(crate::components::device_gate::PairSetup::standalone())))
}

#[component]
pub fn DeskPage() -> impl IntoView {
    // The business's date, by the zone this tablet last saw in the profile.
    crate::clock::init(Mode::Desk);
    let today = crate::clock::today();
    // Today's board first; the rest of what a desk keeps once it shows.
    let gate = use_device(Mode::Desk, follow::first(today), follow::watched(today), follow::later(today));
    move || match gate.get() {
        Gate::Loading => view! { <Splash lang=Lang::En/> }.into_any(),
        // Seen once per device (when it pairs): a part of its own.
        Gate::Pair(setup) => parts::load(Box::pin(parts::pair_screen(setup))),
        Gate::Failed { title, detail } => view! { <StartFailure title detail/> }.into_any(),
        Gate::Ready(device) => view! { <Desk device today/> }.into_any(),
    }
}

/// The desk's screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Arrivals,
    Calendar,
    Calls,
    Rooms,
    Team,
    Insurance,
    Clients,
    Orders,
    Billing,
    Payroll,
    Reports,
    Business,
}

/// A section of the desk in the top bar; opening one starts it at its top (not where the last one
/// was scrolled to). A `badge` above zero shows a count (messages, tasks for this tablet's owner).
#[component]
fn TabButton(
    tab: RwSignal<Tab>,
    which: Tab,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(optional, into)] badge: Option<Signal<usize>>,
    #[prop(optional, into)] badge_label: Option<Signal<&'static str>>,
) -> impl IntoView {
    let count = move || badge.map(|b| b.get()).unwrap_or(0);
    view! {
        <button class="tab" class:tab--active=move || tab.get() == which
            aria-pressed=move || (tab.get() == which).to_string()
            on:click=move |_| {
                tab.set(which);
                if let Some(window) = web_sys::window() {
                    window.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }>
            <span>{move || label.get()}</span>
            <Show when=move || { count() > 0 }>
                <span class="badge" aria-label=move || badge_label.map(|l| l.get()).unwrap_or_default()>{count}</span>
            </Show>
        </button>
    }
}

/// The business as the `site` document says, re-read when any document changes.
pub fn use_site(device: DeviceRef) -> Memo<Site> {
    let revision = device.with_value(|d| d.revision);
    Memo::new(move |_| {
        revision.track();
        device.with_value(|d| d.read(doc_name::SITE, Site::read)).unwrap_or_default()
    })
}

#[component]
fn Desk(device: DeviceRef, today: NaiveDate) -> impl IntoView {
    let lang = RwSignal::new(device.with_value(|d| d.settings.borrow().lang));
    let status = device.with_value(|d| d.status);
    let role = device.with_value(|d| d.role);
    let storage_problem = device.with_value(|d| d.storage_problem);
    // The relay says the business seals, and no key has reached this tablet yet.
    let revision = device.with_value(|d| d.revision);
    let waiting_for_keys = Signal::derive(move || {
        status.track();
        revision.track();
        device.with_value(|d| d.waiting_for_keys())
    });
    let persistent = device.with_value(|d| d.persistent);
    let notice_seen = device.with_value(|d| d.settings.borrow().storage_notice_seen);
    let site = use_site(device);
    // Dates and times follow the business's zone; the clock turns the board over if the
    // profile's zone puts the business on another date than this tablet's start assumed.
    Effect::new(move |_| {
        if let Some(zone) = site.with(|s| s.profile.as_ref().map(|p| p.time_zone.clone())) {
            crate::clock::set_zone(Mode::Desk, &zone);
        }
    });
    let now = RwSignal::new(now_ms());
    let tab = RwSignal::new(Tab::Arrivals);
    let focus = RwSignal::new(None::<(NaiveDate, String)>);
    let owner = RwSignal::new(device.with_value(|d| d.settings.borrow().owner.clone()));
    let revision = device.with_value(|d| d.revision);
    let log = Memo::new(move |_| {
        revision.track();
        calls::read_calls(device, today)
    });
    // What the person this tablet belongs to should know: their open messages, and visitors
    // who came to see them and are waiting in the lobby.
    let my_messages = move || frontdesk_core::calls::open_messages_for(&log.get(), &owner.get()).len();
    // Today's board, read once per change of the documents: the arrivals screen, the host's
    // notice and the kiosk's expected wait all come from it.
    let board = Memo::new(move |_| {
        revision.track();
        arrivals::read_board(device, today, now.get_untracked())
    });
    let my_visitors = Memo::new(move |_| -> Vec<String> {
        let owner = owner.get();
        board.with(|b| frontdesk_core::board::waiting_for(b, &owner).iter().map(|e| e.check_in.name.clone()).collect())
    });
    // A shared tablet (once the business gave people PINs): who is signed in, and when the
    // screen was last touched; left alone for the business's idle time, it locks.
    let person = RwSignal::new(None::<String>);
    let lock = Memo::new(move |_| {
        revision.track();
        let manager = role.get() == "manager";
        site.with(|s| {
            device.with_value(|d| {
                d.read(doc_name::SITE, |doc| (signin::required(doc, s, manager), signin::idle_min(doc)))
            })
        })
        .unwrap_or((false, signin::DEFAULT_IDLE_MIN))
    });
    let locked = Memo::new(move |_| lock.with(|l| l.0) && person.with(Option::is_none));
    // What the screen shows: the lock, or the desk. It follows `locked` at once for a person's
    // doing (a PIN, Lock, the idle time) and at the next tick of the clock below for a document
    // change (a PIN given, keys restored): such a change reaches the open page's views in the
    // same turn as the lock, and a page taken off the screen in that turn would have its views
    // run once more on its own disposed state — and the app would stop. Until that tick the
    // desk is hidden at once (its `hidden` class follows `locked` itself), so no name stays on screen.
    let lock_shown = RwSignal::new(locked.get_untracked());
    let touched = StoredValue::new(now_ms());
    let touches = ["pointerdown", "keydown"]
        .map(|event| window_event_listener_untyped(event, move |_| touched.set_value(now_ms())));
    let sign_in = Callback::new(move |staff: Option<String>| {
        let name = staff.as_ref().and_then(|id| site.with_untracked(|s| s.staff_member(id).map(|m| m.name.clone())));
        device.with_value(|d| *d.person.borrow_mut() = name);
        if let Some(staff) = &staff {
            // Their messages and tasks are the ones counted on the tabs.
            owner.set(staff.clone());
        }
        touched.set_value(now_ms());
        person.set(staff);
        lock_shown.set(locked.get_untracked());
    });
    let clock = set_interval_with_handle(
        move || {
            now.set(now_ms());
            if person.with_untracked(Option::is_some)
                && signin::idle_enough(touched.get_value(), now_ms(), lock.with_untracked(|l| l.1))
            {
                sign_in.run(None);
            }
            if lock_shown.get_untracked() != locked.get_untracked() {
                lock_shown.set(!lock_shown.get_untracked());
            }
            // A desk left open overnight turns to the new day's board by itself (so does one
            // whose business moved to another time zone where the date is not the same).
            if crate::clock::today() != today
                && crate::clock::zone_saved()
                && let Some(window) = web_sys::window()
            {
                let _ = window.location().reload();
            }
        },
        std::time::Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(clock) = clock {
            clock.clear();
        }
        for touch in touches {
            touch.remove();
        }
    });
    // The first time a manager opens the desk of a business not set up yet, start there.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let manager = role.get() == "manager";
        let unset = site.with(|s| s.profile.is_none());
        if manager && unset {
            tab.set(Tab::Business);
        }
        manager
    });
    // Duties that show nothing on the board come in parts of their own, loaded once it is painted.
    parts::duties(device, today, site, board, role, lang);
    let draft = RwSignal::new(None::<sales::Draft>);
    let team = Memo::new(move |_| {
        revision.track();
        team::read(device)
    });
    let my_tasks = move || team.with(|tm| frontdesk_core::staffing::open_for(&tm.tasks, &owner.get()).len());
    let clocking = RwSignal::new(false);
    // Orders show for a shop, and wherever the manager has put products on sale.
    let sells = Memo::new(move |_| {
        revision.track();
        let shop = site.with(|s| s.profile.as_ref().is_some_and(|p| p.kind.has(frontdesk_core::site::Module::Orders)));
        shop || device.with_value(|d| d.read(doc_name::CATALOG, frontdesk_core::catalog::has_products)).unwrap_or(false)
    });
    let t = move |msg: Msg| msg.text(lang.get());
    let tab_button = move |which: Tab, label: Msg| {
        view! { <TabButton tab which label=Signal::derive(move || t(label))/> }
    };
    let shared = Shared { device, today, lang, now, site, focus, log, owner, team, draft, board, tab };
    let has = move |module: frontdesk_core::site::Module| {
        site.with(|s| s.profile.as_ref().is_some_and(|p| p.kind.has(module)))
    };
    let open = Callback::new(move |staff: String| sign_in.run(Some(staff)));
    let signed_in = move || person.get().and_then(|id| site.with(|s| s.staff_member(&id).map(|m| m.name.clone())));
    move || {
        if lock_shown.get() {
            let manager = role.get_untracked() == "manager";
            parts::load(Box::pin(parts::lock_screen(device, lang, site, manager, open)))
        } else {
            view! {
        <div class="desk" lang=move || lang.get().code() class:hidden=move || locked.get()>
            <header class="desk-bar">
                <div class="desk-bar__start">
                    <span class="brand">{move || site.with(|s| s.profile.as_ref().map(|p| p.name.clone())).unwrap_or_else(|| "Frontdesk".into())}</span>
                    <nav class="tabs" aria-label=move || t(Msg::DeskSections)>
                        {tab_button(Tab::Arrivals, Msg::Arrivals)}
                        {tab_button(Tab::Calendar, Msg::Calendar)}
                        <TabButton tab which=Tab::Calls label=Signal::derive(move || t(Msg::CallsTab))
                            badge=Signal::derive(my_messages) badge_label=Signal::derive(move || t(Msg::MyMessages))/>
                        <Show when=move || has(frontdesk_core::site::Module::Rooms)>
                            {tab_button(Tab::Rooms, Msg::RoomsTab)}
                        </Show>
                        <TabButton tab which=Tab::Clients label=Signal::derive(move || {
                            let noun = site.with(|s| s.profile.as_ref().map(|p| p.kind.person()).unwrap_or(frontdesk_core::site::PersonNoun::Client));
                            crate::i18n::sales::people_word(noun, lang.get())
                        })/>
                        <TabButton tab which=Tab::Team label=Signal::derive(move || PeopleMsg::TeamTab.text(lang.get()))
                            badge=Signal::derive(my_tasks) badge_label=Signal::derive(move || PeopleMsg::MyTasks.text(lang.get()))/>
                        <Show when=move || has(frontdesk_core::site::Module::Insurance)>
                            <TabButton tab which=Tab::Insurance label=Signal::derive(move || crate::i18n::claims::ClaimsMsg::Tab.text(lang.get()))/>
                        </Show>
                        <Show when=move || sells.get()>
                            <TabButton tab which=Tab::Orders label=Signal::derive(move || SalesMsg::OrdersTab.text(lang.get()))/>
                        </Show>
                        <TabButton tab which=Tab::Billing label=Signal::derive(move || SalesMsg::BillingTab.text(lang.get()))/>
                        <Show when=move || role.get() == "manager">
                            <TabButton tab which=Tab::Payroll label=Signal::derive(move || PeopleMsg::PayrollTab.text(lang.get()))/>
                            <TabButton tab which=Tab::Reports label=Signal::derive(move || PeopleMsg::ReportsTab.text(lang.get()))/>
                            {tab_button(Tab::Business, Msg::Business)}
                        </Show>
                    </nav>
                </div>
                <div class="desk-bar__end">
                    <search::SearchBox shared/>
                    <button class="button button--ghost" on:click=move |_| clocking.set(true)>{move || crate::i18n::DeviceMsg::TimeClock.text(lang.get())}</button>
                    {move || signed_in().map(|name| view! {
                        <span class="signed-in">
                            <span class="signed-in__name">{name.clone()}</span>
                            <button class="button button--ghost" type="button" on:click=move |_| sign_in.run(None)>
                                {move || t(Msg::LockTablet)}
                            </button>
                        </span>
                    })}
                    <StatusBar status lang/>
                </div>
                // In the sticky bar, so a tablet scrolled down a long form still sees them.
                <StorageBanner problem=storage_problem lang/>
                <RelayBanner status lang/>
                <KeysBanner waiting=waiting_for_keys lang/>
            </header>
            <PersistenceNotice persistent lang seen=notice_seen on_seen=Callback::new(move |()| {
                device.with_value(|d| {
                    let mut settings = d.settings.borrow_mut();
                    settings.storage_notice_seen = true;
                    settings.save(Mode::Desk);
                });
            })/>
            <Show when=move || clocking.get()>
                <button class="sheet-backdrop" aria-hidden="true" tabindex="-1" on:click=move |_| clocking.set(false)></button>
                <aside class="sheet" role="dialog" aria-labelledby="clock-title">
                    <div class="sheet__head">
                        <h2 id="clock-title">{move || crate::i18n::DeviceMsg::TimeClock.text(lang.get())}</h2>
                        <button class="button button--ghost button--icon" aria-label=move || Msg::Close.text(lang.get()) on:click=move |_| clocking.set(false)>"×"</button>
                    </div>
                    {parts::load(Box::pin(parts::time_clock(device, lang, Callback::new(move |()| clocking.set(false)))))}
                </aside>
            </Show>
            <Show when=move || my_visitors.with(|v| !v.is_empty())>
                <div class="banner banner--visitor" role="status">
                    {move || tr!(lang.get(), desk.is_here_to_see_you, names = my_visitors.get().join(", "))}
                </div>
            </Show>
            {move || parts::section(tab.get(), shared)}
        </div>
    }.into_any()
        }
    }
}

/// What the desk's sections are given: handles to the shared state, all `Copy`.
#[derive(Clone, Copy)]
struct Shared {
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    now: RwSignal<i64>,
    site: Memo<Site>,
    focus: RwSignal<Option<(NaiveDate, String)>>,
    log: Memo<Vec<frontdesk_core::calls::Call>>,
    owner: RwSignal<String>,
    team: Memo<team::Staffing>,
    draft: RwSignal<Option<sales::Draft>>,
    board: Memo<Vec<BoardEntry>>,
    tab: RwSignal<Tab>,
}
