//! An enrolled device turned hostile, against the relay: every refusal the relay makes so one
//! device cannot erase, forge or starve the others (issue #17). Each test attacks one defence
//! and checks that honest devices lost nothing.

use std::time::Duration;

use frontdesk_protocol::{ClientMsg, ErrorCode, Role, ServerMsg, close};
use frontdesk_relay::store::StoreLimits;

mod support;

use support::{Socket, TestRelay, acked, chunk, digest, drop_box, push, refused};

/// Subscribes from the start; returns the chunks' seqs and whether a snapshot came first.
async fn everything(socket: &mut Socket, doc: &str) -> (Option<u64>, Vec<u64>) {
    socket.send(ClientMsg::Subscribe { doc: doc.into(), after_seq: 0 }).await;
    let (mut snapshot, mut seqs) = (None, Vec::new());
    loop {
        match socket.recv().await {
            ServerMsg::Snapshot { covers_seq, .. } => snapshot = Some(covers_seq),
            ServerMsg::Chunk { seq, .. } => seqs.push(seq),
            ServerMsg::Synced { .. } => return (snapshot, seqs),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn staff_may_not_snapshot_what_they_may_not_write_nor_any_drop_box() {
    let relay = TestRelay::open(|_| {});
    let (_, manager) = relay.device(Role::Manager, "Office").await;
    let (kiosk_id, kiosk) = relay.device(Role::Kiosk, "Kiosk").await;
    let (_, staff) = relay.device(Role::Staff, "Desk").await;
    let mut manager = relay.connect(&manager).await;
    let mut kiosk = relay.connect(&kiosk).await;
    let mut staff = relay.connect(&staff).await;
    let inbox = drop_box("inbox", 0, &kiosk_id);
    acked(&mut manager, "site", 1).await;
    acked(&mut kiosk, &inbox, 2).await;
    for doc in ["site", inbox.as_str()] {
        let forged =
            ClientMsg::Snapshot { doc: doc.into(), covers_seq: 1, bytes: b"nothing here".to_vec(), signature: vec![] };
        refused(&mut staff, forged, ErrorCode::Forbidden).await;
    }
    // Not even the manager, who reads every drop box, may snapshot one.
    let forged = ClientMsg::Snapshot { doc: inbox.clone(), covers_seq: 1, bytes: vec![], signature: vec![] };
    refused(&mut manager, forged, ErrorCode::Forbidden).await;
    assert_eq!(everything(&mut staff, "site").await, (None, vec![1]));
    assert_eq!(everything(&mut staff, &inbox).await, (None, vec![1]));
    assert_eq!(relay.relay.store.proposal("site").await.unwrap(), None);
}

#[tokio::test]
async fn a_garbage_snapshot_is_only_a_proposal_and_an_honest_checker_throws_it_away() {
    let relay = TestRelay::open(|_| {});
    let (_, hostile) = relay.device(Role::Staff, "Stolen tablet").await;
    let (_, honest) = relay.device(Role::Staff, "Desk").await;
    let mut hostile = relay.connect(&hostile).await;
    let mut honest = relay.connect(&honest).await;
    for n in 1..=4 {
        acked(&mut honest, "clients", n).await;
    }
    let forged =
        ClientMsg::Snapshot { doc: "clients".into(), covers_seq: 4, bytes: b"garbage".to_vec(), signature: vec![] };
    hostile.send(forged).await;
    assert_eq!(hostile.recv().await, ServerMsg::SnapshotStored { doc: "clients".into(), covers_seq: 4 });
    // The hostile device vouching for its own snapshot changes nothing.
    let garbage = digest(b"garbage");
    hostile.send(ClientMsg::Checked { doc: "clients".into(), covers_seq: 4, digest: garbage, ok: true }).await;
    hostile.send(ClientMsg::Ping).await;
    assert_eq!(hostile.recv().await, ServerMsg::Pong);
    let (snapshot, seqs) = everything(&mut hostile, "clients").await;
    assert_eq!((snapshot, seqs), (None, vec![1, 2, 3, 4]), "every chunk is still served");

    // An honest device subscribing is asked to check it; it finds the heads missing and says so.
    honest.send(ClientMsg::Subscribe { doc: "clients".into(), after_seq: 4 }).await;
    assert_eq!(honest.recv().await, ServerMsg::Synced { doc: "clients".into(), head: 4 });
    match honest.recv().await {
        ServerMsg::Check { doc, covers_seq: 4, bytes, must_contain } => {
            assert_eq!((doc.as_str(), bytes.as_slice()), ("clients", b"garbage".as_slice()));
            assert_eq!(must_contain, (1..=4).map(|n| [n; 32]).collect::<Vec<_>>(), "every covered chunk's heads");
        }
        other => panic!("expected a Check, got {other:?}"),
    }
    honest.send(ClientMsg::Checked { doc: "clients".into(), covers_seq: 4, digest: garbage, ok: false }).await;
    honest.send(ClientMsg::Ping).await;
    assert_eq!(honest.recv().await, ServerMsg::Pong);
    assert_eq!(relay.relay.store.proposal("clients").await.unwrap(), None, "the rejected proposal is gone");
    let (_, newcomer) = relay.device(Role::Staff, "New tablet").await;
    let mut newcomer = relay.connect(&newcomer).await;
    assert_eq!(everything(&mut newcomer, "clients").await, (None, vec![1, 2, 3, 4]), "nothing lost");
}

#[tokio::test]
async fn a_kiosk_may_write_only_its_own_drop_boxes_of_these_days() {
    let relay = TestRelay::open(|_| {});
    let (kiosk_id, kiosk) = relay.device(Role::Kiosk, "Kiosk").await;
    let mut kiosk = relay.connect(&kiosk).await;
    for (days, n) in [(-7, 1), (-1, 2), (0, 3), (1, 4)] {
        acked(&mut kiosk, &drop_box("inbox", days, &kiosk_id), n).await;
    }
    acked(&mut kiosk, &drop_box("timeclock", 0, &kiosk_id), 5).await;
    for days in [-8, 2, -400, 3650] {
        let message = refused(&mut kiosk, push(&drop_box("inbox", days, &kiosk_id), 6), ErrorCode::Forbidden).await;
        assert!(message.contains("drop box"), "{message}");
        refused(&mut kiosk, push(&drop_box("timeclock", days, &kiosk_id), 6), ErrorCode::Forbidden).await;
    }
    for doc in ["inbox/not-a-date/x".replace('x', &kiosk_id), format!("inbox/2026-13-45/{kiosk_id}")] {
        refused(&mut kiosk, push(&doc, 7), ErrorCode::Forbidden).await;
    }
    refused(&mut kiosk, push(&drop_box("inbox", 0, "another-kiosk"), 8), ErrorCode::Forbidden).await;
    assert_eq!(relay.relay.store.doc_count().await.unwrap(), 5, "only the five allowed drop boxes exist");
}

#[tokio::test]
async fn a_device_cannot_make_documents_without_end() {
    let relay = TestRelay::open(|c| c.store = StoreLimits { max_docs_per_device: 3, ..StoreLimits::default() });
    let (_, hostile) = relay.device(Role::Staff, "Stolen tablet").await;
    let (_, honest) = relay.device(Role::Staff, "Desk").await;
    let mut hostile = relay.connect(&hostile).await;
    let mut honest = relay.connect(&honest).await;
    for n in 1..=3 {
        acked(&mut hostile, &format!("day/2026-01-0{n}"), n).await;
    }
    let message = refused(&mut hostile, push("day/2026-01-04", 4), ErrorCode::QuotaExceeded).await;
    assert!(message.contains("documents"), "{message}");
    acked(&mut hostile, "day/2026-01-01", 5).await;
    acked(&mut honest, "day/2026-01-04", 6).await;
    assert_eq!(relay.relay.store.doc_count().await.unwrap(), 4);
}

#[tokio::test]
async fn subscriptions_watches_and_connections_per_device_are_bounded() {
    let relay = TestRelay::open(|c| {
        c.max_subscriptions = 3;
        c.max_watches = 2;
        c.max_connections_per_device = 2;
    });
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut desk = relay.connect(&token).await;
    for n in 1..=3 {
        desk.send(ClientMsg::Subscribe { doc: format!("day/2026-01-0{n}"), after_seq: 0 }).await;
        assert!(matches!(desk.recv().await, ServerMsg::Synced { .. }));
    }
    let again = ClientMsg::Subscribe { doc: "day/2026-01-01".into(), after_seq: 0 };
    desk.send(again).await;
    assert!(matches!(desk.recv().await, ServerMsg::Synced { .. }), "subscribing again to one it has is fine");
    let fourth = ClientMsg::Subscribe { doc: "day/2026-01-04".into(), after_seq: 0 };
    refused(&mut desk, fourth, ErrorCode::QuotaExceeded).await;
    for prefix in ["inbox/", "day/"] {
        desk.send(ClientMsg::Watch { prefix: prefix.into() }).await;
    }
    desk.send(ClientMsg::Ping).await;
    assert_eq!(desk.recv().await, ServerMsg::Pong);
    refused(&mut desk, ClientMsg::Watch { prefix: "clients".into() }, ErrorCode::QuotaExceeded).await;

    let _second = relay.connect(&token).await;
    let mut third = relay.socket();
    third.hello(&token).await;
    assert!(matches!(third.recv().await, ServerMsg::Welcome { .. }));
    assert_eq!(third.close_code().await, close::TOO_MANY_CONNECTIONS);
    // Another device is not counted against this one.
    let (_, other) = relay.device(Role::Staff, "Desk 2").await;
    relay.connect(&other).await;
}

#[tokio::test]
async fn a_device_sending_too_many_bytes_is_slowed_and_nothing_it_sent_is_half_stored() {
    let relay = TestRelay::open(|c| {
        c.bytes_per_sec = 10_000;
        c.bytes_burst = 50_000;
    });
    let (_, token) = relay.device(Role::Staff, "Desk").await;
    let mut desk = relay.connect(&token).await;
    let mut stored = 0;
    let mut refusals = 0;
    for n in 0..10u8 {
        let big = ClientMsg::Push {
            doc: "clients".into(),
            chunk_id: chunk(n),
            bytes: vec![n; 20_000],
            heads: vec![],
            signature: vec![],
        };
        desk.send(big).await;
        match desk.recv().await {
            ServerMsg::Ack { .. } => stored += 1,
            ServerMsg::Error { code: ErrorCode::RateLimited, message, .. } => {
                assert!(message.contains("bytes"), "{message}");
                refusals += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((stored, refusals), (2, 8), "50 kB of burst takes two 20 kB chunks");
    let backlog = relay.relay.store.backlog("clients", 0).await.unwrap();
    assert_eq!(backlog.chunks.len(), 2);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    acked(&mut desk, "clients", 20).await;
}

#[tokio::test]
async fn a_big_first_frame_before_hello_is_closed_as_too_big() {
    let relay = TestRelay::open(|_| {});
    let mut stranger = relay.socket();
    let hello = ClientMsg::Hello {
        device: "x".repeat(8 * 1024),
        protocol: frontdesk_protocol::PROTOCOL_VERSION,
        signature: vec![0; 64],
    };
    stranger.send(hello).await;
    assert_eq!(stranger.close_code().await, close::TOO_BIG);
}

#[tokio::test]
async fn a_verdict_on_one_proposal_never_proves_another_put_in_its_place() {
    // Found by the convergence property: an honest proposal is sent to a checker, a hostile
    // device replaces it with garbage of the same seq, the checker's "sound" arrives — it must
    // not prove the garbage.
    let relay = TestRelay::open(|_| {});
    let (_, honest) = relay.device(Role::Staff, "Desk").await;
    let (_, checker) = relay.device(Role::Staff, "Desk 2").await;
    let (_, hostile) = relay.device(Role::Staff, "Stolen tablet").await;
    let mut honest = relay.connect(&honest).await;
    let mut checker = relay.connect(&checker).await;
    let mut hostile = relay.connect(&hostile).await;
    for n in 1..=2 {
        acked(&mut honest, "clients", n).await;
    }
    let sound = b"a real save".to_vec();
    honest
        .send(ClientMsg::Snapshot { doc: "clients".into(), covers_seq: 2, bytes: sound.clone(), signature: vec![] })
        .await;
    assert!(matches!(honest.recv().await, ServerMsg::SnapshotStored { .. }));
    checker.send(ClientMsg::Subscribe { doc: "clients".into(), after_seq: 2 }).await;
    assert!(matches!(checker.recv().await, ServerMsg::Synced { .. }));
    assert!(matches!(checker.recv().await, ServerMsg::Check { bytes, .. } if bytes == sound));
    hostile
        .send(ClientMsg::Snapshot {
            doc: "clients".into(),
            covers_seq: 2,
            bytes: b"garbage".to_vec(),
            signature: vec![],
        })
        .await;
    assert!(matches!(hostile.recv().await, ServerMsg::SnapshotStored { .. }));
    checker.send(ClientMsg::Checked { doc: "clients".into(), covers_seq: 2, digest: digest(&sound), ok: true }).await;
    checker.send(ClientMsg::Ping).await;
    loop {
        match checker.recv().await {
            ServerMsg::Pong => break,
            ServerMsg::Check { .. } => {} // the garbage, sent to it in turn
            other => panic!("unexpected {other:?}"),
        }
    }
    let (_, newcomer) = relay.device(Role::Staff, "New tablet").await;
    let mut newcomer = relay.connect(&newcomer).await;
    assert_eq!(everything(&mut newcomer, "clients").await, (None, vec![1, 2]), "the garbage was not proven");
}

/// Issue 19: the relay cannot read sealed bytes, but it reads their header. A device may not
/// push what another device sealed (a replay, a chunk moved from another document), nor a
/// snapshot labelled for other coverage: refused before any honest device has to open it.
#[tokio::test]
async fn sealed_bytes_are_taken_only_from_their_writer_for_their_document_and_place() {
    use frontdesk_protocol::sealed::{Kind, Scope};
    let relay = TestRelay::open(|_| {});
    let (honest_id, honest) = relay.device(Role::Staff, "Desk").await;
    let (hostile_id, hostile) = relay.device(Role::Staff, "Stolen tablet").await;
    // The business seals: epoch 1 of every scope is numbered (devices hear it at Welcome).
    let scopes = [Scope::Kiosk, Scope::Staff, Scope::Inbox, Scope::Manager, Scope::Clock];
    assert!(relay.relay.store.new_epochs(&scopes, true, &honest_id, 0).await.unwrap().0);
    let mut honest = relay.connect(&honest).await;
    let mut hostile = relay.connect(&hostile).await;
    let sealed = |kind, scope, device: &str| support::sealed(kind, scope, 1, device);
    let push = |doc: &str, n: u8, bytes: Vec<u8>| ClientMsg::Push {
        doc: doc.into(),
        chunk_id: chunk(n),
        bytes,
        heads: vec![[n; 32]],
        signature: vec![],
    };
    // The honest desk's own sealed chunk is taken.
    let own = sealed(Kind::Chunk, Scope::Staff, &honest_id);
    honest.send(push("clients", 1, own.clone())).await;
    assert!(matches!(honest.recv().await, ServerMsg::Ack { seq: 1, .. }));
    // Replayed by the hostile device, moved into a document it may write but of another key
    // scope (the kiosk's), or sent as a snapshot, or as a snapshot of other coverage.
    let message = refused(&mut hostile, push("clients", 2, own.clone()), ErrorCode::Forbidden).await;
    assert!(message.contains("sealed chunk refused") && message.contains("another device"), "{message}");
    let moved = sealed(Kind::Chunk, Scope::Staff, &hostile_id);
    let message = refused(&mut hostile, push("kiosk", 3, moved.clone()), ErrorCode::Forbidden).await;
    assert!(message.contains("sealed chunk refused") && message.contains("kiosk scope"), "{message}");
    let as_snapshot =
        ClientMsg::Snapshot { doc: "clients".into(), covers_seq: 1, bytes: moved.clone(), signature: vec![] };
    let message = refused(&mut hostile, as_snapshot, ErrorCode::Forbidden).await;
    assert!(message.contains("sealed snapshot refused"), "{message}");
    let wrong_cover = sealed(Kind::Snapshot { covers_seq: 9 }, Scope::Staff, &hostile_id);
    let proposal = ClientMsg::Snapshot { doc: "clients".into(), covers_seq: 1, bytes: wrong_cover, signature: vec![] };
    let message = refused(&mut hostile, proposal, ErrorCode::Forbidden).await;
    assert!(message.contains("sealed snapshot refused"), "{message}");
    // Sealed under an epoch nobody numbered (a key planted ahead of a rotation): refused, and
    // the device told to hear the epochs again.
    let ahead = support::sealed(Kind::Chunk, Scope::Staff, 2, &hostile_id);
    let message = refused(&mut hostile, push("clients", 5, ahead), ErrorCode::StaleEpoch).await;
    assert!(message.contains("not numbered"), "{message}");
    // Its own, in the right place, is taken (whether it opens is for the devices to find out).
    hostile.send(push("clients", 4, moved)).await;
    assert!(matches!(hostile.recv().await, ServerMsg::Ack { seq: 2, .. }));
    assert_eq!(everything(&mut honest, "clients").await, (None, vec![1, 2]));
    assert_eq!(relay.relay.store.proposal("clients").await.unwrap(), None);
}

/// The kiosk's day `days` from the relay's (UTC) today.
fn kiosk_day(days: i64) -> String {
    format!("kiosk/{}", chrono::Utc::now().date_naive() + chrono::Duration::days(days))
}

#[tokio::test]
async fn the_kiosks_days_are_open_only_around_their_date_and_emptied_after() {
    let relay = TestRelay::open(|_| {});
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let (_, kiosk) = relay.device(Role::Kiosk, "Kiosk").await;
    let mut desk = relay.connect(&desk).await;
    let mut kiosk = relay.connect(&kiosk).await;
    for (n, days) in [(1, -1), (2, 0), (3, 1), (4, 2)] {
        acked(&mut desk, &kiosk_day(days), n).await;
        assert_eq!(everything(&mut kiosk, &kiosk_day(days)).await, (None, vec![1]), "a kiosk reads day {days}");
    }
    // Outside the window nobody reads a day; a desk's late write is taken (a desk back after
    // days must not keep it queued for ever) and emptied with the day.
    for (n, days) in [(5, -2), (7, -400)] {
        acked(&mut desk, &kiosk_day(days), n).await;
        let read = ClientMsg::Subscribe { doc: kiosk_day(days), after_seq: 0 };
        refused(&mut kiosk, read, ErrorCode::Forbidden).await;
        refused(&mut desk, ClientMsg::Subscribe { doc: kiosk_day(days), after_seq: 0 }, ErrorCode::Forbidden).await;
    }
    // Nothing is taken for a day beyond the window, or one that does not exist.
    for doc in [kiosk_day(3), kiosk_day(4000), "kiosk/9999-99-99".to_owned(), "kiosk/2026-02-30".to_owned()] {
        refused(&mut desk, push(&doc, 10), ErrorCode::Forbidden).await;
    }
    refused(&mut kiosk, push(&kiosk_day(0), 9), ErrorCode::Forbidden).await;
    acked(&mut desk, "day/2026-01-01", 8).await;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(frontdesk_relay::server::empty_past_kiosk_days(&relay.relay, today).await.unwrap(), 2);
    assert_eq!(relay.relay.store.backlog(&kiosk_day(-2), 0).await.unwrap().chunks, vec![]);
    assert_eq!(relay.relay.store.backlog(&kiosk_day(-400), 0).await.unwrap().chunks, vec![]);
    assert_eq!(relay.relay.store.backlog(&kiosk_day(2), 0).await.unwrap().chunks.len(), 1, "not past yet");
    assert_eq!(relay.relay.store.backlog(&kiosk_day(-1), 0).await.unwrap().chunks.len(), 1);
    assert_eq!(relay.relay.store.backlog("day/2026-01-01", 0).await.unwrap().chunks.len(), 1);
    // The next day, yesterday's day goes too.
    let tomorrow = today.succ_opt().unwrap();
    assert_eq!(frontdesk_relay::server::empty_past_kiosk_days(&relay.relay, tomorrow).await.unwrap(), 1);
    assert_eq!(relay.relay.store.backlog(&kiosk_day(-1), 0).await.unwrap().chunks, vec![]);
}

/// A device cannot pass its chunks or snapshots off as another device's: what it sends must be
/// signed by the key it proved at Hello, for that document and those bytes, or it is refused
/// (#20). Nothing of a refused push is stored, served or logged; the honest device's chunk,
/// pushed after, is served with its own signature.
#[tokio::test]
async fn a_chunk_or_snapshot_signed_by_another_key_or_for_other_bytes_is_refused() {
    let relay = TestRelay::open(|_| {});
    let (_, honest) = relay.device(Role::Staff, "Desk").await;
    let (hostile_id, hostile) = relay.device(Role::Staff, "Stolen tablet").await;
    let mut attacker = relay.connect(&hostile).await;
    let bytes = vec![7u8; 8];
    let push = |signature: Vec<u8>, n: u8| ClientMsg::Push {
        doc: "clients".into(),
        chunk_id: chunk(n),
        bytes: bytes.clone(),
        heads: vec![[n; 32]],
        signature,
    };
    // The honest desk's signature of these very bytes: a replay under the hostile device's Hello.
    let honest_signature = honest.author("clients", &bytes).signature;
    refused(&mut attacker, push(honest_signature, 1), ErrorCode::BadSignature).await;
    // Its own key, but for another document (a chunk moved), or other bytes.
    let moved = hostile.author("day/2026-12-07", &bytes).signature;
    refused(&mut attacker, push(moved, 2), ErrorCode::BadSignature).await;
    let other_bytes = hostile.author("clients", &[8u8; 8]).signature;
    refused(&mut attacker, push(other_bytes, 3), ErrorCode::BadSignature).await;
    // Garbage, and a signature of the wrong length.
    refused(&mut attacker, push(vec![0; 64], 4), ErrorCode::BadSignature).await;
    refused(&mut attacker, push(vec![1; 3], 5), ErrorCode::BadSignature).await;
    // A snapshot signed as a chunk of the same bytes does not pass for a snapshot.
    let as_chunk = hostile.author("clients", &bytes).signature;
    let snapshot =
        ClientMsg::Snapshot { doc: "clients".into(), covers_seq: 1, bytes: bytes.clone(), signature: as_chunk };
    refused(&mut attacker, snapshot, ErrorCode::BadSignature).await;
    let stored = relay.relay.store.backlog("clients", 0).await.unwrap();
    assert_eq!((stored.head, stored.snapshot.is_none()), (0, true), "nothing of a refused push is stored");
    let logged = relay.relay.store.audit(&Default::default()).await.unwrap();
    assert!(logged.iter().all(|line| line.device != hostile_id), "nor logged: {logged:?}");
    // The connection stays open, and its own signed push is taken.
    attacker.send(push(vec![], 6)).await; // signed by the test socket as the device it is
    assert!(matches!(attacker.recv().await, ServerMsg::Ack { seq: 1, .. }));
    let mut desk = relay.connect(&honest).await;
    desk.send(ClientMsg::Subscribe { doc: "clients".into(), after_seq: 0 }).await;
    match desk.recv().await {
        ServerMsg::Chunk { author, .. } => assert_eq!(author, hostile.author("clients", &bytes)),
        other => panic!("expected the chunk, got {other:?}"),
    }
}
