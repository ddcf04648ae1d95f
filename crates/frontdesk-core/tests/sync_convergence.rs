//! The sync client and the documents, run against an in-memory relay on a simulated network:
//! devices go offline, edit, lose messages and reconnect, and must end up identical.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use automerge::ReadDoc;
use sha2::Digest;

use frontdesk_core::billing;
use frontdesk_core::check_in::check_ins;
use frontdesk_core::crypto::native::Keys;
use frontdesk_core::crypto::{KeyRef, Op as CryptoOp, Sealable};
use frontdesk_core::device::{
    CryptoId, Effect as DeviceEffect, OutboxEntry, SaveId, Start, StorageError, StoredDoc, Write,
};
use frontdesk_core::doc_name::{Area, SITE};
use frontdesk_core::erasure;
use frontdesk_core::retention;
use frontdesk_core::schedule::{self, Booking, BookingState};
use frontdesk_core::sync_client::Position;
use frontdesk_core::visit_status::status_events;
use frontdesk_core::{
    BoardEntry, CheckIn, Connection, DeviceCore, Effect, EventId, Problem, Refusal, StatusEvent, SyncClient, SyncEvent,
    VisitId, VisitReason, VisitStatus, arrivals_board,
};
use frontdesk_protocol::access::{Access, allowed};
use frontdesk_protocol::sealed::{self, Scope};
use frontdesk_protocol::{Author, ChunkId, ClientMsg, Epoch, ErrorCode, Head, Role, ServerMsg, close, hello_proof};

const DAY: &str = "day/2026-11-26";
/// The next day: bookings are moved there too.
const NEXT_DAY: &str = "day/2026-11-27";
/// The month's invoices and the payments on them.
const INVOICES: &str = "invoices/2026-11";
const INBOX_PREFIX: &str = "inbox/2026-11-26/";

/// The relay's today (UTC) in the simulation: the day of [`DAY`].
fn sim_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date")
}

/// The relay's semantics, in memory: per-document logs, idempotent pushes, fan-out after append,
/// the access rules, and snapshots proposed by one device and proven by another.
#[derive(Default)]
struct SimRelay {
    /// Each document's log: chunk id and bytes (emptied once a proven snapshot covers them).
    logs: BTreeMap<String, Vec<(ChunkId, Vec<u8>)>>,
    /// The heads each chunk declared, beside the log.
    heads: BTreeMap<String, Vec<Vec<Head>>>,
    /// When the relay received each chunk (its own clock: one tick per new chunk), beside the log.
    received: BTreeMap<String, Vec<i64>>,
    /// Proven snapshots: the seq each covers and its bytes.
    snapshots: BTreeMap<String, (u64, Vec<u8>)>,
    /// Proposed snapshots waiting for a check: covers, bytes, proposer.
    proposals: BTreeMap<String, (u64, Vec<u8>, usize)>,
    /// Proposals proven so far, by proposer.
    proven_from: Vec<usize>,
    roles: BTreeMap<usize, Role>,
    subscribers: BTreeMap<String, BTreeSet<usize>>,
    watches: Vec<(String, usize)>,
    connected: BTreeSet<usize>,
    /// Drop the next Ack to this device (the commit happened, the reply is lost).
    lose_next_ack: BTreeSet<usize>,
    /// The key epochs said at Welcome (every scope at 1 in an encrypted business).
    epochs: Vec<Epoch>,
    /// The floors said at Welcome (raised by a revocation): sealed bytes below are refused.
    floors: Vec<Epoch>,
    /// Pushes and snapshots refused as sealed below a floor.
    stale: usize,
    /// Who signed each chunk of each log, beside it; who proposed each snapshot and proposal.
    authors: BTreeMap<String, Vec<Author>>,
    snapshot_authors: BTreeMap<String, Author>,
    proposal_authors: BTreeMap<String, Author>,
    /// Pushes and snapshots refused for a signature not of the sending device's key.
    badly_signed: usize,
    /// Where each re-based document's new history starts (#20).
    rebased_at: BTreeMap<String, u64>,
    /// Each connection's latest subscribe to each document: its pushes are made on that history.
    based: BTreeMap<(usize, String), u64>,
    /// Pushes and snapshots refused as made on a history a re-base replaced.
    refused_as_rebased: usize,
    /// The business's retention rules, as a manager's device told them (#20).
    retention: frontdesk_protocol::Retention,
    /// Requests refused because their document is past retention.
    refused_as_expired: usize,
}

impl SimRelay {
    fn disconnect(&mut self, device: usize) {
        self.connected.remove(&device);
        self.based.retain(|(d, _), _| *d != device);
        for subs in self.subscribers.values_mut() {
            subs.remove(&device);
        }
        self.watches.retain(|(_, d)| *d != device);
    }

    fn may(&self, device: usize, doc: &str, access: Access) -> bool {
        let role = self.roles.get(&device).copied().unwrap_or(Role::Kiosk);
        allowed(role, &format!("d{device}"), doc, access)
    }

    /// The refusal of `bytes` sealed under an epoch below their scope's floor (counted).
    fn stale(&mut self, to: usize, doc: &str, bytes: &[u8]) -> Option<(usize, Vec<u8>)> {
        let (scope, epoch) = sealed::scope_epoch(bytes)?;
        if epoch >= Epoch::of(&self.floors, scope) {
            return None;
        }
        self.stale += 1;
        let error = ServerMsg::Error { code: ErrorCode::StaleEpoch, doc: Some(doc.into()), message: "stale".into() };
        Some((to, error.encode()))
    }

    /// `from` as the author of `bytes` (a chunk of `doc`, or a snapshot covering `covers`), if
    /// `signature` is its key's: as the relay checks against the key proven at Hello.
    fn author(from: usize, doc: &str, covers: Option<u64>, bytes: &[u8], signature: Vec<u8>) -> Option<Author> {
        let digest: [u8; 32] = sha2::Sha256::digest(bytes).into();
        let proof = match covers {
            Some(covers) => frontdesk_protocol::snapshot_proof(doc, covers, &digest),
            None => frontdesk_protocol::chunk_proof(doc, &digest),
        };
        let key = signer(from);
        frontdesk_core::crypto::native::verify(&key, &proof, &signature)
            .then(|| Author { key: key.to_vec(), signature })
    }

    fn badly_signed(&mut self, to: usize, doc: String) -> (usize, Vec<u8>) {
        self.badly_signed += 1;
        let message = "not this device's signature".into();
        (to, ServerMsg::Error { code: ErrorCode::BadSignature, doc: Some(doc), message }.encode())
    }

    /// The refusal of a push or snapshot from `from` made on a history `doc` no longer has (it
    /// was re-based after `from` last subscribed to it); drop boxes' changes stand alone.
    fn made_before_rebase(&mut self, from: usize, doc: &str) -> Option<(usize, Vec<u8>)> {
        let at = self.rebased_at.get(doc).copied().unwrap_or(0);
        let based = self.based.get(&(from, doc.to_owned())).copied().unwrap_or(0);
        if at == 0 || based >= at || frontdesk_core::doc_name::is_drop_box(doc) {
            return None;
        }
        self.refused_as_rebased += 1;
        let error = ServerMsg::Error { code: ErrorCode::Rebased, doc: Some(doc.into()), message: "re-based".into() };
        Some((from, error.encode()))
    }

    /// The refusal of anything for `doc` once it is past retention on the relay's today.
    fn expired(&mut self, to: usize, doc: &str) -> Option<(usize, Vec<u8>)> {
        if !self.retention.expired(doc, sim_today()) {
            return None;
        }
        self.refused_as_expired += 1;
        let error = ServerMsg::Error { code: ErrorCode::Expired, doc: Some(doc.into()), message: "expired".into() };
        Some((to, error.encode()))
    }

    fn refuse(to: usize, doc: String) -> (usize, Vec<u8>) {
        (to, ServerMsg::Error { code: ErrorCode::Forbidden, doc: Some(doc), message: "no".into() }.encode())
    }

    /// The waiting proposal of `doc`, to be checked by `device`, unless it proposed it.
    fn check_for(&self, doc: &str, device: usize) -> Option<(usize, Vec<u8>)> {
        let (covers_seq, bytes, proposer) = self.proposals.get(doc)?;
        if *proposer == device {
            return None;
        }
        let must_contain = self.heads[doc].iter().take(*covers_seq as usize).flatten().copied().collect();
        let check =
            ServerMsg::Check { doc: doc.to_owned(), covers_seq: *covers_seq, bytes: bytes.clone(), must_contain };
        Some((device, check.encode()))
    }

    fn handle(&mut self, from: usize, frame: &[u8], role: Role) -> Vec<(usize, Vec<u8>)> {
        let msg = ClientMsg::decode(frame).expect("clients send valid frames");
        let mut out = Vec::new();
        match msg {
            ClientMsg::Hello { device, signature, .. } => {
                // Device `from`'s key, as the relay registered it.
                let proven = device == format!("d{from}")
                    && frontdesk_core::crypto::native::verify(
                        &signer(from),
                        &hello_proof(&device, &nonce_for(from)),
                        &signature,
                    );
                if proven {
                    self.roles.insert(from, role);
                    let welcome = ServerMsg::Welcome {
                        device: format!("d{from}"),
                        name: format!("Device {from}"),
                        role,
                        epochs: self.epochs.clone(),
                        floors: self.floors.clone(),
                    };
                    out.push((from, welcome.encode()));
                }
            }
            ClientMsg::Subscribe { doc, after_seq } => {
                if !self.may(from, &doc, Access::Read) {
                    out.push(Self::refuse(from, doc));
                    return out;
                }
                if let Some(refusal) = self.expired(from, &doc) {
                    out.push(refusal);
                    return out;
                }
                self.subscribers.entry(doc.clone()).or_default().insert(from);
                self.based.insert((from, doc.clone()), after_seq);
                let log = self.logs.get(&doc).cloned().unwrap_or_default();
                let mut after = after_seq;
                let rebased = self.rebased_at.get(&doc).is_some_and(|at| *at > after_seq);
                if let Some((covers_seq, bytes)) = self.snapshots.get(&doc).filter(|(c, _)| *c > after_seq) {
                    let author = self.snapshot_authors[&doc].clone();
                    let (doc, covers_seq, bytes) = (doc.clone(), *covers_seq, bytes.clone());
                    let snapshot = if rebased {
                        ServerMsg::Rebased { doc, covers_seq, bytes, author }
                    } else {
                        ServerMsg::Snapshot { doc, covers_seq, bytes, author }
                    };
                    out.push((from, snapshot.encode()));
                    after = covers_seq;
                }
                for (i, (_, bytes)) in log.iter().enumerate() {
                    let seq = i as u64 + 1;
                    if seq > after {
                        let at_ms = self.received[&doc][i];
                        let author = self.authors[&doc][i].clone();
                        out.push((
                            from,
                            ServerMsg::Chunk { doc: doc.clone(), seq, bytes: bytes.clone(), at_ms, author }.encode(),
                        ));
                    }
                }
                out.push((from, ServerMsg::Synced { doc: doc.clone(), head: log.len() as u64 }.encode()));
                out.extend(self.check_for(&doc, from));
            }
            ClientMsg::Watch { prefix } => {
                self.watches.push((prefix.clone(), from));
                for doc in self.logs.keys().filter(|d| d.starts_with(&prefix)) {
                    out.push((from, ServerMsg::DocExists { doc: doc.clone() }.encode()));
                }
            }
            ClientMsg::Push { doc, chunk_id, bytes, heads, signature } => {
                if !self.may(from, &doc, Access::Write) {
                    out.push(Self::refuse(from, doc));
                    return out;
                }
                if let Some(refusal) = self.stale(from, &doc, &bytes) {
                    out.push(refusal);
                    return out;
                }
                if let Some(refusal) = self.made_before_rebase(from, &doc).or_else(|| self.expired(from, &doc)) {
                    out.push(refusal);
                    return out;
                }
                let Some(author) = Self::author(from, &doc, None, &bytes, signature) else {
                    out.push(self.badly_signed(from, doc));
                    return out;
                };
                let log = self.logs.entry(doc.clone()).or_default();
                let new_doc = log.is_empty();
                let (seq, fresh) = match log.iter().position(|(id, _)| *id == chunk_id) {
                    Some(i) => (i as u64 + 1, false),
                    None => {
                        log.push((chunk_id, bytes.clone()));
                        self.heads.entry(doc.clone()).or_default().push(heads);
                        self.authors.entry(doc.clone()).or_default().push(author);
                        let tick = self.received.values().map(Vec::len).sum::<usize>() as i64 + 1;
                        self.received.entry(doc.clone()).or_default().push(1_000_000 + tick);
                        (log.len() as u64, true)
                    }
                };
                if fresh {
                    if new_doc {
                        for (prefix, watcher) in &self.watches {
                            if doc.starts_with(prefix.as_str()) && *watcher != from {
                                out.push((*watcher, ServerMsg::DocExists { doc: doc.clone() }.encode()));
                            }
                        }
                    }
                    let at_ms = self.received[&doc][seq as usize - 1];
                    let author = self.authors[&doc][seq as usize - 1].clone();
                    for sub in self.subscribers.get(&doc).into_iter().flatten().filter(|s| **s != from) {
                        let (doc, bytes, author) = (doc.clone(), bytes.clone(), author.clone());
                        out.push((*sub, ServerMsg::Chunk { doc, seq, bytes, at_ms, author }.encode()));
                    }
                }
                if !self.lose_next_ack.remove(&from) {
                    out.push((from, ServerMsg::Ack { doc, chunk_id, seq }.encode()));
                }
            }
            ClientMsg::Snapshot { doc, covers_seq, bytes, signature } => {
                let Some(author) = Self::author(from, &doc, Some(covers_seq), &bytes, signature) else {
                    out.push(self.badly_signed(from, doc));
                    return out;
                };
                let head = self.logs.get(&doc).map_or(0, |l| l.len() as u64);
                let proven = self.snapshots.get(&doc).map_or(0, |(c, _)| *c);
                if !self.may(from, &doc, Access::Snapshot) || covers_seq > head || head == 0 {
                    out.push(Self::refuse(from, doc));
                    return out;
                }
                if let Some(refusal) = self.stale(from, &doc, &bytes).or_else(|| self.made_before_rebase(from, &doc)) {
                    out.push(refusal);
                    return out;
                }
                let waiting = self.proposals.get(&doc).map_or(0, |(c, ..)| *c);
                // As the relay's store: a sealed snapshot may replace one in the clear of the same coverage.
                let replaces_clear = covers_seq == proven
                    && sealed::is_sealed(&bytes)
                    && self.snapshots.get(&doc).is_some_and(|(_, b)| !sealed::is_sealed(b));
                if (covers_seq > proven || replaces_clear) && covers_seq >= waiting {
                    self.proposals.insert(doc.clone(), (covers_seq, bytes, from));
                    self.proposal_authors.insert(doc.clone(), author);
                    // The first other subscriber that may read it is asked to check it.
                    let checker = self
                        .subscribers
                        .get(&doc)
                        .into_iter()
                        .flatten()
                        .copied()
                        .find(|d| *d != from && self.connected.contains(d) && self.may(*d, &doc, Access::Read));
                    out.extend(checker.and_then(|c| self.check_for(&doc, c)));
                }
                out.push((from, ServerMsg::SnapshotStored { doc, covers_seq }.encode()));
            }
            ClientMsg::Checked { doc, covers_seq, digest, ok } => {
                let Some((waiting, bytes, proposer)) = self.proposals.get(&doc).cloned() else { return out };
                let same_bytes = <[u8; 32]>::from(sha2::Sha256::digest(&bytes)) == digest;
                if waiting != covers_seq || !same_bytes || proposer == from || !self.may(from, &doc, Access::Read) {
                    return out;
                }
                let (_, bytes, _) = self.proposals.remove(&doc).expect("waiting");
                if ok {
                    self.proven_from.push(proposer);
                    self.snapshots.insert(doc.clone(), (covers_seq, bytes));
                    self.snapshot_authors.insert(doc.clone(), self.proposal_authors[&doc].clone());
                    for (_, chunk) in self.logs.get_mut(&doc).expect("a log").iter_mut().take(covers_seq as usize) {
                        chunk.clear();
                    }
                }
            }
            ClientMsg::Rebase { doc, after_seq, bytes, signature } => {
                let digest: [u8; 32] = sha2::Sha256::digest(&bytes).into();
                let proof = frontdesk_protocol::rebase_proof(&doc, after_seq + 1, &digest);
                let key = signer(from);
                if !frontdesk_core::crypto::native::verify(&key, &proof, &signature) {
                    out.push(self.badly_signed(from, doc));
                    return out;
                }
                if self.roles.get(&from) != Some(&Role::Manager) || !self.may(from, &doc, Access::Read) {
                    out.push(Self::refuse(from, doc));
                    return out;
                }
                let head = self.logs.get(&doc).map_or(0, |l| l.len() as u64);
                if head != after_seq || head == 0 {
                    let error = ServerMsg::Error { code: ErrorCode::Moved, doc: Some(doc), message: "moved".into() };
                    out.push((from, error.encode()));
                    return out;
                }
                // Every byte and head of the old history goes; the new document covers one more seq.
                let covers_seq = after_seq + 1;
                let log = self.logs.get_mut(&doc).expect("a log");
                log.iter_mut().for_each(|(_, chunk)| chunk.clear());
                log.push((ChunkId([0xEE; 16]), Vec::new()));
                let heads = self.heads.entry(doc.clone()).or_default();
                heads.iter_mut().for_each(Vec::clear);
                heads.push(Vec::new());
                self.authors.entry(doc.clone()).or_default().push(Author::default());
                self.received.entry(doc.clone()).or_default().push(0);
                let author = Author { key: key.to_vec(), signature };
                self.snapshots.insert(doc.clone(), (covers_seq, bytes.clone()));
                self.snapshot_authors.insert(doc.clone(), author.clone());
                self.proposals.remove(&doc);
                self.rebased_at.insert(doc.clone(), covers_seq);
                self.based.insert((from, doc.clone()), covers_seq);
                for sub in self.subscribers.get(&doc).into_iter().flatten().filter(|s| **s != from) {
                    let rebased = ServerMsg::Rebased {
                        doc: doc.clone(),
                        covers_seq,
                        bytes: bytes.clone(),
                        author: author.clone(),
                    };
                    out.push((*sub, rebased.encode()));
                }
                out.push((from, ServerMsg::SnapshotStored { doc, covers_seq }.encode()));
            }
            ClientMsg::SetRetention { retention } => {
                if self.roles.get(&from) != Some(&Role::Manager) || retention.check().is_err() {
                    out.push(Self::refuse(from, "retention".into()));
                    return out;
                }
                // Every document the rules make expired is emptied at once, as the relay does.
                let today = sim_today();
                let expired: Vec<String> = self.logs.keys().filter(|d| retention.expired(d, today)).cloned().collect();
                for doc in &expired {
                    self.logs.remove(doc);
                    self.heads.remove(doc);
                    self.received.remove(doc);
                    self.authors.remove(doc);
                    self.snapshots.remove(doc);
                    self.snapshot_authors.remove(doc);
                    self.proposals.remove(doc);
                }
                self.retention = retention.clone();
                let reply = frontdesk_protocol::AdminReply::Retention { retention, emptied: expired.len() as u64 };
                out.push((from, ServerMsg::Admin { reply: reply.to_bytes() }.encode()));
            }
            // Pairing, device management and the audit log's times are the relay's own tests.
            ClientMsg::Ping
            | ClientMsg::WhenStored { .. }
            | ClientMsg::PairPreview { .. }
            | ClientMsg::Pair { .. }
            | ClientMsg::CreatePairing { .. }
            | ClientMsg::ListDevices
            | ClientMsg::RenameDevice { .. }
            | ClientMsg::RevokeDevice { .. }
            | ClientMsg::NewEpoch { .. } => {}
        }
        out
    }
}

/// What a device's storage holds: documents with their cursors, the durable outbox, and the
/// chunks written ahead (localStorage in a browser).
#[derive(Default)]
struct Disk {
    docs: BTreeMap<String, StoredDoc>,
    outbox: BTreeMap<ChunkId, OutboxEntry>,
    ahead: BTreeMap<ChunkId, OutboxEntry>,
    /// Out of space: a transaction that writes a document fails (the outbox alone still fits).
    full: bool,
}

impl Disk {
    /// One transaction: every write or none.
    fn commit(&mut self, writes: &[Write]) -> Result<(), StorageError> {
        if self.full && writes.iter().any(|w| matches!(w, Write::Doc { .. })) {
            return Err(StorageError::Full);
        }
        for write in writes {
            match write.clone() {
                Write::Doc { name, bytes, cursor, received, sealed_from } => {
                    self.docs.insert(name.clone(), StoredDoc { name, bytes, cursor, received, sealed_from });
                }
                Write::OutboxPut(entry) => {
                    self.outbox.insert(entry.id, entry);
                }
                Write::OutboxDelete(id) => {
                    self.outbox.remove(&id);
                }
                Write::ForgetDocs { first, last } => {
                    let last = format!("{last}\u{ffff}");
                    self.docs.retain(|name, _| !(*name >= first && *name <= last));
                }
            }
        }
        Ok(())
    }
}

/// A device: the one device core, driven by this simulation as the browser drives it.
struct Device {
    core: DeviceCore,
    role: Role,
    socket_open: bool,
    inbound: VecDeque<Vec<u8>>,
    disk: Disk,
    /// Saves the core asked for that storage has not carried out yet; a crash loses them.
    saves: VecDeque<(SaveId, Vec<Write>)>,
    /// Storage is slow: saves wait (a crash may come first).
    disk_held: bool,
    /// The core asked for a flush of received documents.
    flush_due: bool,
    /// Frames to this device are held back (a slow link) until released.
    held: bool,
    /// How many times it was started (each run has its own Automerge actor).
    runs: u8,
    /// Saves completed, by run: what the screen showed as saved.
    saved: BTreeSet<(u8, SaveId)>,
    /// The keys its platform holds (an encrypted business), and the crypto ops it was asked
    /// for and has not answered: they wait while `crypto_held`, are answered in any order, and
    /// are lost in a crash.
    keys: Keys,
    crypto: VecDeque<(CryptoId, CryptoOp)>,
    crypto_held: bool,
    /// The platform's next crypto ops fail (WebCrypto refusing, not the bytes being bad).
    crypto_failing: usize,
    /// The changes waiting to be sent as the badge last showed them (read at each `Status`).
    badge: usize,
}

/// Where a local change stands: made on `device`'s run `run`, kept if that save completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Made {
    device: usize,
    run: u8,
    save: Option<SaveId>,
}

/// What a device follows from its start: a desk its documents and today's inboxes; a kiosk nothing.
fn following(role: Role) -> (Vec<String>, Vec<String>) {
    if role == Role::Kiosk {
        (Vec::new(), Vec::new())
    } else {
        (vec![DAY.to_owned(), NEXT_DAY.to_owned(), INVOICES.to_owned()], vec![INBOX_PREFIX.to_owned()])
    }
}

/// Each invoice's standing, and the overpaid invoices with by how much.
type Money = (Vec<(String, billing::Standing)>, Vec<(String, i64)>);

struct Sim {
    relay: SimRelay,
    devices: Vec<Device>,
    /// Whether each device's network is up.
    network: Vec<bool>,
    now: i64,
    next_id: u8,
    /// Saves lost in a crash before they completed, by device and run.
    lost: BTreeSet<(usize, u8, SaveId)>,
    /// What the cores said went wrong (nothing should, but what a hostile device provokes).
    warnings: Vec<String>,
    /// An enrolled staff device turned hostile, when there is one.
    hostile: Option<Hostile>,
    /// How many chunks make a desk propose a snapshot, when not the app's number.
    snapshot_after: Option<u64>,
    /// Whether the business is encrypted (every device holds keys, `keys_for`).
    encrypted: bool,
    /// The state of the simulation's random bytes (nonces, ephemeral keys).
    random: u64,
    /// The re-bases devices were told the outcome of: device, document, done.
    rebased: Vec<(usize, String, bool)>,
}

/// An enrolled staff device that does not run the app: it sends the relay what it likes.
struct Hostile {
    /// Its connection id (after the honest devices').
    id: usize,
    inbox: VecDeque<Vec<u8>>,
    /// The chunks it has seen, by document.
    seen: BTreeMap<String, Vec<Vec<u8>>>,
    next: u8,
}

/// Warnings an honest device gives because of what a hostile one sent: nothing else may warn.
fn provoked(warning: &str) -> bool {
    warning.contains("skipped: ") || warning.contains("is unsound")
}

/// The keys a device of `role` holds in an encrypted business (epoch 1): a kiosk its own
/// document's key and the public key it seals check-ins to; staff the staff and kiosk keys and
/// the inbox key pair.
fn keys_for(role: Role) -> Keys {
    let mut keys = Keys::default();
    let key = |scope| KeyRef { scope, epoch: 1 };
    keys.add_secret(key(Scope::Kiosk), [0x4b; 32]);
    if role == Role::Kiosk {
        keys.add_public(key(Scope::Inbox), frontdesk_core::crypto::native::public_key(&[0x49; 32]));
    } else {
        keys.add_secret(key(Scope::Staff), [0x53; 32]);
        keys.add_private(key(Scope::Inbox), [0x49; 32]);
    }
    keys
}

/// A desk's keys before the staff key reached it: the kiosk's and the inbox's, not the one that
/// seals the day's documents.
fn keys_without_staff() -> Keys {
    let mut keys = Keys::default();
    keys.add_secret(KeyRef { scope: Scope::Kiosk, epoch: 1 }, [0x4b; 32]);
    keys.add_private(KeyRef { scope: Scope::Inbox, epoch: 1 }, [0x49; 32]);
    keys
}

/// Random bytes for sealing in the simulation: deterministic, different each call.
fn sim_random(seed: &mut u64) -> impl FnMut(&mut [u8]) + '_ {
    move |buf: &mut [u8]| {
        for b in buf {
            *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            *b = (*seed >> 33) as u8;
        }
    }
}

impl Sim {
    /// Devices of an encrypted business: every document is sealed on the way to the relay.
    fn encrypted(roles: &[Role]) -> Sim {
        let mut sim = Sim::new_with(roles, true);
        sim.encrypted = true;
        sim
    }

    fn new(roles: &[Role]) -> Sim {
        Sim::new_with(roles, false)
    }

    fn new_with(roles: &[Role], encrypted: bool) -> Sim {
        let mut sim = Sim {
            relay: SimRelay {
                epochs: if encrypted {
                    Scope::ALL.iter().map(|&scope| Epoch { scope, epoch: 1 }).collect()
                } else {
                    Vec::new()
                },
                ..SimRelay::default()
            },
            devices: Vec::new(),
            network: Vec::new(),
            // Noon (UTC) of the simulation's today: devices apply retention on their clock's day.
            now: sim_today().and_hms_opt(12, 0, 0).expect("noon").and_utc().timestamp_millis(),
            next_id: 1,
            lost: BTreeSet::new(),
            warnings: Vec::new(),
            hostile: None,
            snapshot_after: None,
            encrypted,
            random: 0x5eed,
            rebased: Vec::new(),
        };
        for (i, role) in roles.iter().enumerate() {
            let mut keys = if encrypted { keys_for(*role) } else { Keys::default() };
            keys.set_signing(signing_secret(i));
            let held = keys.held();
            let (core, effects) = Self::boot(i, *role, &Disk::default(), 0, held);
            sim.devices.push(Device {
                core,
                role: *role,
                socket_open: false,
                inbound: VecDeque::new(),
                disk: Disk::default(),
                saves: VecDeque::new(),
                disk_held: false,
                flush_due: false,
                held: false,
                runs: 0,
                saved: BTreeSet::new(),
                keys,
                crypto: VecDeque::new(),
                crypto_held: false,
                crypto_failing: 0,
                badge: 0,
            });
            sim.network.push(true);
            sim.effects(i, effects);
        }
        sim
    }

    /// A device core started from what `disk` holds, as a browser tab starts.
    fn boot(i: usize, role: Role, disk: &Disk, run: u8, keys: Vec<KeyRef>) -> (DeviceCore, Vec<DeviceEffect>) {
        let (follow, watch) = following(role);
        let docs = disk
            .docs
            .values()
            .filter(|d| follow.contains(&d.name) || watch.iter().any(|p| d.name.starts_with(p.as_str())))
            .cloned()
            .collect();
        DeviceCore::start(Start {
            device: format!("d{i}"),
            signer: signer(i),
            seed: seed(i, run),
            docs,
            outbox: disk.outbox.values().cloned().collect(),
            written_ahead: disk.ahead.values().cloned().collect(),
            follow,
            watch,
            keys,
        })
    }

    /// The tab crashes (or the device loses power): memory, the socket and the saves not yet
    /// done are gone; it starts again from its storage.
    fn crash(&mut self, i: usize) {
        self.drop_socket(i);
        let d = &mut self.devices[i];
        for (id, _) in d.saves.drain(..) {
            self.lost.insert((i, d.runs, id));
        }
        d.runs += 1;
        d.flush_due = false;
        // Crypto ops in flight die with the tab.
        d.crypto.clear();
        let held = d.keys.held();
        let (core, effects) = Self::boot(i, d.role, &d.disk, d.runs, held);
        d.core = core;
        if let Some(chunks) = self.snapshot_after {
            d.core.set_snapshot_after(chunks);
        }
        self.effects(i, effects);
    }

    /// Desks propose a snapshot every `chunks` chunks (the app waits for 500).
    fn snapshot_every(&mut self, chunks: u64) {
        self.snapshot_after = Some(chunks);
        for d in &mut self.devices {
            d.core.set_snapshot_after(chunks);
        }
    }

    fn id(&mut self) -> [u8; 16] {
        self.next_id = self.next_id.wrapping_add(1);
        let mut id = [self.next_id; 16];
        id[0] = 0xEE;
        id
    }

    /// Carries out what a device core asks, as the browser runtime does.
    fn effects(&mut self, i: usize, effects: Vec<DeviceEffect>) {
        let mut queue: VecDeque<DeviceEffect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                DeviceEffect::Open => {
                    if self.network[i] {
                        self.devices[i].socket_open = true;
                        self.relay.connected.insert(i);
                        queue.extend(self.devices[i].core.handle(SyncEvent::Opened, self.now, 0.5));
                        // The relay's first words on a socket: its challenge.
                        let challenge = ServerMsg::Challenge { nonce: nonce_for(i) }.encode();
                        self.devices[i].inbound.push_back(challenge);
                    } else {
                        queue.extend(self.devices[i].core.handle(
                            SyncEvent::Closed { code: 1006, reason: "no network".into() },
                            self.now,
                            0.5,
                        ));
                    }
                }
                DeviceEffect::Send(frame) => {
                    if self.devices[i].socket_open {
                        let role = self.devices[i].role;
                        self.relay_handles(i, &frame, role);
                    }
                }
                DeviceEffect::Close => self.drop_socket(i),
                DeviceEffect::WriteAhead(entry) => {
                    self.devices[i].disk.ahead.insert(entry.id, entry);
                }
                DeviceEffect::ForgetWriteAhead(id) => {
                    self.devices[i].disk.ahead.remove(&id);
                }
                DeviceEffect::Save { id, writes } => self.devices[i].saves.push_back((id, writes)),
                DeviceEffect::FlushSoon => self.devices[i].flush_due = true,
                DeviceEffect::Warn(warning) => self.warnings.push(format!("device {i}: {warning}")),
                // A Hello proof is signed at once: what the simulation holds back and reorders are
                // the seals, opens and checks of chunks (a slow WebCrypto); holding the proof too
                // would only keep the device from ever being welcomed.
                DeviceEffect::Crypto { id, op: CryptoOp::Sign { message } }
                    if message.starts_with(b"frontdesk hello") =>
                {
                    let result = self.devices[i].keys.run(&CryptoOp::Sign { message }, &mut |_| {});
                    queue.extend(self.devices[i].core.crypto_done(id, result));
                }
                DeviceEffect::Crypto { id, op } => self.devices[i].crypto.push_back((id, op)),
                DeviceEffect::Status => self.devices[i].badge = self.devices[i].core.status().pending,
                DeviceEffect::Changed | DeviceEffect::Kept(_) | DeviceEffect::Problem(_) | DeviceEffect::Admin(_) => {}
                DeviceEffect::Rebased { doc, done } => self.rebased.push((i, doc, done)),
                // The platform hands it to the retention code (the browser, in a part it loads then).
                DeviceEffect::Expired { doc } => queue.extend(self.devices[i].core.relay_expired(&doc)),
                // The platform makes the unsent changes again (the browser, in a part it loads then).
                DeviceEffect::Remake { id, old, new, mine, .. } => {
                    let actor = self.devices[i].core.actor([0xA0 | self.devices[i].runs; 16]);
                    let result = erasure::remake(&old, &new, &mine, actor);
                    queue.extend(self.devices[i].core.remade(id, result));
                }
            }
        }
    }

    /// Storage carries out the saves asked for, in order, and the core hears how each went.
    fn do_saves(&mut self, i: usize) -> bool {
        let mut moved = false;
        if self.devices[i].flush_due {
            self.devices[i].flush_due = false;
            let effects = self.devices[i].core.flush();
            self.effects(i, effects);
        }
        while !self.devices[i].disk_held {
            let Some((id, writes)) = self.devices[i].saves.pop_front() else { break };
            moved = true;
            let d = &mut self.devices[i];
            let result = d.disk.commit(&writes);
            d.saved.insert((d.runs, id));
            let effects = d.core.saved(id, result);
            self.effects(i, effects);
        }
        moved
    }

    /// The platform answers the crypto ops asked for, in the order asked (unless held).
    fn do_crypto(&mut self, i: usize) -> bool {
        let mut moved = false;
        for done in 0.. {
            assert!(done < 5_000, "device {i} never stops sealing or opening");
            if self.devices[i].crypto_held {
                break;
            }
            let Some((id, op)) = self.devices[i].crypto.pop_front() else { break };
            moved = true;
            let result = if self.devices[i].crypto_failing > 0 {
                self.devices[i].crypto_failing -= 1;
                Err(frontdesk_core::crypto::CryptoError::Platform("NotSupportedError: simulated".into()))
            } else {
                self.devices[i].keys.run(&op, &mut sim_random(&mut self.random))
            };
            let effects = self.devices[i].core.crypto_done(id, result);
            self.effects(i, effects);
            // Each op's answer is a task of its own in a browser: a tick may come between two.
            self.keep_if_due(i);
        }
        moved
    }

    /// Releases a device's held crypto ops, answered in order, reversed, or every other first.
    fn release_crypto(&mut self, i: usize, how: u8) {
        let d = &mut self.devices[i];
        d.crypto_held = false;
        let ops: Vec<_> = d.crypto.drain(..).collect();
        d.crypto = match how % 3 {
            0 => ops.into(),
            1 => ops.into_iter().rev().collect(),
            _ => {
                let (even, odd): (Vec<_>, Vec<_>) = ops.into_iter().enumerate().partition(|(n, _)| n % 2 == 0);
                odd.into_iter().chain(even).map(|(_, op)| op).collect()
            }
        };
        self.pump();
    }

    /// The bytes of a change as a desk reads them: opened if the business is encrypted.
    fn plain(&self, doc: &str, bytes: &[u8]) -> Vec<u8> {
        if sealed::is_sealed(bytes) {
            keys_for(Role::Staff).open(doc, bytes).expect("an honest chunk opens").1
        } else {
            bytes.to_vec()
        }
    }

    /// Sealed with a staff key as the hostile device: it is enrolled, so it holds them.
    fn hostile_seal(&mut self, doc: &str, what: Sealable, plain: &[u8]) -> Vec<u8> {
        if !self.encrypted {
            return plain.to_vec();
        }
        let id = self.hostile.as_ref().map_or(99, |h| h.id);
        keys_for(Role::Staff)
            .seal(doc, what, 1, &format!("d{id}"), plain, &mut sim_random(&mut self.random))
            .expect("the hostile device holds staff keys")
    }

    /// The relay handles a frame from connection `from`; its replies reach open sockets.
    fn relay_handles(&mut self, from: usize, frame: &[u8], role: Role) {
        for (to, reply) in self.relay.handle(from, frame, role) {
            match &mut self.hostile {
                Some(h) if h.id == to => h.inbox.push_back(reply),
                _ if self.devices[to].socket_open => self.devices[to].inbound.push_back(reply),
                _ => {}
            }
        }
    }

    /// Adds a hostile staff device: it connects, follows what the desks follow, and answers
    /// every snapshot check it is asked for with "unsound".
    fn add_hostile(&mut self) {
        let id = self.devices.len();
        self.hostile = Some(Hostile { id, inbox: VecDeque::new(), seen: BTreeMap::new(), next: 0 });
        self.relay.connected.insert(id);
        let device = format!("d{id}");
        let mut keys = Keys::default();
        keys.set_signing(signing_secret(id));
        let message = hello_proof(&device, &nonce_for(id));
        let signature = keys.run(&CryptoOp::Sign { message }, &mut |_| {}).expect("signed");
        let hello = ClientMsg::Hello { device, protocol: frontdesk_protocol::PROTOCOL_VERSION, signature };
        self.relay_handles(id, &hello.encode(), Role::Staff);
        for doc in [DAY, NEXT_DAY, INVOICES] {
            self.relay_handles(id, &ClientMsg::Subscribe { doc: doc.into(), after_seq: 0 }.encode(), Role::Staff);
        }
        self.relay_handles(id, &ClientMsg::Watch { prefix: INBOX_PREFIX.into() }.encode(), Role::Staff);
        self.pump();
    }

    /// The hostile device reads what reached it; true if anything did.
    fn hostile_reads(&mut self) -> bool {
        let Some(mut h) = self.hostile.take() else { return false };
        let moved = !h.inbox.is_empty();
        let mut replies = Vec::new();
        while let Some(frame) = h.inbox.pop_front() {
            match ServerMsg::decode(&frame) {
                Ok(ServerMsg::Chunk { doc, bytes, .. }) => h.seen.entry(doc).or_default().push(bytes),
                Ok(ServerMsg::Check { doc, covers_seq, bytes, .. }) => {
                    let digest = sha2::Sha256::digest(&bytes).into();
                    replies.push(ClientMsg::Checked { doc, covers_seq, digest, ok: false });
                }
                Ok(ServerMsg::DocExists { doc }) => replies.push(ClientMsg::Subscribe { doc, after_seq: 0 }),
                _ => {}
            }
        }
        let id = h.id;
        self.hostile = Some(h);
        for reply in replies {
            self.relay_handles(id, &reply.encode(), Role::Staff);
        }
        moved
    }

    /// The hostile device attacks, `how` picking the attack and `n` its target.
    fn attack(&mut self, how: u8, n: usize) {
        let Some(mut h) = self.hostile.take() else { return };
        let id = h.id;
        h.next = h.next.wrapping_add(1);
        let chunk_id = ChunkId([0xBA, h.next, id as u8, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
        let doc = [DAY, NEXT_DAY, INVOICES][n % 3].to_owned();
        let head = self.relay.logs.get(&doc).map_or(0, |l| l.len() as u64);
        let sealed_seen = h.seen.get(&doc).cloned().unwrap_or_default();
        // What it saw, opened with the staff keys it holds (an encrypted business).
        let seen: Vec<Vec<u8>> = sealed_seen
            .iter()
            .map(|b| match sealed::is_sealed(b) {
                true => keys_for(Role::Staff).open(&doc, b).map(|(_, plain)| plain).unwrap_or_default(),
                false => b.clone(),
            })
            .collect();
        let other_doc = [DAY, NEXT_DAY, INVOICES][(n + 1) % 3];
        let elsewhere = h.seen.get(other_doc).and_then(|chunks| chunks.get(n % chunks.len().max(1))).cloned();
        self.hostile = Some(h);
        let rebuilt = |chunks: &[Vec<u8>]| {
            let mut d = automerge::AutoCommit::new();
            for c in chunks {
                let _ = d.load_incremental(c);
            }
            d
        };
        let snapshot = Sealable::Snapshot { covers_seq: head };
        // An honest device whose actor of this run it can name (#20): the next change under it.
        let victim = 1 + n % (self.devices.len() - 1);
        let victim_actor = frontdesk_core::authorship::actor(
            frontdesk_core::authorship::tag(&signer(victim)),
            seed(victim, self.devices[victim].runs),
        );
        let msg = match how % 9 {
            // Snapshots: garbage, truncated, leaving changes out, holding a forged change (in an
            // encrypted business sealed with the staff key it holds, so they open).
            0 => {
                let bytes = self.hostile_seal(&doc, snapshot, &b"garbage".repeat(n % 5 + 1));
                ClientMsg::Snapshot { doc, covers_seq: head, bytes, signature: vec![] }
            }
            1 => {
                let mut bytes = rebuilt(&seen).save();
                bytes.truncate(bytes.len() / 2);
                let bytes = self.hostile_seal(&doc, snapshot, &bytes);
                ClientMsg::Snapshot { doc, covers_seq: head, bytes, signature: vec![] }
            }
            2 => {
                let bytes = self.hostile_seal(&doc, snapshot, &rebuilt(&seen[..seen.len() / 2]).save());
                ClientMsg::Snapshot { doc, covers_seq: head, bytes, signature: vec![] }
            }
            3 => {
                let mut forged = rebuilt(&seen);
                use automerge::transaction::Transactable;
                let _ = forged.put(automerge::ROOT, format!("forged/{n}"), "never pushed");
                forged.commit();
                let bytes = self.hostile_seal(&doc, snapshot, &forged.save());
                ClientMsg::Snapshot { doc, covers_seq: head, bytes, signature: vec![] }
            }
            // A change under an honest desk's actor of this run, as the next one it would make
            // (signed with its own key, as an enrolled device can): were it applied, that desk's
            // genuine next change would be refused everywhere as a duplicate (#20).
            6 => {
                use automerge::transaction::Transactable;
                let mut forged = rebuilt(&seen).with_actor(automerge::ActorId::from(&victim_actor[..]));
                let before = forged.get_heads();
                let _ = forged.put(automerge::ROOT, "forged/actor", format!("as device {victim}"));
                forged.commit();
                let plain = forged.save_after(&before);
                let heads = frontdesk_core::chunk::heads(&plain).unwrap_or_default();
                let bytes = self.hostile_seal(&doc, Sealable::Chunk, &plain);
                ClientMsg::Push { doc, chunk_id, bytes, heads, signature: vec![] }
            }
            // Writing where it may not: the manager's documents and the kiosk's drop box.
            4 => {
                let doc =
                    ["site", "payroll", &format!("{INBOX_PREFIX}d0"), "timeclock/2026-11-26/d0"][n % 4].to_owned();
                ClientMsg::Push { doc, chunk_id, bytes: b"forged".to_vec(), heads: vec![[1; 32]], signature: vec![] }
            }
            // Replaying another device's chunk as its own.
            5 => match (seen.get(n % seen.len().max(1)), sealed_seen.get(n % seen.len().max(1))) {
                (Some(plain), Some(bytes)) => {
                    let heads = frontdesk_core::chunk::heads(plain).unwrap_or_default();
                    ClientMsg::Push { doc, chunk_id, bytes: bytes.clone(), heads, signature: vec![] }
                }
                _ => ClientMsg::Ping,
            },
            // Another document's sealed chunk, moved here (it must not open).
            7 if self.encrypted => match elsewhere {
                Some(bytes) => ClientMsg::Push { doc, chunk_id, bytes, heads: vec![[n as u8; 32]], signature: vec![] },
                None => ClientMsg::Ping,
            },
            // A chunk sealed under an epoch no one holds: it must not hold back every device's
            // cursor for good (skipped, not a gap).
            8 if self.encrypted => {
                let mut made_up = Keys::default();
                made_up.add_secret(KeyRef { scope: Scope::Staff, epoch: 999 }, [0x99; 32]);
                let bytes = made_up
                    .seal(&doc, Sealable::Chunk, 999, &format!("d{id}"), b"x", &mut sim_random(&mut self.random))
                    .expect("sealed");
                ClientMsg::Push { doc, chunk_id, bytes, heads: vec![[n as u8; 32]], signature: vec![] }
            }
            // A garbage chunk declaring a head no change has (sealed with a valid key when the
            // business is encrypted: it opens, and is no change).
            _ => {
                let bytes = self.hostile_seal(&doc, Sealable::Chunk, &[0x85, 0x6f, 0x4a, 0x83, 9, 9]);
                ClientMsg::Push { doc, chunk_id, bytes, heads: vec![[n as u8; 32]], signature: vec![] }
            }
        };
        self.relay_handles(id, &sign_as(id, msg).encode(), Role::Staff);
        self.pump();
    }

    fn drop_socket(&mut self, i: usize) {
        if !self.devices[i].socket_open {
            return;
        }
        self.devices[i].socket_open = false;
        self.devices[i].inbound.clear();
        self.relay.disconnect(i);
        let effects = self.devices[i].core.handle(
            SyncEvent::Closed { code: close::GOING_AWAY, reason: "gone".into() },
            self.now,
            0.5,
        );
        self.effects(i, effects);
    }

    /// Releases the frames held back for device `i`: in order, reversed, every one twice, or
    /// every other one first.
    fn release(&mut self, i: usize, how: u8) {
        let d = &mut self.devices[i];
        d.held = false;
        let frames: Vec<Vec<u8>> = d.inbound.drain(..).collect();
        d.inbound = match how % 4 {
            0 => frames.into(),
            1 => frames.into_iter().rev().collect(),
            2 => frames.into_iter().flat_map(|f| [f.clone(), f]).collect(),
            _ => {
                let (even, odd): (Vec<_>, Vec<_>) = frames.into_iter().enumerate().partition(|(n, _)| n % 2 == 0);
                odd.into_iter().chain(even).map(|(_, f)| f).collect()
            }
        };
        self.pump();
    }

    /// Delivers queued frames and carries out saves until nothing moves (frames to a held
    /// device wait, and so do the saves of a held disk).
    fn pump(&mut self) {
        for round in 0.. {
            // Devices that never go quiet are a bug (e.g. sealing the same chunk over and over).
            assert!(round < 5_000, "the devices never went quiet");
            let mut moved = self.hostile_reads();
            for i in 0..self.devices.len() {
                moved |= self.do_saves(i);
                moved |= self.do_crypto(i);
                if self.devices[i].held {
                    continue;
                }
                while let Some(frame) = self.devices[i].inbound.pop_front() {
                    moved = true;
                    let effects = self.devices[i].core.handle(SyncEvent::Frame(frame), self.now, 0.5);
                    self.effects(i, effects);
                    self.keep_if_due(i);
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// A tick may come between any two events: retention applied if it is due, as the platform
    /// does at its ticks.
    fn keep_if_due(&mut self, i: usize) {
        if let Some(today) = self.devices[i].core.keep_due(self.now) {
            let effects = self.devices[i].core.keep(today);
            self.effects(i, effects);
        }
    }

    /// Lets time pass (reconnects happen) and delivers everything.
    fn settle(&mut self) {
        for d in &mut self.devices {
            d.held = false;
            d.disk_held = false;
            d.crypto_held = false;
        }
        for _ in 0..40 {
            self.now += 1_000;
            for i in 0..self.devices.len() {
                let mut effects = self.devices[i].core.handle(SyncEvent::Tick, self.now, 0.5);
                // As the platform does at a tick: retention applied when it is due.
                if let Some(today) = self.devices[i].core.keep_due(self.now) {
                    effects.extend(self.devices[i].core.keep(today));
                }
                self.effects(i, effects);
            }
            self.pump();
        }
    }

    fn set_network(&mut self, i: usize, up: bool) {
        self.network[i] = up;
        if !up {
            self.drop_socket(i);
        }
    }

    /// A visitor checks in at the kiosk: the ticket shows once `submit` returns (the chunk is
    /// written ahead by then).
    fn check_in(&mut self, kiosk: usize, name: &str) -> String {
        let visit = VisitId::from_random(self.id());
        let check_in =
            CheckIn::new(visit, name, VisitReason::WalkIn, "", format!("A-{name}"), self.now, &format!("d{kiosk}"))
                .unwrap();
        let doc = format!("{INBOX_PREFIX}d{kiosk}");
        let chunk = check_in.to_inbox_chunk(self.devices[kiosk].core.tag());
        let effects = self.devices[kiosk].core.submit(&doc, chunk, self.now as f64);
        self.effects(kiosk, effects);
        self.pump();
        check_in.id
    }

    fn set_status(&mut self, desk: usize, visit: &str, status: VisitStatus) -> StatusEvent {
        let event = StatusEvent::set(EventId::from_random(self.id()), visit, status, self.now, &format!("d{desk}"));
        self.record(desk, &event);
        event
    }

    fn record(&mut self, desk: usize, event: &StatusEvent) {
        self.change_day(desk, |d| event.record(d));
    }

    /// A local change to the day document on `desk`, saved and pushed like the app does.
    fn change_day(&mut self, desk: usize, edit: impl FnOnce(&mut automerge::AutoCommit) -> Result<(), String>) -> Made {
        self.change_doc(desk, DAY, edit)
    }

    /// A local change to `doc` on `desk`, saved and pushed like the app does.
    fn change_doc(
        &mut self,
        desk: usize,
        doc: &str,
        edit: impl FnOnce(&mut automerge::AutoCommit) -> Result<(), String>,
    ) -> Made {
        let now = self.now as f64;
        let d = &mut self.devices[desk];
        let ((), effects) = d.core.change(doc, edit, now).unwrap();
        let save = effects.iter().find_map(|e| if let DeviceEffect::Save { id, .. } = e { Some(*id) } else { None });
        let made = Made { device: desk, run: d.runs, save };
        self.effects(desk, effects);
        self.pump();
        made
    }

    /// Whether a change made with [`Sim::change_doc`] is kept: its save completed before any crash.
    fn kept(&self, made: Made) -> bool {
        match made.save {
            None => true,
            Some(save) => !self.lost.contains(&(made.device, made.run, save)),
        }
    }

    /// A desk books staff member `staff` at `start_min` for 30 minutes, with what it knows (a
    /// desk offline does not see the others' bookings: that is how double bookings happen).
    fn book(&mut self, desk: usize, staff: usize, start_min: u32) -> (String, Made) {
        let id = frontdesk_core::RecordId::from_random(self.id()).to_string();
        let booking = Booking {
            id: id.clone(),
            code: "CODE22".into(),
            client: format!("C-{id}"),
            phone: String::new(),
            service: "s".into(),
            staff: format!("staff{staff}"),
            resource: String::new(),
            date: "2026-11-26".into(),
            start_min,
            duration_min: 30,
            buffer_min: 0,
            notes: String::new(),
            state: BookingState::Booked,
            series: String::new(),
            made_by: format!("d{desk}"),
            made_ms: self.now,
            changed_by: format!("d{desk}"),
            changed_ms: self.now,
        };
        let made = self.change_day(desk, |d| schedule::put_booking(d, &booking));
        (id, made)
    }

    fn bookings(&mut self, i: usize) -> Vec<Booking> {
        self.bookings_on(i, DAY)
    }

    fn bookings_on(&mut self, i: usize, day: &str) -> Vec<Booking> {
        self.devices[i].core.doc(day).map(schedule::bookings).unwrap_or_default()
    }

    fn conflicts(&mut self, i: usize) -> Vec<schedule::Conflict> {
        self.conflicts_on(i, DAY)
    }

    fn conflicts_on(&mut self, i: usize, day: &str) -> Vec<schedule::Conflict> {
        self.devices[i].core.doc(day).map(schedule::conflicts).unwrap_or_default()
    }

    /// A desk moves a booking it sees to `start_min`, on the same day or the next (as the
    /// calendar does: the old day keeps a `Moved` record, the new day gets the booking).
    fn move_booking(&mut self, desk: usize, booking: &Booking, start_min: u32, to_next_day: bool) {
        let stamp_by = format!("d{desk}");
        let moved = Booking { start_min, changed_by: stamp_by.clone(), changed_ms: self.now, ..booking.clone() };
        if to_next_day && booking.date == "2026-11-26" {
            let left = Booking {
                state: BookingState::Moved,
                notes: "→ 2026-11-27".into(),
                changed_by: stamp_by,
                changed_ms: self.now,
                ..booking.clone()
            };
            self.change_doc(desk, DAY, |d| schedule::put_booking(d, &left));
            let arrived = Booking { date: "2026-11-27".into(), ..moved };
            self.change_doc(desk, NEXT_DAY, |d| schedule::put_booking(d, &arrived));
        } else {
            let doc = if booking.date == "2026-11-26" { DAY } else { NEXT_DAY };
            self.change_doc(desk, doc, |d| schedule::put_booking(d, &moved));
        }
    }

    /// A desk issues an invoice of `total_minor` (no tax) and returns its id.
    fn invoice(&mut self, desk: usize, total_minor: i64) -> (String, Made) {
        let id = frontdesk_core::RecordId::from_random(self.id()).to_string();
        let series = billing::series_of(&format!("d{desk}"));
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let number = billing::next_number(&self.invoices(desk), &series, date);
        let invoice = billing::Invoice {
            id: id.clone(),
            number,
            series,
            client: "C1".into(),
            client_name: "Ana".into(),
            lines: vec![billing::InvoiceLine {
                description: "Visit".into(),
                qty: 1,
                unit_minor: total_minor,
                tax_bp: 0,
                discount_bp: 0,
                source: String::new(),
            }],
            notes: String::new(),
            currency: "EUR".into(),
            issued_by: format!("d{desk}"),
            issued_ms: self.now,
            date: "2026-11-26".into(),
            void: false,
        };
        let made = self.change_doc(desk, INVOICES, |d| billing::put_invoice(d, &invoice));
        (id, made)
    }

    /// A desk takes (or refunds) `amount` on an invoice it sees, checked against what it sees,
    /// as the payment form does; returns the payment's id when the form accepted it.
    fn pay(&mut self, desk: usize, invoice: &billing::Invoice, amount: &str, refund: bool) -> Option<(String, Made)> {
        let payments = self.payments(desk);
        let id = frontdesk_core::RecordId::from_random(self.id()).to_string();
        let stamp = schedule::Stamp { by: format!("d{desk}"), at_ms: self.now };
        let form = billing::PaymentForm {
            amount: amount.into(),
            method: Some(billing::Method::Card),
            refund,
            note: String::new(),
        };
        let payment = form.check(invoice, &payments, id.clone(), &stamp).ok()?;
        let made = self.change_doc(desk, INVOICES, |d| billing::put_payment(d, &payment));
        Some((id, made))
    }

    fn invoices(&mut self, i: usize) -> Vec<billing::Invoice> {
        self.devices[i].core.doc(INVOICES).map(billing::invoices).unwrap_or_default()
    }

    fn payments(&mut self, i: usize) -> Vec<billing::Payment> {
        self.devices[i].core.doc(INVOICES).map(billing::payments).unwrap_or_default()
    }

    /// Each invoice's standing and the overpaid ones, as a desk's money screen shows them.
    fn money(&mut self, i: usize) -> Money {
        let invoices = self.invoices(i);
        let payments = self.payments(i);
        let standings = invoices.iter().map(|inv| (inv.id.clone(), billing::standing(inv, &payments))).collect();
        let overpaid =
            billing::overpaid(&invoices, &payments).into_iter().map(|(inv, by)| (inv.id.clone(), by)).collect();
        (standings, overpaid)
    }

    fn board(&mut self, i: usize) -> Vec<BoardEntry> {
        let d = &mut self.devices[i];
        let inboxes = d.core.names_under(INBOX_PREFIX);
        let mut arrivals = Vec::new();
        for inbox in inboxes {
            arrivals.extend(d.core.doc(&inbox).map(check_ins).unwrap_or_default());
        }
        let events = d.core.doc(DAY).map(status_events).unwrap_or_default();
        arrivals_board(arrivals, &events, 1_000_000)
    }

    fn names(&mut self, i: usize) -> Vec<(String, VisitStatus)> {
        self.board(i).into_iter().map(|e| (e.check_in.name, e.status)).collect()
    }

    fn pending(&self, i: usize) -> usize {
        self.devices[i].core.pending()
    }
}

/// A client that has connected and been welcomed as `role`, with what the welcome made it do.
fn welcomed(mut client: SyncClient, role: Role) -> (SyncClient, Vec<Effect>) {
    client.handle(SyncEvent::Tick, 0, 0.0);
    client.handle(SyncEvent::Opened, 0, 0.0);
    let welcome =
        ServerMsg::Welcome { device: "d".into(), name: "n".into(), role, epochs: vec![], floors: vec![] }.encode();
    let mut effects = client.handle(SyncEvent::Frame(welcome), 0, 0.0);
    effects.extend(sign_all(&mut client));
    (client, effects)
}

/// The signature a sync client's tests give every chunk (the device core asks its platform).
const TEST_SIGNATURE: [u8; 64] = [0x5a; 64];

/// Signs every queued chunk ready for it, as the device core would; the sends that follow.
fn sign_all(client: &mut SyncClient) -> Vec<Effect> {
    let unsigned: Vec<(ChunkId, [u8; 32])> =
        client.unsigned().map(|(id, _, wire)| (id, sha2::Sha256::digest(wire).into())).collect();
    unsigned.into_iter().flat_map(|(id, digest)| client.signed(id, &digest, TEST_SIGNATURE.to_vec())).collect()
}

#[test]
fn a_kiosk_check_in_reaches_every_desk_and_a_status_change_reaches_the_others() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    assert_eq!(sim.names(1), vec![("Ana".into(), VisitStatus::Waiting)]);
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Waiting)]);
    sim.set_status(1, &ana, VisitStatus::Called);
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
    assert_eq!(sim.pending(0), 0, "the kiosk's outbox is empty once the relay has the check-in");
}

/// A client record as the sim writes it: a map at `client/<id>`.
fn put_client(d: &mut automerge::AutoCommit, id: &str, name: &str, notes: &str) -> Result<(), String> {
    use automerge::transaction::Transactable;
    let key = format!("client/{id}");
    let obj = match d.get(automerge::ROOT, key.as_str()).map_err(|e| e.to_string())? {
        Some((automerge::Value::Object(_), obj)) => obj,
        _ => d.put_object(automerge::ROOT, key.as_str(), automerge::ObjType::Map).map_err(|e| e.to_string())?,
    };
    d.put(&obj, "name", name).map_err(|e| e.to_string())?;
    d.put(&obj, "phone", "600 111 222").map_err(|e| e.to_string())?;
    d.put(&obj, "notes", notes).map_err(|e| e.to_string())
}

/// Every string any change of `doc`'s history ever wrote.
fn every_string_ever(doc: &automerge::Automerge) -> Vec<String> {
    doc.get_changes(&[])
        .iter()
        .flat_map(|c| c.decode().operations)
        .filter_map(|op| match op.primitive_value() {
            Some(automerge::ScalarValue::Str(s)) => Some(s.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_erasure_reaches_a_desk_that_was_offline_and_its_unsent_edits_come_back_but_not_to_the_erased_client() {
    let mut sim = Sim::encrypted(&[Role::Staff, Role::Staff, Role::Manager]);
    sim.settle();
    sim.change_day(0, |d| {
        put_client(d, "c1", "Inés Calvo", "Allergic to penicillin")?;
        put_client(d, "c2", "Luis Mora", "")
    });
    sim.settle();
    // Desk 1 goes offline holding her, and edits her, Luis, and a new client meanwhile.
    sim.set_network(1, false);
    sim.change_day(1, |d| put_client(d, "c1", "Inés Calvo", "Prefers mornings, Inés Calvo"));
    sim.change_day(1, |d| put_client(d, "c2", "Luis Mora", "Pays by card"));
    sim.change_day(1, |d| put_client(d, "c3", "Ana Ruiz", ""));
    // Desk 0 edits her too, online, before the erasure: that edit is in the old history.
    sim.change_day(0, |d| put_client(d, "c1", "Inés Calvo", "Called on Monday"));
    sim.settle();

    // The manager erases her: a fresh document without her replaces the day's on the relay.
    let manager = 2;
    let person = erasure::Person {
        ids: vec!["c1".into()],
        name: "Inés Calvo".into(),
        phone: "600111222".into(),
        email: String::new(),
    };
    let (bytes, plan) = {
        let core = &mut sim.devices[manager].core;
        let actor = automerge::ActorId::from(&core.actor([7; 16])[..]);
        let held = core.doc(DAY).expect("the manager holds the day").clone();
        let plan = erasure::plan(&held, &person);
        let erased = erasure::Erasure {
            id: "e1".into(),
            keys: plan.erase.clone(),
            reason: "The client asked".into(),
            by: "Manager".into(),
            at_ms: 1,
        };
        (erasure::rebuilt(&held, &erased, &plan.scrub, &person, actor).unwrap().save(), plan)
    };
    assert_eq!(plan.erase, ["client/c1", "history/client/c1/"]);
    let effects = sim.devices[manager].core.rebase(DAY, bytes);
    sim.effects(manager, effects);
    sim.pump();
    assert_eq!(sim.rebased, [(manager, DAY.to_owned(), true)]);

    // Desk 1 comes back: its pushes made on the old history are refused, it takes the new
    // document, and makes its edits again — but the one to her.
    sim.set_network(1, true);
    sim.settle();
    assert!(sim.relay.refused_as_rebased > 0, "the returning desk's old chunks were refused");
    for i in 0..3 {
        assert_eq!(sim.pending(i), 0, "device {i} has nothing left to send");
        let doc = sim.devices[i].core.doc(DAY).unwrap().clone();
        assert!(doc.get(automerge::ROOT, "client/c1").unwrap().is_none(), "device {i} still shows her");
        let strings = every_string_ever(&doc);
        assert!(
            !strings.iter().any(|s| s.contains("Inés") || s.contains("penicillin") || s.contains("Monday")),
            "device {i}'s history still holds her: {strings:?}"
        );
        assert!(strings.iter().any(|s| s == "Pays by card"), "device {i} lost desk 1's edit of Luis");
        assert!(strings.iter().any(|s| s == "Ana Ruiz"), "device {i} lost desk 1's new client");
    }
    let heads: Vec<_> = (0..3).map(|i| sim.devices[i].core.heads(DAY)).collect();
    assert!(heads.iter().all(|h| *h == heads[0]), "every device holds the same document");
    // The relay: nothing it stores of the day opens to her (every chunk and the snapshot).
    let stored: Vec<Vec<u8>> = sim.relay.logs[DAY]
        .iter()
        .map(|(_, b)| b.clone())
        .chain(sim.relay.snapshots.get(DAY).map(|(_, b)| b.clone()))
        .filter(|b| !b.is_empty())
        .collect();
    let mut relay_doc = automerge::AutoCommit::new();
    for bytes in &stored {
        relay_doc.load_incremental(&sim.plain(DAY, bytes)).unwrap();
    }
    let strings = every_string_ever(relay_doc.document());
    assert!(!strings.iter().any(|s| s.contains("Inés")), "the relay still holds her: {strings:?}");
    assert!(strings.iter().any(|s| s == "Pays by card"));
    assert!(sim.warnings.is_empty(), "{:?}", sim.warnings);
}

#[test]
fn a_rebased_document_not_signed_by_its_sender_or_written_under_another_devices_actor_is_not_taken() {
    let mut sim = Sim::new(&[Role::Staff, Role::Staff, Role::Manager]);
    sim.settle();
    sim.change_day(0, |d| put_client(d, "c1", "Inés Calvo", ""));
    sim.settle();
    let covers_seq = sim.devices[1].core.cursor(DAY).unwrap() + 1;
    let fresh = |actor: automerge::ActorId| {
        use automerge::transaction::Transactable;
        let mut doc = automerge::AutoCommit::new().with_actor(actor);
        doc.put(automerge::ROOT, "forged", "everything else is gone").unwrap();
        doc.save()
    };
    let signed_by = |i: usize, bytes: &[u8]| match sign_as(
        i,
        ClientMsg::Rebase { doc: DAY.into(), after_seq: covers_seq - 1, bytes: bytes.to_vec(), signature: vec![] },
    ) {
        ClientMsg::Rebase { signature, .. } => Author { key: signer(i).to_vec(), signature },
        _ => unreachable!("a re-base stays a re-base"),
    };
    let mine = fresh(actor_of(2, 1));
    let cases = [
        // The manager's key, but the changes written under desk 0's actor.
        (fresh(actor_of(0, 9)), signed_by(2, &fresh(actor_of(0, 9)))),
        // The manager's key, and a signature of other bytes.
        (mine.clone(), signed_by(2, &fresh(actor_of(2, 2)))),
        // Signed as a snapshot, not as a re-base.
        (mine.clone(), author_of(2, DAY, Some(covers_seq), &mine)),
        // Nobody's.
        (mine.clone(), Author::default()),
    ];
    for (n, (bytes, author)) in cases.into_iter().enumerate() {
        let forged = ServerMsg::Rebased { doc: DAY.into(), covers_seq, bytes, author };
        sim.devices[1].inbound.push_back(forged.encode());
        sim.pump();
        let doc = sim.devices[1].core.doc(DAY).unwrap().clone();
        assert!(doc.get(automerge::ROOT, "forged").unwrap().is_none(), "case {n}: the forged document was taken");
        assert!(doc.get(automerge::ROOT, "client/c1").unwrap().is_some(), "case {n}: the document was replaced");
        assert_eq!(sim.devices[1].core.cursor(DAY), Some(covers_seq - 1), "case {n}: the cursor moved");
    }
    assert_eq!(sim.warnings.len(), 4, "each refusal is logged: {:?}", sim.warnings);
    // Signed by the manager, under its own actor: taken.
    let author = signed_by(2, &mine);
    sim.devices[1].inbound.push_back(ServerMsg::Rebased { doc: DAY.into(), covers_seq, bytes: mine, author }.encode());
    sim.pump();
    let doc = sim.devices[1].core.doc(DAY).unwrap().clone();
    assert!(
        doc.get(automerge::ROOT, "forged").unwrap().is_some()
            && doc.get(automerge::ROOT, "client/c1").unwrap().is_none()
    );
}

#[test]
fn a_rebase_built_on_an_old_head_is_refused_and_changes_nothing() {
    let mut sim = Sim::encrypted(&[Role::Staff, Role::Manager]);
    sim.settle();
    sim.change_day(0, |d| put_client(d, "c1", "Inés Calvo", ""));
    sim.settle();
    // The manager's tablet is slow to hear of desk 0's next change: its frames wait.
    sim.devices[1].held = true;
    sim.change_day(0, |d| put_client(d, "c2", "Luis Mora", ""));
    let held = sim.devices[1].core.doc(DAY).unwrap().clone();
    let effects = sim.devices[1].core.rebase(DAY, automerge::AutoCommit::load(&held.save()).unwrap().save());
    sim.effects(1, effects);
    sim.pump();
    sim.release(1, 0);
    sim.settle();
    assert_eq!(sim.rebased, [(1, DAY.to_owned(), false)], "refused: desk 0's change came after what it was built on");
    assert!(sim.relay.rebased_at.is_empty());
    for i in 0..2 {
        let doc = sim.devices[i].core.doc(DAY).unwrap().clone();
        assert!(doc.get(automerge::ROOT, "client/c2").unwrap().is_some(), "device {i} lost desk 0's change");
    }
}

/// A month of messages three months and more before the simulation's today.
const OLD_MESSAGES: &str = "messages/2026-07";
/// This month's messages.
const NEW_MESSAGES: &str = "messages/2026-11";

impl Sim {
    /// Every device follows the business's rules and both months of messages.
    fn follow_messages(&mut self) {
        for i in 0..self.devices.len() {
            let names = vec![SITE.to_owned(), OLD_MESSAGES.to_owned(), NEW_MESSAGES.to_owned()];
            let effects = self.devices[i].core.follow(names, Vec::new());
            self.effects(i, effects);
        }
        self.settle();
    }

    /// A manager keeps messages for `days` (`None`: for ever).
    fn keep_messages(&mut self, manager: usize, days: Option<u32>) {
        self.change_doc(manager, SITE, |d| retention::put(d, Area::Messages, days, "Manager", 1));
        // Applied at the next tick on every device that holds the change.
        self.settle();
    }

    /// Whether device `i` holds `doc`, in memory or in storage.
    fn holds(&mut self, i: usize, doc: &str) -> bool {
        self.devices[i].core.doc(doc).is_some() || self.devices[i].disk.docs.contains_key(doc)
    }
}

#[test]
fn messages_past_retention_are_forgotten_everywhere_and_a_desk_back_from_offline_cannot_bring_them_back() {
    let mut sim = Sim::encrypted(&[Role::Staff, Role::Staff, Role::Manager]);
    sim.follow_messages();
    sim.change_doc(0, OLD_MESSAGES, |d| put_client(d, "m1", "Inés Calvo", "Call back about July"));
    sim.change_doc(0, NEW_MESSAGES, |d| put_client(d, "m2", "Luis Mora", "Call back"));
    sim.settle();
    assert!((0..3).all(|i| sim.holds(i, OLD_MESSAGES)));
    // Desk 1 goes offline and writes in July's messages meanwhile.
    sim.set_network(1, false);
    sim.change_doc(1, OLD_MESSAGES, |d| put_client(d, "m3", "Ana Ruiz", "Written offline"));

    // The manager keeps messages 30 days: July's are gone from the relay and the online devices.
    sim.keep_messages(2, Some(30));
    assert_eq!(sim.relay.retention.days(Area::Messages), Some(30), "the manager's device told the relay");
    assert!(!sim.relay.logs.contains_key(OLD_MESSAGES), "the relay emptied July's messages");
    for i in [0, 2] {
        assert!(!sim.holds(i, OLD_MESSAGES), "device {i} still holds July's messages");
        assert!(sim.holds(i, NEW_MESSAGES), "device {i} lost this month's messages");
    }

    // Desk 1 returns: its July change is refused, and once it has the rules it forgets July too.
    sim.set_network(1, true);
    sim.settle();
    assert!(sim.relay.refused_as_expired > 0, "the returning desk's July change was refused");
    assert!(!sim.relay.logs.contains_key(OLD_MESSAGES), "the returning desk brought July back to the relay");
    assert!(!sim.holds(1, OLD_MESSAGES), "the returning desk still holds July's messages");
    assert_eq!(sim.pending(1), 0, "nothing is left waiting to be sent");
    assert_eq!(sim.devices[1].badge, 0, "the badge still counts the forgotten change");
    assert!(sim.devices[1].disk.outbox.is_empty());
    for i in 0..3 {
        let doc = sim.devices[i].core.doc(NEW_MESSAGES).unwrap().clone();
        assert!(doc.get(automerge::ROOT, "client/m2").unwrap().is_some(), "device {i} lost this month's message");
    }
    // The only warnings: the returning desk kept July until it had the rules that expire it.
    assert!(sim.warnings.iter().all(|w| w.contains("this business's rules keep it")), "{:?}", sim.warnings);
}

#[test]
fn a_manager_back_from_offline_does_not_tell_the_relay_rules_older_than_another_managers() {
    let mut sim = Sim::new(&[Role::Staff, Role::Manager, Role::Manager]);
    sim.follow_messages();
    // Both managers hold "90 days"; then manager 2 goes offline and manager 1 makes it a year.
    sim.keep_messages(1, Some(90));
    sim.set_network(2, false);
    // Two changes while it is away: it is stale in between them as it catches up.
    sim.change_doc(1, SITE, |d| retention::put(d, Area::Invoices, Some(1461), "Manager", 1));
    sim.keep_messages(1, Some(365));
    // July's messages, kept under a year but not under 90 days.
    sim.change_doc(0, OLD_MESSAGES, |d| put_client(d, "m1", "Inés Calvo", "Call back about July"));
    sim.settle();
    assert!(sim.relay.logs.contains_key(OLD_MESSAGES));

    // Manager 2 returns holding "90 days": it tells the relay only once it holds the year.
    sim.set_network(2, true);
    sim.settle();
    assert_eq!(sim.relay.retention.days(Area::Messages), Some(365));
    assert!(sim.relay.logs.contains_key(OLD_MESSAGES), "a stale manager made the relay empty July");
    assert!((0..3).all(|i| sim.holds(i, OLD_MESSAGES)));
    assert!(sim.warnings.is_empty(), "{:?}", sim.warnings);
}

#[test]
fn a_relay_that_says_a_document_expired_cannot_make_a_desk_forget_what_the_rules_keep() {
    let mut sim = Sim::new(&[Role::Staff, Role::Manager]);
    sim.follow_messages();
    sim.keep_messages(1, Some(365));
    sim.change_doc(0, OLD_MESSAGES, |d| put_client(d, "m1", "Inés Calvo", "Call back about July"));
    sim.change_day(0, |d| put_client(d, "c1", "Luis Mora", ""));
    sim.settle();
    // The relay (or whoever speaks for it) says July and the day expired: the rules keep both.
    for doc in [OLD_MESSAGES, DAY] {
        let error = ServerMsg::Error { code: ErrorCode::Expired, doc: Some(doc.into()), message: "expired".into() };
        sim.devices[0].inbound.push_back(error.encode());
    }
    sim.pump();
    assert!(sim.holds(0, OLD_MESSAGES) && sim.holds(0, DAY), "the desk forgot what its rules keep");
    let doc = sim.devices[0].core.doc(OLD_MESSAGES).unwrap().clone();
    assert!(doc.get(automerge::ROOT, "client/m1").unwrap().is_some());
    assert_eq!(sim.warnings.len(), 2, "{:?}", sim.warnings);
}

#[test]
fn offline_devices_keep_working_and_converge_with_nothing_lost_or_doubled() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_network(0, false);
    sim.set_network(1, false);
    sim.check_in(0, "Bo");
    sim.check_in(0, "Cy");
    sim.set_status(1, &ana, VisitStatus::Done);
    assert_eq!(sim.pending(0), 2);
    assert_eq!(sim.pending(1), 1);
    // Desk 2 stayed online and acts on the same visitor meanwhile.
    sim.set_status(2, &ana, VisitStatus::Called);
    sim.settle();
    sim.set_network(0, true);
    sim.set_network(1, true);
    sim.settle();
    let boards: Vec<_> = (1..3).map(|i| sim.names(i)).collect();
    assert_eq!(boards[0], boards[1]);
    assert_eq!(boards[0].len(), 3, "three visitors, none doubled: {:?}", boards[0]);
    assert_eq!(sim.pending(0) + sim.pending(1) + sim.pending(2), 0);
    let inbox_chunks: usize =
        sim.relay.logs.iter().filter(|(d, _)| d.starts_with(INBOX_PREFIX)).map(|(_, l)| l.len()).sum();
    assert_eq!(inbox_chunks, 3, "each check-in stored once");
}

#[test]
fn snapshots_are_proven_by_another_desk_and_a_returning_desk_loads_one_despite_a_hostile_device() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff, Role::Staff]);
    sim.snapshot_every(3);
    sim.add_hostile();
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_network(3, false);
    // The hostile device proposes garbage and a snapshot that leaves changes out, and vouches
    // for nothing; the desks go on working meanwhile.
    for (n, status) in
        [VisitStatus::Called, VisitStatus::Waiting, VisitStatus::Done].into_iter().cycle().take(9).enumerate()
    {
        sim.set_status(1 + n % 2, &ana, status);
        sim.attack([0, 2, 5][n % 3], 0);
    }
    let (covers, _) = sim.relay.snapshots.get(DAY).cloned().expect("a snapshot of the day was proven");
    assert!(
        sim.relay.logs[DAY][..covers as usize].iter().all(|(_, b)| b.is_empty()),
        "the chunks it covers are dropped"
    );
    assert!(!sim.relay.proven_from.contains(&4), "never the hostile device's");
    sim.set_network(3, true);
    sim.settle();
    assert_eq!(sim.names(3), sim.names(1), "the returning desk caught up through the snapshot");
    assert_eq!(sim.devices[3].core.heads(DAY), sim.devices[1].core.heads(DAY));
    assert!(sim.warnings.iter().all(|w| provoked(w)), "{:?}", sim.warnings);
    sim.attack(6, 0);
    sim.settle();
    assert!(sim.warnings.iter().any(|w| w.contains("skipped")), "a garbage chunk is skipped");
}

/// Issue 19: a desk that does not hold a scope's key yet (it was just paired) applies nothing
/// it cannot open and skips nothing either: the cursor waits before the first sealed chunk, and
/// once the key arrives the document is fetched again from there.
#[test]
fn a_desk_without_a_key_leaves_a_gap_and_catches_up_when_the_key_arrives() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.devices[2].keys = keys_without_staff();
    sim.devices[2].keys.set_signing(signing_secret(2));
    sim.crash(2);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.set_status(1, &ana, VisitStatus::Done);
    sim.settle();
    assert_eq!(sim.names(1), vec![("Ana".into(), VisitStatus::Done)]);
    // The check-in opens (inbox key); the day's status changes do not, and wait.
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Waiting)]);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(0), "nothing skipped");
    assert!(sim.warnings.is_empty(), "a missing key is no damage: {:?}", sim.warnings);
    assert!(sim.relay.logs[DAY].iter().all(|(_, b)| sealed::is_sealed(b)));
    // The key arrives (pairing hands it over): the day is fetched again and applied.
    sim.devices[2].keys = keys_for(Role::Staff);
    sim.devices[2].keys.set_signing(signing_secret(2));
    let effects = sim.devices[2].core.keys_added(vec![KeyRef { scope: Scope::Staff, epoch: 1 }]);
    sim.effects(2, effects);
    sim.pump();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Done)]);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(sim.relay.logs[DAY].len() as u64));
    assert_eq!(sim.devices[2].core.heads(DAY), sim.devices[1].core.heads(DAY));
}

/// Issue 19: a device just paired into a business whose relay says it seals, before its keys
/// arrive: it skips nothing it cannot open (every cursor waits), and what it writes meanwhile —
/// even written offline, before the relay said so — waits for the key instead of going to the
/// relay in the clear. The keys arrive: it catches up, and its change goes out sealed.
#[test]
fn a_device_waiting_for_its_first_keys_skips_nothing_and_sends_nothing_in_the_clear() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    // Snapshots after every chunk: a keyless device proposing one in the clear would leak what it holds back.
    sim.snapshot_every(1);
    sim.devices[2].keys = Keys::default();
    sim.devices[2].keys.set_signing(signing_secret(2));
    sim.crash(2);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.settle();
    assert_eq!(sim.names(2), vec![], "nothing opens without a key");
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(0), "and nothing is skipped");
    assert!(sim.warnings.is_empty(), "a missing key is no damage: {:?}", sim.warnings);
    // Offline, then restarted: its change is queued before any Welcome says the day is sealed.
    sim.set_network(2, false);
    sim.crash(2);
    let note = sim.change_day(2, |doc| {
        automerge::transaction::Transactable::put(doc, automerge::ROOT, "note/keyless", "Written before the keys")
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    sim.set_network(2, true);
    sim.settle();
    assert!(sim.pending(2) > 0, "the change waits for its key");
    for log in sim.relay.logs.values() {
        // (Chunks a proven snapshot covers are emptied.)
        assert!(
            log.iter().all(|(_, b)| b.is_empty() || sealed::is_sealed(b)),
            "something reached the relay in the clear"
        );
    }
    let proposed = sim.relay.proposals.values().map(|(_, b, _)| b).chain(sim.relay.snapshots.values().map(|(_, b)| b));
    for bytes in proposed {
        assert!(sealed::is_sealed(bytes), "a snapshot reached the relay in the clear");
    }
    sim.devices[2].keys = keys_for(Role::Staff);
    sim.devices[2].keys.set_signing(signing_secret(2));
    let held = sim.devices[2].keys.held();
    let effects = sim.devices[2].core.keys_added(held);
    sim.effects(2, effects);
    sim.settle();
    assert!(sim.kept(note), "the change made while waiting was saved");
    assert_eq!(sim.pending(2), 0, "and has reached the relay");
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
    assert_eq!(sim.devices[2].core.heads(DAY), sim.devices[1].core.heads(DAY));
    for log in sim.relay.logs.values() {
        // (Chunks a proven snapshot covers are emptied.)
        assert!(
            log.iter().all(|(_, b)| b.is_empty() || sealed::is_sealed(b)),
            "something reached the relay in the clear"
        );
    }
}

/// Issue 19: encryption turned on while a desk was offline. Back online, it hears that every
/// scope seals and holds no key yet; it still applies what was written before (plaintext), and
/// with snapshots due after every chunk it would propose one — in the clear, carrying what it
/// holds back. It proposes none.
#[test]
fn a_keyless_device_in_a_sealed_business_proposes_no_snapshot_in_the_clear() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    sim.set_network(2, false);
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.settle();
    // Encryption is turned on: the relay says every scope seals; nobody here holds a key yet.
    sim.relay.epochs = Scope::ALL.iter().map(|&scope| Epoch { scope, epoch: 1 }).collect();
    sim.snapshot_every(1);
    for i in 0..2 {
        sim.drop_socket(i);
    }
    // Proposed or proven: a snapshot the relay holds, by document and coverage.
    let held = |sim: &Sim| -> Vec<(String, u64)> {
        let proposed = sim.relay.proposals.iter().map(|(d, (c, ..))| (d.clone(), *c));
        proposed.chain(sim.relay.snapshots.iter().map(|(d, (c, _))| (d.clone(), *c))).collect()
    };
    let before = held(&sim);
    sim.set_network(2, true);
    sim.settle();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)], "what was written before still applies");
    let new: Vec<_> = held(&sim).into_iter().filter(|s| !before.contains(s)).collect();
    assert!(new.is_empty(), "a snapshot proposed in the clear after encryption was on: {new:?}");
}

/// Issue 19: encryption turned on by hand in a business that ran without it. The manager's
/// tablet proposes a sealed snapshot of every document it holds in full; once another desk has
/// proven them, the relay keeps none of those documents' bytes in the clear (drop boxes keep
/// theirs: they take no snapshot), and a desk that starts again from nothing gets everything —
/// the day from its sealed snapshot.
#[test]
fn turned_on_late_a_business_replaces_what_it_stored_in_the_clear_with_sealed_snapshots() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.snapshot_every(2);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.set_status(2, &ana, VisitStatus::Done);
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.settle();
    let in_the_clear = |sim: &Sim| -> Vec<String> {
        let chunks =
            sim.relay.logs.iter().filter(|(_, log)| log.iter().any(|(_, b)| !b.is_empty() && !sealed::is_sealed(b)));
        let snapshots = sim.relay.snapshots.iter().filter(|(_, (_, b))| !sealed::is_sealed(b));
        let mut docs: Vec<String> = chunks.map(|(d, _)| d.clone()).chain(snapshots.map(|(d, _)| d.clone())).collect();
        docs.sort();
        docs.dedup();
        docs.retain(|d| !frontdesk_core::doc_name::is_drop_box(d));
        docs
    };
    assert_eq!(in_the_clear(&sim), vec![DAY.to_owned()], "a plaintext snapshot and chunk of the day");
    // Encryption is turned on: the relay numbers the epochs, every device gets its keys.
    sim.relay.epochs = Scope::ALL.iter().map(|&scope| Epoch { scope, epoch: 1 }).collect();
    for i in 0..3 {
        sim.devices[i].keys = keys_for(sim.devices[i].role);
        sim.devices[i].keys.set_signing(signing_secret(i));
        let held = sim.devices[i].keys.held();
        let effects = sim.devices[i].core.keys_added(held);
        sim.effects(i, effects);
        sim.drop_socket(i);
    }
    sim.settle();
    let effects = sim.devices[1].core.seal_history();
    sim.effects(1, effects);
    sim.settle();
    assert_eq!(in_the_clear(&sim), Vec::<String>::new(), "what was stored in the clear is replaced");
    assert!(sealed::is_sealed(&sim.relay.snapshots[DAY].1), "by a sealed snapshot");
    // A desk that starts again from nothing: the day comes sealed, and opens.
    sim.devices[2].disk = Disk::default();
    sim.crash(2);
    sim.settle();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
    assert_eq!(sim.devices[2].core.heads(DAY), sim.devices[1].core.heads(DAY));
}

/// Issue 19, slice 5: a staff tablet is lost and revoked. A manager numbers epoch 2 of the
/// scopes it held, hands the new keys to the devices that remain, and revokes it with those
/// floors. From then on nothing is sealed under what the lost tablet held. Two desks were offline
/// meanwhile, each with a change sealed under epoch 1: one comes back without the new keys (its
/// change waits for them, not sent stale, not sealed over and over); one got them while offline
/// (its change is sealed again under epoch 2 once the Welcome says the floors); one got them
/// while its change was still being sealed under epoch 1 (that sealing, done after the Welcome,
/// is not sent: the change is sealed again under epoch 2).
/// Nothing is lost, and no chunk or snapshot stored after the revocation opens with the lost
/// tablet's keys.
#[test]
fn after_a_revocation_what_the_revoked_device_held_opens_nothing_written_later() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff, Role::Staff, Role::Staff, Role::Staff]);
    sim.snapshot_every(2);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.settle();
    assert_eq!(sim.names(3), vec![("Ana".into(), VisitStatus::Called)]);
    let lost = sim.devices[3].keys.clone();

    // Desks 2 and 4 are offline: their changes are sealed under epoch 1 and queued.
    let note = |sim: &mut Sim, desk: usize| {
        sim.set_network(desk, false);
        sim.change_day(desk, move |doc| {
            automerge::transaction::Transactable::put(doc, automerge::ROOT, format!("note/{desk}"), "Written offline")
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    };
    let offline = note(&mut sim, 2);
    let offline_sealed = note(&mut sim, 5);
    sim.settle();
    sim.devices[4].crypto_held = true;
    let offline_too = note(&mut sim, 4);
    assert!(sim.pending(2) > 0 && sim.pending(4) > 0);

    // The rotation: epoch 2 of what a staff tablet holds, new keys to the kiosk and desk 1.
    let rotated = [Scope::Kiosk, Scope::Staff, Scope::Inbox];
    for e in sim.relay.epochs.iter_mut().filter(|e| rotated.contains(&e.scope)) {
        e.epoch = 2;
    }
    let second = |scope| KeyRef { scope, epoch: 2 };
    let give = |sim: &mut Sim, i: usize| {
        let kiosk = sim.devices[i].role == Role::Kiosk;
        let keys = &mut sim.devices[i].keys;
        keys.add_secret(second(Scope::Kiosk), [0x6b; 32]);
        if kiosk {
            keys.add_public(second(Scope::Inbox), frontdesk_core::crypto::native::public_key(&[0x69; 32]));
        } else {
            keys.add_secret(second(Scope::Staff), [0x73; 32]);
            keys.add_private(second(Scope::Inbox), [0x69; 32]);
        }
        let held = sim.devices[i].keys.held();
        let effects = sim.devices[i].core.keys_added(held);
        sim.effects(i, effects);
    };
    give(&mut sim, 0);
    give(&mut sim, 1);
    give(&mut sim, 4);
    give(&mut sim, 5);
    // The revocation with its floors: the lost tablet is out, everyone else reconnects.
    sim.relay.floors = rotated.iter().map(|&scope| Epoch { scope, epoch: 2 }).collect();
    sim.set_network(3, false);
    for i in [0, 1, 2, 4, 5] {
        sim.drop_socket(i);
    }
    let stored_before: BTreeMap<String, usize> = sim.relay.logs.iter().map(|(d, l)| (d.clone(), l.len())).collect();
    let snapshots_before = sim.relay.snapshots.clone();

    // Desk 4 is back: welcomed with the floors while its sealing under epoch 1 is in flight.
    sim.set_network(4, true);
    for _ in 0..3 {
        sim.now += 1_000;
        let effects = sim.devices[4].core.handle(SyncEvent::Tick, sim.now, 0.5);
        sim.effects(4, effects);
        sim.pump();
    }
    let online =
        matches!(sim.devices[4].core.status().connection, frontdesk_core::sync_client::Connection::Online { .. });
    assert!(online && sim.devices[4].core.crypto_in_flight() > 0, "welcomed, still sealing under epoch 1");
    sim.release_crypto(4, 0);
    let bea = sim.check_in(0, "Bea");
    sim.set_status(1, &bea, VisitStatus::Called);
    sim.set_network(2, true);
    sim.set_network(5, true);
    sim.settle();
    assert!(sim.kept(offline_sealed), "desk 5's change, sealed again under the keys it got offline,");
    assert_eq!(sim.pending(5), 0, "has reached the relay");
    assert_eq!(sim.relay.stale, 0, "no device sent anything sealed under the old keys");
    assert!(sim.pending(2) > 0, "desk 2's change waits for the new keys rather than go under the old");
    assert!(sim.devices[2].core.waiting_for_keys(), "and desk 2 says it waits for keys");
    assert!(!sim.devices[1].core.waiting_for_keys());
    assert_eq!(sim.devices[2].core.crypto_in_flight(), 0, "and is not sealed over and over meanwhile");
    assert!(sim.kept(offline_too), "desk 4's change, sealed again under the keys it got offline,");
    assert_eq!(sim.pending(4), 0, "has reached the relay");
    give(&mut sim, 2);
    sim.settle();
    assert!(sim.kept(offline), "the change made offline during the rotation was saved");
    assert!(!sim.devices[2].core.waiting_for_keys());
    assert_eq!(sim.pending(2), 0, "and has reached the relay");
    assert_eq!(sim.relay.stale, 0);
    for i in [0, 1, 2, 4, 5] {
        let names = sim.names(i);
        assert!(names.contains(&("Bea".into(), VisitStatus::Called)) || i == 0, "device {i}: {names:?}");
    }
    assert_eq!(sim.devices[2].core.heads(DAY), sim.devices[1].core.heads(DAY));
    assert_eq!(sim.devices[4].core.heads(DAY), sim.devices[1].core.heads(DAY));
    assert_eq!(sim.devices[5].core.heads(DAY), sim.devices[1].core.heads(DAY));

    // What the lost tablet held opens nothing stored after its revocation.
    let mut after = 0;
    for (doc, log) in &sim.relay.logs {
        for (_, bytes) in log.iter().skip(stored_before.get(doc).copied().unwrap_or(0)).filter(|(_, b)| !b.is_empty()) {
            after += 1;
            let under = sealed::scope_epoch(bytes).expect("stored sealed");
            assert!(under.1 >= 2 || !rotated.contains(&under.0), "{doc} stored under {under:?}");
            assert!(lost.open(doc, bytes).is_err(), "the revoked tablet opens a chunk of {doc} stored after");
        }
    }
    let snapshots = sim.relay.snapshots.iter().map(|(d, (c, b))| (d, *c, b));
    let proposals = sim.relay.proposals.iter().map(|(d, (c, b, _))| (d, *c, b));
    for (doc, covers, bytes) in snapshots.chain(proposals) {
        if snapshots_before.get(doc).is_some_and(|(c, _)| *c == covers) {
            continue;
        }
        after += 1;
        let under = sealed::scope_epoch(bytes).expect("stored sealed");
        assert!(under.1 >= 2 || !rotated.contains(&under.0), "{doc} snapshot stored under {under:?}");
        assert!(lost.open(doc, bytes).is_err(), "the revoked tablet opens a snapshot of {doc} stored after");
    }
    assert!(after >= 2, "the check-in, the status and the offline change were stored after ({after})");
}

/// Issue 19: sealed bytes served where they do not belong — a relay handing a desk a snapshot as
/// a chunk, or a chunk as a snapshot (or a snapshot of other coverage). They open, but are not
/// what their place in the log says: the chunk is skipped, the snapshot not applied.
#[test]
fn sealed_bytes_served_in_the_wrong_place_are_not_applied() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(1));
    let heads_before = sim.devices[2].core.heads(DAY);
    let day = sim.devices[1].core.save_bytes(DAY);
    let seal = |sim: &mut Sim, what| {
        keys_for(Role::Staff).seal(DAY, what, 1, "d1", &day, &mut sim_random(&mut sim.random)).expect("sealed")
    };
    let as_chunk = seal(&mut sim, Sealable::Snapshot { covers_seq: 2 });
    let wrong_cover = seal(&mut sim, Sealable::Snapshot { covers_seq: 9 });
    let chunk = seal(&mut sim, Sealable::Chunk);
    let frames = [
        ServerMsg::Chunk {
            doc: DAY.into(),
            seq: 2,
            author: author_of(1, DAY, None, &as_chunk),
            bytes: as_chunk,
            at_ms: 1,
        },
        ServerMsg::Snapshot {
            doc: DAY.into(),
            covers_seq: 5,
            author: author_of(1, DAY, Some(5), &wrong_cover),
            bytes: wrong_cover,
        },
        ServerMsg::Snapshot {
            doc: DAY.into(),
            covers_seq: 5,
            author: author_of(1, DAY, Some(5), &chunk),
            bytes: chunk,
        },
    ];
    for frame in frames {
        sim.devices[2].inbound.push_back(frame.encode());
    }
    sim.pump();
    let skipped = sim.warnings.iter().filter(|w| w.contains("chunk for day/") && w.contains("skipped")).count();
    let refused = sim.warnings.iter().filter(|w| w.contains("snapshot of day/") && w.contains("not applied")).count();
    assert_eq!((skipped, refused), (1, 2), "{:?}", sim.warnings);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(2), "the misplaced chunk is skipped, no snapshot moved it");
    assert_eq!(sim.devices[2].core.heads(DAY), heads_before, "nothing of them applied");
}

/// Issue 19: the keyring (which devices a manager's tablet seals keys to) takes nothing in the
/// clear: a relay's forged record could point a manager's tablet at a key of its own.
#[test]
fn the_keyring_takes_nothing_in_the_clear() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let follow = sim.devices[2].core.follow(vec![frontdesk_core::doc_name::KEYRING.to_owned()], Vec::new());
    sim.effects(2, follow);
    sim.pump();
    let mut forged = automerge::AutoCommit::new().with_actor(actor_of(1, 0xF0));
    automerge::transaction::Transactable::put(&mut forged, automerge::ROOT, "vouched/recovery", vec![6u8; 32]).unwrap();
    let bytes = forged.save();
    let author = author_of(1, "keyring", None, &bytes);
    let frame = ServerMsg::Chunk { doc: "keyring".into(), seq: 1, bytes, at_ms: 1, author };
    sim.devices[2].inbound.push_back(frame.encode());
    sim.pump();
    let keyring =
        sim.devices[2].core.doc("keyring").map_or(0, |d| automerge::ReadDoc::keys(d, automerge::ROOT).count());
    assert_eq!(keyring, 0, "the forged record was applied: {:?}", sim.warnings);
    assert!(sim.warnings.iter().any(|w| w.contains("keyring") && w.contains("skipped")), "{:?}", sim.warnings);
}

/// What a relay that cannot seal could slip in: a change in the clear to the day, on top of what
/// device `from` holds of it, adding the root key `forged`, served to device `to` as the chunk
/// `ahead` places past the relay's log (then delivered).
fn slip_in_the_clear(sim: &mut Sim, from: usize, to: usize, ahead: u64) {
    use automerge::transaction::Transactable;
    let mut forged =
        automerge::AutoCommit::load(&sim.devices[from].core.save_bytes(DAY)).unwrap().with_actor(actor_of(from, 0xF1));
    let heads = forged.get_heads();
    forged.put(automerge::ROOT, "forged", "by the relay").unwrap();
    let seq = sim.relay.logs[DAY].len() as u64 + ahead;
    let bytes = forged.save_after(&heads);
    // Signed as `from` (a relay cannot sign as a device; this gives it the most it could have).
    let author = author_of(from, DAY, None, &bytes);
    sim.devices[to].inbound.push_back(ServerMsg::Chunk { doc: DAY.into(), seq, bytes, at_ms: 1, author }.encode());
    sim.pump();
}

/// Whether `device`'s copy of `doc` holds the relay's forged key.
fn holds_forged(sim: &mut Sim, device: usize, doc: &str) -> bool {
    let doc = sim.devices[device].core.doc(doc);
    doc.is_some_and(|d| automerge::ReadDoc::get(d, automerge::ROOT, "forged").unwrap().is_some())
}

/// Issue 19: once a document has held sealed bytes, a change in the clear is a relay's forgery
/// (an honest relay takes nothing in the clear once the scope seals, and serves what it stored
/// before first). Refused by a desk that opened sealed bytes of it, by the desk that sealed
/// them, and — the mark kept with the document — after a restart. (Honest sealed changes keep
/// flowing: the convergence property runs with every document sealed.)
#[test]
fn a_relay_cannot_slip_a_change_in_the_clear_into_a_sealed_document() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.settle();
    for desk in [1, 2] {
        slip_in_the_clear(&mut sim, desk, desk, 1);
        assert!(!holds_forged(&mut sim, desk, DAY), "desk {desk} applied the forged change: {:?}", sim.warnings);
    }
    let skipped = sim.warnings.iter().filter(|w| w.contains("chunk for day/") && w.contains("skipped")).count();
    assert_eq!(skipped, 2, "{:?}", sim.warnings);
    // Started again from its storage, the desk still knows the document is sealed.
    sim.crash(2);
    sim.settle();
    slip_in_the_clear(&mut sim, 2, 2, 2);
    assert!(!holds_forged(&mut sim, 2, DAY), "applied after a restart: {:?}", sim.warnings);
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)], "what it held stays");
}

/// Issue 19: the same when the change in the clear arrives right behind the document's first
/// sealed bytes, while those are still being opened: it is judged when its turn comes.
#[test]
fn a_change_in_the_clear_right_behind_the_first_sealed_bytes_is_refused_too() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.settle();
    sim.devices[2].crypto_held = true;
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.pump();
    assert_eq!(sim.devices[2].core.cursor(DAY).unwrap_or(0), 0, "the sealed chunk is still being opened");
    slip_in_the_clear(&mut sim, 1, 2, 1);
    sim.release_crypto(2, 0);
    sim.settle();
    assert!(!holds_forged(&mut sim, 2, DAY), "applied behind the sealed chunk: {:?}", sim.warnings);
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
}

/// Issue 19 (found by review): a chunk stored in the clear just before the business sealed, still
/// on its way to a desk when the relay acknowledges that desk's own first sealed chunk, is no
/// forgery — it comes before the sealed chunk in the document's order — and is applied. (Marking
/// the whole document sealed at that moment refused it, and the desk never had that change.)
#[test]
fn a_chunk_stored_in_the_clear_before_the_first_sealed_one_is_applied_whenever_it_arrives() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.settle();
    // Desk 2 gets its keys; frames to it are held back.
    sim.devices[2].keys = keys_for(Role::Staff);
    sim.devices[2].keys.set_signing(signing_secret(2));
    let held = sim.devices[2].keys.held();
    let effects = sim.devices[2].core.keys_added(held);
    sim.effects(2, effects);
    sim.devices[2].held = true;
    // Desk 1, without keys yet, writes in the clear; then desk 2 writes, sealed, after it.
    sim.set_status(1, &ana, VisitStatus::Done);
    let note = sim.change_day(2, |doc| {
        automerge::transaction::Transactable::put(doc, automerge::ROOT, "note/sealed", "after")
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    sim.pump();
    let log = &sim.relay.logs[DAY];
    let (clear, mine) = (&log[log.len() - 2].1, &log[log.len() - 1].1);
    assert!(!sealed::is_sealed(clear) && sealed::is_sealed(mine), "the clear chunk, then desk 2's sealed one");
    // Desk 2 hears its Ack before the chunk in the clear stored ahead of it.
    sim.release(2, 1);
    sim.settle();
    assert!(sim.kept(note));
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Done)], "the change in the clear: {:?}", sim.warnings);
    // A change in the clear after desk 2's sealed chunk is refused.
    slip_in_the_clear(&mut sim, 2, 2, 1);
    assert!(!holds_forged(&mut sim, 2, DAY));
}

/// Issue 19: a chunk sealed under an epoch nobody holds is skipped like a damaged one — were it a
/// gap, one chunk from any enrolled device would hold back every device's cursor for good.
#[test]
fn a_chunk_under_a_made_up_epoch_is_skipped_not_waited_for() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.add_hostile();
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.attack(8, 0);
    sim.set_status(1, &ana, VisitStatus::Done);
    sim.settle();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Done)]);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(sim.relay.logs[DAY].len() as u64), "the cursor went past it");
    assert!(sim.warnings.iter().any(|w| w.contains("skipped") && w.contains("epoch 999")), "{:?}", sim.warnings);
}

/// Issue 19: a key this device holds for an epoch the relay has not numbered (planted in its
/// envelopes ahead of a rotation, by a manager since revoked) is never sealed with: the relay
/// would refuse the bytes, and no other device would get that key from a manager.
#[test]
fn a_key_for_an_epoch_nobody_numbered_is_not_sealed_with() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    let planted = KeyRef { scope: Scope::Staff, epoch: 2 };
    sim.devices[1].keys.add_secret(planted, [0x5a; 32]);
    let effects = sim.devices[1].core.keys_added(vec![planted]);
    sim.effects(1, effects);
    sim.set_status(1, &ana, VisitStatus::Called);
    sim.settle();
    let log = &sim.relay.logs[DAY];
    let epochs: Vec<_> = log.iter().filter_map(|(_, bytes)| sealed::scope_epoch(bytes)).collect();
    assert_eq!(epochs, vec![(Scope::Staff, 1)], "sealed under the numbered epoch only");
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
    // Started again offline, the device does not know the epochs yet and seals its change under
    // the planted key; the Welcome takes it back and it goes out under the numbered epoch.
    sim.set_network(1, false);
    sim.crash(1);
    sim.settle();
    sim.set_status(1, &ana, VisitStatus::Done);
    sim.settle();
    sim.set_network(1, true);
    sim.settle();
    let log = &sim.relay.logs[DAY];
    let epochs: Vec<_> = log.iter().filter_map(|(_, bytes)| sealed::scope_epoch(bytes)).collect();
    assert_eq!(epochs, vec![(Scope::Staff, 1), (Scope::Staff, 1)], "taken back at the Welcome");
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Done)]);
}

/// Issue 19: the platform failing to open (WebCrypto refusing, not the bytes) skips nothing:
/// the document is asked for again on the next connection; and a snapshot it could not open
/// gets no verdict.
#[test]
fn a_platform_failure_to_open_leaves_a_gap_filled_on_the_next_connection() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.devices[2].crypto_failing = 1;
    sim.set_status(1, &ana, VisitStatus::Called);
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Waiting)]);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(0), "not skipped");
    assert!(sim.warnings.iter().any(|w| w.contains("asked again later")), "{:?}", sim.warnings);
    sim.drop_socket(2);
    sim.settle();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(1));
}

/// Issue 19: the key arrived while a chunk was being opened without it — the "no key" answer
/// comes after `keys_added`, and the document is asked for again at once, not at the next
/// connection.
#[test]
fn a_missing_key_answered_after_the_key_arrived_asks_again_at_once() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.devices[2].keys = keys_without_staff();
    sim.devices[2].keys.set_signing(signing_secret(2));
    sim.crash(2);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.devices[2].crypto_held = true;
    sim.set_status(1, &ana, VisitStatus::Called);
    // Its signature is checked first; then it waits to be opened.
    let verify: Vec<_> = sim.devices[2].crypto.drain(..).collect();
    assert!(matches!(verify[..], [(_, CryptoOp::Verify { .. })]), "{verify:?}");
    for (id, op) in verify {
        let result = sim.devices[2].keys.run(&op, &mut |_| {});
        let effects = sim.devices[2].core.crypto_done(id, result);
        sim.effects(2, effects);
    }
    let waiting: Vec<_> = sim.devices[2].crypto.drain(..).collect();
    assert_eq!(waiting.len(), 1, "the status chunk waits to be opened");
    sim.devices[2].crypto_held = false;
    sim.devices[2].keys = keys_for(Role::Staff);
    sim.devices[2].keys.set_signing(signing_secret(2));
    let effects = sim.devices[2].core.keys_added(vec![KeyRef { scope: Scope::Staff, epoch: 1 }]);
    sim.effects(2, effects);
    for (id, op) in waiting {
        let effects =
            sim.devices[2].core.crypto_done(id, Err(frontdesk_core::crypto::CryptoError::NoKey(op.key().unwrap())));
        sim.effects(2, effects);
    }
    sim.pump();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(1));
}

/// Issue 19: a change queued in the clear before the device had keys (offline) is sealed
/// before it is sent, once the keys arrive.
#[test]
fn a_change_queued_before_the_keys_arrived_goes_out_sealed() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_network(1, false);
    sim.set_status(1, &ana, VisitStatus::Called);
    assert_eq!(sim.pending(1), 1);
    sim.devices[1].keys = keys_for(Role::Staff);
    sim.devices[1].keys.set_signing(signing_secret(1));
    sim.devices[2].keys = keys_for(Role::Staff);
    sim.devices[2].keys.set_signing(signing_secret(2));
    for d in [1, 2] {
        let effects = sim.devices[d].core.keys_added(keys_for(Role::Staff).held());
        sim.effects(d, effects);
    }
    sim.set_network(1, true);
    sim.settle();
    let log = &sim.relay.logs[DAY];
    assert_eq!(log.len(), 1);
    assert!(sealed::is_sealed(&log[0].1), "sent in the clear");
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
}

/// Issue 19: WebCrypto answers when it answers. A desk's received chunks are applied in the
/// order they arrived whatever order they open in, and its own changes reach the relay in the
/// order they were made even when sealed out of order.
#[test]
fn crypto_answered_out_of_order_keeps_every_document_in_order() {
    let mut sim = Sim::encrypted(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.devices[1].crypto_held = true;
    sim.devices[2].crypto_held = true;
    for status in [VisitStatus::Called, VisitStatus::Waiting, VisitStatus::Done] {
        sim.set_status(1, &ana, status);
    }
    assert_eq!(sim.relay.logs.get(DAY).map_or(0, Vec::len), 0, "nothing sent before it is sealed");
    assert_eq!(sim.devices[1].crypto.len(), 3);
    sim.release_crypto(1, 1);
    // Sealed last-first, sent first-first: each chunk's heads follow the one before.
    let log = sim.relay.logs[DAY].clone();
    assert_eq!(log.len(), 3);
    let ids: Vec<u64> = log.iter().map(|(id, _)| u64::from_be_bytes(id.0[8..].try_into().unwrap())).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "pushed out of order: {ids:?}");
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Waiting)], "desk 2 still opening");
    sim.release_crypto(2, 1);
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Done)]);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(3));
    assert!(sim.warnings.is_empty(), "{:?}", sim.warnings);
}

#[test]
fn a_lost_acknowledgement_is_recovered_on_reconnect_without_a_duplicate() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff]);
    sim.settle();
    sim.relay.lose_next_ack.insert(0);
    sim.check_in(0, "Ana");
    assert_eq!(sim.pending(0), 1, "no Ack arrived, so the check-in stays in the outbox");
    sim.drop_socket(0);
    sim.settle();
    assert_eq!(sim.pending(0), 0, "the resend was acknowledged");
    assert_eq!(sim.relay.logs[&format!("{INBOX_PREFIX}d0")].len(), 1, "the relay kept one copy");
    assert_eq!(sim.names(1).len(), 1);
}

#[test]
fn an_undo_made_offline_wins_over_nothing_and_reaches_everyone() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_network(1, false);
    let no_show = sim.set_status(1, &ana, VisitStatus::NoShow);
    let undo = StatusEvent::undo(EventId::from_random(sim.id()), &no_show, sim.now + 1, "d1");
    sim.record(1, &undo);
    sim.set_network(1, true);
    sim.settle();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Waiting)]);
}

#[test]
fn a_kiosk_that_crashes_before_its_outbox_save_still_delivers_the_ticket_it_showed() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff]);
    sim.settle();
    sim.set_network(0, false);
    sim.devices[0].disk_held = true;
    sim.check_in(0, "Ana");
    assert!(sim.devices[0].disk.outbox.is_empty(), "the durable save has not happened yet");
    assert_eq!(sim.devices[0].disk.ahead.len(), 1, "but the check-in was written ahead");
    sim.crash(0);
    sim.set_network(0, true);
    sim.settle();
    assert_eq!(sim.names(1), vec![("Ana".into(), VisitStatus::Waiting)]);
    assert!(sim.devices[0].disk.ahead.is_empty() && sim.devices[0].disk.outbox.is_empty(), "the kiosk keeps nothing");
}

#[test]
fn a_desk_that_crashes_offline_sends_its_saved_changes_when_it_starts_again() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_network(1, false);
    sim.set_status(1, &ana, VisitStatus::Called);
    assert_eq!(sim.devices[1].disk.outbox.len(), 1);
    sim.crash(1);
    assert_eq!(sim.names(1), vec![("Ana".into(), VisitStatus::Called)], "the restarted desk shows its change");
    sim.set_network(1, true);
    sim.settle();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Called)]);
    assert_eq!(sim.pending(1), 0);
}

#[test]
fn a_change_made_with_storage_full_is_kept_in_the_outbox_and_survives_a_crash() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_network(1, false);
    sim.devices[1].disk.full = true;
    let made = sim
        .change_day(1, |d| StatusEvent::set(EventId::from_random([7; 16]), &ana, VisitStatus::Done, 5, "d1").record(d));
    assert!(sim.kept(made));
    assert_eq!(sim.devices[1].core.problem(), Some(&StorageError::Full), "the user is told");
    assert_eq!(sim.devices[1].disk.outbox.len(), 1, "the chunk alone was kept");
    sim.crash(1);
    assert_eq!(sim.names(1), vec![("Ana".into(), VisitStatus::Done)], "rebuilt from the outbox");
    sim.devices[1].disk.full = false;
    sim.set_network(1, true);
    sim.settle();
    assert_eq!(sim.names(2), vec![("Ana".into(), VisitStatus::Done)]);
}

#[test]
fn when_even_the_outbox_cannot_be_saved_the_change_is_written_ahead_and_still_sent() {
    let (mut core, _) = DeviceCore::start(Start {
        device: "d".into(),
        signer: signer(0),
        seed: [1; 16],
        docs: Vec::new(),
        outbox: Vec::new(),
        written_ahead: Vec::new(),
        follow: vec![DAY.to_owned()],
        watch: Vec::new(),
        keys: Vec::new(),
    });
    let ((), effects) = core
        .change(DAY, |d| StatusEvent::set(EventId::from_random([7; 16]), "v", VisitStatus::Done, 5, "d").record(d), 1.0)
        .unwrap();
    let [DeviceEffect::Save { id, writes }] = &effects[..] else { panic!("one save: {effects:?}") };
    assert_eq!(writes.len(), 2, "the document and its outbox entry, together");
    let retry = core.saved(*id, Err(StorageError::Full));
    let [DeviceEffect::Save { id: again, writes }] = &retry[..] else { panic!("the outbox alone: {retry:?}") };
    assert!(matches!(writes[..], [Write::OutboxPut(_)]));
    let last = core.saved(*again, Err(StorageError::Full));
    let ahead: Vec<ChunkId> =
        last.iter().filter_map(|e| if let DeviceEffect::WriteAhead(c) = e { Some(c.id) } else { None }).collect();
    assert_eq!(ahead.len(), 1, "{last:?}");
    assert!(last.contains(&DeviceEffect::Problem(Some(StorageError::Full))));
    assert!(last.contains(&DeviceEffect::Changed), "shown");
    assert_eq!(core.pending(), 1, "and queued for the relay");
    assert_eq!(core.write_ahead_failed(ahead[0]), vec![DeviceEffect::Problem(Some(StorageError::NotKept))]);
}

#[test]
fn reconnect_backoff_grows_then_resets_after_a_welcome() {
    let mut client = SyncClient::new("t".into(), Vec::new(), Vec::new());
    assert_eq!(client.handle(SyncEvent::Tick, 0, 0.0), vec![Effect::Open, Effect::Status]);
    let mut retry_times = Vec::new();
    let mut now = 0;
    for _ in 0..6 {
        client.handle(SyncEvent::Closed { code: 1006, reason: String::new() }, now, 0.0);
        let Connection::Offline { retry_at_ms } = client.status().connection else { panic!("offline") };
        retry_times.push(retry_at_ms - now);
        now = retry_at_ms;
        assert!(client.handle(SyncEvent::Tick, now, 0.0).contains(&Effect::Open));
    }
    assert_eq!(retry_times, vec![500, 1000, 2000, 4000, 5000, 5000]);
    client.handle(SyncEvent::Opened, now, 0.0);
    let welcome =
        ServerMsg::Welcome { device: "d".into(), name: "n".into(), role: Role::Staff, epochs: vec![], floors: vec![] }
            .encode();
    client.handle(SyncEvent::Frame(welcome), now, 0.0);
    client.handle(SyncEvent::Closed { code: 1006, reason: String::new() }, now, 0.0);
    let Connection::Offline { retry_at_ms } = client.status().connection else { panic!("offline") };
    assert_eq!(retry_at_ms - now, 500);
}

#[test]
fn an_unknown_device_stops_the_retries_and_says_why() {
    let mut client = SyncClient::new("bad".into(), Vec::new(), Vec::new());
    client.handle(SyncEvent::Tick, 0, 0.0);
    client.handle(SyncEvent::Closed { code: close::UNAUTHORIZED, reason: "unknown device".into() }, 10, 0.0);
    assert_eq!(
        client.status().connection,
        Connection::Refused { why: Refusal::NotEnrolled, reason: "unknown device".into() }
    );
    assert!(client.handle(SyncEvent::Tick, 1_000_000, 0.0).is_empty());
    let mut revoked = SyncClient::new("d1".into(), Vec::new(), Vec::new());
    revoked.handle(SyncEvent::Tick, 0, 0.0);
    revoked.handle(SyncEvent::Closed { code: close::REVOKED, reason: "revoked".into() }, 10, 0.0);
    assert!(matches!(revoked.status().connection, Connection::Refused { why: Refusal::Revoked, .. }));
    assert!(revoked.handle(SyncEvent::Tick, 1_000_000, 0.0).is_empty(), "a revoked device does not retry");
}

#[test]
fn a_challenge_is_signed_once_and_only_for_the_socket_that_asked() {
    let mut client = SyncClient::new("d7".into(), Vec::new(), Vec::new());
    client.handle(SyncEvent::Tick, 0, 0.0);
    assert!(client.handle(SyncEvent::Opened, 0, 0.0).is_empty(), "the relay speaks first");
    let asked = feed(&mut client, ServerMsg::Challenge { nonce: [3; 32] }.encode());
    assert_eq!(asked, vec![Effect::Prove { nonce: [3; 32], message: hello_proof("d7", &[3; 32]) }]);
    // A signature for another challenge (an earlier socket's) is not sent.
    assert!(client.proved([4; 32], vec![1; 64]).is_empty());
    let hello = ClientMsg::Hello {
        device: "d7".into(),
        protocol: frontdesk_protocol::PROTOCOL_VERSION,
        signature: vec![2; 64],
    };
    assert_eq!(client.proved([3; 32], vec![2; 64]), vec![Effect::Send(hello.encode())]);
    assert!(client.proved([3; 32], vec![2; 64]).is_empty(), "once");
    // The socket closed while the signature was being made: it is dropped.
    client.handle(SyncEvent::Closed { code: 1006, reason: "gone".into() }, 10, 0.0);
    client.handle(SyncEvent::Tick, 100_000, 0.0);
    client.handle(SyncEvent::Opened, 100_000, 0.0);
    feed(&mut client, ServerMsg::Challenge { nonce: [5; 32] }.encode());
    client.handle(SyncEvent::Closed { code: 1006, reason: "gone".into() }, 100_010, 0.0);
    assert!(client.proved([5; 32], vec![3; 64]).is_empty());
    // Once welcomed, a stray challenge asks for nothing.
    client.handle(SyncEvent::Tick, 200_000, 0.0);
    client.handle(SyncEvent::Opened, 200_000, 0.0);
    feed(
        &mut client,
        ServerMsg::Welcome { device: "d7".into(), name: "n".into(), role: Role::Staff, epochs: vec![], floors: vec![] }
            .encode(),
    );
    assert!(feed(&mut client, ServerMsg::Challenge { nonce: [6; 32] }.encode()).is_empty());
    // A relay of another protocol version is a refusal, not a reason to retry for ever.
    let mut newer = SyncClient::new("d7".into(), Vec::new(), Vec::new());
    newer.handle(SyncEvent::Tick, 0, 0.0);
    newer.handle(SyncEvent::Opened, 0, 0.0);
    let mut frame = ServerMsg::Challenge { nonce: [1; 32] }.encode();
    frame[0] += 1;
    feed(&mut newer, frame);
    assert!(matches!(newer.status().connection, Connection::Refused { why: Refusal::OtherVersion, .. }));
}

#[test]
fn a_refused_change_is_kept_and_named_until_the_relay_welcomes_the_device_again() {
    let (mut client, _) = welcomed(SyncClient::new("t".into(), Vec::new(), Vec::new()), Role::Staff);
    client.push(ChunkId([3; 16]), DAY, vec![3]);
    let quota = ServerMsg::Error { code: ErrorCode::QuotaExceeded, doc: Some(DAY.into()), message: "documents".into() };
    let effects = client.handle(SyncEvent::Frame(quota.encode()), 0, 0.0);
    assert!(!effects.contains(&Effect::Close), "a limit is not retried on a new socket: {effects:?}");
    let status = client.status();
    assert_eq!(status.pending, 1, "the refused change stays in the outbox");
    let problem = status.problem.expect("the refusal is shown");
    assert!(problem.holds_changes());
    assert!(matches!(problem, Problem::Refused { code: ErrorCode::QuotaExceeded, .. }));
    // A busy relay is retried on a new connection and holds nothing back for good.
    let busy = ServerMsg::Error { code: ErrorCode::RateLimited, doc: None, message: "slow down".into() };
    let effects = client.handle(SyncEvent::Frame(busy.encode()), 0, 0.0);
    assert!(effects.contains(&Effect::Close));
    assert!(!client.status().problem.expect("shown").holds_changes());
    // Welcomed again: the change is sent again and the old refusal is no longer shown.
    client.handle(SyncEvent::Closed { code: 1006, reason: String::new() }, 0, 0.0);
    let (mut client, effects) = welcomed(client, Role::Staff);
    assert_eq!(client.status().problem, None);
    assert!(effects.iter().any(|e| matches!(e, Effect::Send(f)
        if matches!(ClientMsg::decode(f), Ok(ClientMsg::Push { chunk_id, .. }) if chunk_id == ChunkId([3; 16])))));
    // A refusal of the signature itself: the chunk is signed again before it is sent again (a
    // signature the relay refused is never sent twice).
    let bad = ServerMsg::Error { code: ErrorCode::BadSignature, doc: Some(DAY.into()), message: "no".into() };
    assert!(client.handle(SyncEvent::Frame(bad.encode()), 0, 0.0).contains(&Effect::Close));
    assert_eq!(client.unsigned().count(), 1, "to be signed again");
    client.handle(SyncEvent::Closed { code: 1006, reason: String::new() }, 0, 0.0);
    let (client, effects) = welcomed(client, Role::Staff);
    assert!(effects.iter().any(|e| matches!(e, Effect::Send(f)
        if matches!(ClientMsg::decode(f), Ok(ClientMsg::Push { signature, .. }) if signature == TEST_SIGNATURE))));
    assert_eq!(client.unsigned().count(), 0);
    // An app older than the relay is told apart from a revoked device.
    let mut old = SyncClient::new("t".into(), Vec::new(), Vec::new());
    old.handle(SyncEvent::Tick, 0, 0.0);
    old.handle(SyncEvent::Closed { code: close::UNSUPPORTED_PROTOCOL, reason: "protocol 1".into() }, 10, 0.0);
    assert!(matches!(old.status().connection, Connection::Refused { why: Refusal::OtherVersion, .. }));
}

#[test]
fn on_reconnect_the_client_resubscribes_after_its_cursor_and_resends_its_outbox() {
    let client =
        SyncClient::new("t".into(), vec![(DAY.to_owned(), 7)], vec![(ChunkId([1; 16]), DAY.to_owned(), vec![42])]);
    let (mut client, effects) = welcomed(client, Role::Staff);
    let sent: Vec<ClientMsg> = effects
        .into_iter()
        .filter_map(|e| if let Effect::Send(f) = e { ClientMsg::decode(&f).ok() } else { None })
        .collect();
    assert!(sent.contains(&ClientMsg::Subscribe { doc: DAY.into(), after_seq: 7 }));
    assert!(sent.contains(&ClientMsg::Push {
        doc: DAY.into(),
        chunk_id: ChunkId([1; 16]),
        bytes: vec![42],
        heads: vec![], // not a chunk of changes: it declares nothing
        signature: TEST_SIGNATURE.to_vec(),
    }));
    // A chunk at or before the cursor is not applied again.
    let old =
        ServerMsg::Chunk { doc: DAY.into(), seq: 7, bytes: vec![1], at_ms: 0, author: Author::default() }.encode();
    assert!(client.handle(SyncEvent::Frame(old), 0, 0.0).is_empty());
}

#[test]
fn unacknowledged_chunks_of_a_document_stay_listed_until_the_relay_has_them() {
    let stored = vec![(ChunkId([1; 16]), DAY.to_owned(), vec![1]), (ChunkId([2; 16]), "other".to_owned(), vec![2])];
    let (mut client, _) = welcomed(SyncClient::new("t".into(), Vec::new(), stored), Role::Staff);
    client.push(ChunkId([3; 16]), DAY, vec![3]);
    assert_eq!(client.unacknowledged(DAY).collect::<Vec<_>>(), vec![&[1u8][..], &[3u8][..]]);
    let ack = ServerMsg::Ack { doc: DAY.into(), chunk_id: ChunkId([1; 16]), seq: 1 }.encode();
    client.handle(SyncEvent::Frame(ack), 0, 0.0);
    assert_eq!(client.unacknowledged(DAY).collect::<Vec<_>>(), vec![&[3u8][..]]);
    assert_eq!(client.unacknowledged("other").count(), 1);
}

/// A frame handed to a bare sync client, with every apply it asks for reported done (as the
/// device core does once the bytes are in the document).
/// The simulated relay's challenge for connection `from`.
/// Device `i`'s Ed25519 secret (the hostile device's too).
fn signing_secret(i: usize) -> [u8; 32] {
    [0x70 + i as u8; 32]
}

/// Device `i`'s public key, as the relay registered it.
fn signer(i: usize) -> [u8; 32] {
    Keys::default().set_signing(signing_secret(i))
}

/// The random bytes device `i`'s run `run` starts from (its Automerge actor is made from them).
fn seed(i: usize, run: u8) -> [u8; 16] {
    [i as u8 + 100, run, 1, 2, 3, 4, 5, 6, i as u8, run, 9, 10, 11, 12, 13, 14]
}

/// Device `i`'s signature of `bytes` served as a chunk of `doc` (`covers: None`) or as a
/// snapshot covering `covers`: what an honest relay serves with what `i` sent.
fn author_of(i: usize, doc: &str, covers: Option<u64>, bytes: &[u8]) -> Author {
    match sign_as(
        i,
        ClientMsg::Push {
            doc: doc.into(),
            chunk_id: ChunkId([0; 16]),
            bytes: bytes.to_vec(),
            heads: vec![],
            signature: vec![],
        },
    ) {
        ClientMsg::Push { signature, .. } if covers.is_none() => Author { key: signer(i).to_vec(), signature },
        _ => match sign_as(
            i,
            ClientMsg::Snapshot {
                doc: doc.into(),
                covers_seq: covers.unwrap_or(0),
                bytes: bytes.to_vec(),
                signature: vec![],
            },
        ) {
            ClientMsg::Snapshot { signature, .. } => Author { key: signer(i).to_vec(), signature },
            _ => unreachable!("a snapshot stays a snapshot"),
        },
    }
}

/// An actor of device `i` (bound to its key), for changes made on its behalf in a test.
fn actor_of(i: usize, random: u8) -> automerge::ActorId {
    automerge::ActorId::from(
        &frontdesk_core::authorship::actor(frontdesk_core::authorship::tag(&signer(i)), [random; 16])[..],
    )
}

/// `msg` signed as device `i` (a push or snapshot; anything else as it is).
fn sign_as(i: usize, msg: ClientMsg) -> ClientMsg {
    let mut keys = Keys::default();
    keys.set_signing(signing_secret(i));
    let sign = |message: Vec<u8>| keys.run(&CryptoOp::Sign { message }, &mut |_| {}).expect("signed");
    match msg {
        ClientMsg::Push { doc, chunk_id, bytes, heads, .. } => {
            let signature = sign(frontdesk_protocol::chunk_proof(&doc, &sha2::Sha256::digest(&bytes).into()));
            ClientMsg::Push { doc, chunk_id, bytes, heads, signature }
        }
        ClientMsg::Snapshot { doc, covers_seq, bytes, .. } => {
            let digest = sha2::Sha256::digest(&bytes).into();
            let signature = sign(frontdesk_protocol::snapshot_proof(&doc, covers_seq, &digest));
            ClientMsg::Snapshot { doc, covers_seq, bytes, signature }
        }
        ClientMsg::Rebase { doc, after_seq, bytes, .. } => {
            let digest = sha2::Sha256::digest(&bytes).into();
            let signature = sign(frontdesk_protocol::rebase_proof(&doc, after_seq + 1, &digest));
            ClientMsg::Rebase { doc, after_seq, bytes, signature }
        }
        other => other,
    }
}

fn nonce_for(from: usize) -> [u8; 32] {
    [from as u8; 32]
}

fn feed(client: &mut SyncClient, frame: Vec<u8>) -> Vec<Effect> {
    let mut effects = client.handle(SyncEvent::Frame(frame), 0, 0.0);
    let applies: Vec<_> = effects
        .iter()
        .filter_map(|e| if let Effect::Apply { doc, at, .. } = e { Some((doc.clone(), *at)) } else { None })
        .collect();
    for (doc, at) in applies {
        effects.extend(client.applied(&doc, at));
    }
    effects
}

#[test]
fn the_cursor_moves_only_once_the_bytes_are_applied() {
    let (mut client, _) = welcomed(SyncClient::new("t".into(), vec![(DAY.to_owned(), 0)], Vec::new()), Role::Staff);
    let snapshot =
        ServerMsg::Snapshot { doc: DAY.into(), covers_seq: 5, bytes: vec![5], author: Author::default() }.encode();
    let effects = client.handle(SyncEvent::Frame(snapshot.clone()), 0, 0.0);
    assert!(matches!(effects.as_slice(), [Effect::Apply { at: Position::Snapshot(5), .. }]), "{effects:?}");
    assert_eq!(client.cursor(DAY), Some(0), "a snapshot that did not load leaves the cursor where it was");
    assert_eq!(client.handle(SyncEvent::Frame(snapshot), 0, 0.0).len(), 1, "and is applied when it comes again");
    client.applied(DAY, Position::Snapshot(5));
    assert_eq!(client.cursor(DAY), Some(5));
}

/// A desk publishes the kiosk's day only once it holds what the relay had of it (#19): the
/// backlog said (`Synced`) and applied; a new connection asks again.
#[test]
fn a_document_is_caught_up_once_its_backlog_is_applied_on_this_connection() {
    let (mut client, _) = welcomed(SyncClient::new("t".into(), vec![(DAY.to_owned(), 0)], Vec::new()), Role::Staff);
    assert!(!client.caught_up(DAY), "nothing said yet");
    let chunk = |seq: u64| {
        ServerMsg::Chunk { doc: DAY.into(), seq, bytes: vec![seq as u8], at_ms: 0, author: Author::default() }.encode()
    };
    let effects = client.handle(SyncEvent::Frame(chunk(1)), 0, 0.0);
    assert!(!effects.is_empty());
    feed(&mut client, ServerMsg::Synced { doc: DAY.into(), head: 2 }.encode());
    assert!(!client.caught_up(DAY), "chunk 1 not applied yet, chunk 2 not here");
    client.applied(DAY, Position::Chunk(1));
    assert!(!client.caught_up(DAY));
    feed(&mut client, chunk(2));
    assert!(client.caught_up(DAY));
    assert!(!client.caught_up("day/2099-01-01"), "not followed");
    let (client, _) = welcomed(client, Role::Staff);
    assert!(!client.caught_up(DAY), "a new connection's backlog is not said yet");
}

#[test]
fn a_chunk_out_of_order_is_applied_at_once_and_the_cursor_waits_for_the_gap() {
    let (mut client, _) = welcomed(SyncClient::new("t".into(), vec![(DAY.to_owned(), 0)], Vec::new()), Role::Staff);
    let chunk = |client: &mut SyncClient, seq: u64| {
        let frame =
            ServerMsg::Chunk { doc: DAY.into(), seq, bytes: vec![seq as u8], at_ms: 0, author: Author::default() }
                .encode();
        feed(client, frame).into_iter().filter(|e| matches!(e, Effect::Apply { .. })).count()
    };
    assert_eq!(chunk(&mut client, 1), 1);
    assert_eq!(chunk(&mut client, 3), 1, "applied although 2 is missing");
    assert_eq!(chunk(&mut client, 3), 0, "a duplicate is not applied twice");
    assert_eq!(client.cursor(DAY), Some(1), "a reconnect asks again for what follows 1");
    assert_eq!(chunk(&mut client, 2), 1);
    assert_eq!(client.cursor(DAY), Some(3));
    // A snapshot covering up to 5 leaves 6, seen early, counted.
    let (mut client, _) = welcomed(SyncClient::new("t".into(), vec![(DAY.to_owned(), 0)], Vec::new()), Role::Staff);
    feed(
        &mut client,
        ServerMsg::Chunk { doc: DAY.into(), seq: 6, bytes: vec![6], at_ms: 0, author: Author::default() }.encode(),
    );
    feed(
        &mut client,
        ServerMsg::Snapshot { doc: DAY.into(), covers_seq: 5, bytes: vec![5], author: Author::default() }.encode(),
    );
    assert_eq!(client.cursor(DAY), Some(6));
}

#[test]
fn a_device_s_own_acknowledged_chunk_moves_its_cursor() {
    let (mut client, _) = welcomed(SyncClient::new("t".into(), vec![(DAY.to_owned(), 0)], Vec::new()), Role::Staff);
    client.push(ChunkId([1; 16]), DAY, vec![1]);
    let ack = ServerMsg::Ack { doc: DAY.into(), chunk_id: ChunkId([1; 16]), seq: 1 }.encode();
    client.handle(SyncEvent::Frame(ack), 0, 0.0);
    let remote =
        ServerMsg::Chunk { doc: DAY.into(), seq: 2, bytes: vec![2], at_ms: 0, author: Author::default() }.encode();
    feed(&mut client, remote);
    assert_eq!(client.cursor(DAY), Some(2), "no gap left where this device's own chunk is");
}

#[test]
fn a_staff_device_offers_a_snapshot_after_many_chunks_and_a_kiosk_never_does() {
    for (role, expect) in [(Role::Staff, true), (Role::Kiosk, false)] {
        let (mut client, _) = welcomed(SyncClient::new("t".into(), vec![(DAY.to_owned(), 0)], Vec::new()), role);
        let mut wanted = Vec::new();
        for seq in 1..=frontdesk_core::sync_client::SNAPSHOT_AFTER_CHUNKS {
            let chunk =
                ServerMsg::Chunk { doc: DAY.into(), seq, bytes: vec![], at_ms: 0, author: Author::default() }.encode();
            wanted.extend(feed(&mut client, chunk).into_iter().filter(|e| matches!(e, Effect::WantSnapshot { .. })));
        }
        let snapshot =
            Effect::WantSnapshot { doc: DAY.into(), covers_seq: frontdesk_core::sync_client::SNAPSHOT_AFTER_CHUNKS };
        assert_eq!(wanted, if expect { vec![snapshot] } else { vec![] }, "{role:?}");
    }
}

#[test]
fn an_unanswered_push_makes_the_client_reconnect_and_resend() {
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff]);
    sim.settle();
    sim.relay.lose_next_ack.insert(0);
    sim.check_in(0, "Ana");
    assert_eq!(sim.pending(0), 1);
    assert!(
        sim.devices[0].core.status().connection != Connection::Connecting && sim.devices[0].socket_open,
        "the socket looks fine"
    );
    sim.settle(); // 40 s pass: the client gives up on the silent socket and resends
    assert_eq!(sim.pending(0), 0);
    assert_eq!(sim.relay.logs[&format!("{INBOX_PREFIX}d0")].len(), 1);
}

#[test]
fn a_silent_link_is_pinged_then_closed() {
    let (mut client, _) = welcomed(SyncClient::new("t".into(), Vec::new(), Vec::new()), Role::Staff);
    assert_eq!(client.handle(SyncEvent::Tick, 16_000, 0.0), vec![Effect::Send(ClientMsg::Ping.encode())]);
    assert_eq!(client.handle(SyncEvent::Tick, 41_000, 0.0), vec![Effect::Close]);
}

mod random_schedules {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        CheckIn,
        Status(usize, usize, u8),
        /// A desk books a staff member (0..2) at one of four overlapping start times.
        Book(usize, usize, u32),
        /// A desk cancels one of the bookings it sees (as resolving a conflict does).
        Cancel(usize, usize),
        /// A desk decides both bookings of a conflict it sees stand.
        KeepBoth(usize, usize),
        /// A desk moves a booking it sees to another start time, maybe to the next day.
        Move(usize, usize, u32, bool),
        /// A desk issues an invoice of 10, 20 or 30 euros.
        Invoice(usize, i64),
        /// A desk takes a payment (or a refund) on an invoice it sees, of what is due, of part of
        /// it, or of a fixed amount: desks apart take the same bill twice.
        Pay(usize, usize, u8, bool),
        /// A device's network goes down (partition) or comes back.
        Network(usize, bool),
        /// A device's connection breaks: frames in flight to it are lost; it reconnects by itself.
        Blip(usize),
        /// The relay commits the device's next push but the Ack is lost.
        LoseAck(usize),
        /// Frames to a device are held back (delayed)...
        Hold(usize),
        /// ...then delivered in order, reversed, duplicated or interleaved.
        Release(usize, u8),
        /// A device's storage is slow: its saves wait...
        HoldDisk(usize),
        /// ...or it is full: a transaction that writes a document fails (or there is room again).
        DiskFull(usize, bool),
        /// The device crashes (tab killed, power lost) and starts again from its storage.
        Crash(usize),
        /// A device's crypto ops wait (WebCrypto is asynchronous)...
        HoldCrypto(usize),
        /// ...then are answered in order, reversed or interleaved.
        ReleaseCrypto(usize, u8),
        /// The hostile device attacks: forged, truncated or garbage snapshots, pushes where it
        /// may not write, replays of others' chunks, garbage chunks.
        Attack(u8, usize),
        /// Time passes and everything in flight is delivered.
        Settle,
        /// Some time passes (reconnect timers may fire).
        Tick,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::CheckIn),
            4 => (1usize..5, 0usize..8, 0u8..4).prop_map(|(d, v, s)| Op::Status(d, v, s)),
            3 => (1usize..5, 0usize..2, 0u32..4).prop_map(|(d, staff, slot)| Op::Book(d, staff, 540 + slot * 20)),
            1 => (1usize..5, 0usize..8).prop_map(|(d, b)| Op::Cancel(d, b)),
            1 => (1usize..5, 0usize..4).prop_map(|(d, c)| Op::KeepBoth(d, c)),
            2 => (1usize..5, 0usize..8, 0u32..4, any::<bool>()).prop_map(|(d, b, slot, next)| Op::Move(d, b, 540 + slot * 20, next)),
            1 => (1usize..5, 1i64..4).prop_map(|(d, euros)| Op::Invoice(d, euros * 1000)),
            2 => (1usize..5, 0usize..4, 0u8..3, any::<bool>()).prop_map(|(d, i, how, refund)| Op::Pay(d, i, how, refund)),
            2 => (0usize..5, any::<bool>()).prop_map(|(d, up)| Op::Network(d, up)),
            1 => (0usize..5).prop_map(Op::Blip),
            1 => (0usize..5).prop_map(Op::LoseAck),
            2 => (0usize..5).prop_map(Op::Hold),
            2 => (0usize..5, 0u8..4).prop_map(|(d, how)| Op::Release(d, how)),
            1 => (0usize..5).prop_map(Op::HoldDisk),
            1 => (0usize..5, any::<bool>()).prop_map(|(d, full)| Op::DiskFull(d, full)),
            2 => (0usize..5).prop_map(Op::Crash),
            1 => (0usize..5).prop_map(Op::HoldCrypto),
            1 => (0usize..5, 0u8..3).prop_map(|(d, how)| Op::ReleaseCrypto(d, how)),
            3 => (0u8..9, 0usize..8).prop_map(|(how, n)| Op::Attack(how, n)),
            1 => Just(Op::Settle),
            1 => Just(Op::Tick),
        ]
    }

    fn cases() -> u32 {
        std::env::var("FRONTDESK_SIM_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1000)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]
        /// A kiosk and two to four desks: three to five replicas.
        #[test]
        fn every_device_converges_after_any_schedule_of_edits_and_outages(
            ops in proptest::collection::vec(op(), 1..40),
            desks in 2usize..=4,
        ) {
            run_schedule(ops, desks)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases() / 2, ..ProptestConfig::default() })]
        /// The same with every document sealed on its way to the relay (issue 19): crypto
        /// results delayed, reordered and lost in crashes; a hostile device with valid keys
        /// seals garbage and forgeries, and moves sealed chunks between documents.
        #[test]
        fn an_encrypted_business_converges_after_any_schedule_of_edits_outages_and_slow_crypto(
            ops in proptest::collection::vec(op(), 1..40),
            desks in 2usize..=4,
        ) {
            run_schedule_in(ops, desks, true)?;
        }
    }

    /// The failures proptest found, kept as fixed schedules (its seeds replay other schedules
    /// once the generator changes).
    #[test]
    fn a_lost_ack_then_a_status_change_converges() {
        use Op::*;
        for desks in 2..=4 {
            run_schedule(vec![CheckIn, Settle, LoseAck(1), Settle, Status(1, 0, 0), CheckIn], desks).unwrap();
        }
    }

    /// Found by the soak (2026-12-05): a desk's proposal waits for its check, the hostile
    /// device proposes garbage of the same seq in its place, the checker's "sound" for the first
    /// arrived — and once proved the garbage. Verdicts now name the bytes they are about.
    #[test]
    fn a_verdict_on_a_replaced_proposal_proves_nothing() {
        use Op::*;
        let ops = vec![
            CheckIn,
            Cancel(1, 0),
            LoseAck(0),
            Status(1, 0, 0),
            Network(1, false),
            CheckIn,
            Hold(3),
            Network(2, false),
            Book(3, 0, 540),
            Status(3, 0, 0),
            Invoice(1, 1000),
            Attack(0, 3),
            Settle,
        ];
        run_schedule(ops, 4).unwrap();
    }

    #[test]
    fn encrypted_check_ins_reach_the_desks() {
        use Op::*;
        run_schedule_in(vec![CheckIn, CheckIn, CheckIn], 2, true).unwrap();
    }

    /// The op with its device numbers folded onto the devices there are (device 0 is the kiosk,
    /// desks are 1..=desks).
    fn fit(op: Op, desks: usize) -> Op {
        let desk = |d: usize| 1 + (d.max(1) - 1) % desks;
        let device = |d: usize| d % (desks + 1);
        match op {
            Op::Status(d, v, s) => Op::Status(desk(d), v, s),
            Op::Book(d, staff, start) => Op::Book(desk(d), staff, start),
            Op::Cancel(d, b) => Op::Cancel(desk(d), b),
            Op::KeepBoth(d, c) => Op::KeepBoth(desk(d), c),
            Op::Move(d, b, start, next) => Op::Move(desk(d), b, start, next),
            Op::Invoice(d, minor) => Op::Invoice(desk(d), minor),
            Op::Pay(d, i, how, refund) => Op::Pay(desk(d), i, how, refund),
            Op::Network(d, up) => Op::Network(device(d), up),
            Op::Blip(d) => Op::Blip(device(d)),
            Op::LoseAck(d) => Op::LoseAck(device(d)),
            Op::Hold(d) => Op::Hold(device(d)),
            Op::Release(d, how) => Op::Release(device(d), how),
            Op::HoldDisk(d) => Op::HoldDisk(device(d)),
            Op::DiskFull(d, full) => Op::DiskFull(device(d), full),
            Op::Crash(d) => Op::Crash(device(d)),
            Op::HoldCrypto(d) => Op::HoldCrypto(device(d)),
            Op::ReleaseCrypto(d, how) => Op::ReleaseCrypto(device(d), how),
            other => other,
        }
    }

    /// Runs a schedule on a kiosk and `desks` desks, heals the network, and checks that every
    /// device ended the same.
    fn run_schedule(ops: Vec<Op>, desks: usize) -> Result<(), TestCaseError> {
        run_schedule_in(ops, desks, false)
    }

    fn run_schedule_in(ops: Vec<Op>, desks: usize, encrypted: bool) -> Result<(), TestCaseError> {
        let mut roles = vec![Role::Kiosk];
        roles.extend(std::iter::repeat_n(Role::Staff, desks));
        let n = roles.len();
        let mut sim = if encrypted { Sim::encrypted(&roles) } else { Sim::new(&roles) };
        // Snapshots every few chunks, so they are proposed, checked, proven and loaded often.
        sim.snapshot_every(3);
        sim.add_hostile();
        sim.settle();
        let mut visits = Vec::new();
        let mut booked = Vec::new();
        let mut invoiced = Vec::new();
        let mut paid = Vec::new();
        for (step, op) in ops.into_iter().enumerate() {
            match fit(op, desks) {
                Op::CheckIn => {
                    let n = format!("V{}", visits.len());
                    visits.push(sim.check_in(0, &n));
                }
                Op::Status(desk, v, s) => {
                    // A desk can only act on visitors it has seen.
                    let seen: Vec<String> = sim.board(desk).into_iter().map(|e| e.check_in.id).collect();
                    if let Some(visit) = seen.get(v % seen.len().max(1)) {
                        let status =
                            [VisitStatus::Waiting, VisitStatus::Called, VisitStatus::Done, VisitStatus::NoShow]
                                [s as usize];
                        sim.set_status(desk, &visit.clone(), status);
                    }
                }
                Op::Book(desk, staff, start) => booked.push(sim.book(desk, staff, start)),
                Op::HoldDisk(d) => sim.devices[d].disk_held = true,
                Op::DiskFull(d, full) => sim.devices[d].disk.full = full,
                Op::Crash(d) => sim.crash(d),
                Op::HoldCrypto(d) => sim.devices[d].crypto_held = true,
                Op::ReleaseCrypto(d, how) => sim.release_crypto(d, how),
                Op::Attack(how, target) => sim.attack(how, target),
                Op::Cancel(desk, b) => {
                    // The calendar offers cancel on bookings it shows: not moved-away ones.
                    let mut seen = sim.bookings(desk);
                    seen.retain(|b| b.state.holds_time());
                    if let Some(booking) = seen.get(b % seen.len().max(1)).cloned() {
                        let stamp = schedule::Stamp { by: format!("d{desk}"), at_ms: sim.now };
                        sim.change_day(desk, |d| schedule::set_state(d, &booking, BookingState::Cancelled, &stamp));
                    }
                }
                Op::KeepBoth(desk, c) => {
                    let seen = sim.conflicts(desk);
                    if let Some(conflict) = seen.get(c % seen.len().max(1)).cloned() {
                        let stamp = schedule::Stamp { by: format!("d{desk}"), at_ms: sim.now };
                        sim.change_day(desk, |d| schedule::keep_both(d, &conflict, &stamp));
                    }
                }
                Op::Move(desk, b, start, next) => {
                    let mut seen = sim.bookings_on(desk, DAY);
                    seen.extend(sim.bookings_on(desk, NEXT_DAY));
                    seen.retain(|b| b.state.holds_time());
                    if let Some(booking) = seen.get(b % seen.len().max(1)).cloned() {
                        sim.move_booking(desk, &booking, start, next);
                    }
                }
                Op::Invoice(desk, minor) => invoiced.push(sim.invoice(desk, minor)),
                Op::Pay(desk, i, how, refund) => {
                    let seen = sim.invoices(desk);
                    if let Some(invoice) = seen.get(i % seen.len().max(1)).cloned() {
                        let standing = billing::standing(&invoice, &sim.payments(desk));
                        let base = if refund { standing.paid } else { standing.due };
                        let minor = match how {
                            0 => base,
                            1 => base / 2,
                            _ => 500,
                        };
                        let amount = format!("{}.{:02}", minor / 100, minor % 100);
                        if let Some(made) = sim.pay(desk, &invoice, &amount, refund) {
                            paid.push(made);
                        }
                    }
                }
                Op::Network(d, up) => sim.set_network(d, up),
                Op::Blip(d) => sim.drop_socket(d),
                Op::Hold(d) => sim.devices[d].held = true,
                Op::Release(d, how) => sim.release(d, how),
                Op::LoseAck(d) => {
                    sim.relay.lose_next_ack.insert(d);
                }
                Op::Settle => sim.settle(),
                Op::Tick => {
                    sim.now += 1_500;
                    for d in 0..n {
                        let effects = sim.devices[d].core.handle(SyncEvent::Tick, sim.now, 0.5);
                        sim.effects(d, effects);
                    }
                    sim.pump();
                }
            }
            sim.now += 7;
            // Save → load round-trips at every step: one device's documents each time, in turn.
            let device = &mut sim.devices[step % n];
            for doc in &device.core.names_under("") {
                let saved = device.core.save_bytes(doc);
                let mut reloaded = frontdesk_core::Replica::new([9; 16]);
                reloaded.load(doc, &saved).map_err(|e| TestCaseError::fail(format!("{doc}: {e}")))?;
                prop_assert_eq!(reloaded.heads(doc), device.core.heads(doc), "{} at step {}", doc, step);
            }
        }
        // The network heals and stops losing messages; storage has room again.
        sim.relay.lose_next_ack.clear();
        for d in 0..n {
            sim.set_network(d, true);
            sim.devices[d].disk.full = false;
        }
        sim.settle();
        let unprovoked: Vec<&String> = sim.warnings.iter().filter(|w| !provoked(w)).collect();
        prop_assert_eq!(unprovoked, Vec::<&String>::new());
        for d in 0..n {
            prop_assert_eq!(sim.devices[d].core.crypto_in_flight(), 0, "device {} waits on crypto", d);
        }
        // Encrypted: the relay holds nothing an honest device sent in the clear — every chunk,
        // proposal and proven snapshot is sealed (the hostile device's own pushes aside).
        if encrypted {
            for (doc, log) in &sim.relay.logs {
                for (id, bytes) in log.iter().filter(|(id, b)| id.0[0] != 0xBA && !b.is_empty()) {
                    prop_assert!(sealed::is_sealed(bytes), "{} chunk {:?} in the clear", doc, id);
                }
            }
            for (doc, (_, bytes)) in &sim.relay.snapshots {
                prop_assert!(sealed::is_sealed(bytes), "{} snapshot in the clear", doc);
            }
        }
        // No honest device holds a change made under another device's actor.
        for d in 1..n {
            for doc in sim.devices[d].core.names_under("") {
                let forged = sim.devices[d].core.doc(&doc).is_some_and(|doc| {
                    automerge::ReadDoc::get(doc, automerge::ROOT, "forged/actor").unwrap().is_some()
                });
                prop_assert!(!forged, "device {} applied a change under another's actor in {}", d, doc);
            }
        }
        // The hostile device wrote nowhere it may not, and none of its snapshots was proven.
        let hostile = sim.hostile.as_ref().map(|h| h.id).expect("a hostile device");
        prop_assert!(!sim.relay.proven_from.contains(&hostile), "a hostile snapshot was proven");
        for doc in sim.relay.logs.keys() {
            prop_assert!(doc.starts_with("day/") || doc.starts_with(INBOX_PREFIX) || doc == INVOICES, "{}", doc);
        }
        let inbox = sim.relay.logs.get(&format!("{INBOX_PREFIX}d0")).map_or(0, Vec::len);
        prop_assert_eq!(inbox, visits.len(), "the kiosk's inbox holds its check-ins only");
        // Every desk knows when the relay received each check-in — the time of the chunk that
        // brought it — across crashes and restarts (receipts are kept with the document).
        for (doc, log) in sim.relay.logs.iter().filter(|(d, _)| d.starts_with(INBOX_PREFIX)) {
            let mut replay = automerge::AutoCommit::new();
            let mut expected = Vec::new();
            for ((_, bytes), at) in log.iter().zip(&sim.relay.received[doc]) {
                let before: BTreeSet<String> = replay.keys(automerge::ROOT).collect();
                replay.load_incremental(&sim.plain(doc, bytes)).expect("kiosk chunks load");
                expected.extend(replay.keys(automerge::ROOT).filter(|k| !before.contains(k)).map(|k| (k, *at)));
            }
            for desk in 1..n {
                if sim.devices[desk].core.cursor(doc).is_none() {
                    continue;
                }
                for (key, at) in &expected {
                    prop_assert_eq!(
                        sim.devices[desk].core.received(doc, key),
                        Some(*at),
                        "desk {} {} {}",
                        desk,
                        doc,
                        key
                    );
                }
            }
        }
        // What a crash took before its save completed was never shown as saved; the rest must
        // be everywhere.
        let mut booked: Vec<String> = booked.into_iter().filter(|(_, m)| sim.kept(*m)).map(|(id, _)| id).collect();
        let mut invoiced: Vec<String> = invoiced.into_iter().filter(|(_, m)| sim.kept(*m)).map(|(id, _)| id).collect();
        let mut paid: Vec<String> = paid.into_iter().filter(|(_, m)| sim.kept(*m)).map(|(id, _)| id).collect();
        let reference = sim.names(1);
        prop_assert_eq!(reference.len(), visits.len());
        for desk in 2..n {
            prop_assert_eq!(sim.names(desk), reference.clone());
        }
        for d in 0..n {
            prop_assert_eq!(sim.pending(d), 0);
        }
        // Every desk's cursor has reached the end of every log it follows: nothing is left to
        // fetch again on the next start (own chunks count once acknowledged, gaps are filled).
        for d in 1..n {
            for (doc, log) in &sim.relay.logs {
                if let Some(cursor) = sim.devices[d].core.cursor(doc) {
                    prop_assert_eq!(cursor, log.len() as u64, "device {} on {}", d, doc);
                }
            }
        }
        // Every booking made anywhere exists everywhere, and every desk reports the same
        // conflicts (the domain's check is a function of the merged document).
        let bookings = sim.bookings(1);
        let mut ids: Vec<String> = bookings.iter().map(|b| b.id.clone()).collect();
        ids.sort();
        booked.sort();
        prop_assert_eq!(&ids, &booked);
        let conflicts = sim.conflicts(1);
        let next_day = sim.bookings_on(1, NEXT_DAY);
        let next_conflicts = sim.conflicts_on(1, NEXT_DAY);
        // A booking on the next day came from today (moved). Moved there on one tablet and
        // cancelled today on another, apart, it stays on the next day: every desk agrees on that.
        for b in &next_day {
            prop_assert!(ids.contains(&b.id), "{} came from today", b.id);
        }
        for desk in 2..n {
            prop_assert_eq!(sim.bookings(desk), bookings.clone());
            prop_assert_eq!(sim.conflicts(desk), conflicts.clone());
            prop_assert_eq!(sim.bookings_on(desk, NEXT_DAY), next_day.clone());
            prop_assert_eq!(sim.conflicts_on(desk, NEXT_DAY), next_conflicts.clone());
        }
        // Every invoice and payment made anywhere is everywhere, and every desk computes the
        // same standing for each bill and reports the same overpaid ones.
        let mut invoice_ids: Vec<String> = sim.invoices(1).into_iter().map(|i| i.id).collect();
        invoice_ids.sort();
        invoiced.sort();
        prop_assert_eq!(&invoice_ids, &invoiced);
        let mut payment_ids: Vec<String> = sim.payments(1).into_iter().map(|p| p.id).collect();
        payment_ids.sort();
        paid.sort();
        prop_assert_eq!(&payment_ids, &paid);
        let money = sim.money(1);
        for desk in 2..n {
            prop_assert_eq!(sim.money(desk), money.clone());
        }
        // Same heads everywhere, and every document survives save → load unchanged.
        let mut docs: Vec<String> = sim.devices[1].core.names_under("");
        docs.sort();
        for desk in 2..n {
            let mut theirs: Vec<String> = sim.devices[desk].core.names_under("");
            theirs.sort();
            prop_assert_eq!(&theirs, &docs);
        }
        for doc in &docs {
            let reference = sim.devices[1].core.heads(doc);
            for desk in 2..n {
                prop_assert_eq!(sim.devices[desk].core.heads(doc), reference.clone(), "{}", doc);
            }
            let saved = sim.devices[1].core.save_bytes(doc);
            let mut reloaded = frontdesk_core::Replica::new([9; 16]);
            reloaded.load(doc, &saved).unwrap();
            prop_assert_eq!(reloaded.heads(doc), reference);
        }
        Ok(())
    }
}

/// Issue 20: what the relay (or anyone between) serves is applied only with its writer's
/// signature, and only under that writer's actors. A chunk with no signature, with another
/// key's signature, with a signature of other bytes or of another document, or a genuinely
/// signed one carrying a change under another device's actor: each is skipped, nothing of it is
/// applied, and an honest chunk served after them applies.
#[test]
fn a_chunk_badly_signed_or_under_another_devices_actor_is_refused_and_honest_ones_still_apply() {
    use automerge::transaction::Transactable;
    let mut sim = Sim::new(&[Role::Kiosk, Role::Staff, Role::Staff]);
    sim.settle();
    let ana = sim.check_in(0, "Ana");
    sim.set_status(1, &ana, VisitStatus::Called);
    let heads_before = sim.devices[2].core.heads(DAY);
    let at = sim.relay.logs[DAY].len() as u64;
    // A change by device 1 (its actor, its key): what each attack dresses up.
    let change = |sim: &mut Sim, by: usize, actor: u8, key: &str| {
        let mut doc =
            automerge::AutoCommit::load(&sim.devices[by].core.save_bytes(DAY)).unwrap().with_actor(actor_of(by, actor));
        let heads = doc.get_heads();
        doc.put(automerge::ROOT, key, "forged").unwrap();
        doc.commit();
        doc.save_after(&heads)
    };
    let genuine = change(&mut sim, 1, 0xA1, "forged");
    let signed_by_1 = author_of(1, DAY, None, &genuine);
    let attacks = [
        // No signature at all.
        Author::default(),
        // Device 1's key named, device 2's signature.
        Author { key: signer(1).to_vec(), signature: author_of(2, DAY, None, &genuine).signature },
        // Device 1's signature of other bytes, and of these bytes in another document.
        Author { key: signer(1).to_vec(), signature: author_of(1, DAY, None, b"other bytes").signature },
        Author { key: signer(1).to_vec(), signature: author_of(1, NEXT_DAY, None, &genuine).signature },
        // A flipped bit.
        Author {
            key: signer(1).to_vec(),
            signature: {
                let mut s = signed_by_1.signature.clone();
                s[5] ^= 1;
                s
            },
        },
    ];
    let mut seq = at;
    for author in attacks {
        seq += 1;
        let frame = ServerMsg::Chunk { doc: DAY.into(), seq, bytes: genuine.clone(), at_ms: 1, author };
        sim.devices[2].inbound.push_back(frame.encode());
    }
    // Genuinely signed by device 2's key, but the change is under device 1's actor.
    let foreign = change(&mut sim, 1, 0xA2, "forged");
    seq += 1;
    let author = author_of(2, DAY, None, &foreign);
    sim.devices[2]
        .inbound
        .push_back(ServerMsg::Chunk { doc: DAY.into(), seq, bytes: foreign, at_ms: 1, author }.encode());
    // A snapshot past the cursor holding the forged change: with no signature, with device 1's
    // signature of it as a chunk, and with its signature for another cover.
    let forged_snapshot = {
        let mut doc = automerge::AutoCommit::load(&sim.devices[1].core.save_bytes(DAY)).unwrap();
        doc.load_incremental(&genuine).unwrap();
        doc.save()
    };
    for author in [
        Author::default(),
        author_of(1, DAY, None, &forged_snapshot),
        author_of(1, DAY, Some(seq + 9), &forged_snapshot),
    ] {
        let frame =
            ServerMsg::Snapshot { doc: DAY.into(), covers_seq: seq + 5, bytes: forged_snapshot.clone(), author };
        sim.devices[2].inbound.push_back(frame.encode());
    }
    sim.pump();
    let refused = sim.warnings.iter().filter(|w| w.contains("snapshot of day/") && w.contains("not applied")).count();
    assert_eq!(refused, 3, "{:?}", sim.warnings);
    assert!(!holds_forged(&mut sim, 2, DAY), "a forged change was applied: {:?}", sim.warnings);
    assert_eq!(sim.devices[2].core.heads(DAY), heads_before, "nothing of them applied");
    let skipped = sim.warnings.iter().filter(|w| w.contains("chunk for day/") && w.contains("skipped")).count();
    assert_eq!(skipped, 6, "{:?}", sim.warnings);
    assert!(sim.warnings.iter().any(|w| w.contains("another device's name")), "{:?}", sim.warnings);
    assert!(sim.warnings.iter().any(|w| w.contains("not signed by the device")), "{:?}", sim.warnings);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(seq), "skipped, not waited for");
    // The honest chunk after them, signed by the device whose actor it carries, applies.
    let honest = change(&mut sim, 1, 0xA3, "honest");
    seq += 1;
    let author = author_of(1, DAY, None, &honest);
    sim.devices[2]
        .inbound
        .push_back(ServerMsg::Chunk { doc: DAY.into(), seq, bytes: honest, at_ms: 1, author }.encode());
    sim.pump();
    let doc = sim.devices[2].core.doc(DAY).expect("held");
    assert!(automerge::ReadDoc::get(doc, automerge::ROOT, "honest").unwrap().is_some(), "{:?}", sim.warnings);
    assert_eq!(sim.devices[2].core.cursor(DAY), Some(seq));
}
