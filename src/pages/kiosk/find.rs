//! An appointment, found by its confirmation code, or by the visitor's name and phone; or not
//! found, and the visitor goes on without it.

use frontdesk_core::doc_name;
use frontdesk_core::kiosk_doc::{self, Query};
use leptos::prelude::*;

use super::{Shared, Step, Visit};
use crate::i18n::KioskMsg;

#[component]
pub(super) fn Find(kiosk: Shared) -> impl IntoView {
    let Shared { device, step, visit, .. } = kiosk;
    let Visit { name, code, phone, found, not_found, .. } = visit;
    let t = move |msg: KioskMsg| kiosk.t(msg);
    view! {
        <form class="kiosk-screen" on:submit=move |ev| {
            ev.prevent_default();
            kiosk.touch();
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
                    prop:value=code on:input=move |ev| { kiosk.touch(); not_found.set(false); code.set(event_target_value(&ev)) } autofocus />
            </label>
            <p class="kiosk-or">{move || t(KioskMsg::NoCode)}</p>
            <label class="field kiosk-detail">
                <span class="field__label">{move || t(KioskMsg::YourPhone)}</span>
                <input class="field__input" type="tel" autocomplete="off" maxlength="20"
                    prop:value=phone on:input=move |ev| { kiosk.touch(); not_found.set(false); phone.set(event_target_value(&ev)) } />
            </label>
            <p class="field-error" role="alert">{move || not_found.get().then(|| t(KioskMsg::NotFound))}</p>
            <div class="kiosk-actions">
                <button type="button" class="button button--ghost button--large" on:click=move |_| { kiosk.touch(); step.set(Step::Reason) }>{move || t(KioskMsg::Back)}</button>
                <button type="button" class="button button--ghost button--large" on:click=move |_| { kiosk.touch(); found.set(None); step.set(Step::Confirm) }>{move || t(KioskMsg::ContinueWithout)}</button>
                <button type="submit" class="button button--primary button--large"
                    disabled=move || code.get().trim().is_empty() && phone.get().trim().is_empty()>{move || t(KioskMsg::Find)}</button>
            </div>
        </form>
    }
}
