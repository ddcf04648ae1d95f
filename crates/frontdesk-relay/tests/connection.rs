//! One connection driven through in-memory channels, no network: `connection::serve` on a
//! `Sink`/`Stream` pair, as the WebSocket endpoint calls it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Message;
use frontdesk_protocol::{ChunkId, ClientMsg, ErrorCode, PROTOCOL_VERSION, Role, ServerMsg, close};
use frontdesk_relay::{Config, Relay, connection};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::error::CapacityError;
use tokio_util::sync::{CancellationToken, PollSender};

/// A relay with no listener, on a data folder of its own.
struct TestRelay {
    relay: Arc<Relay>,
    _data: tempfile::TempDir,
}

impl TestRelay {
    fn open(tune: impl FnOnce(&mut Config)) -> TestRelay {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::new(data.path().to_owned());
        tune(&mut config);
        TestRelay { relay: Relay::open(config, CancellationToken::new()).unwrap(), _data: data }
    }

    async fn device(&self, role: Role, name: &str) -> (String, String) {
        let added = self.relay.store.add_device(name, role).await.unwrap();
        (added.id, added.token)
    }

    /// A device's end of a connection the relay serves.
    fn socket(&self) -> Socket {
        let (to_relay, inbound) = mpsc::channel::<Result<Message, axum::Error>>(64);
        let (outbound, from_relay) = mpsc::channel::<Message>(64);
        let stream =
            Box::pin(futures_util::stream::unfold(
                inbound,
                |mut rx| async move { rx.recv().await.map(|msg| (msg, rx)) },
            ));
        let served = connection::serve(PollSender::new(outbound), stream, self.relay.clone(), "in memory".into());
        Socket { to_relay, from_relay, served: tokio::spawn(served) }
    }

    /// A socket that has said Hello and been welcomed.
    async fn connect(&self, token: &str) -> Socket {
        let mut socket = self.socket();
        socket.send(ClientMsg::Hello { token: token.into(), protocol: PROTOCOL_VERSION }).await;
        match socket.recv().await {
            ServerMsg::Welcome { .. } => socket,
            other => panic!("expected Welcome, got {other:?}"),
        }
    }
}

struct Socket {
    to_relay: mpsc::Sender<Result<Message, axum::Error>>,
    from_relay: mpsc::Receiver<Message>,
    served: tokio::task::JoinHandle<()>,
}

impl Socket {
    async fn send_raw(&mut self, msg: Message) {
        self.to_relay.send(Ok(msg)).await.expect("the relay reads");
    }

    async fn send(&mut self, msg: ClientMsg) {
        self.send_raw(Message::Binary(msg.encode().into())).await;
    }

    async fn next(&mut self) -> Option<Message> {
        tokio::time::timeout(Duration::from_secs(5), self.from_relay.recv()).await.expect("the relay answers in time")
    }

    async fn recv(&mut self) -> ServerMsg {
        loop {
            match self.next().await.expect("the connection is open") {
                Message::Binary(bytes) => return ServerMsg::decode(&bytes).expect("a valid frame"),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// Reads until the relay closes; returns the close code, and checks `serve` returned.
    async fn close_code(mut self) -> u16 {
        let code = loop {
            match self.next().await {
                Some(Message::Close(Some(frame))) => break frame.code,
                Some(Message::Close(None)) | None => break 1005,
                Some(_) => continue,
            }
        };
        tokio::time::timeout(Duration::from_secs(5), self.served).await.expect("serve returns").unwrap();
        code
    }
}

fn chunk(n: u8) -> ChunkId {
    ChunkId([n; 16])
}

#[tokio::test]
async fn a_good_token_is_welcomed_and_its_push_acknowledged_once_stored() {
    let relay = TestRelay::open(|_| {});
    let (id, token) = relay.device(Role::Staff, "Desk 1").await;
    let mut desk = relay.socket();
    desk.send(ClientMsg::Hello { token, protocol: PROTOCOL_VERSION }).await;
    assert_eq!(desk.recv().await, ServerMsg::Welcome { device: id, name: "Desk 1".into(), role: Role::Staff });
    desk.send(ClientMsg::Push { doc: "day/2026-11-26".into(), chunk_id: chunk(1), bytes: vec![1, 2, 3] }).await;
    assert_eq!(desk.recv().await, ServerMsg::Ack { doc: "day/2026-11-26".into(), chunk_id: chunk(1), seq: 1 });
    let stored = relay.relay.store.backlog("day/2026-11-26", 0).await.unwrap();
    assert_eq!(stored.chunks, vec![(1, vec![1, 2, 3])]);
}

#[tokio::test]
async fn an_unknown_or_revoked_token_is_closed_as_unauthorized() {
    let relay = TestRelay::open(|_| {});
    let mut stranger = relay.socket();
    stranger.send(ClientMsg::Hello { token: "not-a-token".into(), protocol: PROTOCOL_VERSION }).await;
    assert_eq!(stranger.close_code().await, close::UNAUTHORIZED);

    let (id, token) = relay.device(Role::Kiosk, "Kiosk").await;
    assert!(relay.relay.store.revoke_device(&id).await.unwrap());
    let mut revoked = relay.socket();
    revoked.send(ClientMsg::Hello { token, protocol: PROTOCOL_VERSION }).await;
    assert_eq!(revoked.close_code().await, close::UNAUTHORIZED);
}

#[tokio::test]
async fn a_silent_socket_is_closed_after_the_hello_timeout() {
    let relay = TestRelay::open(|c| c.hello_timeout = Duration::from_millis(100));
    assert_eq!(relay.socket().close_code().await, close::HELLO_TIMEOUT);
}

#[tokio::test]
async fn a_kiosk_is_refused_a_desk_document_and_keeps_its_connection() {
    let relay = TestRelay::open(|_| {});
    let (_, token) = relay.device(Role::Kiosk, "Kiosk").await;
    let mut kiosk = relay.connect(&token).await;
    kiosk.send(ClientMsg::Subscribe { doc: "clients".into(), after_seq: 0 }).await;
    assert!(matches!(
        kiosk.recv().await,
        ServerMsg::Error { code: ErrorCode::Forbidden, doc: Some(doc), .. } if doc == "clients"
    ));
    kiosk.send(ClientMsg::Ping).await;
    assert_eq!(kiosk.recv().await, ServerMsg::Pong);
}

/// A document in no area the rules know was writable by any staff device (default allow): a
/// tablet gone bad could store anything there. Every role is refused now, and nothing is stored.
#[tokio::test]
async fn a_document_in_no_known_area_is_refused_to_staff_and_manager_and_nothing_is_stored() {
    let relay = TestRelay::open(|_| {});
    for role in [Role::Staff, Role::Manager] {
        let (_, token) = relay.device(role, "Tablet").await;
        let mut tablet = relay.connect(&token).await;
        tablet.send(ClientMsg::Push { doc: "notanarea/x".into(), chunk_id: chunk(9), bytes: vec![1] }).await;
        assert!(matches!(
            tablet.recv().await,
            ServerMsg::Error { code: ErrorCode::Forbidden, doc: Some(doc), .. } if doc == "notanarea/x"
        ));
        tablet.send(ClientMsg::Subscribe { doc: "notanarea/x".into(), after_seq: 0 }).await;
        assert!(matches!(tablet.recv().await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
    }
    assert_eq!(relay.relay.store.backlog("notanarea/x", 0).await.unwrap().head, 0, "nothing stored");
}

#[tokio::test]
async fn a_bad_frame_closes_with_4000_and_a_text_frame_too() {
    let relay = TestRelay::open(|_| {});
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut desk = relay.connect(&token).await;
    desk.send_raw(Message::Binary(vec![PROTOCOL_VERSION, 0xff, 0xff, 0xff].into())).await;
    assert_eq!(desk.close_code().await, close::BAD_FRAME);
    let mut desk = relay.connect(&token).await;
    desk.send_raw(Message::Text("hello".into())).await;
    assert_eq!(desk.close_code().await, close::BAD_FRAME);
}

#[tokio::test]
async fn a_message_the_transport_found_too_big_closes_with_1009() {
    let relay = TestRelay::open(|_| {});
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let desk = relay.connect(&token).await;
    let too_long = tokio_tungstenite::tungstenite::Error::Capacity(CapacityError::MessageTooLong {
        size: 300 * 1024,
        max_size: 128 * 1024,
    });
    desk.to_relay.send(Err(axum::Error::new(too_long))).await.unwrap();
    assert_eq!(desk.close_code().await, close::TOO_BIG);
}

#[tokio::test]
async fn a_push_reaches_a_subscribed_connection_and_the_device_hanging_up_ends_its_connection() {
    let relay = TestRelay::open(|_| {});
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut reader = relay.connect(&token).await;
    reader.send(ClientMsg::Subscribe { doc: "day/d".into(), after_seq: 0 }).await;
    assert_eq!(reader.recv().await, ServerMsg::Synced { doc: "day/d".into(), head: 0 });
    let mut writer = relay.connect(&token).await;
    writer.send(ClientMsg::Push { doc: "day/d".into(), chunk_id: chunk(1), bytes: vec![7] }).await;
    assert!(matches!(writer.recv().await, ServerMsg::Ack { seq: 1, .. }));
    assert_eq!(reader.recv().await, ServerMsg::Chunk { doc: "day/d".into(), seq: 1, bytes: vec![7] });
    assert_eq!(relay.relay.hub.subscribed_docs(), 1);

    let Socket { to_relay, served, .. } = reader;
    drop(to_relay);
    tokio::time::timeout(Duration::from_secs(5), served).await.expect("serve returns").unwrap();
    assert_eq!(relay.relay.hub.subscribed_docs(), 0, "the hub forgot the connection");
}
