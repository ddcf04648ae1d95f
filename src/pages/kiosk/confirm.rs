//! The visit as the kiosk will send it, the visitor's insurance (where the business takes it)
//! and the terms they accept; confirming writes the check-in and shows the ticket.

use frontdesk_core::check_in::{CheckIn, CheckInError};
use frontdesk_core::{VisitId, VisitReason, doc_name, kiosk_doc};
use leptos::prelude::*;

use super::{Shared, Step, Visit, appointment_line, reason_label};
use crate::i18n::{KioskMsg, Lang};
use crate::platform::{now_ms, random_bytes};
use crate::settings::{save_ticket_counter, ticket_counter};

#[component]
pub(super) fn Confirm(kiosk: Shared) -> impl IntoView {
    let Shared { lang, step, visit, public, .. } = kiosk;
    let Visit { name, reason, detail, found, accepted, insurer, member, .. } = visit;
    let t = move |msg: KioskMsg| kiosk.t(msg);
    view! {
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
            <Show when=move || public.with(|p| p.front.as_ref().is_some_and(|f| f.kind.has(frontdesk_core::site::Module::Insurance)))>
                <fieldset class="kiosk-insurance">
                    <legend>{move || t(KioskMsg::InsuranceOptional)}</legend>
                    <label class="field">
                        <span class="field__label">{move || t(KioskMsg::YourInsurer)}</span>
                        <input class="field__input kiosk-input" type="text" autocomplete="off" maxlength="60"
                            prop:value=insurer on:input=move |ev| { kiosk.touch(); insurer.set(event_target_value(&ev)) }/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(KioskMsg::MemberNumber)}</span>
                        <input class="field__input kiosk-input" type="text" autocomplete="off" maxlength="40"
                            prop:value=member on:input=move |ev| { kiosk.touch(); member.set(event_target_value(&ev)) }/>
                    </label>
                </fieldset>
            </Show>
            <label class="consent">
                <input type="checkbox" prop:checked=accepted on:change=move |ev| { kiosk.touch(); accepted.set(event_target_checked(&ev)) }/>
                <span>
                    <span class="consent__title">{move || t(KioskMsg::AcceptTerms)}</span>
                    <span class="consent__text">{move || {
                        let (_, en, es) = kiosk_doc::consent(public.with(|p| p.front.as_ref().map(|f| f.kind)));
                        if lang.get() == Lang::Es { es } else { en }
                    }}</span>
                </span>
            </label>
            <div class="kiosk-actions">
                <button type="button" class="button button--ghost button--large" on:click=move |_| {
                    kiosk.touch();
                    step.set(if reason.get_untracked() == Some(VisitReason::Appointment) { Step::Find } else { Step::Reason })
                }>{move || t(KioskMsg::Back)}</button>
                <button type="button" class="button button--primary button--large" disabled=move || !accepted.get()
                    on:click=move |_| check_in(kiosk)>{move || t(KioskMsg::Confirm)}</button>
            </div>
        </section>
    }
}

/// Writes the visit as a check-in to this kiosk's inbox for today and shows its ticket, the
/// visitor's entries gone from the draft; or goes back to the step that needs mending.
fn check_in(kiosk: Shared) {
    let Shared { device, lang, step, visit, public, .. } = kiosk;
    let Some(chosen) = visit.reason.get_untracked() else { return };
    let today = crate::clock::today();
    let kiosk_id = device.with_value(|d| d.settings.borrow().device.clone());
    let appointment = visit.found.get_untracked();
    let what = match &appointment {
        Some(a) => appointment_line(a, lang.get_untracked()),
        None => visit.detail.get_untracked(),
    };
    let (consent_version, _, _) = kiosk_doc::consent(public.with_untracked(|p| p.front.as_ref().map(|f| f.kind)));
    let chosen_host = (chosen == VisitReason::SeeStaff).then(|| visit.host.get_untracked()).flatten();
    let check_in = CheckIn::new(
        VisitId::from_random(random_bytes()),
        &visit.name.get_untracked(),
        chosen,
        &what,
        String::new(),
        now_ms(),
        &kiosk_id,
    )
    .map(|c| {
        // Found by name and phone, the entry does not say which booking: the phone's digits
        // let the desks find it.
        let phone = visit.phone.get_untracked();
        let by_phone = appointment.as_ref().filter(|a| a.booking.is_empty()).map(|a| (phone.as_str(), a.start_min));
        c.for_booking(appointment.as_ref().map(|a| a.booking.clone()).filter(|b| !b.is_empty()))
            .found_by_phone(by_phone)
            .with_consent(consent_version)
            .with_host(chosen_host)
    })
    .and_then(|c| c.with_insurance(&visit.insurer.get_untracked(), &visit.member.get_untracked()));
    // The queue number goes only to a check-in that was accepted.
    let mut tickets = ticket_counter();
    // The numbers the desks saw given today, so a kiosk that lost its counter, or is new, gives
    // none twice.
    let issued = device.with_value(|d| d.read(doc_name::KIOSK, kiosk_doc::issued)).unwrap_or_default();
    match tickets.number(today, &kiosk_id, &issued, check_in) {
        Ok(check_in) => {
            save_ticket_counter(&tickets);
            let ticket = check_in.ticket.clone();
            let chunk = check_in.to_inbox_chunk(device.with_value(|d| d.tag()));
            let inbox = doc_name::inbox(today, &kiosk_id);
            let shown_name = check_in.name.split(' ').next().unwrap_or_default().to_owned();
            let dev = device.get_value();
            dev.submit(&inbox, chunk);
            // The visitor's entries are no longer needed on screen.
            visit.clear();
            kiosk.touch();
            step.set(Step::Thanks { name: shown_name, ticket });
        }
        Err(CheckInError::DetailTooLong) => step.set(Step::Reason),
        Err(_) => {
            visit.validate_name();
            step.set(Step::Name);
        }
    }
}
