//! The time clock: a member of staff types their PIN and taps Clock in or Clock out, at the
//! kiosk or at a desk. The device checks the PIN against the hashes in the `kiosk` document
//! (offline too), writes the punch into its own time-clock document (which only the manager
//! reads), and forgets the PIN.

use chrono::Timelike;
use frontdesk_core::doc_name;
use frontdesk_core::payroll::{self, Punch, PunchKind};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::people::pin_error_text;
use crate::i18n::{DeviceMsg, Lang};
use crate::platform::{now_ms, random_bytes};

#[component]
pub fn TimeClock(device: DeviceRef, lang: RwSignal<Lang>, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let t = move |msg: DeviceMsg| msg.text(lang.get());
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<(PunchKind, String)>);
    let punch = move |kind: PunchKind| {
        let typed = pin.get_untracked();
        // The PIN leaves the screen whatever happens next.
        pin.set(String::new());
        let known = device.with_value(|d| d.read(doc_name::KIOSK, |k| payroll::recognise(k, &typed)));
        let hash = match known.unwrap_or(Err(payroll::PinError::Unknown)) {
            Ok(hash) => hash,
            Err(e) => {
                error.set(Some(pin_error_text(&e, lang.get_untracked()).to_owned()));
                return;
            }
        };
        error.set(None);
        let at_ms = now_ms();
        let record =
            Punch { id: frontdesk_core::RecordId::from_random(random_bytes()).to_string(), kind, pin: hash, at_ms };
        let chunk = payroll::punch_chunk(&record, random_bytes());
        let (doc, dev) =
            device.with_value(|d| (doc_name::timeclock(crate::clock::today(), &d.settings.borrow().device), d.clone()));
        dev.submit(&doc, chunk);
        done.set(Some((kind, {
            let now = crate::clock::now();
            frontdesk_core::site::format_time(now.hour() * 60 + now.minute())
        })));
        set_timeout(
            move || {
                let _ = on_done.try_run(());
            },
            std::time::Duration::from_secs(4),
        );
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
                        <p class="field-error" role="alert">{move || error.get()}</p>
                        <div class="time-clock__actions">
                            <button class="button button--primary button--large" type="button" on:click=move |_| punch(PunchKind::In)>{move || t(DeviceMsg::ClockIn)}</button>
                            <button class="button button--large" type="button" on:click=move |_| punch(PunchKind::Out)>{move || t(DeviceMsg::ClockOut)}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </div>
    }
}
