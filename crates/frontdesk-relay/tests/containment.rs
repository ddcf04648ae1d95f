//! A panic while serving one device ends that device's connection, not the relay: the other
//! devices keep syncing and new ones connect. (The release profile unwinds for this: no
//! `panic = "abort"` in Cargo.toml, held by the last test here.)

use std::sync::Arc;
use std::time::Duration;

use frontdesk_protocol::{ChunkId, ClientMsg, Epoch, Head, PairRefusal, Role, Scope, ServerMsg};
use frontdesk_relay::pairing::Credential;
use frontdesk_relay::store::{
    Appended, Backlog, Basis, Device, DeviceKey, Moved, NewChunk, PairingKeys, PairingOffer, Proposal, PublicKey,
    Rebase, Settled, SqliteStore, Store, StoreFuture, StoreLimits,
};
use frontdesk_relay::{Config, Relay};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

/// The document whose push makes the store panic.
const POISON: &str = "day/2026-12-05";

/// A SQLite store that panics when asked to store a chunk of [`POISON`]: a stand-in for any bug
/// a device's request could reach.
struct Panicky(SqliteStore);

impl Store for Panicky {
    fn push_on(&self, chunk: NewChunk, origin: u64, basis: Basis) -> StoreFuture<'static, Appended> {
        assert!(chunk.doc != POISON, "a bug reached by one device's push");
        self.0.push_on(chunk, origin, basis)
    }
    fn propose_snapshot_on(
        &self,
        doc: &str,
        covers_seq: u64,
        bytes: Vec<u8>,
        device: &str,
        author: frontdesk_protocol::Author,
        basis: Basis,
    ) -> StoreFuture<'static, ()> {
        self.0.propose_snapshot_on(doc, covers_seq, bytes, device, author, basis)
    }
    fn rebase(&self, rebase: Rebase, origin: u64) -> StoreFuture<'static, Result<u64, Moved>> {
        self.0.rebase(rebase, origin)
    }
    fn rebased_at<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, u64> {
        self.0.rebased_at(doc)
    }
    fn proposal<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, Option<Proposal>> {
        self.0.proposal(doc)
    }
    fn settle_snapshot(
        &self,
        doc: &str,
        covers_seq: u64,
        digest: [u8; 32],
        checker: &str,
        sound: bool,
    ) -> StoreFuture<'static, Settled> {
        self.0.settle_snapshot(doc, covers_seq, digest, checker, sound)
    }
    fn backlog<'a>(&'a self, doc: &'a str, after_seq: u64) -> StoreFuture<'a, Backlog> {
        self.0.backlog(doc, after_seq)
    }
    fn docs_with_prefix<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, Vec<String>> {
        self.0.docs_with_prefix(prefix)
    }
    fn doc_count(&self) -> StoreFuture<'_, u64> {
        self.0.doc_count()
    }
    fn add_devices<'a>(&'a self, devices: &'a [(&'a str, Role, PublicKey)]) -> StoreFuture<'a, Vec<String>> {
        self.0.add_devices(devices)
    }
    fn rename_device<'a>(&'a self, id: &'a str, name: &'a str) -> StoreFuture<'a, bool> {
        self.0.rename_device(id, name)
    }
    fn device_seen<'a>(&'a self, id: &'a str, at_ms: i64) -> StoreFuture<'a, ()> {
        self.0.device_seen(id, at_ms)
    }
    fn device_key<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<DeviceKey>> {
        self.0.device_key(id)
    }
    fn create_pairing<'a>(&'a self, code_sha256: Head, offer: PairingOffer, now_ms: i64) -> StoreFuture<'a, ()> {
        self.0.create_pairing(code_sha256, offer, now_ms)
    }
    fn preview_pairing<'a>(
        &'a self,
        code_sha256: Head,
        now_ms: i64,
    ) -> StoreFuture<'a, Result<PairingOffer, PairRefusal>> {
        self.0.preview_pairing(code_sha256, now_ms)
    }
    fn redeem_pairing<'a>(
        &'a self,
        code_sha256: Head,
        keys: PairingKeys,
        now_ms: i64,
    ) -> StoreFuture<'a, Result<(Device, PairingOffer), PairRefusal>> {
        self.0.redeem_pairing(code_sha256, keys, now_ms)
    }
    fn epochs(&self) -> StoreFuture<'_, Vec<Epoch>> {
        self.0.epochs()
    }
    fn new_epochs<'a>(
        &'a self,
        scopes: &'a [Scope],
        first: bool,
        device: &'a str,
        at_ms: i64,
    ) -> StoreFuture<'a, (bool, Vec<Epoch>)> {
        self.0.new_epochs(scopes, first, device, at_ms)
    }
    fn devices(&self) -> StoreFuture<'_, Vec<Device>> {
        self.0.devices()
    }
    fn revoke_device<'a>(&'a self, id: &'a str, floors: &'a [Epoch]) -> StoreFuture<'a, bool> {
        self.0.revoke_device(id, floors)
    }
    fn floors(&self) -> StoreFuture<'_, Vec<Epoch>> {
        self.0.floors()
    }
    fn clear_docs<'a>(&'a self, docs: &'a [String]) -> StoreFuture<'a, u64> {
        self.0.clear_docs(docs)
    }
    fn retention(&self) -> StoreFuture<'_, frontdesk_protocol::Retention> {
        self.0.retention()
    }
    fn set_retention(
        &self,
        retention: &frontdesk_protocol::Retention,
        device: &str,
        at_ms: i64,
    ) -> StoreFuture<'static, bool> {
        self.0.set_retention(retention, device, at_ms)
    }
    fn expire_docs<'a>(&'a self, docs: &'a [String], at_ms: i64) -> StoreFuture<'a, u64> {
        self.0.expire_docs(docs, at_ms)
    }
    fn revoked_devices(&self) -> StoreFuture<'_, Vec<String>> {
        self.0.revoked_devices()
    }
    fn integrity_check(&self) -> StoreFuture<'_, ()> {
        self.0.integrity_check()
    }
    fn in_the_clear(&self) -> StoreFuture<'_, Vec<frontdesk_relay::store::InTheClear>> {
        self.0.in_the_clear()
    }
    fn wipe_free_space(&self) -> StoreFuture<'_, ()> {
        self.0.wipe_free_space()
    }
    fn record_read(&self, doc: &str, head: u64, device: &str, at_ms: i64) -> StoreFuture<'static, ()> {
        self.0.record_read(doc, head, device, at_ms)
    }
    fn audit<'a>(
        &'a self,
        query: &'a frontdesk_relay::store::AuditQuery,
    ) -> StoreFuture<'a, Vec<frontdesk_relay::store::AuditEntry>> {
        self.0.audit(query)
    }
    fn stored_at<'a>(
        &'a self,
        doc: &'a str,
        chunks: &'a [ChunkId],
    ) -> StoreFuture<'a, Vec<frontdesk_protocol::StoredChunk>> {
        self.0.stored_at(doc, chunks)
    }
    fn rebased_by<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, Option<frontdesk_protocol::Signer>> {
        self.0.rebased_by(doc)
    }
    fn prune_audit(&self, before_ms: i64) -> StoreFuture<'_, u64> {
        self.0.prune_audit(before_ms)
    }
    fn close(&self) -> StoreFuture<'_, ()> {
        self.0.close()
    }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(addr: std::net::SocketAddr, cred: &Credential) -> Ws {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await.unwrap();
    let Some(ServerMsg::Challenge { nonce }) = recv(&mut ws).await else { panic!("no challenge") };
    send(&mut ws, cred.hello(&nonce)).await;
    match recv(&mut ws).await {
        Some(ServerMsg::Welcome { .. }) => ws,
        other => panic!("expected Welcome, got {other:?}"),
    }
}

async fn send(ws: &mut Ws, msg: ClientMsg) {
    ws.send(Message::Binary(msg.encode().into())).await.unwrap();
}

/// The next message, or `None` once the socket is closed or broken.
async fn recv(ws: &mut Ws) -> Option<ServerMsg> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("an answer in time");
        match msg {
            Some(Ok(Message::Binary(bytes))) => return Some(ServerMsg::decode(&bytes).expect("a valid frame")),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
            Some(Ok(other)) => panic!("unexpected {other:?}"),
        }
    }
}

fn push(doc: &str, n: u8) -> ClientMsg {
    ClientMsg::Push { doc: doc.into(), chunk_id: ChunkId([n; 16]), bytes: vec![n], heads: vec![], signature: vec![] }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_serving_one_device_ends_its_connection_only() {
    let data = tempfile::tempdir().unwrap();
    let config = Config::new(data.path().to_owned());
    let shutdown = CancellationToken::new();
    let dir = data.path().to_owned();
    let relay = Relay::open_with(config, shutdown.clone(), |publish| {
        Ok(Arc::new(Panicky(SqliteStore::open_in(&dir, StoreLimits::default(), publish)?)))
    })
    .unwrap();
    let (a, b) = (
        Credential::register(relay.store.as_ref(), "Desk 1", Role::Staff).await.unwrap(),
        Credential::register(relay.store.as_ref(), "Desk 2", Role::Staff).await.unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(frontdesk_relay::run(listener, relay));

    let mut desk1 = connect(addr, &a).await;
    let mut desk2 = connect(addr, &b).await;
    send(&mut desk2, ClientMsg::Subscribe { doc: "day/2026-12-06".into(), after_seq: 0 }).await;
    assert!(matches!(recv(&mut desk2).await, Some(ServerMsg::Synced { .. })));

    // Desk 1's push reaches the bug: its connection ends, with no answer.
    send(&mut desk1, a.signed(push(POISON, 1))).await;
    assert_eq!(recv(&mut desk1).await, None, "the connection that panicked is closed");

    // Desk 2 still pushes, is acknowledged, and hears a new device's change live.
    send(&mut desk2, b.signed(push("day/2026-12-06", 2))).await;
    assert!(matches!(recv(&mut desk2).await, Some(ServerMsg::Ack { seq: 1, .. })));
    let mut desk1_again = connect(addr, &a).await;
    send(&mut desk1_again, a.signed(push("day/2026-12-06", 3))).await;
    assert!(matches!(recv(&mut desk1_again).await, Some(ServerMsg::Ack { seq: 2, .. })));
    assert!(matches!(recv(&mut desk2).await, Some(ServerMsg::Chunk { seq: 2, .. })));
    let health = reqwest_like_get(addr, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(10), server).await.expect("stops in time").unwrap().unwrap();
}

/// A bare HTTP GET on loopback; the status line and the rest.
async fn reqwest_like_get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

/// The relay is built to unwind in every profile: a panic then ends one connection's task, as
/// above, instead of the process. (Panic strategy is set only in a profile of the workspace's
/// manifest.)
#[test]
fn no_profile_aborts_on_panic() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml")).unwrap();
    let aborting: Vec<&str> = manifest
        .lines()
        .filter(|line| line.split('#').next().unwrap_or_default().replace([' ', '\t'], "") == "panic=\"abort\"")
        .collect();
    assert!(aborting.is_empty(), "a profile aborts on panic: one bad request would end the relay: {aborting:?}");
}
