//! The device as the relay knows it: proving its key at each connection, a manager's requests,
//! and what happens once it is revoked.

use std::rc::Rc;

use leptos::task::spawn_local;

use super::{Device, OnRevoked};

impl Device {
    /// Signs the relay's challenge with the device's key (the browser does it, asynchronously)
    /// and says Hello with it.
    pub(super) fn prove(self: &Rc<Self>, nonce: [u8; 32], message: Vec<u8>) {
        let (device, key) = (Rc::downgrade(self), self.key.clone());
        spawn_local(async move {
            match key.sign(&message).await {
                Ok(signature) => {
                    if let Some(device) = device.upgrade() {
                        let effects = device.core.borrow_mut().proved(nonce, signature);
                        device.run(effects);
                    }
                }
                Err(err) => leptos::logging::error!("the device key could not sign: {err}"),
            }
        });
    }

    /// What to do once the relay says this device was revoked.
    pub fn when_revoked(&self, then: OnRevoked) {
        *self.on_revoked.borrow_mut() = Some(then);
    }

    /// Closes this device's database (before it is wiped: a deletion waits for open connections).
    pub fn close_storage(&self) {
        self.store.close();
    }

    /// Sends a manager's request to the relay (pairing codes, the device list); false when
    /// offline. The answer arrives in [`Device::admin`].
    pub fn request(self: &Rc<Self>, msg: frontdesk_protocol::ClientMsg) -> bool {
        let effects = self.core.borrow_mut().request(msg);
        match effects {
            Some(effects) => {
                self.run(effects);
                true
            }
            None => false,
        }
    }
}
