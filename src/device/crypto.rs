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
use crate::webcrypto;

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

    fn secret(&self, key: KeyRef) -> Result<CryptoKey, CryptoError> {
        let table = self.secret.borrow();
        table.iter().find(|(k, _)| *k == key).map(|(_, c)| c.clone()).ok_or(CryptoError::NoKey(key))
    }

    fn public(&self, key: KeyRef) -> Result<[u8; 32], CryptoError> {
        let private = self.private.borrow().iter().find(|(k, ..)| *k == key).map(|(.., p)| *p);
        let public = self.public.borrow().iter().find(|(k, _)| *k == key).map(|(_, p)| *p);
        private.or(public).ok_or(CryptoError::NoKey(key))
    }

    fn private(&self, key: KeyRef) -> Result<(CryptoKey, [u8; 32]), CryptoError> {
        let table = self.private.borrow();
        table.iter().find(|(k, ..)| *k == key).map(|(_, c, p)| (c.clone(), *p)).ok_or(CryptoError::NoKey(key))
    }

    /// Runs one op. The keys are looked up before the first await.
    async fn run(&self, op: Op) -> Result<Vec<u8>, CryptoError> {
        match op {
            Op::Seal { key, aad, plaintext } => webcrypto::seal(&self.secret(key)?, &aad, &plaintext).await,
            Op::Open { key, aad, sealed } => webcrypto::open(&self.secret(key)?, &aad, &sealed).await,
            Op::SealTo { key, aad, plaintext } => webcrypto::seal_to(&self.public(key)?, &aad, &plaintext).await,
            Op::OpenFrom { key, aad, sealed } => {
                let (private, public) = self.private(key)?;
                webcrypto::open_from(&private, &public, &aad, &sealed).await
            }
            Op::Derive { password, salt, iterations } => webcrypto::pbkdf2(&password, &salt, iterations).await,
        }
    }
}

impl Device {
    /// Runs a crypto op the core asked for and hands it the result.
    pub(super) fn crypto(self: &Rc<Self>, id: CryptoId, op: Op) {
        let device = self.clone();
        spawn_local(async move {
            let result = device.keys.run(op).await;
            let effects = device.core.borrow_mut().crypto_done(id, result);
            device.run(effects);
        });
    }
}
