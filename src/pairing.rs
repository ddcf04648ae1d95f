//! Pairing this browser with the relay: what a code would join, and joining with it.
//!
//! The browser makes its own key pair (`device_key`), sends only the public half with the code,
//! and keeps the private half — which it cannot export — in the database of the face of the
//! app the code's role shows (a kiosk code typed on the desk's page pairs the kiosk). Whatever
//! that face held before is wiped first: a new device starts with nothing of an old one.

use frontdesk_protocol::{ClientMsg, PROTOCOL_VERSION, PairRefusal, PairReply, Role};

use crate::device_key::DeviceKey;
use crate::i18n::Lang;
use crate::key_handover::{KeyJob, KeyOutcome};
use crate::settings::{DeviceSettings, Mode};
use crate::storage::Store;

/// Why pairing did not happen, as the form says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PairError {
    /// Not eight characters of the code alphabet (not sent).
    BadFormat,
    /// The relay did not accept the code.
    Refused(PairRefusal),
    /// The relay could not be reached or did not answer.
    Unreachable,
    /// The browser could not make or keep a key (its words).
    NoKey(String),
    /// The key or the settings could not be stored (the browser's words).
    Storage(String),
}

/// What a code would join.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub business: String,
    pub role: Role,
    pub name: String,
}

/// A device just paired.
#[derive(Clone)]
pub struct Paired {
    pub mode: Mode,
    pub settings: DeviceSettings,
    pub key: DeviceKey,
}

/// Reads a typed code (alone, or followed by the pairing secret the manager's screen shows);
/// the error says what a code looks like. Only the code goes to the relay.
pub fn read_code(typed: &str) -> Result<String, PairError> {
    frontdesk_core::keys::split_pairing(typed).map(|(code, _)| code).ok_or(PairError::BadFormat)
}

/// What `code` would pair, without using it.
pub async fn preview(code: &str) -> Result<Offer, PairError> {
    let code = read_code(code)?;
    let msg = ClientMsg::PairPreview { code, protocol: PROTOCOL_VERSION };
    match crate::relay_socket::ask(&DeviceSettings::sync_url(), msg).await {
        Some(PairReply::Offer { business, role, name, .. }) => Ok(Offer { business, role, name }),
        Some(PairReply::Refused { why }) => Err(PairError::Refused(why)),
        _ => Err(PairError::Unreachable),
    }
}

/// Whether `mode` has a device paired in this browser (settings and a key).
pub async fn is_paired(mode: Mode) -> bool {
    if DeviceSettings::load(mode).is_none() {
        return false;
    }
    match Store::open(mode.database()).await {
        Ok(store) => store.load_key().await.ok().flatten().is_some(),
        Err(_) => false,
    }
}

/// Pairs this browser with `code`: a new key, the code used up, then the key and the settings
/// kept for the role's face of the app, in `lang`.
pub async fn pair(typed: &str, lang: Lang) -> Result<Paired, PairError> {
    let (code, secret) = frontdesk_core::keys::split_pairing(typed).ok_or(PairError::BadFormat)?;
    let key = DeviceKey::generate().await.map_err(|err| PairError::NoKey(err.to_string()))?;
    // The key agreement key envelopes of the business's keys are sealed to (#19), and the auth
    // secret they are made with: from the pairing secret when the link or the typed code carried
    // one (then the proof lets the manager's device check this key is the one sent), otherwise
    // drawn here.
    let job = KeyJob::Pair { code: code.clone(), secret };
    let (agreement_key, key_proof, agreement) = match crate::key_handover::key_job(job).await {
        KeyOutcome::Paired { agreement_key, key_proof, record } => (agreement_key, key_proof, record),
        KeyOutcome::Failed(why) => return Err(PairError::NoKey(why)),
        _ => return Err(PairError::NoKey("no key agreement key".into())),
    };
    let msg =
        ClientMsg::Pair { code, public_key: key.public.clone(), agreement_key, key_proof, protocol: PROTOCOL_VERSION };
    let (device, name, role) = match crate::relay_socket::ask(&DeviceSettings::sync_url(), msg).await {
        Some(PairReply::Paired { device, name, role, .. }) => (device, name, role),
        Some(PairReply::Refused { why }) => return Err(PairError::Refused(why)),
        _ => return Err(PairError::Unreachable),
    };
    let mode = Mode::for_role(role);
    // Nothing of what this face held before is kept under the new device.
    crate::components::device_gate::wipe(mode).await.map_err(|err| PairError::Storage(err.to_string()))?;
    let store = Store::open(mode.database()).await.map_err(|err| PairError::Storage(err.to_string()))?;
    store.save_key(&key).await.map_err(|err| PairError::Storage(err.to_string()))?;
    store
        .save_keys_record(crate::key_handover::AGREEMENT, &agreement)
        .await
        .map_err(|err| PairError::Storage(err.to_string()))?;
    drop(store);
    let old = DeviceSettings::load(mode).unwrap_or_default();
    let settings = DeviceSettings {
        device,
        name,
        role: role.as_str().to_owned(),
        lang,
        storage_notice_seen: old.storage_notice_seen,
        ..DeviceSettings::default()
    };
    settings.save(mode);
    Ok(Paired { mode, settings, key })
}
