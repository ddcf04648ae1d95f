//! The sync status every screen shows: online, offline, or changes waiting to be sent; and the
//! banner that says, in words, why the relay refused this device or one of its changes.

use frontdesk_core::{Connection, Problem, Refusal, SyncStatus};
use frontdesk_protocol::ErrorCode;
use leptos::prelude::*;

use crate::i18n::{DeviceMsg, Lang, tr};

/// What a problem means to the person holding the device.
fn problem_text(problem: &Problem) -> DeviceMsg {
    match problem {
        Problem::Refused { code: ErrorCode::QuotaExceeded, .. } => DeviceMsg::RefusedQuota,
        Problem::Refused { code: ErrorCode::Forbidden | ErrorCode::BadRetention, .. } => DeviceMsg::RefusedForbidden,
        Problem::Refused { code: ErrorCode::DocTooLarge, .. } => DeviceMsg::RefusedTooLarge,
        Problem::Refused { code: ErrorCode::BadDocName, .. } => DeviceMsg::RefusedBadName,
        // A stale epoch is as passing: the device reconnects and seals the change again (a
        // re-based document, too: the change is made again on it; neither is kept as a problem).
        Problem::Refused {
            code:
                ErrorCode::RateLimited
                | ErrorCode::StorageFailed
                | ErrorCode::StaleEpoch
                | ErrorCode::BadSignature
                | ErrorCode::Rebased
                | ErrorCode::Moved
                | ErrorCode::Expired,
            ..
        } => DeviceMsg::RelayBusy,
        Problem::BadFrame(_) => DeviceMsg::RelayGarbled,
    }
}

/// Why the relay refused the device, in words: the headline and what to do.
fn refusal_text(why: Refusal) -> DeviceMsg {
    match why {
        Refusal::NotEnrolled => DeviceMsg::NotEnrolledHint,
        // Shown only for a moment: the device wipes itself and shows the pairing screen.
        Refusal::Revoked => DeviceMsg::RevokedNotice,
        Refusal::OtherVersion => DeviceMsg::OtherVersion,
    }
}

#[component]
pub fn SyncBadge(status: RwSignal<SyncStatus>, lang: Signal<Lang>) -> impl IntoView {
    let state = move || {
        let status = status.get();
        match status.connection {
            Connection::Refused { .. } => "refused",
            _ if status.problem.as_ref().is_some_and(Problem::holds_changes) => "held",
            Connection::Online { .. } => "online",
            Connection::Connecting => "connecting",
            Connection::Offline { .. } => "offline",
        }
    };
    let label = move || {
        let lang = lang.get();
        let status = status.get();
        let mut text = match status.connection {
            Connection::Online { .. } => DeviceMsg::Online.text(lang).to_owned(),
            Connection::Connecting => DeviceMsg::Connecting.text(lang).to_owned(),
            Connection::Offline { .. } => DeviceMsg::Offline.text(lang).to_owned(),
            Connection::Refused { .. } => DeviceMsg::DeviceRefused.text(lang).to_owned(),
        };
        if status.problem.as_ref().is_some_and(Problem::holds_changes) {
            text.push_str(&format!(" · {}", DeviceMsg::ChangeRefused.text(lang)));
        }
        if status.pending > 0 {
            text.push_str(&format!(" · {}", tr!(lang, kiosk.changes_waiting, count = status.pending)));
        }
        text
    };
    let title = move || {
        let lang = lang.get();
        let status = status.get();
        match (&status.connection, &status.problem) {
            (Connection::Refused { why, .. }, _) => refusal_text(*why).text(lang).to_owned(),
            (_, Some(problem)) => problem_text(problem).text(lang).to_owned(),
            _ if status.pending == 0 => DeviceMsg::AllSaved.text(lang).to_owned(),
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

/// Says that this tablet waits for the business's keys (issue 19): the relay says its documents
/// are sealed and none has reached it yet, so its changes wait in its outbox.
#[component]
pub fn KeysBanner(waiting: Signal<bool>, lang: RwSignal<Lang>) -> impl IntoView {
    move || {
        waiting.get().then(|| {
            view! { <div class="banner banner--notice" role="status">{DeviceMsg::WaitingForKeys.text(lang.get())}</div> }
        })
    }
}

/// Says in words, where a tablet shows no tooltip, when the relay refused this device or holds
/// one of its changes back: what happened, that nothing saved here is lost, and whom to ask.
#[component]
pub fn RelayBanner(status: RwSignal<SyncStatus>, lang: RwSignal<Lang>) -> impl IntoView {
    move || {
        let lang = lang.get();
        let status = status.get();
        let message = match (&status.connection, &status.problem) {
            (Connection::Refused { why, .. }, _) => {
                format!("{}. {}", DeviceMsg::DeviceRefused.text(lang), refusal_text(*why).text(lang))
            }
            (_, Some(problem)) if problem.holds_changes() => problem_text(problem).text(lang).to_owned(),
            _ => return None,
        };
        Some(view! { <div class="banner banner--error" role="alert">{message}</div> })
    }
}
