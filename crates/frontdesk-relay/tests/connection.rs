//! One connection driven through in-memory channels, no network: `connection::serve` on a
//! `Sink`/`Stream` pair, as the WebSocket endpoint calls it.

use std::time::Duration;

use axum::extract::ws::Message;
use frontdesk_protocol::{ChunkId, ClientMsg, ErrorCode, PROTOCOL_VERSION, Role, ServerMsg, close};
use tokio_tungstenite::tungstenite::error::CapacityError;

mod support;

use support::{Socket, TestRelay};

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
    desk.send(ClientMsg::Push {
        doc: "day/2026-11-26".into(),
        chunk_id: chunk(1),
        bytes: vec![1, 2, 3],
        heads: vec![],
    })
    .await;
    assert_eq!(desk.recv().await, ServerMsg::Ack { doc: "day/2026-11-26".into(), chunk_id: chunk(1), seq: 1 });
    let stored = relay.relay.store.backlog("day/2026-11-26", 0).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let stored: Vec<_> = stored.chunks.into_iter().map(|c| (c.seq, c.bytes, now - c.at_ms < 60_000)).collect();
    assert_eq!(stored, vec![(1, vec![1, 2, 3], true)], "stored with the relay's receive time");
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
        tablet
            .send(ClientMsg::Push { doc: "notanarea/x".into(), chunk_id: chunk(9), bytes: vec![1], heads: vec![] })
            .await;
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
    writer.send(ClientMsg::Push { doc: "day/d".into(), chunk_id: chunk(1), bytes: vec![7], heads: vec![] }).await;
    assert!(matches!(writer.recv().await, ServerMsg::Ack { seq: 1, .. }));
    match reader.recv().await {
        ServerMsg::Chunk { doc, seq: 1, bytes, at_ms } => {
            assert_eq!((doc.as_str(), bytes), ("day/d", vec![7]));
            assert!(chrono::Utc::now().timestamp_millis() - at_ms < 60_000, "stamped with the relay's time");
        }
        other => panic!("expected chunk 1, got {other:?}"),
    }
    assert_eq!(relay.relay.hub.subscribed_docs(), 1);

    let Socket { to_relay, served, .. } = reader;
    drop(to_relay);
    tokio::time::timeout(Duration::from_secs(5), served).await.expect("serve returns").unwrap();
    assert_eq!(relay.relay.hub.subscribed_docs(), 0, "the hub forgot the connection");
}
