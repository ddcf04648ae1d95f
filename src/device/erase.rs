//! Re-basing a document for an erasure (#20): the core seals, signs and sends it; the page waits
//! for the relay's answer here. And when a re-based document arrives while this tablet has
//! changes to it the relay has not acknowledged, they are made again on it here — in a part of
//! the wasm of its own on the desk, loaded then (the kiosk never holds such a document).

use std::rc::Rc;

use frontdesk_core::device::{CryptoId, Effect};
use futures::channel::oneshot;
use leptos::task::spawn_local;

use super::Device;

/// Makes this device's unsent changes again on a re-based document (`erasure::remake`) and
/// hands the chunk to the core.
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
async fn remake(device: Rc<Device>, id: CryptoId, old: Vec<u8>, new: Vec<u8>, mine: Vec<Vec<u8>>) {
    let result = if cfg!(feature = "lazy-sections") {
        frontdesk_core::erasure::remake(&old, &new, &mine, device.actor())
    } else {
        Err("not on a kiosk".into())
    };
    let effects = device.core.borrow_mut().remade(id, result);
    device.run(effects);
}

impl Device {
    /// Replaces `doc` on the relay, and here, with `bytes` (`erasure::rebuilt` of what this
    /// device holds of it, all the relay has); whether the relay stored it. False when offline,
    /// or when the document moved on meanwhile (build it again and retry).
    pub async fn rebase(self: &Rc<Self>, doc: &str, bytes: Vec<u8>) -> bool {
        let (tx, rx) = oneshot::channel();
        self.rebases.borrow_mut().push((doc.to_owned(), tx));
        let effects = self.core.borrow_mut().rebase(doc, bytes);
        self.run(effects);
        rx.await.unwrap_or(false)
    }

    /// The core's effects of an erasure: the relay's answer to this device's re-base, or unsent
    /// changes to make again on a re-based document.
    pub(super) fn erasure(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::Rebased { doc, done } => self.rebased(&doc, done),
            Effect::Remake { id, old, new, mine, .. } => spawn_local(remake(self.clone(), id, old, new, mine)),
            _ => {}
        }
    }

    /// The relay's answer to a re-base of `doc`.
    fn rebased(&self, doc: &str, done: bool) {
        let mut waiting = self.rebases.borrow_mut();
        while let Some(at) = waiting.iter().position(|(d, _)| d == doc) {
            let _ = waiting.swap_remove(at).1.send(done);
        }
    }
}
