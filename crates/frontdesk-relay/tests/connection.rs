//! One connection driven through in-memory channels, no network: `connection::serve` on a
//! `Sink`/`Stream` pair, as the WebSocket endpoint calls it.

use std::time::Duration;

use axum::extract::ws::Message;
use frontdesk_protocol::{ChunkId, ClientMsg, ErrorCode, PROTOCOL_VERSION, Role, ServerMsg, close};
use tokio_tungstenite::tungstenite::error::CapacityError;

mod support;

use frontdesk_relay::pairing::Credential;
use support::{Socket, TestRelay};

fn chunk(n: u8) -> ChunkId {
    ChunkId([n; 16])
}

#[tokio::test]
async fn a_device_that_proves_its_key_is_welcomed_and_its_push_acknowledged_once_stored() {
    let relay = TestRelay::open(|_| {});
    let (id, cred) = relay.device(Role::Staff, "Desk 1").await;
    let mut desk = relay.socket();
    desk.hello(&cred).await;
    assert_eq!(
        desk.recv().await,
        ServerMsg::Welcome {
            device: id.clone(),
            name: "Desk 1".into(),
            role: Role::Staff,
            epochs: vec![],
            floors: vec![]
        }
    );
    desk.send(ClientMsg::Push {
        doc: "day/2026-11-26".into(),
        chunk_id: chunk(1),
        bytes: vec![1, 2, 3],
        heads: vec![],
        signature: vec![],
    })
    .await;
    assert_eq!(desk.recv().await, ServerMsg::Ack { doc: "day/2026-11-26".into(), chunk_id: chunk(1), seq: 1 });
    let stored = relay.relay.store.backlog("day/2026-11-26", 0).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let stored: Vec<_> = stored.chunks.into_iter().map(|c| (c.seq, c.bytes, now - c.at_ms < 60_000)).collect();
    assert_eq!(stored, vec![(1, vec![1, 2, 3], true)], "stored with the relay's receive time");
    // Noted beside the session: it may come a moment after the first answers.
    let mut seen = 0;
    for _ in 0..100 {
        seen = relay.relay.store.device_key(&id).await.unwrap().unwrap().device.last_seen_ms;
        if seen > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!((0..60_000).contains(&(now - seen)), "the device list says when it was last seen: {seen}");
}

/// Says Hello as `device` with `sign(nonce)` for the relay's challenge; returns the close code.
async fn hello_answered(relay: &TestRelay, device: &str, sign: impl FnOnce([u8; 32]) -> Vec<u8>) -> u16 {
    let mut socket = relay.socket();
    let nonce = socket.challenge().await;
    socket.send(ClientMsg::Hello { device: device.into(), protocol: PROTOCOL_VERSION, signature: sign(nonce) }).await;
    socket.close_code().await
}

fn signature(msg: ClientMsg) -> Vec<u8> {
    let ClientMsg::Hello { signature, .. } = msg else { panic!("not a Hello") };
    signature
}

#[tokio::test]
async fn knowing_a_device_id_is_not_enough_to_connect_as_it() {
    let relay = TestRelay::open(|_| {});
    let (id, cred) = relay.device(Role::Kiosk, "Lobby kiosk").await;
    // A device id is no secret (it names the kiosk's inbox): without the key, no way in.
    assert_eq!(hello_answered(&relay, &id, |_| vec![0; 64]).await, close::UNAUTHORIZED);
    assert_eq!(hello_answered(&relay, &id, |_| Vec::new()).await, close::UNAUTHORIZED);
    // Another device's key, signing for this id.
    let (_, other) = relay.device(Role::Kiosk, "Other kiosk").await;
    let forged = Credential::new(id.clone(), Credential::key());
    assert_eq!(hello_answered(&relay, &id, |nonce| signature(forged.hello(&nonce))).await, close::UNAUTHORIZED);
    assert_eq!(
        hello_answered(&relay, &id, |nonce| signature(other.hello(&nonce))).await,
        close::UNAUTHORIZED,
        "the other kiosk's signature is for itself"
    );
    // A proof seen once (by someone on the wire) does not answer the next challenge.
    let mut first = relay.socket();
    let nonce = first.challenge().await;
    let seen = cred.hello(&nonce);
    first.send(seen.clone()).await;
    assert!(matches!(first.recv().await, ServerMsg::Welcome { .. }));
    assert_eq!(hello_answered(&relay, &id, |_| signature(seen)).await, close::UNAUTHORIZED, "a replayed proof");
    // An unknown device gets a challenge too, and the same answer.
    assert_eq!(hello_answered(&relay, "no-such-device", |_| vec![0; 64]).await, close::UNAUTHORIZED);
    // A socket that reads the challenge and never answers is cut off at the Hello time limit.
    let relay = TestRelay::open(|c| c.hello_timeout = Duration::from_millis(200));
    let mut silent = relay.socket();
    silent.challenge().await;
    assert_eq!(silent.close_code().await, close::HELLO_TIMEOUT);
}

#[tokio::test]
async fn a_revoked_device_is_told_only_once_it_proves_its_key() {
    let relay = TestRelay::open(|_| {});
    let (id, cred) = relay.device(Role::Kiosk, "Kiosk").await;
    assert!(relay.relay.store.revoke_device(&id, &[]).await.unwrap());
    let mut revoked = relay.socket();
    revoked.hello(&cred).await;
    assert_eq!(revoked.close_code().await, close::REVOKED);
    // Someone without its key learns nothing about it.
    assert_eq!(hello_answered(&relay, &id, |_| vec![0; 64]).await, close::UNAUTHORIZED);
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
            .send(ClientMsg::Push {
                doc: "notanarea/x".into(),
                chunk_id: chunk(9),
                bytes: vec![1],
                heads: vec![],
                signature: vec![],
            })
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
    writer
        .send(ClientMsg::Push {
            doc: "day/d".into(),
            chunk_id: chunk(1),
            bytes: vec![7],
            heads: vec![],
            signature: vec![],
        })
        .await;
    assert!(matches!(writer.recv().await, ServerMsg::Ack { seq: 1, .. }));
    match reader.recv().await {
        ServerMsg::Chunk { doc, seq: 1, bytes, at_ms, author } => {
            assert_eq!((doc.as_str(), bytes), ("day/d", vec![7]));
            assert_eq!(author, token.author("day/d", &[7]), "with the writer's key and signature");
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
