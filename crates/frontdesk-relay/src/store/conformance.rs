//! The checks every [`Store`] must pass, written once against the trait: a store's own test file
//! gives each a fresh [`Harness`] (see the relay's `tests/store_conformance.rs` for SQLite).
//!
//! Each check is an `async fn` that panics, saying what went wrong, when the store breaks the
//! contract written on [`Store`].

use std::future::Future;
use std::sync::{Arc, Mutex};

use frontdesk_protocol::retention::Rule;
use frontdesk_protocol::{
    Area, Author, ChunkId, Epoch, Head, PairRefusal, Retention, Role, Scope, Signer, StoredChunk,
};

use super::{
    Appended, AuditAction, AuditQuery, Backlog, Basis, Committed, InTheClear, LogChunk, Moved, NewChunk, PairingKeys,
    PairingOffer, Publisher, Rebase, Settled, Store, StoreError, StoreFuture, StoreLimits,
};

/// A store under test, on storage of its own that starts empty.
pub trait Harness: Send + Sync {
    type Store: Store + 'static;

    /// Opens the store: empty the first time, holding what was stored before after that. It may
    /// be opened again while open (a second handle on the same data).
    fn open(
        &self,
        limits: StoreLimits,
        publish: Publisher,
    ) -> impl Future<Output = Result<Self::Store, StoreError>> + Send;

    /// Every byte the store keeps: its files, or a dump of its tables.
    fn raw_bytes(&self) -> impl Future<Output = Vec<u8>> + Send;
}

/// A chunk (or a re-base) as the publisher was handed it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Published {
    doc: String,
    seq: u64,
    bytes: Vec<u8>,
    origin: u64,
    new_doc: bool,
    rebase: bool,
}

/// A publisher that keeps what it is handed.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Published>>>);

impl Recorder {
    fn publisher(&self) -> Publisher {
        let log = self.0.clone();
        Box::new(move |c: Committed<'_>| {
            let published = Published {
                doc: c.doc.to_owned(),
                seq: c.seq,
                bytes: c.bytes.to_vec(),
                origin: c.origin,
                new_doc: c.new_doc,
                rebase: c.rebase,
            };
            log.lock().unwrap_or_else(|e| e.into_inner()).push(published);
        })
    }

    fn seen(&self) -> Vec<Published> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

async fn open<H: Harness>(harness: &H, limits: StoreLimits, publish: Publisher) -> H::Store {
    harness.open(limits, publish).await.expect("the store opens")
}

fn chunk(n: u32) -> ChunkId {
    let mut id = [0u8; 16];
    id[..4].copy_from_slice(&n.to_le_bytes());
    ChunkId(id)
}

/// The head chunk `n` declares.
fn head(n: u32) -> Head {
    let mut h = [0xa5; 32];
    h[..4].copy_from_slice(&n.to_le_bytes());
    h
}

/// Chunk `n` of `doc`, pushed by device `dev`.
fn chunk_of(dev: &str, doc: &str, n: u32, bytes: Vec<u8>) -> NewChunk {
    NewChunk {
        doc: doc.to_owned(),
        chunk_id: chunk(n),
        bytes,
        heads: vec![head(n)],
        device: dev.to_owned(),
        at_ms: 1_000 + i64::from(n),
        author: author(dev),
    }
}

/// What stands for device `dev`'s key and signature (the store keeps and returns them; the
/// connection checks them before anything is stored).
fn author(dev: &str) -> Author {
    Author { key: dev.as_bytes().to_vec(), signature: [dev.as_bytes(), b" signed"].concat() }
}

/// A backlog's snapshot as (covers_seq, bytes).
fn snap(backlog: &Backlog) -> Option<(u64, Vec<u8>)> {
    backlog.snapshot.as_ref().map(|(covers, bytes, _)| (*covers, bytes.clone()))
}

/// Pushes chunk `n` for connection `origin`, from device `d1`.
fn send(store: &impl Store, doc: &str, n: u32, bytes: Vec<u8>, origin: u64) -> StoreFuture<'static, Appended> {
    store.push(chunk_of("d1", doc, n, bytes), origin)
}

async fn push(store: &impl Store, doc: &str, n: u32, bytes: &[u8]) -> Appended {
    send(store, doc, n, bytes.to_vec(), 7).await.unwrap_or_else(|e| panic!("push {n} to {doc}: {e}"))
}

/// The SHA-256 a checker names the bytes it checked by.
fn digest(bytes: &[u8]) -> Head {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// A snapshot proposed by one device and proven by another.
async fn snapshot(store: &impl Store, doc: &str, covers_seq: u64, bytes: &[u8]) {
    store
        .propose_snapshot(doc, covers_seq, bytes.to_vec(), "proposer", author("proposer"))
        .await
        .expect("snapshot proposed");
    let settled = store.settle_snapshot(doc, covers_seq, digest(bytes), "checker", true).await.expect("settled");
    assert_eq!(settled, Settled::Proven);
}

/// A backlog's chunks as (seq, bytes).
fn pairs(chunks: &[LogChunk]) -> Vec<(u64, Vec<u8>)> {
    chunks.iter().map(|c| (c.seq, c.bytes.clone())).collect()
}

async fn backlog(store: &impl Store, doc: &str, after_seq: u64) -> Backlog {
    store.backlog(doc, after_seq).await.unwrap_or_else(|e| panic!("backlog of {doc}: {e}"))
}

/// An acknowledged push, snapshot and device are all there after the store is closed and
/// opened again; writes called before the close still complete; none are taken after it.
pub async fn acknowledged_writes_survive_a_close_and_reopen<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    for n in 1..=5 {
        push(&store, "day/2026-11-26", n, &[n as u8; 10]).await;
    }
    push(&store, "clients", 100, b"first client").await;
    snapshot(&store, "day/2026-11-26", 2, b"up to two").await;
    store.propose_snapshot("clients", 1, b"waiting".to_vec(), "d9", author("d9")).await.expect("proposed");
    let desk = store.add_device("Desk 1", Role::Staff, [4; 32]).await.expect("device added");
    // Called before the close, awaited after it.
    let late = send(&store, "clients", 101, b"second client".to_vec(), 7);
    store.close().await.expect("the store closes");
    assert_eq!(late.await.expect("a push called before the close completes").seq, 2);
    assert!(send(&store, "clients", 102, b"too late".to_vec(), 7).await.is_err(), "a closed store took a push");
    drop(store);

    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    let day = backlog(&store, "day/2026-11-26", 0).await;
    assert_eq!(snap(&day), Some((2, b"up to two".to_vec())));
    assert_eq!(day.snapshot.as_ref().map(|s| &s.2), Some(&author("proposer")), "its proposer's signature kept");
    assert!(day.chunks.iter().all(|c| c.author == author("d1")), "each chunk's signature kept");
    assert_eq!(pairs(&day.chunks), (3..=5).map(|n| (n as u64, vec![n as u8; 10])).collect::<Vec<_>>());
    assert_eq!(day.chunks.iter().map(|c| c.at_ms).collect::<Vec<_>>(), [1_003, 1_004, 1_005], "receive times kept");
    assert_eq!(day.head, 5);
    let clients = backlog(&store, "clients", 0).await;
    assert_eq!(pairs(&clients.chunks), vec![(1, b"first client".to_vec()), (2, b"second client".to_vec())]);
    let waiting = store.proposal("clients").await.expect("read").expect("the proposal is still waiting");
    assert_eq!((waiting.covers_seq, waiting.bytes, waiting.device), (1, b"waiting".to_vec(), "d9".to_owned()));
    assert_eq!(waiting.must_contain, vec![head(100)]);
    let found = store.device_key(&desk).await.expect("lookup").expect("the device is still there");
    assert_eq!(
        (found.device.name.as_str(), found.device.role, found.public_key),
        ("Desk 1", Role::Staff, Some([4; 32]))
    );
    // The log goes on where it was.
    assert_eq!(push(&store, "clients", 103, b"third").await, Appended { seq: 3, fresh: true });
    store.close().await.expect("the store closes");
}

/// Pushes called back to back, none awaited yet, get seqs 1..n per document in the order they
/// were called — even when the last is awaited first — and reach the publisher in seq order,
/// each before its push resolves.
pub async fn pushes_get_seqs_in_the_order_they_are_called<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let store = open(&harness, StoreLimits::default(), recorder.publisher()).await;
    let docs = ["day/2026-11-26", "day/2026-11-27", "inbox/2026-11-26/k1"];
    let mut pending = Vec::new();
    for n in 0..300u32 {
        let doc = docs[n as usize % docs.len()];
        let bytes = n.to_le_bytes().to_vec();
        pending.push((doc, n, send(&store, doc, n, bytes, u64::from(n))));
    }
    let mut seqs = Vec::new();
    for (doc, n, stored) in pending.into_iter().rev() {
        let appended = stored.await.unwrap_or_else(|e| panic!("push {n}: {e}"));
        assert!(appended.fresh);
        let seen = recorder.seen();
        assert!(
            seen.iter().any(|p| p.doc == doc && p.seq == appended.seq && p.bytes == n.to_le_bytes()),
            "push {n} resolved before it was published"
        );
        seqs.push((doc, n, appended.seq));
    }
    seqs.reverse();
    for doc in docs {
        let in_call_order: Vec<u64> = seqs.iter().filter(|(d, ..)| *d == doc).map(|(.., seq)| *seq).collect();
        assert_eq!(in_call_order, (1..=100).collect::<Vec<u64>>(), "{doc}: seqs in the order the pushes were called");
        let seen = recorder.seen();
        let published: Vec<&Published> = seen.iter().filter(|p| p.doc == doc).collect();
        let published_seqs: Vec<u64> = published.iter().map(|p| p.seq).collect();
        assert_eq!(published_seqs, (1..=100).collect::<Vec<u64>>(), "{doc}: published once each, in seq order");
        assert!(
            published[0].new_doc && published[1..].iter().all(|p| !p.new_doc),
            "{doc}: only the first chunk is new"
        );
    }
    for (doc, n, seq) in &seqs {
        let p = recorder.seen().into_iter().find(|p| p.doc == *doc && p.seq == *seq).expect("published");
        assert_eq!((p.bytes, p.origin), (n.to_le_bytes().to_vec(), u64::from(*n)), "{doc} #{seq}");
    }
    let stored = backlog(&store, docs[0], 0).await;
    let expected: Vec<(u64, Vec<u8>)> =
        (0..100u32).map(|i| (u64::from(i) + 1, (i * 3).to_le_bytes().to_vec())).collect();
    assert_eq!(pairs(&stored.chunks), expected, "the log holds the pushes in call order");
    store.close().await.expect("the store closes");
}

/// When the publisher is handed a chunk, its commit is done: another handle on the same data
/// already reads it.
pub async fn chunks_are_published_only_once_committed<H: Harness>(harness: H) {
    let observer = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    let verdicts: Arc<Mutex<Vec<(u64, bool)>>> = Arc::default();
    let record = verdicts.clone();
    let publisher: Publisher = Box::new(move |c: Committed<'_>| {
        // On a thread of its own with its own runtime: the store may publish from a thread that
        // is already running one.
        let visible = std::thread::scope(|s| {
            s.spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
                runtime
                    .block_on(observer.backlog(c.doc, c.seq - 1))
                    .is_ok_and(|b| b.chunks.first().is_some_and(|first| first.seq == c.seq && first.bytes == c.bytes))
            })
            .join()
            .unwrap_or(false)
        });
        record.lock().unwrap_or_else(|e| e.into_inner()).push((c.seq, visible));
    });
    let store = open(&harness, StoreLimits::default(), publisher).await;
    let pending: Vec<_> = (1..=20).map(|n| send(&store, "day/d", n, vec![n as u8; 32], 1)).collect();
    for stored in pending {
        stored.await.expect("push stored");
    }
    store.close().await.expect("the store closes");
    let verdicts = verdicts.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(verdicts.len(), 20, "every chunk published once");
    for (seq, visible) in verdicts {
        assert!(visible, "chunk {seq} was published before another handle could read it");
    }
}

/// Pushing a chunk id again stores nothing, answers its first seq and publishes nothing; the
/// same id in another document is another chunk.
pub async fn a_repeated_chunk_id_keeps_its_first_seq_and_is_published_once<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let store = open(&harness, StoreLimits::default(), recorder.publisher()).await;
    assert_eq!(push(&store, "day/d", 1, b"one").await, Appended { seq: 1, fresh: true });
    assert_eq!(push(&store, "day/d", 2, b"two").await, Appended { seq: 2, fresh: true });
    for _ in 0..3 {
        assert_eq!(push(&store, "day/d", 1, b"one, resent").await, Appended { seq: 1, fresh: false });
    }
    assert_eq!(push(&store, "day/e", 1, b"elsewhere").await, Appended { seq: 1, fresh: true });
    let day = backlog(&store, "day/d", 0).await;
    assert_eq!(pairs(&day.chunks), vec![(1, b"one".to_vec()), (2, b"two".to_vec())]);
    assert_eq!(day.head, 2);
    let published: Vec<(String, u64)> = recorder.seen().into_iter().map(|p| (p.doc, p.seq)).collect();
    assert_eq!(published, [("day/d".to_owned(), 1), ("day/d".to_owned(), 2), ("day/e".to_owned(), 1)]);
    store.close().await.expect("the store closes");
}

/// Snapshots: a proposal is refused for an unknown document or past the head, ignored unless
/// newer, and changes no backlog until another device proves it; then it is stored with the
/// bytes of the chunks it covers dropped. A backlog gives the snapshot and later chunks, or only
/// chunks to a subscriber already past the snapshot. Snapshots are not published.
pub async fn snapshots_replace_the_chunks_they_cover_once_proven<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let store = open(&harness, StoreLimits::default(), recorder.publisher()).await;
    assert!(
        matches!(
            store.propose_snapshot("day/none", 1, b"s".to_vec(), "p", author("p")).await,
            Err(StoreError::UnknownDoc(_))
        ),
        "a snapshot of a document that does not exist is refused"
    );
    for n in 1..=5 {
        push(&store, "day/d", n, &[n as u8]).await;
    }
    assert!(
        matches!(
            store.propose_snapshot("day/d", 6, b"s".to_vec(), "p", author("p")).await,
            Err(StoreError::SnapshotAhead { covers_seq: 6, head: 5 })
        ),
        "a snapshot past the head is refused"
    );
    let untouched = backlog(&store, "day/d", 0).await;
    assert_eq!((snap(&untouched), untouched.chunks.len(), untouched.head), (None, 5, 5));

    store.propose_snapshot("day/d", 3, b"up to 3".to_vec(), "p", author("p")).await.expect("proposed");
    assert_eq!(backlog(&store, "day/d", 0).await, untouched, "a proposal changes no backlog");
    let three = digest(b"up to 3");
    assert_eq!(store.settle_snapshot("day/d", 3, three, "p", true).await.expect("settle"), Settled::OwnProposal);
    assert_eq!(store.settle_snapshot("day/d", 2, three, "c", true).await.expect("settle"), Settled::Stale);
    // A verdict on other bytes of the same seq (a proposal since replaced) proves nothing.
    let other = digest(b"what was checked before");
    assert_eq!(store.settle_snapshot("day/d", 3, other, "c", true).await.expect("settle"), Settled::Stale);
    assert_eq!(backlog(&store, "day/d", 0).await, untouched, "its own proposer cannot prove it");
    assert_eq!(store.settle_snapshot("day/d", 3, three, "c", true).await.expect("settle"), Settled::Proven);
    assert_eq!(store.proposal("day/d").await.expect("read"), None, "proven: no longer waiting");
    let from_start = backlog(&store, "day/d", 0).await;
    assert_eq!(snap(&from_start), Some((3, b"up to 3".to_vec())));
    assert_eq!((pairs(&from_start.chunks), from_start.head), (vec![(4, vec![4]), (5, vec![5])], 5));
    assert_eq!(backlog(&store, "day/d", 2).await, from_start, "a subscriber behind the snapshot gets it");
    let at = backlog(&store, "day/d", 3).await;
    assert_eq!((snap(&at), pairs(&at.chunks)), (None, vec![(4, vec![4]), (5, vec![5])]));
    let past = backlog(&store, "day/d", 4).await;
    assert_eq!((snap(&past), pairs(&past.chunks)), (None, vec![(5, vec![5])]));

    // Older and equal ones change nothing.
    store
        .propose_snapshot("day/d", 2, b"older".to_vec(), "p", author("p"))
        .await
        .expect("an older snapshot is accepted");
    store
        .propose_snapshot("day/d", 3, b"equal".to_vec(), "p", author("p"))
        .await
        .expect("an equal snapshot is accepted");
    assert_eq!(store.proposal("day/d").await.expect("read"), None, "neither waits");
    assert_eq!(backlog(&store, "day/d", 0).await, from_start);

    // What a proposal must contain: every covered chunk's heads, those dropped already included.
    store
        .propose_snapshot("day/d", 5, b"up to 5".to_vec(), "p", author("p"))
        .await
        .expect("a newer snapshot is proposed");
    let waiting = store.proposal("day/d").await.expect("read").expect("waiting");
    assert_eq!(waiting.must_contain, (1..=5).map(head).collect::<Vec<_>>());
    // A rejected one is gone and the chunks stay.
    assert_eq!(
        store.settle_snapshot("day/d", 5, digest(b"up to 5"), "c", false).await.expect("settle"),
        Settled::Rejected { proposer: "p".into() }
    );
    assert_eq!(backlog(&store, "day/d", 0).await, from_start);
    assert_eq!(store.proposal("day/d").await.expect("read"), None);

    snapshot(&store, "day/d", 5, b"up to 5").await;
    let all = backlog(&store, "day/d", 0).await;
    assert_eq!((snap(&all), all.chunks, all.head), (Some((5, b"up to 5".to_vec())), vec![], 5));
    assert_eq!(backlog(&store, "day/d", 5).await, Backlog { head: 5, ..Backlog::default() });
    assert_eq!(push(&store, "day/d", 6, &[6]).await, Appended { seq: 6, fresh: true }, "the log goes on");
    let after = backlog(&store, "day/d", 0).await;
    assert_eq!((snap(&after), pairs(&after.chunks)), (Some((5, b"up to 5".to_vec())), vec![(6, vec![6])]));
    assert_eq!(recorder.seen().len(), 6, "only the chunks were published");
    store.close().await.expect("the store closes");
}

/// A device may create only so many documents and hold only so many bytes of chunks; a push past
/// either stores and publishes nothing; what a proven snapshot drops is given back; other devices
/// are not affected.
pub async fn a_device_over_its_quota_is_refused<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let limits = StoreLimits { max_docs_per_device: 2, max_bytes_per_device: 100, ..StoreLimits::default() };
    let store = open(&harness, limits, recorder.publisher()).await;
    let push_as = |dev: &'static str, doc: &'static str, n: u32, len: usize| {
        let store = &store;
        async move { store.push(chunk_of(dev, doc, n, vec![n as u8; len]), 1).await }
    };
    push_as("a", "day/1", 1, 10).await.expect("first document");
    push_as("a", "day/2", 2, 10).await.expect("second document");
    let third = push_as("a", "day/3", 3, 10).await;
    assert!(matches!(third, Err(StoreError::QuotaExceeded { what: "documents", limit: 2 })), "{third:?}");
    assert_eq!(backlog(&store, "day/3", 0).await, Backlog::default(), "no document made");
    push_as("a", "day/1", 4, 10).await.expect("more in a document it made");
    push_as("b", "day/3", 5, 10).await.expect("another device is not held to a's quota");
    push_as("a", "day/3", 6, 10).await.expect("a document someone else made");
    let too_much = push_as("a", "day/2", 7, 61).await;
    assert!(matches!(too_much, Err(StoreError::QuotaExceeded { what: "bytes", limit: 100 })), "{too_much:?}");
    assert_eq!(recorder.seen().len(), 5, "refused pushes are not published");
    // A proven snapshot of day/1 gives back the 20 bytes a held there.
    snapshot(&store, "day/1", 2, b"s").await;
    push_as("a", "day/2", 8, 60).await.expect("room made by the snapshot");
    store.close().await.expect("the store closes");
}

/// A push that would take a document past its byte quota is refused, stores and publishes
/// nothing; what a snapshot drops no longer counts.
pub async fn a_push_over_the_document_quota_is_refused_and_stores_nothing<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let limits = StoreLimits { max_doc_bytes: 100, ..StoreLimits::default() };
    let store = open(&harness, limits, recorder.publisher()).await;
    push(&store, "day/d", 1, &[1; 60]).await;
    let refused = send(&store, "day/d", 2, vec![2; 50], 7).await;
    assert!(matches!(refused, Err(StoreError::DocTooLarge { limit: 100 })), "{refused:?}");
    assert!(
        matches!(send(&store, "day/new", 1, vec![0; 101], 7).await, Err(StoreError::DocTooLarge { .. })),
        "a first chunk over the quota is refused"
    );
    assert_eq!(pairs(&backlog(&store, "day/d", 0).await.chunks), vec![(1, vec![1; 60])]);
    assert_eq!(backlog(&store, "day/new", 0).await, Backlog::default(), "no document made by a refused push");
    assert_eq!(store.doc_count().await.expect("count"), 1);
    assert_eq!(push(&store, "day/d", 3, &[3; 40]).await, Appended { seq: 2, fresh: true }, "up to the quota fits");
    assert_eq!(push(&store, "day/d", 1, &[1; 60]).await, Appended { seq: 1, fresh: false }, "a resend at the quota");
    assert_eq!(push(&store, "day/e", 1, &[1; 100]).await.seq, 1, "each document has its own quota");
    assert_eq!(recorder.seen().len(), 3, "refused pushes are not published");

    snapshot(&store, "day/d", 2, &[9; 10]).await;
    assert_eq!(push(&store, "day/d", 4, &[4; 90]).await, Appended { seq: 3, fresh: true }, "the snapshot made room");
    assert!(matches!(send(&store, "day/d", 5, vec![5], 7).await, Err(StoreError::DocTooLarge { limit: 100 })));
    store.close().await.expect("the store closes");
}

/// With its writer queue full, a store refuses a write at once ([`StoreError::Busy`]) rather
/// than queueing without bound; a refused write stores and publishes nothing, takes no seq, and
/// goes through when tried again.
pub async fn a_full_write_queue_refuses_at_once_and_a_retry_goes_through<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let limits = StoreLimits { max_queued_writes: 1, ..StoreLimits::default() };
    let store = open(&harness, limits, recorder.publisher()).await;
    const N: u32 = 2_000;
    // Every push is asked for before any is awaited: far more than one write at a time.
    let pushes: Vec<_> = (1..=N).map(|n| store.push(chunk_of("a", "day/d", n, vec![n as u8]), 1)).collect();
    let results = futures_util::future::join_all(pushes).await;
    let mut refused = Vec::new();
    let mut seqs = Vec::new();
    for (n, result) in (1..=N).zip(results) {
        match result {
            Ok(appended) => seqs.push(appended.seq),
            Err(StoreError::Busy) => refused.push(n),
            Err(other) => panic!("push {n}: {other}"),
        }
    }
    assert!(!refused.is_empty(), "{N} writes at once all fitted a queue of one");
    let taken = seqs.len() as u64;
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=taken).collect::<Vec<_>>(), "a refused write took no seq");
    assert_eq!(backlog(&store, "day/d", 0).await.chunks.len() as u64, taken, "a refused write stored nothing");
    assert_eq!(recorder.seen().len() as u64, taken, "a refused write was not published");
    // Tried again one at a time, every refused write goes through.
    for n in &refused {
        store.push(chunk_of("a", "day/d", *n, vec![*n as u8]), 1).await.expect("a retry goes through");
    }
    let all = backlog(&store, "day/d", 0).await;
    assert_eq!(all.chunks.len() as u32, N);
    assert!(all.chunks.iter().enumerate().all(|(i, c)| c.seq == i as u64 + 1), "no gap in the log");
    store.close().await.expect("the store closes");
}

/// Devices are added with their keys (all at once, or one), listed, found by id with their key,
/// renamed, seen and revoked.
pub async fn the_device_registry_adds_lists_finds_and_revokes<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert!(store.devices().await.expect("list").is_empty());
    let added = store
        .add_devices(&[
            ("Lobby kiosk", Role::Kiosk, [1; 32]),
            ("Desk 1", Role::Staff, [2; 32]),
            ("Back office", Role::Manager, [3; 32]),
        ])
        .await
        .expect("devices added");
    let tablet = store.add_device("Dra. Ruiz's tablet", Role::Staff, [4; 32]).await.expect("device added");
    assert_eq!(added.len(), 3);
    let all: Vec<&String> = added.iter().chain([&tablet]).collect();
    for (i, a) in all.iter().enumerate() {
        assert!(!a.is_empty());
        assert!(all[i + 1..].iter().all(|b| a != b), "two devices share an id");
    }
    let listed: Vec<(String, String, Role, bool)> =
        store.devices().await.expect("list").into_iter().map(|d| (d.id, d.name, d.role, d.revoked)).collect();
    let expected: Vec<(String, String, Role, bool)> = [
        (&added[0], "Lobby kiosk", Role::Kiosk),
        (&added[1], "Desk 1", Role::Staff),
        (&added[2], "Back office", Role::Manager),
        (&tablet, "Dra. Ruiz's tablet", Role::Staff),
    ]
    .into_iter()
    .map(|(d, name, role)| (d.clone(), name.to_owned(), role, false))
    .collect();
    assert_eq!(listed, expected, "listed oldest first");
    assert!(store.devices().await.expect("list").iter().all(|d| d.paired_at_ms > 0 && d.last_seen_ms == 0));

    let kiosk = store.device_key(&added[0]).await.expect("lookup").expect("the kiosk is found by its id");
    assert_eq!((kiosk.device.role, kiosk.device.revoked, kiosk.public_key), (Role::Kiosk, false, Some([1; 32])));
    assert_eq!(store.device_key("no-such-device").await.expect("lookup"), None);
    assert_eq!(store.revoked_devices().await.expect("revoked ids"), Vec::<String>::new());

    assert!(store.rename_device(&added[1], "Front desk").await.expect("rename"));
    assert!(!store.rename_device("no-such-device", "x").await.expect("rename"));
    store.device_seen(&added[1], 5_000).await.expect("seen");
    store.device_seen(&added[1], 4_000).await.expect("seen");
    let desk = store.device_key(&added[1]).await.expect("lookup").expect("found").device;
    assert_eq!((desk.name.as_str(), desk.last_seen_ms), ("Front desk", 5_000), "renamed; last seen never goes back");

    assert!(store.revoke_device(&added[0], &[]).await.expect("revoke"));
    assert!(!store.revoke_device("no-such-device", &[]).await.expect("revoke"), "an unknown id is not revoked");
    assert_eq!(store.revoked_devices().await.expect("revoked ids"), vec![added[0].clone()]);
    let kiosk = store.device_key(&added[0]).await.expect("lookup").expect("a revoked device is still found");
    assert!(kiosk.device.revoked);
    let revoked: Vec<bool> = store.devices().await.expect("list").iter().map(|d| d.revoked).collect();
    assert_eq!(revoked, [true, false, false, false]);

    let raw = harness.raw_bytes().await;
    let holds = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(holds(b"Dra. Ruiz's tablet"), "the raw bytes are not the store's: a device's name is missing");
    store.close().await.expect("the store closes");
}

fn code_hash(code: &str) -> Head {
    use sha2::Digest;
    sha2::Sha256::digest(code.as_bytes()).into()
}

/// A pairing device's keys, all made of `n`.
fn keys(n: u8) -> PairingKeys {
    PairingKeys { public_key: [n; 32], agreement_key: vec![n + 100; 32], key_proof: vec![n + 50; 32] }
}

fn offer(role: Role, name: &str, expires_at_ms: i64) -> PairingOffer {
    PairingOffer { role, name: name.into(), business: "Clínica Sol".into(), created_by: "cli".into(), expires_at_ms }
}

/// A pairing code works once and only before it expires; a try of a code that matches none
/// counts against every code waiting, and the fifth makes them void; the store keeps no code.
pub async fn a_pairing_code_works_once_in_time_and_not_after_wrong_tries<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    let now = 1_000_000;
    store
        .create_pairing(code_hash("K7QM2XHD"), offer(Role::Kiosk, "Lobby kiosk", now + 600_000), now)
        .await
        .expect("made");
    let seen = store.preview_pairing(code_hash("K7QM2XHD"), now + 1).await.expect("preview");
    assert_eq!(seen, Ok(offer(Role::Kiosk, "Lobby kiosk", now + 600_000)), "a preview says what it pairs");
    let (device, used) =
        store.redeem_pairing(code_hash("K7QM2XHD"), keys(9), now + 2).await.expect("redeem").expect("the code pairs");
    assert_eq!((device.name.as_str(), device.role, device.paired_at_ms), ("Lobby kiosk", Role::Kiosk, now + 2));
    assert_eq!(used.business, "Clínica Sol");
    let key = store.device_key(&device.id).await.expect("lookup").expect("the paired device is registered");
    assert_eq!(key.public_key, Some([9; 32]));
    assert_eq!((key.device.agreement_key, key.device.key_proof), (vec![109; 32], vec![59; 32]), "keys kept as sent");
    assert_eq!(
        store.redeem_pairing(code_hash("K7QM2XHD"), keys(8), now + 3).await.expect("redeem"),
        Err(PairRefusal::Used)
    );
    assert_eq!(store.preview_pairing(code_hash("K7QM2XHD"), now + 3).await.expect("preview"), Err(PairRefusal::Used));
    assert_eq!(store.devices().await.expect("list").len(), 1, "a used code paired nothing more");

    store.create_pairing(code_hash("EXP1RED2"), offer(Role::Staff, "Tablet", now + 600_000), now).await.expect("made");
    assert_eq!(
        store.redeem_pairing(code_hash("EXP1RED2"), keys(7), now + 600_000).await.expect("redeem"),
        Err(PairRefusal::Expired)
    );

    store
        .create_pairing(code_hash("WAITING2"), offer(Role::Manager, "Office", now + 600_000), now)
        .await
        .expect("made");
    for n in 1..=5 {
        let wrong = format!("WRONG00{n}");
        assert_eq!(store.preview_pairing(code_hash(&wrong), now + 10).await.expect("try"), Err(PairRefusal::Unknown));
        if n < 5 {
            assert!(
                store.preview_pairing(code_hash("WAITING2"), now + 10).await.expect("preview").is_ok(),
                "after {n}"
            );
        }
    }
    assert_eq!(
        store.preview_pairing(code_hash("WAITING2"), now + 11).await.expect("preview"),
        Err(PairRefusal::Voided)
    );
    assert_eq!(
        store.redeem_pairing(code_hash("WAITING2"), keys(6), now + 11).await.expect("redeem"),
        Err(PairRefusal::Voided)
    );
    // A code made after the wrong tries is not held to them.
    store
        .create_pairing(code_hash("NEWCODE2"), offer(Role::Staff, "Tablet 2", now + 600_000), now + 12)
        .await
        .expect("made");
    assert!(store.redeem_pairing(code_hash("NEWCODE2"), keys(5), now + 13).await.expect("redeem").is_ok());
    assert_eq!(store.devices().await.expect("list").len(), 2);

    let raw = harness.raw_bytes().await;
    let holds = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(holds("Clínica Sol".as_bytes()), "the raw bytes are not the store's");
    for code in ["K7QM2XHD", "WAITING2", "NEWCODE2"] {
        assert!(!holds(code.as_bytes()), "a pairing code is stored in plain text");
    }
    store.close().await.expect("the store closes");
}

/// Documents are listed by plain prefix (no pattern characters), sorted; the count is of
/// documents, not chunks.
pub async fn documents_are_listed_by_prefix_and_counted<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert_eq!(store.doc_count().await.expect("count"), 0);
    assert_eq!(store.docs_with_prefix("").await.expect("list"), Vec::<String>::new());
    let docs = ["inbox/2026-11-26/k2", "inbox/2026-11-26/k1", "inbox/2026-11-27/k1", "day/2026-11-26", "inboxes"];
    for (n, doc) in docs.iter().enumerate() {
        push(&store, doc, n as u32, b"a").await;
        push(&store, doc, 100 + n as u32, b"b").await;
    }
    let list = |prefix: &'static str| {
        let store = &store;
        async move { store.docs_with_prefix(prefix).await.expect("list") }
    };
    assert_eq!(list("inbox/2026-11-26/").await, ["inbox/2026-11-26/k1", "inbox/2026-11-26/k2"]);
    assert_eq!(list("inbox/").await, ["inbox/2026-11-26/k1", "inbox/2026-11-26/k2", "inbox/2026-11-27/k1"]);
    assert_eq!(
        list("").await,
        ["day/2026-11-26", "inbox/2026-11-26/k1", "inbox/2026-11-26/k2", "inbox/2026-11-27/k1", "inboxes"]
    );
    assert_eq!(list("inbox/2026-11-26/k1").await, ["inbox/2026-11-26/k1"]);
    assert!(list("zzz").await.is_empty());
    assert!(list("inbox_").await.is_empty(), "`_` is a character, not a pattern");
    assert!(list("inbox%").await.is_empty(), "`%` is a character, not a pattern");
    assert!(list("INBOX/").await.is_empty(), "names are case-sensitive");
    assert_eq!(store.doc_count().await.expect("count"), 5);
    assert_eq!(backlog(&store, "day/none", 0).await, Backlog::default(), "an unknown document is empty, head 0");
    store.close().await.expect("the store closes");
}

/// A store that was written to passes its integrity check, also after a reopen.
pub async fn a_sound_store_passes_its_integrity_check<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    store.integrity_check().await.expect("an empty store is sound");
    for n in 1..=50 {
        push(&store, &format!("day/{}", n % 4), n, &[n as u8; 200]).await;
    }
    snapshot(&store, "day/1", 5, &[1; 100]).await;
    store.add_device("Desk", Role::Staff, [1; 32]).await.expect("device added");
    store.integrity_check().await.expect("a written store is sound");
    store.close().await.expect("the store closes");
    drop(store);
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    store.integrity_check().await.expect("a reopened store is sound");
    store.close().await.expect("the store closes");
}

/// Key epochs: none at first; the first epochs are granted once; each new epoch is one past its
/// scope's newest, numbered in one transaction, and the numbers survive a reopen.
pub async fn key_epochs_are_granted_first_once_and_only_grow<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert_eq!(store.epochs().await.expect("epochs"), vec![], "a new business seals nothing");
    let all = Scope::ALL;
    let (granted, first) = store.new_epochs(&all, true, "m1", 10).await.expect("first");
    assert!(granted, "the first keys are granted");
    assert_eq!(first, all.iter().map(|&scope| Epoch { scope, epoch: 1 }).collect::<Vec<_>>());
    let (again, now) = store.new_epochs(&all, true, "m2", 11).await.expect("second first");
    assert!(!again, "a second device may not set the business up again");
    assert_eq!(now, first, "and numbers nothing");
    let (retry, now) = store.new_epochs(&all, true, "m1", 11).await.expect("the same device again");
    assert!(retry, "the device that set it up may finish a set-up cut short");
    assert_eq!(now, first, "numbering nothing new");
    let (granted, after) =
        store.new_epochs(&[Scope::Staff, Scope::Inbox, Scope::Staff], false, "m1", 12).await.expect("rotation");
    assert!(granted);
    let epoch_of = |epochs: &[Epoch], scope| epochs.iter().find(|e| e.scope == scope).map(|e| e.epoch);
    assert_eq!(epoch_of(&after, Scope::Staff), Some(2), "a scope named twice moves once");
    assert_eq!(epoch_of(&after, Scope::Inbox), Some(2));
    assert_eq!(epoch_of(&after, Scope::Kiosk), Some(1), "a scope not named stays");
    store.close().await.expect("the store closes");
    drop(store);
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert_eq!(store.epochs().await.expect("epochs"), after, "epochs survive a reopen");
    let (_, later) = store.new_epochs(&[Scope::Staff], false, "m2", 13).await.expect("rotation");
    assert_eq!(epoch_of(&later, Scope::Staff), Some(3), "counters go on from where they were");
    let (late, _) = store.new_epochs(&all, true, "m1", 14).await.expect("first after a rotation");
    assert!(!late, "once keys have rotated, nobody sets the business up again");
    store.close().await.expect("the store closes");
}

/// Revoking with floors: the device and the floors move together or not at all; a floor never
/// goes above the newest epoch numbered nor down, and floors survive a reopen.
pub async fn floors_rise_with_a_revocation_in_one_transaction<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    let added = store
        .add_devices(&[
            ("Kiosk", Role::Kiosk, [1; 32]),
            ("Desk", Role::Staff, [2; 32]),
            ("Desk 2", Role::Staff, [3; 32]),
        ])
        .await
        .expect("devices");
    assert_eq!(store.floors().await.expect("floors"), vec![], "no floor before any revocation");
    // Every scope but the time clock's is numbered.
    let numbered = [Scope::Kiosk, Scope::Staff, Scope::Manager, Scope::Inbox];
    store.new_epochs(&numbered, true, "m1", 10).await.expect("first");
    store.new_epochs(&[Scope::Staff, Scope::Inbox], false, "m1", 11).await.expect("rotation");
    let at = |scope, epoch| Epoch { scope, epoch };

    let floors = [at(Scope::Staff, 2), at(Scope::Inbox, 2)];
    assert!(!store.revoke_device("no-such-device", &floors).await.expect("revoke"));
    assert_eq!(store.floors().await.expect("floors"), vec![], "no device revoked, no floor raised");

    assert!(store.revoke_device(&added[1], &floors).await.expect("revoke"));
    assert_eq!(store.floors().await.expect("floors"), vec![at(Scope::Staff, 2), at(Scope::Inbox, 2)]);
    assert_eq!(store.revoked_devices().await.expect("revoked"), vec![added[1].clone()]);

    // Above the newest numbered: only up to it (nothing could be stored above). Lower: stays.
    // A scope never numbered (the clock's) gets no floor.
    let odd = [at(Scope::Staff, 9), at(Scope::Inbox, 1), at(Scope::Kiosk, 1), at(Scope::Clock, 3)];
    assert!(store.revoke_device(&added[2], &odd).await.expect("revoke"));
    let expected = vec![at(Scope::Kiosk, 1), at(Scope::Staff, 2), at(Scope::Inbox, 2)];
    assert_eq!(store.floors().await.expect("floors"), expected);
    store.close().await.expect("the store closes");
    drop(store);
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert_eq!(store.floors().await.expect("floors"), expected, "floors survive a reopen");
    store.close().await.expect("the store closes");
}

/// Cleared documents keep nothing of what was pushed or proven — in what is served and in the
/// database's files — but their sequence, so a push afterwards continues after it; other
/// documents and the pushers' quotas are as if the cleared bytes had never been stored.
pub async fn cleared_documents_keep_nothing_but_their_sequence<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Recorder::default().publisher()).await;
    let secret = b"KIOSKDAYSECRETBYTES".repeat(40);
    for n in 1..=3 {
        push(&store, "kiosk/2026-11-20", n, &secret).await;
    }
    snapshot(&store, "kiosk/2026-11-20", 2, &secret).await;
    push(&store, "kiosk/2026-11-20", 4, &secret).await;
    store.propose_snapshot("kiosk/2026-11-20", 4, secret.clone(), "p", author("p")).await.expect("proposed");
    push(&store, "day/2026-11-20", 1, b"kept").await;
    let cleared =
        store.clear_docs(&["kiosk/2026-11-20".to_owned(), "kiosk/1999-01-01".to_owned()]).await.expect("cleared");
    assert_eq!(cleared, 1, "one held anything; the other was never stored");
    assert_eq!(backlog(&store, "kiosk/2026-11-20", 0).await, Backlog { head: 4, ..Backlog::default() });
    assert_eq!(store.proposal("kiosk/2026-11-20").await.expect("read"), None);
    assert_eq!(pairs(&backlog(&store, "day/2026-11-20", 0).await.chunks), vec![(1, b"kept".to_vec())]);
    assert_eq!(push(&store, "kiosk/2026-11-20", 5, b"late").await, Appended { seq: 5, fresh: true });
    assert_eq!(store.clear_docs(&["kiosk/2026-11-20".to_owned()]).await.expect("cleared"), 1);
    store.close().await.expect("closes");
    let raw = harness.raw_bytes().await;
    assert!(!raw.windows(secret.len()).any(|w| w == secret.as_slice()), "a cleared chunk is still in the files");
    // Its device's bytes were given back: a device allowed little can push again.
    let limits = StoreLimits { max_bytes_per_device: 100, ..StoreLimits::default() };
    let store = open(&harness, limits, Recorder::default().publisher()).await;
    push(&store, "day/2026-11-21", 1, &[0; 90]).await;
    store.close().await.expect("closes");
}

/// Issue 19: what a business stored before encryption was turned on is listed as in the clear
/// (only in the scopes that seal, only once they do) until sealed snapshots replace it; and once
/// they have, wiping the free space leaves no byte of it in the store's files.
pub async fn bytes_in_the_clear_are_listed_and_leave_no_trace_once_replaced<H: Harness>(harness: H) {
    use frontdesk_protocol::sealed::MAGIC;
    let store = open(&harness, StoreLimits::default(), Recorder::default().publisher()).await;
    let name = b"PATIENTNAMEINTHECLEAR".repeat(20);
    let dropped = b"BYTESINADROPBOX".repeat(20);
    let sealed = |fill: u8| [&MAGIC[..], &[fill; 300][..]].concat();
    for n in 1..=3 {
        push(&store, "clients", n, &name).await;
    }
    push(&store, "inbox/2026-11-20/k1", 1, &dropped).await;
    snapshot(&store, "clients", 2, &name).await;
    store.propose_snapshot("clients", 3, name.clone(), "p", author("p")).await.expect("proposed in the clear");
    assert_eq!(store.in_the_clear().await.expect("listed"), vec![], "nothing seals yet");
    store.new_epochs(&[Scope::Staff, Scope::Inbox], true, "m", 1).await.expect("epochs");
    assert_eq!(store.proposal("clients").await.expect("read"), None, "a proposal in the clear waits no more");
    // Once the scope seals, nothing in the clear is stored, whatever epochs a connection heard.
    assert!(matches!(send(&store, "clients", 9, name.clone(), 7).await, Err(StoreError::InTheClear)));
    assert!(matches!(
        store.propose_snapshot("clients", 3, name.clone(), "p", author("p")).await,
        Err(StoreError::InTheClear)
    ));
    push(&store, "clients", 4, &sealed(1)).await;
    push(&store, "payroll", 1, b"a scope without an epoch").await;
    let listed = store.in_the_clear().await.expect("listed");
    assert_eq!(
        listed,
        vec![
            InTheClear { doc: "clients".into(), chunks: 1, snapshot: true },
            InTheClear { doc: "inbox/2026-11-20/k1".into(), chunks: 1, snapshot: false },
        ],
        "the sealed scopes' documents with bytes in the clear (a proven snapshot emptied two chunks)"
    );
    // A sealed snapshot of the same coverage replaces the one in the clear (an older one never
    // does, nor one of the same coverage once nothing in the clear is left to replace), and one
    // proven over every chunk replaces them all.
    store.propose_snapshot("clients", 1, sealed(3), "p", author("p")).await.expect("an older one is accepted");
    assert_eq!(store.proposal("clients").await.expect("read"), None, "and not kept");
    snapshot(&store, "clients", 2, &sealed(3)).await;
    let listed = store.in_the_clear().await.expect("listed");
    assert_eq!(listed[0], InTheClear { doc: "clients".into(), chunks: 1, snapshot: false });
    store.propose_snapshot("clients", 2, sealed(4), "p", author("p")).await.expect("an equal sealed one is accepted");
    assert_eq!(store.proposal("clients").await.expect("read"), None, "and not kept: nothing in the clear to replace");
    snapshot(&store, "clients", 4, &sealed(2)).await;
    let listed = store.in_the_clear().await.expect("listed");
    assert_eq!(listed.iter().map(|l| l.doc.as_str()).collect::<Vec<_>>(), ["inbox/2026-11-20/k1"]);
    let raw = harness.raw_bytes().await;
    assert!(raw.windows(name.len()).any(|w| w == name.as_slice()), "the replaced bytes linger before the wipe");
    store.wipe_free_space().await.expect("wiped");
    let raw = harness.raw_bytes().await;
    assert!(!raw.windows(name.len()).any(|w| w == name.as_slice()), "a replaced chunk is still in the files");
    assert!(raw.windows(dropped.len()).any(|w| w == dropped.as_slice()), "what is still stored stays");
    assert_eq!(snap(&backlog(&store, "clients", 0).await), Some((4, sealed(2))), "the sealed snapshot stays");
    store.close().await.expect("closes");
}

/// The audit log (#20): every push stored is a line with its device, relay time, seq, size and
/// SHA-256, written with the push (a repeated or refused push adds none); so is every snapshot
/// proposal stored; a read is a line of its own. Lines are filtered by document, device and time,
/// survive a reopen, and only those past the retention time are forgotten.
pub async fn the_audit_log_keeps_who_wrote_and_read_what_and_when<H: Harness>(harness: H) {
    let limits = StoreLimits { max_doc_bytes: 64, ..StoreLimits::default() };
    let store = open(&harness, limits, Box::new(|_| {})).await;
    store.push(chunk_of("d1", "notes/a", 1, b"first".to_vec()), 1).await.expect("pushed");
    store.push(chunk_of("d2", "notes/a", 2, b"second".to_vec()), 2).await.expect("pushed");
    store.push(chunk_of("d2", "notes/b", 3, b"third".to_vec()), 2).await.expect("pushed");
    // The same chunk again stores nothing, and logs nothing.
    store.push(chunk_of("d2", "notes/b", 3, b"third".to_vec()), 2).await.expect("a repeat is acknowledged");
    // A push refused (over the document's quota) is not in the log either.
    let refused = store.push(chunk_of("d1", "notes/b", 4, vec![7; 80]), 1).await;
    assert!(matches!(refused, Err(StoreError::DocTooLarge { .. })), "{refused:?}");
    store.propose_snapshot("notes/a", 2, b"snap".to_vec(), "d3", author("d3")).await.expect("proposed");
    // The proposer's own verdict, and one on other bytes, change nothing and are not logged;
    // another device's proof is.
    let settle = |doc: &'static str, covers: u64, bytes: &'static [u8], checker: &'static str, sound: bool| {
        store.settle_snapshot(doc, covers, digest(bytes), checker, sound)
    };
    assert_eq!(settle("notes/a", 2, b"snap", "d3", true).await.expect("settled"), Settled::OwnProposal);
    assert_eq!(settle("notes/a", 2, b"other", "d1", true).await.expect("settled"), Settled::Stale);
    assert_eq!(settle("notes/a", 2, b"snap", "d1", true).await.expect("settled"), Settled::Proven);
    store.propose_snapshot("notes/b", 1, b"bad".to_vec(), "d2", author("d2")).await.expect("proposed");
    let rejected = settle("notes/b", 1, b"bad", "d1", false).await.expect("settled");
    assert_eq!(rejected, Settled::Rejected { proposer: "d2".into() });
    store.record_read("notes/a", 2, "d3", 5_000).await.expect("read recorded");
    store.record_read("notes/b", 1, "d1", 9_000).await.expect("read recorded");

    let all = store.audit(&AuditQuery::default()).await.expect("the log reads");
    let lines: Vec<(AuditAction, &str, &str, u64, u64)> =
        all.iter().map(|l| (l.action, l.device.as_str(), l.doc.as_str(), l.seq, l.size)).collect();
    assert_eq!(
        lines.iter().filter(|l| l.0 == AuditAction::Push || l.0 == AuditAction::Read).copied().collect::<Vec<_>>(),
        vec![
            (AuditAction::Push, "d1", "notes/a", 1, 5),
            (AuditAction::Push, "d2", "notes/a", 2, 6),
            (AuditAction::Push, "d2", "notes/b", 1, 5),
            (AuditAction::Read, "d3", "notes/a", 2, 0),
            (AuditAction::Read, "d1", "notes/b", 1, 0),
        ],
        "pushes with their device, document, seq and size, then reads, in time order: {all:?}"
    );
    let pushes: Vec<_> = all.iter().filter(|l| l.action == AuditAction::Push).collect();
    assert_eq!(pushes[0].at_ms, 1_001, "a push is logged at the relay time it was received");
    assert_eq!(pushes[0].sha256, Some(digest(b"first")), "a push is logged with the SHA-256 of its bytes");
    assert!(all.iter().filter(|l| l.action == AuditAction::Read).all(|l| l.sha256.is_none()));
    let snap: Vec<_> = all.iter().filter(|l| l.action == AuditAction::Snapshot).collect();
    assert_eq!(snap.len(), 2, "each proposal is logged once: {all:?}");
    assert_eq!((snap[0].device.as_str(), snap[0].seq, snap[0].size), ("d3", 2, 4));
    assert_eq!(snap[0].sha256, Some(digest(b"snap")));
    let verdicts: Vec<_> = all
        .iter()
        .filter(|l| matches!(l.action, AuditAction::Proven | AuditAction::Rejected))
        .map(|l| (l.action, l.device.as_str(), l.doc.as_str(), l.seq, l.sha256))
        .collect();
    assert_eq!(
        verdicts,
        vec![
            (AuditAction::Proven, "d1", "notes/a", 2, Some(digest(b"snap"))),
            (AuditAction::Rejected, "d1", "notes/b", 1, Some(digest(b"bad"))),
        ],
        "the verdicts that counted, by the checker, naming the proposal's bytes"
    );

    let by_doc = store.audit(&AuditQuery { doc: Some("notes/b".into()), ..AuditQuery::default() }).await.expect("read");
    // Its push, its read, the proposal and the verdict on it.
    assert!(by_doc.len() == 4 && by_doc.iter().all(|l| l.doc == "notes/b"), "{by_doc:?}");
    let by_device =
        store.audit(&AuditQuery { device: Some("d2".into()), ..AuditQuery::default() }).await.expect("read");
    // Its two pushes and its proposal.
    assert!(by_device.len() == 3 && by_device.iter().all(|l| l.device == "d2"), "{by_device:?}");
    let since = store.audit(&AuditQuery { since_ms: Some(5_000), ..AuditQuery::default() }).await.expect("read");
    assert!(since.iter().all(|l| l.at_ms >= 5_000) && since.len() >= 2, "{since:?}");
    let both = AuditQuery { doc: Some("notes/a".into()), device: Some("d3".into()), since_ms: Some(4_000) };
    let both = store.audit(&both).await.expect("read");
    // The proposal is logged at the store's own relay time (now), after the reads' given times.
    assert_eq!(
        both.iter().map(|l| l.action).collect::<Vec<_>>(),
        vec![AuditAction::Read, AuditAction::Snapshot],
        "{both:?}"
    );

    // Kept across a reopen; forgetting drops only what is older than the retention time.
    store.close().await.expect("closed");
    let store = open(&harness, limits, Box::new(|_| {})).await;
    assert_eq!(store.audit(&AuditQuery::default()).await.expect("read").len(), all.len(), "kept across a reopen");
    let forgotten = store.prune_audit(1_003).await.expect("pruned");
    assert_eq!(forgotten, 2, "the two pushes received before the retention time");
    let left = store.audit(&AuditQuery::default()).await.expect("read");
    assert!(left.iter().all(|l| l.at_ms >= 1_003) && left.len() == all.len() - 2, "{left:?}");
    store.close().await.expect("closed");
}

/// Device `dev`'s re-base of `doc` built on `after_seq`, received at relay time 50 000.
fn rebase_of(dev: &str, doc: &str, after_seq: u64, bytes: &[u8]) -> Rebase {
    Rebase {
        doc: doc.to_owned(),
        after_seq,
        bytes: bytes.to_vec(),
        device: dev.to_owned(),
        at_ms: 50_000,
        author: author(dev),
    }
}

/// Device `m1`'s re-base of `doc` built on `after_seq`, for connection 9; the seq it covers.
async fn rebase(store: &impl Store, doc: &str, after_seq: u64, bytes: &[u8]) -> u64 {
    let rebased = store.rebase(rebase_of("m1", doc, after_seq, bytes), 9).await;
    rebased.unwrap_or_else(|e| panic!("re-base of {doc}: {e}")).unwrap_or_else(|e| panic!("re-base of {doc}: {e}"))
}

/// A re-base replaces every chunk, the snapshot and the waiting proposal with its fresh bytes,
/// covering the seq after the head; the log goes on after it. A backlog from before it serves it
/// (or a snapshot proven since) marked as a re-base, one from at or after it is ordinary. It is
/// published once, in its place in the document's sequence, and all of it survives a reopen.
pub async fn a_rebase_replaces_everything_and_is_served_as_one_to_subscribers_before_it<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let store = open(&harness, StoreLimits::default(), recorder.publisher()).await;
    for n in 1..=5 {
        push(&store, "clients", n, &[n as u8; 4]).await;
    }
    snapshot(&store, "clients", 2, b"up to 2").await;
    store.propose_snapshot("clients", 4, b"up to 4".to_vec(), "p", author("p")).await.expect("proposed");
    assert_eq!(store.rebased_at("clients").await.expect("read"), 0, "never re-based");
    assert_eq!(rebase(&store, "clients", 5, b"fresh").await, 6, "it covers the seq after the head");
    assert_eq!(store.rebased_at("clients").await.expect("read"), 6);
    assert_eq!(store.rebased_at("day/none").await.expect("read"), 0, "a document that does not exist");
    assert_eq!(store.proposal("clients").await.expect("read"), None, "the waiting proposal is gone");
    let fresh = Some((6, b"fresh".to_vec()));
    for cursor in [0, 2, 5] {
        let before = backlog(&store, "clients", cursor).await;
        assert_eq!((snap(&before), before.chunks.len(), before.head, before.rebased), (fresh.clone(), 0, 6, true));
        assert_eq!(before.snapshot.map(|s| s.2), Some(author("m1")), "served with its author");
    }
    let at = backlog(&store, "clients", 6).await;
    assert_eq!(at, Backlog { head: 6, ..Backlog::default() }, "nothing to serve at it");

    assert_eq!(push(&store, "clients", 6, b"on top").await, Appended { seq: 7, fresh: true }, "the log goes on");
    let on_top = vec![(7, b"on top".to_vec())];
    let behind = backlog(&store, "clients", 3).await;
    assert_eq!((snap(&behind), pairs(&behind.chunks), behind.rebased), (fresh.clone(), on_top.clone(), true));
    let after = backlog(&store, "clients", 6).await;
    assert_eq!((snap(&after), pairs(&after.chunks), after.rebased), (None, on_top, false));
    // A snapshot proven over it later takes its place: still a re-base to a subscriber before it,
    // an ordinary snapshot to one after it.
    snapshot(&store, "clients", 7, b"up to 7").await;
    let behind = backlog(&store, "clients", 5).await;
    assert_eq!((snap(&behind), behind.rebased), (Some((7, b"up to 7".to_vec())), true));
    let between = backlog(&store, "clients", 6).await;
    assert_eq!((snap(&between), between.rebased), (Some((7, b"up to 7".to_vec())), false));

    let published: Vec<(u64, bool, u64)> = recorder.seen().iter().map(|p| (p.seq, p.rebase, p.origin)).collect();
    let mut expected: Vec<(u64, bool, u64)> = (1..=5).map(|seq| (seq, false, 7)).collect();
    expected.extend([(6, true, 9), (7, false, 7)]);
    assert_eq!(published, expected, "published once, in sequence order, for the connection that sent it");
    let published = recorder.seen().into_iter().find(|p| p.rebase).expect("the re-base was published");
    assert_eq!((published.bytes.as_slice(), published.new_doc), (b"fresh".as_slice(), false));

    store.close().await.expect("the store closes");
    drop(store);
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert_eq!(store.rebased_at("clients").await.expect("read"), 6, "kept across a reopen");
    let behind = backlog(&store, "clients", 5).await;
    assert_eq!((snap(&behind), behind.rebased), (Some((7, b"up to 7".to_vec())), true));
    store.close().await.expect("the store closes");
}

/// The heads the replaced chunks declared go with them (the fresh bytes do not hold them): a
/// snapshot proposed afterwards must contain only the heads of the chunks pushed since.
pub async fn a_rebase_forgets_the_heads_of_the_chunks_it_replaced<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    for n in 1..=3 {
        push(&store, "day/d", n, &[n as u8]).await;
    }
    // Chunks under a proven snapshot keep their heads without their bytes: those go too.
    snapshot(&store, "day/d", 2, b"up to 2").await;
    assert_eq!(rebase(&store, "day/d", 3, b"fresh").await, 4);
    assert_eq!(push(&store, "day/d", 10, b"ten").await.seq, 5);
    assert_eq!(push(&store, "day/d", 11, b"eleven").await.seq, 6);
    store.propose_snapshot("day/d", 6, b"up to 6".to_vec(), "p", author("p")).await.expect("proposed");
    let waiting = store.proposal("day/d").await.expect("read").expect("waiting");
    assert_eq!(waiting.must_contain, vec![head(10), head(11)], "only the chunks pushed since the re-base");
    store.close().await.expect("the store closes");
}

/// A re-base built on another head than the document's — one it has moved past, one it never
/// reached — is refused and changes nothing: no byte, no seq, no audit line, nothing published.
/// So is one of a document that does not exist.
pub async fn a_rebase_on_another_head_is_refused_and_changes_nothing<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let store = open(&harness, StoreLimits::default(), recorder.publisher()).await;
    for n in 1..=3 {
        push(&store, "clients", n, &[n as u8]).await;
    }
    store.propose_snapshot("clients", 2, b"up to 2".to_vec(), "p", author("p")).await.expect("proposed");
    let before = backlog(&store, "clients", 0).await;
    for after_seq in [2, 4, 0] {
        let refused = store.rebase(rebase_of("m1", "clients", after_seq, b"fresh"), 9).await.expect("answered");
        assert_eq!(refused, Err(Moved { after_seq, head: 3 }));
    }
    let unknown = store.rebase(rebase_of("m1", "day/none", 0, b"fresh"), 9).await;
    assert!(matches!(unknown, Err(StoreError::UnknownDoc(_))), "{unknown:?}");
    assert_eq!(backlog(&store, "clients", 0).await, before, "nothing changed");
    assert_eq!(backlog(&store, "day/none", 0).await, Backlog::default(), "no document made");
    assert_eq!(store.rebased_at("clients").await.expect("read"), 0);
    assert_eq!(store.proposal("clients").await.expect("read").map(|p| p.covers_seq), Some(2), "still waiting");
    let log = store.audit(&AuditQuery::default()).await.expect("read");
    assert!(log.iter().all(|l| l.action != AuditAction::Rebase), "a refused re-base is not logged: {log:?}");
    assert_eq!(recorder.seen().len(), 3, "nor published");
    assert_eq!(push(&store, "clients", 4, b"four").await.seq, 4, "the log goes on where it was");
    store.close().await.expect("the store closes");
}

/// After a re-base a push or a proposal made on what was read before it is refused
/// ([`StoreError::Rebased`]) — also when it was queued right behind the re-base, before its
/// commit — and stores, logs and publishes nothing; one made on a subscribe at or after it, or
/// one that stands alone, is taken and continues its sequence.
pub async fn writes_made_before_a_rebase_are_refused_even_queued_behind_it<H: Harness>(harness: H) {
    let recorder = Recorder::default();
    let store = open(&harness, StoreLimits::default(), recorder.publisher()).await;
    push(&store, "clients", 1, b"one").await;
    push(&store, "clients", 2, b"two").await;
    let old = b"made on the old history".to_vec();
    let rebased = store.rebase(rebase_of("m1", "clients", 2, b"fresh"), 9);
    let stale = store.push_on(chunk_of("d2", "clients", 3, old.clone()), 8, Basis::Subscribed(2));
    let alone = store.push_on(chunk_of("d3", "clients", 4, b"alone".to_vec()), 8, Basis::Alone);
    assert_eq!(rebased.await.expect("answered"), Ok(3));
    let stale = stale.await;
    assert!(matches!(stale, Err(StoreError::Rebased { at: 3 })), "{stale:?}");
    assert_eq!(alone.await.expect("a change that stands alone is taken").seq, 4);
    let never = store.push_on(chunk_of("d2", "clients", 5, old.clone()), 8, Basis::Subscribed(0)).await;
    assert!(matches!(never, Err(StoreError::Rebased { at: 3 })), "{never:?}");
    let on_it = store.push_on(chunk_of("d2", "clients", 6, b"six".to_vec()), 8, Basis::Subscribed(3)).await;
    assert_eq!(on_it.expect("made on the re-base").seq, 5);
    let later = store.push_on(chunk_of("d2", "clients", 7, b"seven".to_vec()), 8, Basis::Subscribed(4)).await;
    assert_eq!(later.expect("made after it").seq, 6);
    let elsewhere = store.push_on(chunk_of("d2", "day/d", 1, b"x".to_vec()), 8, Basis::Subscribed(0)).await;
    assert_eq!(elsewhere.expect("a document never re-based").seq, 1);

    let stale = store.propose_snapshot_on("clients", 6, old.clone(), "d2", author("d2"), Basis::Subscribed(2)).await;
    assert!(matches!(stale, Err(StoreError::Rebased { at: 3 })), "{stale:?}");
    assert_eq!(store.proposal("clients").await.expect("read"), None, "a stale proposal is not kept");
    store
        .propose_snapshot_on("clients", 6, b"up to 6".to_vec(), "d2", author("d2"), Basis::Subscribed(3))
        .await
        .expect("a proposal made on the re-base");
    assert_eq!(store.proposal("clients").await.expect("read").map(|p| p.covers_seq), Some(6));

    let served = backlog(&store, "clients", 0).await;
    let seqs: Vec<u64> = served.chunks.iter().map(|c| c.seq).collect();
    assert_eq!((snap(&served), seqs), (Some((3, b"fresh".to_vec())), vec![4, 5, 6]));
    assert!(served.chunks.iter().all(|c| c.bytes != old), "nothing refused is stored");
    let logged = store.audit(&AuditQuery { device: Some("d2".into()), ..AuditQuery::default() }).await.expect("read");
    let logged: Vec<(AuditAction, u64)> = logged.iter().map(|l| (l.action, l.seq)).collect();
    // In relay time: the chunks' own (day/d's first), then the proposal's (now).
    let expected =
        vec![(AuditAction::Push, 1), (AuditAction::Push, 5), (AuditAction::Push, 6), (AuditAction::Snapshot, 6)];
    assert_eq!(logged, expected, "nothing refused is logged");
    let published: Vec<u64> = recorder.seen().iter().filter(|p| p.doc == "clients").map(|p| p.seq).collect();
    assert_eq!(published, [1, 2, 3, 4, 5, 6], "nor published");
    store.close().await.expect("the store closes");
}

/// Once a re-base has resolved, no byte of what it replaced — chunks, the proven snapshot, the
/// waiting proposal — is left in the store's files; the fresh bytes are.
pub async fn a_rebase_leaves_no_byte_of_the_old_history_in_the_files<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Recorder::default().publisher()).await;
    let gone = b"GONEFORGOODAFTERAREBASE".repeat(40);
    for n in 1..=3 {
        push(&store, "clients", n, &gone).await;
    }
    snapshot(&store, "clients", 2, &[&gone[..], b" up to 2"].concat()).await;
    push(&store, "clients", 4, &gone).await;
    store.propose_snapshot("clients", 4, [&gone[..], b" up to 4"].concat(), "p", author("p")).await.expect("proposed");
    push(&store, "day/d", 1, b"another document").await;
    let raw = harness.raw_bytes().await;
    assert!(raw.windows(gone.len()).any(|w| w == gone.as_slice()), "the bytes are in the files before");
    let fresh = b"FRESHDOCUMENTWITHOUTTHEM".repeat(10);
    assert_eq!(rebase(&store, "clients", 4, &fresh).await, 5);
    let raw = harness.raw_bytes().await;
    assert!(!raw.windows(gone.len()).any(|w| w == gone.as_slice()), "a replaced byte is still in the files");
    assert!(raw.windows(fresh.len()).any(|w| w == fresh.as_slice()), "the fresh bytes are stored");
    store.close().await.expect("the store closes");
    let raw = harness.raw_bytes().await;
    assert!(!raw.windows(gone.len()).any(|w| w == gone.as_slice()), "nor once closed");
    assert_eq!(pairs(&backlog(&store, "day/d", 0).await.chunks), vec![(1, b"another document".to_vec())]);
}

/// A re-base is a line of the audit log (device, relay time, seq, size, SHA-256) written with
/// it. Its bytes count as a snapshot's — against the document's size, not the device's quota —
/// and the bytes of the chunks it replaced no longer count for the devices that pushed them.
pub async fn a_rebase_is_logged_and_counted_as_a_snapshot<H: Harness>(harness: H) {
    let limits = StoreLimits { max_bytes_per_device: 100, max_doc_bytes: 120, ..StoreLimits::default() };
    let store = open(&harness, limits, Box::new(|_| {})).await;
    let push_as = |dev: &'static str, doc: &'static str, n: u32, len: usize| {
        let store = &store;
        async move { store.push(chunk_of(dev, doc, n, vec![n as u8; len]), 1).await }
    };
    push_as("d1", "clients", 1, 90).await.expect("pushed");
    let full = push_as("d1", "clients", 2, 20).await;
    assert!(matches!(full, Err(StoreError::QuotaExceeded { what: "bytes", .. })), "{full:?}");
    let too_big = store.rebase(rebase_of("m1", "clients", 1, &[0; 121]), 9).await;
    assert!(matches!(too_big, Err(StoreError::DocTooLarge { limit: 120 })), "{too_big:?}");
    let fresh = [7u8; 30];
    assert_eq!(rebase(&store, "clients", 1, &fresh).await, 2);
    push_as("d1", "clients", 3, 90).await.expect("the replaced chunk's bytes were given back");
    let over = push_as("d2", "clients", 4, 1).await;
    assert!(matches!(over, Err(StoreError::DocTooLarge { limit: 120 })), "the fresh bytes count: {over:?}");
    push_as("m1", "day/d", 5, 100).await.expect("the re-base is not charged to its device");

    let lines = store.audit(&AuditQuery { doc: Some("clients".into()), ..AuditQuery::default() }).await.expect("read");
    let rebases: Vec<_> = lines.iter().filter(|l| l.action == AuditAction::Rebase).collect();
    assert_eq!(rebases.len(), 1, "one line, for the re-base stored: {lines:?}");
    let line = rebases[0];
    assert_eq!((line.device.as_str(), line.at_ms, line.seq, line.size), ("m1", 50_000, 2, 30));
    assert_eq!(line.sha256, Some(digest(&fresh)));
    let by_device = store.audit(&AuditQuery { device: Some("m1".into()), ..AuditQuery::default() }).await;
    let actions: Vec<AuditAction> = by_device.expect("read").iter().map(|l| l.action).collect();
    assert_eq!(actions, [AuditAction::Push, AuditAction::Rebase], "in relay time");
    assert_eq!(AuditAction::parse("rebase"), Some(AuditAction::Rebase));
    store.close().await.expect("the store closes");
}

/// The audit log's lines of `action`.
async fn lines_of(store: &impl Store, action: AuditAction) -> Vec<super::AuditEntry> {
    let all = store.audit(&AuditQuery::default()).await.expect("the audit log is read");
    all.into_iter().filter(|l| l.action == action).collect()
}

/// Retention rules: none at first; kept across a close and reopen; the same rules set again
/// change nothing and are not logged again, a change is logged with the device that made it and
/// how many rules; a write called before the rules is committed once they resolve.
pub async fn retention_rules_survive_a_reopen_and_only_a_change_is_logged<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert_eq!(store.retention().await.expect("read"), Retention::default(), "no rules at first");
    let rules = Retention::new([Rule { area: Area::Messages, days: 365 }, Rule { area: Area::Inbox, days: 30 }])
        .expect("rules");
    let before = send(&store, "messages/2020-01", 1, b"called before the rules".to_vec(), 7);
    assert!(store.set_retention(&rules, "m1", 10_000).await.expect("set"), "new rules change something");
    assert_eq!(backlog(&store, "messages/2020-01", 0).await.head, 1, "a write called before them is committed");
    before.await.expect("pushed");
    assert!(!store.set_retention(&rules, "m2", 11_000).await.expect("set again"), "the same rules again");
    assert_eq!(store.retention().await.expect("read"), rules);
    let logged = lines_of(&store, AuditAction::Retention).await;
    assert_eq!(logged.len(), 1, "one line for one change: {logged:?}");
    let line = &logged[0];
    assert_eq!((line.device.as_str(), line.at_ms, line.doc.as_str(), line.size), ("m1", 10_000, "retention", 2));
    assert_eq!(line.sha256, None);
    store.close().await.expect("the store closes");
    drop(store);

    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert_eq!(store.retention().await.expect("read"), rules, "the rules survive a reopen");
    assert!(!store.set_retention(&rules, "m1", 12_000).await.expect("set"), "still the same rules");
    let fewer = Retention::new([Rule { area: Area::Inbox, days: 30 }]).expect("rules");
    assert!(store.set_retention(&fewer, "m2", 13_000).await.expect("set"));
    assert!(store.set_retention(&Retention::default(), "m1", 14_000).await.expect("set"), "no rules at all");
    assert_eq!(store.retention().await.expect("read"), Retention::default());
    let logged: Vec<(String, i64, u64)> =
        lines_of(&store, AuditAction::Retention).await.into_iter().map(|l| (l.device, l.at_ms, l.size)).collect();
    assert_eq!(logged, [("m1".into(), 10_000, 2), ("m2".into(), 13_000, 1), ("m1".into(), 14_000, 0)]);
    assert_eq!(AuditAction::parse("retention"), Some(AuditAction::Retention));
    store.close().await.expect("the store closes");
}

/// Expired documents are emptied like cleared ones — nothing served, no chunk, snapshot or
/// proposal left in the store's files once `expire_docs` resolves, their pushers' bytes given
/// back, their name and sequence kept — with one `expire` line each (no device, the head, the
/// bytes held), none for a document that held nothing; other documents are untouched.
pub async fn expired_documents_leave_nothing_and_free_their_bytes<H: Harness>(harness: H) {
    let limits = StoreLimits { max_bytes_per_device: 2_000, ..StoreLimits::default() };
    let store = open(&harness, limits, Recorder::default().publisher()).await;
    let secret = b"EXPIREDMESSAGESOFLASTYEAR".repeat(32);
    let doc = "messages/2020-01";
    push(&store, doc, 1, &secret).await;
    push(&store, doc, 2, &secret).await;
    let snapshot_bytes = [&secret[..], b" up to 1"].concat();
    snapshot(&store, doc, 1, &snapshot_bytes).await;
    push(&store, doc, 3, &secret).await;
    store.propose_snapshot(doc, 3, [&secret[..], b" up to 3"].concat(), "p", author("p")).await.expect("proposed");
    store.push(chunk_of("d2", "messages/2020-02", 1, b"kept".to_vec()), 7).await.expect("pushed");
    let held = backlog(&store, doc, 0).await;
    assert_eq!(held.chunks.len(), 2);
    let over = store.push(chunk_of("d1", "day/2020-01-01", 9, vec![0; 1_000]), 7).await;
    assert!(matches!(over, Err(StoreError::QuotaExceeded { what: "bytes", .. })), "d1 holds 1,600 bytes: {over:?}");
    let raw = harness.raw_bytes().await;
    assert!(raw.windows(secret.len()).any(|w| w == secret.as_slice()), "the bytes are in the files before");

    let never = "messages/1999-01".to_owned();
    assert_eq!(store.expire_docs(&[doc.to_owned(), never.clone()], 77_000).await.expect("expired"), 1);
    let raw = harness.raw_bytes().await;
    assert!(!raw.windows(secret.len()).any(|w| w == secret.as_slice()), "an expired byte is still in the files");
    assert_eq!(backlog(&store, doc, 0).await, Backlog { head: 3, ..Backlog::default() }, "its sequence stays");
    assert_eq!(store.proposal(doc).await.expect("read"), None);
    assert_eq!(pairs(&backlog(&store, "messages/2020-02", 0).await.chunks), vec![(1, b"kept".to_vec())]);
    let logged = lines_of(&store, AuditAction::Expire).await;
    assert_eq!(logged.len(), 1, "one line, for the document that held anything: {logged:?}");
    let line = &logged[0];
    let size = (2 * secret.len() + snapshot_bytes.len()) as u64;
    assert_eq!((line.device.as_str(), line.at_ms, line.doc.as_str(), line.seq, line.size), ("", 77_000, doc, 3, size));
    assert_eq!(line.sha256, None);
    // Emptied again (every hourly sweep lists it): nothing more to empty, nothing logged.
    assert_eq!(store.expire_docs(&[doc.to_owned()], 78_000).await.expect("expired"), 0);
    assert_eq!(lines_of(&store, AuditAction::Expire).await.len(), 1);
    // Its pusher's bytes were given back.
    store.push(chunk_of("d1", "day/2020-01-01", 9, vec![0; 1_900]), 7).await.expect("room made by the expiry");
    assert_eq!(AuditAction::parse("expire"), Some(AuditAction::Expire));
    store.close().await.expect("the store closes");
    let raw = harness.raw_bytes().await;
    assert!(!raw.windows(secret.len()).any(|w| w == secret.as_slice()), "nor once closed");
}

/// When the relay stored each chunk (#20: a record's History shows it), found by chunk id in the
/// audit log: a push line keeps its chunk's id (no other line has one), and a pushed chunk's
/// time is the one its line and its stored chunk have. An id never pushed, or pushed to another
/// document, is left out; each id is answered once, in the order asked. A re-base (or a document
/// emptied) deletes the chunks, not the log: their times are still found after it, and an id
/// pushed again after it keeps its first time. Kept across a reopen.
pub async fn when_a_chunk_was_stored_is_found_by_its_id_and_survives_a_rebase<H: Harness>(harness: H) {
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    // (chunk, time) of each answer; who pushed is checked at the end.
    let when = |found: Vec<StoredChunk>| found.into_iter().map(|s| (s.chunk, s.at_ms)).collect::<Vec<_>>();
    // Received at relay times 1 001, 1 002 and 1 003.
    push(&store, "clients", 1, b"one").await;
    push(&store, "clients", 2, b"two").await;
    push(&store, "day/d", 3, b"three").await;
    store.record_read("clients", 2, "d3", 5_000).await.expect("read recorded");
    snapshot(&store, "day/d", 1, b"up to 1").await;

    let lines = store.audit(&AuditQuery::default()).await.expect("the log reads");
    let pushes: Vec<(&str, Option<ChunkId>, i64)> =
        lines.iter().filter(|l| l.action == AuditAction::Push).map(|l| (l.doc.as_str(), l.chunk, l.at_ms)).collect();
    assert_eq!(
        pushes,
        [("clients", Some(chunk(1)), 1_001), ("clients", Some(chunk(2)), 1_002), ("day/d", Some(chunk(3)), 1_003)],
        "a push line keeps its chunk's id: {lines:?}"
    );
    assert!(lines.iter().all(|l| (l.action == AuditAction::Push) == l.chunk.is_some()), "only pushes: {lines:?}");
    let stored = backlog(&store, "clients", 0).await;
    let times: Vec<i64> = stored.chunks.iter().map(|c| c.at_ms).collect();
    assert_eq!(times, [1_001, 1_002], "the stored chunks' own times");

    let asked = [chunk(2), chunk(9), chunk(3), chunk(1), chunk(2)];
    let expected = vec![(chunk(2), 1_002), (chunk(1), 1_001)];
    let found = when(store.stored_at("clients", &asked).await.expect("read"));
    assert_eq!(found, expected, "in the order asked, once each; unknown and day/d's ids left out");
    assert_eq!(
        when(store.stored_at("day/d", &asked).await.expect("read")),
        [(chunk(3), 1_003)],
        "under a snapshot too"
    );
    assert!(store.stored_at("day/none", &asked).await.expect("read").is_empty(), "a document that does not exist");
    assert!(store.stored_at("clients", &[]).await.expect("read").is_empty(), "nothing asked");

    // A re-base deletes the chunks, not the audit log.
    assert_eq!(rebase(&store, "clients", 2, b"fresh").await, 3);
    assert!(backlog(&store, "clients", 0).await.chunks.is_empty(), "the chunks are gone");
    assert_eq!(when(store.stored_at("clients", &asked).await.expect("read")), expected, "their times are not");
    // The id is free again once its chunk is gone: pushed again, it has a second line, and its
    // first time stays the answer.
    let again = NewChunk { at_ms: 60_000, ..chunk_of("d2", "clients", 1, b"one again".to_vec()) };
    assert_eq!(store.push(again, 7).await.expect("pushed"), Appended { seq: 4, fresh: true });
    let lines = store.audit(&AuditQuery { doc: Some("clients".into()), ..AuditQuery::default() }).await;
    let of_one: Vec<i64> = lines.expect("read").iter().filter(|l| l.chunk == Some(chunk(1))).map(|l| l.at_ms).collect();
    assert_eq!(of_one, [1_001, 60_000], "a line per push");
    assert_eq!(when(store.stored_at("clients", &[chunk(1)]).await.expect("read")), [(chunk(1), 1_001)], "the first");
    // Nor does emptying a document forget when its chunks were stored.
    assert_eq!(store.clear_docs(&["day/d".to_owned()]).await.expect("cleared"), 1);
    assert_eq!(when(store.stored_at("day/d", &[chunk(3)]).await.expect("read")), [(chunk(3), 1_003)]);

    store.close().await.expect("the store closes");
    drop(store);
    let store = open(&harness, StoreLimits::default(), Box::new(|_| {})).await;
    assert_eq!(when(store.stored_at("clients", &asked).await.expect("read")), expected, "kept across a reopen");

    // Who pushed: the device its push line names, with the key it registered with; a device the
    // registry does not know has no key to give.
    let tablet = store.add_device("Desk 2", Role::Staff, [42; 32]).await.expect("device added");
    let theirs = NewChunk { at_ms: 70_000, ..chunk_of(&tablet, "clients", 5, b"five".to_vec()) };
    assert_eq!(store.push(theirs, 7).await.expect("pushed"), Appended { seq: 5, fresh: true });
    let found = store.stored_at("clients", &[chunk(5), chunk(2)]).await.expect("read");
    let who: Vec<(ChunkId, &str, &str, &[u8])> =
        found.iter().map(|s| (s.chunk, s.by.device.as_str(), s.by.name.as_str(), &s.by.key[..])).collect();
    assert_eq!(who, [(chunk(5), tablet.as_str(), "Desk 2", &[42; 32][..]), (chunk(2), "d1", "", &[][..])]);
    // Who re-based it last: the re-base above was m1's (no key registered), and a document
    // never re-based has no one.
    assert_eq!(
        store.rebased_by("clients").await.expect("read"),
        Some(Signer { device: "m1".into(), name: String::new(), key: vec![] })
    );
    assert_eq!(store.rebased_by("day/d").await.expect("read"), None);
    assert_eq!(store.rebased_by("day/none").await.expect("read"), None);
    let office = store.add_device("Office", Role::Manager, [43; 32]).await.expect("device added");
    let fresh = rebase_of(&office, "clients", 5, b"fresh again");
    assert_eq!(store.rebase(fresh, 7).await.expect("re-based"), Ok(6));
    assert_eq!(
        store.rebased_by("clients").await.expect("read"),
        Some(Signer { device: office, name: "Office".into(), key: vec![43; 32] })
    );
    store.close().await.expect("the store closes");
}
