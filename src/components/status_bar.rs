//! The end of every device's top bar: sync status and the language switch, and the banner that
//! says when this device could not save.

use frontdesk_core::SyncStatus;
use leptos::prelude::*;

use crate::components::sync_badge::SyncBadge;
use crate::i18n::{DeviceMsg, Lang};
use crate::storage::StorageError;

#[component]
pub fn StatusBar(
    status: RwSignal<SyncStatus>,
    lang: RwSignal<Lang>,
    /// Called when the language is switched (the kiosk counts it as activity).
    #[prop(optional)]
    on_switch: Option<Callback<()>>,
) -> impl IntoView {
    let lang_signal = Signal::derive(move || lang.get());
    view! {
        <div class="status-bar">
            <SyncBadge status lang=lang_signal/>
            <button class="button button--lang" lang=move || lang.get().other().code() on:click=move |_| {
                if let Some(on_switch) = on_switch {
                    on_switch.run(());
                }
                lang.update(|l| *l = l.other());
            }>
                {move || lang.get().other().native_name()}
            </button>
        </div>
    }
}

/// Tells a tablet's user, once, that the browser did not agree to keep this device's data (it
/// may clear it under storage pressure); dismissed for good on this device.
#[component]
pub fn PersistenceNotice(
    persistent: RwSignal<Option<bool>>,
    lang: RwSignal<Lang>,
    seen: bool,
    on_seen: Callback<()>,
) -> impl IntoView {
    let dismissed = RwSignal::new(seen);
    move || {
        (persistent.get() == Some(false) && !dismissed.get()).then(|| {
            view! {
                <div class="banner banner--notice" role="status">
                    <span>{DeviceMsg::StorageMayBeCleared.text(lang.get())}</span>
                    <button class="button button--ghost" on:click=move |_| {
                        dismissed.set(true);
                        on_seen.run(());
                    }>
                        <span>{DeviceMsg::GotIt.text(lang.get())}</span>
                    </button>
                </div>
            }
        })
    }
}

#[component]
pub fn StorageBanner(problem: RwSignal<Option<StorageError>>, lang: RwSignal<Lang>) -> impl IntoView {
    move || {
        problem.get().map(|err| {
            let message = match err {
                StorageError::Full => DeviceMsg::StorageFull.text(lang.get()).to_owned(),
                StorageError::NotKept => DeviceMsg::StorageFullNotKept.text(lang.get()).to_owned(),
                other => format!("{}: {other}", DeviceMsg::StorageFailed.text(lang.get())),
            };
            view! { <div class="banner banner--error" role="alert">{message}</div> }
        })
    }
}
