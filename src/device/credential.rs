//! The device as the relay knows it: a manager's requests, and what happens once it is revoked.
//! (Its key proves it at each connection and signs what it sends: the core's `Op::Sign`, which
//! `device/crypto` runs with the device key at once — not in the part of the wasm the other ops
//! load, so a Hello never waits for that part.)

use std::rc::Rc;

use super::{Device, OnRevoked};

impl Device {
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
