//! The staff desk: one tablet app with today's arrivals, the calendar and (for a manager) the
//! business settings, under a shared top bar with the sync state and the language switch.

mod arrivals;
mod billing;
mod business;
mod calendar;
mod calls;
mod clients;
mod import;
mod insurance;
mod orders;
mod payroll;
mod products;
mod reports;
mod rooms;
mod sales;
mod search;
mod team;
mod waitlist;
mod week;

use chrono::{Duration, NaiveDate};
use frontdesk_core::site::Site;
use frontdesk_core::{BoardEntry, Connection, doc_name, kiosk_doc, schedule};
use leptos::prelude::*;

use crate::components::device_gate::{DeviceRef, Gate, SetupForm, Splash, StorageFailure, use_device};
use crate::components::status_bar::{PersistenceNotice, StatusBar, StorageBanner};
use crate::device::{now_ms, random_bytes};
use crate::i18n::{Lang, Msg, PeopleMsg, SalesMsg, tr};
use crate::settings::Mode;

pub use crate::i18n::format_date;

/// Days ahead a desk keeps in sync from the start, so it can book them offline.
const DAYS_AHEAD: i64 = 7;

#[component]
pub fn DeskPage() -> impl IntoView {
    // The business's date, by the zone this tablet last saw in the profile.
    crate::clock::init(Mode::Desk);
    let today = crate::clock::today();
    // Today's board first: the business, the kiosk's index, today and its arrivals.
    let docs = vec![doc_name::SITE.to_owned(), doc_name::KIOSK.to_owned(), doc_name::day(today)];
    // Then, once the board shows, the rest of what a desk keeps (the big ones last).
    let mut later: Vec<String> = (1..DAYS_AHEAD).map(|n| doc_name::day(today + Duration::days(n))).collect();
    later.extend(doc_name::recent_messages(today));
    later.extend(doc_name::recent_stays(today));
    later.extend(doc_name::recent_rooms(today));
    later.extend(sales::docs(today));
    later.push(doc_name::STAFFING.to_owned());
    later.push(doc_name::INSURANCE.to_owned());
    let gate = use_device(Mode::Desk, docs, vec![doc_name::inbox_prefix(today)], later);
    move || match gate.get() {
        Gate::Loading => view! { <Splash lang=Lang::En/> }.into_any(),
        Gate::Setup => view! { <SetupForm mode=Mode::Desk/> }.into_any(),
        Gate::Failed(error) => view! { <StorageFailure lang=Lang::En error/> }.into_any(),
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

/// Keeps the `kiosk` document in line with the site and today's bookings, whenever either
/// changes and this tablet is online: the lobby kiosk then finds today's appointments by code,
/// or by name and phone, even with the network gone. Every tablet computes the same entries, so
/// once one has written them the others find nothing to do. Runs in a part of its own
/// (`parts::kiosk_index`), loaded once the board shows.
fn publish_kiosk_index(device: DeviceRef, today: NaiveDate, site: Memo<Site>, board: Memo<Vec<BoardEntry>>) {
    let revision = device.with_value(|d| d.revision);
    let status = device.with_value(|d| d.status);
    let busy = StoredValue::new(false);
    Effect::new(move |_| {
        revision.track();
        let online = status.with(|s| matches!(s.connection, Connection::Online { .. }));
        if !online || busy.get_value() {
            return;
        }
        let site = site.get();
        let wait = board.with(|b| frontdesk_core::board::expected_wait(b));
        if site.profile.is_none() {
            return;
        }
        let work = device.with_value(|d| {
            let bookings = d.read(&doc_name::day(today), schedule::bookings).unwrap_or_default();
            let salt = d.read(doc_name::KIOSK, |k| kiosk_doc::salt(k, today)).flatten();
            let current = salt.is_some_and(|salt| {
                let want = kiosk_doc::desired(&site, &bookings, today, &salt, wait);
                d.read(doc_name::KIOSK, |k| kiosk_doc::is_current(k, &want)).unwrap_or(false)
            });
            (!current).then_some((site, bookings, wait))
        });
        let Some((site, bookings, wait)) = work else { return };
        busy.set_value(true);
        let dev = device.get_value();
        leptos::task::spawn_local(async move {
            let result = dev
                .change(doc_name::KIOSK, move |k| {
                    let salt = kiosk_doc::ensure_salt(k, today, random_bytes())?;
                    let want = kiosk_doc::desired(&site, &bookings, today, &salt, wait);
                    kiosk_doc::publish(k, today, &want)
                })
                .await;
            if let Err(err) = result {
                leptos::logging::warn!("could not update the kiosk's index: {err}");
            }
            busy.set_value(false);
        });
    });
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
    let clock = set_interval_with_handle(
        move || {
            now.set(now_ms());
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
    let owner_scope = Owner::current().expect("the desk is built under a reactive owner");
    let keeper = owner_scope.clone();
    after_paint(move || leptos::task::spawn_local(parts::kiosk_index(keeper, device, today, site, board)));
    let draft = RwSignal::new(None::<sales::Draft>);
    let team = Memo::new(move |_| {
        revision.track();
        team::read(device)
    });
    let my_tasks = move || team.with(|tm| frontdesk_core::staffing::open_for(&tm.tasks, &owner.get()).len());
    let clocking = RwSignal::new(false);
    // A manager's desk also keeps payroll: the payroll document, the time clocks, and the
    // kiosk's list of PINs.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let manager = role.get() == "manager";
        if manager {
            let owner = owner_scope.clone();
            after_paint(move || leptos::task::spawn_local(parts::manager_duties(owner, device, today)));
        }
        manager
    });
    // Orders show for a shop, and wherever the manager has put products on sale.
    let sells = Memo::new(move |_| {
        revision.track();
        let shop = site.with(|s| s.profile.as_ref().is_some_and(|p| p.kind.has(frontdesk_core::site::Module::Orders)));
        shop || device
            .with_value(|d| d.read(doc_name::CATALOG, |c| !frontdesk_core::catalog::products(c).is_empty()))
            .unwrap_or(false)
    });
    let t = move |msg: Msg| msg.text(lang.get());
    let tab_button = move |which: Tab, label: Msg| {
        view! { <TabButton tab which label=Signal::derive(move || t(label))/> }
    };
    let shared = Shared { device, today, lang, now, site, focus, log, owner, team, draft, board, tab };
    let has = move |module: frontdesk_core::site::Module| {
        site.with(|s| s.profile.as_ref().is_some_and(|p| p.kind.has(module)))
    };
    view! {
        <div class="desk" lang=move || lang.get().code()>
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
                    <button class="button button--ghost" on:click=move |_| clocking.set(true)>{move || crate::i18n::KioskMsg::TimeClock.text(lang.get())}</button>
                    <StatusBar status lang/>
                </div>
            </header>
            <StorageBanner problem=storage_problem lang/>
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
                        <h2 id="clock-title">{move || crate::i18n::KioskMsg::TimeClock.text(lang.get())}</h2>
                        <button class="button button--ghost button--icon" aria-label=move || Msg::Close.text(lang.get()) on:click=move |_| clocking.set(false)>"×"</button>
                    </div>
                    {load(Box::pin(parts::time_clock(device, lang, Callback::new(move |()| clocking.set(false)))))}
                </aside>
            </Show>
            <Show when=move || my_visitors.with(|v| !v.is_empty())>
                <div class="banner banner--visitor" role="status">
                    {move || tr!(lang.get(), desk.is_here_to_see_you, names = my_visitors.get().join(", "))}
                </div>
            </Show>
            {move || section(tab.get(), shared)}
        </div>
    }
}

/// Runs `f` once the browser has painted what is on screen now: a part asked for while the desk
/// mounts would have its fetches started (one per piece, ~30 for the kiosk-index keeper) before
/// the first paint of today's board.
fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
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

/// One section of the desk. Today's arrivals are part of the app's first download; every other
/// section is its own part of the build (`#[lazy]`: Trunk's post-build hook, `cargo xtask
/// split-wasm`, splits the wasm at these functions), fetched the first time it opens — the
/// service worker keeps every part, so they open offline too.
fn section(which: Tab, s: Shared) -> AnyView {
    let Shared { device, today, lang, now, board, .. } = s;
    let part: Part = match which {
        Tab::Arrivals => return view! { <arrivals::Arrivals device today lang now board/> }.into_any(),
        Tab::Calendar => Box::pin(parts::calendar(s)),
        Tab::Calls => Box::pin(parts::calls(s)),
        Tab::Rooms => Box::pin(parts::rooms(s)),
        Tab::Team => Box::pin(parts::team(s)),
        Tab::Insurance => Box::pin(parts::insurance(s)),
        Tab::Clients => Box::pin(parts::clients(s)),
        Tab::Orders => Box::pin(parts::orders(s)),
        Tab::Billing => Box::pin(parts::billing(s)),
        Tab::Reports => Box::pin(parts::reports(s)),
        Tab::Payroll => Box::pin(parts::payroll(s)),
        Tab::Business => Box::pin(parts::business(s)),
    };
    load(part)
}

/// A part of the desk's wasm being loaded, and the view it makes.
type Part = std::pin::Pin<Box<dyn std::future::Future<Output = AnyView>>>;

/// Shows a part's view once its code has loaded: at once when it had (the load is remembered),
/// else after the fetch, with an empty page (marked busy) meanwhile.
fn load(part: Part) -> AnyView {
    load_showing(part, "page page--loading")
}

/// [`load`], with an empty element of `busy_class` (marked busy) shown while the part loads.
fn load_showing(part: Part, busy_class: &'static str) -> AnyView {
    // The future is taken once: a section's own code must not read signals while its part loads
    // (`Suspend` would re-run this closure, which then has nothing left to show). Components are
    // built untracked, so none does.
    let part = StoredValue::new_local(Some(part));
    view! {
        <Suspense fallback=move || view! { <div class=busy_class aria-busy="true"></div> }>
            {move || Suspend::new(send_wrapper::SendWrapper::new(async move {
                match part.try_update_value(Option::take).flatten() {
                    Some(part) => part.await,
                    None => ().into_any(),
                }
            }))}
        </Suspense>
    }
    .into_any()
}

/// The desk's sections other than today's arrivals, each a split point of the release build
/// (`#[lazy]`: the function and what only it uses go to a part of their own).
mod parts {
    use super::*;

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn calendar(s: Shared) -> AnyView {
        let Shared { device, today, lang, now, site, focus, .. } = s;
        view! { <calendar::Calendar device today lang now site focus/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn calls(s: Shared) -> AnyView {
        let Shared { device, today, lang, site, log, owner, .. } = s;
        view! { <calls::Calls device today lang site log owner/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn rooms(s: Shared) -> AnyView {
        let Shared { device, today, lang, site, .. } = s;
        view! { <rooms::Rooms device today lang site/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn team(s: Shared) -> AnyView {
        let Shared { device, today, lang, site, team, owner, .. } = s;
        view! { <team::Team device today lang site team owner/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn insurance(s: Shared) -> AnyView {
        let Shared { device, lang, site, tab, draft, board, .. } = s;
        view! { <insurance::Insurance device lang site tab draft board/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn clients(s: Shared) -> AnyView {
        let Shared { device, today, lang, site, .. } = s;
        let ledger = sales::use_ledger(device, today);
        view! { <clients::Clients device today lang site ledger/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn orders(s: Shared) -> AnyView {
        let Shared { device, today, lang, site, tab, draft, .. } = s;
        let ledger = sales::use_ledger(device, today);
        view! { <orders::Orders device today lang site ledger tab draft/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn billing(s: Shared) -> AnyView {
        let Shared { device, today, lang, site, draft, .. } = s;
        let ledger = sales::use_ledger(device, today);
        view! { <billing::Billing device today lang site ledger draft/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn reports(s: Shared) -> AnyView {
        let Shared { device, today, lang, site, .. } = s;
        let ledger = sales::use_ledger(device, today);
        view! { <reports::Reports device today lang site ledger/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn payroll(s: Shared) -> AnyView {
        let Shared { device, today, lang, site, .. } = s;
        view! { <payroll::Payroll device today lang site/> }.into_any()
    }

    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn business(s: Shared) -> AnyView {
        let Shared { device, lang, site, .. } = s;
        view! { <business::Business device lang site/> }.into_any()
    }

    /// The PIN time clock, opened from the top bar.
    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn time_clock(device: DeviceRef, lang: RwSignal<Lang>, done: Callback<()>) -> AnyView {
        view! { <crate::components::time_clock::TimeClock device lang on_done=done/> }.into_any()
    }

    /// Keeps today's kiosk index current (`publish_kiosk_index`), under the desk's owner.
    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn kiosk_index(
        owner: Owner,
        device: DeviceRef,
        today: NaiveDate,
        site: Memo<Site>,
        board: Memo<Vec<BoardEntry>>,
    ) {
        owner.with(|| publish_kiosk_index(device, today, site, board));
    }

    /// A manager's desk: keeps the kiosk's PIN list in line with the pay rates, and follows the
    /// payroll document and the time clocks.
    #[cfg_attr(feature = "lazy-sections", leptos::lazy)]
    pub async fn manager_duties(owner: Owner, device: DeviceRef, today: NaiveDate) {
        owner.with(|| payroll::publish_pins(device));
        payroll::follow(device.get_value(), today).await;
    }
}
