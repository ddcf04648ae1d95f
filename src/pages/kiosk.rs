//! The lobby kiosk: a visitor checks in, gets a queue number, and the screen forgets them.

use frontdesk_core::check_in::{CheckIn, CheckInError, ticket_prefix, visitor_name};
use frontdesk_core::kiosk_doc::{self, Lookup, Query};
use frontdesk_core::money::format_amount;
use frontdesk_core::site::format_time;
use frontdesk_core::{VisitId, VisitReason, doc_name};
use leptos::prelude::*;

use crate::components::device_gate::{DeviceRef, Gate, SetupForm, Splash, StorageFailure, use_device};
use crate::components::icons::{Icon, IconSvg};
use crate::components::keyboard::{focus_screen, radio_group_keys};
use crate::components::status_bar::{StatusBar, StorageBanner};
use crate::components::time_clock::TimeClock;
use crate::device::{now_ms, random_bytes};
use crate::i18n::{KioskMsg, Lang, tr};
use crate::settings::{Mode, save_ticket_counter, ticket_counter};

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
    let gate = use_device(Mode::Kiosk, vec![doc_name::KIOSK.to_owned()], Vec::new(), Vec::new());
    move || match gate.get() {
        Gate::Loading => view! { <Splash lang=Lang::En/> }.into_any(),
        Gate::Setup => view! { <SetupForm mode=Mode::Kiosk/> }.into_any(),
        Gate::Failed(error) => view! { <StorageFailure lang=Lang::En error/> }.into_any(),
        Gate::Ready(device) => view! { <Kiosk device/> }.into_any(),
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
    crate::spill::warm_up(check_in.to_inbox_chunk());
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

fn detail_question(reason: VisitReason) -> KioskMsg {
    match reason {
        VisitReason::Appointment => KioskMsg::AppointmentWith,
        VisitReason::WalkIn => KioskMsg::WhichService,
        VisitReason::SeeStaff => KioskMsg::WhoToSee,
    }
}

fn reason_icon(reason: VisitReason) -> Icon {
    match reason {
        VisitReason::Appointment => Icon::Calendar,
        VisitReason::WalkIn => Icon::Bell,
        VisitReason::SeeStaff => Icon::Person,
    }
}

/// "10:00 · Check-up · Dra. Ruiz": an appointment the kiosk found, in the visitor's language.
fn appointment_line(a: &Lookup, lang: Lang) -> String {
    let service = if lang == Lang::Es { &a.service_es } else { &a.service_en };
    let mut line = format!("{} · {service}", format_time(a.start_min));
    if !a.host.is_empty() {
        line.push_str(" · ");
        line.push_str(&a.host);
    }
    line
}

#[component]
fn Kiosk(device: DeviceRef) -> impl IntoView {
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
    let name = RwSignal::new(String::new());
    let reason = RwSignal::new(None::<VisitReason>);
    let detail = RwSignal::new(String::new());
    // Whom they chose to see (a staff id): the desk of that person is told, whatever their name.
    let host = RwSignal::new(None::<String>);
    let name_error = RwSignal::new(None::<KioskMsg>);
    let code = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Lookup>);
    let not_found = RwSignal::new(false);
    let accepted = RwSignal::new(false);
    let insurer = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let revision = device.with_value(|d| d.revision);
    // What the kiosk document says: services, hosts, the business and its terms.
    let front = Memo::new(move |_| {
        revision.track();
        device
            .with_value(|d| {
                d.read(doc_name::KIOSK, |k| {
                    let front = kiosk_doc::front(k);
                    // Check-ins are dated by the business's clock, not this screen's zone.
                    if let Some(zone) = front.as_ref().map(|f| f.time_zone.as_str()).filter(|z| !z.is_empty()) {
                        crate::clock::set_zone(Mode::Kiosk, zone);
                    }
                    let today = crate::clock::today();
                    (front, kiosk_doc::services(k), kiosk_doc::hosts(k), kiosk_doc::wait(k, today))
                })
            })
            .unwrap_or_default()
    });
    let last_touch = RwSignal::new(now_ms());
    let now = RwSignal::new(now_ms());
    let status = device.with_value(|d| d.status);
    let storage_problem = device.with_value(|d| d.storage_problem);

    // Forget the visitor: every field back to empty, the language back to the kiosk's own.
    let reset = move || {
        name.set(String::new());
        reason.set(None);
        detail.set(String::new());
        host.set(None);
        name_error.set(None);
        code.set(String::new());
        phone.set(String::new());
        found.set(None);
        not_found.set(false);
        accepted.set(false);
        insurer.set(String::new());
        member.set(String::new());
        lang.set(default_lang);
        step.set(Step::Welcome);
    };
    let touch = move || last_touch.set(now_ms());
    // A kiosk writes into an inbox named after its device id, which the relay tells it on first
    // connection (or its setup link does); until then it cannot take check-ins.
    let has_identity = move || {
        status.track();
        device.with_value(|d| !d.settings.borrow().device.is_empty())
    };

    let clock = set_interval_with_handle(
        move || {
            let t = now_ms();
            now.set(t);
            let idle = t - last_touch.get_untracked();
            match step.get_untracked() {
                Step::Welcome => {}
                Step::Thanks { .. } if idle >= THANKS_MS => reset(),
                Step::Thanks { .. } => {}
                _ if idle >= IDLE_MS => reset(),
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

    let validate_name = move || -> bool {
        let error = visitor_name(&name.get_untracked()).err().map(error_msg);
        name_error.set(error);
        error.is_none()
    };

    let confirm = move || {
        let Some(chosen) = reason.get_untracked() else { return };
        let today = crate::clock::today();
        let kiosk_id = device.with_value(|d| d.settings.borrow().device.clone());
        let appointment = found.get_untracked();
        let what = match &appointment {
            Some(a) => appointment_line(a, lang.get_untracked()),
            None => detail.get_untracked(),
        };
        let (consent_version, _, _) = kiosk_doc::consent(front.with_untracked(|f| f.0.as_ref().map(|f| f.kind)));
        let chosen_host = (chosen == VisitReason::SeeStaff).then(|| host.get_untracked()).flatten();
        let check_in = CheckIn::new(
            VisitId::from_random(random_bytes()),
            &name.get_untracked(),
            chosen,
            &what,
            String::new(),
            now_ms(),
            &kiosk_id,
        )
        .map(|c| c.for_booking(appointment.map(|a| a.booking)).with_consent(consent_version).with_host(chosen_host))
        .and_then(|c| c.with_insurance(&insurer.get_untracked(), &member.get_untracked()));
        // The queue number goes only to a check-in that was accepted.
        let mut tickets = ticket_counter();
        match tickets.number(today, ticket_prefix(&kiosk_id), check_in) {
            Ok(check_in) => {
                save_ticket_counter(&tickets);
                let ticket = check_in.ticket.clone();
                let chunk = check_in.to_inbox_chunk();
                let inbox = doc_name::inbox(today, &kiosk_id);
                let shown_name = check_in.name.split(' ').next().unwrap_or_default().to_owned();
                let dev = device.get_value();
                dev.submit(&inbox, chunk);
                // The visitor's entries are no longer needed on screen.
                name.set(String::new());
                detail.set(String::new());
                host.set(None);
                reason.set(None);
                code.set(String::new());
                phone.set(String::new());
                found.set(None);
                accepted.set(false);
                insurer.set(String::new());
                member.set(String::new());
                touch();
                step.set(Step::Thanks { name: shown_name, ticket });
            }
            Err(CheckInError::DetailTooLong) => step.set(Step::Reason),
            Err(_) => {
                validate_name();
                step.set(Step::Name);
            }
        }
    };

    let t = move |msg: KioskMsg| msg.text(lang.get());

    let screen = move || {
        match step.get() {
        Step::Welcome => view! {
            <section class="kiosk-screen kiosk-welcome">
                <h1 class="kiosk-title" tabindex="-1">{move || t(KioskMsg::Welcome)}</h1>
                {move || if has_identity() {
                    view! {
                        <p class="kiosk-lead">{move || t(KioskMsg::WelcomeLead)}</p>
                        {move || front.with(|f| f.3.clone()).map(|w| view! {
                            <p class="kiosk-wait" role="status">
                                <span class="kiosk-wait__value">{format!("~{} min", w.minutes)}</span>
                                <span>{move || t(KioskMsg::ExpectedWait)}" · "{move || tr!(lang.get(), kiosk.people_waiting, count = w.waiting)}</span>
                            </p>
                        })}
                        <button class="button button--primary button--huge" on:click=move |_| { touch(); step.set(Step::Name) }>
                            {move || t(KioskMsg::CheckIn)}
                        </button>
                        <button class="button button--ghost kiosk-staff" on:click=move |_| { touch(); step.set(Step::Clock) }>
                            {move || KioskMsg::StaffButton.text(lang.get())}
                        </button>
                    }.into_any()
                } else {
                    view! { <p class="kiosk-lead" role="status">{move || t(KioskMsg::KioskNeedsRelay)}</p> }.into_any()
                }}
            </section>
        }
        .into_any(),
        Step::Name => view! {
            <form class="kiosk-screen" on:submit=move |ev| {
                ev.prevent_default();
                touch();
                if validate_name() { step.set(Step::Reason) }
            }>
                <h1 class="kiosk-question" tabindex="-1"><label for="visitor-name">{move || t(KioskMsg::YourName)}</label></h1>
                <input id="visitor-name" class="kiosk-input" type="text" autocomplete="off" autocapitalize="words"
                    spellcheck="false" maxlength="120" placeholder=move || t(KioskMsg::NameHint)
                    aria-invalid=move || name_error.get().is_some().to_string()
                    aria-describedby="visitor-name-error"
                    prop:value=name
                    on:input=move |ev| {
                        touch();
                        name.set(event_target_value(&ev));
                        // Say "too long" as they type; "missing" only once they try to go on.
                        if name_error.get_untracked().is_some()
                            || visitor_name(&name.get_untracked()) == Err(CheckInError::NameTooLong)
                        {
                            validate_name();
                        }
                    } autofocus />
                <p id="visitor-name-error" class="field-error" role="alert">{move || name_error.get().map(t)}</p>
                <div class="kiosk-actions">
                    <button type="button" class="button button--ghost button--large" on:click=move |_| reset()>{move || t(KioskMsg::Cancel)}</button>
                    <button type="submit" class="button button--primary button--large">{move || t(KioskMsg::Next)}</button>
                </div>
            </form>
        }
        .into_any(),
        Step::Reason => view! {
            <section class="kiosk-screen">
                <h1 id="why-here" class="kiosk-question" tabindex="-1">{move || t(KioskMsg::WhyHere)}</h1>
                <div class="reason-list" role="radiogroup" aria-labelledby="why-here" on:keydown=radio_group_keys>
                    {VisitReason::ALL.into_iter().enumerate().map(|(i, r)| {
                        let (label, hint) = reason_label(r);
                        view! {
                            <button type="button" class="reason" role="radio"
                                aria-checked=move || (reason.get() == Some(r)).to_string()
                                tabindex=move || if reason.get().map_or(i == 0, |chosen| chosen == r) { "0" } else { "-1" }
                                on:click=move |_| { touch(); reason.set(Some(r)) }>
                                <span class="reason__icon"><IconSvg icon=reason_icon(r)/></span>
                                <span class="reason__text">
                                    <span class="reason__label">{move || t(label)}</span>
                                    <span class="reason__hint">{move || t(hint)}</span>
                                </span>
                            </button>
                        }
                    }).collect_view()}
                </div>
                {move || reason.get().map(|r| {
                    let l = lang.get();
                    // Walk-ins choose a service (with what it costs); visitors choose who they came to see.
                    let choices: Vec<(String, String, Option<String>)> = match r {
                        VisitReason::WalkIn => front.with(|f| f.1.iter().map(|s| {
                            let (name, description) = if l == Lang::Es { (&s.name_es, &s.description_es) } else { (&s.name_en, &s.description_en) };
                            let price = format_amount(s.price_minor, &s.currency, l == Lang::Es);
                            let sub = format!("{} min · {price} {}{}", s.duration_min, s.currency, if description.is_empty() { String::new() } else { format!(" · {description}") });
                            (name.clone(), sub, None)
                        }).collect()),
                        VisitReason::SeeStaff => front.with(|f| f.2.iter().map(|h| (h.name.clone(), String::new(), Some(h.id.clone()))).collect()),
                        VisitReason::Appointment => Vec::new(),
                    };
                    if r == VisitReason::Appointment {
                        view! { <p class="kiosk-hint">{t(KioskMsg::FindNext)}</p> }.into_any()
                    } else if choices.is_empty() {
                        view! {
                            <label class="field kiosk-detail">
                                <span class="field__label">{move || t(detail_question(r))}" "<em>"("{move || t(KioskMsg::Optional)}")"</em></span>
                                <input class="field__input" type="text" autocomplete="off" maxlength="120"
                                    prop:value=detail on:input=move |ev| { touch(); detail.set(event_target_value(&ev)) } />
                            </label>
                        }.into_any()
                    } else {
                        view! {
                            <div class="kiosk-choices" role="radiogroup" aria-label=move || t(detail_question(r)) on:keydown=radio_group_keys>
                                <p class="kiosk-choices__title">{move || t(detail_question(r))}</p>
                                {
                                // A choice is its label and, for a person, their id (two may share a name).
                                let keys: Vec<(String, Option<String>)> = choices.iter().map(|(label, _, id)| (label.clone(), id.clone())).collect();
                                choices.into_iter().enumerate().map(|(i, (label, sub, id))| {
                                    let key = (label.clone(), id);
                                    let (chosen, mine, value) = (key.clone(), key.clone(), key);
                                    let keys = keys.clone();
                                    let current = move || (detail.get(), host.get());
                                    view! {
                                        <button type="button" class="choice-card" role="radio"
                                            aria-checked=move || (current() == chosen).to_string()
                                            tabindex=move || {
                                                let c = current();
                                                let tab_stop = if keys.contains(&c) { c == mine } else { i == 0 };
                                                if tab_stop { "0" } else { "-1" }
                                            }
                                            on:click=move |_| { touch(); detail.set(value.0.clone()); host.set(value.1.clone()) }>
                                            <span class="choice-card__label">{label}</span>
                                            {(!sub.is_empty()).then(|| view! { <span class="choice-card__sub">{sub}</span> })}
                                        </button>
                                    }
                                }).collect_view()
                                }
                            </div>
                        }.into_any()
                    }
                })}
                <div class="kiosk-actions">
                    <button type="button" class="button button--ghost button--large" on:click=move |_| { touch(); step.set(Step::Name) }>{move || t(KioskMsg::Back)}</button>
                    <button type="button" class="button button--primary button--large" disabled=move || reason.get().is_none()
                        on:click=move |_| {
                            touch();
                            step.set(if reason.get_untracked() == Some(VisitReason::Appointment) { Step::Find } else { Step::Confirm })
                        }>{move || t(KioskMsg::Next)}</button>
                </div>
            </section>
        }
        .into_any(),
        Step::Find => view! {
            <form class="kiosk-screen" on:submit=move |ev| {
                ev.prevent_default();
                touch();
                let today = crate::clock::today();
                let typed_code = code.get_untracked();
                let typed_phone = phone.get_untracked();
                let visitor = name.get_untracked();
                let result = device.with_value(|d| d.read(doc_name::KIOSK, |k| {
                    if !typed_code.trim().is_empty() {
                        kiosk_doc::find(k, today, Query::Code(&typed_code))
                    } else {
                        kiosk_doc::find(k, today, Query::NamePhone { name: &visitor, phone: &typed_phone })
                    }
                })).flatten();
                not_found.set(result.is_none());
                if result.is_some() {
                    found.set(result);
                    step.set(Step::Confirm);
                }
            }>
                <h1 class="kiosk-question" tabindex="-1">{move || t(KioskMsg::FindTitle)}</h1>
                <label class="field kiosk-detail">
                    <span class="field__label">{move || t(KioskMsg::ConfirmationCode)}</span>
                    <input class="field__input kiosk-code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="12"
                        prop:value=code on:input=move |ev| { touch(); not_found.set(false); code.set(event_target_value(&ev)) } autofocus />
                </label>
                <p class="kiosk-or">{move || t(KioskMsg::NoCode)}</p>
                <label class="field kiosk-detail">
                    <span class="field__label">{move || t(KioskMsg::YourPhone)}</span>
                    <input class="field__input" type="tel" autocomplete="off" maxlength="20"
                        prop:value=phone on:input=move |ev| { touch(); not_found.set(false); phone.set(event_target_value(&ev)) } />
                </label>
                <p class="field-error" role="alert">{move || not_found.get().then(|| t(KioskMsg::NotFound))}</p>
                <div class="kiosk-actions">
                    <button type="button" class="button button--ghost button--large" on:click=move |_| { touch(); step.set(Step::Reason) }>{move || t(KioskMsg::Back)}</button>
                    <button type="button" class="button button--ghost button--large" on:click=move |_| { touch(); found.set(None); step.set(Step::Confirm) }>{move || t(KioskMsg::ContinueWithout)}</button>
                    <button type="submit" class="button button--primary button--large"
                        disabled=move || code.get().trim().is_empty() && phone.get().trim().is_empty()>{move || t(KioskMsg::Find)}</button>
                </div>
            </form>
        }
        .into_any(),
        Step::Confirm => view! {
            <section class="kiosk-screen">
                <h1 class="kiosk-question" tabindex="-1">{move || t(KioskMsg::ConfirmTitle)}</h1>
                <dl class="confirm-card">
                    <dt>{move || t(KioskMsg::NameHint)}</dt>
                    <dd class="confirm-card__name">{move || name.get().split_whitespace().collect::<Vec<_>>().join(" ")}</dd>
                    <dt>{move || t(KioskMsg::WhyHere)}</dt>
                    <dd>{move || reason.get().map(|r| t(reason_label(r).0))}
                        {move || match found.get() {
                            Some(a) => Some(format!(" · {}", appointment_line(&a, lang.get()))),
                            None => { let d = detail.get(); (!d.trim().is_empty()).then(|| format!(" · {}", d.trim())) }
                        }}</dd>
                </dl>
                <Show when=move || front.with(|f| f.0.as_ref().is_some_and(|f| f.kind.has(frontdesk_core::site::Module::Insurance)))>
                    <fieldset class="kiosk-insurance">
                        <legend>{move || t(KioskMsg::InsuranceOptional)}</legend>
                        <label class="field">
                            <span class="field__label">{move || t(KioskMsg::YourInsurer)}</span>
                            <input class="field__input kiosk-input" type="text" autocomplete="off" maxlength="60"
                                prop:value=insurer on:input=move |ev| { touch(); insurer.set(event_target_value(&ev)) }/>
                        </label>
                        <label class="field">
                            <span class="field__label">{move || t(KioskMsg::MemberNumber)}</span>
                            <input class="field__input kiosk-input" type="text" autocomplete="off" maxlength="40"
                                prop:value=member on:input=move |ev| { touch(); member.set(event_target_value(&ev)) }/>
                        </label>
                    </fieldset>
                </Show>
                <label class="consent">
                    <input type="checkbox" prop:checked=accepted on:change=move |ev| { touch(); accepted.set(event_target_checked(&ev)) }/>
                    <span>
                        <span class="consent__title">{move || t(KioskMsg::AcceptTerms)}</span>
                        <span class="consent__text">{move || {
                            let (_, en, es) = kiosk_doc::consent(front.with(|f| f.0.as_ref().map(|f| f.kind)));
                            if lang.get() == Lang::Es { es } else { en }
                        }}</span>
                    </span>
                </label>
                <div class="kiosk-actions">
                    <button type="button" class="button button--ghost button--large" on:click=move |_| {
                        touch();
                        step.set(if reason.get_untracked() == Some(VisitReason::Appointment) { Step::Find } else { Step::Reason })
                    }>{move || t(KioskMsg::Back)}</button>
                    <button type="button" class="button button--primary button--large" disabled=move || !accepted.get()
                        on:click=move |_| confirm()>{move || t(KioskMsg::Confirm)}</button>
                </div>
            </section>
        }
        .into_any(),
        Step::Clock => view! {
            <section class="kiosk-screen kiosk-clock">
                <h1 class="kiosk-title" tabindex="-1">{move || KioskMsg::TimeClock.text(lang.get())}</h1>
                <TimeClock device lang on_done=move |()| reset()/>
                <div class="kiosk-actions">
                    <button class="button button--ghost button--large" on:click=move |_| reset()>{move || t(KioskMsg::Back)}</button>
                </div>
            </section>
        }
        .into_any(),
        Step::Thanks { name: first_name, ticket } => view! {
            <section class="kiosk-screen kiosk-thanks">
                <h1 class="kiosk-title" tabindex="-1">{move || tr!(lang.get(), kiosk.thanks_title, name = first_name.clone())}</h1>
                <p class="kiosk-lead">{move || t(KioskMsg::YourNumber)}</p>
                <p class="ticket">{ticket.clone()}</p>
                <p class="kiosk-lead">{move || t(KioskMsg::TakeASeat)}</p>
                <button class="button button--primary button--large" on:click=move |_| reset()>{move || t(KioskMsg::Done)}</button>
                <p class="kiosk-countdown">{move || {
                    let seconds = ((THANKS_MS - (now.get() - last_touch.get())).clamp(0, THANKS_MS) + 999) / 1000;
                    tr!(lang.get(), kiosk.back_to_start_in, seconds)
                }}</p>
            </section>
        }
        .into_any(),
    }
    };

    view! {
        <div class="kiosk" lang=move || lang.get().code() on:pointerdown=move |_| touch() on:keydown=move |_| touch()>
            <header class="kiosk-bar">
                <span class="brand">{move || front.with(|f| f.0.as_ref().map(|f| f.business.clone())).unwrap_or_else(|| "Frontdesk".into())}</span>
                <StatusBar status lang on_switch=Callback::new(move |()| touch())/>
            </header>
            <StorageBanner problem=storage_problem lang/>
            <main class="kiosk-main">{screen}</main>
        </div>
    }
}
