//! One device's whole local logic as a state machine: its replica, its sync client, its outbox
//! bookkeeping, the documents waiting to be saved, and the kiosk's write-ahead.
//!
//! Like the sync client, it does no I/O. It asks for storage the way it asks for the network —
//! as effects — and hears back how storage went as calls ([`DeviceCore::saved`],
//! [`DeviceCore::write_ahead_failed`]). Every platform is a thin interpreter of it: the browser
//! (IndexedDB, localStorage, a WebSocket), the convergence simulation (maps in memory, a simulated
//! network, crashes at any step) and the load bench.
//!
//! The order it keeps, for a local change: apply it to the replica, **save** it (the document and
//! its outbox entry in one durable transaction), show it ([`Effect::Changed`]) and only then send
//! it. A standalone chunk (a kiosk's check-in, a punch) is first **written ahead** (a synchronous
//! write the runtime makes before it returns to the screen) so the ticket can show at once.

use std::collections::{BTreeSet, VecDeque};

use automerge::{AutoCommit, Automerge, ReadDoc};
use frontdesk_protocol::sealed::{self, Kind, SealedError};
use frontdesk_protocol::{Area, Author, ChunkId, Head};
use sha2::Digest;

use crate::crypto::{self, CryptoError, KeyRef, Op, Sealable};
use crate::replica::{DocEdit, Replica, ReplicaError};
use crate::sorting::SortDyn;
use crate::sync_client::{self, SyncClient, SyncEvent, SyncStatus};

mod keeping;
pub use keeping::UtcDay;
mod rebase;

/// A document as storage holds it: its whole save and the relay sequence number it includes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDoc {
    pub name: String,
    pub bytes: Vec<u8>,
    pub cursor: u64,
    /// For a drop box: when the relay received each record (see [`DeviceCore::received`]).
    pub received: Receipts,
    /// The relay's sequence number of the first sealed chunk of it this device has known (0:
    /// none): bytes in the clear after it are refused.
    pub sealed_from: u64,
}

/// When the relay received each record of a drop box: (record key, relay time in ms), in the
/// order they arrived. A drop box's device writes its records with its own clock; the relay's
/// receive time is the one the device cannot choose.
pub type Receipts = Vec<(String, i64)>;

/// A chunk saved on the device that the relay has not acknowledged yet.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    pub id: ChunkId,
    pub doc: String,
    pub bytes: Vec<u8>,
    /// When it was made (ms since the epoch): the outbox is resent in this order.
    pub order: f64,
}

/// One write of a durable storage transaction.
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    Doc {
        name: String,
        bytes: Vec<u8>,
        cursor: u64,
        received: Receipts,
        sealed_from: u64,
    },
    OutboxPut(OutboxEntry),
    OutboxDelete(ChunkId),
    /// Delete every stored document whose name sorts from `first` to `last`, or under `last`:
    /// documents past the business's retention (#20).
    ForgetDocs {
        first: String,
        last: String,
    },
}

/// Why storage did not do what was asked; a value the screen can show.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The browser offers no storage (private mode in some browsers) or refused it.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The device ran out of space; changes are still kept (in the outbox alone, or written
    /// ahead) until the relay has them.
    #[error("storage full")]
    Full,
    /// Out of space, and a change could not be kept on this device at all: it is only in memory
    /// and on its way to the relay.
    #[error("storage full; a change is kept only in memory until sent")]
    NotKept,
    #[error("storage error: {0}")]
    Failed(String),
}

/// Names one [`Effect::Save`], so its outcome can be reported with [`DeviceCore::saved`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SaveId(pub u64);

/// Names one [`Effect::Crypto`], so its result can be handed back with [`DeviceCore::crypto_done`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CryptoId(pub u64);

/// Something the runtime must do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Open a socket to the relay.
    Open,
    /// Send this frame on the open socket.
    Send(Vec<u8>),
    /// Close the socket, then report [`SyncEvent::Closed`].
    Close,
    /// Keep this chunk synchronously, before returning to the screen (localStorage in a browser);
    /// report a failure with [`DeviceCore::write_ahead_failed`].
    WriteAhead(OutboxEntry),
    /// The chunk is safe elsewhere: drop its written-ahead copy (if there is one).
    ForgetWriteAhead(ChunkId),
    /// Apply these writes in one durable transaction, in the order the saves were asked for;
    /// report the outcome with [`DeviceCore::saved`].
    Save { id: SaveId, writes: Vec<Write> },
    /// Documents were received and wait to be saved: call [`DeviceCore::flush`] in a moment
    /// (a burst of chunks is saved in one go).
    FlushSoon,
    /// What the device holds changed: views read again.
    Changed,
    /// The local change saved with this id is kept — durably, or as safely as storage allowed
    /// ([`Effect::Problem`] says which) — and shown: whoever waits for it may go on.
    Kept(SaveId),
    /// The sync status changed (the badge).
    Status,
    /// The storage problem to show changed (`None`: it no longer holds).
    Problem(Option<StorageError>),
    /// Run a crypto op with the keys the platform holds (`crypto::Op`), then call
    /// [`DeviceCore::crypto_done`] with `id` and the result — in any order, at any later time.
    Crypto { id: CryptoId, op: Op },
    /// The relay's answer to a manager's request (an encoded `AdminReply`).
    Admin(Vec<u8>),
    /// A re-based document arrived and this device has changes to it the relay had not
    /// acknowledged: make them again on `new`, by record (`erasure::remake` of `old`, `new` and
    /// `mine`, under one of this device's actors), and hand the chunk to [`DeviceCore::remade`].
    /// The document's later arrivals wait for it.
    Remake { id: CryptoId, doc: String, old: Vec<u8>, new: Vec<u8>, mine: Vec<Vec<u8>> },
    /// This device's re-base of `doc` (an erasure, #20) was stored by the relay and is what the
    /// device holds now (`done`), or was refused: the document moved on since it was built.
    Rebased { doc: String, done: bool },
    /// The relay says `doc` is past the business's retention: hand it to
    /// [`DeviceCore::relay_expired`] (the device decides by its own rules).
    Expired { doc: String },
    /// Something went wrong that only a log needs to know.
    Warn(String),
}

/// What a save in flight is for.
#[derive(Debug)]
struct Saving {
    /// The local change's chunks, pushed once the save has an outcome.
    chunks: Vec<OutboxEntry>,
    stage: Stage,
}

#[derive(Debug, PartialEq, Eq)]
enum Stage {
    /// The first try: documents and outbox entries together (or only the background writes of
    /// a flush or an acknowledgement, when `chunks` is empty).
    Whole,
    /// Storage failed with this error: the outbox entries alone (the documents are the large
    /// part). Should that fail too, the chunks are written ahead instead.
    OutboxOnly(StorageError),
}

/// How long a chunk whose sealing failed waits before it is sealed again.
const SEAL_RETRY_MS: i64 = 30_000;

/// Sealing again after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SealRetry {
    Idle,
    /// A seal failed; the next tick sets when to try again.
    Failed,
    At(i64),
}

/// What a crypto op in flight is for.
#[derive(Debug)]
enum Purpose {
    /// Sealing an outbox chunk for the relay; the sealed bytes follow `prefix`.
    Push { chunk: ChunkId, prefix: Vec<u8> },
    /// Opening received bytes: the result waits in the document's arrivals.
    Open,
    /// Opening a snapshot another device proposed, to check it; the verdict names `digest`.
    Check { doc: String, covers_seq: u64, digest: Head, must_contain: Vec<Head> },
    /// Sealing a snapshot this device proposes.
    Snapshot { doc: String, covers_seq: u64, prefix: Vec<u8> },
    /// Signing an outbox chunk whose bytes for the relay have this SHA-256.
    Sign { chunk: ChunkId, digest: Head },
    /// Signing a snapshot this device proposes (`wire`, sealed or not), then sending it.
    SignSnapshot { doc: String, covers_seq: u64, wire: Vec<u8> },
    /// Checking the signature of received bytes: the result waits in the document's arrivals.
    Verify,
    /// Sealing a re-base this device makes of `doc` (`rebase`), then signing it.
    RebaseSeal { doc: String, covers_seq: u64, prefix: Vec<u8> },
    /// Signing a re-base (`wire`, sealed or not), then sending it.
    RebaseSign { doc: String, covers_seq: u64, wire: Vec<u8> },
    /// This device's unsent changes (`mine`) made again on a re-based document.
    Remake { mine: Vec<Vec<u8>> },
    /// Signing the relay's challenge `nonce` (`Op::Sign` of the Hello proof): then Hello.
    Prove { nonce: [u8; 32] },
}

/// An arrival's state: waiting for this op, or ready (the change, or why it cannot be applied).
type Ready = Result<Result<Vec<u8>, CryptoError>, CryptoId>;

/// Received bytes of a document, waiting their turn to be applied: a document's chunks are
/// applied in the order they arrived, whatever order the platform opens them in.
#[derive(Debug)]
struct Arrival {
    at: sync_client::Position,
    received_ms: Option<i64>,
    /// Waiting for this op, or ready: the change, or why it cannot be applied.
    ready: Result<Result<Vec<u8>, CryptoError>, CryptoId>,
    /// Whether it came sealed.
    sealed: bool,
    /// The key that signed it (every change of a chunk must be under one of its actors).
    signer: [u8; 32],
    /// The bytes as received, while their signature is being checked (then opened, if sealed);
    /// a re-based document's, while this device's unsent changes are made again on it.
    wire: Option<Vec<u8>>,
    /// For a re-based document: this device's unsent changes made again on it (a chunk, empty
    /// if there were none), and the changes that was made from.
    remade: Option<Remade>,
}

/// This device's unsent changes to a re-based document, made again on it by the platform
/// ([`Effect::Remake`]): the chunk, and the unsent changes it was made from.
type Remade = (Vec<u8>, Vec<Vec<u8>>);

/// A device: what it holds, what it owes the relay, what waits to be saved.
pub struct DeviceCore {
    /// The relay's id of this device: the writer named in what it seals.
    device: String,
    /// The tag of this device's key: every actor it writes under starts with it.
    tag: [u8; crate::authorship::TAG_LEN],
    /// That key (its own re-bases are checked against it like anyone's).
    signer: [u8; 32],
    client: SyncClient,
    replica: Replica,
    /// Documents changed by the relay and not saved since.
    dirty: BTreeSet<String>,
    /// Prefixes under which every new document is followed.
    watches: BTreeSet<String>,
    /// Saves asked for and not yet reported (a handful at a time: a list, not a map, for the
    /// wasm's size).
    saving: Vec<(SaveId, Saving)>,
    next_save: u64,
    /// Chunk ids are this session's random prefix and a counter.
    id_prefix: [u8; 8],
    next_chunk: u64,
    problem: Option<StorageError>,
    /// Chunks kept only as written-ahead copies (storage failed), until acknowledged.
    spilled: Vec<ChunkId>,
    /// Each drop box's receipts (a list: a desk holds a few dozen drop boxes).
    receipts: Vec<(String, Receipts)>,
    /// The keys the platform holds: a document whose scope has one is sealed with the newest
    /// (a list: a handful of keys, and no sorting code in the wasm for them).
    keys: Vec<KeyRef>,
    /// Crypto ops asked for and not answered yet.
    crypto: Vec<(CryptoId, Purpose)>,
    next_crypto: u64,
    /// Each document's received bytes not applied yet, in arrival order.
    arrivals: Vec<(String, Vec<Arrival>)>,
    /// Documents with bytes this device holds no key for: asked for again when keys arrive.
    gaps: BTreeSet<String>,
    /// Each document's first sealed chunk this device has known (opened here, or sealed here and
    /// acknowledged), by the relay's sequence number: bytes in the clear after it are refused.
    /// An honest relay stores nothing in the clear once a scope seals (it checks in the
    /// transaction that stores them), so everything in the clear comes before the first sealed
    /// chunk; after it, such bytes are a relay's forgery (the relay is not trusted to refuse
    /// them). A list, as `receipts`.
    sealed_from: Vec<(String, u64)>,
    seal_retry: SealRetry,
    /// Re-bases this device sent and the relay has not answered: the document, the seq it
    /// covers, and the new document's bytes (in the clear), installed here once stored.
    rebasing: Vec<(String, u64, Vec<u8>)>,
    /// Chunks dropped by a re-base while their save was in flight: never sent.
    forgotten: Vec<ChunkId>,
    /// The day (UTC) retention was last applied on ([`DeviceCore::keep`]); `None` before.
    today: Option<keeping::UtcDay>,
    /// The retention rules a manager's device considered telling the relay on this connection
    /// (`Some(None)`: it held none to tell).
    told: Option<Option<crate::retention::Retention>>,
    /// The heads of `site` when the rules were last applied.
    kept_heads: Vec<automerge::ChangeHash>,
}

/// What a device starts from: what its storage holds, and what it follows.
pub struct Start {
    /// The relay's id of this device (it proves it with its key at every Hello).
    pub device: String,
    /// The public half of that key: this device's actors are bound to it (`authorship`).
    pub signer: [u8; 32],
    /// Random bytes unique to this run (the Automerge actor and the chunk ids are made from them).
    pub seed: [u8; 16],
    /// The stored documents to load now.
    pub docs: Vec<StoredDoc>,
    /// The durable outbox.
    pub outbox: Vec<OutboxEntry>,
    /// Chunks written ahead and perhaps never saved to the outbox (a crash in between).
    pub written_ahead: Vec<OutboxEntry>,
    /// Documents to follow from the start, and prefixes to watch.
    pub follow: Vec<String>,
    pub watch: Vec<String>,
    /// The keys the platform holds (issue 19): what is written in their scopes is sealed.
    pub keys: Vec<KeyRef>,
}

impl DeviceCore {
    /// A device as its storage left it. The returned effects subscribe and watch once online.
    pub fn start(start: Start) -> (DeviceCore, Vec<Effect>) {
        let Start { device, signer, seed, docs, mut outbox, written_ahead, follow, watch, keys } = start;
        let tag = crate::authorship::tag(&signer);
        for entry in written_ahead {
            if !outbox.iter().any(|e| e.id == entry.id) {
                outbox.push(entry);
            }
        }
        outbox.sort_dyn_by(|a, b| a.order.total_cmp(&b.order));
        let mut replica = Replica::new(crate::authorship::actor(tag, seed));
        let mut effects = Vec::new();
        let mut cursors = Vec::new();
        let mut receipts = Vec::new();
        let mut sealed_from = Vec::new();
        for doc in docs {
            match replica.load(&doc.name, &doc.bytes) {
                Ok(()) => {
                    if doc.sealed_from > 0 {
                        sealed_from.push((doc.name.clone(), doc.sealed_from));
                    }
                    if !doc.received.is_empty() {
                        receipts.push((doc.name.clone(), doc.received));
                    }
                    cursors.push((doc.name, doc.cursor));
                }
                // Keep going: the relay sends the document again from the start.
                Err(err) => effects.push(Effect::Warn(format!("stored document {} unreadable: {err}", doc.name))),
            }
        }
        let client = SyncClient::new(device.clone(), cursors, outbox.into_iter().map(|e| (e.id, e.doc, e.bytes)));
        let mut id_prefix = [0; 8];
        id_prefix.copy_from_slice(&seed[8..]);
        let mut core = DeviceCore {
            device,
            tag,
            signer,
            client,
            replica,
            dirty: BTreeSet::new(),
            watches: BTreeSet::new(),
            saving: Vec::new(),
            next_save: 0,
            id_prefix,
            next_chunk: 0,
            problem: None,
            spilled: Vec::new(),
            receipts,
            keys,
            crypto: Vec::new(),
            next_crypto: 0,
            arrivals: Vec::new(),
            gaps: BTreeSet::new(),
            sealed_from,
            seal_retry: SealRetry::Idle,
            rebasing: Vec::new(),
            forgotten: Vec::new(),
            today: None,
            told: None,
            kept_heads: Vec::new(),
        };
        // The outbox is sealed afresh at every start (the chunks are kept as changes, not sealed).
        let to_seal: Vec<ChunkId> =
            core.client.outbox().filter(|(_, doc)| core.seal_key(doc).is_some()).map(|(id, _)| id).collect();
        for id in to_seal {
            core.client.reseal(id);
        }
        effects.extend(core.seal_waiting());
        effects.extend(core.sign_waiting());
        // Held and followed documents get the changes not yet acknowledged (a document first
        // written while storage was full may exist only as outbox chunks).
        // The replica's names come sorted and once each; a list keeps the wasm free of a set's
        // sorting code.
        let mut held: Vec<String> = core.replica.names().map(str::to_owned).collect();
        for doc in &follow {
            if !held.contains(doc) {
                held.push(doc.clone());
            }
        }
        for doc in &held {
            core.apply_unacknowledged(doc, &mut effects);
        }
        for doc in &follow {
            effects.extend(core.client.subscribe(doc).into_iter().map(Effect::from));
        }
        for prefix in watch {
            effects.extend(core.watch_prefix(prefix, Vec::new()));
        }
        (core, effects)
    }

    // ------------------------------------------------------------------ reading

    /// The newest epoch of `scope` the relay said at the last Welcome (0: not sealed, or not
    /// said yet).
    pub fn relay_epoch(&self, scope: frontdesk_protocol::Scope) -> u32 {
        self.client.relay_epoch(scope)
    }

    /// Whether this device waits for keys: the relay says the business seals, and it holds none
    /// — or, for a scope it holds keys of, none at or above the floor (a device was revoked and
    /// the renewed keys have not reached it). Its changes wait in the outbox meanwhile.
    pub fn waiting_for_keys(&self) -> bool {
        let scopes = frontdesk_protocol::Scope::ALL;
        let sealed = scopes.iter().any(|&s| self.client.relay_epoch(s) > 0);
        let stale = scopes.iter().any(|&s| {
            let newest = self.keys.iter().filter(|k| k.scope == s).map(|k| k.epoch).max().unwrap_or(0);
            newest > 0 && newest < self.client.floor(s)
        });
        sealed && (self.keys.is_empty() || stale)
    }

    pub fn status(&self) -> SyncStatus {
        self.client.status()
    }

    /// The storage problem the user was last told of.
    pub fn problem(&self) -> Option<&StorageError> {
        self.problem.as_ref()
    }

    /// A document, if held.
    pub fn doc(&mut self, name: &str) -> Option<&Automerge> {
        self.replica.get(name)
    }

    /// When the relay received the record `key` of the drop box `doc` (ms since the epoch), if
    /// this device saw it arrive from the relay: records this device wrote itself have none.
    pub fn received(&self, doc: &str, key: &str) -> Option<i64> {
        self.receipts_of(doc).iter().find(|(k, _)| k == key).map(|(_, at)| *at)
    }

    /// The receipts of `doc` (none for a document that is no drop box).
    fn receipts_of(&self, doc: &str) -> &[(String, i64)] {
        self.receipts.iter().find(|(name, _)| name == doc).map_or(&[], |(_, r)| r.as_slice())
    }

    /// Notes the relay's receive time of every record the bytes just applied to a drop box added.
    /// `before`: the document's root keys before, in order (as Automerge lists them).
    fn note_receipts(&mut self, doc: &str, before: &[String], received_ms: i64) {
        let Some(now) = self.replica.get(doc) else { return };
        let added: Vec<String> = root_keys(now).into_iter().filter(|k| before.binary_search(k).is_err()).collect();
        if added.is_empty() {
            return;
        }
        let at = match self.receipts.iter().position(|(name, _)| name == doc) {
            Some(at) => at,
            None => {
                self.receipts.push((doc.to_owned(), Vec::new()));
                self.receipts.len() - 1
            }
        };
        self.receipts[at].1.extend(added.into_iter().map(|k| (k, received_ms)));
    }

    /// A document's heads (empty if not held): equal heads, equal documents.
    pub fn heads(&mut self, name: &str) -> Vec<automerge::ChangeHash> {
        self.replica.heads(name)
    }

    /// The whole document as storage would keep it.
    pub fn save_bytes(&mut self, name: &str) -> Vec<u8> {
        self.replica.save(name)
    }

    /// Names of the documents held that start with `prefix`.
    pub fn names_under(&self, prefix: &str) -> Vec<String> {
        self.replica.names().filter(|n| n.starts_with(prefix)).map(str::to_owned).collect()
    }

    /// Whether `doc` is followed (loaded and subscribed).
    pub fn follows(&self, doc: &str) -> bool {
        self.client.cursor(doc).is_some()
    }

    /// The relay sequence number `doc` is applied up to.
    pub fn cursor(&self, doc: &str) -> Option<u64> {
        self.client.cursor(doc)
    }

    /// Whether `doc` holds everything the relay had of it when this connection subscribed.
    pub fn caught_up(&self, doc: &str) -> bool {
        self.client.caught_up(doc)
    }

    pub fn is_watching(&self, prefix: &str) -> bool {
        self.watches.contains(prefix)
    }

    /// Proposes a snapshot of a document after this many chunks (see `SyncClient`).
    pub fn set_snapshot_after(&mut self, chunks: u64) {
        self.client.set_snapshot_after(chunks);
    }

    /// Chunks saved here and not acknowledged, as the relay would be sent them.
    pub fn pending(&self) -> usize {
        self.client.status().pending
    }

    /// Saves asked for and not yet reported.
    pub fn saves_in_flight(&self) -> usize {
        self.saving.len()
    }

    // ------------------------------------------------------------------ following

    /// Of `names`, those not followed yet: the runtime loads them from storage, then calls
    /// [`DeviceCore::follow`].
    pub fn to_load(&self, names: &[String]) -> Vec<String> {
        names.iter().filter(|n| !self.follows(n)).cloned().collect()
    }

    /// Starts following `names` with what storage held of them (`stored`). Every name is
    /// subscribed, whether storage held it or not; names already followed are left alone.
    pub fn follow(&mut self, names: Vec<String>, stored: Vec<StoredDoc>) -> Vec<Effect> {
        let mut effects = Vec::new();
        let new: Vec<String> = names.into_iter().filter(|n| !self.follows(n)).collect();
        if new.is_empty() {
            return effects;
        }
        let loaded = self.load_stored(stored, &mut effects);
        for name in new.iter().filter(|n| !loaded.contains(n)) {
            self.apply_unacknowledged(name, &mut effects);
        }
        for name in &new {
            effects.extend(self.client.subscribe(name).into_iter().map(Effect::from));
        }
        effects.push(Effect::Changed);
        effects
    }

    /// Starts watching `prefix` with the documents storage held under it: they are followed, and
    /// every document the relay announces under it is followed as it appears.
    pub fn watch(&mut self, prefix: String, stored: Vec<StoredDoc>) -> Vec<Effect> {
        if self.watches.contains(&prefix) {
            return Vec::new();
        }
        let mut effects = self.watch_prefix(prefix, stored);
        effects.push(Effect::Changed);
        effects
    }

    fn watch_prefix(&mut self, prefix: String, stored: Vec<StoredDoc>) -> Vec<Effect> {
        let mut effects = Vec::new();
        let loaded = self.load_stored(stored, &mut effects);
        for name in &loaded {
            effects.extend(self.client.subscribe(name).into_iter().map(Effect::from));
        }
        effects.extend(self.client.watch(&prefix).into_iter().map(Effect::from));
        self.watches.insert(prefix);
        effects
    }

    /// Loads stored documents not followed yet; returns the names loaded.
    fn load_stored(&mut self, stored: Vec<StoredDoc>, effects: &mut Vec<Effect>) -> Vec<String> {
        let mut loaded = Vec::new();
        for doc in stored {
            if self.follows(&doc.name) {
                continue;
            }
            match self.replica.load(&doc.name, &doc.bytes) {
                Ok(()) => {
                    self.client.set_cursor(&doc.name, doc.cursor);
                    if doc.sealed_from > 0 {
                        self.sealed_from.push((doc.name.clone(), doc.sealed_from));
                    }
                    self.apply_unacknowledged(&doc.name, effects);
                    loaded.push(doc.name);
                }
                Err(err) => effects.push(Effect::Warn(format!("stored document {} unreadable: {err}", doc.name))),
            }
        }
        loaded
    }

    /// Applies to a document the chunks of it the relay has not acknowledged: they are in it
    /// already, unless its save failed for lack of space (applying a change twice does nothing).
    fn apply_unacknowledged(&mut self, doc: &str, effects: &mut Vec<Effect>) {
        let chunks: Vec<Vec<u8>> = self.client.unacknowledged(doc).map(<[u8]>::to_vec).collect();
        for bytes in chunks {
            if let Err(err) = self.replica.apply(doc, &bytes) {
                effects.push(Effect::Warn(format!("an unsent change to {doc} could not be applied: {err}")));
            }
        }
    }

    // ------------------------------------------------------------------ local changes

    /// Makes a local change to a followed document. The effects save it; it is shown and sent
    /// once the save is reported. A change that writes nothing asks for nothing.
    pub fn change<R>(
        &mut self,
        doc: &str,
        edit: impl FnOnce(&mut AutoCommit) -> Result<R, String>,
        now_ms: f64,
    ) -> Result<(R, Vec<Effect>), ReplicaError> {
        let id = self.chunk_id();
        let (result, chunk) = self.replica.change(doc, |d| crate::history::as_chunk(id, || edit(d)))?;
        Ok((result, self.save_local(vec![(doc.to_owned(), chunk)], &[(doc.to_owned(), id)], now_ms)))
    }

    /// Changes several documents as one (an order and the stock it takes): saved in one
    /// transaction, so on disk together or not at all. If any edit fails, none is kept.
    pub fn change_all(&mut self, edits: Vec<(String, DocEdit)>, now_ms: f64) -> Result<Vec<Effect>, ReplicaError> {
        // Each document's chunk has its id before its edits run, so a History entry written in
        // them can name it (`history::as_chunk`); an id left unused (nothing written) is skipped.
        let mut ids: Vec<(String, ChunkId)> = Vec::new();
        let mut named: Vec<(String, DocEdit)> = Vec::with_capacity(edits.len());
        for (doc, edit) in edits {
            let id = match ids.iter().find(|(d, _)| *d == doc) {
                Some((_, id)) => *id,
                None => {
                    let id = self.chunk_id();
                    ids.push((doc.clone(), id));
                    id
                }
            };
            named.push((doc, Box::new(move |d| crate::history::as_chunk(id, || edit(d)))));
        }
        let edits = named;
        let chunks = self.replica.change_all(edits)?;
        Ok(self.save_local(chunks, &ids, now_ms))
    }

    /// Saves local chunks, each under the id its document's edits were made with (`ids`).
    fn save_local(&mut self, chunks: Vec<(String, Vec<u8>)>, ids: &[(String, ChunkId)], now_ms: f64) -> Vec<Effect> {
        let mut writes = Vec::new();
        let mut entries = Vec::new();
        for (doc, bytes) in chunks.into_iter().filter(|(_, c)| !c.is_empty()) {
            let cursor = self.client.cursor(&doc).unwrap_or(0);
            let received = self.receipts_of(&doc).to_vec();
            let sealed_from = self.sealed_from_of(&doc);
            writes.push(Write::Doc {
                name: doc.clone(),
                bytes: self.replica.save(&doc),
                cursor,
                received,
                sealed_from,
            });
            let id = match ids.iter().find(|(d, _)| *d == doc) {
                Some((_, id)) => *id,
                None => self.chunk_id(),
            };
            let entry = OutboxEntry { id, doc, bytes, order: now_ms };
            writes.push(Write::OutboxPut(entry.clone()));
            entries.push(entry);
        }
        if entries.is_empty() {
            return Vec::new();
        }
        vec![self.save(writes, entries)]
    }

    /// Queues a chunk made outside any held document (a kiosk's check-in, a punch of the time
    /// clock), which the screen confirms at once: it is written ahead before anything else,
    /// then saved to the outbox, then sent.
    pub fn submit(&mut self, doc: &str, bytes: Vec<u8>, now_ms: f64) -> Vec<Effect> {
        let entry = OutboxEntry { id: self.chunk_id(), doc: doc.to_owned(), bytes, order: now_ms };
        let save = self.save(vec![Write::OutboxPut(entry.clone())], vec![entry.clone()]);
        vec![Effect::WriteAhead(entry), save]
    }

    fn chunk_id(&mut self) -> ChunkId {
        let mut id = [0; 16];
        id[..8].copy_from_slice(&self.id_prefix);
        id[8..].copy_from_slice(&self.next_chunk.to_be_bytes());
        self.next_chunk += 1;
        ChunkId(id)
    }

    fn save(&mut self, writes: Vec<Write>, chunks: Vec<OutboxEntry>) -> Effect {
        let id = SaveId(self.next_save);
        self.next_save += 1;
        self.saving.push((id, Saving { chunks, stage: Stage::Whole }));
        Effect::Save { id, writes }
    }

    /// How a save went. A local change is shown and sent whatever the outcome: when storage is
    /// full its chunks are still kept — in the outbox alone, else written ahead — so a change the
    /// screen shows is never only in memory, and the user is told.
    pub fn saved(&mut self, id: SaveId, result: Result<(), StorageError>) -> Vec<Effect> {
        let Some(at) = self.saving.iter().position(|(s, _)| *s == id) else { return Vec::new() };
        let (_, mut saving) = self.saving.remove(at);
        let mut effects = Vec::new();
        match (result, saving.stage) {
            (Ok(()), stage) => {
                // Durable in the outbox: a written-ahead copy is no longer needed.
                effects.extend(saving.chunks.iter().map(|c| Effect::ForgetWriteAhead(c.id)));
                match stage {
                    Stage::Whole if matches!(self.problem, Some(StorageError::Full | StorageError::NotKept)) => {
                        // There is room again: a full-storage warning no longer holds.
                        self.set_problem(None, &mut effects);
                    }
                    Stage::OutboxOnly(err) => self.set_problem(Some(err), &mut effects),
                    Stage::Whole => {}
                }
            }
            (Err(err), Stage::Whole) if !saving.chunks.is_empty() => {
                let writes = saving.chunks.iter().cloned().map(Write::OutboxPut).collect();
                saving.stage = Stage::OutboxOnly(err);
                self.saving.push((id, saving));
                return vec![Effect::Save { id, writes }];
            }
            (Err(err), Stage::Whole) => {
                // A background save (received documents, a cleared outbox entry): the documents
                // are fetched again after their stored cursor, the entry acknowledged again.
                self.set_problem(Some(err), &mut effects);
                return effects;
            }
            (Err(_), Stage::OutboxOnly(first)) => {
                self.set_problem(Some(first), &mut effects);
                for chunk in &saving.chunks {
                    self.spilled.push(chunk.id);
                    effects.push(Effect::WriteAhead(chunk.clone()));
                }
            }
        }
        if saving.chunks.is_empty() {
            return effects;
        }
        effects.push(Effect::Changed);
        effects.push(Effect::Kept(id));
        // Chunks a re-base dropped meanwhile are not sent (and forgotten once past).
        let (chunks, dropped): (Vec<OutboxEntry>, Vec<OutboxEntry>) =
            saving.chunks.into_iter().partition(|c| !self.forgotten.contains(&c.id));
        self.forgotten.retain(|id| !dropped.iter().any(|c| c.id == *id));
        for chunk in chunks {
            // Sealed when a key is held; held back, never sent in the clear, when the relay
            // says the scope is sealed and the key has not come yet.
            if self.seal_key(&chunk.doc).is_some() || self.client.must_seal(&chunk.doc) {
                effects
                    .extend(self.client.push_sealing(chunk.id, &chunk.doc, chunk.bytes).into_iter().map(Effect::from));
                effects.extend(self.seal_waiting());
            } else {
                effects.extend(self.client.push(chunk.id, &chunk.doc, chunk.bytes).into_iter().map(Effect::from))
            }
        }
        effects.extend(self.sign_waiting());
        effects
    }

    // ------------------------------------------------------------------ sealing (issue 19)

    /// The key `doc` is sealed with: its scope's newest held here; `None` when the device holds
    /// none (the document goes to the relay as it is, as before encryption) or none at or above
    /// the scope's floor (a device was revoked and this one has not got the new keys yet: its
    /// chunks wait for them).
    fn seal_key(&self, doc: &str) -> Option<KeyRef> {
        let scope = Area::of(doc)?.scope()?;
        // Never a key of an epoch the relay has not numbered (one planted in this device's
        // envelopes ahead of a rotation): the relay refuses such bytes, and no other device
        // would get that key from a manager.
        let numbered = self.client.relay_epoch(scope);
        let newest = self
            .keys
            .iter()
            .filter(|k| k.scope == scope && (numbered == 0 || k.epoch <= numbered))
            .max_by_key(|k| k.epoch)
            .copied()?;
        (newest.epoch >= self.client.floor(scope)).then_some(newest)
    }

    fn crypto_op(&mut self, op: Op, purpose: Purpose) -> Effect {
        let id = CryptoId(self.next_crypto);
        self.next_crypto += 1;
        self.crypto.push((id, purpose));
        Effect::Crypto { id, op }
    }

    /// Asks the platform to seal every outbox chunk waiting to be sealed that no op is sealing.
    fn seal_waiting(&mut self) -> Vec<Effect> {
        let sealing: Vec<ChunkId> = self
            .crypto
            .iter()
            .filter_map(|(_, p)| if let Purpose::Push { chunk, .. } = p { Some(*chunk) } else { None })
            .collect();
        let waiting: Vec<(ChunkId, String, Vec<u8>)> = self
            .client
            .unsealed()
            .filter(|(id, ..)| !sealing.contains(id))
            .map(|(id, doc, bytes)| (id, doc.to_owned(), bytes.to_vec()))
            .collect();
        let mut effects = Vec::new();
        for (chunk, doc, bytes) in waiting {
            let Some(key) = self.seal_key(&doc) else { continue };
            let what = if key.scope.is_drop() { Sealable::Drop } else { Sealable::Chunk };
            match crypto::sealing(&doc, what, key.epoch, &self.device, &bytes) {
                Ok(s) => effects.push(self.crypto_op(s.op, Purpose::Push { chunk, prefix: s.prefix })),
                Err(err) => effects.push(Effect::Warn(format!("a change to {doc} cannot be sealed: {err}"))),
            }
        }
        effects
    }

    /// Asks the platform to sign every outbox chunk that is ready but for its signature (and not
    /// being signed already). Not while a failed op waits to be retried (`seal_retry`).
    fn sign_waiting(&mut self) -> Vec<Effect> {
        if self.seal_retry != SealRetry::Idle {
            return Vec::new();
        }
        let signing: Vec<ChunkId> = self
            .crypto
            .iter()
            .filter_map(|(_, p)| if let Purpose::Sign { chunk, .. } = p { Some(*chunk) } else { None })
            .collect();
        let waiting: Vec<(ChunkId, Head, Vec<u8>)> = self
            .client
            .unsigned()
            .filter(|(id, ..)| !signing.contains(id))
            .map(|(id, doc, wire)| {
                let digest: Head = sha2::Sha256::digest(wire).into();
                (id, digest, frontdesk_protocol::chunk_proof(doc, &digest))
            })
            .collect();
        waiting
            .into_iter()
            .map(|(chunk, digest, message)| self.crypto_op(Op::Sign { message }, Purpose::Sign { chunk, digest }))
            .collect()
    }

    /// The tag of this device's key, which its actors start with (`authorship::tag`).
    pub fn tag(&self) -> [u8; crate::authorship::TAG_LEN] {
        self.tag
    }

    /// An actor of this device for a standalone change (a check-in, a punch, a hand-over of
    /// keys): its key's tag, then 8 of `random`'s bytes.
    pub fn actor(&self, random: [u8; 16]) -> [u8; 16] {
        crate::authorship::actor(self.tag, random)
    }

    /// Whether bytes sealed with `key`, which this device lacks, may open here later — a gap the
    /// cursor waits at — rather than never (skipped as damaged). Any epoch up to the newest the
    /// relay has numbered for the scope may come (a device waiting for its first keys holds
    /// none yet); so may the one after the newest held here (a rotation since the Welcome).
    /// Anything beyond is nobody's, or a device could freeze every other device's cursor with one
    /// chunk under a made-up epoch. A device that holds no key, in a business whose relay
    /// numbered none, does not encrypt: sealed bytes are nobody's there.
    fn may_get(&self, key: KeyRef) -> bool {
        let newest = self.keys.iter().filter(|k| k.scope == key.scope).map(|k| k.epoch).max().unwrap_or(0);
        key.epoch <= self.client.relay_epoch(key.scope)
            || (!self.keys.is_empty() && key.epoch <= newest.saturating_add(1))
    }

    /// The platform now holds more keys: chunks waiting for one are sealed (and chunks queued in
    /// the clear before it, not yet acknowledged, are sealed instead), and documents with bytes
    /// this device could not open are asked for again from their cursor.
    pub fn keys_added(&mut self, keys: Vec<KeyRef>) -> Vec<Effect> {
        for key in keys {
            if !self.keys.contains(&key) {
                self.keys.push(key);
            }
        }
        let to_seal: Vec<ChunkId> =
            self.client.outbox().filter(|(_, doc)| self.seal_key(doc).is_some()).map(|(id, _)| id).collect();
        for id in to_seal {
            self.client.reseal(id);
        }
        let mut effects = self.seal_waiting();
        for doc in std::mem::take(&mut self.gaps) {
            effects.extend(self.client.resubscribe(&doc).into_iter().map(Effect::from));
        }
        effects
    }

    /// Encryption was just turned on in a business that ran without it: proposes a sealed
    /// snapshot of every document this device holds in full in a scope it seals, drop boxes
    /// aside (only their writer may write them, and they take no snapshot). Once another device
    /// has proven one, the relay empties the chunks it covers — what it stored in the clear —
    /// and replaces a snapshot in the clear; `frontdesk-relay purge-plaintext` then wipes their
    /// traces from its files.
    pub fn seal_history(&mut self) -> Vec<Effect> {
        let wanted: Vec<sync_client::Effect> = self
            .replica
            .names()
            .filter(|doc| !crate::doc_name::is_drop_box(doc) && self.seal_key(doc).is_some())
            .filter(|doc| self.client.caught_up(doc))
            .filter_map(|doc| {
                let covers_seq = self.client.cursor(doc).filter(|&c| c > 0)?;
                Some(sync_client::Effect::WantSnapshot { doc: doc.to_owned(), covers_seq })
            })
            .collect();
        self.run(wanted)
    }

    /// Crypto ops asked for and not answered.
    pub fn crypto_in_flight(&self) -> usize {
        self.crypto.len()
    }

    /// The result of an [`Effect::Crypto`]. Results may come in any order; received chunks are
    /// still applied in the order they arrived.
    pub fn crypto_done(&mut self, id: CryptoId, result: Result<Vec<u8>, CryptoError>) -> Vec<Effect> {
        let Some(at) = self.crypto.iter().position(|(c, _)| *c == id) else { return Vec::new() };
        let (_, purpose) = self.crypto.remove(at);
        let mut effects = Vec::new();
        let mut queue = VecDeque::new();
        match (purpose, result) {
            (Purpose::Push { chunk, prefix }, Ok(sealed)) => {
                let mut wire = prefix;
                wire.extend_from_slice(&sealed);
                queue.extend(self.client.sealed(chunk, wire));
                // Sealed under an epoch the relay has since put below its floor: not kept, so
                // sealed again now if a newer key is held (else when it comes).
                effects.extend(self.seal_waiting());
            }
            (Purpose::Push { .. }, Err(err)) => {
                // Still in the outbox, and its document's later chunks wait behind it: sealed
                // again in a while (or when keys arrive, or at the next start).
                effects.push(Effect::Warn(format!("a change could not be sealed: {err}; trying again")));
                self.seal_retry = SealRetry::Failed;
            }
            (Purpose::Open, result) => {
                let result = result.and_then(|padded| crypto::opened(&padded));
                let found = self.arrivals.iter_mut().find_map(|(doc, waiting)| {
                    let arrival = waiting.iter_mut().find(|a| a.ready == Err(id))?;
                    arrival.ready = Ok(result.clone());
                    Some(doc.clone())
                });
                if let Some(doc) = found {
                    self.drain_arrivals(&doc, &mut queue, &mut effects);
                }
            }
            (Purpose::Check { doc, covers_seq, digest, must_contain }, result) => {
                let verdict = match result.and_then(|padded| crypto::opened(&padded)) {
                    Ok(plain) => self.check_snapshot(&doc, &plain, &must_contain),
                    // No key: this device cannot tell.
                    Err(CryptoError::NoKey(_) | CryptoError::Platform(_)) => None,
                    Err(_) => Some(false),
                };
                queue.extend(self.verdict(&doc, covers_seq, digest, verdict, &mut effects));
            }
            (Purpose::Snapshot { doc, covers_seq, prefix }, Ok(sealed)) => {
                let mut wire = prefix;
                wire.extend_from_slice(&sealed);
                effects.push(self.sign_snapshot(doc, covers_seq, wire));
            }
            (Purpose::Prove { nonce }, Ok(signature)) => queue.extend(self.client.proved(nonce, signature)),
            // The socket is closed for want of a Hello in time, and the next one is proved again.
            (Purpose::Prove { .. }, Err(err)) => {
                effects.push(Effect::Warn(format!("the device key could not sign: {err}")))
            }
            (Purpose::Sign { chunk, digest }, Ok(signature)) => {
                queue.extend(self.client.signed(chunk, &digest, signature));
            }
            (Purpose::Sign { .. } | Purpose::SignSnapshot { .. }, Err(err)) => {
                effects.push(Effect::Warn(format!("a change could not be signed: {err}; trying again")));
                self.seal_retry = SealRetry::Failed;
            }
            (Purpose::SignSnapshot { doc, covers_seq, wire }, Ok(signature)) => {
                queue.extend(self.client.snapshot(&doc, covers_seq, wire, signature));
            }
            (Purpose::Verify, result) => {
                let found = self.arrivals.iter().position(|(_, waiting)| waiting.iter().any(|a| a.ready == Err(id)));
                if let Some(at) = found {
                    let doc = self.arrivals[at].0.clone();
                    let arrival = self.arrivals[at].1.iter_mut().find(|a| a.ready == Err(id)).expect("found");
                    let (wire, position) = (arrival.wire.take().unwrap_or_default(), arrival.at);
                    let (ready, effect) = match result {
                        Ok(_) => self.open_arrival(&doc, position, wire),
                        // The platform failed, not the bytes: a gap, asked for again later.
                        Err(err @ CryptoError::Platform(_)) => (Ok(Err(err)), None),
                        Err(_) => (Ok(Err(CryptoError::BadSignature)), None),
                    };
                    effects.extend(effect);
                    if let Some(arrival) = self.arrivals[at].1.iter_mut().find(|a| a.ready == Err(id)) {
                        arrival.ready = ready;
                    }
                    self.drain_arrivals(&doc, &mut queue, &mut effects);
                }
            }
            (Purpose::Snapshot { doc, .. }, Err(err)) => {
                effects.push(Effect::Warn(format!("a snapshot of {doc} could not be sealed: {err}")));
            }
            // Answered through `remade`, never here.
            (Purpose::Remake { .. }, _) => {}
            (Purpose::RebaseSeal { doc, covers_seq, prefix }, Ok(sealed)) => {
                let mut wire = prefix;
                wire.extend_from_slice(&sealed);
                effects.push(self.sign_rebase(doc, covers_seq, wire));
            }
            (Purpose::RebaseSign { doc, covers_seq, wire }, Ok(signature)) => {
                if self.client.is_online() {
                    queue.extend(self.client.rebase(&doc, covers_seq - 1, wire, signature));
                } else {
                    effects.extend(self.rebase_refused(&doc));
                }
            }
            (Purpose::RebaseSeal { doc, .. } | Purpose::RebaseSign { doc, .. }, Err(err)) => {
                effects.push(Effect::Warn(format!("a re-base of {doc} could not be sealed or signed: {err}")));
                effects.extend(self.rebase_refused(&doc));
            }
        }
        effects.extend(self.run_queue(queue));
        effects
    }

    /// The verdict on a proposed snapshot, for the relay (none when this device cannot tell).
    fn verdict(
        &mut self,
        doc: &str,
        covers_seq: u64,
        digest: Head,
        sound: Option<bool>,
        effects: &mut Vec<Effect>,
    ) -> Vec<sync_client::Effect> {
        let Some(sound) = sound else { return Vec::new() };
        if !sound {
            effects.push(Effect::Warn(format!("a proposed snapshot of {doc} is unsound; said so")));
        }
        self.client.checked(doc, covers_seq, digest, sound)
    }

    /// Received bytes of `doc` join its arrivals: their signature is checked first (an unsigned
    /// chunk is refused), then plain bytes are ready, sealed bytes once the platform has opened
    /// them.
    fn arrive(
        &mut self,
        doc: String,
        at: sync_client::Position,
        bytes: Vec<u8>,
        received_ms: Option<i64>,
        author: Author,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        let came_sealed = sealed::is_sealed(&bytes);
        let (ready, signer, wire) = match crate::authorship::signer(&author) {
            Ok(key) => {
                let digest: Head = sha2::Sha256::digest(&bytes).into();
                let message = match at {
                    sync_client::Position::Chunk(_) => frontdesk_protocol::chunk_proof(&doc, &digest),
                    sync_client::Position::Snapshot(covers) => {
                        frontdesk_protocol::snapshot_proof(&doc, covers, &digest)
                    }
                    sync_client::Position::Rebase(covers) => frontdesk_protocol::rebase_proof(&doc, covers, &digest),
                };
                let op = Op::Verify { key, message, signature: author.signature };
                let effect = self.crypto_op(op, Purpose::Verify);
                let Effect::Crypto { id, .. } = &effect else { unreachable!("crypto_op makes a Crypto effect") };
                let id = *id;
                effects.push(effect);
                (Err(id), key, Some(bytes))
            }
            Err(_) => (Ok(Err(CryptoError::BadSignature)), [0; 32], None),
        };
        let arrival = Arrival { at, received_ms, ready, sealed: came_sealed, signer, wire, remade: None };
        match self.arrivals.iter_mut().find(|(d, _)| *d == doc) {
            Some((_, waiting)) => waiting.push(arrival),
            None => self.arrivals.push((doc, vec![arrival])),
        }
        effects
    }

    /// What becomes of received bytes whose signature holds: plain bytes are ready (judged when
    /// their turn comes, `drain_arrivals`: sealed bytes before them may mark the document sealed
    /// meanwhile), sealed bytes wait for the op that opens them.
    fn open_arrival(&mut self, doc: &str, at: sync_client::Position, bytes: Vec<u8>) -> (Ready, Option<Effect>) {
        if !sealed::is_sealed(&bytes) {
            return (Ok(Ok(bytes)), None);
        }
        match crypto::opening(doc, &bytes) {
            Ok(opening) if kind_fits(opening.header.kind, at) => {
                let effect = self.crypto_op(opening.op, Purpose::Open);
                let Effect::Crypto { id, .. } = &effect else { unreachable!("crypto_op makes a Crypto effect") };
                (Err(*id), Some(effect))
            }
            Ok(opening) => (Ok(Err(CryptoError::Sealed(SealedError::WrongKind { scope: opening.header.scope }))), None),
            Err(err) => (Ok(Err(CryptoError::Sealed(err))), None),
        }
    }

    /// Asks the platform to sign a snapshot this device proposes; it is sent once signed.
    fn sign_snapshot(&mut self, doc: String, covers_seq: u64, wire: Vec<u8>) -> Effect {
        let message = frontdesk_protocol::snapshot_proof(&doc, covers_seq, &sha2::Sha256::digest(&wire).into());
        self.crypto_op(Op::Sign { message }, Purpose::SignSnapshot { doc, covers_seq, wire })
    }

    /// `doc`'s first sealed chunk known here (0: none).
    fn sealed_from_of(&self, doc: &str) -> u64 {
        self.sealed_from.iter().find(|(d, _)| d == doc).map_or(0, |(_, seq)| *seq)
    }

    /// The scope whose bytes `doc` takes sealed only at `at`, if bytes in the clear are refused
    /// there: after its first sealed chunk (a snapshot covering that chunk, too), or anywhere in
    /// the keyring.
    fn refuses_clear(&self, doc: &str, at: sync_client::Position) -> Option<sealed::Scope> {
        let area = Area::of(doc)?;
        let from = self.sealed_from_of(doc);
        let after = match at {
            sync_client::Position::Chunk(seq) => from > 0 && seq > from,
            sync_client::Position::Snapshot(covers_seq) | sync_client::Position::Rebase(covers_seq) => {
                from > 0 && covers_seq >= from
            }
        };
        (area == Area::Keyring || after).then(|| area.scope()).flatten()
    }

    /// Notes that `doc`'s chunk `seq` came sealed (kept with the document at its next save).
    fn mark_sealed(&mut self, doc: &str, seq: u64, effects: &mut Vec<Effect>) {
        let from = self.sealed_from_of(doc);
        if from != 0 && from <= seq {
            return;
        }
        match self.sealed_from.iter_mut().find(|(d, _)| d == doc) {
            Some((_, at)) => *at = seq,
            None => self.sealed_from.push((doc.to_owned(), seq)),
        }
        if self.replica.get(doc).is_some() {
            if self.dirty.is_empty() {
                effects.push(Effect::FlushSoon);
            }
            self.dirty.insert(doc.to_owned());
        }
    }

    /// Applies the document's arrivals that are ready, in order, up to the first still opening.
    fn drain_arrivals(&mut self, doc: &str, queue: &mut VecDeque<sync_client::Effect>, effects: &mut Vec<Effect>) {
        loop {
            let Some(at) = self.arrivals.iter().position(|(d, _)| d == doc) else { return };
            let waiting = &mut self.arrivals[at].1;
            if !matches!(waiting.first(), Some(Arrival { ready: Ok(_), .. })) {
                if waiting.is_empty() {
                    self.arrivals.remove(at);
                }
                return;
            }
            let Arrival { at: position, received_ms, ready, sealed, signer, remade, .. } = waiting.remove(0);
            let bytes = match ready.expect("ready") {
                Ok(bytes) if sealed => {
                    // A snapshot marks nothing: chunks in the clear may follow what it covers
                    // (stored before the business sealed, not yet covered by any snapshot).
                    if let sync_client::Position::Chunk(seq) = position {
                        self.mark_sealed(doc, seq, effects);
                    }
                    Ok(bytes)
                }
                // The keyring is written sealed only (a tablet keeps its vouched devices to itself
                // until it holds the managers' key): bytes in the clear there are a relay's
                // forgery, which could point a manager's tablet at a key of its own. So are bytes
                // in the clear in any document that has held sealed ones. Skipped as damaged.
                Ok(bytes) => match self.refuses_clear(doc, position) {
                    Some(scope) => Err(CryptoError::Sealed(SealedError::Unsealed { scope }).to_string()),
                    None => Ok(bytes),
                },
                // Sealed with a key this device does not hold yet: the cursor stays before it,
                // and the document is asked for again when keys arrive (at once, if the key came
                // while this was being opened).
                Err(CryptoError::NoKey(key)) if self.may_get(key) => {
                    if self.gaps.insert(doc.to_owned()) && self.keys.contains(&key) {
                        queue.extend(self.client.resubscribe(doc));
                    }
                    continue;
                }
                // The platform failed (not the bytes): asked for again on the next connection.
                Err(CryptoError::Platform(err)) => {
                    effects
                        .push(Effect::Warn(format!("a chunk of {doc} could not be opened: {err}; asked again later")));
                    self.gaps.insert(doc.to_owned());
                    continue;
                }
                Err(err) => Err(err.to_string()),
            };
            // Every change of a chunk is under an actor of the device that signed it: a change
            // made to pass for another device's is refused with its whole chunk. (A snapshot
            // holds every device's changes; its proposer vouches for it, and another device
            // checked it before the relay kept it. A re-based document is a fresh one, all its
            // changes made by the manager's tablet that signed it.)
            let bytes = match position {
                sync_client::Position::Chunk(_) | sync_client::Position::Rebase(_) => bytes.and_then(|bytes| {
                    crate::authorship::check_actors(&bytes, &signer).map(|()| bytes).map_err(|err| err.to_string())
                }),
                sync_client::Position::Snapshot(_) => bytes,
            };
            // A re-based document waits while the platform makes this device's unsent changes
            // again on it (the copying code is loaded only then).
            if let (sync_client::Position::Rebase(_), Ok(plain)) = (position, &bytes)
                && let Some(effect) = self.remake(doc, position, plain, signer, remade.as_ref())
            {
                effects.push(effect);
                continue;
            }
            let remade = remade.map(|(chunk, _)| chunk).unwrap_or_default();
            queue.extend(self.apply_received(doc, position, bytes, received_ms, remade, effects));
        }
    }

    /// A write-ahead the runtime could not make. Only when it was the last place a change
    /// could be kept (storage had failed) does the user hear of it.
    pub fn write_ahead_failed(&mut self, chunk: ChunkId) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.spilled.contains(&chunk) {
            self.set_problem(Some(StorageError::NotKept), &mut effects);
        }
        effects
    }

    fn set_problem(&mut self, problem: Option<StorageError>, effects: &mut Vec<Effect>) {
        if self.problem != problem {
            self.problem = problem.clone();
            effects.push(Effect::Problem(problem));
        }
    }

    // ------------------------------------------------------------------ the relay

    /// Time passed, the socket opened or closed, or a frame arrived.
    pub fn handle(&mut self, event: SyncEvent, now_ms: i64, jitter: f64) -> Vec<Effect> {
        let tick = event == SyncEvent::Tick;
        let was_online = self.client.is_online();
        let client_effects = self.client.handle(event, now_ms, jitter);
        let mut effects = self.run(client_effects);
        if !was_online && self.client.is_online() {
            // A manager's device considers telling the relay the rules again (`keep_due`).
            self.told = None;
            // The Welcome may have put chunks back to be sealed (queued in the clear, or sealed
            // under an epoch now below its floor): sealed now with the keys held.
            effects.extend(self.seal_waiting());
        }
        if was_online && !self.client.is_online() {
            // A re-base unanswered when the link went: not known to be stored (if it was, the
            // next subscribe brings it as any device's).
            let docs: Vec<String> = self.rebasing.iter().map(|(d, ..)| d.clone()).collect();
            for doc in docs {
                effects.extend(self.rebase_refused(&doc));
            }
        }
        if tick {
            match self.seal_retry {
                SealRetry::Failed => self.seal_retry = SealRetry::At(now_ms + SEAL_RETRY_MS),
                SealRetry::At(at) if now_ms >= at => {
                    self.seal_retry = SealRetry::Idle;
                    effects.extend(self.seal_waiting());
                    effects.extend(self.sign_waiting());
                }
                _ => {}
            }
        }
        effects
    }

    /// A request answered apart (`AdminReply`: a manager's, or a History's question of when the
    /// relay stored its edits); `None` when offline (the screen says so).
    pub fn request(&mut self, msg: frontdesk_protocol::ClientMsg) -> Option<Vec<Effect>> {
        let effects = self.client.request(msg)?;
        Some(self.run(effects))
    }

    /// Saves the documents received since the last flush, each with the cursor it is applied up to.
    pub fn flush(&mut self) -> Vec<Effect> {
        let dirty = std::mem::take(&mut self.dirty);
        let writes: Vec<Write> = dirty
            .into_iter()
            .map(|name| {
                let bytes = self.replica.save(&name);
                let cursor = self.client.cursor(&name).unwrap_or(0);
                let received = self.receipts_of(&name).to_vec();
                let sealed_from = self.sealed_from_of(&name);
                Write::Doc { name, bytes, cursor, received, sealed_from }
            })
            .collect();
        if writes.is_empty() {
            return Vec::new();
        }
        vec![self.save(writes, Vec::new()), Effect::Changed]
    }

    /// Whether a snapshot another device proposed is sound: it loads (and is no decompression
    /// bomb), holds every head of the chunks it covers, and holds nothing this device has not
    /// seen in the log (or made itself). `None` when this device cannot tell: it does not hold
    /// the document, or not yet everything the snapshot holds.
    fn check_snapshot(&mut self, doc: &str, bytes: &[u8], must_contain: &[Head]) -> Option<bool> {
        if crate::chunk::check_inflation(bytes, crate::chunk::MAX_INFLATED).is_err() {
            return Some(false);
        }
        let Ok(mut proposed) = AutoCommit::load(bytes) else { return Some(false) };
        let holds = |d: &mut AutoCommit, h: &Head| d.get_change_by_hash(&automerge::ChangeHash(*h)).is_some();
        if !must_contain.iter().all(|h| holds(&mut proposed, h)) {
            return Some(false);
        }
        let mine = self.replica.get(doc)?;
        let known = proposed.get_heads().iter().all(|h| mine.get_change_by_hash(h).is_some());
        known.then_some(true)
    }

    /// Applies received bytes (or notes why they cannot be) and moves the cursor over them.
    fn apply_received(
        &mut self,
        doc: &str,
        at: sync_client::Position,
        bytes: Result<Vec<u8>, String>,
        received_ms: Option<i64>,
        remade: Vec<u8>,
        effects: &mut Vec<Effect>,
    ) -> Vec<sync_client::Effect> {
        if let sync_client::Position::Rebase(covers_seq) = at {
            // The relay may send one re-base twice (live, and in a backlog read meanwhile).
            if self.client.cursor(doc).is_some_and(|c| c >= covers_seq) {
                return Vec::new();
            }
            return match bytes {
                Ok(bytes) => self.install_rebase(doc, covers_seq, &bytes, &remade, effects),
                Err(err) => {
                    effects.push(Effect::Warn(format!("re-based {doc} not applied: {err}")));
                    Vec::new()
                }
            };
        }
        // A drop box's records are stamped with the relay's receive time.
        let stamp = received_ms.filter(|_| crate::doc_name::is_drop_box(doc));
        let before: Vec<String> = match stamp {
            Some(_) => self.replica.get(doc).map(root_keys).unwrap_or_default(),
            None => Vec::new(),
        };
        let applied = bytes.and_then(|bytes| {
            crate::chunk::check_inflation(&bytes, crate::chunk::MAX_INFLATED)
                .map_err(|err| err.to_string())
                .and_then(|()| self.replica.apply(doc, &bytes).map_err(|err| err.to_string()))
        });
        match (applied, at) {
            (Ok(_), _) => {
                if let Some(received_ms) = stamp {
                    self.note_receipts(doc, &before, received_ms);
                }
                if self.dirty.is_empty() {
                    effects.push(Effect::FlushSoon);
                }
                self.dirty.insert(doc.to_owned());
                self.client.applied(doc, at)
            }
            // Damaged bytes never become good: skipped, so they are not fetched forever.
            (Err(err), sync_client::Position::Chunk(_)) => {
                effects.push(Effect::Warn(format!("chunk for {doc} skipped: {err}")));
                self.client.applied(doc, at)
            }
            // A snapshot stands for chunks this device has not seen: the cursor stays.
            (Err(err), sync_client::Position::Snapshot(_) | sync_client::Position::Rebase(_)) => {
                effects.push(Effect::Warn(format!("snapshot of {doc} not applied: {err}")));
                Vec::new()
            }
        }
    }

    /// Carries out what the sync client decided that is not the runtime's to do.
    fn run(&mut self, client_effects: Vec<sync_client::Effect>) -> Vec<Effect> {
        self.run_queue(client_effects.into())
    }

    fn run_queue(&mut self, mut queue: VecDeque<sync_client::Effect>) -> Vec<Effect> {
        let mut effects = Vec::new();
        while let Some(effect) = queue.pop_front() {
            match effect {
                sync_client::Effect::Apply { doc, at, bytes, received_ms, author } => {
                    effects.extend(self.arrive(doc.clone(), at, bytes, received_ms, author));
                    self.drain_arrivals(&doc, &mut queue, &mut effects);
                }
                sync_client::Effect::Check { doc, covers_seq, bytes, must_contain } => {
                    // The verdict names the bytes it is about (as the relay holds them): it
                    // cannot prove others.
                    let digest: Head = sha2::Sha256::digest(&bytes).into();
                    if !sealed::is_sealed(&bytes) {
                        // In the clear where the business seals: unsound whatever it holds.
                        let refused = self.client.must_seal(&doc)
                            || self.refuses_clear(&doc, sync_client::Position::Snapshot(covers_seq)).is_some();
                        let sound =
                            if refused { Some(false) } else { self.check_snapshot(&doc, &bytes, &must_contain) };
                        queue.extend(self.verdict(&doc, covers_seq, digest, sound, &mut effects));
                        continue;
                    }
                    match crypto::opening(&doc, &bytes) {
                        Ok(opening) if opening.header.kind == (Kind::Snapshot { covers_seq }) => {
                            let purpose = Purpose::Check { doc, covers_seq, digest, must_contain };
                            effects.push(self.crypto_op(opening.op, purpose));
                        }
                        // Sealed as something else, or for another document or scope.
                        _ => queue.extend(self.verdict(&doc, covers_seq, digest, Some(false), &mut effects)),
                    }
                }
                sync_client::Effect::Acked { chunk_id, sealed_at } => {
                    if let Some((doc, seq)) = sealed_at {
                        self.mark_sealed(&doc, seq, &mut effects);
                    }
                    self.spilled.retain(|id| *id != chunk_id);
                    effects.push(Effect::ForgetWriteAhead(chunk_id));
                    effects.push(self.save(vec![Write::OutboxDelete(chunk_id)], Vec::new()));
                }
                sync_client::Effect::Stored { doc, covers_seq } => {
                    queue.extend(self.rebase_stored(&doc, covers_seq, &mut effects));
                }
                sync_client::Effect::RebaseRefused { doc } => effects.extend(self.rebase_refused(&doc)),
                // Carried out where the retention code is (`relay_expired`, in a part of its own).
                sync_client::Effect::Expired { doc } => effects.push(Effect::Expired { doc }),
                sync_client::Effect::DocExists { doc } => {
                    let watched = self.watches.iter().any(|p| doc.starts_with(p.as_str()));
                    if watched && !self.follows(&doc) {
                        queue.extend(self.client.subscribe(&doc));
                    }
                }
                // The relay's challenge: signed with the device's key like a chunk (`Op::Sign`).
                sync_client::Effect::Prove { nonce, message } => {
                    effects.push(self.crypto_op(Op::Sign { message }, Purpose::Prove { nonce }));
                }
                sync_client::Effect::WantSnapshot { doc, covers_seq } => {
                    let Some(key) = self.seal_key(&doc) else {
                        // No snapshot in the clear of a document the relay says is sealed (it
                        // would carry the changes held back for want of a key).
                        if !self.client.must_seal(&doc) {
                            let bytes = self.replica.save(&doc);
                            effects.push(self.sign_snapshot(doc, covers_seq, bytes));
                        }
                        continue;
                    };
                    let bytes = self.replica.save(&doc);
                    match crypto::sealing(&doc, Sealable::Snapshot { covers_seq }, key.epoch, &self.device, &bytes) {
                        Ok(s) => {
                            let purpose = Purpose::Snapshot { doc, covers_seq, prefix: s.prefix };
                            effects.push(self.crypto_op(s.op, purpose));
                        }
                        Err(err) => effects.push(Effect::Warn(format!("a snapshot of {doc} cannot be sealed: {err}"))),
                    }
                }
                other => effects.push(Effect::from(other)),
            }
        }
        // Chunks the client made ready (queued in the clear, sealed, or to be signed again after
        // a Welcome) are signed before they go.
        effects.extend(self.sign_waiting());
        effects
    }
}

/// Whether sealed bytes are what their place in the log says: a snapshot where a snapshot of
/// that coverage is expected, a chunk or drop where a chunk is.
fn kind_fits(kind: Kind, at: sync_client::Position) -> bool {
    match (kind, at) {
        (
            Kind::Snapshot { covers_seq },
            sync_client::Position::Snapshot(expected) | sync_client::Position::Rebase(expected),
        ) => covers_seq == expected,
        (Kind::Chunk | Kind::Drop { .. }, sync_client::Position::Chunk(_)) => true,
        _ => false,
    }
}

/// A document's root keys, in order (walked as the records are read, so the wasm carries that
/// walk once).
fn root_keys(doc: &Automerge) -> Vec<String> {
    doc.map_range(automerge::ROOT, ..).map(|item| item.key.to_string()).collect()
}

impl From<sync_client::Effect> for Effect {
    /// The sync client's effects the runtime carries out itself (the rest never reach it).
    fn from(effect: sync_client::Effect) -> Effect {
        match effect {
            sync_client::Effect::Open => Effect::Open,
            sync_client::Effect::Send(frame) => Effect::Send(frame),
            sync_client::Effect::Close => Effect::Close,
            sync_client::Effect::Status => Effect::Status,
            sync_client::Effect::Admin(reply) => Effect::Admin(reply),
            // Carried out by the core itself (`DeviceCore::run`), never handed over.
            _ => Effect::Warn("a sync effect reached the runtime".to_owned()),
        }
    }
}
