//! A re-based document (#20): a manager's tablet erased someone, and a fresh document without
//! them replaces the one whose history still held them — on the relay, and on every device.
//!
//! This device's changes to it that the relay has not acknowledged were made on the old history,
//! which the relay no longer takes: the platform makes them again on the new document, record by
//! record, except on a record the erasure removed (`erasure::remake`, asked for with
//! [`Effect::Remake`]: the copying code is loaded only when a re-base arrives). The new document,
//! the dropped outbox entries and the change made again are then one storage transaction.

use frontdesk_protocol::ChunkId;
use sha2::Digest;

use super::{Arrival, CryptoId, DeviceCore, Effect, OutboxEntry, Purpose, Write};
use crate::crypto::{self, Op, Sealable};
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
    /// here as one from any device is, in its turn among the document's arrivals.
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
        effects.push(Effect::Rebased { doc: doc.to_owned(), done: true });
        // This device built it: in the clear here, and under its own actor.
        let arrival = Arrival {
            at: Position::Rebase(covers_seq),
            received_ms: None,
            ready: Ok(Ok(bytes)),
            sealed: true,
            signer: self.signer,
            wire: None,
            remade: None,
        };
        match self.arrivals.iter_mut().find(|(d, _)| d == doc) {
            Some((_, waiting)) => waiting.push(arrival),
            None => self.arrivals.push((doc.to_owned(), vec![arrival])),
        }
        let mut queue = std::collections::VecDeque::new();
        self.drain_arrivals(doc, &mut queue, effects);
        queue.into()
    }

    /// This device's changes to `doc` the relay has not acknowledged: in the outbox, or saved and
    /// not yet handed to it.
    fn unsent(&self, doc: &str) -> Vec<Vec<u8>> {
        self.client
            .unacknowledged(doc)
            .map(<[u8]>::to_vec)
            .chain(self.saving.iter().flat_map(|(_, s)| &s.chunks).filter(|c| c.doc == doc).map(|c| c.bytes.clone()))
            .collect()
    }

    /// Asks the platform to make this device's unsent changes again on the re-based `plain`
    /// (which waits at the head of the document's arrivals meanwhile) — unless there are none, or
    /// `remade` already holds them all. `None`: install it now.
    pub(super) fn remake(
        &mut self,
        doc: &str,
        at: Position,
        plain: &[u8],
        signer: [u8; 32],
        remade: Option<&super::Remade>,
    ) -> Option<Effect> {
        let mine = self.unsent(doc);
        if mine.is_empty() || remade.is_some_and(|(_, from)| *from == mine) {
            return None;
        }
        let id = CryptoId(self.next_crypto);
        self.next_crypto += 1;
        self.crypto.push((id, Purpose::Remake { mine: mine.clone() }));
        let arrival = Arrival {
            at,
            received_ms: None,
            ready: Err(id),
            sealed: true,
            signer,
            wire: Some(plain.to_vec()),
            remade: None,
        };
        match self.arrivals.iter_mut().find(|(d, _)| d == doc) {
            Some((_, waiting)) => waiting.insert(0, arrival),
            None => self.arrivals.push((doc.to_owned(), vec![arrival])),
        }
        let old = self.replica.save(doc);
        Some(Effect::Remake { id, doc: doc.to_owned(), old, new: plain.to_vec(), mine })
    }

    /// The platform's answer to [`Effect::Remake`]: the chunk that makes this device's unsent
    /// changes again on the re-based document (empty: nothing to make again), or why it could
    /// not (they are lost, and logged).
    pub fn remade(&mut self, id: CryptoId, result: Result<Vec<u8>, String>) -> Vec<Effect> {
        let Some(at) = self.crypto.iter().position(|(c, _)| *c == id) else { return Vec::new() };
        let (_, Purpose::Remake { mine }) = self.crypto.remove(at) else { return Vec::new() };
        let mut effects = Vec::new();
        let chunk = result.unwrap_or_else(|err| {
            effects.push(Effect::Warn(format!("unsent changes not remade: {err}")));
            Vec::new()
        });
        let found = self.arrivals.iter_mut().find_map(|(doc, waiting)| {
            let arrival = waiting.iter_mut().find(|a| a.ready == Err(id))?;
            arrival.ready = Ok(Ok(arrival.wire.take().unwrap_or_default()));
            arrival.remade = Some((chunk.clone(), mine.clone()));
            Some(doc.clone())
        });
        let mut queue = std::collections::VecDeque::new();
        if let Some(doc) = found {
            self.drain_arrivals(&doc, &mut queue, &mut effects);
        }
        effects.extend(self.run_queue(queue));
        effects
    }

    /// Replaces `doc` with the re-based `bytes` covering `covers_seq`, with `remade` (this
    /// device's unsent changes made again on it) applied, and drops the unsent changes made on
    /// the old history.
    pub(super) fn install_rebase(
        &mut self,
        doc: &str,
        covers_seq: u64,
        bytes: &[u8],
        remade: &[u8],
        effects: &mut Vec<Effect>,
    ) -> Vec<sync_client::Effect> {
        if let Err(err) = crate::chunk::check_inflation(bytes, crate::chunk::MAX_INFLATED) {
            effects.push(Effect::Warn(format!("re-based {doc} refused: {err}")));
            return Vec::new();
        }
        if let Err(err) = self.replica.replace(doc, bytes) {
            effects.push(Effect::Warn(format!("re-based {doc} not applied: {err}")));
            return Vec::new();
        }
        if !remade.is_empty()
            && let Err(err) = self.replica.apply(doc, remade)
        {
            effects.push(Effect::Warn(format!("unsent changes to {doc} lost: {err}")));
        }
        let mut dropped: Vec<ChunkId> = self.client.forget(doc);
        for (_, saving) in &self.saving {
            dropped.extend(saving.chunks.iter().filter(|c| c.doc == doc).map(|c| c.id));
        }
        self.forgotten.extend(dropped.iter().copied());
        // Receipts of records that are gone go with them; nothing in the clear is taken after a
        // re-base that came sealed.
        let present = self.replica.get(doc).map(super::root_keys).unwrap_or_default();
        if let Some((_, receipts)) = self.receipts.iter_mut().find(|(d, _)| d == doc) {
            receipts.retain(|(k, _)| present.contains(k));
        }
        self.sealed_from.retain(|(d, _)| d != doc);
        if frontdesk_protocol::sealed::is_sealed(bytes) || self.client.must_seal(doc) || self.seal_key(doc).is_some() {
            self.sealed_from.push((doc.to_owned(), covers_seq));
        }
        // (Left among the documents to flush if it was: it would be saved again as it is.)
        let queue = self.client.applied(doc, Position::Rebase(covers_seq));
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
            let entry = OutboxEntry { id: self.chunk_id(), doc: doc.to_owned(), bytes: remade.to_vec(), order: 0.0 };
            writes.push(Write::OutboxPut(entry.clone()));
            entries.push(entry);
        }
        effects.push(self.save(writes, entries));
        effects.push(Effect::Changed);
        queue
    }
}
