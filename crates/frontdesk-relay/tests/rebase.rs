//! Re-bases (protocol 7) through a connection: a manager's device replaces every byte the relay
//! holds of a document with a fresh one (to erase a person the old history still holds). Only a
//! manager may, with its own signature, on the head the document has; every other subscriber is
//! told, and a device's change made on the old history is refused until it has subscribed again.

use frontdesk_protocol::{Author, ClientMsg, ErrorCode, Role, ServerMsg};
use frontdesk_relay::pairing::Credential;
use frontdesk_relay::store::{AuditAction, AuditQuery, Backlog};

mod support;

use support::{Socket, TestRelay, acked, chunk, digest, drop_box, push, refused};

/// A re-base of `doc` built on `after_seq`, unsigned (the test socket signs it as its device).
fn rebase(doc: &str, after_seq: u64, bytes: &[u8]) -> ClientMsg {
    ClientMsg::Rebase { doc: doc.into(), after_seq, bytes: bytes.to_vec(), signature: vec![] }
}

/// `cred` as the author of a re-base of `doc` covering `covers_seq` with `bytes`.
fn rebase_author(cred: &Credential, doc: &str, covers_seq: u64, bytes: &[u8]) -> Author {
    let signature = cred.sign(&frontdesk_protocol::rebase_proof(doc, covers_seq, &digest(bytes)));
    Author { key: cred.public_key().to_vec(), signature }
}

/// Re-bases `doc` on `after_seq` and expects it stored; returns the seq it covers.
async fn rebased(socket: &mut Socket, doc: &str, after_seq: u64, bytes: &[u8]) -> u64 {
    socket.send(rebase(doc, after_seq, bytes)).await;
    match socket.recv().await {
        ServerMsg::SnapshotStored { doc: stored, covers_seq } if stored == doc => covers_seq,
        other => panic!("expected the re-base of {doc} stored, got {other:?}"),
    }
}

/// Subscribes after `after_seq`; returns what is served up to and including `Synced`.
async fn subscribe(socket: &mut Socket, doc: &str, after_seq: u64) -> Vec<ServerMsg> {
    socket.send(ClientMsg::Subscribe { doc: doc.into(), after_seq }).await;
    let mut served = Vec::new();
    loop {
        let msg = socket.recv().await;
        let synced = matches!(msg, ServerMsg::Synced { .. });
        served.push(msg);
        if synced {
            return served;
        }
    }
}

/// What is served, without the bytes and times: `("rebased", 4)`, `("chunk", 5)`, `("synced", 5)`.
fn outline(served: &[ServerMsg]) -> Vec<(&'static str, u64)> {
    served
        .iter()
        .map(|msg| match msg {
            ServerMsg::Rebased { covers_seq, .. } => ("rebased", *covers_seq),
            ServerMsg::Snapshot { covers_seq, .. } => ("snapshot", *covers_seq),
            ServerMsg::Chunk { seq, .. } => ("chunk", *seq),
            ServerMsg::Synced { head, .. } => ("synced", *head),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

/// Nothing else is waiting for `socket`: a Ping is answered next.
async fn nothing_more(socket: &mut Socket) {
    socket.send(ClientMsg::Ping).await;
    assert_eq!(socket.recv().await, ServerMsg::Pong);
}

/// The audit log's re-base lines.
async fn rebase_lines(relay: &TestRelay) -> Vec<frontdesk_relay::store::AuditEntry> {
    let all = relay.relay.store.audit(&AuditQuery::default()).await.unwrap();
    all.into_iter().filter(|l| l.action == AuditAction::Rebase).collect()
}

/// (a) A re-base replaces what every device holds: staff and kiosks may not send one, whatever
/// the document — a kiosk not even for its own drop box. Nothing is stored or logged.
#[tokio::test]
async fn only_a_managers_device_may_rebase_and_a_refused_one_changes_nothing() {
    let relay = TestRelay::open(|_| {});
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let (kiosk_id, kiosk) = relay.device(Role::Kiosk, "Lobby").await;
    let mut desk = relay.connect(&desk).await;
    let mut kiosk = relay.connect(&kiosk).await;
    acked(&mut desk, "clients", 1).await;
    acked(&mut desk, "clients", 2).await;
    let inbox = drop_box("inbox", 0, &kiosk_id);
    acked(&mut kiosk, &inbox, 3).await;
    let before = relay.relay.store.backlog("clients", 0).await.unwrap();

    let message = refused(&mut desk, rebase("clients", 2, b"fresh"), ErrorCode::Forbidden).await;
    assert!(message.contains("manager"), "{message}");
    refused(&mut kiosk, rebase(&inbox, 1, b"fresh"), ErrorCode::Forbidden).await;
    refused(&mut kiosk, rebase("kiosk", 0, b"fresh"), ErrorCode::Forbidden).await;

    assert_eq!(relay.relay.store.backlog("clients", 0).await.unwrap(), before, "nothing changed");
    assert_eq!(relay.relay.store.backlog(&inbox, 0).await.unwrap().chunks.len(), 1);
    assert_eq!(relay.relay.store.rebased_at("clients").await.unwrap(), 0);
    assert_eq!(rebase_lines(&relay).await, vec![], "nothing logged");
    // The refused devices keep their connections and write on as before.
    assert_eq!(acked(&mut desk, "clients", 4).await, 3);
}

/// A manager re-bases only what it may read and the relay holds: a name in no area, another
/// device's envelopes or a document the relay never stored are refused.
#[tokio::test]
async fn a_manager_rebases_only_a_document_it_reads_that_the_relay_holds() {
    let relay = TestRelay::open(|_| {});
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (desk_id, desk) = relay.device(Role::Staff, "Desk").await;
    let mut office = relay.connect(&office).await;
    let mut desk = relay.connect(&desk).await;
    let envelopes = format!("envelopes/{desk_id}");
    acked(&mut office, &envelopes, 1).await;
    refused(&mut office, rebase(&envelopes, 1, b"fresh"), ErrorCode::Forbidden).await;
    refused(&mut office, rebase("Clients", 0, b"fresh"), ErrorCode::BadDocName).await;
    refused(&mut office, rebase("notanarea/x", 0, b"fresh"), ErrorCode::Forbidden).await;
    let message = refused(&mut office, rebase("clients", 0, b"fresh"), ErrorCode::Forbidden).await;
    assert!(message.contains("nothing"), "a document the relay never stored: {message}");
    assert_eq!(relay.relay.store.backlog("clients", 0).await.unwrap(), Backlog::default(), "no document made");
    assert_eq!(subscribe(&mut desk, &envelopes, 0).await.len(), 2, "the envelope is still there");
    assert_eq!(rebase_lines(&relay).await, vec![]);
}

/// (b) The re-base must be signed by the manager's own key, for this document, these bytes and
/// the seq it covers, as a re-base: anything else is refused and changes nothing.
#[tokio::test]
async fn a_rebase_not_signed_by_the_managers_key_for_these_bytes_is_refused() {
    let relay = TestRelay::open(|_| {});
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (_, other_manager) = relay.device(Role::Manager, "Owner's tablet").await;
    let mut socket = relay.connect(&office).await;
    for n in 1..=3 {
        acked(&mut socket, "clients", n).await;
    }
    let before = relay.relay.store.backlog("clients", 0).await.unwrap();
    let fresh = b"fresh".to_vec();
    let signed_as =
        |signature: Vec<u8>| ClientMsg::Rebase { doc: "clients".into(), after_seq: 3, bytes: fresh.clone(), signature };
    let digest = digest(&fresh);
    let wrong = [
        // Another manager's genuine signature of this very re-base.
        other_manager.sign(&frontdesk_protocol::rebase_proof("clients", 4, &digest)),
        // Its own key, but a snapshot's signature of the same bytes and seq.
        office.sign(&frontdesk_protocol::snapshot_proof("clients", 4, &digest)),
        // For the seq it was built on instead of the one it covers, another document, other bytes.
        office.sign(&frontdesk_protocol::rebase_proof("clients", 3, &digest)),
        office.sign(&frontdesk_protocol::rebase_proof("day/2026-12-07", 4, &digest)),
        office.sign(&frontdesk_protocol::rebase_proof("clients", 4, &self::digest(b"other"))),
        vec![0; 64],
        vec![1; 3],
    ];
    for signature in wrong {
        let message = refused(&mut socket, signed_as(signature), ErrorCode::BadSignature).await;
        assert!(message.contains("signature"), "{message}");
    }
    assert_eq!(relay.relay.store.backlog("clients", 0).await.unwrap(), before, "nothing changed");
    assert_eq!(rebase_lines(&relay).await, vec![]);
    // Signed as it should be, it is taken.
    let signature = office.sign(&frontdesk_protocol::rebase_proof("clients", 4, &digest));
    socket.send(signed_as(signature)).await;
    assert_eq!(socket.recv().await, ServerMsg::SnapshotStored { doc: "clients".into(), covers_seq: 4 });
}

/// (c) The attack the rule exists for: a desk that subscribed before the re-base pushes a change
/// made on the old history after it. Refused (`Rebased`), nothing stored or logged — and so is
/// its snapshot proposal, and the push of a connection that never subscribed. Once it has
/// subscribed again at or after the re-base, its push is taken; the manager's own connection
/// writes on without subscribing again (it made the new history).
#[tokio::test]
async fn a_push_made_on_the_old_history_is_refused_until_the_device_subscribes_again() {
    let relay = TestRelay::open(|_| {});
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (desk_id, desk) = relay.device(Role::Staff, "Desk").await;
    let mut office = relay.connect(&office).await;
    let mut desk = relay.connect(&desk).await;
    acked(&mut desk, "clients", 1).await;
    acked(&mut desk, "clients", 2).await;
    assert_eq!(outline(&subscribe(&mut desk, "clients", 2).await), [("synced", 2)]);

    assert_eq!(rebased(&mut office, "clients", 2, b"fresh").await, 3);
    assert!(matches!(desk.recv().await, ServerMsg::Rebased { covers_seq: 3, .. }), "told live");
    // Pipelined before it had applied the re-base: made on the old history.
    let message = refused(&mut desk, push("clients", 3), ErrorCode::Rebased).await;
    assert!(message.contains("re-based at 3"), "{message}");
    let proposal = ClientMsg::Snapshot { doc: "clients".into(), covers_seq: 3, bytes: vec![1; 8], signature: vec![] };
    refused(&mut desk, proposal, ErrorCode::Rebased).await;
    // A connection that never subscribed knows nothing of the re-base either.
    let (_, other) = relay.device(Role::Staff, "Back desk").await;
    let mut other = relay.connect(&other).await;
    refused(&mut other, push("clients", 4), ErrorCode::Rebased).await;
    let stored = relay.relay.store.backlog("clients", 0).await.unwrap();
    assert_eq!((stored.head, stored.chunks.len()), (3, 0), "nothing refused was stored");
    assert_eq!(relay.relay.store.proposal("clients").await.unwrap(), None);
    let query = AuditQuery { device: Some(desk_id.clone()), ..AuditQuery::default() };
    let logged: Vec<u64> = relay.relay.store.audit(&query).await.unwrap().iter().map(|l| l.seq).collect();
    assert_eq!(logged, vec![1, 2], "only the pushes made before the re-base are logged");

    // The manager writes on at once; the desk after subscribing again with the new cursor.
    assert_eq!(acked(&mut office, "clients", 5).await, 4);
    assert!(matches!(desk.recv().await, ServerMsg::Chunk { seq: 4, .. }), "still subscribed, live");
    assert_eq!(outline(&subscribe(&mut desk, "clients", 3).await), [("chunk", 4), ("synced", 4)]);
    assert_eq!(acked(&mut desk, "clients", 3).await, 5, "made on the new history: taken");
    // A subscribe from before the re-base again (a device gone back to an old copy) is refused
    // again: it is served the re-base, and what it writes waits until it subscribes after it.
    assert_eq!(
        outline(&subscribe(&mut desk, "clients", 2).await),
        [("rebased", 3), ("chunk", 4), ("chunk", 5), ("synced", 5)]
    );
    refused(&mut desk, push("clients", 6), ErrorCode::Rebased).await;
}

/// (d) Every other live subscriber is sent the re-base with its bytes and author, in its place
/// in the document's sequence; a device that subscribes with a cursor before it is served it,
/// then the chunks after it and Synced; one at or after it gets an ordinary backlog. The
/// manager's own connection is not sent its own re-base.
#[tokio::test]
async fn subscribers_are_told_of_a_rebase_live_and_in_their_backlog() {
    let relay = TestRelay::open(|_| {});
    let (_, office_cred) = relay.device(Role::Manager, "Office").await;
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let mut office = relay.connect(&office_cred).await;
    let mut live = relay.connect(&desk).await;
    let mut office_tab = relay.connect(&office_cred).await;
    for n in 1..=3 {
        acked(&mut office, "clients", n).await;
    }
    assert_eq!(
        outline(&subscribe(&mut live, "clients", 0).await),
        [("chunk", 1), ("chunk", 2), ("chunk", 3), ("synced", 3)]
    );
    assert_eq!(outline(&subscribe(&mut office_tab, "clients", 3).await), [("synced", 3)]);
    assert_eq!(outline(&subscribe(&mut office, "clients", 3).await), [("synced", 3)]);

    let fresh = b"a fresh document".to_vec();
    assert_eq!(rebased(&mut office, "clients", 3, &fresh).await, 4);
    let told = ServerMsg::Rebased {
        doc: "clients".into(),
        covers_seq: 4,
        bytes: fresh.clone(),
        author: rebase_author(&office_cred, "clients", 4, &fresh),
    };
    assert_eq!(live.recv().await, told, "a live subscriber is told, with the bytes and who signed them");
    assert_eq!(office_tab.recv().await, told, "so is the same device's other connection");
    assert_eq!(acked(&mut office, "clients", 4).await, 5);
    assert!(matches!(live.recv().await, ServerMsg::Chunk { seq: 5, .. }), "then what is pushed on top of it");
    nothing_more(&mut office).await;

    let (_, late) = relay.device(Role::Staff, "Late desk").await;
    let mut late = relay.connect(&late).await;
    let served = subscribe(&mut late, "clients", 2).await;
    assert_eq!(outline(&served), [("rebased", 4), ("chunk", 5), ("synced", 5)]);
    assert_eq!(served[0], told, "served as it was told live");
    assert_eq!(outline(&subscribe(&mut late, "clients", 0).await), [("rebased", 4), ("chunk", 5), ("synced", 5)]);
    assert_eq!(outline(&subscribe(&mut late, "clients", 4).await), [("chunk", 5), ("synced", 5)]);
    assert_eq!(outline(&subscribe(&mut late, "clients", 5).await), [("synced", 5)]);
    nothing_more(&mut late).await;
}

/// (e) A drop box's changes stand alone: a kiosk (which never subscribes) pushes on to its inbox
/// after a manager re-based it, and a desk to its time clock box; the manager re-bases both.
#[tokio::test]
async fn a_drop_boxs_writer_pushes_on_after_a_rebase() {
    let relay = TestRelay::open(|_| {});
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (kiosk_id, kiosk) = relay.device(Role::Kiosk, "Lobby").await;
    let (desk_id, desk) = relay.device(Role::Staff, "Desk").await;
    let mut office = relay.connect(&office).await;
    let mut kiosk = relay.connect(&kiosk).await;
    let mut desk = relay.connect(&desk).await;
    let inbox = drop_box("inbox", 0, &kiosk_id);
    let clock = drop_box("timeclock", 0, &desk_id);
    acked(&mut kiosk, &inbox, 1).await;
    acked(&mut kiosk, &inbox, 2).await;
    acked(&mut desk, &clock, 3).await;

    assert_eq!(rebased(&mut office, &inbox, 2, b"without one name").await, 3);
    assert_eq!(rebased(&mut office, &clock, 1, b"without one punch").await, 2);
    assert_eq!(acked(&mut kiosk, &inbox, 4).await, 4, "the kiosk's next one is taken");
    assert_eq!(acked(&mut desk, &clock, 5).await, 3, "and the desk's");
    assert_eq!(outline(&subscribe(&mut office, &inbox, 0).await), [("rebased", 3), ("chunk", 4), ("synced", 4)]);
    assert_eq!(outline(&subscribe(&mut office, &clock, 0).await), [("rebased", 2), ("chunk", 3), ("synced", 3)]);
}

/// (f) A re-base built on a head the document has moved past — or one it never reached — is
/// refused with `Moved` and changes nothing; built again on the head, it is taken.
#[tokio::test]
async fn a_rebase_built_on_another_head_is_refused_as_moved() {
    let relay = TestRelay::open(|_| {});
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let mut office = relay.connect(&office).await;
    let mut desk = relay.connect(&desk).await;
    for n in 1..=2 {
        acked(&mut office, "clients", n).await;
    }
    // The desk pushed while the manager's tablet built the fresh document on seq 2.
    acked(&mut desk, "clients", 3).await;
    let before = relay.relay.store.backlog("clients", 0).await.unwrap();
    for after_seq in [2, 4, u64::MAX] {
        let message = refused(&mut office, rebase("clients", after_seq, b"fresh"), ErrorCode::Moved).await;
        assert!(after_seq == u64::MAX || message.contains("head is 3"), "{message}");
    }
    assert_eq!(relay.relay.store.backlog("clients", 0).await.unwrap(), before, "nothing changed");
    assert_eq!(relay.relay.store.rebased_at("clients").await.unwrap(), 0);
    assert_eq!(rebase_lines(&relay).await, vec![], "nothing logged");
    assert_eq!(acked(&mut desk, "clients", 4).await, 4, "the desk writes on as before");
    assert_eq!(rebased(&mut office, "clients", 4, b"fresh").await, 5, "built again on the head");
}

/// (g) A re-base is in the audit log with the device that sent it (as the relay proved it),
/// the relay's time, the seq it covers, its size and the SHA-256 of its bytes.
#[tokio::test]
async fn a_rebase_is_in_the_audit_log_with_the_device_that_sent_it() {
    let relay = TestRelay::open(|_| {});
    let (office_id, office) = relay.device(Role::Manager, "Office").await;
    let mut office = relay.connect(&office).await;
    acked(&mut office, "clients", 1).await;
    let before = chrono::Utc::now().timestamp_millis();
    let fresh = vec![9u8; 300];
    assert_eq!(rebased(&mut office, "clients", 1, &fresh).await, 2);
    let now = chrono::Utc::now().timestamp_millis();
    let lines = rebase_lines(&relay).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!((line.device.as_str(), line.doc.as_str(), line.seq, line.size), (office_id.as_str(), "clients", 2, 300));
    assert_eq!(line.sha256, Some(digest(&fresh)));
    assert!((before..=now).contains(&line.at_ms), "relay time: {line:?}");
    let query = AuditQuery { device: Some(office_id), ..AuditQuery::default() };
    let actions: Vec<AuditAction> = relay.relay.store.audit(&query).await.unwrap().iter().map(|l| l.action).collect();
    assert_eq!(actions, [AuditAction::Push, AuditAction::Rebase]);
}

/// Where the business seals, a re-base is sealed like a snapshot: by its sender, for the
/// document's scope, as a snapshot of the seq it covers; in the clear, or sealed as anything
/// else, it is refused before anything is stored.
#[tokio::test]
async fn a_sealed_rebase_is_taken_only_from_its_writer_as_a_snapshot_of_the_seq_it_covers() {
    use frontdesk_protocol::sealed::{Kind, Scope};
    let relay = TestRelay::open(|_| {});
    let (office_id, office) = relay.device(Role::Manager, "Office").await;
    let (desk_id, _) = relay.device(Role::Staff, "Desk").await;
    let scopes = [Scope::Kiosk, Scope::Staff, Scope::Inbox, Scope::Manager, Scope::Clock];
    assert!(relay.relay.store.new_epochs(&scopes, true, &office_id, 0).await.unwrap().0);
    let mut office = relay.connect(&office).await;
    let own_chunk = support::sealed(Kind::Chunk, Scope::Staff, 1, &office_id);
    office
        .send(ClientMsg::Push {
            doc: "clients".into(),
            chunk_id: chunk(1),
            bytes: own_chunk.clone(),
            heads: vec![],
            signature: vec![],
        })
        .await;
    assert!(matches!(office.recv().await, ServerMsg::Ack { seq: 1, .. }));

    refused(&mut office, rebase("clients", 1, b"in the clear"), ErrorCode::StaleEpoch).await;
    let wrong = [
        own_chunk,
        support::sealed(Kind::Snapshot { covers_seq: 1 }, Scope::Staff, 1, &office_id),
        support::sealed(Kind::Snapshot { covers_seq: 2 }, Scope::Staff, 1, &desk_id),
        support::sealed(Kind::Snapshot { covers_seq: 2 }, Scope::Kiosk, 1, &office_id),
    ];
    for bytes in wrong {
        let message = refused(&mut office, rebase("clients", 1, &bytes), ErrorCode::Forbidden).await;
        assert!(message.contains("sealed re-base refused"), "{message}");
    }
    assert_eq!(relay.relay.store.rebased_at("clients").await.unwrap(), 0, "nothing changed");
    let sealed = support::sealed(Kind::Snapshot { covers_seq: 2 }, Scope::Staff, 1, &office_id);
    assert_eq!(rebased(&mut office, "clients", 1, &sealed).await, 2);
}
