//! The first screen: the business welcomes the visitor, with today's expected wait; a member of
//! staff goes from here to the time clock.

use leptos::prelude::*;

use super::{Shared, Step};
use crate::i18n::{KioskMsg, tr};

#[component]
pub(super) fn Welcome(kiosk: Shared) -> impl IntoView {
    let Shared { device, lang, step, wait, .. } = kiosk;
    let t = move |msg: KioskMsg| kiosk.t(msg);
    let status = device.with_value(|d| d.status);
    // A kiosk writes into an inbox named after its device id, which the relay tells it on first
    // connection (or its setup link does); until then it cannot take check-ins.
    let has_identity = move || {
        status.track();
        device.with_value(|d| !d.settings.borrow().device.is_empty())
    };
    // A kiosk the relay turned away (not paired any more, another version) could take check-ins
    // that would never reach the desk: it says so instead, and whom to see.
    let out_of_service = move || {
        status.with(|s| {
            matches!(s.connection, frontdesk_core::Connection::Refused { why, .. } if why != frontdesk_core::Refusal::Revoked)
        })
    };
    view! {
        <section class="kiosk-screen kiosk-welcome">
            <h1 class="kiosk-title" tabindex="-1">
                {move || t(if out_of_service() { KioskMsg::OutOfService } else { KioskMsg::Welcome })}
            </h1>
            {move || if out_of_service() {
                view! {
                    <p class="kiosk-lead" role="alert">{move || t(KioskMsg::OutOfServiceLead)}</p>
                    <p class="kiosk-staff-note">{move || t(KioskMsg::OutOfServiceStaff)}</p>
                }.into_any()
            } else if has_identity() {
                view! {
                    <p class="kiosk-lead">{move || t(KioskMsg::WelcomeLead)}</p>
                    {move || wait.get().map(|w| view! {
                        <p class="kiosk-wait" role="status">
                            <span class="kiosk-wait__value">{format!("~{} min", w.minutes)}</span>
                            <span>{move || t(KioskMsg::ExpectedWait)}" · "{move || tr!(lang.get(), kiosk.people_waiting, count = w.waiting)}</span>
                        </p>
                    })}
                    <button class="button button--primary button--huge" on:click=move |_| { kiosk.touch(); step.set(Step::Name) }>
                        {move || t(KioskMsg::CheckIn)}
                    </button>
                    <button class="button button--ghost kiosk-staff" on:click=move |_| { kiosk.touch(); step.set(Step::Clock) }>
                        {move || KioskMsg::StaffButton.text(lang.get())}
                    </button>
                }.into_any()
            } else {
                view! { <p class="kiosk-lead" role="status">{move || t(KioskMsg::KioskNeedsRelay)}</p> }.into_any()
            }}
        </section>
    }
}
