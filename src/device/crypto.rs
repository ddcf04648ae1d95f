//! The device's keys and the crypto ops the core asks for (issue 19): each op runs in WebCrypto
//! (`crate::webcrypto`) and its result goes back to the core, which decides what it means.
//! Keys are `CryptoKey` objects the page can use and never read; the core knows them only by
//! `KeyRef`. Nothing fills the table yet: keys arrive with pairing (a later slice), and until
//! then the core seals nothing.

use std::cell::RefCell;
use std::rc::Rc;

use frontdesk_core::crypto::{CryptoError, KeyRef, Op};
use frontdesk_core::device::CryptoId;
use leptos::task::spawn_local;
use web_sys::CryptoKey;

use super::Device;
use crate::webcrypto::{self, With};

/// The keys this device holds, by `KeyRef`.
#[derive(Default)]
pub struct KeyTable {
    /// AES-256-GCM keys of the shared scopes.
    secret: RefCell<Vec<(KeyRef, CryptoKey)>>,
    /// X25519 key pairs of the drop scopes this device opens: the private key, the public bytes.
    private: RefCell<Vec<(KeyRef, CryptoKey, [u8; 32])>>,
    /// Public keys of the drop scopes this device seals to (a kiosk's inbox and clock keys).
    public: RefCell<Vec<(KeyRef, [u8; 32])>>,
}

impl KeyTable {
    /// Every key held, for the core (`Start::keys`).
    pub fn held(&self) -> Vec<KeyRef> {
        let mut held: Vec<KeyRef> = self.secret.borrow().iter().map(|(k, _)| *k).collect();
        held.extend(self.public.borrow().iter().map(|(k, _)| *k));
        held.extend(self.private.borrow().iter().map(|(k, ..)| *k));
        held
    }

    /// The key material `op` needs, if this device holds it.
    fn material(&self, op: &Op) -> Result<With, CryptoError> {
        let Some(wanted) = op.key() else { return Ok(With::Nothing) };
        let found = match op {
            Op::Seal { .. } | Op::Open { .. } => {
                self.secret.borrow().iter().find(|(k, _)| *k == wanted).map(|(_, c)| With::Secret(c.clone()))
            }
            Op::SealTo { .. } => {
                let private = self.private.borrow().iter().find(|(k, ..)| *k == wanted).map(|(.., p)| *p);
                let public = self.public.borrow().iter().find(|(k, _)| *k == wanted).map(|(_, p)| *p);
                private.or(public).map(With::Public)
            }
            _ => {
                self.private.borrow().iter().find(|(k, ..)| *k == wanted).map(|(_, c, p)| With::Private(c.clone(), *p))
            }
        };
        found.ok_or(CryptoError::NoKey(wanted))
    }
}

impl Device {
    /// Runs a crypto op the core asked for and hands it the result.
    pub(super) fn crypto(self: &Rc<Self>, id: CryptoId, op: Op) {
        let device = self.clone();
        let material = self.keys.material(&op);
        spawn_local(async move {
            let result = match material {
                Ok(with) => webcrypto::run(op, with).await,
                Err(missing) => Err(missing),
            };
            let effects = device.core.borrow_mut().crypto_done(id, result);
            device.run(effects);
        });
    }
}
