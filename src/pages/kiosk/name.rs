//! The visitor's name: said to be too long as they type, missing only once they try to go on.

use frontdesk_core::check_in::{CheckInError, visitor_name};
use leptos::prelude::*;

use super::{Shared, Step, Visit};
use crate::i18n::KioskMsg;

#[component]
pub(super) fn Name(kiosk: Shared) -> impl IntoView {
    let Shared { step, visit, .. } = kiosk;
    let Visit { name, name_error, .. } = visit;
    let t = move |msg: KioskMsg| kiosk.t(msg);
    view! {
        <form class="kiosk-screen" on:submit=move |ev| {
            ev.prevent_default();
            kiosk.touch();
            if visit.validate_name() { step.set(Step::Reason) }
        }>
            <h1 class="kiosk-question" tabindex="-1"><label for="visitor-name">{move || t(KioskMsg::YourName)}</label></h1>
            <input id="visitor-name" class="kiosk-input" type="text" autocomplete="off" autocapitalize="words"
                spellcheck="false" maxlength="120" placeholder=move || t(KioskMsg::NameHint)
                aria-invalid=move || name_error.get().is_some().to_string()
                aria-describedby="visitor-name-error"
                prop:value=name
                on:input=move |ev| {
                    kiosk.touch();
                    name.set(event_target_value(&ev));
                    // Say "too long" as they type; "missing" only once they try to go on.
                    if name_error.get_untracked().is_some()
                        || visitor_name(&name.get_untracked()) == Err(CheckInError::NameTooLong)
                    {
                        visit.validate_name();
                    }
                } autofocus />
            <p id="visitor-name-error" class="field-error" role="alert">{move || name_error.get().map(t)}</p>
            <div class="kiosk-actions">
                <button type="button" class="button button--ghost button--large" on:click=move |_| kiosk.reset()>{move || t(KioskMsg::Cancel)}</button>
                <button type="submit" class="button button--primary button--large">{move || t(KioskMsg::Next)}</button>
            </div>
        </form>
    }
}
