//! The relay's wire protocol: binary WebSocket frames carrying opaque document chunks.
//!
//! A frame is one version byte followed by a postcard-encoded [`ClientMsg`] or [`ServerMsg`].
//! The relay never looks inside `bytes`: they are Automerge saves, and could be ciphertext.

use serde::{Deserialize, Serialize};
use std::fmt;

pub mod access;
pub mod area;
pub mod pairing;
pub mod retention;
pub mod sealed;

pub use area::{Area, Readers, UnknownArea, Writers};
pub use retention::Retention;
pub use sealed::Scope;

/// The protocol version this build speaks; it is the first byte of every frame. Version 2 (since
/// #17): pushes declare their heads, snapshots are proposed and checked by another device, chunks
/// carry the relay's receive time. Version 3 (#18): devices pair with a one-time code and prove
/// their key at every Hello (no bearer tokens); managers pair, list, rename and revoke devices.
/// Version 4 (#19): a pairing device sends the public half of its key agreement key (envelopes of
/// the business's keys are sealed to it) and a proof that whoever made the code vouches for it;
/// the relay numbers key epochs and says the newest at Welcome. Version 5 (#19): revoking a device
/// raises the floor of the scopes it held (nothing sealed below a floor is stored any more), and
/// the Welcome says the floors. Version 6 (#20): a device signs every chunk and snapshot it
/// sends ([`chunk_proof`], [`snapshot_proof`]); the relay checks and keeps the signature and
/// serves it with the signer's public key, so every other device can check who wrote what.
/// Version 7 (#20): a manager may re-base a document ([`ClientMsg::Rebase`]: a fresh document
/// without an erased person replaces every byte the relay held of it), and a device is told so
/// ([`ServerMsg::Rebased`]). Version 8 (#20): a manager sets how long dated documents are kept
/// ([`ClientMsg::SetRetention`]); the relay empties expired ones and refuses anything more for
/// them ([`ErrorCode::Expired`]). Version 9 (#20): a device asks when the relay stored chunks
/// of a document ([`ClientMsg::WhenStored`]), so a record's History shows the relay's time.
/// Version 10 (#20): the answer also names the device that pushed each chunk and the latest
/// re-base's, with their keys, so a History entry is dated only when its writer is one of them.
pub const PROTOCOL_VERSION: u8 = 10;

/// The hash of one Automerge change (SHA-256), as devices declare it. The relay stores these
/// without knowing what they are.
pub type Head = [u8; 32];

/// Default upper bound on a frame, enforced by the relay (and respected by clients).
pub const DEFAULT_MAX_FRAME: usize = 1024 * 1024;

/// WebSocket close codes the relay uses, so a client can tell a user what went wrong.
pub mod close {
    /// The frame could not be decoded.
    pub const BAD_FRAME: u16 = 4000;
    /// The socket did not say `Hello` in time.
    pub const HELLO_TIMEOUT: u16 = 4001;
    /// The device is unknown, or did not prove it holds its key.
    pub const UNAUTHORIZED: u16 = 4002;
    /// The client speaks another protocol version.
    pub const UNSUPPORTED_PROTOCOL: u16 = 4003;
    /// The client sent something before `Hello`, or `Hello` twice.
    pub const PROTOCOL_VIOLATION: u16 = 4004;
    /// The client fell too far behind the live stream; it should reconnect and catch up.
    pub const TOO_SLOW: u16 = 4005;
    /// The device has as many connections open as it may; it should retry later.
    pub const TOO_MANY_CONNECTIONS: u16 = 4006;
    /// The device sent more than it may; it should retry later, more slowly.
    pub const RATE_LIMITED: u16 = 4007;
    /// The device proved its key, and it has been revoked: it should forget what it holds.
    pub const REVOKED: u16 = 4008;
    /// A pairing request was answered; the socket is done.
    pub const PAIRING_DONE: u16 = 4009;
    /// The business's key epochs changed (encryption was turned on): reconnect, and the Welcome
    /// says the new ones.
    pub const KEYS_CHANGED: u16 = 4010;
    /// The relay is shutting down.
    pub const GOING_AWAY: u16 = 1001;
    /// The frame is larger than the relay accepts.
    pub const TOO_BIG: u16 = 1009;
}

/// A client-chosen identifier of a chunk, so re-sending the same chunk is harmless.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ChunkId(pub [u8; 16]);

/// Writes 16 random bytes as 32 lowercase hexadecimal digits (how ids are shown and stored).
pub fn write_hex16(bytes: &[u8; 16], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

/// 16 bytes as 32 lowercase hexadecimal digits ([`write_hex16`] into a string).
pub fn hex16(bytes: &[u8; 16]) -> String {
    struct Hex<'a>(&'a [u8; 16]);
    impl fmt::Display for Hex<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_hex16(self.0, f)
        }
    }
    Hex(bytes).to_string()
}

/// Reads 32 hexadecimal digits back into 16 bytes.
pub fn parse_hex16(s: &str) -> Option<[u8; 16]> {
    if s.len() != 32 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

impl fmt::Display for ChunkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex16(&self.0, f)
    }
}

impl fmt::Debug for ChunkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChunkId({self})")
    }
}

impl std::str::FromStr for ChunkId {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_hex16(s).map(ChunkId).ok_or(DecodeError::Malformed)
    }
}

/// What a device may do; decided by the relay from the device it proved to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// A public kiosk: pushes to its own inbox, reads the public `kiosk` document.
    Kiosk,
    /// Reception staff.
    Staff,
    /// Office manager: everything staff can, plus payroll.
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Kiosk => "kiosk",
            Role::Staff => "staff",
            Role::Manager => "manager",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kiosk" => Ok(Role::Kiosk),
            "staff" => Ok(Role::Staff),
            "manager" => Ok(Role::Manager),
            other => Err(format!("unknown role `{other}` (expected kiosk, staff or manager)")),
        }
    }
}

/// Messages a device sends to the relay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientMsg {
    /// The first message on a socket that syncs: which device this is, and its Ed25519
    /// signature of [`hello_proof`] for the nonce of the [`ServerMsg::Challenge`] the relay sent
    /// as the socket opened.
    Hello { device: String, protocol: u8, signature: Vec<u8> },
    /// The first (and only) message on a pairing socket: what joining with this code would mean.
    /// Answered by [`PairReply::Offer`] or [`PairReply::Refused`]; the code stays unused.
    PairPreview { code: String, protocol: u8 },
    /// The first (and only) message on a pairing socket: join with this code, as the holder of
    /// this Ed25519 public key (32 bytes) and this X25519 key agreement key (32 bytes; the
    /// business's keys are sealed to it). `key_proof` is the device's HMAC of both keys under the
    /// secret its pairing link carried (never sent to the relay), so the manager's device can tell
    /// the keys are the ones this device sent; empty when the code came without one (`pair` on
    /// the relay's command line). Answered by [`PairReply::Paired`] or [`PairReply::Refused`].
    Pair { code: String, public_key: Vec<u8>, agreement_key: Vec<u8>, key_proof: Vec<u8>, protocol: u8 },
    /// Stream the document's snapshot and chunks after `after_seq`, then live chunks.
    Subscribe { doc: String, after_seq: u64 },
    /// Tell me the documents whose names start with `prefix`, now and when they appear.
    Watch { prefix: String },
    /// Append a chunk to a document's log. `heads` are the hashes of the chunk's changes that no
    /// other change of the chunk depends on: a snapshot that holds them holds the whole chunk.
    /// `signature`: the device's Ed25519 signature of [`chunk_proof`] of `doc` and `bytes`.
    Push { doc: String, chunk_id: ChunkId, bytes: Vec<u8>, heads: Vec<Head>, signature: Vec<u8> },
    /// A full save proposed to cover every chunk up to `covers_seq`. The relay keeps the chunks
    /// until another device has checked it ([`ServerMsg::Check`]). `signature`: of
    /// [`snapshot_proof`].
    Snapshot { doc: String, covers_seq: u64, bytes: Vec<u8>, signature: Vec<u8> },
    /// The answer to [`ServerMsg::Check`]: whether the proposed snapshot holds every head.
    /// `digest` is the SHA-256 of the bytes checked: a verdict counts only for those bytes.
    Checked { doc: String, covers_seq: u64, digest: Head, ok: bool },
    /// Keep-alive.
    Ping,
    /// Manager only: a pairing code for a new device with this role and name, shown to whoever
    /// pairs as `business`. Answered by [`AdminReply::PairingCode`].
    CreatePairing { role: Role, name: String, business: String },
    /// Manager only: the devices paired with this relay. Answered by [`AdminReply::Devices`].
    ListDevices,
    /// Manager only: give a device another name. Answered by [`AdminReply::Devices`].
    RenameDevice { device: String, name: String },
    /// Manager only: revoke a device; it is disconnected at once. With `floors` (the epochs a
    /// rotation just numbered and handed to every other device), nothing sealed below them is
    /// stored afterwards, so what the revoked device held opens nothing written later; the revoke
    /// and the floors are one transaction. Answered by [`AdminReply::Devices`].
    RevokeDevice { device: String, floors: Vec<Epoch> },
    /// Manager only: number a new key epoch for each of `scopes` (the relay counts; it never
    /// sees a key). `first` asks for the business's first keys, and is refused once any epoch
    /// exists, so two devices can never both set a business up. Answered by [`AdminReply::Epochs`].
    NewEpoch { scopes: Vec<Scope>, first: bool },
    /// Manager only: replace the document with `bytes`, a fresh document (no history) made from
    /// what it held at `after_seq` minus what is erased. In one transaction the relay deletes
    /// every chunk (heads included), snapshot and proposal of it, keeps `bytes` as its snapshot
    /// covering `after_seq + 1`, and records that the document was re-based there; refused with
    /// [`ErrorCode::Moved`] if its head is past `after_seq` (the device catches up and builds it
    /// again). From then on a push to it is refused with [`ErrorCode::Rebased`] on a connection
    /// that has not subscribed to it at or after that seq (its changes were made on the old
    /// history); drop boxes excepted (their changes stand alone). Answered by
    /// [`ServerMsg::SnapshotStored`]; every other subscriber gets [`ServerMsg::Rebased`].
    /// `signature`: of [`rebase_proof`].
    Rebase { doc: String, after_seq: u64, bytes: Vec<u8>, signature: Vec<u8> },
    /// Manager only: keep each dated area's documents this long ([`retention`]). The relay
    /// keeps the rules (an audit line when they change), empties every document they make
    /// expired at once and every hour after, and refuses any push, snapshot or subscribe for an
    /// expired one with [`ErrorCode::Expired`]. Sent by a manager's device at each connect and
    /// whenever the business's rules change; the same rules again change nothing. Answered by
    /// [`AdminReply::Retention`].
    SetRetention { retention: Retention },
    /// When the relay stored each of these chunks of `doc`, as its audit log says: a record's
    /// History shows the relay's time of each edit, which no device chooses. Any device that may
    /// read `doc`; the relay answers for the first [`MAX_STORED_ASKED`]. Answered by
    /// [`AdminReply::Stored`].
    WhenStored { doc: String, chunks: Vec<ChunkId> },
}

/// The most chunks one [`ClientMsg::WhenStored`] asks about.
pub const MAX_STORED_ASKED: usize = 256;

/// Messages the relay sends to a device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerMsg {
    /// Sent as soon as a socket opens: sign [`hello_proof`] of this nonce with the device's key
    /// and say [`ClientMsg::Hello`] (a pairing socket ignores it).
    Challenge {
        nonce: [u8; 32],
    },
    /// The device proved who it is. `epochs` are the newest key epoch of each scope the relay
    /// has numbered; empty for a business whose documents are not sealed. `floors` are the
    /// oldest epoch of each scope the relay still stores new bytes under (raised when a device
    /// is revoked); a scope without one takes any.
    Welcome {
        device: String,
        name: String,
        role: Role,
        epochs: Vec<Epoch>,
        floors: Vec<Epoch>,
    },
    /// A document's snapshot, sent on subscribe when the device is behind it, and who proposed
    /// it (empty for one stored before version 6).
    Snapshot {
        doc: String,
        covers_seq: u64,
        bytes: Vec<u8>,
        author: Author,
    },
    /// One chunk of a document's log, with the time the relay received it (ms since 1970, UTC)
    /// and who pushed it (empty for one stored before version 6).
    Chunk {
        doc: String,
        seq: u64,
        bytes: Vec<u8>,
        at_ms: i64,
        author: Author,
    },
    /// Another device proposed this snapshot: check that it loads and holds every one of
    /// `must_contain` (the heads of every chunk it covers), and answer [`ClientMsg::Checked`].
    Check {
        doc: String,
        covers_seq: u64,
        bytes: Vec<u8>,
        must_contain: Vec<Head>,
    },
    /// The backlog of a subscription has been sent; `head` is the last sequence number.
    Synced {
        doc: String,
        head: u64,
    },
    /// The chunk is durably stored at `seq`.
    Ack {
        doc: String,
        chunk_id: ChunkId,
        seq: u64,
    },
    /// The snapshot is durably stored.
    SnapshotStored {
        doc: String,
        covers_seq: u64,
    },
    /// A document matching a watched prefix exists.
    DocExists {
        doc: String,
    },
    /// A request was refused; the socket stays open.
    Error {
        code: ErrorCode,
        doc: Option<String>,
        message: String,
    },
    Pong,
    /// The answer to a manager's request or a History's question, an [`AdminReply`] encoded on
    /// its own (a device decodes it only where the screens that ask are).
    Admin {
        reply: Vec<u8>,
    },
    /// The document was re-based ([`ClientMsg::Rebase`]): what the device holds of it is replaced
    /// by `bytes` (no merge — the old history is what was erased), which cover every seq up to
    /// `covers_seq`. Sent on subscribe to a device whose cursor is before the re-base, and live
    /// to subscribers. The device re-applies its own unsent changes by record, subscribes again
    /// (its pushes are refused until it has), and sends them.
    Rebased {
        doc: String,
        covers_seq: u64,
        bytes: Vec<u8>,
        author: Author,
    },
}

/// The relay's answer to a manager's request, carried in [`ServerMsg::Admin`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminReply {
    /// A new pairing code (shown once) and when it stops working.
    PairingCode { code: String, role: Role, name: String, expires_at_ms: i64 },
    /// The devices paired with this relay, oldest first.
    Devices { devices: Vec<DeviceInfo> },
    /// A device just paired with a code this device made (sent to its every connection).
    Paired { device: DeviceInfo },
    /// The answer to [`ClientMsg::NewEpoch`]: whether it was granted, and the newest epoch of
    /// every scope now.
    Epochs { granted: bool, epochs: Vec<Epoch> },
    /// The answer to [`ClientMsg::SetRetention`]: the rules the relay keeps now, and how many
    /// documents it emptied because of them.
    Retention { retention: Retention, emptied: u64 },
    /// The answer to [`ClientMsg::WhenStored`]: when and from whom the relay stored each chunk
    /// asked about whose push is in its audit log (a chunk it has no push of is left out), and
    /// which device made the document's latest re-base, if any (its fresh document copies what
    /// it keeps under that device's actors).
    Stored { doc: String, chunks: Vec<StoredChunk>, rebased_by: Option<Signer> },
}

/// A device as the relay authenticated it: its id, its name as the managers set it (at pairing,
/// or renamed since; empty if the relay has none), and its public key as the relay has it (empty
/// if none): what its signatures and the actors of its changes are checked against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub device: String,
    pub name: String,
    pub key: Vec<u8>,
}

/// A chunk's push as the relay's audit log has it ([`AdminReply::Stored`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredChunk {
    pub chunk: ChunkId,
    /// The relay's time of its first push (ms since 1970, UTC).
    pub at_ms: i64,
    /// The device that pushed it (authenticated at its Hello, its signature checked).
    pub by: Signer,
}

/// A key epoch of one scope, as the relay numbered it (the newest, or a floor).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Epoch {
    pub scope: Scope,
    pub epoch: u32,
}

impl Epoch {
    /// The epoch `epochs` name for `scope`; 0 when they name none.
    pub fn of(epochs: &[Epoch], scope: Scope) -> u32 {
        epochs.iter().filter(|e| e.scope == scope).map(|e| e.epoch).max().unwrap_or(0)
    }
}

impl AdminReply {
    /// As carried in [`ServerMsg::Admin`] (no version byte: the frame around it has one).
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        match postcard::take_from_bytes(bytes) {
            Ok((reply, [])) => Ok(reply),
            _ => Err(DecodeError::Malformed),
        }
    }
}

/// The relay's one answer on a pairing socket (after the [`ServerMsg::Challenge`] every socket
/// opens with). Apart from [`ServerMsg`], so a device decodes it only where it pairs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PairReply {
    /// What the pairing code would join: the business as its manager named it, and the role and
    /// name the new device would have.
    Offer { business: String, role: Role, name: String, expires_at_ms: i64 },
    /// The device is paired: it may say Hello as `device` from now on.
    Paired { device: String, name: String, role: Role, business: String },
    /// The pairing code was not accepted.
    Refused { why: PairRefusal },
}

impl PairReply {
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }
    pub fn decode(frame: &[u8]) -> Result<Self, DecodeError> {
        decode(frame)
    }
}

/// Why a pairing code was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PairRefusal {
    /// No code in use matches (mistyped, or never made).
    Unknown,
    /// The code has paired a device already.
    Used,
    /// The code is older than its ten minutes.
    Expired,
    /// Too many wrong codes were tried while it was waiting: it no longer works.
    Voided,
    /// Too many tries from this address; try again after this many seconds.
    TooManyTries { retry_after_s: u32 },
    /// The public key is not an Ed25519 key, or the agreement key not an X25519 key (or missing
    /// where the business's documents are sealed).
    BadKey,
    /// The business's documents are sealed, and the device came without the key check that lets
    /// a manager's tablet hand it the keys: it would wait for them for ever.
    KeyCheckNeeded,
}

/// A device as the manager's device list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// When it paired, ms since 1970 (UTC); 0 if it never did (enrolled before pairing existed).
    pub paired_at_ms: i64,
    /// When it last connected or disconnected, ms since 1970 (UTC); 0 if never.
    pub last_seen_ms: i64,
    pub revoked: bool,
    /// Its X25519 key agreement key (32 bytes); empty for a device paired before version 4.
    pub agreement_key: Vec<u8>,
    /// Its proof of both keys under its pairing link's secret; empty if it had none.
    pub key_proof: Vec<u8>,
}

/// Who sent a chunk or snapshot: the Ed25519 public key (32 bytes) of the device that pushed it
/// and its signature of [`chunk_proof`] (or [`snapshot_proof`]), as the relay checked and kept
/// them. A device checks both again: the relay is not trusted to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub key: Vec<u8>,
    pub signature: Vec<u8>,
}

/// What a device signs to push a chunk: a fixed context, the document and the SHA-256 of the
/// bytes as sent (sealed or not), so a signature vouches for those bytes in that document only.
pub fn chunk_proof(doc: &str, digest: &[u8; 32]) -> Vec<u8> {
    proof(b"frontdesk chunk v6\0", doc, None, digest)
}

/// What a device signs to propose a snapshot: as [`chunk_proof`], with the sequence number it
/// covers (a snapshot cannot pass for a chunk, nor for another cover).
pub fn snapshot_proof(doc: &str, covers_seq: u64, digest: &[u8; 32]) -> Vec<u8> {
    proof(b"frontdesk snapshot v6\0", doc, Some(covers_seq), digest)
}

/// What a manager's device signs to re-base a document ([`ClientMsg::Rebase`]): as
/// [`snapshot_proof`], under its own context (a re-base cannot pass for a snapshot).
pub fn rebase_proof(doc: &str, covers_seq: u64, digest: &[u8; 32]) -> Vec<u8> {
    proof(b"frontdesk rebase v7\0", doc, Some(covers_seq), digest)
}

fn proof(context: &[u8], doc: &str, covers_seq: Option<u64>, digest: &[u8; 32]) -> Vec<u8> {
    let mut out = context.to_vec();
    out.extend_from_slice(doc.as_bytes());
    out.push(0);
    if let Some(seq) = covers_seq {
        out.extend_from_slice(&seq.to_be_bytes());
    }
    out.extend_from_slice(digest);
    out
}

/// What a device signs to answer a [`ServerMsg::Challenge`]: a fixed context, the nonce and the
/// device id, so a signature proves one Hello of one device and nothing else.
pub fn hello_proof(device: &str, nonce: &[u8; 32]) -> Vec<u8> {
    let mut out = b"frontdesk hello v3\0".to_vec();
    out.extend_from_slice(nonce);
    out.extend_from_slice(device.as_bytes());
    out
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    /// The device's role may not do this with this document.
    Forbidden,
    /// The document name is not valid.
    BadDocName,
    /// The document would exceed the relay's size limit.
    DocTooLarge,
    /// The device sends faster than the relay allows.
    RateLimited,
    /// The relay could not store the chunk; the client should retry later.
    StorageFailed,
    /// The device is over one of its quotas (documents, bytes, subscriptions, watches).
    QuotaExceeded,
    /// The bytes are sealed under an epoch below the scope's floor (a device was revoked since):
    /// reconnect, and seal them again under a newer key.
    StaleEpoch,
    /// The chunk's or snapshot's signature is not this device's: reconnect and sign again.
    BadSignature,
    /// The push was made on a history the document no longer has (it was re-based since this
    /// connection subscribed): the device applies the [`ServerMsg::Rebased`] it is sent and
    /// makes its change again.
    Rebased,
    /// A re-base was built on an older head than the document has now: catch up, build again.
    Moved,
    /// The document is past the business's retention ([`retention`]): the relay holds nothing of
    /// it and takes nothing more; the device forgets it too.
    Expired,
    /// Retention rules that [`retention::Retention::check`] refuses.
    BadRetention,
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ErrorCode::Forbidden => "Forbidden",
            ErrorCode::BadDocName => "BadDocName",
            ErrorCode::DocTooLarge => "DocTooLarge",
            ErrorCode::RateLimited => "RateLimited",
            ErrorCode::StorageFailed => "StorageFailed",
            ErrorCode::QuotaExceeded => "QuotaExceeded",
            ErrorCode::StaleEpoch => "StaleEpoch",
            ErrorCode::BadSignature => "BadSignature",
            ErrorCode::Rebased => "Rebased",
            ErrorCode::Moved => "Moved",
            ErrorCode::Expired => "Expired",
            ErrorCode::BadRetention => "BadRetention",
        })
    }
}

/// Why a frame could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty frame")]
    Empty,
    #[error("unsupported protocol version {0} (this relay speaks {PROTOCOL_VERSION})")]
    Version(u8),
    #[error("malformed frame")]
    Malformed,
}

fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    let mut out = vec![PROTOCOL_VERSION];
    // Serialising these plain enums into a Vec cannot fail.
    out.extend(postcard::to_allocvec(msg).unwrap_or_default());
    out
}

fn decode<'a, T: Deserialize<'a>>(frame: &'a [u8]) -> Result<T, DecodeError> {
    let (&version, body) = frame.split_first().ok_or(DecodeError::Empty)?;
    if version != PROTOCOL_VERSION {
        return Err(DecodeError::Version(version));
    }
    // postcard checks every length against the remaining input before allocating,
    // so a few bytes claiming a huge vector fail here instead of allocating.
    match postcard::take_from_bytes(body) {
        // A message followed by anything is not a message of this protocol.
        Ok((msg, [])) => Ok(msg),
        _ => Err(DecodeError::Malformed),
    }
}

impl ClientMsg {
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }
    pub fn decode(frame: &[u8]) -> Result<Self, DecodeError> {
        decode(frame)
    }
}

impl ServerMsg {
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }
    pub fn decode(frame: &[u8]) -> Result<Self, DecodeError> {
        decode(frame)
    }
}

/// Checks a document name: 1–128 characters of `a-z 0-9 - _ .`, in `/`-separated non-empty segments.
pub fn valid_doc_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_frames() {
        let msgs = vec![
            ClientMsg::Hello { device: "d1".into(), protocol: PROTOCOL_VERSION, signature: vec![1; 64] },
            ClientMsg::Pair {
                code: "ABCDEFGH".into(),
                public_key: vec![2; 32],
                agreement_key: vec![4; 32],
                key_proof: vec![5; 32],
                protocol: PROTOCOL_VERSION,
            },
            ClientMsg::NewEpoch { scopes: vec![Scope::Staff, Scope::Clock], first: true },
            ClientMsg::RevokeDevice { device: "d2".into(), floors: vec![Epoch { scope: Scope::Staff, epoch: 2 }] },
            ClientMsg::Subscribe { doc: "day/2026-11-26".into(), after_seq: 7 },
            ClientMsg::Push {
                doc: "inbox/2026-11-26/k1".into(),
                chunk_id: ChunkId([3; 16]),
                bytes: vec![1, 2, 3],
                heads: vec![[7; 32]],
                signature: vec![8; 64],
            },
            ClientMsg::Checked { doc: "clients".into(), covers_seq: 9, digest: [5; 32], ok: false },
            ClientMsg::Rebase { doc: "clients".into(), after_seq: 9, bytes: vec![4, 5], signature: vec![6; 64] },
            ClientMsg::SetRetention {
                retention: Retention::new([
                    retention::Rule { area: Area::Inbox, days: 30 },
                    retention::Rule { area: Area::Messages, days: 365 },
                ])
                .unwrap(),
            },
            ClientMsg::WhenStored { doc: "clients".into(), chunks: vec![ChunkId([3; 16]), ChunkId([4; 16])] },
        ];
        for msg in msgs {
            assert_eq!(ClientMsg::decode(&msg.encode()).unwrap(), msg);
        }
        let stored = AdminReply::Stored {
            doc: "clients".into(),
            chunks: vec![StoredChunk {
                chunk: ChunkId([3; 16]),
                at_ms: 1_700_000_000_000,
                by: Signer { device: "d1".into(), name: "Desk 1".into(), key: vec![7; 32] },
            }],
            rebased_by: Some(Signer { device: "m1".into(), name: "Office".into(), key: vec![8; 32] }),
        };
        assert_eq!(AdminReply::from_bytes(&stored.to_bytes()).unwrap(), stored);
        let reply = ServerMsg::Ack { doc: "d".into(), chunk_id: ChunkId([9; 16]), seq: 42 };
        assert_eq!(ServerMsg::decode(&reply.encode()).unwrap(), reply);
        let welcome = ServerMsg::Welcome {
            device: "d1".into(),
            name: "Desk".into(),
            role: Role::Staff,
            epochs: vec![Epoch { scope: Scope::Inbox, epoch: 3 }],
            floors: vec![Epoch { scope: Scope::Inbox, epoch: 2 }],
        };
        assert_eq!(ServerMsg::decode(&welcome.encode()).unwrap(), welcome);
        let chunk = ServerMsg::Chunk {
            doc: "clients".into(),
            seq: 3,
            bytes: vec![1],
            at_ms: 5,
            author: Author { key: vec![2; 32], signature: vec![3; 64] },
        };
        assert_eq!(ServerMsg::decode(&chunk.encode()).unwrap(), chunk);
        let rebased = ServerMsg::Rebased {
            doc: "clients".into(),
            covers_seq: 10,
            bytes: vec![1],
            author: Author { key: vec![2; 32], signature: vec![3; 64] },
        };
        assert_eq!(ServerMsg::decode(&rebased.encode()).unwrap(), rebased);
    }

    #[test]
    fn a_signature_vouches_for_one_document_one_kind_and_one_cover() {
        let digest = [9; 32];
        let chunk = chunk_proof("day/2026-12-07", &digest);
        assert_ne!(chunk, chunk_proof("day/2026-12-08", &digest));
        assert_ne!(chunk, chunk_proof("day/2026-12-07", &[8; 32]));
        assert_ne!(snapshot_proof("day/2026-12-07", 4, &digest), snapshot_proof("day/2026-12-07", 5, &digest));
        assert!(!snapshot_proof("day/2026-12-07", 4, &digest).starts_with(b"frontdesk chunk"));
        assert_ne!(rebase_proof("clients", 4, &digest), snapshot_proof("clients", 4, &digest));
        // The document's end is marked: "a" then "b…" cannot read as "ab" then "…".
        assert_ne!(chunk_proof("a", &digest), chunk_proof("ab", &digest));
    }

    #[test]
    fn pairing_and_manager_replies_round_trip_and_refuse_trailing_bytes() {
        let reply =
            PairReply::Paired { device: "d1".into(), name: "Desk".into(), role: Role::Staff, business: "Sol".into() };
        assert_eq!(PairReply::decode(&reply.encode()), Ok(reply.clone()));
        let mut longer = reply.encode();
        longer.push(0);
        assert_eq!(PairReply::decode(&longer), Err(DecodeError::Malformed));
        let admin = AdminReply::Devices {
            devices: vec![DeviceInfo {
                id: "d1".into(),
                name: "Desk".into(),
                role: Role::Manager,
                paired_at_ms: 1,
                last_seen_ms: 2,
                revoked: true,
                agreement_key: vec![3; 32],
                key_proof: vec![],
            }],
        };
        assert_eq!(AdminReply::from_bytes(&admin.to_bytes()), Ok(admin.clone()));
        let epochs = AdminReply::Epochs { granted: false, epochs: vec![Epoch { scope: Scope::Kiosk, epoch: 1 }] };
        assert_eq!(AdminReply::from_bytes(&epochs.to_bytes()), Ok(epochs));
        let mut longer = admin.to_bytes();
        longer.push(7);
        assert_eq!(AdminReply::from_bytes(&longer), Err(DecodeError::Malformed));
        // A list claiming billions of devices in a few bytes is refused before anything is allocated.
        assert_eq!(AdminReply::from_bytes(&[1, 0xff, 0xff, 0xff, 0xff, 0x0f]), Err(DecodeError::Malformed));
    }

    #[test]
    fn wrong_version_and_garbage_are_errors_not_panics() {
        let mut frame = ClientMsg::Ping.encode();
        frame[0] = 99;
        assert_eq!(ClientMsg::decode(&frame), Err(DecodeError::Version(99)));
        assert_eq!(ClientMsg::decode(&[]), Err(DecodeError::Empty));
        assert_eq!(ClientMsg::decode(&[PROTOCOL_VERSION, 0xff, 0xff]), Err(DecodeError::Malformed));
    }

    #[test]
    fn a_tiny_frame_claiming_a_huge_vector_is_rejected() {
        // Push variant (5), doc "a", chunk id, then a varint length of ~2^35 bytes.
        let mut frame = vec![PROTOCOL_VERSION, 5, 1, b'a'];
        frame.extend([0u8; 16]);
        frame.extend([0xff, 0xff, 0xff, 0xff, 0x7f]);
        assert_eq!(ClientMsg::decode(&frame), Err(DecodeError::Malformed));
    }

    #[test]
    fn unknown_message_types_and_trailing_bytes_are_rejected() {
        assert_eq!(ClientMsg::decode(&[PROTOCOL_VERSION, 0x7f]), Err(DecodeError::Malformed));
        assert_eq!(ServerMsg::decode(&[PROTOCOL_VERSION, 0x7f]), Err(DecodeError::Malformed));
        let mut frame = ClientMsg::Ping.encode();
        assert_eq!(ClientMsg::decode(&frame), Ok(ClientMsg::Ping));
        frame.push(0);
        assert_eq!(ClientMsg::decode(&frame), Err(DecodeError::Malformed));
    }

    #[test]
    fn chunk_ids_print_and_parse_as_hex() {
        let id = ChunkId([0xab; 16]);
        assert_eq!(id.to_string().parse::<ChunkId>().unwrap(), id);
        assert!("zz".parse::<ChunkId>().is_err());
    }

    #[test]
    fn doc_names_are_checked() {
        assert!(valid_doc_name("inbox/2026-11-26/k-1"));
        assert!(valid_doc_name("kiosk"));
        for bad in ["", "/a", "a//b", "A", "a/../b", "a b", &"x".repeat(129)] {
            assert!(!valid_doc_name(bad), "{bad:?}");
        }
    }
}
