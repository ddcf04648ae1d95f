//! The relay process killed with SIGKILL while devices push: every acknowledged chunk must be
//! there after a restart, and the database must pass its integrity check every time. The
//! business seals (issue 19): its key epochs are numbered, every chunk is sealed-shaped (a real
//! header before bytes no key opens), so each push goes through the relay's header and epoch
//! checks, and nothing in the clear would be taken.
//!
//! `FRONTDESK_CRASH_ROUNDS` sets the number of rounds (the test command runs a few; `cargo xtask
//! soak` runs 100). The moment of each kill is random, 100–600 ms in; the run prints its seed, and
//! `FRONTDESK_CRASH_SEED` replays one.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use frontdesk_protocol::{ChunkId, ClientMsg, Role, ServerMsg};
use frontdesk_relay::pairing::Credential;
use frontdesk_relay::store::{SqliteStore, Store};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

const RELAY: &str = env!("CARGO_BIN_EXE_frontdesk-relay");
const DEVICES: usize = 10;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

fn start(data: &Path, port: u16) -> Child {
    let mut child = Command::new(RELAY)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("relay starts");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("relay did not listen");
}

async fn add_device(data: &Path, name: &str) -> Credential {
    let store = SqliteStore::open_admin_in(data).unwrap();
    let cred = Credential::register(&store, name, Role::Staff).await.unwrap();
    store.close().await.unwrap();
    cred
}

/// Reads the relay's challenge and says Hello as `cred`; false if the socket failed on the way.
async fn hello<S>(ws: &mut tokio_tungstenite::WebSocketStream<S>, cred: &Credential) -> bool
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(10), ws.next()).await else { return false };
        let Message::Binary(frame) = msg else { continue };
        let Ok(ServerMsg::Challenge { nonce }) = ServerMsg::decode(&frame) else { return false };
        return ws.send(Message::Binary(cred.hello(&nonce).encode().into())).await.is_ok();
    }
}

/// A chunk sealed by `writer` (the staff key, epoch 1) whose last 16 bytes name it, so presence
/// can be checked by content.
fn chunk_for(writer: &str, device: usize, n: u32) -> (ChunkId, Vec<u8>) {
    use frontdesk_protocol::sealed::{Header, Kind, Scope};
    let mut id = [0u8; 16];
    id[0] = device as u8;
    id[1..5].copy_from_slice(&n.to_le_bytes());
    let mut bytes = Header { kind: Kind::Chunk, scope: Scope::Staff, epoch: 1, device: writer.into() }.encode();
    bytes.extend(std::iter::repeat_n(0xAB, 300));
    bytes.extend_from_slice(&id);
    (ChunkId(id), bytes)
}

/// One device pushing as fast as acks come back; returns the chunk ids the relay acknowledged.
async fn push_until_killed(port: u16, token: Credential, device: usize, first: u32) -> Vec<ChunkId> {
    let mut acked = Vec::new();
    let Ok((mut ws, _)) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}/sync")).await else {
        return acked;
    };
    if !hello(&mut ws, &token).await {
        return acked;
    }
    let doc = format!("day/crash-{}", device % 3); // devices share documents
    let mut n = first;
    // Keep a few pushes in flight, like a device flushing its outbox.
    let mut in_flight = 0;
    loop {
        while in_flight < 8 {
            let (chunk_id, bytes) = chunk_for(&token.id, device, n);
            n += 1;
            let push = token
                .signed(ClientMsg::Push { doc: doc.clone(), chunk_id, bytes, heads: vec![], signature: vec![] })
                .encode();
            if ws.send(Message::Binary(push.into())).await.is_err() {
                return acked;
            }
            in_flight += 1;
        }
        match ws.next().await {
            Some(Ok(Message::Binary(frame))) => match ServerMsg::decode(&frame) {
                Ok(ServerMsg::Ack { chunk_id, .. }) => {
                    acked.push(chunk_id);
                    in_flight -= 1;
                }
                Ok(_) => {}
                Err(_) => return acked,
            },
            Some(Ok(_)) => {}
            _ => return acked,
        }
    }
}

/// Everything the relay holds for a document, as chunk ids (read from the chunk bytes).
async fn stored(port: u16, token: &Credential, doc: &str) -> Vec<ChunkId> {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}/sync")).await.unwrap();
    assert!(hello(&mut ws, token).await, "said Hello");
    let sub = ClientMsg::Subscribe { doc: doc.to_owned(), after_seq: 0 }.encode();
    ws.send(Message::Binary(sub.into())).await.unwrap();
    let mut ids = Vec::new();
    while let Some(Ok(msg)) = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.unwrap() {
        let Message::Binary(frame) = msg else { continue };
        match ServerMsg::decode(&frame).unwrap() {
            ServerMsg::Chunk { bytes, .. } => {
                assert!(frontdesk_protocol::sealed::parse(&bytes).is_ok(), "{doc}: a stored chunk is not sealed");
                ids.push(ChunkId(bytes[bytes.len() - 16..].try_into().unwrap()))
            }
            ServerMsg::Synced { .. } => break,
            _ => {}
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_pushes_loses_no_acknowledged_chunk() {
    let rounds: usize = std::env::var("FRONTDESK_CRASH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut tokens = Vec::with_capacity(DEVICES);
    for i in 0..DEVICES {
        tokens.push(add_device(data.path(), &format!("tablet {i}")).await);
    }
    // The business seals: every scope's first key epoch.
    let store = SqliteStore::open_admin_in(data.path()).unwrap();
    let scopes = frontdesk_protocol::Scope::ALL;
    let (granted, _) = store.new_epochs(&scopes, true, &tokens[0].id, 0).await.unwrap();
    assert!(granted, "the first epochs");
    store.close().await.unwrap();
    let mut acked_by_doc: BTreeMap<String, Vec<ChunkId>> = BTreeMap::new();
    let mut total_acked = 0;
    let seed: u64 = std::env::var("FRONTDESK_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
    });
    println!("kill moments from seed {seed} (FRONTDESK_CRASH_SEED={seed} replays them)");
    let mut state = seed | 1;
    let mut next_random = move || {
        // xorshift64
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut moments = Vec::new();
    for round in 0..rounds {
        let mut relay = start(data.path(), port);
        let pushers: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(device, token)| {
                let first = (round as u32) * 1_000_000;
                tokio::spawn(push_until_killed(port, token.clone(), device, first))
            })
            .collect();
        // Kill at a random moment: before the first acknowledgements, mid-batch, mid-commit.
        let after = 100 + next_random() % 500;
        moments.push(after);
        tokio::time::sleep(Duration::from_millis(after)).await;
        relay.kill().unwrap();
        relay.wait().unwrap();
        for (device, pusher) in pushers.into_iter().enumerate() {
            let acked = pusher.await.unwrap();
            total_acked += acked.len();
            acked_by_doc.entry(format!("day/crash-{}", device % 3)).or_default().extend(acked);
        }
        let check = Command::new(RELAY).args(["check", "--data"]).arg(data.path()).output().unwrap();
        assert!(
            check.status.success(),
            "round {round} (killed {after} ms in, seed {seed}): integrity check failed: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
    assert!(total_acked > rounds * 10, "the devices got acknowledgements ({total_acked})");

    let mut relay = start(data.path(), port);
    for (doc, acked) in &acked_by_doc {
        let present: std::collections::HashSet<ChunkId> = stored(port, &tokens[0], doc).await.into_iter().collect();
        let lost: Vec<_> = acked.iter().filter(|id| !present.contains(id)).collect();
        assert!(
            lost.is_empty(),
            "{doc}: {} acknowledged chunks lost, e.g. {:?} (seed {seed}, kill moments {moments:?} ms)",
            lost.len(),
            lost.first()
        );
    }
    println!("{rounds} SIGKILL rounds, {DEVICES} devices, {total_acked} acknowledged chunks, none lost");
    relay.kill().unwrap();
    let _ = relay.wait();
}
