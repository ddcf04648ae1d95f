//! The lobby kiosk: a visitor checks in, gets a queue number, and the screen forgets them.
//!
//! Each step of a check-in is a component of its own in `kiosk/`, all working over one draft of
//! the visit ([`Visit`]: what the visitor has entered so far); [`Shared::reset`] is the one way
//! back to the first screen, and it clears every field of the draft.

mod confirm;
mod find;
mod name;
mod reason;
mod staff;
mod thanks;
mod welcome;

use frontdesk_core::check_in::{CheckIn, CheckInError, visitor_name};
use frontdesk_core::kiosk_doc::{self, Front, Host, PublicService, Wait};
use frontdesk_core::lookup::Found;
use frontdesk_core::site::format_time;
use frontdesk_core::{VisitId, VisitReason, doc_name};
use leptos::prelude::*;

use crate::components::device_gate::{DeviceRef, Gate, PairScreen, Splash, StartFailure, use_device};
use crate::components::keyboard::focus_screen;
use crate::components::status_bar::{StatusBar, StorageBanner};
use crate::components::sync_badge::RelayBanner;
use crate::i18n::{KioskMsg, Lang};
use crate::platform::{now_ms, random_bytes};
use crate::settings::Mode;

/// After this long without a touch, an unfinished check-in is abandoned and cleared.
const IDLE_MS: i64 = 60_000;
/// How long the thank-you screen stays up.
const THANKS_MS: i64 = 10_000;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Welcome,
    Name,
    Reason,
    /// An appointment: find it by confirmation code, or by name and phone.
    Find,
    Confirm,
    Thanks {
        name: String,
        ticket: String,
    },
    /// A member of staff clocking in or out with their PIN.
    Clock,
}

#[component]
pub fn KioskPage() -> impl IntoView {
    crate::clock::init(Mode::Kiosk);
    // The kiosk's index of today and tomorrow (by the business's clock as last saved); at the
    // turn of the day the kiosk starts again on the new days (`Kiosk`'s clock).
    let today = crate::clock::today();
    let mut first = vec![doc_name::KIOSK.to_owned()];
    first.extend(doc_name::kiosk_days(today));
    let gate = use_device(Mode::Kiosk, first, Vec::new(), Vec::new());
    move || match gate.get() {
        Gate::Loading => view! { <Splash lang=Lang::En/> }.into_any(),
        Gate::Pair(setup) => view! { <PairScreen setup/> }.into_any(),
        Gate::Failed { title, detail } => view! { <StartFailure title detail/> }.into_any(),
        Gate::Ready(device) => {
            forget_past_days(device, today);
            view! { <Kiosk device today/> }.into_any()
        }
    }
}

/// Deletes from this kiosk's storage every day of the index but today's and tomorrow's: a kiosk
/// keeps no earlier day's appointments (and the relay empties them after their day).
fn forget_past_days(device: DeviceRef, today: chrono::NaiveDate) {
    // Days sort by date: from the first name under `kiosk/` to yesterday's.
    let first = doc_name::prefix(frontdesk_core::doc_name::Area::Kiosk);
    let yesterday = doc_name::kiosk_day(today.pred_opt().unwrap_or(today));
    if let Err(err) = device.with_value(|d| d.store.forget_docs_between(&first, &yesterday)) {
        leptos::logging::warn!("could not forget the kiosk's past days: {err}");
    }
}

/// A check-in of nobody, encoded and written ahead the way a visitor's is, then dropped.
fn warm_up_check_in() {
    let Ok(check_in) = CheckIn::new(
        VisitId::from_random(random_bytes()),
        "Warm Up",
        VisitReason::WalkIn,
        "",
        "A-000".into(),
        now_ms(),
        "warm",
    ) else {
        return;
    };
    crate::spill::warm_up(check_in.to_inbox_chunk([0; 8]));
}

fn reason_label(reason: VisitReason) -> (KioskMsg, KioskMsg) {
    match reason {
        VisitReason::Appointment => (KioskMsg::ReasonAppointment, KioskMsg::ReasonAppointmentHint),
        VisitReason::WalkIn => (KioskMsg::ReasonWalkIn, KioskMsg::ReasonWalkInHint),
        VisitReason::SeeStaff => (KioskMsg::ReasonSeeStaff, KioskMsg::ReasonSeeStaffHint),
    }
}

fn error_msg(error: CheckInError) -> KioskMsg {
    match error {
        CheckInError::NameMissing => KioskMsg::NameMissing,
        CheckInError::NameTooLong => KioskMsg::NameTooLong,
        CheckInError::DetailTooLong => KioskMsg::DetailTooLong,
    }
}

/// "10:00 · Check-up · Dra. Ruiz": an appointment the kiosk found, in the visitor's language;
/// "10:00" alone for one found by name and phone.
fn appointment_line(a: &Found, lang: Lang) -> String {
    let service = if lang == Lang::Es { &a.service_es } else { &a.service_en };
    let mut line = format_time(a.start_min);
    if !service.is_empty() {
        line.push_str(" · ");
        line.push_str(service);
    }
    if !a.host.is_empty() {
        line.push_str(" · ");
        line.push_str(&a.host);
    }
    line
}

/// The visit being entered: everything the visitor has typed or chosen so far, and what the
/// kiosk has said about it. One draft for all the steps, emptied by [`Visit::clear`] alone.
#[derive(Clone, Copy)]
struct Visit {
    name: RwSignal<String>,
    /// Why they came; nothing until they choose.
    reason: RwSignal<Option<VisitReason>>,
    /// The service they chose or typed, or the name of whom they came to see.
    detail: RwSignal<String>,
    /// Whom they chose to see (a staff id): the desk of that person is told, whatever their name.
    host: RwSignal<Option<String>>,
    /// What is wrong with the name typed, once it is said.
    name_error: RwSignal<Option<KioskMsg>>,
    /// An appointment's confirmation code, or the phone it was booked with.
    code: RwSignal<String>,
    phone: RwSignal<String>,
    /// The appointment found, and whether the last search found none.
    found: RwSignal<Option<Found>>,
    not_found: RwSignal<bool>,
    /// The search running, if any (its key derivation takes a moment); 0 for none.
    searching: RwSignal<u32>,
    /// Whether they accepted the terms.
    accepted: RwSignal<bool>,
    /// Their insurance, where the business takes it.
    insurer: RwSignal<String>,
    member: RwSignal<String>,
}

impl Visit {
    fn new() -> Self {
        Visit {
            name: RwSignal::new(String::new()),
            reason: RwSignal::new(None),
            detail: RwSignal::new(String::new()),
            host: RwSignal::new(None),
            name_error: RwSignal::new(None),
            code: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            found: RwSignal::new(None),
            not_found: RwSignal::new(false),
            searching: RwSignal::new(0),
            accepted: RwSignal::new(false),
            insurer: RwSignal::new(String::new()),
            member: RwSignal::new(String::new()),
        }
    }

    /// Forgets the visitor: every field back to empty.
    fn clear(self) {
        self.name.set(String::new());
        self.reason.set(None);
        self.detail.set(String::new());
        self.host.set(None);
        self.name_error.set(None);
        self.code.set(String::new());
        self.phone.set(String::new());
        self.found.set(None);
        self.not_found.set(false);
        self.searching.set(0);
        self.accepted.set(false);
        self.insurer.set(String::new());
        self.member.set(String::new());
    }

    /// Says what is wrong with the name typed, if anything; whether it will do.
    fn validate_name(self) -> bool {
        let error = visitor_name(&self.name.get_untracked()).err().map(error_msg);
        self.name_error.set(error);
        error.is_none()
    }
}

/// What the kiosk document shows the public: the business, its services and its hosts.
#[derive(Clone, Debug, Default, PartialEq)]
struct Public {
    front: Option<Front>,
    services: Vec<PublicService>,
    hosts: Vec<Host>,
}

/// What the kiosk's steps are given: the device, the visit draft, the step shown and the
/// kiosk's clock, all `Copy`.
#[derive(Clone, Copy)]
struct Shared {
    device: DeviceRef,
    lang: RwSignal<Lang>,
    /// The kiosk's own language, which each visitor starts in.
    default_lang: Lang,
    step: RwSignal<Step>,
    visit: Visit,
    public: Memo<Public>,
    /// The day this page started on (the index it follows; the page starts again on a new day).
    today: chrono::NaiveDate,
    /// Today's expected wait, as the desks last published it.
    wait: Memo<Option<Wait>>,
    /// When the screen was last touched, and the time now (ticked every half second).
    last_touch: RwSignal<i64>,
    now: RwSignal<i64>,
}

impl Shared {
    /// A touch of the screen: the visitor is still there.
    fn touch(self) {
        self.last_touch.set(now_ms());
    }

    /// `msg` in the visitor's language.
    fn t(self, msg: KioskMsg) -> &'static str {
        msg.text(self.lang.get())
    }

    /// Back to the first screen: the visit forgotten, the language back to the kiosk's own. A
    /// public screen never shows the last visitor's entries to the next.
    fn reset(self) {
        self.visit.clear();
        self.lang.set(self.default_lang);
        self.step.set(Step::Welcome);
    }
}

#[component]
fn Kiosk(device: DeviceRef, today: chrono::NaiveDate) -> impl IntoView {
    // The browser compiles wasm code the first time it runs: the first check-in after a start
    // would wait ~15 ms for its encoder. Run it once now, while nobody is waiting.
    set_timeout(warm_up_check_in, std::time::Duration::from_millis(500));
    let default_lang = device.with_value(|d| d.settings.borrow().lang);
    let lang = RwSignal::new(default_lang);
    let step = RwSignal::new(Step::Welcome);
    // Each new step takes the keyboard focus (its field, else its heading), so a keyboard or
    // screen-reader user lands on what just appeared instead of on nothing.
    Effect::new(move |shown_before: Option<()>| {
        step.track();
        if shown_before.is_some() {
            request_animation_frame(|| focus_screen(".kiosk-main"));
        }
    });
    let revision = device.with_value(|d| d.revision);
    let public = Memo::new(move |_| {
        revision.track();
        device
            .with_value(|d| {
                d.read(doc_name::KIOSK, |k| Public {
                    front: kiosk_doc::front(k),
                    services: kiosk_doc::services(k),
                    hosts: kiosk_doc::hosts(k),
                })
            })
            .unwrap_or_default()
    });
    // Check-ins are dated by the business's clock, not this screen's zone: the clock follows
    // the zone the kiosk document names, and today's wait is read again once it does.
    let zone = Memo::new(move |_| public.with(|p| p.front.as_ref().map(|f| f.time_zone.clone())).unwrap_or_default());
    let zone_set = Trigger::new();
    Effect::new(move |_| {
        let zone = zone.get();
        if !zone.is_empty() {
            crate::clock::set_zone(Mode::Kiosk, &zone);
            zone_set.notify();
        }
    });
    let wait = Memo::new(move |_| {
        revision.track();
        zone_set.track();
        let today = crate::clock::today();
        device.with_value(|d| d.read(doc_name::KIOSK, |k| kiosk_doc::wait(k, today))).flatten()
    });
    let kiosk = Shared {
        device,
        lang,
        default_lang,
        step,
        visit: Visit::new(),
        public,
        today,
        wait,
        last_touch: RwSignal::new(now_ms()),
        now: RwSignal::new(now_ms()),
    };
    let status = device.with_value(|d| d.status);
    let storage_problem = device.with_value(|d| d.storage_problem);

    let clock = set_interval_with_handle(
        move || {
            let t = now_ms();
            kiosk.now.set(t);
            let idle = t - kiosk.last_touch.get_untracked();
            match step.get_untracked() {
                // A new day (by the business's clock), and nobody at the screen: start again on
                // the new day's index.
                Step::Welcome => {
                    if crate::clock::today() != today
                        && crate::clock::zone_saved()
                        && let Some(window) = web_sys::window()
                    {
                        let _ = window.location().reload();
                    }
                }
                Step::Thanks { .. } if idle >= THANKS_MS => kiosk.reset(),
                Step::Thanks { .. } => {}
                _ if idle >= IDLE_MS => kiosk.reset(),
                _ => {}
            }
        },
        std::time::Duration::from_millis(500),
    )
    .ok();
    on_cleanup(move || {
        if let Some(clock) = clock {
            clock.clear();
        }
    });

    let screen = move || match step.get() {
        Step::Welcome => view! { <welcome::Welcome kiosk/> }.into_any(),
        Step::Name => view! { <name::Name kiosk/> }.into_any(),
        Step::Reason => view! { <reason::Reason kiosk/> }.into_any(),
        Step::Find => view! { <find::Find kiosk/> }.into_any(),
        Step::Confirm => view! { <confirm::Confirm kiosk/> }.into_any(),
        Step::Clock => view! { <staff::Clock kiosk/> }.into_any(),
        Step::Thanks { name, ticket } => view! { <thanks::Thanks kiosk name ticket/> }.into_any(),
    };

    view! {
        <div class="kiosk" lang=move || lang.get().code() on:pointerdown=move |_| kiosk.touch() on:keydown=move |_| kiosk.touch()>
            <header class="kiosk-bar">
                <span class="brand">{move || public.with(|p| p.front.as_ref().map(|f| f.business.clone())).unwrap_or_else(|| "Frontdesk".into())}</span>
                <StatusBar status lang on_switch=Callback::new(move |()| kiosk.touch())/>
            </header>
            <StorageBanner problem=storage_problem lang/>
            <RelayBanner status lang/>
            <main class="kiosk-main">{screen}</main>
        </div>
    }
}
