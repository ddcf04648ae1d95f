//! The relay's command line, as an operator types it.

use std::process::Command;

const RELAY: &str = env!("CARGO_BIN_EXE_frontdesk-relay");

fn relay(args: &[&str], data: &std::path::Path) -> (bool, String, String) {
    let out = Command::new(RELAY).args(args).arg("--data").arg(data).output().expect("the relay binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A manager's device "Office" paired with a code `pair` printed: its id.
fn paired_manager(data: &std::path::Path) -> String {
    let (ok, out, err) = relay(&["pair", "--role", "manager", "--name", "Office"], data);
    assert!(ok, "{err}");
    let code: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    redeem(data, code["code"].as_str().unwrap())
}

/// Uses a pairing code as a device would (through the store, with a fresh key).
fn redeem(data: &std::path::Path, code: &str) -> String {
    use frontdesk_relay::store::{SqliteStore, Store};
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let store = SqliteStore::open_admin_in(data).unwrap();
        let public_key = frontdesk_relay::pairing::Credential::key().verifying_key().to_bytes();
        let key = frontdesk_relay::store::PairingKeys { public_key, agreement_key: vec![], key_proof: vec![] };
        let now = chrono::Utc::now().timestamp_millis();
        let hash = frontdesk_relay::pairing::code_hash(code);
        let (device, _) = store.redeem_pairing(hash, key, now).await.unwrap().expect("the code pairs");
        store.close().await.unwrap();
        device.id
    })
}

#[test]
fn pairing_codes_are_made_and_devices_listed_renamed_and_revoked_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let (ok, out, err) = relay(&["pair", "--role", "manager", "--name", "Office"], data.path());
    assert!(ok, "pair failed: {err}");
    let first: serde_json::Value = serde_json::from_str(out.trim()).expect("pair prints one JSON line");
    let code = first["code"].as_str().unwrap().to_owned();
    assert_eq!(frontdesk_protocol::pairing::normalize(&code).as_deref(), Some(code.as_str()), "eight characters");
    let expires = chrono::DateTime::parse_from_rfc3339(first["expires_at"].as_str().unwrap()).unwrap();
    let left = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!((595..=600).contains(&left), "a code works for ten minutes: {left} s");
    assert!(first.get("token").is_none(), "no reusable secret is printed: {first}");
    // `device add` stays for scripts, and prints a one-time code too; no name needed.
    let (ok, out, err) = relay(&["device", "add", "--role", "kiosk"], data.path());
    assert!(ok, "device add failed: {err}");
    let kiosk: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!((kiosk["role"].as_str(), kiosk["name"].as_str()), (Some("kiosk"), Some("kiosk 1")));
    assert_ne!(kiosk["code"], first["code"]);
    assert!(kiosk.get("token").is_none(), "{kiosk}");
    // Nothing is registered until a device uses its code, and no code is in the data folder.
    let (ok, list, err) = relay(&["device", "list"], data.path());
    assert!(ok && list.is_empty(), "{list}{err}");
    for entry in std::fs::read_dir(data.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(8).any(|w| w == code.as_bytes()), "a pairing code is in the data folder");
    }

    let office = redeem(data.path(), &code);
    let kiosk_id = redeem(data.path(), kiosk["code"].as_str().unwrap());
    let (_, list, _) = relay(&["device", "list"], data.path());
    let mut rows: Vec<Vec<&str>> = list.lines().map(|l| l.split('\t').collect()).collect();
    rows.sort();
    let mut expected = vec![(office.as_str(), "manager", "Office"), (kiosk_id.as_str(), "kiosk", "kiosk 1")];
    expected.sort();
    assert_eq!(rows.iter().map(|r| (r[0], r[1], r[2])).collect::<Vec<_>>(), expected, "{list}");
    assert!(rows.iter().all(|r| r[3].starts_with("20") && r[4] == "-"), "paired at a time, never seen: {list}");

    let (ok, _, err) = relay(&["device", "rename", &kiosk_id, "Lobby kiosk"], data.path());
    assert!(ok, "{err}");
    let (ok, out, err) = relay(&["device", "revoke", &kiosk_id], data.path());
    assert!(ok, "{err}");
    assert!(out.contains(&kiosk_id));
    let (_, list, _) = relay(&["device", "list"], data.path());
    let revoked: Vec<&str> = list.lines().filter(|l| l.ends_with("\t(revoked)")).collect();
    assert_eq!(revoked.len(), 1, "{list}");
    assert!(revoked[0].starts_with(&format!("{kiosk_id}\tkiosk\tLobby kiosk\t")), "{list}");
}

/// What a business stored in the clear before encryption was turned on: `check --sealed` lists it
/// and fails; once a sealed snapshot has replaced it, `purge-plaintext` leaves no trace of it in
/// the data folder and lists only what is still stored in the clear.
#[test]
fn what_was_stored_in_the_clear_is_listed_then_wiped_from_the_command_line() {
    use frontdesk_protocol::{ChunkId, Scope, sealed::MAGIC};
    use frontdesk_relay::store::{NewChunk, SqliteStore, Store};
    let data = tempfile::tempdir().unwrap();
    let name = b"CLIENTNAMESTOREDINTHECLEAR".repeat(10);
    let sealed = [&MAGIC[..], &[7; 300][..]].concat();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let chunk = |n: u8, bytes: &[u8]| NewChunk {
            doc: "clients".into(),
            chunk_id: ChunkId([n; 16]),
            bytes: bytes.to_vec(),
            heads: vec![[n; 32]],
            device: "d1".into(),
            at_ms: 1,
            author: Default::default(),
        };
        store.push(chunk(1, &name), 0).await.unwrap();
        store.push(chunk(2, &name), 0).await.unwrap();
        store.new_epochs(&[Scope::Staff], true, "d1", 1).await.unwrap();
        store.close().await.unwrap();
    });
    let (ok, out, err) = relay(&["check", "--sealed"], data.path());
    assert!(!ok, "check --sealed passed with bytes in the clear: {out}");
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(line, serde_json::json!({"doc": "clients", "chunks_in_the_clear": 2, "snapshot_in_the_clear": false}));
    assert!(err.contains("1 documents of sealed scopes still hold bytes in the clear"), "{err}");
    let (ok, out, _) = relay(&["check"], data.path());
    assert!(ok && out.trim() == "ok", "the plain integrity check is unchanged: {out}");

    // A sealed snapshot over both chunks, proven by another device.
    runtime.block_on(async {
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        store.propose_snapshot("clients", 2, sealed.clone(), "d1", Default::default()).await.unwrap();
        let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&sealed).into();
        store.settle_snapshot("clients", 2, digest, "d2", true).await.unwrap();
        store.close().await.unwrap();
    });
    let (ok, out, err) = relay(&["purge-plaintext"], data.path());
    assert!(ok && out.trim().is_empty(), "{out}{err}");
    assert!(err.contains("wiped; 0 documents still hold bytes in the clear"), "{err}");
    for entry in std::fs::read_dir(data.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(name.len()).any(|w| w == name.as_slice()), "the replaced chunks are in the data folder");
    }
    let (ok, out, err) = relay(&["check", "--sealed"], data.path());
    assert!(ok && out.trim() == "ok", "{out}{err}");
}

#[test]
fn the_audit_log_is_printed_as_json_lines_filtered_by_document_device_and_time() {
    use frontdesk_protocol::ChunkId;
    use frontdesk_relay::store::{NewChunk, SqliteStore, Store};
    let data = tempfile::tempdir().unwrap();
    let (ok, out, err) = relay(&["pair", "--role", "staff", "--name", "Front tablet"], data.path());
    assert!(ok, "{err}");
    let code: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let front = redeem(data.path(), code["code"].as_str().unwrap());
    // 2026-12-06T10:00:00Z and a day later.
    let (day_one, day_two) = (1_796_551_200_000_i64, 1_796_637_600_000_i64);
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let chunk = |doc: &str, n: u8, device: &str, at_ms: i64| NewChunk {
            doc: doc.into(),
            chunk_id: ChunkId([n; 16]),
            bytes: vec![n; 40],
            heads: vec![],
            device: device.into(),
            at_ms,
            author: Default::default(),
        };
        store.push(chunk("clients", 1, &front, day_one), 0).await.unwrap();
        store.push(chunk("day/2026-12-07", 2, "d9", day_two), 0).await.unwrap();
        store.record_read("clients", 1, "d9", day_two + 1).await.unwrap();
        store.close().await.unwrap();
    });
    let lines = |args: &[&str]| -> Vec<serde_json::Value> {
        let (ok, out, err) = relay(args, data.path());
        assert!(ok, "{args:?}: {err}");
        out.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
    };
    let all = lines(&["audit"]);
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(
        all[0],
        serde_json::json!({
            "at": "2026-12-06T10:00:00.000Z", "action": "push", "doc": "clients", "seq": 1, "device": front,
            "device_name": "Front tablet", "size": 40,
            "sha256": "2432dbb70926df292595fa1c2dee4933cf81130572a2e29a27256d3bdb8e07e5",
            "chunk": "01010101010101010101010101010101",
        })
    );
    assert_eq!(all[1]["chunk"].as_str(), Some("02020202020202020202020202020202"), "a push's chunk id, in hex");
    assert_eq!((all[2]["action"].as_str(), all[2]["device"].as_str()), (Some("read"), Some("d9")));
    assert!(all[2]["sha256"].is_null() && all[2]["device_name"].is_null(), "{}", all[2]);
    assert!(all[2].get("chunk").is_none(), "only a push names a chunk: {}", all[2]);
    assert_eq!(lines(&["audit", "--doc", "clients"]).len(), 2);
    assert_eq!(lines(&["audit", "--device", "d9"]).len(), 2);
    assert_eq!(lines(&["audit", "--since", "2026-12-07"]).len(), 2);
    assert_eq!(lines(&["audit", "--since", "2026-12-07T10:00:00.001Z", "--doc", "clients"]).len(), 1);
    let (ok, _, err) = relay(&["audit", "--since", "yesterday"], data.path());
    assert!(!ok && err.contains("neither a date"), "{err}");
}

/// A re-base (protocol 7) is a line of the printed audit log like any write: the device that
/// sent it, by id and name, the seq it covers, its size and SHA-256.
#[test]
fn a_rebase_is_printed_in_the_audit_log_with_its_device() {
    use frontdesk_protocol::ChunkId;
    use frontdesk_relay::store::{NewChunk, Rebase, SqliteStore, Store};
    let data = tempfile::tempdir().unwrap();
    let office = paired_manager(data.path());
    // 2026-12-07T10:00:00Z and a minute later.
    let (pushed_at, rebased_at) = (1_796_637_600_000_i64, 1_796_637_660_000_i64);
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let chunk = NewChunk {
            doc: "clients".into(),
            chunk_id: ChunkId([1; 16]),
            bytes: vec![1; 40],
            heads: vec![],
            device: "d9".into(),
            at_ms: pushed_at,
            author: Default::default(),
        };
        store.push(chunk, 0).await.unwrap();
        let rebase = Rebase {
            doc: "clients".into(),
            after_seq: 1,
            bytes: vec![2; 25],
            device: office.clone(),
            at_ms: rebased_at,
            author: Default::default(),
        };
        assert_eq!(store.rebase(rebase, 0).await.unwrap(), Ok(2));
        store.close().await.unwrap();
    });
    let (ok, out, err) = relay(&["audit", "--doc", "clients"], data.path());
    assert!(ok, "{err}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    let sha256: String = <sha2::Sha256 as sha2::Digest>::digest([2u8; 25]).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        lines[1],
        serde_json::json!({
            "at": "2026-12-07T10:01:00.000Z", "action": "rebase", "doc": "clients", "seq": 2, "device": office,
            "device_name": "Office", "size": 25, "sha256": sha256,
        })
    );
    let (ok, out, _) = relay(&["audit", "--device", &office], data.path());
    assert!(ok && out.lines().count() == 1 && out.contains("\"rebase\""), "{out}");
}

/// `retention` prints the rules a manager's device set, a JSON line per area in area order, and
/// nothing while there are none; the audit log prints who set them (`retention`) and each
/// document the relay emptied because of them (`expire`, no device).
#[test]
fn the_retention_rules_are_printed_and_what_they_did_is_in_the_audit_log() {
    use frontdesk_protocol::retention::Rule;
    use frontdesk_protocol::{Area, ChunkId, Retention};
    use frontdesk_relay::store::{NewChunk, SqliteStore, Store};
    let data = tempfile::tempdir().unwrap();
    let office = paired_manager(data.path());
    let (ok, out, err) = relay(&["retention"], data.path());
    assert!(ok && out.is_empty(), "no rules, nothing printed: {out}{err}");
    // 2026-12-07T10:00:00Z, a minute later, and an hour later.
    let (pushed_at, set_at, expired_at) = (1_796_637_600_000_i64, 1_796_637_660_000_i64, 1_796_641_200_000_i64);
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let chunk = NewChunk {
            doc: "messages/2020-01".into(),
            chunk_id: ChunkId([1; 16]),
            bytes: vec![1; 40],
            heads: vec![],
            device: "d9".into(),
            at_ms: pushed_at,
            author: Default::default(),
        };
        store.push(chunk, 0).await.unwrap();
        let rules = [Rule { area: Area::Messages, days: 365 }, Rule { area: Area::Inbox, days: 30 }];
        assert!(store.set_retention(&Retention::new(rules).unwrap(), &office, set_at).await.unwrap());
        assert_eq!(store.expire_docs(&["messages/2020-01".into()], expired_at).await.unwrap(), 1);
        store.close().await.unwrap();
    });
    let (ok, out, err) = relay(&["retention"], data.path());
    assert!(ok, "{err}");
    assert_eq!(out, "{\"area\":\"inbox\",\"days\":30}\n{\"area\":\"messages\",\"days\":365}\n");

    let lines = |args: &[&str]| -> Vec<serde_json::Value> {
        let (ok, out, err) = relay(args, data.path());
        assert!(ok, "{args:?}: {err}");
        out.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
    };
    assert_eq!(
        lines(&["audit", "--doc", "retention"]),
        [serde_json::json!({
            "at": "2026-12-07T10:01:00.000Z", "action": "retention", "doc": "retention", "seq": 0, "device": office,
            "device_name": "Office", "size": 2, "sha256": null,
        })]
    );
    let emptied = lines(&["audit", "--doc", "messages/2020-01"]);
    assert_eq!(emptied.len(), 2, "{emptied:?}");
    assert_eq!(
        emptied[1],
        serde_json::json!({
            "at": "2026-12-07T11:00:00.000Z", "action": "expire", "doc": "messages/2020-01", "seq": 1, "device": "",
            "device_name": null, "size": 40, "sha256": null,
        })
    );
}

#[test]
fn bad_commands_say_what_is_wrong() {
    let data = tempfile::tempdir().unwrap();
    let (ok, _, err) = relay(&["device", "add", "--role", "janitor"], data.path());
    assert!(!ok);
    assert!(err.contains("unknown role `janitor` (expected kiosk, staff or manager)"), "{err}");
    let (ok, _, err) = relay(&["device", "revoke", "no-such-device"], data.path());
    assert!(!ok);
    assert!(err.contains("no device with id no-such-device"), "{err}");
    // An audit log kept no day would forget every line at the first hourly sweep: refused.
    let (ok, _, err) = relay(&["serve", "--addr", "127.0.0.1:0", "--audit-days", "0"], data.path());
    assert!(!ok);
    assert!(err.contains("--audit-days") && err.contains("0 is not in 1.."), "{err}");
}

/// What an operator reads: one log line for every socket the relay refuses or closes, and a
/// clean stop on SIGTERM.
#[tokio::test]
async fn every_refused_socket_leaves_a_log_line_and_sigterm_stops_the_relay_cleanly() {
    use frontdesk_protocol::{ClientMsg, PROTOCOL_VERSION, Role, ServerMsg};
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let data = tempfile::tempdir().unwrap();
    let kiosk = {
        use frontdesk_relay::store::{SqliteStore, Store};
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let cred = frontdesk_relay::pairing::Credential::register(&store, "Lobby kiosk", Role::Kiosk).await.unwrap();
        store.close().await.unwrap();
        cred
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log_path = data.path().join("relay.log");
    let mut relay = Command::new(RELAY)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--hello-timeout", "1", "--max-connections", "3"])
        .arg("--data")
        .arg(data.path())
        .env("RUST_LOG", "info")
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let url = format!("ws://127.0.0.1:{port}/sync");
    let mut listening = false;
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            listening = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(listening, "the relay did not listen");

    async fn closed_with(
        ws: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    ) -> u16 {
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Close(Some(frame)) = msg {
                return frame.code.into();
            }
        }
        0
    }
    // Garbage, a message type the protocol does not have, another protocol version.
    for frame in [vec![PROTOCOL_VERSION, 0xff, 0xff, 0xff], vec![PROTOCOL_VERSION, 0x7f], vec![PROTOCOL_VERSION + 1, 0]]
    {
        let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        ws.send(Message::Binary(frame.into())).await.unwrap();
        assert!(closed_with(&mut ws).await >= 4000);
    }
    // A kiosk asking for a document its role may not read, then a socket that never speaks,
    // while the connections are over the limit.
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    while let Some(Ok(msg)) = ws.next().await {
        if let Message::Binary(frame) = msg
            && let Ok(ServerMsg::Challenge { nonce }) = ServerMsg::decode(&frame)
        {
            ws.send(Message::Binary(kiosk.hello(&nonce).encode().into())).await.unwrap();
            break;
        }
    }
    ws.send(Message::Binary(ClientMsg::Subscribe { doc: "clients".into(), after_seq: 0 }.encode().into()))
        .await
        .unwrap();
    let mut refused = false;
    while let Some(Ok(Message::Binary(frame))) = ws.next().await {
        if let Ok(ServerMsg::Error { .. }) = ServerMsg::decode(&frame) {
            refused = true;
            break;
        }
    }
    assert!(refused, "the kiosk was not refused the clients document");
    let (mut silent, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (mut third, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    assert!(tokio_tungstenite::connect_async(&url).await.is_err(), "a fourth connection over a limit of 3 was let in");
    assert_eq!(closed_with(&mut silent).await, 4001);
    assert_eq!(closed_with(&mut third).await, 4001);

    let pid = relay.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = relay.wait().unwrap();
    assert!(status.success(), "the relay did not stop cleanly on SIGTERM: {status}");
    let log = std::fs::read_to_string(&log_path).unwrap();
    for expected in [
        "code=4000",
        "code=4003",
        "code=4001",
        "request refused",
        "code=Forbidden",
        "connection refused: too many connections",
        "relay stopped; database closed",
    ] {
        assert!(log.contains(expected), "no log line with {expected:?} in:\n{log}");
    }
    // Three bad frames and two silent sockets refused, the kiosk told the relay is going away.
    assert_eq!(log.matches("closing connection").count(), 6, "{log}");
    assert!(log.contains("code=1001 reason=relay shutting down"), "{log}");
}
