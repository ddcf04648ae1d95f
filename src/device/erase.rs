//! Re-basing a document for an erasure (#20): the core seals, signs and sends it; the page waits
//! for the relay's answer here.

use std::rc::Rc;

use futures::channel::oneshot;

use super::Device;

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

    /// The relay's answer to a re-base of `doc`.
    pub(super) fn rebased(&self, doc: &str, done: bool) {
        let mut waiting = self.rebases.borrow_mut();
        while let Some(at) = waiting.iter().position(|(d, _)| d == doc) {
            let _ = waiting.swap_remove(at).1.send(done);
        }
    }
}
