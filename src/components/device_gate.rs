//! Starts a page's device: reads its setup link or settings, opens storage, begins syncing.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device::Device;
use crate::i18n::{KioskMsg, Lang};
use crate::settings::{DeviceSettings, Mode};

pub type DeviceRef = StoredValue<Rc<Device>, LocalStorage>;

/// Where a page's device stands.
#[derive(Clone)]
pub enum Gate {
    Loading,
    /// No token yet: show the setup form.
    Setup,
    Ready(DeviceRef),
    Failed(String),
}

/// Starts the device for `mode`, following `docs` and the documents under `watches`; once it is
/// ready (and its first screen can show), it follows `later` too, one document at a time, so a
/// year of clients or claims does not hold up today's board.
pub fn use_device(
    mode: Mode,
    docs: Vec<String>,
    watches: Vec<String>,
    later: Vec<String>,
) -> RwSignal<Gate, LocalStorage> {
    let gate = RwSignal::new_local(Gate::Loading);
    let Some(settings) = DeviceSettings::from_setup_link(mode).or_else(|| DeviceSettings::load(mode)) else {
        gate.set(Gate::Setup);
        return gate;
    };
    spawn_local(async move {
        match Device::start(mode, settings, docs, watches).await {
            Ok(device) => {
                gate.set(Gate::Ready(StoredValue::new_local(device.clone())));
                for name in later {
                    // Each load awaits storage, so the page stays responsive in between.
                    device.follow(vec![name]).await;
                }
            }
            Err(err) => gate.set(Gate::Failed(err.to_string())),
        }
    });
    on_cleanup(move || {
        if let Some(Gate::Ready(device)) = gate.try_get_untracked() {
            device.with_value(|d| d.stop());
        }
    });
    gate
}

/// Shown while storage opens.
#[component]
pub fn Splash(lang: Lang) -> impl IntoView {
    view! { <div class="splash"><div class="splash__spinner" aria-hidden="true"></div><p>{KioskMsg::Loading.text(lang)}</p></div> }
}

/// Shown when storage cannot be opened at all.
#[component]
pub fn StorageFailure(lang: Lang, error: String) -> impl IntoView {
    view! {
        <div class="splash splash--error" role="alert">
            <h1>{KioskMsg::StorageFailed.text(lang)}</h1>
            <p>{error}</p>
        </div>
    }
}

/// Asks for a device token when the device was opened without its setup link.
#[component]
pub fn SetupForm(mode: Mode) -> impl IntoView {
    let lang = Lang::default();
    let token = RwSignal::new(String::new());
    let device = RwSignal::new(String::new());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = token.get_untracked().trim().to_owned();
        if token.is_empty() {
            return;
        }
        DeviceSettings { token, device: device.get_untracked().trim().to_owned(), ..DeviceSettings::default() }
            .save(mode);
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <main class="setup">
            <form class="setup__card" on:submit=save>
                <h1>{KioskMsg::SetupTitle.text(lang)}</h1>
                <p class="setup__lead">{KioskMsg::SetupLead.text(lang)}</p>
                <label class="field">
                    <span class="field__label">{KioskMsg::SetupToken.text(lang)}</span>
                    <input class="field__input" type="text" autocomplete="off" spellcheck="false"
                        prop:value=token on:input=move |ev| token.set(event_target_value(&ev)) />
                </label>
                {(mode == Mode::Kiosk).then(|| view! {
                    <label class="field">
                        <span class="field__label">{KioskMsg::SetupDeviceId.text(lang)}</span>
                        <input class="field__input" type="text" autocomplete="off" spellcheck="false"
                            prop:value=device on:input=move |ev| device.set(event_target_value(&ev)) />
                    </label>
                })}
                <button class="button button--primary button--large" type="submit">{KioskMsg::SetupSave.text(lang)}</button>
            </form>
        </main>
    }
}
