//! An appointment, found by its confirmation code, or by the visitor's name and phone (which
//! shows only its time); or not found, and the visitor goes on without it.
//!
//! Each search derives the entry's key from what was typed (`frontdesk_core::lookup`: PBKDF2 in
//! WebCrypto, a moment's work) and opens the one entry it names in today's index. Misses in a row
//! are counted on this kiosk, across reloads: after [`lookup::FREE_FINDS`] the next try waits.

use frontdesk_core::crypto::Op;
use frontdesk_core::doc_name;
use frontdesk_core::lookup::{self, Found, Query, Secret};
use frontdesk_core::signin::Throttle;
use leptos::prelude::*;

use super::{Shared, Step, Visit};
use crate::components::device_gate::DeviceRef;
use crate::i18n::KioskMsg;
use crate::platform::now_ms;
use crate::webcrypto;

/// Where this kiosk counts its misses: `<misses> <until ms> <last miss ms>`.
const THROTTLE_KEY: &str = "frontdesk.find-throttle";

fn load_throttle() -> Throttle {
    crate::platform::load_throttle(THROTTLE_KEY)
}

fn save_throttle(throttle: Throttle) {
    crate::platform::save_throttle(THROTTLE_KEY, throttle);
}

/// The appointment of `today` that `password` opens: `None` when there is no index to search
/// yet (nobody's miss), `Some(None)` when it opens none. The visitor is told the same either way:
/// a wrong code, someone else's code and a day not published yet look alike.
async fn search(device: DeviceRef, today: chrono::NaiveDate, password: Vec<u8>) -> Option<Option<Found>> {
    let doc = doc_name::kiosk_day(today);
    let salt = device.with_value(|d| d.read(&doc, lookup::salt)).flatten()?;
    let derive = Op::Derive { password, salt: lookup::kdf_salt(&salt, today), iterations: lookup::ITERATIONS };
    let Ok(Ok(secret)) = webcrypto::run(derive, webcrypto::With::Nothing).await.map(<[u8; 32]>::try_from) else {
        return None;
    };
    let secret = Secret(secret);
    let Some(sealed) = device.with_value(|d| d.read(&doc, |k| lookup::entry(k, &secret.entry_key()))).flatten() else {
        return Some(None);
    };
    let plain = webcrypto::open_raw(&secret.value_key(), &lookup::aad(today), &sealed).await.ok();
    Some(plain.as_deref().and_then(Found::decode))
}

#[component]
pub(super) fn Find(kiosk: Shared) -> impl IntoView {
    let Shared { device, step, visit, today, .. } = kiosk;
    let Visit { name, code, phone, found, not_found, searching, .. } = visit;
    let t = move |msg: KioskMsg| kiosk.t(msg);
    let throttle = RwSignal::new(load_throttle());
    let waiting = move || throttle.with(|t| t.wait_ms(kiosk.now.get())) > 0;
    view! {
        <form class="kiosk-screen" on:submit=move |ev| {
            ev.prevent_default();
            kiosk.touch();
            if searching.get_untracked() != 0 || throttle.with_untracked(|t| t.wait_ms(now_ms())) > 0 {
                return;
            }
            let (typed_code, typed_phone, visitor) = (code.get_untracked(), phone.get_untracked(), name.get_untracked());
            let query = if typed_code.trim().is_empty() {
                Query::NamePhone { name: &visitor, phone: &typed_phone }
            } else {
                Query::Code(&typed_code)
            };
            let Some(password) = lookup::password(query) else {
                not_found.set(true);
                return;
            };
            // Which search this is: a visitor who leaves (the draft cleared) or a newer search
            // makes its answer nobody's.
            let id = (now_ms() as u32) | 1;
            searching.set(id);
            leptos::task::spawn_local(async move {
                let searched = search(device, today, password).await;
                if searching.get_untracked() != id {
                    return;
                }
                searching.set(0);
                // A miss counts; a find does not wipe the count (a visitor's own code between
                // guesses would), which a quarter of an hour of quiet does.
                if let Some(None) = searched {
                    let next = throttle.get_untracked().missed_at(now_ms(), lookup::FREE_FINDS);
                    save_throttle(next);
                    throttle.set(next);
                }
                let result = searched.flatten();
                not_found.set(result.is_none());
                if result.is_some() {
                    found.set(result);
                    step.set(Step::Confirm);
                }
            });
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
            <p class="field-error" role="alert">{move || {
                if waiting() {
                    Some(t(KioskMsg::FindWait))
                } else {
                    not_found.get().then(|| t(KioskMsg::NotFound))
                }
            }}</p>
            <div class="kiosk-actions">
                <button type="button" class="button button--ghost button--large" on:click=move |_| { kiosk.touch(); step.set(Step::Reason) }>{move || t(KioskMsg::Back)}</button>
                <button type="button" class="button button--ghost button--large" on:click=move |_| { kiosk.touch(); found.set(None); step.set(Step::Confirm) }>{move || t(KioskMsg::ContinueWithout)}</button>
                <button type="submit" class="button button--primary button--large" aria-busy=move || (searching.get() != 0).to_string()
                    disabled=move || searching.get() != 0 || waiting() || (code.get().trim().is_empty() && phone.get().trim().is_empty())>
                    {move || t(if searching.get() != 0 { KioskMsg::Searching } else { KioskMsg::Find })}</button>
            </div>
        </form>
    }
}
