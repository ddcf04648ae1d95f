//! Why the visitor came: an appointment (found next), a walk-in choosing a service, or someone
//! to see.

use frontdesk_core::VisitReason;
use frontdesk_core::money::format_amount;
use leptos::prelude::*;

use super::{Shared, Step, Visit, reason_label};
use crate::components::icons::{Icon, IconSvg};
use crate::components::keyboard::radio_group_keys;
use crate::i18n::{KioskMsg, Lang};

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

#[component]
pub(super) fn Reason(kiosk: Shared) -> impl IntoView {
    let Shared { step, visit, .. } = kiosk;
    let reason = visit.reason;
    let t = move |msg: KioskMsg| kiosk.t(msg);
    view! {
        <section class="kiosk-screen">
            <h1 id="why-here" class="kiosk-question" tabindex="-1">{move || t(KioskMsg::WhyHere)}</h1>
            <div class="reason-list" role="radiogroup" aria-labelledby="why-here" on:keydown=radio_group_keys>
                {VisitReason::ALL.into_iter().enumerate().map(|(i, r)| {
                    let (label, hint) = reason_label(r);
                    view! {
                        <button type="button" class="reason" role="radio"
                            aria-checked=move || (reason.get() == Some(r)).to_string()
                            tabindex=move || if reason.get().map_or(i == 0, |chosen| chosen == r) { "0" } else { "-1" }
                            on:click=move |_| { kiosk.touch(); reason.set(Some(r)) }>
                            <span class="reason__icon"><IconSvg icon=reason_icon(r)/></span>
                            <span class="reason__text">
                                <span class="reason__label">{move || t(label)}</span>
                                <span class="reason__hint">{move || t(hint)}</span>
                            </span>
                        </button>
                    }
                }).collect_view()}
            </div>
            {move || reason.get().map(|r| detail(kiosk, r))}
            <div class="kiosk-actions">
                <button type="button" class="button button--ghost button--large" on:click=move |_| { kiosk.touch(); step.set(Step::Name) }>{move || t(KioskMsg::Back)}</button>
                <button type="button" class="button button--primary button--large" disabled=move || reason.get().is_none()
                    on:click=move |_| {
                        kiosk.touch();
                        step.set(if reason.get_untracked() == Some(VisitReason::Appointment) { Step::Find } else { Step::Confirm })
                    }>{move || t(KioskMsg::Next)}</button>
            </div>
        </section>
    }
}

/// What follows the reason chosen: walk-ins choose a service (with what it costs), visitors
/// choose whom they came to see (or type it, when the kiosk lists nobody); an appointment is
/// found on the next step.
fn detail(kiosk: Shared, r: VisitReason) -> AnyView {
    let Shared { lang, public, visit, .. } = kiosk;
    let Visit { detail, host, .. } = visit;
    let t = move |msg: KioskMsg| kiosk.t(msg);
    let l = lang.get();
    let choices: Vec<(String, String, Option<String>)> = match r {
        VisitReason::WalkIn => public.with(|p| {
            p.services
                .iter()
                .map(|s| {
                    let (name, description) =
                        if l == Lang::Es { (&s.name_es, &s.description_es) } else { (&s.name_en, &s.description_en) };
                    let price = format_amount(s.price_minor, &s.currency, l == Lang::Es);
                    let sub = format!(
                        "{} min · {price} {}{}",
                        s.duration_min,
                        s.currency,
                        if description.is_empty() { String::new() } else { format!(" · {description}") }
                    );
                    (name.clone(), sub, None)
                })
                .collect()
        }),
        VisitReason::SeeStaff => {
            public.with(|p| p.hosts.iter().map(|h| (h.name.clone(), String::new(), Some(h.id.clone()))).collect())
        }
        VisitReason::Appointment => Vec::new(),
    };
    if r == VisitReason::Appointment {
        view! { <p class="kiosk-hint">{t(KioskMsg::FindNext)}</p> }.into_any()
    } else if choices.is_empty() {
        view! {
            <label class="field kiosk-detail">
                <span class="field__label">{move || t(detail_question(r))}" "<em>"("{move || t(KioskMsg::Optional)}")"</em></span>
                <input class="field__input" type="text" autocomplete="off" maxlength="120"
                    prop:value=detail on:input=move |ev| { kiosk.touch(); detail.set(event_target_value(&ev)) } />
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
                            on:click=move |_| { kiosk.touch(); detail.set(value.0.clone()); host.set(value.1.clone()) }>
                            <span class="choice-card__label">{label}</span>
                            {(!sub.is_empty()).then(|| view! { <span class="choice-card__sub">{sub}</span> })}
                        </button>
                    }
                }).collect_view()
                }
            </div>
        }.into_any()
    }
}
