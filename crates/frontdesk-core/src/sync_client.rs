//! The device side of sync as a state machine: events in, effects out, no I/O.
//!
//! The runtime (a browser tab, or a test) opens sockets, sends frames, applies chunks to the
//! replica and persists the outbox; this type decides what to do and when.

use std::collections::{BTreeMap, BTreeSet};

use frontdesk_protocol::{
    Area, Author, ChunkId, ClientMsg, Epoch, ErrorCode, Head, PROTOCOL_VERSION, Role, Scope, ServerMsg, close,
};
use sha2::Digest;

/// Where the connection to the relay stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Not connected; the next attempt is at `retry_at_ms`.
    Offline { retry_at_ms: i64 },
    /// A socket is opening, saying Hello or proving the device's key.
    Connecting,
    /// Welcomed by the relay.
    Online { device: String, name: String, role: Role },
    /// The relay refused this device for good; `reason` is the relay's own words (for logs).
    Refused { why: Refusal, reason: String },
}

/// Why the relay refused a device for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The relay does not know this device, or its key did not prove it.
    NotEnrolled,
    /// A manager revoked this device: it must forget what it holds.
    Revoked,
    /// The app and the relay speak different versions of the protocol.
    OtherVersion,
}

/// Something the relay refused or garbled, shown until the device is welcomed again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The relay refused a request; a refused change stays here in the outbox.
    Refused { code: ErrorCode, doc: Option<String>, message: String },
    /// The relay sent a frame this app could not read.
    BadFrame(String),
}

impl Problem {
    /// Whether the refusal holds a change back until someone acts (a limit, a rule), rather
    /// than a busy relay that the next connection will retry.
    pub fn holds_changes(&self) -> bool {
        matches!(
            self,
            Problem::Refused {
                code: ErrorCode::Forbidden | ErrorCode::QuotaExceeded | ErrorCode::DocTooLarge | ErrorCode::BadDocName,
                ..
            }
        )
    }
}

/// What the sync badge shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncStatus {
    pub connection: Connection,
    /// Changes saved here that the relay has not acknowledged yet.
    pub pending: usize,
    /// The last refusal of a request (shown, not fatal).
    pub problem: Option<Problem>,
}

/// Something that happened to the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncEvent {
    /// Time passed.
    Tick,
    /// The socket opened.
    Opened,
    /// The socket closed (or failed to open).
    Closed { code: u16, reason: String },
    /// A binary frame arrived.
    Frame(Vec<u8>),
}

/// Something the runtime must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Open a socket to the relay.
    Open,
    /// Send this frame.
    Send(Vec<u8>),
    /// Close the socket (it is dead or misbehaving).
    Close,
    /// Apply these bytes to the document, then say so with [`SyncClient::applied`]: the cursor
    /// moves only then. `received_ms`: when the relay received a chunk (by its clock); `author`:
    /// who signed it, as the relay says (checked before anything is applied).
    Apply { doc: String, at: Position, bytes: Vec<u8>, received_ms: Option<i64>, author: Author },
    /// Another device proposed this snapshot: check it and answer with [`SyncClient::checked`].
    Check { doc: String, covers_seq: u64, bytes: Vec<u8>, must_contain: Vec<Head> },
    /// The relay has the chunk: remove it from the durable outbox. `sealed_at`: its document and
    /// sequence number, if it went sealed.
    Acked { chunk_id: ChunkId, sealed_at: Option<(String, u64)> },
    /// A document under a watched prefix exists: the runtime may subscribe to it.
    DocExists { doc: String },
    /// The document has many chunks since its last snapshot: send one covering `covers_seq`.
    WantSnapshot { doc: String, covers_seq: u64 },
    /// The relay's challenge arrived: sign `message` (the Hello proof for `nonce`) with the
    /// device's key and hand the signature to [`SyncClient::proved`], which says Hello.
    Prove { nonce: [u8; 32], message: Vec<u8> },
    /// The relay's answer to a manager's request, an encoded `AdminReply` for the screen that asked.
    Admin(Vec<u8>),
    /// The relay stored a snapshot, or a re-base, of `doc` covering `covers_seq` from this device.
    Stored { doc: String, covers_seq: u64 },
    /// The relay refused this device's re-base of `doc`: the document moved on since it was built.
    RebaseRefused { doc: String },
    /// The relay says `doc` is past the business's retention: it holds nothing of it any more.
    Expired { doc: String },
    /// The status changed (for the badge).
    Status,
}

/// Where the bytes of an [`Effect::Apply`] sit in the document's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Chunk `seq`.
    Chunk(u64),
    /// A snapshot covering every chunk up to this seq.
    Snapshot(u64),
    /// A re-based document (#20): it replaces what the device holds, and covers up to this seq.
    Rebase(u64),
}

#[derive(Clone, Debug)]
struct Pending {
    chunk_id: ChunkId,
    doc: String,
    /// The change itself (Automerge), as the device applies it.
    bytes: Vec<u8>,
    /// What goes to the relay: the bytes themselves, or sealed (`crypto`); `None` while the
    /// platform seals them — a document's later chunks wait behind it, so the relay receives
    /// each document's chunks in the order they were made.
    wire: Option<Vec<u8>>,
    /// The device's signature of `wire` (`frontdesk_protocol::chunk_proof`); `None` until the
    /// platform has signed it, and again whenever `wire` changes. The chunk waits for it too.
    signature: Option<Vec<u8>>,
    /// Sent on the current connection.
    sent: bool,
    /// The heads declared to the relay with it (`chunk::heads`, of the change, never of the
    /// sealed bytes).
    heads: Vec<Head>,
    /// When the client first saw it sent and unacknowledged on this connection (tick time).
    waiting_since_ms: Option<i64>,
}

#[derive(Clone, Debug, Default)]
struct DocState {
    /// Every chunk up to here is applied: where the relay resends from on reconnect.
    cursor: u64,
    /// Chunks past a gap, applied already; the cursor moves over them once the gap is filled.
    /// The relay sends a document's chunks in order, so this stays empty unless frames arrive
    /// out of order — then nothing is skipped: the gap is fetched again on the next connection.
    ahead: BTreeSet<u64>,
    since_snapshot: u64,
    snapshot_requested: bool,
    /// The head the relay said it had sent up to (`Synced`), on this connection.
    synced_head: Option<u64>,
}

impl DocState {
    /// Whether chunk `seq` is not applied here yet.
    fn lacks(&self, seq: u64) -> bool {
        seq > self.cursor && !self.ahead.contains(&seq)
    }

    /// Whether chunk `seq` is new here; if so, it counts as applied from now on.
    fn take(&mut self, seq: u64) -> bool {
        if seq <= self.cursor || !self.ahead.insert(seq) {
            return false;
        }
        while self.ahead.remove(&(self.cursor + 1)) {
            self.cursor += 1;
        }
        true
    }

    /// A snapshot covers everything up to `covers_seq`.
    fn covered(&mut self, covers_seq: u64) {
        self.cursor = self.cursor.max(covers_seq);
        self.ahead.retain(|s| *s > covers_seq);
        while self.ahead.remove(&(self.cursor + 1)) {
            self.cursor += 1;
        }
    }
}

impl Pending {
    fn new(chunk_id: ChunkId, doc: String, bytes: Vec<u8>, sealing: bool) -> Pending {
        // A chunk this device made always parses; one that does not declares nothing, and then
        // no snapshot is ever proven to hold it (only this device's own change is at stake).
        let heads = crate::chunk::heads(&bytes).unwrap_or_default();
        let wire = (!sealing).then(|| bytes.clone());
        Pending { chunk_id, doc, bytes, wire, signature: None, sent: false, heads, waiting_since_ms: None }
    }

    /// Sends `wire` again only once sealed (and signed) afresh.
    fn unseal(&mut self) {
        self.wire = None;
        self.signature = None;
    }

    fn message(&self, wire: &[u8], signature: &[u8]) -> ClientMsg {
        ClientMsg::Push {
            doc: self.doc.clone(),
            chunk_id: self.chunk_id,
            bytes: wire.to_vec(),
            heads: self.heads.clone(),
            signature: signature.to_vec(),
        }
    }
}

/// Backoff bounds, in milliseconds.
const FIRST_RETRY_MS: i64 = 500;
const MAX_RETRY_MS: i64 = 5_000;
/// Ping when the link has been quiet this long; give up when it has been silent for longer.
const PING_AFTER_MS: i64 = 15_000;
const DEAD_AFTER_MS: i64 = 40_000;
/// A push with no answer for this long means the link is broken: reconnect and resend.
const ACK_TIMEOUT_MS: i64 = 20_000;
/// Chunks since the last snapshot that make a document worth compacting.
pub const SNAPSHOT_AFTER_CHUNKS: u64 = 500;

/// The sync client of one device.
pub struct SyncClient {
    /// The relay's id of this device (said in Hello, proven with its key).
    device: String,
    /// The nonce of the challenge being answered on this connection.
    challenge: Option<[u8; 32]>,
    connection: Connection,
    attempts: u32,
    docs: BTreeMap<String, DocState>,
    watches: BTreeSet<String>,
    outbox: Vec<Pending>,
    last_heard_ms: i64,
    problem: Option<Problem>,
    may_snapshot: bool,
    /// Chunks since the last snapshot that make this client want one.
    snapshot_after: u64,
    /// The newest key epoch of each scope, as the relay last said at Welcome (#19): a scope
    /// listed here is sealed, and nothing of it goes to the relay in the clear.
    epochs: Vec<Epoch>,
    /// The floor of each scope, as the relay said at Welcome: it stores nothing sealed below.
    floors: Vec<Epoch>,
}

impl SyncClient {
    /// A client that will connect at the first tick. `cursors` and `outbox` come from storage.
    pub fn new(
        device: String,
        cursors: impl IntoIterator<Item = (String, u64)>,
        outbox: impl IntoIterator<Item = (ChunkId, String, Vec<u8>)>,
    ) -> SyncClient {
        SyncClient {
            device,
            challenge: None,
            connection: Connection::Offline { retry_at_ms: i64::MIN },
            attempts: 0,
            // Inserted one by one: collecting into a map would sort, and bring a copy of the
            // sorting code into the wasm for it.
            docs: cursors.into_iter().fold(BTreeMap::new(), |mut docs, (doc, cursor)| {
                docs.insert(doc, DocState { cursor, ..DocState::default() });
                docs
            }),
            watches: BTreeSet::new(),
            outbox: outbox
                .into_iter()
                .map(|(chunk_id, doc, bytes)| Pending::new(chunk_id, doc, bytes, false))
                .collect(),
            last_heard_ms: 0,
            problem: None,
            may_snapshot: false,
            snapshot_after: SNAPSHOT_AFTER_CHUNKS,
            epochs: Vec::new(),
            floors: Vec::new(),
        }
    }

    /// The newest epoch of `scope` the relay has numbered (0: the scope is not sealed, or the
    /// relay has not said yet).
    pub fn relay_epoch(&self, scope: Scope) -> u32 {
        Epoch::of(&self.epochs, scope)
    }

    /// The oldest epoch of `scope` the relay still stores new bytes under (0: any).
    pub fn floor(&self, scope: Scope) -> u32 {
        Epoch::of(&self.floors, scope)
    }

    /// Whether `wire` is sealed under an epoch the relay no longer stores (a device was revoked
    /// since it was sealed).
    fn stale(&self, wire: &[u8]) -> bool {
        frontdesk_protocol::sealed::scope_epoch(wire).is_some_and(|(scope, epoch)| epoch < self.floor(scope))
    }

    /// Whether the relay said `doc`'s documents are sealed: then its chunks wait for a key
    /// rather than go in the clear.
    pub fn must_seal(&self, doc: &str) -> bool {
        Area::of(doc).and_then(Area::scope).is_some_and(|scope| self.relay_epoch(scope) > 0)
    }

    pub fn status(&self) -> SyncStatus {
        SyncStatus { connection: self.connection.clone(), pending: self.outbox.len(), problem: self.problem.clone() }
    }

    pub fn is_online(&self) -> bool {
        matches!(self.connection, Connection::Online { .. })
    }

    /// The last applied sequence number of a document.
    pub fn cursor(&self, doc: &str) -> Option<u64> {
        self.docs.get(doc).map(|d| d.cursor)
    }

    /// Whether a followed document holds everything the relay had of it when this connection
    /// subscribed (its backlog arrived and is applied).
    pub fn caught_up(&self, doc: &str) -> bool {
        self.docs.get(doc).is_some_and(|d| d.synced_head.is_some_and(|head| d.cursor >= head))
    }

    /// Sets where a document not yet followed stands (it was just loaded from storage); a
    /// document already followed keeps its own cursor.
    pub fn set_cursor(&mut self, doc: &str, cursor: u64) {
        self.docs.entry(doc.to_owned()).or_insert_with(|| DocState { cursor, ..DocState::default() });
    }

    /// Follow a document: catch up on it now (if online) and on every reconnect.
    pub fn subscribe(&mut self, doc: &str) -> Vec<Effect> {
        let state = self.docs.entry(doc.to_owned()).or_default();
        let after_seq = state.cursor;
        if self.is_online() {
            vec![Effect::Send(ClientMsg::Subscribe { doc: doc.to_owned(), after_seq }.encode())]
        } else {
            Vec::new()
        }
    }

    /// Be told of documents whose names start with `prefix`.
    pub fn watch(&mut self, prefix: &str) -> Vec<Effect> {
        if self.watches.insert(prefix.to_owned()) && self.is_online() {
            vec![Effect::Send(ClientMsg::Watch { prefix: prefix.to_owned() }.encode())]
        } else {
            Vec::new()
        }
    }

    /// The chunks of `doc` the relay has not acknowledged, oldest first. A device applies them
    /// to a document it loads: a change whose document save failed (storage full) lives only in
    /// the outbox until the relay has it.
    pub fn unacknowledged(&self, doc: &str) -> impl Iterator<Item = &[u8]> {
        self.outbox.iter().filter(move |p| p.doc == doc).map(|p| p.bytes.as_slice())
    }

    /// Queue a chunk that is already saved locally; it is sent now if online, else on reconnect.
    pub fn push(&mut self, chunk_id: ChunkId, doc: &str, bytes: Vec<u8>) -> Vec<Effect> {
        self.queue(chunk_id, doc, bytes, false)
    }

    /// Queue a chunk that goes to the relay sealed: it waits (and so do its document's later
    /// chunks) until [`SyncClient::sealed`] brings its sealed bytes.
    pub fn push_sealing(&mut self, chunk_id: ChunkId, doc: &str, bytes: Vec<u8>) -> Vec<Effect> {
        self.queue(chunk_id, doc, bytes, true)
    }

    fn queue(&mut self, chunk_id: ChunkId, doc: &str, bytes: Vec<u8>, sealing: bool) -> Vec<Effect> {
        if self.outbox.iter().any(|p| p.chunk_id == chunk_id) {
            return Vec::new();
        }
        self.outbox.push(Pending::new(chunk_id, doc.to_owned(), bytes, sealing));
        let mut effects = vec![Effect::Status];
        effects.extend(self.send_ready());
        effects
    }

    /// The outbox: each chunk's id and document, oldest first.
    pub fn outbox(&self) -> impl Iterator<Item = (ChunkId, &str)> {
        self.outbox.iter().map(|p| (p.chunk_id, p.doc.as_str()))
    }

    /// Chunks of the outbox not yet sealed (they wait for [`SyncClient::sealed`]).
    pub fn unsealed(&self) -> impl Iterator<Item = (ChunkId, &str, &[u8])> {
        self.outbox.iter().filter(|p| p.wire.is_none()).map(|p| (p.chunk_id, p.doc.as_str(), p.bytes.as_slice()))
    }

    /// A queued chunk goes to the relay sealed from now on, unless it is sealed already (a
    /// chunk loaded from the outbox is sealed afresh at every start — a new nonce, the same chunk
    /// id, so a relay that has it keeps the first —, and one queued in the clear before the keys
    /// arrived is sealed before it is sent again).
    pub fn reseal(&mut self, chunk_id: ChunkId) {
        if let Some(p) = self.outbox.iter_mut().find(|p| p.chunk_id == chunk_id)
            && !p.wire.as_deref().is_some_and(frontdesk_protocol::sealed::is_sealed)
        {
            p.unseal();
        }
    }

    /// The sealed bytes of a queued chunk: it (and what waited behind it) is sent if online.
    /// Bytes sealed under an epoch below the floor (an op started before the Welcome said it)
    /// are not kept: the chunk waits to be sealed again.
    pub fn sealed(&mut self, chunk_id: ChunkId, wire: Vec<u8>) -> Vec<Effect> {
        if self.stale(&wire) {
            return Vec::new();
        }
        match self.outbox.iter_mut().find(|p| p.chunk_id == chunk_id) {
            Some(p) if p.wire.is_none() => p.wire = Some(wire),
            _ => return Vec::new(),
        }
        self.send_ready()
    }

    /// Chunks of the outbox ready to go but for the device's signature: id, document, and what
    /// goes to the relay (sign `frontdesk_protocol::chunk_proof` of its SHA-256).
    pub fn unsigned(&self) -> impl Iterator<Item = (ChunkId, &str, &[u8])> {
        self.outbox.iter().filter_map(|p| match (&p.wire, &p.signature) {
            (Some(wire), None) => Some((p.chunk_id, p.doc.as_str(), wire.as_slice())),
            _ => None,
        })
    }

    /// The device's signature of a queued chunk's bytes, whose SHA-256 is `digest`: it (and what
    /// waited behind it) is sent if online. A signature of bytes since replaced is dropped.
    pub fn signed(&mut self, chunk_id: ChunkId, digest: &[u8; 32], signature: Vec<u8>) -> Vec<Effect> {
        match self.outbox.iter_mut().find(|p| p.chunk_id == chunk_id) {
            Some(p) if p.wire.as_deref().is_some_and(|w| sha2::Sha256::digest(w)[..] == digest[..]) => {
                p.signature = Some(signature);
            }
            _ => return Vec::new(),
        }
        self.send_ready()
    }

    /// Drops every chunk of `doc` from the outbox (its document was re-based: they were made on a
    /// history that no longer exists, and are made again by record); returns their ids.
    pub fn forget(&mut self, doc: &str) -> Vec<ChunkId> {
        let ids = self.outbox.iter().filter(|p| p.doc == doc).map(|p| p.chunk_id).collect();
        self.outbox.retain(|p| p.doc != doc);
        ids
    }

    /// Stops following `doc` and drops its unsent chunks (their ids returned): the document is
    /// past the business's retention (#20). The relay is not told (it keeps no subscription past
    /// this connection, and sends nothing of an emptied document).
    pub fn drop_doc(&mut self, doc: &str) -> Vec<ChunkId> {
        self.docs.remove(doc);
        self.forget(doc)
    }

    /// The role the relay welcomed this device as; `None` when offline.
    pub fn role(&self) -> Option<Role> {
        match self.connection {
            Connection::Online { role, .. } => Some(role),
            _ => None,
        }
    }

    /// Sends a manager's re-base of `doc` (#20), built on `after_seq` and signed
    /// (`frontdesk_protocol::rebase_proof`); nothing when offline.
    pub fn rebase(&mut self, doc: &str, after_seq: u64, bytes: Vec<u8>, signature: Vec<u8>) -> Vec<Effect> {
        if !self.is_online() {
            return Vec::new();
        }
        vec![Effect::Send(ClientMsg::Rebase { doc: doc.to_owned(), after_seq, bytes, signature }.encode())]
    }

    /// Sends, in outbox order, every chunk not sent on this connection whose document has no
    /// earlier chunk still waiting to be sealed.
    fn send_ready(&mut self) -> Vec<Effect> {
        if !self.is_online() {
            return Vec::new();
        }
        let mut waiting: Vec<&str> = Vec::new();
        let mut effects = Vec::new();
        for p in &mut self.outbox {
            match (&p.wire, &p.signature) {
                (Some(wire), Some(signature)) if !p.sent && !waiting.contains(&p.doc.as_str()) => {
                    effects.push(Effect::Send(p.message(wire, signature).encode()));
                    p.sent = true;
                }
                (Some(_), Some(_)) => {}
                _ => waiting.push(p.doc.as_str()),
            }
        }
        effects
    }

    /// Asks the relay again for what `doc` holds after the cursor (chunks skipped for want of a
    /// key, now that the key is here).
    pub fn resubscribe(&mut self, doc: &str) -> Vec<Effect> {
        match self.docs.get(doc) {
            Some(state) if self.is_online() => {
                vec![Effect::Send(ClientMsg::Subscribe { doc: doc.to_owned(), after_seq: state.cursor }.encode())]
            }
            _ => Vec::new(),
        }
    }

    /// The bytes of an [`Effect::Apply`] are in the document (or, for a chunk, could never be:
    /// damaged bytes are skipped, not fetched again forever). The cursor moves over them; a
    /// snapshot may be wanted.
    pub fn applied(&mut self, doc: &str, at: Position) -> Vec<Effect> {
        let may_snapshot = self.may_snapshot;
        let snapshot_after = self.snapshot_after;
        let Some(state) = self.docs.get_mut(doc) else { return Vec::new() };
        match at {
            Position::Rebase(covers_seq) => {
                // Nothing before it exists any more: the cursor is where the new history starts,
                // and the relay takes this device's pushes again once it has subscribed there.
                *state = DocState { cursor: covers_seq, ..DocState::default() };
                self.resubscribe(doc)
            }
            Position::Snapshot(covers_seq) => {
                state.covered(covers_seq);
                state.since_snapshot = 0;
                Vec::new()
            }
            Position::Chunk(seq) => {
                if !state.take(seq) {
                    return Vec::new();
                }
                state.since_snapshot += 1;
                // A snapshot covers what is applied without a gap: never a chunk not seen yet.
                // Drop boxes have none (their writer alone may write them; the relay refuses).
                if may_snapshot
                    && !crate::doc_name::is_drop_box(doc)
                    && state.since_snapshot >= snapshot_after
                    && !state.snapshot_requested
                    && state.cursor > 0
                {
                    state.snapshot_requested = true;
                    return vec![Effect::WantSnapshot { doc: doc.to_owned(), covers_seq: state.cursor }];
                }
                Vec::new()
            }
        }
    }

    /// Wants a snapshot after `chunks` chunks instead of [`SNAPSHOT_AFTER_CHUNKS`] (simulations
    /// make snapshots often).
    pub fn set_snapshot_after(&mut self, chunks: u64) {
        self.snapshot_after = chunks.max(1);
    }

    /// The verdict on a proposed snapshot ([`Effect::Check`]), for the relay.
    pub fn checked(&mut self, doc: &str, covers_seq: u64, digest: Head, ok: bool) -> Vec<Effect> {
        if self.is_online() {
            vec![Effect::Send(ClientMsg::Checked { doc: doc.to_owned(), covers_seq, digest, ok }.encode())]
        } else {
            Vec::new()
        }
    }

    /// Send a snapshot the runtime made (and signed: `frontdesk_protocol::snapshot_proof`) after
    /// [`Effect::WantSnapshot`].
    pub fn snapshot(&mut self, doc: &str, covers_seq: u64, bytes: Vec<u8>, signature: Vec<u8>) -> Vec<Effect> {
        if self.is_online() {
            vec![Effect::Send(ClientMsg::Snapshot { doc: doc.to_owned(), covers_seq, bytes, signature }.encode())]
        } else {
            if let Some(state) = self.docs.get_mut(doc) {
                state.snapshot_requested = false;
            }
            Vec::new()
        }
    }

    /// The device's signature of the challenge `nonce` ([`Effect::Prove`]); sent only if that
    /// challenge is still the one this connection waits on (a signature made slowly for a socket
    /// since closed is dropped).
    pub fn proved(&mut self, nonce: [u8; 32], signature: Vec<u8>) -> Vec<Effect> {
        if self.connection != Connection::Connecting || self.challenge != Some(nonce) {
            return Vec::new();
        }
        self.challenge = None;
        let hello = ClientMsg::Hello { device: self.device.clone(), protocol: PROTOCOL_VERSION, signature };
        vec![Effect::Send(hello.encode())]
    }

    /// Sends a manager's request (pairing codes, the device list) if online; the relay refuses it
    /// from any other role. `false` when offline.
    pub fn request(&mut self, msg: ClientMsg) -> Option<Vec<Effect>> {
        self.is_online().then(|| vec![Effect::Send(msg.encode())])
    }

    /// Advance the machine. `now_ms` is the runtime's clock; `jitter` in `0.0..1.0` spreads retries.
    pub fn handle(&mut self, event: SyncEvent, now_ms: i64, jitter: f64) -> Vec<Effect> {
        match event {
            SyncEvent::Tick => self.tick(now_ms),
            SyncEvent::Opened => {
                // The relay speaks first: its challenge, which the Hello answers.
                self.last_heard_ms = now_ms;
                self.challenge = None;
                Vec::new()
            }
            SyncEvent::Closed { code, reason } => self.closed(code, reason, now_ms, jitter),
            SyncEvent::Frame(frame) => {
                self.last_heard_ms = now_ms;
                match ServerMsg::decode(&frame) {
                    Ok(msg) => self.received(msg),
                    // A relay of another version: retrying will not help; say so.
                    Err(err @ frontdesk_protocol::DecodeError::Version(_)) => {
                        self.connection = Connection::Refused { why: Refusal::OtherVersion, reason: err.to_string() };
                        vec![Effect::Status, Effect::Close]
                    }
                    Err(err) => {
                        self.problem = Some(Problem::BadFrame(err.to_string()));
                        vec![Effect::Close]
                    }
                }
            }
        }
    }

    fn tick(&mut self, now_ms: i64) -> Vec<Effect> {
        match self.connection {
            Connection::Offline { retry_at_ms } if now_ms >= retry_at_ms => {
                self.connection = Connection::Connecting;
                self.last_heard_ms = now_ms;
                vec![Effect::Open, Effect::Status]
            }
            Connection::Online { .. } | Connection::Connecting if now_ms - self.last_heard_ms > DEAD_AFTER_MS => {
                vec![Effect::Close]
            }
            Connection::Online { .. } => {
                let mut unanswered = false;
                for pending in self.outbox.iter_mut().filter(|p| p.sent) {
                    let since = *pending.waiting_since_ms.get_or_insert(now_ms);
                    unanswered |= now_ms - since > ACK_TIMEOUT_MS;
                }
                if unanswered {
                    // The relay has not acknowledged a push in time: start over on a new socket.
                    vec![Effect::Close]
                } else if now_ms - self.last_heard_ms > PING_AFTER_MS {
                    vec![Effect::Send(ClientMsg::Ping.encode())]
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }

    fn closed(&mut self, code: u16, reason: String, now_ms: i64, jitter: f64) -> Vec<Effect> {
        if matches!(self.connection, Connection::Refused { .. }) {
            return Vec::new();
        }
        self.challenge = None;
        if code == close::UNAUTHORIZED || code == close::UNSUPPORTED_PROTOCOL || code == close::REVOKED {
            let why = match code {
                close::UNAUTHORIZED => Refusal::NotEnrolled,
                close::REVOKED => Refusal::Revoked,
                _ => Refusal::OtherVersion,
            };
            self.connection = Connection::Refused { why, reason };
            return vec![Effect::Status];
        }
        let was_online = self.is_online();
        if was_online {
            self.attempts = 0;
        }
        let backoff = (FIRST_RETRY_MS << self.attempts.min(5)).min(MAX_RETRY_MS);
        let spread = (backoff as f64 * 0.5 * jitter.clamp(0.0, 1.0)) as i64;
        self.attempts = self.attempts.saturating_add(1);
        self.connection = Connection::Offline { retry_at_ms: now_ms + backoff + spread };
        for state in self.docs.values_mut() {
            state.snapshot_requested = false;
        }
        for p in &mut self.outbox {
            p.sent = false;
            p.waiting_since_ms = None;
        }
        vec![Effect::Status]
    }

    fn received(&mut self, msg: ServerMsg) -> Vec<Effect> {
        match msg {
            ServerMsg::Challenge { nonce } => {
                if self.connection != Connection::Connecting {
                    return Vec::new();
                }
                self.challenge = Some(nonce);
                vec![Effect::Prove { nonce, message: frontdesk_protocol::hello_proof(&self.device, &nonce) }]
            }
            ServerMsg::Admin { reply } => vec![Effect::Admin(reply)],
            ServerMsg::Welcome { device, name, role, epochs, floors } => {
                self.epochs = epochs;
                self.floors = floors;
                // Chunks queued in the clear for a scope that turns out sealed, chunks sealed
                // under keys a revoked device held, and chunks sealed (before this Welcome) under
                // an epoch the relay never numbered, are sealed again (or wait for a key).
                for p in &mut self.outbox {
                    let again = p.wire.as_deref().is_some_and(|w| match frontdesk_protocol::sealed::scope_epoch(w) {
                        Some((scope, epoch)) => {
                            epoch < Epoch::of(&self.floors, scope) || epoch > Epoch::of(&self.epochs, scope)
                        }
                        None => Area::of(&p.doc).and_then(Area::scope).is_some_and(|s| Epoch::of(&self.epochs, s) > 0),
                    });
                    if again {
                        p.unseal();
                    }
                }
                self.attempts = 0;
                self.problem = None;
                self.may_snapshot = role != Role::Kiosk;
                self.connection = Connection::Online { device, name, role };
                let mut effects = vec![Effect::Status];
                for state in self.docs.values_mut() {
                    state.synced_head = None;
                }
                for (doc, state) in &self.docs {
                    effects.push(Effect::Send(
                        ClientMsg::Subscribe { doc: doc.clone(), after_seq: state.cursor }.encode(),
                    ));
                }
                for prefix in &self.watches {
                    effects.push(Effect::Send(ClientMsg::Watch { prefix: prefix.clone() }.encode()));
                }
                for p in &mut self.outbox {
                    p.sent = false;
                    p.waiting_since_ms = None;
                }
                effects.extend(self.send_ready());
                effects
            }
            ServerMsg::Snapshot { doc, covers_seq, bytes, author } => {
                let Some(state) = self.docs.get(&doc) else { return Vec::new() };
                if covers_seq <= state.cursor {
                    return Vec::new();
                }
                vec![Effect::Apply { doc, at: Position::Snapshot(covers_seq), bytes, received_ms: None, author }]
            }
            ServerMsg::Rebased { doc, covers_seq, bytes, author } => {
                let Some(state) = self.docs.get(&doc) else { return Vec::new() };
                if covers_seq <= state.cursor {
                    return Vec::new();
                }
                vec![Effect::Apply { doc, at: Position::Rebase(covers_seq), bytes, received_ms: None, author }]
            }
            ServerMsg::Chunk { doc, seq, bytes, at_ms, author } => {
                let Some(state) = self.docs.get(&doc) else { return Vec::new() };
                if !state.lacks(seq) {
                    return Vec::new(); // already applied (a backlog/live overlap, or a resend)
                }
                vec![Effect::Apply { doc, at: Position::Chunk(seq), bytes, received_ms: Some(at_ms), author }]
            }
            ServerMsg::Check { doc, covers_seq, bytes, must_contain } => {
                // Only a document this device follows, so it holds what the snapshot should.
                if !self.docs.contains_key(&doc) {
                    return Vec::new();
                }
                vec![Effect::Check { doc, covers_seq, bytes, must_contain }]
            }
            ServerMsg::SnapshotStored { doc, covers_seq } => {
                if let Some(state) = self.docs.get_mut(&doc) {
                    state.since_snapshot = 0;
                    state.snapshot_requested = false;
                }
                vec![Effect::Stored { doc, covers_seq }]
            }
            ServerMsg::Synced { doc, head } => {
                if let Some(state) = self.docs.get_mut(&doc) {
                    state.synced_head = Some(head);
                }
                Vec::new()
            }
            ServerMsg::Pong => Vec::new(),
            ServerMsg::Ack { doc, chunk_id, seq } => {
                // The relay does not send a device its own chunks: the acknowledged one is in the
                // document already, so the cursor counts it (or it would wait for it as a gap).
                if let Some(state) = self.docs.get_mut(&doc) {
                    state.take(seq);
                }
                let Some(at) = self.outbox.iter().position(|p| p.chunk_id == chunk_id) else { return Vec::new() };
                let acked = self.outbox.remove(at);
                let sealed = acked.wire.as_deref().is_some_and(frontdesk_protocol::sealed::is_sealed);
                let sealed_at = sealed.then_some((doc, seq));
                vec![Effect::Acked { chunk_id, sealed_at }, Effect::Status]
            }
            ServerMsg::DocExists { doc } => vec![Effect::DocExists { doc }],
            ServerMsg::Error { code: ErrorCode::Moved, doc: Some(doc), .. } => vec![Effect::RebaseRefused { doc }],
            // Past the business's retention on the relay: the device decides by its own rules.
            ServerMsg::Error { code: ErrorCode::Expired, doc: Some(doc), .. } => vec![Effect::Expired { doc }],
            ServerMsg::Error { code: ErrorCode::Rebased, doc: Some(doc), .. } => {
                // A change made on the history the document had before it was re-based: the
                // relay sends the re-based document (asked for again here, in case the live one
                // was missed), and the change is made again on it by record.
                if self.docs.contains_key(&doc) { self.resubscribe(&doc) } else { self.subscribe(&doc) }
            }
            ServerMsg::Error { code, doc, message } => {
                // Refused chunks stay in the outbox: nothing saved here is ever dropped silently.
                if code == ErrorCode::BadSignature {
                    // Signed again before they are sent again (a key replaced under this device).
                    self.outbox.iter_mut().for_each(|p| p.signature = None);
                }
                self.problem = Some(Problem::Refused { code, doc, message });
                let mut effects = vec![Effect::Status];
                if matches!(
                    code,
                    ErrorCode::StorageFailed | ErrorCode::RateLimited | ErrorCode::StaleEpoch | ErrorCode::BadSignature
                ) {
                    // Try again on a fresh connection after the backoff (a stale epoch: its
                    // Welcome says the floors, and the chunk is sealed again under them).
                    effects.push(Effect::Close);
                }
                effects
            }
        }
    }
}
