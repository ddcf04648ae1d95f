//! The relay spoken to over real sockets on loopback, as devices would.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use frontdesk_protocol::{Author, ChunkId, ClientMsg, ErrorCode, PROTOCOL_VERSION, Role, ServerMsg, close};
use frontdesk_relay::pairing::Credential;
use frontdesk_relay::store::{SqliteStore, Store};
use frontdesk_relay::{Config, Relay};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct TestRelay {
    addr: SocketAddr,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
    data: tempfile::TempDir,
}

impl TestRelay {
    async fn start(tune: impl FnOnce(&mut Config)) -> TestRelay {
        let data = tempfile::tempdir().unwrap();
        Self::start_in(data, tune).await
    }

    async fn start_in(data: tempfile::TempDir, tune: impl FnOnce(&mut Config)) -> TestRelay {
        let mut config = Config::new(data.path().to_owned());
        tune(&mut config);
        let shutdown = CancellationToken::new();
        let relay = Relay::open(config, shutdown.clone()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move { frontdesk_relay::run(listener, relay).await.unwrap() });
        TestRelay { addr, shutdown, task, data }
    }

    /// Registers a device as the command line does, from a store of its own on the data folder.
    async fn device(&self, role: Role, name: &str) -> (String, Credential) {
        let cred = Credential::register(&self.admin(), name, role).await.unwrap();
        (cred.id.clone(), cred)
    }

    /// The relay's data opened as `frontdesk-relay device …` opens it, beside the running relay.
    fn admin(&self) -> SqliteStore {
        SqliteStore::open_admin_in(self.data.path()).unwrap()
    }

    async fn stop(self) -> tempfile::TempDir {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.task).await.expect("relay stops in time").unwrap();
        self.data
    }

    async fn raw(&self) -> Ws {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/sync", self.addr)).await.unwrap();
        ws
    }

    /// A socket that has said Hello, proved its key and been welcomed.
    async fn connect(&self, cred: &Credential) -> Ws {
        let mut ws = self.raw().await;
        hello(&mut ws, cred).await;
        match recv(&mut ws).await {
            ServerMsg::Welcome { .. } => ws,
            other => panic!("expected Welcome, got {other:?}"),
        }
    }
}

/// Reads the relay's challenge and says Hello as `cred`.
async fn hello(ws: &mut Ws, cred: &Credential) {
    let ServerMsg::Challenge { nonce } = recv(ws).await else { panic!("a socket opens with a Challenge") };
    send(ws, cred.hello(&nonce)).await;
}

async fn send(ws: &mut Ws, msg: ClientMsg) {
    ws.send(Message::Binary(msg.encode().into())).await.unwrap();
}

async fn recv(ws: &mut Ws) -> ServerMsg {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("a reply in time");
        match msg.expect("socket open").expect("no socket error") {
            Message::Binary(bytes) => return untimed(ServerMsg::decode(&bytes).expect("a valid frame")),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Whether `author` signed `bytes` of `doc` (a chunk, or a snapshot covering `covers_seq`).
fn signed_by_its_author(doc: &str, covers_seq: Option<u64>, bytes: &[u8], author: &Author) -> bool {
    use sha2::Digest;
    let digest: [u8; 32] = sha2::Sha256::digest(bytes).into();
    let proof = match covers_seq {
        Some(covers) => frontdesk_protocol::snapshot_proof(doc, covers, &digest),
        None => frontdesk_protocol::chunk_proof(doc, &digest),
    };
    <[u8; 32]>::try_from(author.key.as_slice())
        .is_ok_and(|key| frontdesk_relay::pairing::signed(&key, &proof, &author.signature))
}

/// A chunk's (or snapshot's) signature checked and then taken off, and a chunk's receive time checked (the relay's clock, within the last minute) and then set to 0,
/// so a test can compare whole messages.
fn untimed(msg: ServerMsg) -> ServerMsg {
    match msg {
        ServerMsg::Chunk { doc, seq, bytes, at_ms, author } => {
            let age = chrono::Utc::now().timestamp_millis() - at_ms;
            assert!((0..60_000).contains(&age), "a chunk received {age} ms ago");
            assert!(
                signed_by_its_author(&doc, None, &bytes, &author),
                "chunk {seq} of {doc} served with its signature"
            );
            ServerMsg::Chunk { doc, seq, bytes, at_ms: 0, author: Author::default() }
        }
        ServerMsg::Snapshot { doc, covers_seq, bytes, author } => {
            assert!(signed_by_its_author(&doc, Some(covers_seq), &bytes, &author), "a snapshot of {doc} served signed");
            ServerMsg::Snapshot { doc, covers_seq, bytes, author: Author::default() }
        }
        other => other,
    }
}

/// Reads until the relay closes the socket; returns the close code.
async fn close_code(ws: &mut Ws) -> u16 {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("closed in time");
        match msg {
            Some(Ok(Message::Close(Some(frame)))) => return frame.code.into(),
            Some(Ok(Message::Close(None))) | None => return 1005,
            Some(Ok(_)) => continue,
            Some(Err(err)) => panic!("socket error instead of a close frame: {err}"),
        }
    }
}

fn chunk(n: u8) -> ChunkId {
    ChunkId([n; 16])
}

/// Today's inboxes, by the relay's (UTC) calendar: a drop box for another day is refused.
fn inboxes() -> String {
    format!("inbox/{}", chrono::Utc::now().date_naive())
}

#[tokio::test]
async fn a_kiosk_push_is_acknowledged_and_reaches_a_watching_subscribed_desk() {
    let relay = TestRelay::start(|_| {}).await;
    let (kiosk_id, kiosk_token) = relay.device(Role::Kiosk, "Lobby kiosk").await;
    let (_, staff_token) = relay.device(Role::Staff, "Desk 1").await;
    let inbox = format!("{}/{kiosk_id}", inboxes());

    let mut desk = relay.connect(&staff_token).await;
    send(&mut desk, ClientMsg::Watch { prefix: format!("{}/", inboxes()) }).await;
    let mut kiosk = relay.connect(&kiosk_token).await;
    send(
        &mut kiosk,
        kiosk_token.signed(ClientMsg::Push {
            doc: inbox.clone(),
            chunk_id: chunk(1),
            bytes: vec![1, 2, 3],
            heads: vec![],
            signature: vec![],
        }),
    )
    .await;
    assert_eq!(recv(&mut kiosk).await, ServerMsg::Ack { doc: inbox.clone(), chunk_id: chunk(1), seq: 1 });

    assert_eq!(recv(&mut desk).await, ServerMsg::DocExists { doc: inbox.clone() });
    send(&mut desk, ClientMsg::Subscribe { doc: inbox.clone(), after_seq: 0 }).await;
    assert_eq!(
        recv(&mut desk).await,
        ServerMsg::Chunk { doc: inbox.clone(), seq: 1, bytes: vec![1, 2, 3], at_ms: 0, author: Author::default() }
    );
    assert_eq!(recv(&mut desk).await, ServerMsg::Synced { doc: inbox.clone(), head: 1 });

    // Live from now on.
    send(
        &mut kiosk,
        kiosk_token.signed(ClientMsg::Push {
            doc: inbox.clone(),
            chunk_id: chunk(2),
            bytes: vec![4],
            heads: vec![],
            signature: vec![],
        }),
    )
    .await;
    assert_eq!(recv(&mut kiosk).await, ServerMsg::Ack { doc: inbox.clone(), chunk_id: chunk(2), seq: 2 });
    assert_eq!(
        recv(&mut desk).await,
        ServerMsg::Chunk { doc: inbox, seq: 2, bytes: vec![4], at_ms: 0, author: Author::default() }
    );
    relay.stop().await;
}

#[tokio::test]
async fn resending_a_chunk_is_harmless() {
    let relay = TestRelay::start(|_| {}).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut desk = relay.connect(&token).await;
    for _ in 0..3 {
        send(
            &mut desk,
            token.signed(ClientMsg::Push {
                doc: "day/2026-11-26".into(),
                chunk_id: chunk(7),
                bytes: vec![9],
                heads: vec![],
                signature: vec![],
            }),
        )
        .await;
        assert_eq!(recv(&mut desk).await, ServerMsg::Ack { doc: "day/2026-11-26".into(), chunk_id: chunk(7), seq: 1 });
    }
    send(&mut desk, ClientMsg::Subscribe { doc: "day/2026-11-26".into(), after_seq: 0 }).await;
    assert!(matches!(recv(&mut desk).await, ServerMsg::Chunk { seq: 1, .. }));
    assert_eq!(recv(&mut desk).await, ServerMsg::Synced { doc: "day/2026-11-26".into(), head: 1 });
    relay.stop().await;
}

#[tokio::test]
async fn acknowledged_chunks_survive_a_restart_and_subscribers_resume_after_their_cursor() {
    let relay = TestRelay::start(|_| {}).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut desk = relay.connect(&token).await;
    for n in 1..=5 {
        send(
            &mut desk,
            token.signed(ClientMsg::Push {
                doc: "day/d".into(),
                chunk_id: chunk(n),
                bytes: vec![n],
                heads: vec![],
                signature: vec![],
            }),
        )
        .await;
    }
    for _ in 1..=5 {
        assert!(matches!(recv(&mut desk).await, ServerMsg::Ack { .. }));
    }
    drop(desk);
    let data = relay.stop().await;

    let relay = TestRelay::start_in(data, |_| {}).await;
    let mut desk = relay.connect(&token).await;
    send(&mut desk, ClientMsg::Subscribe { doc: "day/d".into(), after_seq: 3 }).await;
    assert_eq!(
        recv(&mut desk).await,
        ServerMsg::Chunk { doc: "day/d".into(), seq: 4, bytes: vec![4], at_ms: 0, author: Author::default() }
    );
    assert_eq!(
        recv(&mut desk).await,
        ServerMsg::Chunk { doc: "day/d".into(), seq: 5, bytes: vec![5], at_ms: 0, author: Author::default() }
    );
    assert_eq!(recv(&mut desk).await, ServerMsg::Synced { doc: "day/d".into(), head: 5 });
    relay.stop().await;
}

#[tokio::test]
async fn a_snapshot_replaces_the_chunks_it_covers_once_another_device_has_checked_it() {
    let relay = TestRelay::start(|_| {}).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let (_, other_token) = relay.device(Role::Staff, "Desk 2").await;
    let mut desk = relay.connect(&token).await;
    for n in 1..=3 {
        let push = ClientMsg::Push {
            doc: "day/d".into(),
            chunk_id: chunk(n),
            bytes: vec![n],
            heads: vec![[n; 32]],
            signature: vec![],
        };
        let push = token.signed(push);
        send(&mut desk, push).await;
        assert!(matches!(recv(&mut desk).await, ServerMsg::Ack { .. }));
    }
    send(
        &mut desk,
        token.signed(ClientMsg::Snapshot { doc: "day/d".into(), covers_seq: 2, bytes: vec![1, 2], signature: vec![] }),
    )
    .await;
    assert_eq!(recv(&mut desk).await, ServerMsg::SnapshotStored { doc: "day/d".into(), covers_seq: 2 });
    // Nobody has checked it: a subscriber gets every chunk, then is asked to check it.
    let mut other = relay.connect(&other_token).await;
    send(&mut other, ClientMsg::Subscribe { doc: "day/d".into(), after_seq: 0 }).await;
    for n in 1..=3 {
        assert_eq!(
            recv(&mut other).await,
            ServerMsg::Chunk {
                doc: "day/d".into(),
                seq: n.into(),
                bytes: vec![n],
                at_ms: 0,
                author: Author::default()
            }
        );
    }
    assert_eq!(recv(&mut other).await, ServerMsg::Synced { doc: "day/d".into(), head: 3 });
    assert_eq!(
        recv(&mut other).await,
        ServerMsg::Check {
            doc: "day/d".into(),
            covers_seq: 2,
            bytes: vec![1, 2],
            must_contain: vec![[1; 32], [2; 32]]
        }
    );
    let digest = {
        use sha2::Digest;
        sha2::Sha256::digest([1u8, 2]).into()
    };
    send(&mut other, ClientMsg::Checked { doc: "day/d".into(), covers_seq: 2, digest, ok: true }).await;
    send(&mut other, ClientMsg::Ping).await;
    assert_eq!(recv(&mut other).await, ServerMsg::Pong);
    send(&mut desk, ClientMsg::Subscribe { doc: "day/d".into(), after_seq: 0 }).await;
    assert_eq!(
        recv(&mut desk).await,
        ServerMsg::Snapshot { doc: "day/d".into(), covers_seq: 2, bytes: vec![1, 2], author: Author::default() }
    );
    assert_eq!(
        recv(&mut desk).await,
        ServerMsg::Chunk { doc: "day/d".into(), seq: 3, bytes: vec![3], at_ms: 0, author: Author::default() }
    );
    assert_eq!(recv(&mut desk).await, ServerMsg::Synced { doc: "day/d".into(), head: 3 });
    // A snapshot claiming more than the log holds is refused and changes nothing.
    send(
        &mut desk,
        token.signed(ClientMsg::Snapshot { doc: "day/d".into(), covers_seq: 99, bytes: vec![], signature: vec![] }),
    )
    .await;
    assert!(matches!(recv(&mut desk).await, ServerMsg::Error { code: ErrorCode::StorageFailed, .. }));
    relay.stop().await;
}

#[tokio::test]
async fn a_kiosk_is_refused_other_documents_but_keeps_its_socket() {
    let relay = TestRelay::start(|_| {}).await;
    let (_, token) = relay.device(Role::Kiosk, "Kiosk").await;
    let mut kiosk = relay.connect(&token).await;
    let elsewhere = format!("{}/someone-else", inboxes());
    send(
        &mut kiosk,
        ClientMsg::Push { doc: elsewhere, chunk_id: chunk(1), bytes: vec![1], heads: vec![], signature: vec![] },
    )
    .await;
    assert!(matches!(recv(&mut kiosk).await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
    send(&mut kiosk, ClientMsg::Subscribe { doc: "day/2026-11-26".into(), after_seq: 0 }).await;
    assert!(matches!(recv(&mut kiosk).await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
    send(&mut kiosk, ClientMsg::Watch { prefix: "inbox/".into() }).await;
    assert!(matches!(recv(&mut kiosk).await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
    send(&mut kiosk, ClientMsg::Subscribe { doc: "Not A Name".into(), after_seq: 0 }).await;
    assert!(matches!(recv(&mut kiosk).await, ServerMsg::Error { code: ErrorCode::BadDocName, .. }));
    send(&mut kiosk, ClientMsg::Ping).await;
    assert_eq!(recv(&mut kiosk).await, ServerMsg::Pong);
    relay.stop().await;
}

#[tokio::test]
async fn bad_handshakes_get_clear_close_codes_and_harm_no_one_else() {
    let relay = TestRelay::start(|c| c.hello_timeout = Duration::from_millis(300)).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut good = relay.connect(&token).await;

    let mut ws = relay.raw().await;
    ws.send(Message::Binary(vec![PROTOCOL_VERSION, 0xff, 0xff, 0xff].into())).await.unwrap();
    assert_eq!(close_code(&mut ws).await, close::BAD_FRAME);

    let mut ws = relay.raw().await;
    ws.send(Message::Text("hello".into())).await.unwrap();
    assert_eq!(close_code(&mut ws).await, close::BAD_FRAME);

    // A well-formed frame of a message type this protocol does not have (tag 127), before and
    // after Hello; and bytes after a valid message.
    let unknown_type = vec![PROTOCOL_VERSION, 0x7f, 0x01, 0x02];
    let mut ws = relay.raw().await;
    ws.send(Message::Binary(unknown_type.clone().into())).await.unwrap();
    assert_eq!(close_code(&mut ws).await, close::BAD_FRAME);
    let mut ws = relay.connect(&token).await;
    ws.send(Message::Binary(unknown_type.into())).await.unwrap();
    assert_eq!(close_code(&mut ws).await, close::BAD_FRAME);
    let mut ws = relay.connect(&token).await;
    ws.send(Message::Binary(vec![PROTOCOL_VERSION, 0xff, 0xff, 0xff].into())).await.unwrap();
    assert_eq!(close_code(&mut ws).await, close::BAD_FRAME);
    let mut ws = relay.connect(&token).await;
    let mut frame = ClientMsg::Ping.encode();
    frame.extend_from_slice(b"trailing");
    ws.send(Message::Binary(frame.into())).await.unwrap();
    assert_eq!(close_code(&mut ws).await, close::BAD_FRAME);

    let mut ws = relay.raw().await;
    let mut frame = token.hello(&[0; 32]).encode();
    frame[0] = PROTOCOL_VERSION + 1;
    ws.send(Message::Binary(frame.into())).await.unwrap();
    assert_eq!(close_code(&mut ws).await, close::UNSUPPORTED_PROTOCOL);

    let mut ws = relay.raw().await;
    send(&mut ws, ClientMsg::Hello { device: token.id.clone(), protocol: 77, signature: vec![0; 64] }).await;
    assert_eq!(close_code(&mut ws).await, close::UNSUPPORTED_PROTOCOL);

    let mut ws = relay.raw().await;
    send(&mut ws, ClientMsg::Ping).await;
    assert_eq!(close_code(&mut ws).await, close::PROTOCOL_VIOLATION);

    let mut ws = relay.raw().await;
    let ServerMsg::Challenge { nonce } = recv(&mut ws).await else { panic!("no challenge") };
    send(&mut ws, Credential::new("not-a-device".into(), Credential::key()).hello(&nonce)).await;
    assert_eq!(close_code(&mut ws).await, close::UNAUTHORIZED);

    let mut ws = relay.raw().await; // says nothing
    assert_eq!(close_code(&mut ws).await, close::HELLO_TIMEOUT);

    let mut ws = relay.connect(&token).await;
    send(&mut ws, token.hello(&[0; 32])).await;
    assert_eq!(close_code(&mut ws).await, close::PROTOCOL_VIOLATION);

    // Through all of that, the good device was served.
    send(&mut good, ClientMsg::Ping).await;
    assert_eq!(recv(&mut good).await, ServerMsg::Pong);
    relay.stop().await;
}

#[tokio::test]
async fn a_frame_over_the_limit_is_closed_with_1009() {
    let relay = TestRelay::start(|c| c.max_frame = 64 * 1024).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut ws = relay.connect(&token).await;
    send(
        &mut ws,
        ClientMsg::Push {
            doc: "day/d".into(),
            chunk_id: chunk(1),
            bytes: vec![0; 100 * 1024],
            heads: vec![],
            signature: vec![],
        },
    )
    .await;
    assert_eq!(close_code(&mut ws).await, close::TOO_BIG);
    // Far over the limit, the transport itself refuses it, with the same code; others are served.
    let mut ws = relay.connect(&token).await;
    let _ = ws.send(Message::Binary(vec![0u8; 300 * 1024].into())).await;
    assert_eq!(close_code(&mut ws).await, close::TOO_BIG);
    let mut other = relay.connect(&token).await;
    send(&mut other, ClientMsg::Ping).await;
    assert_eq!(recv(&mut other).await, ServerMsg::Pong);
    relay.stop().await;
}

#[tokio::test]
async fn connections_over_the_limit_are_refused_with_503() {
    let relay = TestRelay::start(|c| c.max_connections = 2).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let _a = relay.connect(&token).await;
    let _b = relay.connect(&token).await;
    let err = tokio_tungstenite::connect_async(format!("ws://{}/sync", relay.addr)).await.unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    relay.stop().await;
}

#[tokio::test]
async fn a_revoked_device_cannot_connect() {
    let relay = TestRelay::start(|_| {}).await;
    let (id, token) = relay.device(Role::Kiosk, "Kiosk").await;
    assert!(relay.admin().revoke_device(&id, &[]).await.unwrap());
    let mut ws = relay.raw().await;
    hello(&mut ws, &token).await;
    assert_eq!(close_code(&mut ws).await, close::REVOKED);
    relay.stop().await;
}

#[tokio::test]
async fn a_device_revoked_while_connected_is_disconnected_within_a_second() {
    let relay = TestRelay::start(|_| {}).await;
    let (id, token) = relay.device(Role::Staff, "Tablet").await;
    let (_, other_token) = relay.device(Role::Staff, "Other tablet").await;
    let mut ws = relay.connect(&token).await;
    let mut other = relay.connect(&other_token).await;
    let admin = relay.admin();
    let revoked_at = std::time::Instant::now();
    assert!(admin.revoke_device(&id, &[]).await.unwrap());
    assert_eq!(close_code(&mut ws).await, close::REVOKED);
    assert!(revoked_at.elapsed() < Duration::from_secs(1), "took {:?}", revoked_at.elapsed());
    send(&mut other, ClientMsg::Ping).await;
    assert_eq!(recv(&mut other).await, ServerMsg::Pong, "other devices stay connected");
    relay.stop().await;
}

#[tokio::test]
async fn a_flooding_device_is_rate_limited_and_others_are_still_served() {
    let relay = TestRelay::start(|c| {
        c.rate_per_sec = 100;
        c.rate_burst = 200;
    })
    .await;
    let (_, token) = relay.device(Role::Staff, "Flooder").await;
    let (_, calm_token) = relay.device(Role::Staff, "Calm").await;
    let mut flood = relay.connect(&token).await;
    let mut calm = relay.connect(&calm_token).await;
    for _ in 0..1000 {
        flood.feed(Message::Binary(ClientMsg::Ping.encode().into())).await.unwrap();
    }
    flood.flush().await.unwrap();
    let (mut pongs, mut limited) = (0, 0);
    while pongs + limited < 1000 {
        match recv(&mut flood).await {
            ServerMsg::Pong => pongs += 1,
            ServerMsg::Error { code: ErrorCode::RateLimited, .. } => limited += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!((200..400).contains(&pongs), "the burst and a little refill are served, got {pongs}");
    assert!(limited > 600, "the rest is refused, got {limited}");
    let started = std::time::Instant::now();
    send(&mut calm, ClientMsg::Ping).await;
    assert_eq!(recv(&mut calm).await, ServerMsg::Pong);
    assert!(started.elapsed() < Duration::from_millis(500), "the calm device waited {:?}", started.elapsed());
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_silent_sockets_are_closed_after_the_hello_timeout_while_a_device_syncs() {
    let relay = TestRelay::start(|c| c.hello_timeout = Duration::from_secs(2)).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut silent = Vec::new();
    for _ in 0..1000 {
        silent.push(relay.raw().await);
    }
    let mut desk = relay.connect(&token).await;
    let mut slowest = Duration::ZERO;
    for n in 1..=20u8 {
        let started = std::time::Instant::now();
        send(
            &mut desk,
            token.signed(ClientMsg::Push {
                doc: "day/d".into(),
                chunk_id: chunk(n),
                bytes: vec![n; 300],
                heads: vec![],
                signature: vec![],
            }),
        )
        .await;
        assert!(matches!(recv(&mut desk).await, ServerMsg::Ack { .. }));
        slowest = slowest.max(started.elapsed());
    }
    assert!(slowest < Duration::from_millis(500), "a real device's push waited {slowest:?}");
    for ws in &mut silent {
        assert_eq!(close_code(ws).await, close::HELLO_TIMEOUT);
    }
    relay.stop().await;
}

#[tokio::test]
async fn shutdown_closes_sockets_with_going_away() {
    let relay = TestRelay::start(|_| {}).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut ws = relay.connect(&token).await;
    relay.shutdown.cancel();
    assert_eq!(close_code(&mut ws).await, close::GOING_AWAY);
    let _ = Arc::new(relay.stop().await);
}

#[tokio::test]
async fn the_health_endpoint_reports_ok() {
    let relay = TestRelay::start(|_| {}).await;
    let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n").await.unwrap();
    let mut body = String::new();
    tcp.read_to_string(&mut body).await.unwrap();
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    relay.stop().await;
}

/// The body of `GET path`, after checking the status is 200.
async fn get(relay: &TestRelay, path: &str) -> String {
    let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
    tcp.write_all(format!("GET {path} HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "GET {path}: {response}");
    response.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_app_and_an_app_in_a_folder_each_answer_for_their_own_paths() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "desk shell").unwrap();
    std::fs::write(dist.path().join("desk.js"), "desk code").unwrap();
    std::fs::create_dir(dist.path().join("kiosk")).unwrap();
    std::fs::write(dist.path().join("kiosk/index.html"), "kiosk shell").unwrap();
    std::fs::write(dist.path().join("kiosk/kiosk.js"), "kiosk code").unwrap();
    std::fs::create_dir(dist.path().join("assets")).unwrap();
    std::fs::write(dist.path().join("assets/logo.svg"), "logo").unwrap();
    // Folders that cannot be apps of their own (a relay route, a name axum would read as a
    // pattern) are left as plain files.
    for odd in ["sync", "{id}"] {
        std::fs::create_dir(dist.path().join(odd)).unwrap();
        std::fs::write(dist.path().join(odd).join("index.html"), "odd").unwrap();
    }
    let folder = dist.path().to_owned();
    let relay = TestRelay::start(|c| c.dist_dir = Some(folder)).await;
    assert_eq!(get(&relay, "/desk").await, "desk shell");
    assert_eq!(get(&relay, "/").await, "desk shell");
    assert_eq!(get(&relay, "/desk.js").await, "desk code");
    assert_eq!(get(&relay, "/kiosk").await, "kiosk shell");
    assert_eq!(get(&relay, "/kiosk/").await, "kiosk shell");
    assert_eq!(get(&relay, "/kiosk/kiosk.js").await, "kiosk code");
    assert_eq!(get(&relay, "/kiosk/some/screen").await, "kiosk shell");
    // A folder without its own index.html is plain files of the app.
    assert_eq!(get(&relay, "/assets/logo.svg").await, "logo");
    assert_eq!(get(&relay, "/assets/missing").await, "desk shell");
    relay.stop().await;
}

/// The head (status line and headers, lower-cased) and body of `GET path` sent with `headers`.
async fn get_raw(relay: &TestRelay, path: &str, headers: &str) -> (String, Vec<u8>) {
    let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: relay\r\n{headers}connection: close\r\n\r\n");
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tcp.read_to_end(&mut response).await.unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    (String::from_utf8_lossy(&response[..split]).to_lowercase(), response[split + 4..].to_vec())
}

#[tokio::test]
async fn a_file_with_a_gzip_copy_is_sent_compressed_to_a_browser_that_takes_gzip() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "desk shell").unwrap();
    std::fs::write(dist.path().join("index.html.gz"), b"gzipped desk shell").unwrap();
    std::fs::write(dist.path().join("desk.wasm"), "desk code").unwrap();
    std::fs::write(dist.path().join("desk.wasm.gz"), b"gzipped desk code").unwrap();
    std::fs::write(dist.path().join("plain.css"), "plain").unwrap();
    std::fs::create_dir(dist.path().join("kiosk")).unwrap();
    std::fs::write(dist.path().join("kiosk/index.html"), "kiosk shell").unwrap();
    std::fs::write(dist.path().join("kiosk/index.html.gz"), b"gzipped kiosk shell").unwrap();
    let folder = dist.path().to_owned();
    let relay = TestRelay::start(|c| c.dist_dir = Some(folder)).await;
    let gzip = "accept-encoding: gzip, deflate\r\n";
    for (path, plain, compressed) in [
        ("/desk.wasm", "desk code", "gzipped desk code"),
        ("/", "desk shell", "gzipped desk shell"),
        ("/calendar", "desk shell", "gzipped desk shell"),
        ("/kiosk/", "kiosk shell", "gzipped kiosk shell"),
        ("/kiosk/welcome", "kiosk shell", "gzipped kiosk shell"),
    ] {
        let (head, body) = get_raw(&relay, path, gzip).await;
        assert!(head.starts_with("http/1.1 200"), "{path}: {head}");
        assert!(head.contains("content-encoding: gzip"), "{path}: {head}");
        assert!(head.contains("vary: accept-encoding"), "{path}: {head}");
        assert_eq!(body, compressed.as_bytes(), "{path}");
        let (head, body) = get_raw(&relay, path, "").await;
        assert!(!head.contains("content-encoding"), "{path} without gzip: {head}");
        assert_eq!(body, plain.as_bytes(), "{path} without gzip");
    }
    // The type is the file's, not the copy's; a file without a copy is sent as it is.
    let (head, _) = get_raw(&relay, "/desk.wasm", gzip).await;
    assert!(head.contains("content-type: application/wasm"), "{head}");
    let (head, body) = get_raw(&relay, "/plain.css", gzip).await;
    assert!(!head.contains("content-encoding"), "{head}");
    assert_eq!(body, b"plain");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pushes_sent_one_after_another_are_stored_in_that_order() {
    // A device's later change depends on its earlier one: a reader that got them the other way
    // round would hold the later one back while its cursor already covered it.
    let relay = TestRelay::start(|_| {}).await;
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut desk = relay.connect(&token).await;
    for n in 1..=150u8 {
        send(
            &mut desk,
            token.signed(ClientMsg::Push {
                doc: "day/d".into(),
                chunk_id: chunk(n),
                bytes: vec![n; 64],
                heads: vec![],
                signature: vec![],
            }),
        )
        .await;
    }
    let mut seq_of = std::collections::HashMap::new();
    while seq_of.len() < 150 {
        if let ServerMsg::Ack { chunk_id, seq, .. } = recv(&mut desk).await {
            seq_of.insert(chunk_id.0[0], seq);
        }
    }
    let seqs: Vec<u64> = (1..=150u8).map(|n| seq_of[&n]).collect();
    assert_eq!(seqs, (1..=150).collect::<Vec<u64>>());
    relay.stop().await;
}

/// Opens `/sync` as a page of `origin` would; the HTTP status of the refusal, or 101.
async fn upgrade_from(relay: &TestRelay, origin: &str) -> u16 {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{}/sync", relay.addr).into_client_request().unwrap();
    request.headers_mut().insert("origin", origin.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(err) => panic!("unexpected {err}"),
    }
}

#[tokio::test]
async fn a_page_of_another_origin_may_not_open_a_socket() {
    let relay = TestRelay::start(|c| c.allowed_origins = vec!["https://desk.example.com".into()]).await;
    let own = format!("http://{}", relay.addr);
    assert_eq!(upgrade_from(&relay, &own).await, 101, "the relay's own pages");
    assert_eq!(upgrade_from(&relay, "https://desk.example.com").await, 101, "an allowed origin");
    for foreign in ["http://evil.example", "null", &format!("http://{}.evil.example", relay.addr.ip())] {
        assert_eq!(upgrade_from(&relay, foreign).await, 403, "{foreign}");
    }
    // A device (no Origin: not a browser page) is not affected.
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    relay.connect(&token).await;
    relay.stop().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<html>app</html>").unwrap();
    let dir = dist.path().to_owned();
    let relay = TestRelay::start(move |c| c.dist_dir = Some(dir)).await;
    for path in ["/", "/healthz", "/calendar", "/sync"] {
        let (head, _) = get_raw(&relay, path, "").await;
        for header in [
            "content-security-policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval';",
            "frame-ancestors 'none'",
            "x-content-type-options: nosniff",
            "x-frame-options: deny",
            "referrer-policy: no-referrer",
        ] {
            assert!(head.contains(header), "{path} lacks {header}:\n{head}");
        }
        assert!(!head.contains("'unsafe-eval'") && !head.contains("script-src 'self' 'unsafe-inline'"), "{head}");
    }
    relay.stop().await;
}
