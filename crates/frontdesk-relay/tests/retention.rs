//! Retention rules (protocol 8) through a connection: a manager's device says how long each dated
//! area's documents are kept; the relay keeps the rules, empties every document they make expired
//! at once (and at every sweep after), leaves no byte of one in its data folder, and refuses
//! anything more for it — while every other document is served as before.

use chrono::{Datelike, Months, NaiveDate};
use frontdesk_protocol::retention::{MAX_DAYS, Rule};
use frontdesk_protocol::{AdminReply, Area, ChunkId, ClientMsg, ErrorCode, Retention, Role, ServerMsg};
use frontdesk_relay::store::{AuditAction, AuditEntry, AuditQuery, Backlog};

mod support;

use support::{Socket, TestRelay, acked, push, refused};

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The rules `(area, days)`, checked and in area order.
fn rules(rules: &[(Area, u32)]) -> Retention {
    Retention::new(rules.iter().map(|&(area, days)| Rule { area, days })).unwrap()
}

/// The monthly document of `area` for the month `months` before this one (UTC).
fn month(area: Area, months: u32) -> String {
    let first = today().with_day(1).unwrap().checked_sub_months(Months::new(months)).unwrap();
    format!("{area}/{}", first.format("%Y-%m"))
}

/// The daily document of `area` for the day `days` before today (UTC).
fn day(area: Area, days: u64) -> String {
    format!("{area}/{}", today().checked_sub_days(chrono::Days::new(days)).unwrap())
}

/// Bytes no other chunk holds, to look for in the data folder.
fn secret(name: &str) -> Vec<u8> {
    format!("<<{name}: nothing of this may stay once it expires>>").into_bytes().repeat(16)
}

/// Pushes `bytes` as chunk `n` of `doc` (signed by the socket's device) and expects its Ack.
async fn push_bytes(socket: &mut Socket, doc: &str, n: u8, bytes: &[u8]) -> u64 {
    let msg = ClientMsg::Push {
        doc: doc.into(),
        chunk_id: ChunkId([n; 16]),
        bytes: bytes.to_vec(),
        heads: vec![[n; 32]],
        signature: vec![],
    };
    socket.send(msg).await;
    match socket.recv().await {
        ServerMsg::Ack { seq, .. } => seq,
        other => panic!("expected an Ack for {doc} #{n}, got {other:?}"),
    }
}

/// Sends rules from `socket` and expects the relay's answer: the rules it keeps, and how many
/// documents it emptied.
async fn set_rules(socket: &mut Socket, retention: Retention) -> (Retention, u64) {
    socket.send(ClientMsg::SetRetention { retention }).await;
    match socket.recv().await {
        ServerMsg::Admin { reply } => match AdminReply::from_bytes(&reply).expect("an admin reply") {
            AdminReply::Retention { retention, emptied } => (retention, emptied),
            other => panic!("expected the retention answer, got {other:?}"),
        },
        other => panic!("expected the retention answer, got {other:?}"),
    }
}

/// Sends `msg` and expects `Expired` naming `doc`.
async fn expired(socket: &mut Socket, msg: ClientMsg, doc: &str) {
    socket.send(msg).await;
    match socket.recv().await {
        ServerMsg::Error { code: ErrorCode::Expired, doc: Some(named), .. } if named == doc => {}
        other => panic!("expected {doc} refused as expired, got {other:?}"),
    }
}

/// Subscribes from the start; returns what is served up to and including `Synced`.
async fn subscribe(socket: &mut Socket, doc: &str) -> Vec<ServerMsg> {
    socket.send(ClientMsg::Subscribe { doc: doc.into(), after_seq: 0 }).await;
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

/// The chunks' seqs a subscribe from the start serves.
async fn served_seqs(socket: &mut Socket, doc: &str) -> Vec<u64> {
    subscribe(socket, doc)
        .await
        .iter()
        .filter_map(|msg| match msg {
            ServerMsg::Chunk { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect()
}

/// Nothing else is waiting for `socket`: a Ping is answered next.
async fn nothing_more(socket: &mut Socket) {
    socket.send(ClientMsg::Ping).await;
    assert_eq!(socket.recv().await, ServerMsg::Pong);
}

async fn audit_lines(relay: &TestRelay, action: AuditAction) -> Vec<AuditEntry> {
    let all = relay.relay.store.audit(&AuditQuery::default()).await.unwrap();
    all.into_iter().filter(|l| l.action == action).collect()
}

fn holds(raw: &[u8], needle: &[u8]) -> bool {
    raw.windows(needle.len()).any(|w| w == needle)
}

/// (a) Rules empty documents for every device: a staff device or a kiosk may not set them (a
/// desk turned hostile would wipe the business's history), and nothing is emptied or kept for
/// it; rules `check` refuses — an area whose documents are not dated, rules out of order or
/// twice for one area, too long — are refused whoever sends them. Only then does the manager's
/// device set rules that are taken.
#[tokio::test]
async fn only_a_managers_device_sets_rules_and_malformed_rules_are_refused() {
    let relay = TestRelay::open(|_| {});
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let (_, lobby) = relay.device(Role::Kiosk, "Lobby").await;
    let mut office = relay.connect(&office).await;
    let mut desk = relay.connect(&desk).await;
    let mut lobby = relay.connect(&lobby).await;
    let old = month(Area::Messages, 6);
    acked(&mut desk, &old, 1).await;

    let wipe = rules(&[(Area::Messages, 0), (Area::Day, 0)]);
    let message = refused(&mut desk, ClientMsg::SetRetention { retention: wipe.clone() }, ErrorCode::Forbidden).await;
    assert!(message.contains("manager"), "{message}");
    refused(&mut lobby, ClientMsg::SetRetention { retention: wipe }, ErrorCode::Forbidden).await;

    let malformed = [
        // Not dated: no rule may name them.
        Retention { rules: vec![Rule { area: Area::Clients, days: 30 }] },
        Retention { rules: vec![Rule { area: Area::Kiosk, days: 1 }] },
        // Off the wire unsorted, twice for one area, or longer than a hundred years.
        Retention { rules: vec![Rule { area: Area::Messages, days: 1 }, Rule { area: Area::Inbox, days: 1 }] },
        Retention { rules: vec![Rule { area: Area::Inbox, days: 1 }, Rule { area: Area::Inbox, days: 60 }] },
        Retention { rules: vec![Rule { area: Area::Day, days: MAX_DAYS + 1 }] },
    ];
    for retention in malformed {
        refused(&mut office, ClientMsg::SetRetention { retention: retention.clone() }, ErrorCode::BadRetention).await;
        refused(&mut desk, ClientMsg::SetRetention { retention }, ErrorCode::Forbidden).await;
    }

    assert_eq!(relay.relay.retention(), Retention::default(), "no rules in force");
    assert_eq!(relay.relay.store.retention().await.unwrap(), Retention::default(), "no rules kept");
    assert_eq!(audit_lines(&relay, AuditAction::Retention).await, vec![], "nothing logged");
    assert_eq!(audit_lines(&relay, AuditAction::Expire).await, vec![], "nothing emptied");
    assert_eq!(served_seqs(&mut desk, &old).await, [1], "the old document is still served");
    // The refused devices keep their connections and write on.
    assert_eq!(acked(&mut desk, &old, 2).await, 2);
    let taken = rules(&[(Area::Messages, 30)]);
    assert_eq!(set_rules(&mut office, taken.clone()).await, (taken, 1), "the manager's rules are taken");
}

/// (b) A manager keeps messages 30 days: a messages document of months ago — pushed before the
/// rule — is emptied at once and counted; from then on a subscribe to it is refused with nothing
/// else sent, and a push, a snapshot, a verdict or a re-base of it is refused and stores nothing
/// (a live subscriber of it is sent nothing either). This month's messages and an old day (no
/// rule for days) are served and written as before, and a watch no longer names the expired one.
#[tokio::test]
async fn a_rule_empties_an_old_document_at_once_and_refuses_anything_more_for_it() {
    let relay = TestRelay::open(|_| {});
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let (_, back) = relay.device(Role::Staff, "Back desk").await;
    let mut office = relay.connect(&office).await;
    let mut desk = relay.connect(&desk).await;
    let mut back = relay.connect(&back).await;
    let (old, current, old_day) = (month(Area::Messages, 4), month(Area::Messages, 0), day(Area::Day, 400));
    for n in 1..=3 {
        acked(&mut desk, &old, n).await;
    }
    acked(&mut desk, &current, 4).await;
    acked(&mut desk, &old_day, 5).await;
    assert_eq!(served_seqs(&mut back, &old).await, [1, 2, 3], "subscribed live before the rule");

    let kept = rules(&[(Area::Messages, 30)]);
    assert_eq!(set_rules(&mut office, kept.clone()).await, (kept, 1), "the old month emptied and counted");
    assert_eq!(relay.relay.store.backlog(&old, 0).await.unwrap(), Backlog { head: 3, ..Backlog::default() });

    // A subscribe: only the refusal — no snapshot, chunk or Synced, not even the head.
    expired(&mut desk, ClientMsg::Subscribe { doc: old.clone(), after_seq: 0 }, &old).await;
    nothing_more(&mut desk).await;
    // A push: refused instead of its Ack, and not stored.
    expired(&mut desk, push(&old, 6), &old).await;
    nothing_more(&mut desk).await;
    let snapshot = ClientMsg::Snapshot { doc: old.clone(), covers_seq: 3, bytes: vec![1; 8], signature: vec![] };
    expired(&mut desk, snapshot, &old).await;
    let verdict = ClientMsg::Checked { doc: old.clone(), covers_seq: 3, digest: [0; 32], ok: true };
    expired(&mut back, verdict, &old).await;
    nothing_more(&mut back).await;
    let rebase = ClientMsg::Rebase { doc: old.clone(), after_seq: 3, bytes: b"fresh".to_vec(), signature: vec![] };
    expired(&mut office, rebase, &old).await;
    // Nor when its chunks were stored, though the audit log keeps their push lines.
    let asked = ClientMsg::WhenStored { doc: old.clone(), chunks: vec![ChunkId([1; 16])] };
    expired(&mut back, asked, &old).await;
    nothing_more(&mut back).await;
    // Neither does a device behind a fresh relay on the same folder find anything of it.
    let relay = relay.restart().await;
    assert_eq!(relay.relay.store.backlog(&old, 0).await.unwrap(), Backlog { head: 3, ..Backlog::default() });
    assert_eq!(relay.relay.store.proposal(&old).await.unwrap(), None, "no proposal kept");
    let (_, desk) = relay.device(Role::Staff, "Desk again").await;
    let (_, back) = relay.device(Role::Staff, "Back desk again").await;
    let mut desk = relay.connect(&desk).await;
    let mut back = relay.connect(&back).await;
    assert_eq!(served_seqs(&mut back, &old_day).await, [1]);
    assert_eq!(served_seqs(&mut back, &current).await, [1]);
    expired(&mut back, ClientMsg::Subscribe { doc: old.clone(), after_seq: 3 }, &old).await;

    // What no rule reaches is served and written as before — live too.
    assert_eq!(acked(&mut desk, &current, 7).await, 2);
    assert_eq!(acked(&mut desk, &old_day, 8).await, 2);
    assert!(matches!(back.recv().await, ServerMsg::Chunk { seq: 2, .. }), "this month's, live");
    assert!(matches!(back.recv().await, ServerMsg::Chunk { seq: 2, .. }), "the old day's, live");
    back.send(ClientMsg::Watch { prefix: format!("{}/", Area::Messages) }).await;
    assert_eq!(back.recv().await, ServerMsg::DocExists { doc: current.clone() });
    nothing_more(&mut back).await;
}

/// (c) Once the relay has answered the rules, no byte of the expired document's chunks or of a
/// snapshot proposed for it is in any file of the data folder — the database, its WAL — while
/// the relay still runs; another document's bytes are.
#[tokio::test]
async fn no_byte_of_an_expired_document_stays_in_the_data_folder() {
    let relay = TestRelay::open(|_| {});
    let (office_id, office) = relay.device(Role::Manager, "Office").await;
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let mut office = relay.connect(&office).await;
    let mut desk = relay.connect(&desk).await;
    let (old, current) = (month(Area::Messages, 3), month(Area::Messages, 0));
    let gone = secret("an old message");
    let stays = secret("this month's message");
    for n in 1..=3 {
        push_bytes(&mut desk, &old, n, &gone).await;
    }
    push_bytes(&mut desk, &current, 4, &stays).await;
    let proposal = [&gone[..], b" as a snapshot"].concat();
    let author = frontdesk_protocol::Author::default();
    relay.relay.store.propose_snapshot(&old, 3, proposal, &office_id, author).await.unwrap();
    assert!(holds(&relay.data_files(), &gone), "the bytes are in the data folder before");

    let kept = rules(&[(Area::Messages, 30)]);
    assert_eq!(set_rules(&mut office, kept.clone()).await, (kept, 1));
    let raw = relay.data_files();
    assert!(!holds(&raw, &gone), "a byte of the expired document is still in the data folder");
    assert!(holds(&raw, &stays), "what is kept is still stored");
    // Nor after the relay stops.
    let relay = relay.restart().await;
    assert!(!holds(&relay.data_files(), &gone), "nor once the relay has stopped");
}

/// (d) The rules survive a restart: the new relay's sweep, before any device has connected,
/// empties what they make expired on a later day (this month's messages, some months on), and a
/// push to an old month is refused without the manager's device saying the rules again.
#[tokio::test]
async fn the_rules_survive_a_restart_and_the_sweep_empties_what_expires_later() {
    let relay = TestRelay::open(|_| {});
    let (_, office) = relay.device(Role::Manager, "Office").await;
    let (_, desk_cred) = relay.device(Role::Staff, "Desk").await;
    let mut office = relay.connect(&office).await;
    let mut desk = relay.connect(&desk_cred).await;
    let current = month(Area::Messages, 0);
    let today_day = day(Area::Day, 0);
    acked(&mut desk, &current, 1).await;
    acked(&mut desk, &today_day, 2).await;
    let kept = rules(&[(Area::Day, 10), (Area::Messages, 30)]);
    assert_eq!(set_rules(&mut office, kept.clone()).await, (kept.clone(), 0), "nothing expired yet");
    drop((office, desk));

    let relay = relay.restart().await;
    assert_eq!(relay.relay.empty_expired(today()).await.unwrap(), 0, "nothing expired today");
    assert_eq!(relay.relay.retention(), kept, "read from the store at start");
    assert_eq!(relay.relay.store.backlog(&current, 0).await.unwrap().chunks.len(), 1);
    // Some months on, this month is past its 30 days and today past its 10.
    let later = today().checked_add_months(Months::new(3)).unwrap();
    assert_eq!(relay.relay.empty_expired(later).await.unwrap(), 2);
    assert_eq!(relay.relay.store.backlog(&current, 0).await.unwrap(), Backlog { head: 1, ..Backlog::default() });
    assert_eq!(relay.relay.store.backlog(&today_day, 0).await.unwrap(), Backlog { head: 1, ..Backlog::default() });
    assert_eq!(relay.relay.empty_expired(later).await.unwrap(), 0, "emptied once");

    let mut desk = relay.connect(&desk_cred).await;
    let old = month(Area::Messages, 3);
    expired(&mut desk, push(&old, 3), &old).await;
    assert_eq!(relay.relay.store.backlog(&old, 0).await.unwrap(), Backlog::default(), "nothing stored");
    assert_eq!(acked(&mut desk, &current, 4).await, 2, "this month is still written today");
}

/// (e) The audit log says who set the rules — the manager's device, once per change, not when
/// the same rules are sent again at its next connect — and has an `expire` line, with no device,
/// for each document the relay emptied; none for what it kept.
#[tokio::test]
async fn the_audit_log_names_the_manager_for_the_rules_and_each_emptied_document() {
    let relay = TestRelay::open(|_| {});
    let (office_id, office) = relay.device(Role::Manager, "Office").await;
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let mut office = relay.connect(&office).await;
    let mut desk = relay.connect(&desk).await;
    let (old_messages, older_messages) = (month(Area::Messages, 3), month(Area::Messages, 14));
    let (old_day, current) = (day(Area::Day, 40), month(Area::Messages, 0));
    acked(&mut desk, &old_messages, 1).await;
    acked(&mut desk, &old_messages, 2).await;
    acked(&mut desk, &older_messages, 3).await;
    acked(&mut desk, &old_day, 4).await;
    acked(&mut desk, &current, 5).await;
    let before = chrono::Utc::now().timestamp_millis();

    let kept = rules(&[(Area::Day, 30), (Area::Messages, 30)]);
    assert_eq!(set_rules(&mut office, kept.clone()).await, (kept.clone(), 3));
    assert_eq!(set_rules(&mut office, kept.clone()).await, (kept.clone(), 0), "the same rules, at the next connect");
    let now = chrono::Utc::now().timestamp_millis();

    let set = audit_lines(&relay, AuditAction::Retention).await;
    assert_eq!(set.len(), 1, "one line for one change: {set:?}");
    assert_eq!((set[0].device.as_str(), set[0].doc.as_str(), set[0].size), (office_id.as_str(), "retention", 2));
    assert!((before..=now).contains(&set[0].at_ms), "relay time: {set:?}");
    let mut emptied: Vec<(String, String, u64)> = audit_lines(&relay, AuditAction::Expire)
        .await
        .into_iter()
        .map(|l| {
            assert!((before..=now).contains(&l.at_ms), "relay time: {l:?}");
            (l.doc, l.device, l.seq)
        })
        .collect();
    emptied.sort();
    let mut expected =
        vec![(old_messages, String::new(), 2), (older_messages, String::new(), 1), (old_day, String::new(), 1)];
    expected.sort();
    assert_eq!(emptied, expected, "a line per emptied document, no device, its head");
    let query = AuditQuery { doc: Some(current), ..AuditQuery::default() };
    let current_lines: Vec<AuditAction> =
        relay.relay.store.audit(&query).await.unwrap().iter().map(|l| l.action).collect();
    assert_eq!(current_lines, [AuditAction::Push], "nothing expired of what is kept");

    // Fewer rules are a change, logged again; what expired stays expired only while a rule says so.
    let fewer = rules(&[(Area::Messages, 30)]);
    assert_eq!(set_rules(&mut office, fewer.clone()).await, (fewer, 0));
    assert_eq!(audit_lines(&relay, AuditAction::Retention).await.len(), 2);
}
