//! A relay with no network for tests: `connection::serve` on in-memory channels, as the
//! WebSocket endpoint calls it. Shared by the connection and hostile-device tests.

#![allow(dead_code)] // each test file uses its own part

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Message;
use frontdesk_protocol::{ClientMsg, PROTOCOL_VERSION, Role, ServerMsg};
use frontdesk_relay::{Config, Relay, connection};
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, PollSender};

/// A relay with no listener, on a data folder of its own.
pub struct TestRelay {
    pub relay: Arc<Relay>,
    _data: tempfile::TempDir,
}

impl TestRelay {
    pub fn open(tune: impl FnOnce(&mut Config)) -> TestRelay {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::new(data.path().to_owned());
        tune(&mut config);
        TestRelay { relay: Relay::open(config, CancellationToken::new()).unwrap(), _data: data }
    }

    pub async fn device(&self, role: Role, name: &str) -> (String, String) {
        let added = self.relay.store.add_device(name, role).await.unwrap();
        (added.id, added.token)
    }

    /// A device's end of a connection the relay serves.
    pub fn socket(&self) -> Socket {
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
    pub async fn connect(&self, token: &str) -> Socket {
        let mut socket = self.socket();
        socket.send(ClientMsg::Hello { token: token.into(), protocol: PROTOCOL_VERSION }).await;
        match socket.recv().await {
            ServerMsg::Welcome { .. } => socket,
            other => panic!("expected Welcome, got {other:?}"),
        }
    }
}

pub struct Socket {
    pub to_relay: mpsc::Sender<Result<Message, axum::Error>>,
    pub from_relay: mpsc::Receiver<Message>,
    pub served: tokio::task::JoinHandle<()>,
}

impl Socket {
    pub async fn send_raw(&mut self, msg: Message) {
        self.to_relay.send(Ok(msg)).await.expect("the relay reads");
    }

    pub async fn send(&mut self, msg: ClientMsg) {
        self.send_raw(Message::Binary(msg.encode().into())).await;
    }

    pub async fn next(&mut self) -> Option<Message> {
        tokio::time::timeout(Duration::from_secs(5), self.from_relay.recv()).await.expect("the relay answers in time")
    }

    pub async fn recv(&mut self) -> ServerMsg {
        loop {
            match self.next().await.expect("the connection is open") {
                Message::Binary(bytes) => return ServerMsg::decode(&bytes).expect("a valid frame"),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// Reads until the relay closes; returns the close code, and checks `serve` returned.
    pub async fn close_code(mut self) -> u16 {
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
