//! The sync status every screen shows: online, offline, or changes waiting to be sent.

use frontdesk_core::{Connection, SyncStatus};
use leptos::prelude::*;

use crate::i18n::{KioskMsg, Lang, tr};

#[component]
pub fn SyncBadge(status: RwSignal<SyncStatus>, lang: Signal<Lang>) -> impl IntoView {
    let state = move || match status.get().connection {
        Connection::Online { .. } => "online",
        Connection::Connecting => "connecting",
        Connection::Offline { .. } => "offline",
        Connection::Refused { .. } => "refused",
    };
    let label = move || {
        let lang = lang.get();
        let status = status.get();
        let mut text = match status.connection {
            Connection::Online { .. } => KioskMsg::Online.text(lang).to_owned(),
            Connection::Connecting => KioskMsg::Connecting.text(lang).to_owned(),
            Connection::Offline { .. } => KioskMsg::Offline.text(lang).to_owned(),
            Connection::Refused { .. } => KioskMsg::DeviceRefused.text(lang).to_owned(),
        };
        if status.pending > 0 {
            text.push_str(&format!(" · {}", tr!(lang, kiosk.changes_waiting, count = status.pending)));
        }
        text
    };
    let title = move || {
        let status = status.get();
        match (&status.connection, status.last_error) {
            (Connection::Refused { reason }, _) => reason.clone(),
            (_, Some(err)) => err,
            _ if status.pending == 0 => KioskMsg::AllSaved.text(lang.get()).to_owned(),
            _ => String::new(),
        }
    };
    view! {
        <div class="sync-badge" data-state=state role="status" aria-live="polite" title=title>
            <span class="sync-badge__dot" aria-hidden="true"></span>
            <span class="sync-badge__label">{label}</span>
        </div>
    }
}
