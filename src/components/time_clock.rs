//! The time clock: a member of staff types their PIN and taps Clock in or Clock out, at the
//! kiosk or at a desk. The device derives the PIN under every salt the `kiosk` document lists
//! (WebCrypto, at once), keeps the people whose 10-bit tag it matches (`frontdesk_core::pin`),
//! and refuses a PIN that matches nobody, offline too. The punch goes into the device's own
//! time-clock document, which only the manager reads, with those candidates; the manager's desk
//! finds whose it is. The PIN is forgotten at once. Wrong PINs make the next try wait, across
//! reloads (`signin::Throttle::missed_at`); a right one does not start the count afresh (a
//! member of staff would reset it with their own PIN between guesses at others'), a quarter of
//! an hour of quiet after a wait does.

use chrono::Timelike;
use frontdesk_core::payroll::{self, PinError, Punch, PunchKind};
use frontdesk_core::signin::FREE_TRIES;
use frontdesk_core::{doc_name, pin};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::people::pin_error_text;
use crate::i18n::{DeviceMsg, Lang};
use crate::platform::{load_throttle, now_ms, random_bytes, save_throttle};

/// Where the device keeps its count of wrong PINs at the clock.
const THROTTLE_KEY: &str = "frontdesk.clock.pin-throttle";

#[component]
pub fn TimeClock(device: DeviceRef, lang: RwSignal<Lang>, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let t = move |msg: DeviceMsg| msg.text(lang.get());
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<(PunchKind, String)>);
    let checking = RwSignal::new(false);
    let punch = move |kind: PunchKind| {
        let at = now_ms();
        let throttle = load_throttle(THROTTLE_KEY);
        if checking.get_untracked() {
            return;
        }
        if throttle.wait_ms(at) > 0 {
            error.set(Some(t(DeviceMsg::ClockWait).to_owned()));
            return;
        }
        let typed = pin.get_untracked();
        // The PIN leaves the screen whatever happens next.
        pin.set(String::new());
        if let Err(e) = payroll::clean_pin(&typed) {
            error.set(Some(pin_error_text(&e, lang.get_untracked()).to_owned()));
            return;
        }
        let dev = device.get_value();
        let listed = dev.read(doc_name::KIOSK, pin::list).unwrap_or_default();
        checking.set(true);
        leptos::task::spawn_local(async move {
            let derived = crate::webcrypto::derive_pin(&typed, &listed).await;
            let _ = checking.try_set(false);
            let known = derived.map_err(|_| PinError::Unknown).and_then(|derived| {
                dev.read(doc_name::KIOSK, |k| payroll::at_the_clock(k, &listed, &typed, &derived))
                    .unwrap_or(Err(PinError::Unknown))
            });
            let (legacy, candidates) = match known {
                Ok(found) => found,
                Err(e) => {
                    save_throttle(THROTTLE_KEY, throttle.missed_at(at, FREE_TRIES));
                    let _ = error.try_set(Some(pin_error_text(&e, lang.get_untracked()).to_owned()));
                    return;
                }
            };
            let _ = error.try_set(None);
            let id = frontdesk_core::RecordId::from_random(random_bytes()).to_string();
            let record = Punch { id, kind, pin: legacy, at_ms: now_ms(), candidates };
            let chunk = payroll::punch_chunk(&record, dev.actor());
            let doc = doc_name::timeclock(crate::clock::today(), &dev.settings.borrow().device);
            dev.submit(&doc, chunk);
            let now = crate::clock::now();
            let _ = done.try_set(Some((kind, frontdesk_core::site::format_time(now.hour() * 60 + now.minute()))));
            set_timeout(
                move || {
                    let _ = on_done.try_run(());
                },
                std::time::Duration::from_secs(4),
            );
        });
    };
    view! {
        <div class="time-clock">
            {move || match done.get() {
                Some((kind, at)) => view! {
                    <p class="time-clock__done" role="status">
                        {move || t(if kind == PunchKind::In { DeviceMsg::ClockedIn } else { DeviceMsg::ClockedOut })}" "<strong>{at.clone()}</strong>
                    </p>
                }.into_any(),
                None => view! {
                    <form class="time-clock__form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); punch(PunchKind::In) } novalidate>
                        <label class="field">
                            <span class="field__label">{move || t(DeviceMsg::YourPin)}</span>
                            <input class="field__input time-clock__pin" type="password" inputmode="numeric" autocomplete="off" maxlength="8"
                                placeholder=move || t(DeviceMsg::PinHint) prop:value=pin on:input=move |ev| pin.set(event_target_value(&ev))/>
                        </label>
                        <p class="field-error" role="alert">{move || (!checking.get()).then(|| error.get()).flatten()}</p>
                        <p class="time-clock__checking" role="status">{move || checking.get().then(|| t(DeviceMsg::CheckingPin))}</p>
                        <div class="time-clock__actions">
                            <button class="button button--primary button--large" type="button" disabled=move || checking.get() on:click=move |_| punch(PunchKind::In)>{move || t(DeviceMsg::ClockIn)}</button>
                            <button class="button button--large" type="button" disabled=move || checking.get() on:click=move |_| punch(PunchKind::Out)>{move || t(DeviceMsg::ClockOut)}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </div>
    }
}
