//! Retention on this device (#20): the core says when the business's rules are due to be applied
//! (`DeviceCore::keep_due`, at a tick) and what the relay's `Expired` means; the work itself —
//! reading the rules, forgetting what they make expired, telling the relay — runs here, in a part
//! of the desk's wasm of its own, loaded the first time it is due (a kiosk holds no dated
//! documents and never links it).

use std::cell::Cell;
use std::rc::Rc;

use leptos::task::spawn_local;

use super::Device;

thread_local! {
    /// A run is under way (its part may still be loading): ticks meanwhile start no other.
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

impl Device {
    /// At a tick: applies the business's retention rules if they are due.
    pub(super) fn keep_if_due(self: &Rc<Self>, tick: bool) {
        // (A kiosk, built without the desk's parts, holds no dated documents: the check is
        // compiled out of its download.)
        if !tick || !cfg!(feature = "lazy-sections") || BUSY.get() {
            return;
        }
        let Some(today) = self.core.borrow_mut().keep_due(crate::platform::now_ms()) else { return };
        BUSY.set(true);
        spawn_local(keep(self.clone(), today));
    }

    /// The relay says `doc` is past retention: the core decides by the business's own rules.
    pub(super) fn expired(self: &Rc<Self>, doc: String) {
        spawn_local(relay_expired(self.clone(), doc));
    }
}

#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
async fn keep(device: Rc<Device>, today: frontdesk_core::device::UtcDay) {
    if cfg!(feature = "lazy-sections") {
        let effects = device.core.borrow_mut().keep(today);
        device.run(effects);
    }
    BUSY.set(false);
}

#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
async fn relay_expired(device: Rc<Device>, doc: String) {
    if cfg!(feature = "lazy-sections") {
        let effects = device.core.borrow_mut().relay_expired(&doc);
        device.run(effects);
    }
}
