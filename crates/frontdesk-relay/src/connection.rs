//! One device's WebSocket: the `Hello` handshake, then subscriptions, pushes and snapshots.
//!
//! Written against any `Sink`/`Stream` of WebSocket messages, so a test can drive a connection
//! through in-memory channels.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Error;

use frontdesk_protocol::{ClientMsg, DecodeError, ErrorCode, PROTOCOL_VERSION, ServerMsg, close, valid_doc_name};

use crate::access::{self, Access};
use crate::hub::{Frame, Peer};
use crate::rate::RateLimit;
use crate::relay::Relay;
use crate::store::{Device, StoreError};

/// Most queued frames sent to a device before one flush.
const SEND_BATCH: usize = 64;

/// Why a connection ended; logged once.
enum End {
    ClientClosed,
    Closed { code: u16, reason: String },
}

fn closing(code: u16, reason: impl Into<String>) -> End {
    End::Closed { code, reason: reason.into() }
}

/// Serves one socket, given as its two halves, until it closes; never panics on what the client
/// sends. A stream error whose source is tungstenite's capacity error (a message over the
/// transport's limit) closes with 1009, any other with 4000.
pub async fn serve<W, R, E>(mut sink: W, mut stream: R, relay: Arc<Relay>, peer_addr: String)
where
    W: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
{
    let id = relay.next_connection_id();
    let end = match handshake(&relay, &mut stream).await {
        Ok(device) => {
            tracing::info!(conn = id, device = %device.id, name = %device.name, role = %device.role, %peer_addr, "device connected");
            let welcome =
                ServerMsg::Welcome { device: device.id.clone(), name: device.name.clone(), role: device.role };
            if sink.send(Message::Binary(welcome.encode().into())).await.is_err() {
                End::ClientClosed
            } else {
                let end = Session::new(id, device, relay.clone()).run(&mut sink, &mut stream).await;
                relay.hub.remove(id);
                end
            }
        }
        Err(end) => end,
    };
    match end {
        End::ClientClosed => tracing::info!(conn = id, "connection closed by the device"),
        End::Closed { code, reason } => {
            tracing::info!(conn = id, code, %reason, %peer_addr, "closing connection");
            let frame = CloseFrame { code, reason: Utf8Bytes::from(reason) };
            let _ = tokio::time::timeout(Duration::from_secs(2), sink.send(Message::Close(Some(frame)))).await;
        }
    }
}

async fn handshake<R, E>(relay: &Arc<Relay>, stream: &mut R) -> Result<Device, End>
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
{
    let first = tokio::select! {
        msg = tokio::time::timeout(relay.config.hello_timeout, next_frame(stream, relay.config.max_frame)) => msg,
        _ = relay.shutdown.cancelled() => return Err(closing(close::GOING_AWAY, "relay shutting down")),
    };
    let frame = match first {
        Err(_) => return Err(closing(close::HELLO_TIMEOUT, "no Hello within the time limit")),
        Ok(frame) => frame?,
    };
    let (token, protocol) = match ClientMsg::decode(&frame) {
        Ok(ClientMsg::Hello { token, protocol }) => (token, protocol),
        Ok(_) => return Err(closing(close::PROTOCOL_VIOLATION, "the first message must be Hello")),
        Err(DecodeError::Version(v)) => {
            return Err(closing(
                close::UNSUPPORTED_PROTOCOL,
                format!("protocol {v} unsupported, relay speaks {PROTOCOL_VERSION}"),
            ));
        }
        Err(err) => return Err(closing(close::BAD_FRAME, err.to_string())),
    };
    if protocol != PROTOCOL_VERSION {
        return Err(closing(
            close::UNSUPPORTED_PROTOCOL,
            format!("protocol {protocol} unsupported, relay speaks {PROTOCOL_VERSION}"),
        ));
    }
    match relay.store.device_by_token(&token).await {
        Ok(Some(device)) if !device.revoked => Ok(device),
        Ok(Some(_)) => Err(closing(close::UNAUTHORIZED, "this device has been revoked")),
        Ok(None) => Err(closing(close::UNAUTHORIZED, "unknown device token")),
        Err(err) => {
            tracing::error!(%err, "token lookup failed");
            Err(closing(close::GOING_AWAY, "relay storage unavailable"))
        }
    }
}

/// Whether a socket error, or one of its sources, is tungstenite refusing a message over its size
/// limit.
fn over_capacity(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if let Some(Error::Capacity(_)) = err.downcast_ref::<Error>() {
            return true;
        }
        cause = err.source();
    }
    false
}

/// Reads the next binary frame, answering transport-level pings on the way.
async fn next_frame<R, E>(stream: &mut R, max_frame: usize) -> Result<Vec<u8>, End>
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
{
    loop {
        match stream.next().await {
            None | Some(Ok(Message::Close(_))) => return Err(End::ClientClosed),
            Some(Err(err)) => {
                // Over the transport's limit, tungstenite refuses the message before we see it.
                if over_capacity(&err) {
                    return Err(closing(close::TOO_BIG, "frame over the size limit"));
                }
                return Err(closing(close::BAD_FRAME, format!("socket error: {err}")));
            }
            Some(Ok(Message::Binary(bytes))) => {
                if bytes.len() > max_frame {
                    return Err(closing(
                        close::TOO_BIG,
                        format!("frame of {} bytes over the limit of {max_frame}", bytes.len()),
                    ));
                }
                return Ok(bytes.to_vec());
            }
            Some(Ok(Message::Text(_))) => {
                return Err(closing(close::BAD_FRAME, "text frames are not part of the protocol"));
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
        }
    }
}

struct Session {
    id: u64,
    device: Device,
    relay: Arc<Relay>,
    peer: Arc<Peer>,
    rx: mpsc::Receiver<Frame>,
    inflight: Arc<Semaphore>,
    rate: RateLimit,
}

impl Session {
    fn new(id: u64, device: Device, relay: Arc<Relay>) -> Session {
        let (tx, rx) = mpsc::channel(relay.config.outbound_queue);
        let config = &relay.config;
        Session {
            id,
            peer: Peer::new(id, &device.id, tx),
            rx,
            inflight: Arc::new(Semaphore::new(config.max_inflight_pushes)),
            rate: RateLimit::new(config.rate_per_sec, config.rate_burst, Instant::now()),
            device,
            relay,
        }
    }

    async fn run<W, R, E>(mut self, sink: &mut W, stream: &mut R) -> End
    where
        W: Sink<Message> + Unpin,
        R: Stream<Item = Result<Message, E>> + Unpin,
        E: std::error::Error + 'static,
    {
        self.relay.hub.register(&self.peer);
        let mut keepalive = tokio::time::interval(Duration::from_secs(30));
        keepalive.tick().await;
        loop {
            tokio::select! {
                frame = next_frame(stream, self.relay.config.max_frame) => {
                    let frame = match frame {
                        Ok(frame) => frame,
                        Err(end) => return end,
                    };
                    if let Err(end) = self.handle(&frame, sink).await {
                        return end;
                    }
                }
                Some(frame) = self.rx.recv() => {
                    // Send what is queued in one go (one flush, not one per frame): a subscriber
                    // catching a burst keeps up instead of falling behind.
                    let mut next = Some(frame);
                    let mut batch = 0;
                    while let Some(frame) = next {
                        if sink.feed(Message::Binary(frame.to_vec().into())).await.is_err() {
                            return End::ClientClosed;
                        }
                        batch += 1;
                        next = if batch < SEND_BATCH { self.rx.try_recv().ok() } else { None };
                    }
                    if sink.flush().await.is_err() {
                        return End::ClientClosed;
                    }
                }
                _ = self.peer.kick.notified() => {
                    if self.peer.revoked.load(Ordering::SeqCst) {
                        return closing(close::UNAUTHORIZED, "this device has been revoked");
                    }
                    if self.peer.too_slow.load(Ordering::SeqCst) {
                        return closing(close::TOO_SLOW, "too far behind; reconnect to catch up");
                    }
                }
                _ = keepalive.tick() => {
                    if sink.send(Message::Ping(Default::default())).await.is_err() {
                        return End::ClientClosed;
                    }
                }
                _ = self.relay.shutdown.cancelled() => return closing(close::GOING_AWAY, "relay shutting down"),
            }
        }
    }

    async fn send<W: Sink<Message> + Unpin>(&self, sink: &mut W, msg: ServerMsg) -> Result<(), End> {
        sink.send(Message::Binary(msg.encode().into())).await.map_err(|_| End::ClientClosed)
    }

    async fn refuse<W: Sink<Message> + Unpin>(
        &self,
        sink: &mut W,
        code: ErrorCode,
        doc: Option<String>,
        message: String,
    ) -> Result<(), End> {
        tracing::warn!(conn = self.id, device = %self.device.id, ?code, ?doc, %message, "request refused");
        self.send(sink, ServerMsg::Error { code, doc, message }).await
    }

    fn allowed(&self, doc: &str, access: Access) -> bool {
        access::allowed(self.device.role, &self.device.id, doc, access)
    }

    async fn handle<W: Sink<Message> + Unpin>(&mut self, frame: &[u8], sink: &mut W) -> Result<(), End> {
        let msg = match ClientMsg::decode(frame) {
            Ok(msg) => msg,
            Err(DecodeError::Version(v)) => {
                return Err(closing(close::UNSUPPORTED_PROTOCOL, format!("protocol {v} unsupported")));
            }
            Err(err) => return Err(closing(close::BAD_FRAME, err.to_string())),
        };
        if !self.rate.take(Instant::now()) {
            return self.refuse(sink, ErrorCode::RateLimited, None, "too many messages; slow down".into()).await;
        }
        match msg {
            ClientMsg::Hello { .. } => Err(closing(close::PROTOCOL_VIOLATION, "Hello sent twice")),
            ClientMsg::Ping => self.send(sink, ServerMsg::Pong).await,
            ClientMsg::Subscribe { doc, after_seq } => self.subscribe(sink, doc, after_seq).await,
            ClientMsg::Watch { prefix } => self.watch(sink, prefix).await,
            ClientMsg::Push { doc, chunk_id, bytes } => {
                if !valid_doc_name(&doc) {
                    return self.refuse(sink, ErrorCode::BadDocName, Some(doc), "invalid document name".into()).await;
                }
                if !self.allowed(&doc, Access::Write) {
                    return self
                        .refuse(
                            sink,
                            ErrorCode::Forbidden,
                            Some(doc),
                            format!("a {} may not write here", self.device.role),
                        )
                        .await;
                }
                // Pushes are pipelined: the commit is awaited off this loop and the Ack queued.
                let Ok(permit) = self.inflight.clone().acquire_owned().await else {
                    return Err(closing(close::GOING_AWAY, "relay shutting down"));
                };
                let peer = self.peer.clone();
                // Queued for the writer here, in the order the device sent them; only the wait
                // for the commit runs in its own task.
                let stored = self.relay.store.push(&doc, chunk_id, bytes, self.id);
                let conn = self.id;
                tokio::spawn(async move {
                    let reply = match stored.await {
                        Ok(appended) => ServerMsg::Ack { doc, chunk_id, seq: appended.seq },
                        Err(StoreError::DocTooLarge { limit }) => ServerMsg::Error {
                            code: ErrorCode::DocTooLarge,
                            message: format!("document is over its limit of {limit} bytes"),
                            doc: Some(doc),
                        },
                        Err(err) => {
                            tracing::error!(conn, %err, %doc, "push not stored");
                            ServerMsg::Error {
                                code: ErrorCode::StorageFailed,
                                message: "not stored; retry".into(),
                                doc: Some(doc),
                            }
                        }
                    };
                    peer.offer(reply.encode().into());
                    drop(permit);
                });
                Ok(())
            }
            ClientMsg::Snapshot { doc, covers_seq, bytes } => {
                if !valid_doc_name(&doc) || !self.allowed(&doc, Access::Snapshot) {
                    return self.refuse(sink, ErrorCode::Forbidden, Some(doc), "snapshot not allowed".into()).await;
                }
                match self.relay.store.snapshot(&doc, covers_seq, bytes).await {
                    Ok(()) => self.send(sink, ServerMsg::SnapshotStored { doc, covers_seq }).await,
                    Err(err) => {
                        tracing::warn!(conn = self.id, %err, %doc, "snapshot refused");
                        self.refuse(sink, ErrorCode::StorageFailed, Some(doc), err.to_string()).await
                    }
                }
            }
        }
    }

    async fn subscribe<W: Sink<Message> + Unpin>(
        &mut self,
        sink: &mut W,
        doc: String,
        after_seq: u64,
    ) -> Result<(), End> {
        if !valid_doc_name(&doc) {
            return self.refuse(sink, ErrorCode::BadDocName, Some(doc), "invalid document name".into()).await;
        }
        if !self.allowed(&doc, Access::Read) {
            return self
                .refuse(sink, ErrorCode::Forbidden, Some(doc), format!("a {} may not read this", self.device.role))
                .await;
        }
        // Register first, then read the backlog: a chunk committed in between arrives twice
        // (once in the backlog, once live) and the client skips what it already has.
        self.relay.hub.subscribe(&doc, &self.peer);
        let backlog = match self.relay.store.backlog(&doc, after_seq).await {
            Ok(backlog) => backlog,
            Err(err) => {
                tracing::error!(conn = self.id, %err, %doc, "backlog read failed");
                return self.refuse(sink, ErrorCode::StorageFailed, Some(doc), "cannot read; retry".into()).await;
            }
        };
        if let Some((covers_seq, bytes)) = backlog.snapshot {
            self.send(sink, ServerMsg::Snapshot { doc: doc.clone(), covers_seq, bytes }).await?;
        }
        for (seq, bytes) in backlog.chunks {
            self.send(sink, ServerMsg::Chunk { doc: doc.clone(), seq, bytes }).await?;
        }
        self.send(sink, ServerMsg::Synced { doc, head: backlog.head }).await
    }

    async fn watch<W: Sink<Message> + Unpin>(&mut self, sink: &mut W, prefix: String) -> Result<(), End> {
        if !access::may_watch(self.device.role, &prefix) || prefix.len() > 128 {
            return self
                .refuse(sink, ErrorCode::Forbidden, Some(prefix), format!("a {} may not watch this", self.device.role))
                .await;
        }
        self.relay.hub.watch(&prefix, &self.peer);
        let docs = match self.relay.store.docs_with_prefix(&prefix).await {
            Ok(docs) => docs,
            Err(err) => {
                tracing::error!(conn = self.id, %err, "document listing failed");
                return self.refuse(sink, ErrorCode::StorageFailed, Some(prefix), "cannot list; retry".into()).await;
            }
        };
        for doc in docs {
            if self.allowed(&doc, Access::Read) {
                self.send(sink, ServerMsg::DocExists { doc }).await?;
            }
        }
        Ok(())
    }
}
