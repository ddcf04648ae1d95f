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

#[test]
fn devices_are_added_listed_and_revoked_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    // As the README says it: no name needed.
    let (ok, out, err) = relay(&["device", "add", "--role", "kiosk"], data.path());
    assert!(ok, "device add failed: {err}");
    let kiosk: serde_json::Value = serde_json::from_str(out.trim()).expect("device add prints JSON");
    assert_eq!(kiosk["role"], "kiosk");
    let token = kiosk["token"].as_str().unwrap();
    assert!(token.len() >= 32, "a token too short to be secret: {token}");
    let (ok, _, err) = relay(&["device", "add", "--role", "kiosk"], data.path());
    assert!(ok, "{err}");
    let (ok, out, err) = relay(&["device", "add", "--role", "staff", "--name", "Dra. Ruiz's tablet"], data.path());
    assert!(ok, "{err}");
    let tablet: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_ne!(tablet["token"], kiosk["token"]);

    let (ok, list, err) = relay(&["device", "list"], data.path());
    assert!(ok, "{err}");
    let mut names: Vec<&str> = list.lines().map(|l| l.split_once('\t').map_or(l, |(_, rest)| rest)).collect();
    names.sort();
    assert_eq!(names, ["kiosk\tkiosk 1", "kiosk\tkiosk 2", "staff\tDra. Ruiz's tablet"], "{list}");

    let id = kiosk["id"].as_str().unwrap();
    let (ok, out, err) = relay(&["device", "revoke", id], data.path());
    assert!(ok, "{err}");
    assert!(out.contains(id));
    let (_, list, _) = relay(&["device", "list"], data.path());
    let revoked: Vec<&str> = list.lines().filter(|l| l.ends_with("\t(revoked)")).collect();
    assert_eq!(revoked.len(), 1, "{list}");
    assert!(revoked[0].starts_with(id), "{list}");
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
        let token = store.add_device("Lobby kiosk", Role::Kiosk).await.unwrap().token;
        store.close().await.unwrap();
        token
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
    ws.send(Message::Binary(ClientMsg::Hello { token: kiosk, protocol: PROTOCOL_VERSION }.encode().into()))
        .await
        .unwrap();
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
