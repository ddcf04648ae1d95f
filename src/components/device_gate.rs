//! Starts a page's device: reads its setup link or settings, opens storage, begins syncing.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::icons::{Icon, IconSvg};
use crate::device::Device;
use crate::i18n::{DeviceMsg, Lang, tr};
use crate::settings::{DeviceSettings, Mode, SetupLink, Start};
use crate::storage::{StorageError, Store};
use frontdesk_protocol::ChunkId;

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

/// The question a setup link for another token asks, and what answering does. (The screen that
/// asks is a lazy part on the desk, and so is what only it does: counting and wiping.)
#[derive(Clone)]
pub struct ReplaceChoice {
    pub mode: Mode,
    /// The settings the device has (its name may be empty if the relay never told it).
    pub current: DeviceSettings,
    /// The link, kept only here, in memory, until the person answers.
    pub link: SetupLink,
    /// Starts the device with these settings.
    pub start: Rc<dyn Fn(DeviceSettings)>,
    /// Shows that the device cannot start (the wipe failed), with the browser's words.
    pub fail: Rc<dyn Fn(String)>,
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
        let detail = DeviceMsg::NoRandomLead.text(lang).to_owned();
        gate.set(Gate::Failed { title: DeviceMsg::NoRandomTitle.text(lang), detail });
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
                    gate.set(Gate::Failed { title: DeviceMsg::StorageFailed.text(Lang::En), detail: err.to_string() })
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
            let fail = Rc::new(move |detail: String| {
                gate.set(Gate::Failed { title: DeviceMsg::StorageFailed.text(Lang::En), detail })
            });
            let start = Rc::new(move |settings| {
                gate.set(Gate::Loading);
                start(settings);
            });
            gate.set(Gate::Replace(ReplaceChoice { mode, current, link, start, fail }));
        }
    }
    on_cleanup(move || {
        if let Some(Gate::Ready(device)) = gate.try_get_untracked() {
            device.with_value(|d| d.stop());
        }
    });
    gate
}

/// Removes everything this device holds for `mode`: its documents and outbox (the database)
/// and the chunks written ahead.
pub async fn wipe(mode: Mode) -> Result<(), StorageError> {
    for entry in crate::spill::all(mode) {
        crate::spill::remove(mode, &entry.id);
    }
    Store::destroy(mode.database()).await
}

/// How many changes made here the relay has not acknowledged: the outbox and the chunks
/// written ahead, counted once.
pub async fn unsent(mode: Mode) -> usize {
    let mut ids: Vec<ChunkId> = crate::spill::all(mode).into_iter().map(|e| e.id).collect();
    if let Ok(store) = Store::open(mode.database()).await {
        ids.extend(store.load_outbox().await.unwrap_or_default().into_iter().map(|e| e.id));
    }
    ids.sort();
    ids.dedup();
    ids.len()
}

/// Asks whether a setup link for another device replaces this one's setup, in the device's
/// language. "Keep this device" comes first, is the primary button and has the focus: a link
/// someone else sent should not win by a tap.
#[component]
pub fn ReplaceDevice(choice: ReplaceChoice) -> impl IntoView {
    let ReplaceChoice { mode, current, link, start, fail } = choice;
    let lang = current.lang;
    let question = if current.name.is_empty() {
        DeviceMsg::ReplaceUnnamed.text(lang).to_owned()
    } else {
        tr!(lang, kiosk.replace_named, name = current.name.clone())
    };
    let waiting = RwSignal::new(0usize);
    spawn_local(async move { waiting.set(unsent(mode).await) });
    // Answered once: the link goes with the first answer.
    let pending = Rc::new(Cell::new(Some((current, link))));
    let keep = {
        let (pending, start) = (pending.clone(), start.clone());
        move |_| {
            if let Some((current, _)) = pending.take() {
                start(current);
            }
        }
    };
    let replace = move |_| {
        let Some((current, link)) = pending.take() else { return };
        let (start, fail) = (start.clone(), fail.clone());
        spawn_local(async move {
            // What the old setup could read must not stay readable under the new one, nor its
            // unsent changes go out under the new device's name.
            match wipe(mode).await {
                Ok(()) => {
                    let settings = Start::replace(current, link);
                    settings.save(mode);
                    start(settings);
                }
                Err(err) => fail(err.to_string()),
            }
        });
    };
    view! {
        <main class="setup">
            <section class="setup__card replace" role="alertdialog" aria-labelledby="replace-title" aria-describedby="replace-question">
                <span class="replace__icon"><IconSvg icon=Icon::Alert size=32/></span>
                <h1 id="replace-title">{DeviceMsg::ReplaceTitle.text(lang)}</h1>
                <p id="replace-question" class="replace__question">{question}</p>
                <p class="setup__lead">{DeviceMsg::ReplaceHint.text(lang)}</p>
                <p class="setup__lead">{DeviceMsg::ReplaceWipes.text(lang)}</p>
                {move || (waiting.get() > 0).then(|| view! {
                    <p class="replace__unsent" role="alert">{tr!(lang, kiosk.replace_unsent, count = waiting.get())}</p>
                })}
                <div class="replace__actions">
                    <button class="button button--primary button--large" type="button" autofocus
                        on:click=keep>{DeviceMsg::KeepDevice.text(lang)}</button>
                    <button class="button button--ghost button--large replace__replace" type="button"
                        on:click=replace>{DeviceMsg::Replace.text(lang)}</button>
                </div>
            </section>
        </main>
    }
}

/// Shown while storage opens.
#[component]
pub fn Splash(lang: Lang) -> impl IntoView {
    view! { <div class="splash"><div class="splash__spinner" aria-hidden="true"></div><p>{DeviceMsg::Loading.text(lang)}</p></div> }
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
                <h1>{DeviceMsg::SetupTitle.text(lang)}</h1>
                <p class="setup__lead">{DeviceMsg::SetupLead.text(lang)}</p>
                <label class="field">
                    <span class="field__label">{DeviceMsg::SetupToken.text(lang)}</span>
                    <input class="field__input" type="text" autocomplete="off" spellcheck="false"
                        prop:value=token on:input=move |ev| token.set(event_target_value(&ev)) />
                </label>
                {(mode == Mode::Kiosk).then(|| view! {
                    <label class="field">
                        <span class="field__label">{DeviceMsg::SetupDeviceId.text(lang)}</span>
                        <input class="field__input" type="text" autocomplete="off" spellcheck="false"
                            prop:value=device on:input=move |ev| device.set(event_target_value(&ev)) />
                    </label>
                })}
                <button class="button button--primary button--large" type="submit">{DeviceMsg::SetupSave.text(lang)}</button>
            </form>
        </main>
    }
}
