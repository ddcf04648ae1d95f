//! Durable storage behind one trait: per-document append-only chunk logs, snapshots and the
//! device registry. `sqlite` is the relay's store; `conformance` is the suite every store passes.

pub mod conformance;
pub mod sqlite;

use std::future::Future;
use std::pin::Pin;

use frontdesk_protocol::{
    Author, ChunkId, DeviceInfo, Epoch, Head, PairRefusal, Retention, Role, Scope, Signer, StoredChunk,
};

pub use sqlite::SqliteStore;

/// A storage failure; the relay reports it to the client and keeps serving.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed (its own message, whatever the backend).
    #[error("database: {0}")]
    Backend(String),
    #[error("the document would exceed {limit} bytes")]
    DocTooLarge { limit: u64 },
    #[error("no document {0}")]
    UnknownDoc(String),
    #[error("the snapshot covers {covers_seq} but the document ends at {head}")]
    SnapshotAhead { covers_seq: u64, head: u64 },
    /// The device is over one of its quotas.
    #[error("the device is over its quota of {limit} {what}")]
    QuotaExceeded { what: &'static str, limit: u64 },
    /// The writer's queue is full; the client should retry later.
    #[error("the relay is busy")]
    Busy,
    #[error("the store is shut down")]
    Closed,
    #[error("corrupt: {0}")]
    Corrupt(String),
    /// Bytes in the clear for a document whose scope has a key epoch: refused when they are
    /// stored, so nothing in the clear is ever stored after the business seals (a connection's
    /// own check uses the epochs it heard at its Welcome, which a new epoch may just have
    /// overtaken). The device reconnects, hears the epochs, and seals.
    #[error("the business seals this document: bytes in the clear are refused")]
    InTheClear,
    /// A push or snapshot made on a history the document no longer has: it was re-based at
    /// `at`, after the cursor of the writing connection's latest subscribe to it. Nothing stored.
    #[error("the document was re-based at {at}, after what this write was made on")]
    Rebased { at: u64 },
}

/// A re-base refused because it was built on another head than the document has (moved past
/// it, or never reached it): nothing changed. The device catches up and builds it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the re-base was built on seq {after_seq}, and the document's head is {head}")]
pub struct Moved {
    pub after_seq: u64,
    pub head: u64,
}

/// A document of a scope the business seals (its scope has a key epoch) that still holds bytes in
/// the clear — stored before encryption was turned on (issue 19): what `check --sealed` lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InTheClear {
    pub doc: String,
    /// Stored chunks in the clear (a proven snapshot empties the chunks it covers).
    pub chunks: u64,
    /// Whether its snapshot, or the snapshot proposed for it, is in the clear.
    pub snapshot: bool,
}

/// What the audit log keeps of a device's doing (#20): a chunk it pushed, a snapshot it
/// proposed, its verdict on another device's snapshot (proven: it replaced the chunks it covers;
/// rejected: it is gone), a document it subscribed to (a read), a document it re-based (every
/// byte held of it replaced by a fresh one), the retention rules it set; and a document the
/// relay itself emptied because the rules made it expired (no device). The relay cannot read the
/// bytes; it keeps who, when (relay time), which document and how much (and which chunk id a
/// push stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    Push,
    Snapshot,
    Proven,
    Rejected,
    Read,
    Rebase,
    /// A manager's device set retention rules that changed the ones kept: `doc` is `retention`,
    /// `size` the number of rules, `seq` 0.
    Retention,
    /// The relay emptied an expired document (`device` empty): `seq` is its head, `size` the
    /// bytes it held.
    Expire,
}

impl AuditAction {
    pub const ALL: [AuditAction; 8] = [
        AuditAction::Push,
        AuditAction::Snapshot,
        AuditAction::Proven,
        AuditAction::Rejected,
        AuditAction::Read,
        AuditAction::Rebase,
        AuditAction::Retention,
        AuditAction::Expire,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::Push => "push",
            AuditAction::Snapshot => "snapshot",
            AuditAction::Proven => "proven",
            AuditAction::Rejected => "rejected",
            AuditAction::Read => "read",
            AuditAction::Rebase => "rebase",
            AuditAction::Retention => "retention",
            AuditAction::Expire => "expire",
        }
    }

    pub fn parse(text: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Relay time, ms since 1970 (UTC).
    pub at_ms: i64,
    pub device: String,
    pub action: AuditAction,
    pub doc: String,
    /// A push's seq; the seq a snapshot (or the verdict on one, or a re-base) covers; for a
    /// read, the document's head when it was served (everything up to it was readable); for an
    /// expired document, its head when it was emptied; 0 for retention rules.
    pub seq: u64,
    /// Bytes stored (a push, a snapshot, the snapshot a verdict is on, a re-base); 0 for a read;
    /// the bytes an expired document held when it was emptied; the number of retention rules.
    pub size: u64,
    /// SHA-256 of those bytes; none for a read.
    pub sha256: Option<Head>,
    /// The chunk id a push stored (what [`Store::stored_at`] finds it by); none for any other
    /// line, and for a push logged before protocol 9.
    pub chunk: Option<ChunkId>,
}

/// Which lines of the audit log to read: each filter given must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub doc: Option<String>,
    pub device: Option<String>,
    /// Lines at or after this relay time (ms since 1970, UTC).
    pub since_ms: Option<i64>,
}

/// A device known to the relay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub revoked: bool,
    /// When it paired, ms since 1970 (UTC); 0 for a device enrolled before pairing existed.
    pub paired_at_ms: i64,
    /// When it last connected or went away, ms since 1970 (UTC); 0 if never.
    pub last_seen_ms: i64,
    /// Its X25519 key agreement key (32 bytes); empty for a device paired before version 4.
    pub agreement_key: Vec<u8>,
    /// Its proof of both keys under its pairing link's secret (the relay cannot check it);
    /// empty if it had none.
    pub key_proof: Vec<u8>,
}

impl Device {
    /// As the manager's device list shows it.
    pub fn info(&self) -> DeviceInfo {
        DeviceInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            role: self.role,
            paired_at_ms: self.paired_at_ms,
            last_seen_ms: self.last_seen_ms,
            revoked: self.revoked,
            agreement_key: self.agreement_key.clone(),
            key_proof: self.key_proof.clone(),
        }
    }
}

/// An Ed25519 public key (32 bytes), all the relay keeps of a device's credential.
pub type PublicKey = [u8; 32];

/// A device and the key it proves itself with (`None` for a device enrolled with a token before
/// pairing existed: it cannot connect until it pairs again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceKey {
    pub device: Device,
    pub public_key: Option<PublicKey>,
}

/// The keys a pairing device registers: the Ed25519 key it proves itself with at every Hello,
/// its X25519 key agreement key (envelopes are sealed to it; empty if it sent none) and its
/// proof of both (kept for the managers' devices to check; empty if it had no pairing secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairingKeys {
    pub public_key: PublicKey,
    pub agreement_key: Vec<u8>,
    pub key_proof: Vec<u8>,
}

/// What a pairing code lets a device become. The store keeps it under the SHA-256 of the code,
/// never the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairingOffer {
    pub role: Role,
    pub name: String,
    /// The business as whoever made the code named it (shown before the device joins).
    pub business: String,
    /// Who made it: a device id, or `cli`.
    pub created_by: String,
    pub expires_at_ms: i64,
}

/// A chunk a device pushes, with what the relay knows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewChunk {
    pub doc: String,
    pub chunk_id: ChunkId,
    pub bytes: Vec<u8>,
    /// The heads the device declared (kept after the bytes are dropped, for checking snapshots).
    pub heads: Vec<Head>,
    /// The device that pushed it (its quotas are charged).
    pub device: String,
    /// When the relay received it, ms since 1970 (UTC).
    pub at_ms: i64,
    /// The pushing device's public key and its signature of the chunk (checked by the relay
    /// before it is stored; kept and served, so other devices can check it too).
    pub author: Author,
}

/// What a device's write was made on, as far as the relay can tell: once a document is re-based,
/// a change made on the history it had before cannot be applied by any device holding the new
/// one (its dependencies are gone), and a snapshot made on it would bring back what was erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// A change that stands alone (a drop box's: its writer never reads it back; a tool's):
    /// never refused for a re-base.
    Alone,
    /// Made by a connection whose latest subscribe to the document was after this seq (0 when it
    /// has not subscribed), or whose own re-base of it covers this seq: refused with
    /// [`StoreError::Rebased`] if the document was re-based after it.
    Subscribed(u64),
}

/// A re-base a manager's device sent: `bytes`, a fresh document (no history), replace every byte
/// held of `doc` and cover every seq up to `after_seq + 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rebase {
    pub doc: String,
    /// The head the fresh document was made from: refused ([`Moved`]) unless it is the head.
    pub after_seq: u64,
    pub bytes: Vec<u8>,
    /// The device that sent it (the audit log's).
    pub device: String,
    /// When the relay received it, ms since 1970 (UTC).
    pub at_ms: i64,
    /// The sending device's public key and its signature of the re-base, as checked.
    pub author: Author,
}

/// One chunk of a document's log as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogChunk {
    pub seq: u64,
    pub bytes: Vec<u8>,
    pub at_ms: i64,
    pub author: Author,
}

/// A snapshot a device proposed, waiting for another device to check it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub covers_seq: u64,
    pub bytes: Vec<u8>,
    /// The device that proposed it (it may not check its own).
    pub device: String,
    /// The declared heads of every chunk it covers, in seq order.
    pub must_contain: Vec<Head>,
}

/// What became of a checked proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled {
    /// Another device found it sound: it is the document's snapshot now and the chunks it covers
    /// are dropped.
    Proven,
    /// Another device found it unsound: it is gone and the chunks stay. Says who proposed it.
    Rejected { proposer: String },
    /// No such proposal (already settled, replaced, never made, or other bytes than those
    /// checked): nothing changed.
    Stale,
    /// The device that proposed it may not check it: nothing changed.
    OwnProposal,
}

/// The result of a push: where the chunk sits in the log, and whether it was new.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    pub seq: u64,
    pub fresh: bool,
}

/// A chunk (or a re-base) that has just been committed, handed to the publisher in commit order.
pub struct Committed<'a> {
    pub doc: &'a str,
    pub seq: u64,
    pub bytes: &'a [u8],
    pub at_ms: i64,
    pub author: &'a Author,
    /// The connection that pushed it (not sent back to it).
    pub origin: u64,
    /// The document's first chunk: watchers of its prefix are told it exists.
    pub new_doc: bool,
    /// Not a chunk but a re-base: `bytes` are the fresh document that replaces everything its
    /// subscribers hold of it, covering `seq` (sent as [`frontdesk_protocol::ServerMsg::Rebased`]).
    pub rebase: bool,
}

/// What a store calls with each chunk and re-base once it is committed (the relay's hub fans it
/// out).
pub type Publisher = Box<dyn Fn(Committed<'_>) + Send + Sync>;

/// What a subscriber is sent to catch up.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    /// The stored snapshot, the seq it covers and who proposed it, when it is past the
    /// subscriber's cursor.
    pub snapshot: Option<(u64, Vec<u8>, Author)>,
    /// The chunks after the cursor (or after the snapshot), in seq order.
    pub chunks: Vec<LogChunk>,
    /// The document's last seq; 0 for a document that does not exist.
    pub head: u64,
    /// The document was re-based after the cursor: the snapshot replaces whatever the subscriber
    /// holds of it (sent as [`frontdesk_protocol::ServerMsg::Rebased`], not merged).
    pub rebased: bool,
}

/// Limits the store enforces.
#[derive(Clone, Copy, Debug)]
pub struct StoreLimits {
    /// Largest total of a document's stored chunks and snapshot, in bytes.
    pub max_doc_bytes: u64,
    /// Most writes committed in one transaction.
    pub max_batch: usize,
    /// Most writes waiting for the writer; past it a write fails at once with
    /// [`StoreError::Busy`] instead of queueing without bound.
    pub max_queued_writes: usize,
    /// Most documents one device may create.
    pub max_docs_per_device: u64,
    /// Most bytes of chunks one device may have stored (what snapshots drop no longer counts).
    pub max_bytes_per_device: u64,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            max_doc_bytes: 64 * 1024 * 1024,
            max_batch: 512,
            max_queued_writes: 65_536,
            max_docs_per_device: 50_000,
            max_bytes_per_device: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// A store's answer, to be awaited on the async runtime.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The relay's durable storage. Every store passes [`conformance`]; the relay holds one as
/// `Arc<dyn Store>`.
///
/// # Writes: the commit-order contract
///
/// - **Durable before Ack.** The future of [`push`](Store::push) and
///   [`snapshot`](Store::snapshot) resolves `Ok` only once the write is durable: it is there
///   after a crash or a close and reopen. A write that fails resolves `Err` and is not there.
/// - **Per-document order, fixed at call time.** `push` and `snapshot` queue their write when
///   they are *called*, not when the future is first polled: writes called one after the other
///   are applied in that order, and a document's pushes get sequence numbers 1, 2, 3… in the
///   order they were called, even though each future is awaited in a task of its own. (A
///   device's later change depends on its earlier one; a reader given them the other way round
///   would hold the later one back while its cursor already covered it.)
/// - **Published after commit, in sequence order.** Each new chunk is handed to the store's
///   [`Publisher`] once its transaction has committed, before its push resolves, and a
///   document's chunks reach the publisher in sequence order. Nothing uncommitted or refused is
///   published.
/// - **Idempotent pushes.** Pushing a chunk id the document already holds stores nothing,
///   resolves with its first seq and `fresh: false`, and is not published again.
/// - **Quotas.** A push that would take a document's chunks and snapshot past
///   [`StoreLimits::max_doc_bytes`] fails with [`StoreError::DocTooLarge`] and stores nothing;
///   one that would make its device create more than [`StoreLimits::max_docs_per_device`]
///   documents or store more than [`StoreLimits::max_bytes_per_device`] bytes of chunks fails with
///   [`StoreError::QuotaExceeded`] and stores nothing. A full writer queue fails a write with
///   [`StoreError::Busy`] at once.
/// - **Snapshots are proposed, then proven.** [`propose_snapshot`](Store::propose_snapshot)
///   is refused for a document that does not exist ([`StoreError::UnknownDoc`]) or that covers
///   more than the document holds ([`StoreError::SnapshotAhead`]); one not newer than the stored
///   snapshot, or older than the proposal already waiting, is accepted and changes nothing;
///   otherwise it becomes the document's proposal. A proposal changes no backlog: the chunks
///   stay. [`settle_snapshot`](Store::settle_snapshot) by a device other than the proposer,
///   about the very bytes proposed (their SHA-256: a verdict on a proposal since replaced by
///   another of the same seq changes nothing), either proves it — it replaces the stored snapshot and the bytes of the chunks it covers
///   are dropped in the same transaction (no longer counted against any quota; their declared
///   heads are kept) — or rejects it (it is gone). The head never changes.
///
/// # Re-bases
///
/// [`rebase`](Store::rebase) replaces a document for good, in one transaction queued like a
/// push: refused ([`Moved`]) unless the document's head is the re-base's `after_seq`
/// ([`StoreError::UnknownDoc`] for a document that does not exist); otherwise every chunk (its
/// declared heads included: no later proposal must contain them), the snapshot and any proposal
/// are deleted and leave no trace in the store's files, the fresh bytes become the document's
/// snapshot covering `after_seq + 1`, the head moves there (the next push gets `after_seq + 2`),
/// the document is marked re-based there ([`rebased_at`](Store::rebased_at)), and the re-base is
/// published (after commit, in sequence order) and written to the audit log. Its bytes count as
/// a snapshot's: against the document's size, never against a device's quota; the deleted
/// chunks' bytes no longer count for the devices that pushed them. From then on a push or a
/// proposal made on [`Basis::Subscribed`] before the re-base is refused with
/// [`StoreError::Rebased`] — checked in the transaction that would store it, so a write queued
/// behind a re-base is judged against it.
///
/// # Reads
///
/// Reads see only committed writes. A [`backlog`](Store::backlog) after a cursor holds the
/// snapshot when it covers more than the cursor, then the chunks after the snapshot or cursor;
/// it is marked [`rebased`](Backlog::rebased) when the document was re-based after the cursor.
///
/// # Devices
///
/// A device pairs with a one-time code ([`create_pairing`](Store::create_pairing), kept only as
/// the code's SHA-256): [`redeem_pairing`](Store::redeem_pairing) registers it with its public
/// key and uses the code up, in one transaction. A code works once, until it expires, and not
/// after [`MAX_WRONG_TRIES`](frontdesk_protocol::pairing::MAX_WRONG_TRIES) wrong codes have been
/// tried while it waited (every try of a code matching none counts against every code
/// waiting). Revoking keeps the device (listed as revoked): its key still finds it, marked
/// revoked, so the relay can tell the device itself.
///
/// # Key epochs
///
/// The store numbers key epochs without ever seeing a key: per scope, a counter that only grows
/// and survives a reopen; the business's first epochs are granted once.
///
/// # Retention
///
/// The store keeps the business's retention rules ([`Retention`]; none at first) across a
/// reopen. [`set_retention`](Store::set_retention) is queued when called, like a push (so every
/// write called before it is committed when it resolves), and writes an audit line
/// ([`AuditAction::Retention`]) in the same transaction only when the rules change.
/// [`expire_docs`](Store::expire_docs) empties documents as [`clear_docs`](Store::clear_docs)
/// does — and leaves no byte of them in the store's files when it resolves — with an audit line
/// ([`AuditAction::Expire`], no device) for each that held anything.
pub trait Store: Send + Sync {
    /// Appends a chunk made on `basis` to its document for connection `origin`; resolves with its
    /// seq once durable. Queued when called (see the contract above).
    fn push_on(&self, chunk: NewChunk, origin: u64, basis: Basis) -> StoreFuture<'static, Appended>;

    /// [`push_on`](Store::push_on) a chunk that stands alone ([`Basis::Alone`]): for tools and
    /// tests, never for a connection's push.
    fn push(&self, chunk: NewChunk, origin: u64) -> StoreFuture<'static, Appended> {
        self.push_on(chunk, origin, Basis::Alone)
    }

    /// Stores `device`'s proposed snapshot of `doc` covering seqs up to `covers_seq`, made on
    /// `basis`; resolves once durable. Queued when called.
    fn propose_snapshot_on(
        &self,
        doc: &str,
        covers_seq: u64,
        bytes: Vec<u8>,
        device: &str,
        author: Author,
        basis: Basis,
    ) -> StoreFuture<'static, ()>;

    /// [`propose_snapshot_on`](Store::propose_snapshot_on) with no re-base to judge it against
    /// ([`Basis::Alone`]): for tools and tests, never for a connection's proposal.
    fn propose_snapshot(
        &self,
        doc: &str,
        covers_seq: u64,
        bytes: Vec<u8>,
        device: &str,
        author: Author,
    ) -> StoreFuture<'static, ()> {
        self.propose_snapshot_on(doc, covers_seq, bytes, device, author, Basis::Alone)
    }

    /// Re-bases a document for connection `origin` (see the contract above); resolves with the
    /// seq its fresh bytes cover (`after_seq + 1`) once durable and the old bytes are gone, or
    /// with why not. Queued when called.
    fn rebase(&self, rebase: Rebase, origin: u64) -> StoreFuture<'static, Result<u64, Moved>>;

    /// The seq of the document's latest re-base; 0 if it never was (or does not exist).
    fn rebased_at<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, u64>;

    /// The device that made the document's latest re-base, with its key as registered (empty
    /// if it has none); `None` if it never was re-based, or was before protocol 10.
    fn rebased_by<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, Option<Signer>>;

    /// The proposal waiting for `doc`, with what it must contain.
    fn proposal<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, Option<Proposal>>;

    /// `checker`'s verdict on the proposal of `doc` covering `covers_seq` whose bytes have the
    /// SHA-256 `digest`; a verdict on other bytes is [`Settled::Stale`]. Queued when called.
    fn settle_snapshot(
        &self,
        doc: &str,
        covers_seq: u64,
        digest: Head,
        checker: &str,
        sound: bool,
    ) -> StoreFuture<'static, Settled>;

    /// Everything a subscriber whose cursor is `after_seq` needs.
    fn backlog<'a>(&'a self, doc: &'a str, after_seq: u64) -> StoreFuture<'a, Backlog>;

    /// Names of the documents that start with `prefix`, sorted.
    fn docs_with_prefix<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, Vec<String>>;

    /// How many documents the store holds (for the health endpoint).
    fn doc_count(&self) -> StoreFuture<'_, u64>;

    /// Registers devices with their public keys, all or none, in the order given; resolves with
    /// their ids. (For tests, load generators and scripts: devices pair with codes.)
    fn add_devices<'a>(&'a self, devices: &'a [(&'a str, Role, PublicKey)]) -> StoreFuture<'a, Vec<String>>;

    /// Registers one device; resolves with its id.
    fn add_device<'a>(&'a self, name: &'a str, role: Role, key: PublicKey) -> StoreFuture<'a, String> {
        Box::pin(async move {
            let added = self.add_devices(&[(name, role, key)]).await?;
            added.into_iter().next().ok_or_else(|| StoreError::Corrupt("a device added but not returned".into()))
        })
    }

    /// Every registered device, revoked ones included, oldest first.
    fn devices(&self) -> StoreFuture<'_, Vec<Device>>;

    /// Revokes a device and raises the floor of each scope in `floors` to its epoch (never above
    /// the newest epoch numbered, never lower than before), in one transaction; resolves with
    /// whether the device existed (when it did not, no floor moves).
    fn revoke_device<'a>(&'a self, id: &'a str, floors: &'a [Epoch]) -> StoreFuture<'a, bool>;

    /// Gives a device another name; resolves with whether it existed.
    fn rename_device<'a>(&'a self, id: &'a str, name: &'a str) -> StoreFuture<'a, bool>;

    /// Notes that the device connected or went away at `at_ms`.
    fn device_seen<'a>(&'a self, id: &'a str, at_ms: i64) -> StoreFuture<'a, ()>;

    /// A device and its key, revoked or not.
    fn device_key<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<DeviceKey>>;

    /// Keeps a pairing offer under the SHA-256 of its code. Forgets offers that ended a day ago.
    fn create_pairing<'a>(&'a self, code_sha256: Head, offer: PairingOffer, now_ms: i64) -> StoreFuture<'a, ()>;

    /// What the code would pair, without using it; a code matching none counts as a wrong try
    /// against every code waiting.
    fn preview_pairing<'a>(
        &'a self,
        code_sha256: Head,
        now_ms: i64,
    ) -> StoreFuture<'a, Result<PairingOffer, PairRefusal>>;

    /// Uses the code: registers a device with its offer's role and name and this key, and marks
    /// the code used, in one transaction. A code matching none counts as a wrong try against
    /// every code waiting.
    fn redeem_pairing<'a>(
        &'a self,
        code_sha256: Head,
        keys: PairingKeys,
        now_ms: i64,
    ) -> StoreFuture<'a, Result<(Device, PairingOffer), PairRefusal>>;

    /// The newest key epoch of each scope numbered so far, in scope order; empty for a business
    /// whose documents are not sealed.
    fn epochs(&self) -> StoreFuture<'_, Vec<Epoch>>;

    /// Numbers the next epoch of each of `scopes` for `device`, in one transaction, and resolves
    /// with whether it did and the newest epoch of every scope afterwards. With `first`, it does
    /// only if no epoch exists yet (the business's first keys: epoch 1 of each scope), so two
    /// devices never both set a business up — or, numbering nothing, to the device that was
    /// granted them while no other epoch exists (its set-up was cut short before its keys were
    /// kept); otherwise each scope's epoch is one past its newest.
    fn new_epochs<'a>(
        &'a self,
        scopes: &'a [Scope],
        first: bool,
        device: &'a str,
        at_ms: i64,
    ) -> StoreFuture<'a, (bool, Vec<Epoch>)>;

    /// The floor of each scope that has one, in scope order: nothing sealed below it is stored.
    fn floors(&self) -> StoreFuture<'_, Vec<Epoch>>;

    /// Empties `docs` for good: their chunks, snapshot and waiting proposal are deleted (their
    /// pages overwritten in the database file), and the bytes stop counting for the devices that
    /// pushed them. Each document's name and sequence stay, so a device that pushes to it again
    /// continues after its last seq. Returns how many of them held anything. The kiosk's days
    /// (`kiosk/<date>`) are emptied after their day (#19).
    fn clear_docs<'a>(&'a self, docs: &'a [String]) -> StoreFuture<'a, u64>;

    /// The retention rules kept (none until a manager's device sets some).
    fn retention(&self) -> StoreFuture<'_, Retention>;

    /// Keeps `retention` (checked by the caller) as the business's rules, set by `device` at
    /// relay time `at_ms`; resolves with whether they changed. Queued when called, like a push;
    /// a change is written to the audit log in the same transaction, the same rules again
    /// change and log nothing.
    fn set_retention(&self, retention: &Retention, device: &str, at_ms: i64) -> StoreFuture<'static, bool>;

    /// Empties `docs`, which the retention rules made expired, as [`clear_docs`](Store::clear_docs)
    /// does, at relay time `at_ms`; writes an [`AuditAction::Expire`] line for each that held
    /// anything, in the same transaction, and resolves once no byte of them is left in the
    /// store's files. Returns how many held anything.
    fn expire_docs<'a>(&'a self, docs: &'a [String], at_ms: i64) -> StoreFuture<'a, u64>;

    /// The ids of revoked devices (polled by the relay, as another process may revoke).
    fn revoked_devices(&self) -> StoreFuture<'_, Vec<String>>;

    /// Checks the stored data; `Ok(())` when it is sound, [`StoreError::Corrupt`] otherwise.
    fn integrity_check(&self) -> StoreFuture<'_, ()>;

    /// Documents of a sealed scope that still hold bytes in the clear, by name.
    fn in_the_clear(&self) -> StoreFuture<'_, Vec<InTheClear>>;

    /// Leaves no trace in the store's files of bytes it no longer holds (chunks a proven
    /// snapshot emptied, snapshots replaced, documents cleared): what was stored in the clear
    /// before encryption must not linger in free space or an old copy of a page.
    fn wipe_free_space(&self) -> StoreFuture<'_, ()>;

    /// Records in the audit log that `device` read `doc` (a subscribe that served it something),
    /// served up to `head`, at relay time `at_ms`. Queued when called, like a push; resolves once
    /// durable. The relay does not hold the backlog back for it: a read whose line fails to
    /// commit is logged as an error, not refused.
    fn record_read(&self, doc: &str, head: u64, device: &str, at_ms: i64) -> StoreFuture<'static, ()>;

    /// The audit log's lines that match `query`, oldest first. Every push stored is there with
    /// its device, relay time, seq, size, SHA-256 and chunk id, written in the push's own transaction
    /// (none for a refused or repeated push); so is every snapshot proposal stored, every
    /// verdict that proved or rejected one (a stale verdict, or the proposer's own, has none),
    /// and every re-base (none for a refused one).
    fn audit<'a>(&'a self, query: &'a AuditQuery) -> StoreFuture<'a, Vec<AuditEntry>>;

    /// The relay time at which each of `chunks` of `doc` was stored, and the device that pushed
    /// it with its key as registered (empty if it has none), as the audit log's push lines say
    /// (#20: a record's History shows them), in the order asked, each id once: its first push
    /// (one pushed again after its document was re-based or emptied has a line per push). An id
    /// with no push of `doc` on record — never pushed, another document's, pushed before
    /// protocol 9, or its line forgotten by [`prune_audit`](Store::prune_audit) — is left out. A
    /// read of the log only: queued for no writer, and logged nowhere.
    fn stored_at<'a>(&'a self, doc: &'a str, chunks: &'a [ChunkId]) -> StoreFuture<'a, Vec<StoredChunk>>;

    /// Forgets the audit log's lines from before `before_ms` (the retention time); resolves
    /// with how many.
    fn prune_audit(&self, before_ms: i64) -> StoreFuture<'_, u64>;

    /// Stops accepting writes and resolves once the writes already queued are done.
    fn close(&self) -> StoreFuture<'_, ()>;
}
