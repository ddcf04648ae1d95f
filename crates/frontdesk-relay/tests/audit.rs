//! The audit log (#20) as devices fill it through the relay: a push is recorded with the device
//! the relay proved at Hello (whatever the bytes say), a subscribe that serves something is
//! recorded as a read (once per head served on a connection; a reconnect at the cursor reads
//! nothing), and a refused read leaves no line. A device that may read a document asks when
//! the relay stored its chunks (protocol 9), as the push lines say; one that may not learns
//! nothing.

use frontdesk_protocol::{
    AdminReply, ChunkId, ClientMsg, ErrorCode, MAX_STORED_ASKED, Role, ServerMsg, Signer, StoredChunk, close,
};
use frontdesk_relay::store::{AuditAction, AuditQuery, NewChunk};

mod support;

use support::{Socket, TestRelay, refused};

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

/// Asks when the relay stored `chunks` of `doc`, and expects its answer: (chunk, relay time).
async fn when_stored(socket: &mut Socket, doc: &str, chunks: Vec<ChunkId>) -> Vec<(ChunkId, i64)> {
    stored(socket, doc, chunks).await.into_iter().map(|s| (s.chunk, s.at_ms)).collect()
}

/// Asks when and from whom the relay stored `chunks` of `doc`, and expects its answer.
async fn stored(socket: &mut Socket, doc: &str, chunks: Vec<ChunkId>) -> Vec<StoredChunk> {
    socket.send(ClientMsg::WhenStored { doc: doc.into(), chunks }).await;
    match socket.recv().await {
        ServerMsg::Admin { reply } => match AdminReply::from_bytes(&reply).expect("an admin reply") {
            AdminReply::Stored { doc: named, chunks, .. } if named == doc => chunks,
            other => panic!("expected when {doc}'s chunks were stored, got {other:?}"),
        },
        other => panic!("expected when {doc}'s chunks were stored, got {other:?}"),
    }
}

/// Nothing else is waiting for `socket`: a Ping is answered next.
async fn nothing_more(socket: &mut Socket) {
    socket.send(ClientMsg::Ping).await;
    assert_eq!(socket.recv().await, ServerMsg::Pong);
}

/// (a) A desk pushes a chunk of `clients`; asked about it and an id never pushed, the relay
/// answers with exactly its chunk, at the relay time a subscriber's `Chunk` carried and the
/// audit log's push line keeps — to the device that pushed it and to any other that may read
/// the document. Asking writes no line of its own.
#[tokio::test]
async fn a_device_that_may_read_a_document_learns_when_the_relay_stored_its_chunks() {
    let relay = TestRelay::open(|_| {});
    let (front_id, front) = relay.device(Role::Staff, "Front tablet").await;
    let front_key = front.public_key();
    let (_, back) = relay.device(Role::Staff, "Back tablet").await;
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let mut front = relay.connect(&front).await;
    let mut back = relay.connect(&back).await;
    back.send(ClientMsg::Subscribe { doc: "clients".into(), after_seq: 0 }).await;
    assert_eq!(back.recv().await, ServerMsg::Synced { doc: "clients".into(), head: 0 });

    let (pushed, unknown) = (support::chunk(1), support::chunk(9));
    assert_eq!(support::acked(&mut front, "clients", 1).await, 1);
    let at_ms = match back.recv().await {
        ServerMsg::Chunk { seq: 1, at_ms, .. } => at_ms,
        other => panic!("expected the chunk, live: {other:?}"),
    };

    assert_eq!(when_stored(&mut front, "clients", vec![pushed, unknown]).await, [(pushed, at_ms)]);
    // Who pushed it, as the relay authenticated it, with the key its signature was checked by.
    let expected = StoredChunk {
        chunk: pushed,
        at_ms,
        by: Signer { device: front_id, name: "Front tablet".into(), key: front_key.to_vec() },
    };
    assert_eq!(stored(&mut back, "clients", vec![unknown, pushed]).await, [expected]);
    let mut office = relay.connect(&office).await;
    assert_eq!(when_stored(&mut office, "clients", vec![pushed]).await, [(pushed, at_ms)]);
    assert!(when_stored(&mut office, "clients", vec![unknown]).await.is_empty(), "nothing on record");
    let log = relay.relay.store.audit(&AuditQuery { doc: Some("clients".into()), ..AuditQuery::default() }).await;
    let lines: Vec<(AuditAction, Option<ChunkId>, i64)> =
        log.unwrap().iter().map(|l| (l.action, l.chunk, l.at_ms)).collect();
    assert_eq!(lines, [(AuditAction::Push, Some(pushed), at_ms)], "the push line says the same; asking logs nothing");
}

/// (b) A device that may not read a document is refused as a subscribe would be — a kiosk
/// asking about `clients`, a desk about `payroll` (the manager's) — and learns no time, even of
/// a chunk pushed there; so is a name in no known area. Nothing is answered before Hello.
#[tokio::test]
async fn a_device_that_may_not_read_a_document_learns_no_time_from_it() {
    let relay = TestRelay::open(|_| {});
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (_, lobby) = relay.device(Role::Kiosk, "Lobby").await;
    let mut office_socket = relay.connect(&office).await;
    let mut desk_socket = relay.connect(&desk).await;
    assert_eq!(support::acked(&mut desk_socket, "clients", 1).await, 1);
    assert_eq!(support::acked(&mut office_socket, "payroll", 2).await, 1);
    let (client, pay) = (support::chunk(1), support::chunk(2));
    assert_eq!(when_stored(&mut office_socket, "payroll", vec![pay]).await.len(), 1, "its reader learns it");

    let mut kiosk = relay.connect(&lobby).await;
    let ask = |doc: &str, chunk| ClientMsg::WhenStored { doc: doc.into(), chunks: vec![chunk] };
    refused(&mut kiosk, ask("clients", client), ErrorCode::Forbidden).await;
    nothing_more(&mut kiosk).await;
    refused(&mut desk_socket, ask("payroll", pay), ErrorCode::Forbidden).await;
    nothing_more(&mut desk_socket).await;
    refused(&mut desk_socket, ask("../clients", client), ErrorCode::BadDocName).await;
    refused(&mut desk_socket, ask("nowhere", client), ErrorCode::Forbidden).await;
    nothing_more(&mut desk_socket).await;

    // Before Hello it is no question at all: the socket is closed.
    let mut stranger = relay.socket();
    stranger.challenge().await;
    stranger.send(ask("clients", client)).await;
    assert_eq!(stranger.close_code().await, close::PROTOCOL_VIOLATION);
}

/// (c) A question about more chunks than [`MAX_STORED_ASKED`] is answered for the first that
/// many asked, however many were pushed.
#[tokio::test]
async fn a_question_about_more_than_the_most_chunks_is_answered_for_the_first_of_them() {
    let relay = TestRelay::open(|_| {});
    let (desk_id, desk) = relay.device(Role::Staff, "Desk").await;
    let ids: Vec<ChunkId> = (0..MAX_STORED_ASKED as u16 + 44)
        .map(|n| {
            let mut id = [0; 16];
            id[..2].copy_from_slice(&n.to_le_bytes());
            ChunkId(id)
        })
        .collect();
    // Stored together (one batch of the writer), as a desk's pushes would be.
    let pushes: Vec<_> = ids
        .iter()
        .map(|&chunk_id| {
            let chunk = NewChunk {
                doc: "clients".into(),
                chunk_id,
                bytes: chunk_id.0.to_vec(),
                heads: vec![],
                device: desk_id.clone(),
                at_ms: 1_000 + i64::from(u16::from_le_bytes([chunk_id.0[0], chunk_id.0[1]])),
                author: Default::default(),
            };
            relay.relay.store.push(chunk, 0)
        })
        .collect();
    for pushed in futures_util::future::join_all(pushes).await {
        pushed.expect("stored");
    }
    let mut desk = relay.connect(&desk).await;
    let asked: Vec<ChunkId> = ids.iter().rev().copied().collect();
    let times = when_stored(&mut desk, "clients", asked.clone()).await;
    assert_eq!(times.len(), MAX_STORED_ASKED, "no more than the most");
    let answered: Vec<ChunkId> = times.iter().map(|&(id, _)| id).collect();
    assert_eq!(answered, asked[..MAX_STORED_ASKED], "the first asked, in the order asked");
    assert!(times.iter().all(|&(id, at)| at == 1_000 + i64::from(u16::from_le_bytes([id.0[0], id.0[1]]))));
}
