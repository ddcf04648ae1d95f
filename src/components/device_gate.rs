//! Starts a page's device: reads its setup link or settings, opens storage, begins syncing.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::icons::{Icon, IconSvg};
use crate::device::Device;
use crate::i18n::{KioskMsg, Lang, tr};
use crate::settings::{DeviceSettings, Mode, SetupLink, Start};

pub type DeviceRef = StoredValue<Rc<Device>, LocalStorage>;

/// Where a page's device stands.
#[derive(Clone)]
pub enum Gate {
    Loading,
    /// No token yet: show the setup form.
    Setup,
    /// A setup link for another device arrived while this one is set up: ask first.
    Replace(ReplaceChoice),
    Ready(DeviceRef),
    /// The device cannot start: storage cannot be opened, or the browser's cryptographic random
    /// source does not work.
    Failed {
        title: &'static str,
        detail: String,
    },
}

/// The question a setup link for another token asks, and what answering does.
#[derive(Clone)]
pub struct ReplaceChoice {
    /// The name the device is set up as (empty if the relay never told it).
    pub current: String,
    pub lang: Lang,
    /// `true`: save the link's settings and start with them; `false`: start as before.
    pub choose: Rc<dyn Fn(bool)>,
}

/// Starts the device for `mode`, following `docs` and the documents under `watches`; once it is
/// ready (and its first screen can show), it follows `later` too, one document at a time, so a
/// year of clients or claims does not hold up today's board.
///
/// A setup link in the address is read and removed from it first. If it is for another token
/// than the one the device has, nothing is saved until the person answers [`Gate::Replace`].
pub fn use_device(
    mode: Mode,
    docs: Vec<String>,
    watches: Vec<String>,
    later: Vec<String>,
) -> RwSignal<Gate, LocalStorage> {
    let gate = RwSignal::new_local(Gate::Loading);
    let link = SetupLink::take();
    let stored = DeviceSettings::load(mode);
    if !crate::platform::random_source_works() {
        let lang = stored.map(|s| s.lang).unwrap_or_default();
        let detail = KioskMsg::NoRandomLead.text(lang).to_owned();
        gate.set(Gate::Failed { title: KioskMsg::NoRandomTitle.text(lang), detail });
        return gate;
    }
    let start = move |settings: DeviceSettings| {
        let (docs, watches, later) = (docs.clone(), watches.clone(), later.clone());
        spawn_local(async move {
            match Device::start(mode, settings, docs, watches).await {
                Ok(device) => {
                    gate.set(Gate::Ready(StoredValue::new_local(device.clone())));
                    for name in later {
                        // Each load awaits storage, so the page stays responsive in between.
                        device.follow(vec![name]).await;
                    }
                }
                Err(err) => {
                    gate.set(Gate::Failed { title: KioskMsg::StorageFailed.text(Lang::En), detail: err.to_string() })
                }
            }
        });
    };
    match Start::decide(link, stored) {
        Start::Setup => gate.set(Gate::Setup),
        Start::Run { settings, save } => {
            if save {
                settings.save(mode);
            }
            start(settings);
        }
        Start::Ask { current, link } => {
            let (name, lang) = (current.name.clone(), current.lang);
            // The link is kept here only, in memory, until the person answers.
            let pending = Cell::new(Some((current, link)));
            let choose = Rc::new(move |replace: bool| {
                let Some((current, link)) = pending.take() else { return };
                gate.set(Gate::Loading);
                let settings = if replace {
                    let settings = Start::replace(current, link);
                    settings.save(mode);
                    settings
                } else {
                    current
                };
                start(settings);
            });
            gate.set(Gate::Replace(ReplaceChoice { current: name, lang, choose }));
        }
    }
    on_cleanup(move || {
        if let Some(Gate::Ready(device)) = gate.try_get_untracked() {
            device.with_value(|d| d.stop());
        }
    });
    gate
}

/// Asks whether a setup link for another device replaces this one's setup, in the device's
/// language. "Keep this device" comes first, is the primary button and has the focus: a link
/// someone else sent should not win by a tap.
#[component]
pub fn ReplaceDevice(choice: ReplaceChoice) -> impl IntoView {
    let ReplaceChoice { current, lang, choose } = choice;
    let question = if current.is_empty() {
        KioskMsg::ReplaceUnnamed.text(lang).to_owned()
    } else {
        tr!(lang, kiosk.replace_named, name = current)
    };
    view! {
        <main class="setup">
            <section class="setup__card replace" role="alertdialog" aria-labelledby="replace-title" aria-describedby="replace-question">
                <span class="replace__icon"><IconSvg icon=Icon::Alert size=32/></span>
                <h1 id="replace-title">{KioskMsg::ReplaceTitle.text(lang)}</h1>
                <p id="replace-question" class="replace__question">{question}</p>
                <p class="setup__lead">{KioskMsg::ReplaceHint.text(lang)}</p>
                <div class="replace__actions">
                    <button class="button button--primary button--large" type="button" autofocus
                        on:click={
                            let choose = choose.clone();
                            move |_| choose(false)
                        }>{KioskMsg::KeepDevice.text(lang)}</button>
                    <button class="button button--ghost button--large replace__replace" type="button"
                        on:click=move |_| choose(true)>{KioskMsg::Replace.text(lang)}</button>
                </div>
            </section>
        </main>
    }
}

/// Shown while storage opens.
#[component]
pub fn Splash(lang: Lang) -> impl IntoView {
    view! { <div class="splash"><div class="splash__spinner" aria-hidden="true"></div><p>{KioskMsg::Loading.text(lang)}</p></div> }
}

/// Shown when the device cannot start (storage cannot be opened, no cryptographic random source).
#[component]
pub fn StartFailure(title: &'static str, detail: String) -> impl IntoView {
    view! {
        <div class="splash splash--error" role="alert">
            <h1>{title}</h1>
            <p>{detail}</p>
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
