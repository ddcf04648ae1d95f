//! A re-based document (#20): a manager's tablet erased someone, and a fresh document without
//! them replaces the one whose history still held them — on the relay, and on every device.
//!
//! This device's changes to it that the relay has not acknowledged were made on the old history,
//! which the relay no longer takes: they are made again on the new document, record by record
//! (`erasure::touched`, `erasure::copy_root`), except on a record the erasure removed. The new
//! document, the dropped outbox entries and the change made again are one storage transaction.

use frontdesk_protocol::ChunkId;
use sha2::Digest;

use super::{DeviceCore, Effect, OutboxEntry, Purpose, Write};
use crate::crypto::{self, Op, Sealable};
use crate::erasure;
use crate::sync_client::{self, Position};

impl DeviceCore {
    /// Re-bases `doc` on the relay with `bytes` (a document `erasure::rebuilt` made from what this
    /// device holds of it, which must be all the relay has: [`DeviceCore::caught_up`]). Sealed and
    /// signed first; the answer comes as [`Effect::Rebased`].
    pub fn rebase(&mut self, doc: &str, bytes: Vec<u8>) -> Vec<Effect> {
        let Some(after_seq) = self.client.cursor(doc) else {
            return vec![Effect::Rebased { doc: doc.to_owned(), done: false }];
        };
        let covers_seq = after_seq + 1;
        self.rebasing.retain(|(d, ..)| d != doc);
        self.rebasing.push((doc.to_owned(), covers_seq, bytes.clone()));
        let Some(key) = self.seal_key(doc) else {
            if self.client.must_seal(doc) {
                // Never in the clear where the business seals: refused, the screen says so.
                return self.rebase_refused(doc);
            }
            return vec![self.sign_rebase(doc.to_owned(), covers_seq, bytes)];
        };
        match crypto::sealing(doc, Sealable::Snapshot { covers_seq }, key.epoch, &self.device, &bytes) {
            Ok(s) => {
                let purpose = Purpose::RebaseSeal { doc: doc.to_owned(), covers_seq, prefix: s.prefix };
                vec![self.crypto_op(s.op, purpose)]
            }
            Err(err) => {
                let mut effects = vec![Effect::Warn(format!("a re-base of {doc} cannot be sealed: {err}"))];
                effects.extend(self.rebase_refused(doc));
                effects
            }
        }
    }

    /// Asks the platform to sign a re-base; it is sent once signed.
    pub(super) fn sign_rebase(&mut self, doc: String, covers_seq: u64, wire: Vec<u8>) -> Effect {
        let message = frontdesk_protocol::rebase_proof(&doc, covers_seq, &sha2::Sha256::digest(&wire).into());
        self.crypto_op(Op::Sign { message }, Purpose::RebaseSign { doc, covers_seq, wire })
    }

    /// The relay refused (or this device could not send) its re-base of `doc`.
    pub(super) fn rebase_refused(&mut self, doc: &str) -> Vec<Effect> {
        let had = self.rebasing.iter().any(|(d, ..)| d == doc);
        self.rebasing.retain(|(d, ..)| d != doc);
        if had { vec![Effect::Rebased { doc: doc.to_owned(), done: false }] } else { Vec::new() }
    }

    /// The relay stored a snapshot or a re-base of `doc` from this device: a re-base is installed
    /// here as it would be from another device.
    pub(super) fn rebase_stored(
        &mut self,
        doc: &str,
        covers_seq: u64,
        effects: &mut Vec<Effect>,
    ) -> Vec<sync_client::Effect> {
        let Some(at) = self.rebasing.iter().position(|(d, c, _)| d == doc && *c == covers_seq) else {
            return Vec::new();
        };
        let (_, _, bytes) = self.rebasing.remove(at);
        let queue = self.install_rebase(doc, covers_seq, &bytes, effects);
        effects.push(Effect::Rebased { doc: doc.to_owned(), done: true });
        queue
    }

    /// Replaces `doc` with the re-based `bytes` covering `covers_seq`, and makes again on it this
    /// device's changes the relay has not acknowledged, record by record, but those to a record
    /// the erasure removed.
    pub(super) fn install_rebase(
        &mut self,
        doc: &str,
        covers_seq: u64,
        bytes: &[u8],
        effects: &mut Vec<Effect>,
    ) -> Vec<sync_client::Effect> {
        if let Err(err) = crate::chunk::check_inflation(bytes, crate::chunk::MAX_INFLATED) {
            effects.push(Effect::Warn(format!("re-based {doc} refused: {err}")));
            return Vec::new();
        }
        // This device's changes in flight: unacknowledged, or saved and not yet handed over.
        let mine: Vec<Vec<u8>> = self
            .client
            .unacknowledged(doc)
            .map(<[u8]>::to_vec)
            .chain(self.saving.iter().flat_map(|(_, s)| &s.chunks).filter(|c| c.doc == doc).map(|c| c.bytes.clone()))
            .collect();
        let mut keys: Vec<String> = Vec::new();
        if let Some(old) = self.replica.get(doc) {
            for key in mine.iter().flat_map(|chunk| erasure::touched(old, chunk)) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        let mut old = match self.replica.replace(doc, bytes) {
            Ok(old) => old,
            Err(err) => {
                effects.push(Effect::Warn(format!("re-based {doc} not applied: {err}")));
                return Vec::new();
            }
        };
        let erased = self.replica.get(doc).map(erasure::erasures).unwrap_or_default();
        keys.retain(|k| !erased.iter().any(|e| e.covers(k)));
        let mut dropped: Vec<ChunkId> = self.client.forget(doc);
        for (_, saving) in &self.saving {
            dropped.extend(saving.chunks.iter().filter(|c| c.doc == doc).map(|c| c.id));
        }
        self.forgotten.extend(dropped.iter().copied());
        let remade = match (old.as_mut(), keys.is_empty()) {
            (Some(old), false) => {
                let old = old.document();
                self.replica
                    .change(doc, |new| keys.iter().try_for_each(|k| erasure::copy_root(old, k, new)))
                    .map(|((), chunk)| chunk)
                    .unwrap_or_else(|err| {
                        effects.push(Effect::Warn(format!("unsent changes to {doc} lost in its re-base: {err}")));
                        Vec::new()
                    })
            }
            _ => Vec::new(),
        };
        // Receipts of records that are gone go with them; nothing in the clear is taken after a
        // re-base that came sealed.
        let present = |k: &str| !erased.iter().any(|e| e.covers(k));
        if let Some((_, receipts)) = self.receipts.iter_mut().find(|(d, _)| d == doc) {
            receipts.retain(|(k, _)| present(k));
        }
        self.sealed_from.retain(|(d, _)| d != doc);
        if frontdesk_protocol::sealed::is_sealed(bytes) || self.client.must_seal(doc) {
            self.sealed_from.push((doc.to_owned(), covers_seq));
        }
        let queue = self.client.applied(doc, Position::Rebase(covers_seq));
        self.dirty.remove(doc);
        let mut writes = vec![Write::Doc {
            name: doc.to_owned(),
            bytes: self.replica.save(doc),
            cursor: covers_seq,
            received: self.receipts_of(doc).to_vec(),
            sealed_from: self.sealed_from_of(doc),
        }];
        writes.extend(dropped.iter().map(|id| Write::OutboxDelete(*id)));
        effects.extend(dropped.iter().map(|id| Effect::ForgetWriteAhead(*id)));
        let mut entries = Vec::new();
        if !remade.is_empty() {
            let entry = OutboxEntry { id: self.chunk_id(), doc: doc.to_owned(), bytes: remade, order: 0.0 };
            writes.push(Write::OutboxPut(entry.clone()));
            entries.push(entry);
        }
        effects.push(self.save(writes, entries));
        effects.push(Effect::Changed);
        queue
    }
}
