//! One device's WebSocket: the `Hello` handshake, then subscriptions, pushes and snapshots.
//!
//! Written against any `Sink`/`Stream` of WebSocket messages, so a test can drive a connection
//! through in-memory channels.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Error;

use frontdesk_protocol::{ClientMsg, DecodeError, ErrorCode, Head, PROTOCOL_VERSION, ServerMsg, close, valid_doc_name};

use crate::access::{self, Access};
use crate::hub::{Frame, Peer};
use crate::rate::RateLimit;
use crate::relay::Relay;
use crate::store::{Device, NewChunk, Settled, StoreError};

/// Most queued frames sent to a device before one flush.
const SEND_BATCH: usize = 64;

/// Most heads one chunk may declare (a device's chunk has one; a merge of a few has a few).
const MAX_HEADS: usize = 256;

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
        // Before Hello a socket has a small budget: a Hello is a few dozen bytes.
        msg = tokio::time::timeout(relay.config.hello_timeout, next_frame(stream, relay.config.max_hello_frame)) => msg,
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
    byte_rate: RateLimit,
    subscriptions: HashSet<String>,
    watches: HashSet<String>,
}

impl Session {
    fn new(id: u64, device: Device, relay: Arc<Relay>) -> Session {
        let (tx, rx) = mpsc::channel(relay.config.outbound_queue);
        let config = &relay.config;
        Session {
            id,
            peer: Peer::new(id, &device.id, device.role, tx),
            rx,
            inflight: Arc::new(Semaphore::new(config.max_inflight_pushes)),
            rate: RateLimit::new(config.rate_per_sec, config.rate_burst, Instant::now()),
            byte_rate: RateLimit::new(config.bytes_per_sec, config.bytes_burst, Instant::now()),
            subscriptions: HashSet::new(),
            watches: HashSet::new(),
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
        if !self.relay.hub.register(&self.peer, self.relay.config.max_connections_per_device) {
            return closing(close::TOO_MANY_CONNECTIONS, "this device has too many connections open");
        }
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
        let now = Instant::now();
        if !self.rate.take(now) {
            return self.refuse(sink, ErrorCode::RateLimited, None, "too many messages; slow down".into()).await;
        }
        if !self.byte_rate.take_n(frame.len(), now) {
            return self.refuse(sink, ErrorCode::RateLimited, None, "too many bytes; slow down".into()).await;
        }
        match msg {
            ClientMsg::Hello { .. } => Err(closing(close::PROTOCOL_VIOLATION, "Hello sent twice")),
            ClientMsg::Ping => self.send(sink, ServerMsg::Pong).await,
            ClientMsg::Subscribe { doc, after_seq } => self.subscribe(sink, doc, after_seq).await,
            ClientMsg::Watch { prefix } => self.watch(sink, prefix).await,
            ClientMsg::Checked { doc, covers_seq, digest, ok } => self.checked(doc, covers_seq, digest, ok).await,
            ClientMsg::Push { doc, chunk_id, bytes, heads } => {
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
                if let Some(date) = access::drop_box_date(&doc)
                    && !self.drop_box_open(date)
                {
                    let days = self.relay.config.drop_box_days;
                    let message = format!("a drop box only for today, tomorrow or the last {days} days");
                    return self.refuse(sink, ErrorCode::Forbidden, Some(doc), message).await;
                }
                if heads.len() > MAX_HEADS {
                    return Err(closing(close::BAD_FRAME, "a chunk with too many heads"));
                }
                // Pushes are pipelined: the commit is awaited off this loop and the Ack queued.
                let Ok(permit) = self.inflight.clone().acquire_owned().await else {
                    return Err(closing(close::GOING_AWAY, "relay shutting down"));
                };
                let peer = self.peer.clone();
                // Queued for the writer here, in the order the device sent them; only the wait
                // for the commit runs in its own task.
                let chunk = NewChunk {
                    doc: doc.clone(),
                    chunk_id,
                    bytes,
                    heads,
                    device: self.device.id.clone(),
                    at_ms: chrono::Utc::now().timestamp_millis(),
                };
                let stored = self.relay.store.push(chunk, self.id);
                let (conn, device) = (self.id, self.device.id.clone());
                tokio::spawn(async move {
                    let reply = match stored.await {
                        Ok(appended) => ServerMsg::Ack { doc, chunk_id, seq: appended.seq },
                        Err(StoreError::DocTooLarge { limit }) => ServerMsg::Error {
                            code: ErrorCode::DocTooLarge,
                            message: format!("document is over its limit of {limit} bytes"),
                            doc: Some(doc),
                        },
                        Err(err @ StoreError::QuotaExceeded { .. }) => {
                            tracing::warn!(conn, %device, %err, %doc, "push refused: quota");
                            ServerMsg::Error {
                                code: ErrorCode::QuotaExceeded,
                                message: err.to_string(),
                                doc: Some(doc),
                            }
                        }
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
                match self.relay.store.propose_snapshot(&doc, covers_seq, bytes, &self.device.id).await {
                    Ok(()) => {
                        self.send(sink, ServerMsg::SnapshotStored { doc: doc.clone(), covers_seq }).await?;
                        // Another device subscribed to it checks it now; if none is, the next to
                        // subscribe will.
                        if let Some(checker) = self.relay.hub.checker(&doc, &self.device.id) {
                            self.ask_to_check(&doc, &checker.device, |frame| checker.offer(frame)).await;
                        }
                        Ok(())
                    }
                    Err(err) => {
                        tracing::warn!(conn = self.id, %err, %doc, "snapshot refused");
                        self.refuse(sink, ErrorCode::StorageFailed, Some(doc), err.to_string()).await
                    }
                }
            }
        }
    }

    /// Whether a drop box dated `date` may be written now: from `drop_box_days` days before the
    /// relay's UTC today to one day after it (a device's local date is within a day of UTC).
    fn drop_box_open(&self, date: &str) -> bool {
        let Ok(date) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else { return false };
        let today = chrono::Utc::now().date_naive();
        let days = (date - today).num_days();
        (-i64::from(self.relay.config.drop_box_days)..=1).contains(&days)
    }

    /// Sends the waiting proposal of `doc`, if there is one and `checker` (a device id) did not
    /// propose it, to be checked (through `send`).
    async fn ask_to_check(&self, doc: &str, checker: &str, send: impl FnOnce(Frame)) {
        match self.relay.store.proposal(doc).await {
            Ok(Some(proposal)) if proposal.device != checker => {
                let check = ServerMsg::Check {
                    doc: doc.to_owned(),
                    covers_seq: proposal.covers_seq,
                    bytes: proposal.bytes,
                    must_contain: proposal.must_contain,
                };
                send(check.encode().into());
            }
            Ok(_) => {}
            Err(err) => tracing::error!(conn = self.id, %err, %doc, "cannot read a proposed snapshot"),
        }
    }

    /// A device's verdict on a proposed snapshot.
    async fn checked(&mut self, doc: String, covers_seq: u64, digest: Head, ok: bool) -> Result<(), End> {
        if !valid_doc_name(&doc) || !self.allowed(&doc, Access::Read) {
            return Ok(()); // not its document: ignored
        }
        match self.relay.store.settle_snapshot(&doc, covers_seq, digest, &self.device.id, ok).await {
            Ok(Settled::Proven) => {
                tracing::info!(conn = self.id, checker = %self.device.id, %doc, covers_seq, "snapshot proven");
            }
            Ok(Settled::Rejected { proposer }) => tracing::warn!(
                conn = self.id, checker = %self.device.id, %proposer, %doc, covers_seq,
                "a proposed snapshot failed its check and was discarded; the chunks it covers are kept"
            ),
            Ok(Settled::Stale | Settled::OwnProposal) => {}
            Err(err) => tracing::error!(conn = self.id, %err, %doc, "cannot settle a snapshot"),
        }
        Ok(())
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
        if !self.subscriptions.contains(&doc) && self.subscriptions.len() >= self.relay.config.max_subscriptions {
            let message = format!("over the limit of {} documents", self.relay.config.max_subscriptions);
            return self.refuse(sink, ErrorCode::QuotaExceeded, Some(doc), message).await;
        }
        self.subscriptions.insert(doc.clone());
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
        for chunk in backlog.chunks {
            let msg = ServerMsg::Chunk { doc: doc.clone(), seq: chunk.seq, bytes: chunk.bytes, at_ms: chunk.at_ms };
            self.send(sink, msg).await?;
        }
        self.send(sink, ServerMsg::Synced { doc: doc.clone(), head: backlog.head }).await?;
        // A snapshot another device proposed waits for one that holds the document to check it.
        let peer = self.peer.clone();
        self.ask_to_check(&doc, &self.device.id, |frame| peer.offer(frame)).await;
        Ok(())
    }

    async fn watch<W: Sink<Message> + Unpin>(&mut self, sink: &mut W, prefix: String) -> Result<(), End> {
        if !access::may_watch(self.device.role, &prefix) || prefix.len() > 128 {
            return self
                .refuse(sink, ErrorCode::Forbidden, Some(prefix), format!("a {} may not watch this", self.device.role))
                .await;
        }
        if !self.watches.contains(&prefix) && self.watches.len() >= self.relay.config.max_watches {
            let message = format!("over the limit of {} watches", self.relay.config.max_watches);
            return self.refuse(sink, ErrorCode::QuotaExceeded, Some(prefix), message).await;
        }
        self.watches.insert(prefix.clone());
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
