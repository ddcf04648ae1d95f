//! The device's keys and the crypto ops the core asks for (issue 19): each op runs in WebCrypto
//! (`crate::webcrypto`) and its result goes back to the core, which decides what it means.
//! Keys are `CryptoKey` objects the page can use and never read; the core knows them only by
//! `KeyRef`. They arrive in envelopes at pairing (`crate::key_handover`), or are made by the
//! manager who sets the business up, and are kept in IndexedDB's `keys` store (the record
//! `held`), read at every start.

use std::cell::RefCell;
use std::rc::Rc;

use frontdesk_core::crypto::{CryptoError, KeyRef, Op};
use frontdesk_core::device::CryptoId;
use frontdesk_protocol::Scope;
use js_sys::{Object, Reflect, Uint8Array};
use leptos::prelude::Update;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use super::Device;
use crate::webcrypto::{self, Held, With};

/// The keys this device holds, by `KeyRef`.
#[derive(Default)]
pub struct KeyTable {
    held: RefCell<Vec<(KeyRef, Held)>>,
}

/// The record of the `keys` store that holds every key this device holds, as an array (one
/// read at start).
pub const HELD: &str = "held";

/// A held key as IndexedDB keeps it: `{scope, epoch, key?, public?}` (the `CryptoKey` as the
/// browser clones it, still not extractable unless it was).
pub fn to_stored(key: KeyRef, held: &Held) -> JsValue {
    let obj = Object::new();
    let set = |name: &str, value: &JsValue| {
        let _ = Reflect::set(&obj, &name.into(), value);
    };
    set("scope", &key.scope.as_str().into());
    set("epoch", &key.epoch.into());
    match held {
        Held::Secret(k) => set("key", k),
        Held::Private(k, public) => {
            set("key", k);
            set("public", &Uint8Array::from(&public[..]));
        }
        Held::Public(public) => set("public", &Uint8Array::from(&public[..])),
    }
    obj.into()
}

/// Reads back what [`to_stored`] made; `None` for anything else.
fn from_stored(value: &JsValue) -> Option<(KeyRef, Held)> {
    let get = |name: &str| Reflect::get(value, &name.into()).ok().filter(|v| !v.is_undefined());
    let scope = get("scope")?.as_string()?;
    let scope = Scope::ALL.into_iter().find(|s| s.as_str() == scope)?;
    let epoch = get("epoch")?.as_f64()? as u32;
    let public = get("public").and_then(|p| <[u8; 32]>::try_from(Uint8Array::new(&p).to_vec()).ok());
    let held = match (get("key").and_then(|k| k.dyn_into().ok()), public) {
        (Some(key), None) if !scope.is_drop() => Held::Secret(key),
        (Some(key), Some(public)) if scope.is_drop() => Held::Private(key, public),
        (None, Some(public)) if scope.is_drop() => Held::Public(public),
        _ => return None,
    };
    Some((KeyRef { scope, epoch }, held))
}

impl KeyTable {
    /// The table as the record [`HELD`] keeps it (an array; nothing when there is none).
    pub fn from_stored(record: &JsValue) -> KeyTable {
        let records = if record.is_object() { js_sys::Array::from(record).iter().collect() } else { Vec::new() };
        KeyTable { held: RefCell::new(records.iter().filter_map(from_stored).collect()) }
    }

    /// The table as the record [`HELD`] keeps it.
    fn to_stored(&self) -> JsValue {
        self.held.borrow().iter().map(|(key, held)| to_stored(*key, held)).collect::<js_sys::Array>().into()
    }

    /// Every key held, for the core (`Start::keys`).
    pub fn held(&self) -> Vec<KeyRef> {
        self.held.borrow().iter().map(|(k, _)| *k).collect()
    }

    /// A key held, by name.
    pub fn get(&self, key: KeyRef) -> Option<Held> {
        self.held.borrow().iter().find(|(k, _)| *k == key).map(|(_, h)| h.clone())
    }

    /// Holds one more key (replacing one of the same name).
    pub fn insert(&self, key: KeyRef, held: Held) {
        let mut table = self.held.borrow_mut();
        table.retain(|(k, _)| *k != key);
        table.push((key, held));
    }

    /// The key material `op` needs, if this device holds it.
    fn material(&self, op: &Op) -> Result<With, CryptoError> {
        let Some(wanted) = op.key() else { return Ok(With::Nothing) };
        let found = match (op, self.get(wanted)) {
            (Op::Seal { .. } | Op::Open { .. }, Some(Held::Secret(key))) => Some(With::Secret(key)),
            (Op::SealTo { .. }, Some(Held::Private(_, public) | Held::Public(public))) => Some(With::Public(public)),
            (Op::OpenFrom { .. }, Some(Held::Private(key, public))) => Some(With::Private(key, public)),
            _ => None,
        };
        found.ok_or(CryptoError::NoKey(wanted))
    }
}

/// The documents of the business's keys a device follows: its envelopes (the keys sealed to it,
/// as a manager's tablet hands them over); a manager's also the recovery kit's (a kit is restored
/// from it) and the keyring (every device a manager vouched for, and the kit).
pub fn key_documents(settings: &crate::settings::DeviceSettings) -> Vec<String> {
    let mut docs = vec![frontdesk_core::doc_name::envelopes(&settings.device)];
    if settings.role == frontdesk_protocol::Role::Manager.as_str() {
        docs.push(frontdesk_protocol::access::RECOVERY_ENVELOPES.to_owned());
        docs.push(frontdesk_core::doc_name::KEYRING.to_owned());
    }
    docs
}

/// Runs one op in WebCrypto: a part of the desk's wasm of its own, loaded with the first op (a
/// business that does not seal never loads it).
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
async fn run_op(op: Op, with: With) -> Result<Vec<u8>, CryptoError> {
    webcrypto::run(op, with).await
}

impl Device {
    /// Runs a crypto op the core asked for and hands it the result.
    pub(super) fn crypto(self: &Rc<Self>, id: CryptoId, op: Op) {
        let device = self.clone();
        let material = self.keys.material(&op);
        spawn_local(async move {
            let result = match (op, material) {
                // The device's own key signs its Hello proofs, chunks and snapshots, at once: a
                // Hello that waited for the crypto part to load let a new manager's tablet write
                // before the relay had said its business seals (the recovery e2e test).
                (Op::Sign { message }, _) => {
                    device.key.sign(&message).await.map_err(|err| CryptoError::Platform(err.to_string()))
                }
                (op, Ok(with)) => run_op(op, with).await,
                (_, Err(missing)) => Err(missing),
            };
            let effects = device.core.borrow_mut().crypto_done(id, result);
            device.run(effects);
        });
    }

    /// Keeps keys this device was just given (installed from envelopes, or made at set-up):
    /// stored first, then held, then the core told (it seals what waited, and asks again for
    /// what it could not open).
    pub async fn add_keys(self: &Rc<Self>, keys: Vec<(KeyRef, Held)>) -> Result<(), crate::storage::StorageError> {
        let names: Vec<KeyRef> = keys.iter().map(|(k, _)| *k).collect();
        let before = self.keys.to_stored();
        for (key, held) in keys {
            self.keys.insert(key, held);
        }
        if let Err(err) = self.store.save_keys_record(HELD, &self.keys.to_stored()).await {
            // Not kept, so not held: the table goes back to what storage has.
            *self.keys.held.borrow_mut() = KeyTable::from_stored(&before).held.into_inner();
            return Err(err);
        }
        let effects = self.core.borrow_mut().keys_added(names);
        self.run(effects);
        self.revision.update(|r| *r += 1);
        Ok(())
    }

    /// Encryption was just set up here: sealed snapshots of what this tablet holds take the place
    /// of what the relay stored in the clear before (`DeviceCore::seal_history`).
    pub fn seal_history(self: &Rc<Self>) {
        let effects = self.core.borrow_mut().seal_history();
        self.run(effects);
    }

    /// A document as it is now, read by `read` (empty if this device does not hold it).
    pub fn read_doc<T: Default>(&self, name: &str, read: impl FnOnce(&automerge::Automerge) -> T) -> T {
        self.core.borrow_mut().doc(name).map(read).unwrap_or_default()
    }

    /// Opens new envelopes once this device's envelopes document changed (each change once, one
    /// run at a time; what to open is decided in the part of the wasm that opens them).
    pub(super) fn install_keys(self: &Rc<Self>) {
        let id = self.settings.borrow().device.clone();
        let heads = self.core.borrow_mut().heads(&frontdesk_core::doc_name::envelopes(&id));
        if heads.is_empty() || self.installing.get() || *self.envelope_heads.borrow() == heads {
            return;
        }
        *self.envelope_heads.borrow_mut() = heads;
        self.installing.set(true);
        let device = self.clone();
        spawn_local(async move {
            crate::key_handover::key_job(crate::key_handover::KeyJob::Install(device.clone())).await;
            device.installing.set(false);
        });
    }

    /// The newest epoch of `scope` the relay has numbered (0: not sealed).
    pub fn relay_epoch(&self, scope: frontdesk_protocol::Scope) -> u32 {
        self.core.borrow().relay_epoch(scope)
    }

    /// Whether this device waits for the business's keys (see `DeviceCore::waiting_for_keys`).
    pub fn waiting_for_keys(&self) -> bool {
        self.core.borrow().waiting_for_keys()
    }

    /// The keys this device holds (for the waiting screen and the manager's hand-over).
    pub fn held_keys(&self) -> Vec<KeyRef> {
        self.keys.held()
    }

    /// A key this device holds.
    pub fn held_key(&self, key: KeyRef) -> Option<Held> {
        self.keys.get(key)
    }
}
