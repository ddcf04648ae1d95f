//! Outbox chunks in localStorage, one key per chunk, for two reasons:
//!
//! - **Written ahead.** A kiosk's check-in is confirmed on screen at once; its chunk is written
//!   here first (a synchronous write) and removed once IndexedDB's durable outbox has it.
//! - **IndexedDB full.** localStorage has its own small allowance (a few megabytes, apart from
//!   the quota IndexedDB shares), so a change the device could not save in IndexedDB is still
//!   kept on the device until the relay acknowledges it; then its key is removed.
//!
//! Only chunks not yet acknowledged live here, so a kiosk keeps no visitor's data once the relay
//! has it. A start puts every chunk found here back in the outbox.

use frontdesk_protocol::ChunkId;
use gloo_storage::{LocalStorage, Storage};

use crate::local_record::LocalRecord;
use crate::settings::Mode;
use crate::storage::OutboxEntry;

/// A chunk as kept: `{"doc", "bytes": [numbers], "order"}`.
fn record(doc: &str, bytes: &[u8], order: f64) -> LocalRecord {
    LocalRecord::default().with("doc", doc).with_bytes("bytes", bytes).with("order", order)
}

fn key(mode: Mode, id: &ChunkId) -> String {
    format!("{}{id}", mode.spill_prefix())
}

/// Keeps `chunk` in localStorage; false if even that is full.
pub fn put(mode: Mode, chunk: &OutboxEntry) -> bool {
    record(&chunk.doc, &chunk.bytes, chunk.order).write(&key(mode, &chunk.id))
}

/// Forgets a chunk the relay acknowledged (nothing happens if it was never spilled).
pub fn remove(mode: Mode, id: &ChunkId) {
    LocalStorage::delete(key(mode, id));
}

/// Every spilled chunk of `mode`.
pub fn all(mode: Mode) -> Vec<OutboxEntry> {
    let storage = LocalStorage::raw();
    let len = storage.length().unwrap_or(0);
    let prefix = mode.spill_prefix();
    let keys: Vec<String> =
        (0..len).filter_map(|i| storage.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect();
    keys.into_iter()
        .filter_map(|k| {
            let id = k[prefix.len()..].parse().ok()?;
            let kept = LocalRecord::read(&k)?;
            Some(OutboxEntry { id, doc: kept.text("doc")?, bytes: kept.bytes("bytes")?, order: kept.number("order")? })
        })
        .collect()
}

/// Writes and removes a chunk under a key no start reads (see the kiosk's warm-up).
pub fn warm_up(bytes: Vec<u8>) {
    const KEY: &str = "frontdesk.warm-up";
    record("", &bytes, 0.0).write(KEY);
    LocalStorage::delete(KEY);
}
