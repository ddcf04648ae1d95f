//! The desk's parts and their loader. Today's arrivals are in the app's first download; every
//! other section, the PIN clock and the duties that show nothing on the board are split points
//! of the release build (`#[lazy]`: Trunk's post-build hook, `cargo xtask split-wasm`, splits the
//! wasm at these functions, and each function and what only it uses go to a part of their own),
//! fetched the first time they are needed — the service worker keeps every part, so they open
//! offline too.

use chrono::NaiveDate;
use frontdesk_core::BoardEntry;
use frontdesk_core::site::Site;
use leptos::prelude::*;

use super::{
    Shared, Tab, arrivals, billing, business, calendar, calls, clients, follow, insurance, lock, orders, payroll,
    publish, reports, retention, rooms, sales, team,
};
use crate::components::device_gate::{DeviceRef, PairScreen, PairSetup};
use crate::i18n::Lang;

/// One section of the desk: today's arrivals at once, any other once its part has loaded.
pub fn section(which: Tab, s: Shared) -> AnyView {
    let Shared { device, today, lang, now, board, .. } = s;
    let part: Part = match which {
        Tab::Arrivals => return view! { <arrivals::Arrivals device today lang now board/> }.into_any(),
        Tab::Calendar => Box::pin(calendar(s)),
        Tab::Calls => Box::pin(calls(s)),
        Tab::Rooms => Box::pin(rooms(s)),
        Tab::Team => Box::pin(team(s)),
        Tab::Insurance => Box::pin(insurance(s)),
        Tab::Clients => Box::pin(clients(s)),
        Tab::Orders => Box::pin(orders(s)),
        Tab::Billing => Box::pin(billing(s)),
        Tab::Reports => Box::pin(reports(s)),
        Tab::Payroll => Box::pin(payroll(s)),
        Tab::Business => Box::pin(business(s)),
    };
    load(part)
}

/// Starts the duties that show nothing on the board, each in a part of its own loaded once the
/// board is painted: keeping the kiosk's index published and, on a manager's desk, the kiosk's
/// PIN list, with the payroll document and the time clocks followed. They run under the
/// desk's owner (call this while the desk is built).
pub fn duties(
    device: DeviceRef,
    today: NaiveDate,
    site: Memo<Site>,
    board: Memo<Vec<BoardEntry>>,
    role: RwSignal<String>,
    lang: RwSignal<Lang>,
) {
    let owner_scope = Owner::current().expect("the desk is built under a reactive owner");
    let keeper = owner_scope.clone();
    after_paint(move || leptos::task::spawn_local(kiosk_index(keeper, device, today, site, board)));
    // A manager's desk also keeps payroll: the payroll document, the time clocks, and the
    // kiosk's list of PINs.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let manager = role.get() == "manager";
        if manager {
            let owner = owner_scope.clone();
            after_paint(move || leptos::task::spawn_local(manager_duties(owner, device, today, site, lang)));
        }
        manager
    });
}

/// Runs `f` once the browser has painted what is on screen now: a part asked for while the desk
/// mounts would have its fetches started (one per piece, ~30 for the kiosk-index keeper) before
/// the first paint of today's board.
fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// A part of the desk's wasm being loaded, and the view it makes.
pub type Part = std::pin::Pin<Box<dyn std::future::Future<Output = AnyView>>>;

/// Shows a part's view once its code has loaded: at once when it had (the load is remembered),
/// else after the fetch, with an empty page (marked busy) meanwhile.
pub fn load(part: Part) -> AnyView {
    load_showing(part, "page page--loading")
}

/// [`load`], with an empty element of `busy_class` (marked busy) shown while the part loads.
pub fn load_showing(part: Part, busy_class: &'static str) -> AnyView {
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

/// The start page (`/`), which links to the kiosk and the desk: no tablet needs it to start.
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
pub async fn home_page() -> AnyView {
    view! { <crate::pages::home::HomePage/> }.into_any()
}

/// The pairing screen (seen once per device, and on `/pair`).
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
pub async fn pair_screen(setup: PairSetup) -> AnyView {
    view! { <PairScreen setup/> }.into_any()
}

/// The PIN time clock, opened from the top bar.
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
pub async fn time_clock(device: DeviceRef, lang: RwSignal<Lang>, done: Callback<()>) -> AnyView {
    view! { <crate::components::time_clock::TimeClock device lang on_done=done/> }.into_any()
}

/// The lock screen of a shared tablet (`lock`), shown instead of the desk.
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
pub async fn lock_screen(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    manager: bool,
    open: Callback<String>,
) -> AnyView {
    view! { <lock::LockScreen device lang site manager on_open=open/> }.into_any()
}

/// Keeps today's kiosk index current (`publish::kiosk_index`), under the desk's owner.
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
pub async fn kiosk_index(
    owner: Owner,
    device: DeviceRef,
    today: NaiveDate,
    site: Memo<Site>,
    board: Memo<Vec<BoardEntry>>,
) {
    owner.with(|| publish::kiosk_index(device, today, site, board));
}

/// A manager's desk: keeps the kiosk's PIN list and the tablets' sign-in list in line with the
/// pay rates (`publish::pins`), follows the payroll document and the time clocks
/// (`follow::manager`), and drops closed claims past their keeping (`retention::keep_claims`).
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
pub async fn manager_duties(owner: Owner, device: DeviceRef, today: NaiveDate, site: Memo<Site>, lang: RwSignal<Lang>) {
    owner.with(|| publish::pins(device, site));
    leptos::task::spawn_local(retention::keep_claims_hourly(device.get_value(), lang));
    follow::manager(device.get_value(), today).await;
}
