//! Handing the business's keys over in the browser (#19; `frontdesk_core::keys` decides, this
//! runs it in WebCrypto and IndexedDB):
//!
//! - **Set-up**: the first manager asks the relay for the business's first epochs and makes
//!   every scope's keys, extractable (only managers seal keys to other devices).
//! - **Vouching**: when a device pairs with a code this manager made, its proof is checked
//!   against the pairing secret kept beside the code (`pending/<code>`); the device's agreement
//!   key and auth secret are then kept (`vouched/<device>`): the manager seals keys to it now,
//!   and again at set-up if the business did not seal yet.
//! - **Hand-over**: each vouched device gets envelopes of the keys its role holds, written to
//!   `envelopes/<device>` as one standalone change.
//! - **Installing**: every device opens what its own `envelopes/<device>` holds with its agreement
//!   key and auth secret (record `agreement`, made at pairing) and keeps the keys.
//!
//! - **The recovery kit**: a manager's tablet draws it, shows it once, and hands it every key as
//!   to a manager's device called `recovery` (`envelopes/recovery`, read by managers only); a
//!   new manager's tablet given the kit opens them (`frontdesk_core::keys`, "The recovery kit").
//!
//! What is kept where: the pairing secret and the auth secrets live in this browser's `keys`
//! store only, never on the relay; the keys are `CryptoKey`s (the record `held`).

use std::rc::Rc;

use frontdesk_core::crypto::{CryptoError, KeyRef, Part};
use frontdesk_core::doc_name;
use frontdesk_core::keys::{self, Vouched};
use frontdesk_protocol::{DeviceInfo, Role};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::CryptoKey;

use crate::device::Device;
use crate::webcrypto::{self, Held};

/// The record of this device's key agreement key and auth secret.
pub const AGREEMENT: &str = "agreement";
const PENDING: &str = "pending/";
/// Where this tablet keeps the devices it vouched for while it does not hold the managers' key.
const VOUCHED: &str = "vouched/";

fn set(obj: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &name.into(), value);
}

fn get(value: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(value, &name.into()).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

fn bytes(value: &JsValue, name: &str) -> Option<Vec<u8>> {
    get(value, name).map(|v| Uint8Array::new(&v).to_vec())
}

fn text(value: &JsValue, name: &str) -> Option<String> {
    get(value, name)?.as_string()
}

/// The `agreement` record: this device's X25519 key (not extractable), its public bytes, and
/// its auth secret.
fn stored_agreement(key: &CryptoKey, public: &[u8; 32], auth: &[u8]) -> JsValue {
    let obj = Object::new();
    set(&obj, "key", key);
    set(&obj, "public", &Uint8Array::from(&public[..]));
    set(&obj, "auth", &Uint8Array::from(auth));
    obj.into()
}

/// A pairing this manager's device made: the code, the secret that went only into its link,
/// the role, and until when the code works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub code: String,
    pub secret: String,
    pub role: Role,
    pub expires_at_ms: i64,
}

/// Keeps what a pairing's secret vouches with, beside its code: the auth secret derived from it
/// (the manager's device checks the new device's proof with it).
async fn keep_pending(device: &Device, pending: &Pending) -> Result<(), String> {
    // The auth secret is derived once, here; the pairing secret itself is not kept.
    let auth = webcrypto::run(keys::auth_op(&pending.code, &pending.secret), webcrypto::With::Nothing)
        .await
        .map_err(|e| e.to_string())?;
    let obj = Object::new();
    set(&obj, "code", &pending.code.as_str().into());
    set(&obj, "auth", &Uint8Array::from(auth.as_slice()));
    set(&obj, "role", &pending.role.as_str().into());
    set(&obj, "expires", &(pending.expires_at_ms as f64).into());
    let name = format!("{PENDING}{}", pending.code);
    device.store.save_keys_record(&name, &obj.into()).await.map_err(|e| e.to_string())
}

/// The pairings still waiting for their device; those whose code expired are forgotten (a device
/// pairs while its code works, and its proof reaches this tablet within seconds).
async fn pendings(device: &Device) -> Vec<Waiting> {
    let records = device.store.load_keys_under(PENDING).await.unwrap_or_default();
    let all: Vec<Waiting> = records
        .iter()
        .filter_map(|r| {
            Some(Waiting {
                code: text(r, "code")?,
                auth: bytes(r, "auth")?,
                role: text(r, "role")?.parse().ok()?,
                expires_at_ms: get(r, "expires")?.as_f64()? as i64,
            })
        })
        .collect();
    let now = crate::platform::now_ms();
    let (live, expired): (Vec<Waiting>, Vec<Waiting>) =
        all.into_iter().partition(|p| p.expires_at_ms + PENDING_GRACE_MS > now);
    for pending in expired {
        let _ = device.store.delete_keys_record(&format!("{PENDING}{}", pending.code)).await;
    }
    live
}

/// How long after its code expired a pairing's secret is kept (the device may have paired in its
/// last second while this tablet was offline).
const PENDING_GRACE_MS: i64 = 24 * 3_600_000;

/// A pairing as kept: the code, the auth secret derived from its pairing secret, the role, and
/// until when the code works.
struct Waiting {
    code: String,
    auth: Vec<u8>,
    role: Role,
    expires_at_ms: i64,
}

/// Whether this tablet holds the managers' key: only then does it write the keyring (sealed
/// under that key); until then what it vouches for stays in its own storage, never on the relay
/// in the clear.
fn holds_managers_key(device: &Device) -> bool {
    device.held_keys().iter().any(|k| k.scope == frontdesk_protocol::Scope::Manager)
}

/// Every device a manager's tablet vouched for: the keyring's (managers only, sealed), so any
/// manager's tablet hands keys over, and this tablet's own records — kept before it held the
/// managers' key (a device paired while the business did not seal yet), moved into the keyring
/// once it does.
async fn vouched(device: &Rc<Device>) -> Vec<Vouched> {
    let mut known = device.read_doc(doc_name::KEYRING, keys::read_vouched);
    let sealed = holds_managers_key(device);
    for v in stored_vouched(device).await {
        let listed = known.iter().any(|k| k.id == v.id);
        if sealed && (listed || keep_in_keyring(device, &v).await.is_ok()) {
            let _ = device.store.delete_keys_record(&format!("{VOUCHED}{}", v.id)).await;
        }
        if !listed {
            known.push(v);
        }
    }
    known
}

/// What this tablet keeps in its own storage of the devices it vouched for.
async fn stored_vouched(device: &Device) -> Vec<Vouched> {
    let records = device.store.load_keys_under(VOUCHED).await.unwrap_or_default();
    records
        .iter()
        .filter_map(|r| {
            let sent = get(r, "sent").map(|s| js_sys::Array::from(&s).iter().filter_map(|v| v.as_string()).collect());
            Some(Vouched {
                id: text(r, "id")?,
                role: text(r, "role")?.parse().ok()?,
                agreement: bytes(r, "agreement")?.try_into().ok()?,
                auth: bytes(r, "auth")?,
                sent: sent.unwrap_or_default(),
            })
        })
        .collect()
}

async fn keep_in_keyring(device: &Rc<Device>, v: &Vouched) -> Result<(), String> {
    let v = v.clone();
    device.change(doc_name::KEYRING, move |doc| keys::put_vouched(doc, &v).map_err(|e| e.to_string())).await
}

/// Keeps a vouched device: in the keyring once this tablet holds the managers' key, else in its
/// own storage.
async fn keep_vouched(device: &Rc<Device>, v: &Vouched) -> Result<(), String> {
    if holds_managers_key(device) {
        return keep_in_keyring(device, v).await;
    }
    let obj = Object::new();
    set(&obj, "id", &v.id.as_str().into());
    set(&obj, "role", &v.role.as_str().into());
    set(&obj, "agreement", &Uint8Array::from(&v.agreement[..]));
    set(&obj, "auth", &Uint8Array::from(v.auth.as_slice()));
    let sent: js_sys::Array = v.sent.iter().map(|s| JsValue::from(s.as_str())).collect();
    set(&obj, "sent", &sent);
    device.store.save_keys_record(&format!("{VOUCHED}{}", v.id), &obj.into()).await.map_err(|e| e.to_string())
}

/// Forgets a device: nothing is sealed to it again, from any manager's tablet.
async fn forget_vouched(device: &Rc<Device>, id: &str) -> Result<(), String> {
    device.store.delete_keys_record(&format!("{VOUCHED}{id}")).await.map_err(|e| e.to_string())?;
    if !device.read_doc(doc_name::KEYRING, |doc| keys::read_vouched(doc).iter().any(|v| v.id == id)) {
        return Ok(());
    }
    let id = id.to_owned();
    device.change(doc_name::KEYRING, move |doc| keys::forget_vouched(doc, &id).map_err(|e| e.to_string())).await
}

/// Whether the keyring still holds `v` with the same agreement key (not forgotten, not replaced
/// by a new recovery kit), read now.
fn still_vouched(device: &Device, v: &Vouched) -> bool {
    device.read_doc(doc_name::KEYRING, |doc| {
        keys::read_vouched(doc).iter().any(|known| known.id == v.id && known.agreement == v.agreement)
    })
}

/// Checks the devices the relay listed against this manager's pending pairings: a device whose
/// proof matches one is vouched for (its pairing's entry goes), and then every vouched device is
/// handed the keys it lacks. Returns the names of the devices handed keys now.
async fn vouch_and_hand_over(device: &Rc<Device>, listed: &[DeviceInfo]) -> Vec<String> {
    let mut known = vouched(device).await;
    let this = device.settings.borrow().device.clone();
    if !known.iter().any(|v| v.id == this)
        && let Some(v) = vouch_for_self(device, &this).await
    {
        known.push(v);
    }
    let waiting = pendings(device).await;
    for info in listed.iter().filter(|d| !d.revoked && d.key_proof.len() == 32) {
        if known.iter().any(|v| v.id == info.id) {
            continue;
        }
        let Ok(agreement) = <[u8; 32]>::try_from(info.agreement_key.as_slice()) else { continue };
        for pending in waiting.iter().filter(|p| p.role == info.role) {
            let auth = pending.auth.clone();
            let Ok(expected) = webcrypto::mac(&auth, &keys::proof_data(&agreement)).await else { continue };
            if keys::proof_holds(&expected, &info.key_proof) {
                let v = Vouched { id: info.id.clone(), role: info.role, agreement, auth, sent: Vec::new() };
                if keep_vouched(device, &v).await.is_ok() {
                    let _ = device.store.delete_keys_record(&format!("{PENDING}{}", pending.code)).await;
                    known.push(v);
                }
                break;
            }
        }
    }
    // Only to devices the relay lists and has not revoked: a revoked device is forgotten here
    // for good (it must never be sealed a key again, least of all one renewed because of it).
    let mut handed = Vec::new();
    for mut v in known {
        match keys::handing(&v, &this, listed) {
            keys::Handing::HandOver => {
                if hand_over(device, &mut v).await
                    && let Some(info) = listed.iter().find(|d| d.id == v.id)
                {
                    handed.push(info.name.clone());
                }
            }
            keys::Handing::Forget => {
                let _ = forget_vouched(device, &v.id).await;
            }
            keys::Handing::Refuse => {
                leptos::logging::warn!(
                    "{} is listed with another key or role than it was vouched for: not handed keys",
                    v.id
                );
            }
            keys::Handing::Nothing => {}
        }
    }
    handed
}

/// Puts this manager's tablet in the keyring, once it holds keys (set up the business, or was
/// restored, or paired before the keyring): another manager's tablet then hands it the keys of
/// a rotation. Vouched for by itself, with its own agreement key and auth secret; listed as sent
/// every key it holds.
async fn vouch_for_self(device: &Rc<Device>, this: &str) -> Option<Vouched> {
    let held = device.held_keys();
    if held.is_empty() {
        return None;
    }
    let record = device.store.load_keys_record(AGREEMENT).await.ok()?;
    let agreement: [u8; 32] = bytes(&record, "public")?.try_into().ok()?;
    let auth = bytes(&record, "auth")?;
    let sent = keys::wraps(this, Role::Manager, &agreement, &auth, &held).into_iter().map(|(name, _)| name).collect();
    let v = Vouched { id: this.to_owned(), role: Role::Manager, agreement, auth, sent };
    keep_vouched(device, &v).await.ok()?;
    Some(v)
}

/// Seals the keys `v`'s role holds that it has not been sent, and writes them to its envelopes
/// document; whether anything was sent.
async fn hand_over(device: &Rc<Device>, v: &mut Vouched) -> bool {
    // Forgotten meanwhile (being revoked), or replaced (a new recovery kit): nothing more for it.
    if !still_vouched(device, v) {
        return false;
    }
    let held = device.held_keys();
    let mut envelopes = Vec::new();
    for (name, op) in keys::wraps(&v.id, v.role, &v.agreement, &v.auth, &held) {
        if v.sent.contains(&name) {
            continue;
        }
        let frontdesk_core::crypto::Op::Wrap { key, part, aad, .. } = &op else { continue };
        let Some(material) = device.held_key(*key) else { continue };
        match webcrypto::wrap(&material, *part == Part::Public, &v.agreement, &v.auth, aad).await {
            Ok(envelope) => envelopes.push((name, envelope)),
            Err(err) => leptos::logging::warn!("a key could not be sealed to {}: {err}", v.id),
        }
    }
    // Looked at again after the awaits: a revocation or a new kit may have come meanwhile.
    if envelopes.is_empty() || !still_vouched(device, v) {
        return false;
    }
    if v.id == keys::RECOVERY {
        // The kit's envelopes are a document managers hold: changed as one, so this tablet
        // sees at once that a kit exists.
        let written = envelopes.clone();
        let put = move |doc: &mut automerge::AutoCommit| keys::put_envelopes(doc, &written).map_err(|e| e.to_string());
        if let Err(err) = device.change(frontdesk_protocol::access::RECOVERY_ENVELOPES, put).await {
            leptos::logging::warn!("the recovery kit's envelopes could not be kept: {err}");
            return false;
        }
    } else {
        let Ok(change) = keys::write_envelopes(device.actor(), &envelopes) else { return false };
        device.submit(&doc_name::envelopes(&v.id), change);
    }
    let sent: Vec<String> = envelopes.into_iter().map(|(name, _)| name).collect();
    v.sent.extend(sent.iter().cloned());
    // Noted only while the record is the same (never bringing back one forgotten meanwhile).
    let (id, agreement) = (v.id.clone(), v.agreement);
    let note = move |doc: &mut automerge::AutoCommit| {
        keys::record_sent(doc, &id, &agreement, &sent).map(|_| ()).map_err(|e| e.to_string())
    };
    device.change(doc_name::KEYRING, note).await.is_ok()
}

/// Makes the business's first keys on this manager's device, once the relay granted the first
/// epochs: every scope's, of `epochs`, extractable.
async fn set_up(device: &Rc<Device>, epochs: &[frontdesk_protocol::Epoch]) -> Result<(), String> {
    let mut made = Vec::new();
    for epoch in epochs {
        let key = KeyRef { scope: epoch.scope, epoch: epoch.epoch };
        made.push((key, webcrypto::generate(epoch.scope.is_drop(), true).await.map_err(|e| e.to_string())?));
    }
    device.add_keys(made).await.map_err(|e| e.to_string())
}

/// Renews the keys a revoked device could read with: it is forgotten first (nothing new is ever
/// sealed to it), then this manager's device makes the keys of the epochs the relay just
/// numbered; the next hand-over seals them to every device vouched for.
/// Returns the names of the devices listed that this tablet did not vouch for (they get no new
/// keys, and must pair again from it).
async fn rotate(
    device: &Rc<Device>,
    revoked: &str,
    epochs: &[frontdesk_protocol::Epoch],
    listed: &[DeviceInfo],
) -> Result<Vec<String>, String> {
    forget_vouched(device, revoked).await?;
    set_up(device, epochs).await?;
    let known = vouched(device).await;
    let this = device.settings.borrow().device.clone();
    Ok(listed
        .iter()
        .filter(|d| !d.revoked && d.id != revoked && d.id != this && !known.iter().any(|v| v.id == d.id))
        .map(|d| d.name.clone())
        .collect())
}

/// The recovery kit's identity, derived from the kit as both the tablet that makes it and the
/// tablet that restores with it do: its agreement key (not extractable) and auth secret.
async fn kit_identity(kit: &str) -> Result<(CryptoKey, [u8; 32], Vec<u8>), CryptoError> {
    let [agreement, auth] = keys::kit_ops(kit);
    let secret: [u8; 32] = webcrypto::run(agreement, webcrypto::With::Nothing)
        .await?
        .try_into()
        .map_err(|_| CryptoError::Platform("not 32 bytes".into()))?;
    let auth = webcrypto::run(auth, webcrypto::With::Nothing).await?;
    match webcrypto::identity(&secret).await? {
        Held::Private(key, public) => Ok((key, public, auth)),
        _ => Err(CryptoError::Platform("not a key pair".into())),
    }
}

/// A recovery kit drawn and shown, not kept yet: the kit, and the identity derived from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawnKit {
    pub kit: String,
    pub public: [u8; 32],
    pub auth: Vec<u8>,
}

/// Draws a new recovery kit and derives its identity; nothing is written until its holder
/// confirms it is kept ([`keep_kit`]), so a kit nobody saw never holds a key.
async fn draw_kit() -> Result<DrawnKit, String> {
    let kit = keys::kit_secret(crate::platform::random_below);
    let (_, public, auth) = kit_identity(&kit).await.map_err(|e| e.to_string())?;
    Ok(DrawnKit { kit, public, auth })
}

/// Makes a confirmed kit the business's: the keyring's `recovery` record (replacing any other
/// kit's, so every manager's tablet seals to this one from now on), and every key this tablet
/// holds, as to a manager's device called [`keys::RECOVERY`].
async fn keep_kit(device: &Rc<Device>, public: [u8; 32], auth: Vec<u8>) -> Result<(), String> {
    let mut v = Vouched { id: keys::RECOVERY.into(), role: Role::Manager, agreement: public, auth, sent: Vec::new() };
    forget_vouched(device, keys::RECOVERY).await?;
    keep_vouched(device, &v).await?;
    if !hand_over(device, &mut v).await {
        return Err("this tablet holds no keys to hand to it".into());
    }
    Ok(())
}

/// Restores a manager's tablet with the recovery kit: opens what `envelopes/recovery` holds
/// with the kit's identity and keeps the keys (extractable: a manager's). The keyring already
/// lists the kit (whoever made it kept it there). `KitPartial` when the newest key of some scope
/// the relay numbered is still missing (the envelopes not all synced yet).
async fn restore(device: &Rc<Device>, kit: &str) -> KeyOutcome {
    let wanted = device.read_doc(&doc_name::envelopes(keys::RECOVERY), |doc| {
        keys::installs(keys::RECOVERY, Role::Manager, doc, &device.held_keys())
    });
    if wanted.is_empty() {
        return KeyOutcome::KitRefused { found: false };
    }
    let (agreement, public, auth) = match kit_identity(kit).await {
        Ok(identity) => identity,
        Err(err) => return KeyOutcome::Failed(err.to_string()),
    };
    let mut installed = Vec::new();
    for (key, op) in wanted {
        let frontdesk_core::crypto::Op::Install { part, envelope, aad, .. } = op else { continue };
        if let Ok(held) = webcrypto::install(&agreement, &public, &auth, part, &aad, &envelope, true).await {
            installed.push((key, held));
        }
    }
    if installed.is_empty() {
        return KeyOutcome::KitRefused { found: true };
    }
    if let Err(err) = device.add_keys(installed).await {
        return KeyOutcome::Failed(err.to_string());
    }
    if lacks_newest_keys(device) { KeyOutcome::KitPartial } else { KeyOutcome::Done }
}

/// Whether this tablet lacks the newest key of some scope the relay numbered.
pub fn lacks_newest_keys(device: &Device) -> bool {
    let held = device.held_keys();
    frontdesk_protocol::Scope::ALL.iter().any(|&scope| {
        let newest = device.relay_epoch(scope);
        newest > 0 && !held.contains(&KeyRef { scope, epoch: newest })
    })
}

/// Opens what this device's envelopes document holds that it does not hold yet, and keeps the
/// keys. Run when the document changes; nothing happens when there is nothing new.
async fn install(device: Rc<Device>) {
    let (id, role) = {
        let settings = device.settings.borrow();
        (settings.device.clone(), settings.role.parse::<Role>().ok())
    };
    let Some(role) = role else { return };
    let wanted = {
        let unopened = device.unopened.borrow();
        let mut wanted =
            device.read_doc(&doc_name::envelopes(&id), |doc| keys::installs(&id, role, doc, &device.held_keys()));
        wanted.retain(|(_, op)| !matches!(op, frontdesk_core::crypto::Op::Install { envelope, .. } if unopened.contains(envelope)));
        wanted
    };
    if wanted.is_empty() {
        return;
    }
    let Ok(record) = device.store.load_keys_record(AGREEMENT).await else { return };
    let (Some(agreement), Some(public), Some(auth)) = (
        get(&record, "key").and_then(|k| k.dyn_into::<CryptoKey>().ok()),
        bytes(&record, "public").and_then(|p| <[u8; 32]>::try_from(p).ok()),
        bytes(&record, "auth"),
    ) else {
        leptos::logging::warn!("keys were sealed to this device, but it holds no key agreement key: pair it again");
        return;
    };
    let mut installed = Vec::new();
    for (key, op) in wanted {
        let frontdesk_core::crypto::Op::Install { part, envelope, aad, .. } = op else { continue };
        match webcrypto::install(&agreement, &public, &auth, part, &aad, &envelope, role == Role::Manager).await {
            Ok(held) => installed.push((key, held)),
            Err(err) => {
                // Not tried again: an envelope that does not open now never will.
                leptos::logging::warn!("an envelope for the {key} did not open: {err}");
                device.unopened.borrow_mut().push(envelope);
            }
        }
    }
    if !installed.is_empty()
        && let Err(err) = device.add_keys(installed).await
    {
        leptos::logging::error!("keys could not be kept: {err}");
    }
}

/// Work with keys every device does, each in a part of the desk's wasm of its own, loaded the
/// first time it is needed (pairing, an install); see [`manager_job`] for a manager's.
pub enum KeyJob {
    /// A device pairing with `code` (and `secret`, when the link or the typed key check carried
    /// one): its new agreement key, auth secret and proof.
    Pair { code: String, secret: Option<String> },
    /// Open this device's new envelopes.
    Install(Rc<Device>),
}

/// Work with keys only a manager's device does (the Devices card).
pub enum ManagerJob {
    /// Keep the pairing secret of a code this manager's device made.
    KeepPending(Rc<Device>, Pending),
    /// Vouch for the devices listed that paired with this tablet's codes, and hand every vouched
    /// device the keys it lacks.
    HandOver(Rc<Device>, Vec<DeviceInfo>),
    /// Make the business's first keys (the relay granted these first epochs).
    SetUp(Rc<Device>, Vec<frontdesk_protocol::Epoch>),
    /// A device is being revoked: forget it, and make the keys of these new epochs (of the
    /// scopes it could read), to hand to every other device before the relay raises the floors.
    /// With the devices listed, to say which this tablet cannot reach.
    Rotate(Rc<Device>, String, Vec<frontdesk_protocol::Epoch>, Vec<DeviceInfo>),
    /// Draw a recovery kit (nothing written).
    DrawKit,
    /// Make a kit its holder confirmed the business's (its identity: public key, auth secret).
    KeepKit(Rc<Device>, [u8; 32], Vec<u8>),
    /// Restore this tablet's keys with the recovery kit typed.
    Restore(Rc<Device>, String),
}

/// What a job came to.
pub enum KeyOutcome {
    /// For `Pair`: the agreement key's public half and proof for the relay, and the `agreement`
    /// record to keep.
    Paired {
        agreement_key: Vec<u8>,
        key_proof: Vec<u8>,
        record: JsValue,
    },
    /// The names of the devices handed keys (for `HandOver`).
    Handed(Vec<String>),
    /// For `Rotate`: the names of the devices this tablet cannot hand the new keys to.
    Unreached(Vec<String>),
    /// For `DrawKit`: the kit, to show once.
    Kit(DrawnKit),
    /// For `Restore`: the kit opened nothing — there were no envelopes to open yet (`found`
    /// false), or it is not this business's kit.
    KitRefused {
        found: bool,
    },
    /// For `Restore`: keys restored, but not the newest of every scope yet.
    KitPartial,
    Done,
    Failed(String),
}

/// Runs a [`KeyJob`].
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
pub async fn key_job(job: KeyJob) -> KeyOutcome {
    match job {
        KeyJob::Pair { code, secret } => match pair(&code, secret.as_deref()).await {
            Ok(outcome) => outcome,
            Err(err) => KeyOutcome::Failed(err.to_string()),
        },
        KeyJob::Install(device) => {
            install(device).await;
            KeyOutcome::Done
        }
    }
}

/// Runs a [`ManagerJob`].
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
pub async fn manager_job(job: ManagerJob) -> KeyOutcome {
    let done = |r: Result<(), String>| r.map_or_else(KeyOutcome::Failed, |()| KeyOutcome::Done);
    match job {
        ManagerJob::KeepPending(device, pending) => done(keep_pending(&device, &pending).await),
        ManagerJob::HandOver(device, listed) => KeyOutcome::Handed(vouch_and_hand_over(&device, &listed).await),
        ManagerJob::SetUp(device, epochs) => done(set_up(&device, &epochs).await),
        ManagerJob::Rotate(device, revoked, epochs, listed) => {
            match rotate(&device, &revoked, &epochs, &listed).await {
                Ok(names) => KeyOutcome::Unreached(names),
                Err(why) => KeyOutcome::Failed(why),
            }
        }
        ManagerJob::DrawKit => draw_kit().await.map_or_else(KeyOutcome::Failed, KeyOutcome::Kit),
        ManagerJob::KeepKit(device, public, auth) => done(keep_kit(&device, public, auth).await),
        ManagerJob::Restore(device, kit) => restore(&device, &kit).await,
    }
}

/// A pairing device's key agreement key (not extractable), its auth secret — from the pairing
/// secret if there is one, else drawn here — and the proof of the key under it.
async fn pair(code: &str, secret: Option<&str>) -> Result<KeyOutcome, frontdesk_core::crypto::CryptoError> {
    let Held::Private(agreement, public) = webcrypto::generate(true, false).await? else {
        return Err(frontdesk_core::crypto::CryptoError::Platform("not a key pair".into()));
    };
    let (auth, key_proof) = match secret {
        Some(secret) => {
            let auth = webcrypto::run(keys::auth_op(code, secret), webcrypto::With::Nothing).await?;
            let proof = webcrypto::mac(&auth, &keys::proof_data(&public)).await?;
            (auth, proof)
        }
        None => (crate::platform::random_bytes::<32>().to_vec(), Vec::new()),
    };
    let record = stored_agreement(&agreement, &public, &auth);
    Ok(KeyOutcome::Paired { agreement_key: public.to_vec(), key_proof, record })
}
