//! A relay with no network for tests: `connection::serve` on in-memory channels, as the
//! WebSocket endpoint calls it. Shared by the connection and hostile-device tests.

#![allow(dead_code)] // each test file uses its own part

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Message;
use frontdesk_protocol::{ChunkId, ClientMsg, ErrorCode, Role, ServerMsg};
use frontdesk_relay::pairing::Credential;
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

    /// The same data folder served by a new relay once this one has shut down and closed its
    /// store: a restart.
    pub async fn restart(self) -> TestRelay {
        self.relay.shutdown.cancel();
        self.relay.store.close().await.unwrap();
        let config = self.relay.config.clone();
        TestRelay { relay: Relay::open(config, CancellationToken::new()).unwrap(), _data: self._data }
    }

    /// Every byte of every file in the relay's data folder (the database, its WAL and the rest).
    pub fn data_files(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        for entry in std::fs::read_dir(&self.relay.config.data_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                raw.extend(std::fs::read(path).unwrap());
            }
        }
        raw
    }

    /// A device registered with a key of its own: its id, and what connects as it.
    pub async fn device(&self, role: Role, name: &str) -> (String, Credential) {
        let cred = Credential::register(self.relay.store.as_ref(), name, role).await.unwrap();
        (cred.id.clone(), cred)
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
        Socket { to_relay, from_relay, served: tokio::spawn(served), nonce: None, signer: None }
    }

    /// A socket that has said Hello, proved its key and been welcomed.
    pub async fn connect(&self, cred: &Credential) -> Socket {
        let mut socket = self.socket();
        socket.hello(cred).await;
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
    /// The challenge the relay sent as the socket opened, once read.
    pub nonce: Option<[u8; 32]>,
    /// The device this socket said Hello as: it signs every push and snapshot sent unsigned.
    pub signer: Option<Credential>,
}

impl Socket {
    pub async fn send_raw(&mut self, msg: Message) {
        self.to_relay.send(Ok(msg)).await.expect("the relay reads");
    }

    /// Sends `msg`; a push or snapshot with no signature is signed by the device this socket
    /// said Hello as (as a device's runtime signs them). One with a signature goes as it is.
    pub async fn send(&mut self, msg: ClientMsg) {
        let msg = match &self.signer {
            Some(cred) => cred.signed(msg),
            None => msg,
        };
        self.send_raw(Message::Binary(msg.encode().into())).await;
    }

    /// The challenge the relay sent as the socket opened.
    pub async fn challenge(&mut self) -> [u8; 32] {
        while self.nonce.is_none() {
            let msg = self.recv_any().await;
            assert!(self.nonce.is_some(), "the relay said {msg:?} before its challenge");
        }
        self.nonce.unwrap()
    }

    /// Says Hello as `cred`, signing the relay's challenge with its key.
    pub async fn hello(&mut self, cred: &Credential) {
        let nonce = self.challenge().await;
        self.signer = Some(cred.clone());
        self.send(cred.hello(&nonce)).await;
    }

    pub async fn next(&mut self) -> Option<Message> {
        tokio::time::timeout(Duration::from_secs(5), self.from_relay.recv()).await.expect("the relay answers in time")
    }

    /// Says Hello as `cred` and returns the key epochs its Welcome says.
    pub async fn hello_welcome(&mut self, cred: &Credential) -> Vec<frontdesk_protocol::Epoch> {
        self.hello(cred).await;
        match self.recv().await {
            ServerMsg::Welcome { epochs, .. } => epochs,
            other => panic!("expected Welcome, got {other:?}"),
        }
    }

    /// The next message after the challenge (which is noted, not returned).
    pub async fn recv(&mut self) -> ServerMsg {
        loop {
            match self.recv_any().await {
                ServerMsg::Challenge { .. } => continue,
                msg => return msg,
            }
        }
    }

    /// The answer on a pairing socket.
    pub async fn recv_pair(&mut self) -> frontdesk_protocol::PairReply {
        loop {
            match self.next().await.expect("the connection is open") {
                Message::Binary(bytes) => {
                    return frontdesk_protocol::PairReply::decode(&bytes).expect("a pairing answer");
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The next message, the challenge included.
    pub async fn recv_any(&mut self) -> ServerMsg {
        loop {
            match self.next().await.expect("the connection is open") {
                Message::Binary(bytes) => {
                    let msg = ServerMsg::decode(&bytes).expect("a valid frame");
                    if let ServerMsg::Challenge { nonce } = msg {
                        self.nonce = Some(nonce);
                    }
                    return msg;
                }
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

/// Bytes sealed by `device` as `kind` under `scope`'s `epoch`, as the relay sees them: a genuine
/// header before bytes no key opens (the relay reads only the header).
pub fn sealed(
    kind: frontdesk_protocol::sealed::Kind,
    scope: frontdesk_protocol::Scope,
    epoch: u32,
    device: &str,
) -> Vec<u8> {
    use frontdesk_protocol::sealed::{Header, NONCE_LEN, TAG_LEN};
    let mut wire = Header { kind, scope, epoch, device: device.into() }.encode();
    wire.extend_from_slice(&[7; NONCE_LEN + TAG_LEN + 32]);
    wire
}

// What the connection and hostile-device tests send and expect.

pub fn chunk(n: u8) -> ChunkId {
    ChunkId([n; 16])
}

pub fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

pub fn push(doc: &str, n: u8) -> ClientMsg {
    ClientMsg::Push { doc: doc.into(), chunk_id: chunk(n), bytes: vec![n; 8], heads: vec![[n; 32]], signature: vec![] }
}

/// A drop box `<area>/<date>/<device>` dated `days` from the relay's (UTC) today.
pub fn drop_box(area: &str, days: i64, device: &str) -> String {
    let date = chrono::Utc::now().date_naive() + chrono::Duration::days(days);
    format!("{area}/{date}/{device}")
}

/// Sends `msg` and expects the refusal `code`.
pub async fn refused(socket: &mut Socket, msg: ClientMsg, code: ErrorCode) -> String {
    socket.send(msg).await;
    match socket.recv().await {
        ServerMsg::Error { code: got, message, .. } if got == code => message,
        other => panic!("expected a {code} refusal, got {other:?}"),
    }
}

/// Pushes chunk `n` and expects its Ack.
pub async fn acked(socket: &mut Socket, doc: &str, n: u8) -> u64 {
    socket.send(push(doc, n)).await;
    match socket.recv().await {
        ServerMsg::Ack { seq, .. } => seq,
        other => panic!("expected an Ack for {doc} #{n}, got {other:?}"),
    }
}
