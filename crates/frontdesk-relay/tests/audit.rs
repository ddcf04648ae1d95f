//! The audit log (#20) as devices fill it through the relay: a push is recorded with the device
//! the relay proved at Hello (whatever the bytes say), a subscribe that serves something is
//! recorded as a read (once per head served on a connection; a reconnect at the cursor reads
//! nothing), and a refused read leaves no line.

use frontdesk_protocol::{ChunkId, ClientMsg, ErrorCode, Role, ServerMsg};
use frontdesk_relay::store::{AuditAction, AuditQuery};

mod support;

use support::TestRelay;

const DOC: &str = "day/2026-12-07";

#[tokio::test]
async fn a_push_is_recorded_with_the_device_that_sent_it_and_a_subscribe_as_a_read() {
    let relay = TestRelay::open(|_| {});
    let (writer, writer_cred) = relay.device(Role::Staff, "Front tablet").await;
    let (reader, reader_cred) = relay.device(Role::Staff, "Back tablet").await;
    let (kiosk, kiosk_cred) = relay.device(Role::Kiosk, "Lobby").await;
    let before = chrono::Utc::now().timestamp_millis();

    let mut desk = relay.connect(&writer_cred).await;
    let bytes = vec![5u8; 300];
    desk.send(ClientMsg::Push {
        doc: DOC.into(),
        chunk_id: ChunkId([1; 16]),
        bytes: bytes.clone(),
        heads: vec![],
        signature: vec![],
    })
    .await;
    assert_eq!(desk.recv().await, ServerMsg::Ack { doc: DOC.into(), chunk_id: ChunkId([1; 16]), seq: 1 });

    let mut other = relay.connect(&reader_cred).await;
    other.send(ClientMsg::Subscribe { doc: DOC.into(), after_seq: 0 }).await;
    assert!(matches!(other.recv().await, ServerMsg::Chunk { seq: 1, .. }));
    assert!(matches!(other.recv().await, ServerMsg::Synced { head: 1, .. }));

    // Subscribing again serves nothing new — at its cursor, as every reconnect does, or from the
    // start on the connection already served up to this head: no more lines.
    other.send(ClientMsg::Subscribe { doc: DOC.into(), after_seq: 1 }).await;
    assert!(matches!(other.recv().await, ServerMsg::Synced { head: 1, .. }));
    other.send(ClientMsg::Subscribe { doc: DOC.into(), after_seq: 0 }).await;
    assert!(matches!(other.recv().await, ServerMsg::Chunk { seq: 1, .. }));
    assert!(matches!(other.recv().await, ServerMsg::Synced { head: 1, .. }));
    let mut again = relay.connect(&reader_cred).await;
    again.send(ClientMsg::Subscribe { doc: DOC.into(), after_seq: 1 }).await;
    assert!(matches!(again.recv().await, ServerMsg::Synced { head: 1, .. }));

    // A kiosk may not read the day: refused, and nothing is logged for it.
    let mut lobby = relay.connect(&kiosk_cred).await;
    lobby.send(ClientMsg::Subscribe { doc: DOC.into(), after_seq: 0 }).await;
    match lobby.recv().await {
        ServerMsg::Error { code: ErrorCode::Forbidden, .. } => {}
        other => panic!("a kiosk reading the day: {other:?}"),
    }

    // The read is queued as the backlog goes out and committed with the writer's next batch.
    let mut log = Vec::new();
    for _ in 0..200 {
        log = relay.relay.store.audit(&AuditQuery { doc: Some(DOC.into()), ..AuditQuery::default() }).await.unwrap();
        if log.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let lines: Vec<(AuditAction, &str, u64, u64)> =
        log.iter().map(|l| (l.action, l.device.as_str(), l.seq, l.size)).collect();
    assert_eq!(lines, vec![(AuditAction::Push, writer.as_str(), 1, 300), (AuditAction::Read, reader.as_str(), 1, 0)]);
    // What a new chunk then serves is a read again.
    desk.send(ClientMsg::Push {
        doc: DOC.into(),
        chunk_id: ChunkId([2; 16]),
        bytes: vec![6; 10],
        heads: vec![],
        signature: vec![],
    })
    .await;
    assert_eq!(desk.recv().await, ServerMsg::Ack { doc: DOC.into(), chunk_id: ChunkId([2; 16]), seq: 2 });
    let mut later = relay.connect(&reader_cred).await;
    later.send(ClientMsg::Subscribe { doc: DOC.into(), after_seq: 1 }).await;
    assert!(matches!(later.recv().await, ServerMsg::Chunk { seq: 2, .. }));
    assert!(matches!(later.recv().await, ServerMsg::Synced { head: 2, .. }));
    let mut reads = Vec::new();
    for _ in 0..200 {
        let query = AuditQuery { device: Some(reader.clone()), ..AuditQuery::default() };
        reads = relay.relay.store.audit(&query).await.unwrap();
        if reads.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(reads.iter().map(|l| l.seq).collect::<Vec<_>>(), vec![1, 2], "a read per head served: {reads:?}");
    let sha: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&bytes).into();
    assert_eq!(log[0].sha256, Some(sha), "the push's bytes are named by their SHA-256");
    let now = chrono::Utc::now().timestamp_millis();
    assert!(log.iter().all(|l| (before..=now).contains(&l.at_ms)), "relay time: {log:?}");
    let kiosk_lines = relay.relay.store.audit(&AuditQuery { device: Some(kiosk), ..AuditQuery::default() }).await;
    assert_eq!(kiosk_lines.unwrap(), vec![], "a refused read is not a read");
}
