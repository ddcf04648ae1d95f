//! One device's WebSocket: the `Hello` handshake, then subscriptions, pushes and snapshots.
//!
//! Written against any `Sink`/`Stream` of WebSocket messages, so a test can drive a connection
//! through in-memory channels.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Error;

use frontdesk_protocol::{
    AdminReply, Area, ChunkId, ClientMsg, DecodeError, Epoch, ErrorCode, Head, MAX_STORED_ASKED, PROTOCOL_VERSION,
    Retention, Role, ServerMsg, Writers, close, sealed, valid_doc_name,
};

use crate::access::{self, Access};
use crate::hub::{Frame, Peer};
use crate::rate::RateLimit;
use crate::relay::Relay;
use crate::store::{Basis, Device, NewChunk, PublicKey, Rebase, Settled, StoreError};

/// Most queued frames sent to a device before one flush.
const SEND_BATCH: usize = 64;

/// Longest device (and business) name kept, in characters.
const MAX_DEVICE_NAME: usize = 80;

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
    let end = match handshake(&relay, &mut sink, &mut stream, &peer_addr).await {
        // The retention rules are read before the first session, so none serves an expired document.
        Ok((device, key)) => match tokio::try_join!(relay.store.epochs(), relay.store.floors(), relay.load_retention())
        {
            // A device told "nothing is sealed" would write in the clear: no Welcome without them.
            Err(err) => {
                tracing::error!(conn = id, %err, "key epochs or retention rules not read");
                closing(close::GOING_AWAY, "the relay cannot read its database; retry")
            }
            Ok((epochs, floors, ())) => {
                tracing::info!(conn = id, device = %device.id, name = %device.name, role = %device.role, %peer_addr, "device connected");
                let welcome = ServerMsg::Welcome {
                    device: device.id.clone(),
                    name: device.name.clone(),
                    role: device.role,
                    epochs: epochs.clone(),
                    floors: floors.clone(),
                };
                if sink.send(Message::Binary(welcome.encode().into())).await.is_err() {
                    End::ClientClosed
                } else {
                    // Noted beside the session, never in its way (a write per connect).
                    seen(&relay, &device.id);
                    let device_id = device.id.clone();
                    let end =
                        Session::new(id, device, key, relay.clone(), epochs, floors).run(&mut sink, &mut stream).await;
                    relay.hub.remove(id);
                    seen(&relay, &device_id);
                    end
                }
            }
        },
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

/// What a device is told when the relay refuses sealed bytes: a stale epoch, or bytes in the
/// clear where the scope seals, are for sealing again under the newest key (the device
/// reconnects, and its Welcome says the epochs and floors); anything else is not for this device
/// to send.
fn refusal_code(err: &sealed::SealedError) -> ErrorCode {
    match err {
        // The device reconnects and hears the epochs again (an honest one that raced a grant
        // then seals under one the relay numbered).
        sealed::SealedError::StaleEpoch { .. }
        | sealed::SealedError::Unsealed { .. }
        | sealed::SealedError::FutureEpoch { .. } => ErrorCode::StaleEpoch,
        _ => ErrorCode::Forbidden,
    }
}

/// Notes, in a task of its own, when a device was last seen (for the manager's device list); a
/// failure is only logged.
fn seen(relay: &Arc<Relay>, device: &str) {
    let (relay, device, at_ms) = (relay.clone(), device.to_owned(), chrono::Utc::now().timestamp_millis());
    tokio::spawn(async move {
        if let Err(err) = relay.store.device_seen(&device, at_ms).await {
            tracing::warn!(%err, %device, "cannot note when the device was seen");
        }
    });
}

/// Sends the challenge, reads the first frame and acts on it: a `Hello` whose signature the
/// device's key makes ends with that device; a pairing request is answered and ends the socket.
async fn handshake<W, R, E>(
    relay: &Arc<Relay>,
    sink: &mut W,
    stream: &mut R,
    peer_addr: &str,
) -> Result<(Device, PublicKey), End>
where
    W: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
{
    let deadline = tokio::time::Instant::now() + relay.config.hello_timeout;
    // Sent before anything is read, so proving a key costs a device no round trip of its own.
    let nonce: [u8; 32] = rand::random();
    if sink.send(Message::Binary(ServerMsg::Challenge { nonce }.encode().into())).await.is_err() {
        return Err(End::ClientClosed);
    }
    let frame = first_frame(relay, stream, deadline).await?;
    let msg = decode_opening(&frame)?;
    let (device, protocol, signature) = match msg {
        ClientMsg::Hello { device, protocol, signature } => (device, protocol, signature),
        ClientMsg::PairPreview { protocol, .. } | ClientMsg::Pair { protocol, .. } => {
            check_protocol(protocol)?;
            let reply = crate::pairing::answer(relay, msg, peer_addr).await;
            let _ = sink.send(Message::Binary(reply.encode().into())).await;
            return Err(closing(close::PAIRING_DONE, "pairing answered"));
        }
        _ => return Err(closing(close::PROTOCOL_VIOLATION, "the first message must be Hello")),
    };
    check_protocol(protocol)?;
    let found = match relay.store.device_key(&device).await {
        Ok(found) => found,
        Err(err) => {
            tracing::error!(%err, "device lookup failed");
            return Err(closing(close::GOING_AWAY, "relay storage unavailable"));
        }
    };
    // An unknown device and a wrong key get the same answer; only a device that proved its key
    // learns that it was revoked.
    let proven = found.and_then(|found| {
        let key = found.public_key.filter(|key| crate::pairing::proves(key, &device, &nonce, &signature))?;
        Some((found.device, key))
    });
    match proven {
        Some((found, _)) if found.revoked => {
            tracing::warn!(device = %device, %peer_addr, "a revoked device tried to connect");
            Err(closing(close::REVOKED, "this device has been revoked"))
        }
        Some(proven) => Ok(proven),
        None => {
            let device: String = device.chars().take(64).collect();
            tracing::warn!(%device, %peer_addr, "a device did not prove its key");
            Err(closing(close::UNAUTHORIZED, "unknown device, or its key did not sign the challenge"))
        }
    }
}

/// The first frame, before `deadline` (the Hello time limit), in the small budget a socket has
/// before it is welcomed.
async fn first_frame<R, E>(relay: &Relay, stream: &mut R, deadline: tokio::time::Instant) -> Result<Vec<u8>, End>
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
{
    tokio::select! {
        msg = tokio::time::timeout_at(deadline, next_frame(stream, relay.config.max_hello_frame)) => match msg {
            Err(_) => Err(closing(close::HELLO_TIMEOUT, "no Hello within the time limit")),
            Ok(frame) => frame,
        },
        _ = relay.shutdown.cancelled() => Err(closing(close::GOING_AWAY, "relay shutting down")),
    }
}

fn decode_opening(frame: &[u8]) -> Result<ClientMsg, End> {
    match ClientMsg::decode(frame) {
        Ok(msg) => Ok(msg),
        Err(DecodeError::Version(v)) => Err(closing(
            close::UNSUPPORTED_PROTOCOL,
            format!("protocol {v} unsupported, relay speaks {PROTOCOL_VERSION}"),
        )),
        Err(err) => Err(closing(close::BAD_FRAME, err.to_string())),
    }
}

fn check_protocol(protocol: u8) -> Result<(), End> {
    if protocol == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(closing(
            close::UNSUPPORTED_PROTOCOL,
            format!("protocol {protocol} unsupported, relay speaks {PROTOCOL_VERSION}"),
        ))
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
    /// The public key the device proved at Hello: every chunk and snapshot it sends must be
    /// signed by it.
    key: PublicKey,
    relay: Arc<Relay>,
    peer: Arc<Peer>,
    rx: mpsc::Receiver<Frame>,
    inflight: Arc<Semaphore>,
    rate: RateLimit,
    byte_rate: RateLimit,
    subscriptions: HashSet<String>,
    /// The cursor of this connection's latest subscribe to each document, or the seq its own
    /// re-base of it covers: what its writes to the document are made on. A live re-base from
    /// another device does not move it — the device subscribes again once it has applied it, and
    /// what it sent before that was made on the old history.
    subscribed_at: HashMap<String, u64>,
    /// The head up to which each document's read is in the audit log, for this connection: a
    /// subscribe that serves nothing newer is not logged again.
    logged_reads: HashMap<String, u64>,
    watches: HashSet<String>,
    /// The key epochs said at Welcome (renewed here when this device numbers new ones; every
    /// other connection is closed then): a scope with one takes nothing in the clear.
    epochs: Vec<frontdesk_protocol::Epoch>,
    /// The floors said at Welcome (raised here when this device revokes another; every other
    /// connection is closed then, and hears the new ones at its next Welcome).
    floors: Vec<frontdesk_protocol::Epoch>,
}

impl Session {
    fn new(
        id: u64,
        device: Device,
        key: PublicKey,
        relay: Arc<Relay>,
        epochs: Vec<frontdesk_protocol::Epoch>,
        floors: Vec<frontdesk_protocol::Epoch>,
    ) -> Session {
        let (tx, rx) = mpsc::channel(relay.config.outbound_queue);
        let config = &relay.config;
        Session {
            id,
            key,
            peer: Peer::new(id, &device.id, device.role, tx),
            rx,
            inflight: Arc::new(Semaphore::new(config.max_inflight_pushes)),
            rate: RateLimit::new(config.rate_per_sec, config.rate_burst, Instant::now()),
            byte_rate: RateLimit::new(config.bytes_per_sec, config.bytes_burst, Instant::now()),
            subscriptions: HashSet::new(),
            subscribed_at: HashMap::new(),
            logged_reads: HashMap::new(),
            watches: HashSet::new(),
            epochs,
            floors,
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
        // Epochs numbered or floors raised between the Welcome's read and joining the hub told
        // this connection nothing (a grant or a revocation closes only the connections in the
        // hub): read again now.
        match tokio::try_join!(self.relay.store.epochs(), self.relay.store.floors()) {
            Ok((epochs, floors)) if epochs == self.epochs && floors == self.floors => {}
            Ok(_) => return closing(close::KEYS_CHANGED, "the business's keys changed; reconnect"),
            Err(err) => {
                tracing::error!(conn = self.id, %err, "key epochs and floors not read");
                return closing(close::GOING_AWAY, "the relay cannot read its database; retry");
            }
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
                        return closing(close::REVOKED, "this device has been revoked");
                    }
                    if self.peer.rekeyed.load(Ordering::SeqCst) {
                        return closing(close::KEYS_CHANGED, "the business's keys changed; reconnect");
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

    /// Whether `doc` is past the business's retention on the relay's UTC today: the relay holds
    /// nothing of it and takes nothing more.
    fn expired(&self, doc: &str) -> bool {
        self.relay.expired(doc, today())
    }

    /// Refuses a request naming an expired document ([`ErrorCode::Expired`]): the device forgets
    /// it. Logged at info: an honest device may ask once before it has forgotten it.
    async fn refuse_expired<W: Sink<Message> + Unpin>(&self, sink: &mut W, doc: String) -> Result<(), End> {
        tracing::info!(conn = self.id, device = %self.device.id, %doc, "refused: the document is expired");
        let message = "this document is past the business's retention: the relay holds nothing of it".to_owned();
        self.send(sink, ServerMsg::Error { code: ErrorCode::Expired, doc: Some(doc), message }).await
    }

    /// The access rules, and for a kiosk's day (`kiosk/<date>`) the relay's calendar: no device
    /// reads one outside [`kiosk_day_open`]'s window; writes are taken for any real date up to
    /// the window's end (a desk back after days gets its queued changes acknowledged, and they
    /// are emptied with the day), never for a later or impossible one.
    fn allowed(&self, doc: &str, access: Access) -> bool {
        let today = chrono::Utc::now().date_naive();
        access::allowed(self.device.role, &self.device.id, doc, access)
            && access::kiosk_day_date(doc).is_none_or(|date| match access {
                Access::Read => kiosk_day_open(date, today),
                Access::Write | Access::Snapshot => kiosk_day_writable(date, today),
            })
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
            ClientMsg::Hello { .. } | ClientMsg::PairPreview { .. } | ClientMsg::Pair { .. } => {
                Err(closing(close::PROTOCOL_VIOLATION, "Hello sent twice"))
            }
            ClientMsg::CreatePairing { role, name, business } => self.create_pairing(sink, role, name, business).await,
            ClientMsg::ListDevices => self.list_devices(sink).await,
            ClientMsg::RenameDevice { device, name } => {
                if !self.manager(sink, "rename devices").await? {
                    return Ok(());
                }
                let name = name.trim().chars().take(MAX_DEVICE_NAME).collect::<String>();
                if name.is_empty() {
                    return self.refuse(sink, ErrorCode::Forbidden, None, "a device needs a name".into()).await;
                }
                if let Err(err) = self.relay.store.rename_device(&device, &name).await {
                    tracing::error!(%err, "rename failed");
                    return self.refuse(sink, ErrorCode::StorageFailed, None, "not renamed; retry".into()).await;
                }
                tracing::info!(conn = self.id, by = %self.device.id, %device, %name, "device renamed");
                self.list_devices(sink).await
            }
            ClientMsg::RevokeDevice { device, floors } => {
                if !self.manager(sink, "revoke devices").await? {
                    return Ok(());
                }
                match self.relay.store.revoke_device(&device, &floors).await {
                    Ok(true) => {
                        let kicked = self.relay.hub.revoke(&device);
                        tracing::warn!(conn = self.id, by = %self.device.id, %device, connections = kicked, ?floors, "device revoked");
                        if !floors.is_empty() {
                            // Every other connection reconnects to hear the raised floors before
                            // it seals anything else; this one reads them now.
                            match self.relay.store.floors().await {
                                Ok(now) => self.floors = now,
                                Err(err) => {
                                    tracing::error!(%err, "key floors not read; the ones sent are kept");
                                    for floor in floors {
                                        if floor.epoch > Epoch::of(&self.floors, floor.scope) {
                                            self.floors.retain(|f| f.scope != floor.scope);
                                            self.floors.push(floor);
                                        }
                                    }
                                }
                            }
                            let told = self.relay.hub.rekey(self.id);
                            tracing::info!(connections = told, "told to reconnect for the raised key floors");
                        }
                    }
                    Ok(false) => {}
                    Err(err) => {
                        tracing::error!(%err, "revoke failed");
                        return self.refuse(sink, ErrorCode::StorageFailed, None, "not revoked; retry".into()).await;
                    }
                }
                self.list_devices(sink).await
            }
            ClientMsg::NewEpoch { scopes, first } => self.new_epochs(sink, scopes, first).await,
            ClientMsg::Ping => self.send(sink, ServerMsg::Pong).await,
            ClientMsg::Subscribe { doc, after_seq } => self.subscribe(sink, doc, after_seq).await,
            ClientMsg::Watch { prefix } => self.watch(sink, prefix).await,
            ClientMsg::Checked { doc, covers_seq, digest, ok } => self.checked(sink, doc, covers_seq, digest, ok).await,
            ClientMsg::SetRetention { retention } => self.set_retention(sink, retention).await,
            ClientMsg::WhenStored { doc, chunks } => self.when_stored(sink, doc, chunks).await,
            ClientMsg::Rebase { doc, after_seq, bytes, signature } => {
                self.rebase(sink, doc, after_seq, bytes, signature).await
            }
            ClientMsg::Push { doc, chunk_id, bytes, heads, signature } => {
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
                if self.expired(&doc) {
                    return self.refuse_expired(sink, doc).await;
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
                // Sealed bytes (issue 19) must name this device as their writer, and this
                // document's scope: the relay cannot read them, but can refuse a replay or a
                // chunk moved from elsewhere before any device has to.
                if let Err(err) = sealed::check_sent(&doc, &self.device.id, &bytes, None, &self.epochs, &self.floors) {
                    tracing::warn!(conn = self.id, device = %self.device.id, %doc, %err, "sealed chunk refused");
                    let message = format!("sealed chunk refused: {err}");
                    return self.refuse(sink, refusal_code(&err), Some(doc), message).await;
                }
                // The device vouches for the bytes with its key; the relay keeps the signature
                // for every other device to check, and refuses one that is not this device's.
                let digest: [u8; 32] = Sha256::digest(&bytes).into();
                let Some(author) = self.author(frontdesk_protocol::chunk_proof(&doc, &digest), signature) else {
                    tracing::warn!(conn = self.id, device = %self.device.id, %doc, "chunk refused: bad signature");
                    let message = "the chunk's signature is not this device's".to_owned();
                    return self.refuse(sink, ErrorCode::BadSignature, Some(doc), message).await;
                };
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
                    author,
                };
                // Checked again as it is queued: rules set meanwhile are queued after it, and their
                // sweep empties what it stores.
                let basis = self.basis(&doc);
                let queued =
                    self.relay.unless_expired(&doc, today(), || self.relay.store.push_on(chunk, self.id, basis));
                let Some(stored) = queued else {
                    drop(permit);
                    return self.refuse_expired(sink, doc).await;
                };
                let (conn, device) = (self.id, self.device.id.clone());
                tokio::spawn(async move {
                    let reply = match stored.await {
                        Ok(appended) => ServerMsg::Ack { doc, chunk_id, seq: appended.seq },
                        Err(StoreError::DocTooLarge { limit }) => ServerMsg::Error {
                            code: ErrorCode::DocTooLarge,
                            message: format!("document is over its limit of {limit} bytes"),
                            doc: Some(doc),
                        },
                        // Made on the history the document had before a re-base: the device
                        // applies the re-base, subscribes again and makes its change again.
                        Err(err @ StoreError::Rebased { .. }) => {
                            tracing::warn!(conn, %device, %err, %doc, "push refused: made before a re-base");
                            ServerMsg::Error { code: ErrorCode::Rebased, message: err.to_string(), doc: Some(doc) }
                        }
                        // A new epoch overtook the one this connection heard: it reconnects.
                        Err(err @ StoreError::InTheClear) => {
                            tracing::warn!(conn, %device, %err, %doc, "push refused: in the clear");
                            ServerMsg::Error { code: ErrorCode::StaleEpoch, message: err.to_string(), doc: Some(doc) }
                        }
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
            ClientMsg::Snapshot { doc, covers_seq, bytes, signature } => {
                if !valid_doc_name(&doc) || !self.allowed(&doc, Access::Snapshot) {
                    return self.refuse(sink, ErrorCode::Forbidden, Some(doc), "snapshot not allowed".into()).await;
                }
                if self.expired(&doc) {
                    return self.refuse_expired(sink, doc).await;
                }
                if let Err(err) =
                    sealed::check_sent(&doc, &self.device.id, &bytes, Some(covers_seq), &self.epochs, &self.floors)
                {
                    tracing::warn!(conn = self.id, device = %self.device.id, %doc, %err, "sealed snapshot refused");
                    let message = format!("sealed snapshot refused: {err}");
                    return self.refuse(sink, refusal_code(&err), Some(doc), message).await;
                }
                let digest: [u8; 32] = Sha256::digest(&bytes).into();
                let proof = frontdesk_protocol::snapshot_proof(&doc, covers_seq, &digest);
                let Some(author) = self.author(proof, signature) else {
                    tracing::warn!(conn = self.id, device = %self.device.id, %doc, "snapshot refused: bad signature");
                    let message = "the snapshot's signature is not this device's".to_owned();
                    return self.refuse(sink, ErrorCode::BadSignature, Some(doc), message).await;
                };
                let basis = self.basis(&doc);
                let queued = self.relay.unless_expired(&doc, today(), || {
                    self.relay.store.propose_snapshot_on(&doc, covers_seq, bytes, &self.device.id, author, basis)
                });
                let Some(proposed) = queued else { return self.refuse_expired(sink, doc).await };
                match proposed.await {
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
                        let code = match err {
                            StoreError::InTheClear => ErrorCode::StaleEpoch,
                            StoreError::Rebased { .. } => ErrorCode::Rebased,
                            _ => ErrorCode::StorageFailed,
                        };
                        self.refuse(sink, code, Some(doc), err.to_string()).await
                    }
                }
            }
        }
    }

    /// What this connection's write to `doc` is made on: a drop box's changes stand alone; any
    /// other document's, on what its latest subscribe to it (or its own re-base) read.
    fn basis(&self, doc: &str) -> Basis {
        if stands_alone(doc) {
            Basis::Alone
        } else {
            Basis::Subscribed(self.subscribed_at.get(doc).copied().unwrap_or(0))
        }
    }

    /// A manager's re-base: `bytes`, a fresh document made from what `doc` held at `after_seq`
    /// without what is erased, replace every byte the relay holds of it. Every other subscriber
    /// is sent it through the hub, in its place in the document's sequence.
    async fn rebase<W: Sink<Message> + Unpin>(
        &mut self,
        sink: &mut W,
        doc: String,
        after_seq: u64,
        bytes: Vec<u8>,
        signature: Vec<u8>,
    ) -> Result<(), End> {
        if self.device.role != Role::Manager {
            let message = "only a manager's device may re-base a document".to_owned();
            return self.refuse(sink, ErrorCode::Forbidden, Some(doc), message).await;
        }
        if !valid_doc_name(&doc) {
            return self.refuse(sink, ErrorCode::BadDocName, Some(doc), "invalid document name".into()).await;
        }
        // Any document the manager reads, drop boxes included: what a kiosk took in may have to
        // be erased too.
        if !self.allowed(&doc, Access::Read) {
            return self.refuse(sink, ErrorCode::Forbidden, Some(doc), "a manager may not read this".into()).await;
        }
        if self.expired(&doc) {
            return self.refuse_expired(sink, doc).await;
        }
        let Some(covers_seq) = after_seq.checked_add(1) else {
            return self.refuse(sink, ErrorCode::Moved, Some(doc), "no document ends there".into()).await;
        };
        if let Err(err) =
            sealed::check_sent(&doc, &self.device.id, &bytes, Some(covers_seq), &self.epochs, &self.floors)
        {
            tracing::warn!(conn = self.id, device = %self.device.id, %doc, %err, "sealed re-base refused");
            let message = format!("sealed re-base refused: {err}");
            return self.refuse(sink, refusal_code(&err), Some(doc), message).await;
        }
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        let Some(author) = self.author(frontdesk_protocol::rebase_proof(&doc, covers_seq, &digest), signature) else {
            tracing::warn!(conn = self.id, device = %self.device.id, %doc, "re-base refused: bad signature");
            let message = "the re-base's signature is not this device's".to_owned();
            return self.refuse(sink, ErrorCode::BadSignature, Some(doc), message).await;
        };
        let size = bytes.len();
        let at_ms = chrono::Utc::now().timestamp_millis();
        let rebase = Rebase { doc: doc.clone(), after_seq, bytes, device: self.device.id.clone(), at_ms, author };
        let Some(rebased) = self.relay.unless_expired(&doc, today(), || self.relay.store.rebase(rebase, self.id))
        else {
            return self.refuse_expired(sink, doc).await;
        };
        match rebased.await {
            Ok(Ok(covers_seq)) => {
                tracing::info!(conn = self.id, device = %self.device.id, %doc, covers_seq, size, "document re-based");
                // This device made the new history: what it sends next is made on it.
                self.subscribed_at.insert(doc.clone(), covers_seq);
                self.send(sink, ServerMsg::SnapshotStored { doc, covers_seq }).await
            }
            Ok(Err(moved)) => self.refuse(sink, ErrorCode::Moved, Some(doc), moved.to_string()).await,
            Err(StoreError::UnknownDoc(_)) => {
                let message = "the relay holds nothing of this document to re-base".to_owned();
                self.refuse(sink, ErrorCode::Forbidden, Some(doc), message).await
            }
            Err(err) => {
                tracing::warn!(conn = self.id, %err, %doc, "re-base refused");
                let code = match err {
                    StoreError::InTheClear => ErrorCode::StaleEpoch,
                    StoreError::DocTooLarge { .. } => ErrorCode::DocTooLarge,
                    _ => ErrorCode::StorageFailed,
                };
                self.refuse(sink, code, Some(doc), err.to_string()).await
            }
        }
    }

    /// This device as the author of `proof`, if `signature` is its key's signature of it.
    fn author(&self, proof: Vec<u8>, signature: Vec<u8>) -> Option<frontdesk_protocol::Author> {
        crate::pairing::signed(&self.key, &proof, &signature)
            .then(|| frontdesk_protocol::Author { key: self.key.to_vec(), signature })
    }

    /// Whether this device is a manager's; refuses the request (`what` it was) if not.
    async fn manager<W: Sink<Message> + Unpin>(&self, sink: &mut W, what: &str) -> Result<bool, End> {
        if self.device.role == Role::Manager {
            return Ok(true);
        }
        self.refuse(sink, ErrorCode::Forbidden, None, format!("only a manager's device may {what}")).await?;
        Ok(false)
    }

    async fn list_devices<W: Sink<Message> + Unpin>(&self, sink: &mut W) -> Result<(), End> {
        if !self.manager(sink, "list devices").await? {
            return Ok(());
        }
        match self.relay.store.devices().await {
            Ok(devices) => {
                let devices = devices.iter().map(|d| d.info()).collect();
                let reply = frontdesk_protocol::AdminReply::Devices { devices }.to_bytes();
                self.send(sink, ServerMsg::Admin { reply }).await
            }
            Err(err) => {
                tracing::error!(%err, "device listing failed");
                self.refuse(sink, ErrorCode::StorageFailed, None, "cannot list; retry".into()).await
            }
        }
    }

    /// Numbers new key epochs (managers only: they make and hand out keys).
    async fn new_epochs<W: Sink<Message> + Unpin>(
        &mut self,
        sink: &mut W,
        scopes: Vec<frontdesk_protocol::Scope>,
        first: bool,
    ) -> Result<(), End> {
        if !self.manager(sink, "number key epochs").await? {
            return Ok(());
        }
        let at_ms = chrono::Utc::now().timestamp_millis();
        match self.relay.store.new_epochs(&scopes, first, &self.device.id, at_ms).await {
            Ok((granted, epochs)) => {
                if granted {
                    tracing::warn!(conn = self.id, by = %self.device.id, ?scopes, first, "new key epochs");
                    // Every other connection reconnects, to hear the new epochs in its Welcome
                    // before anything sealed under them reaches it.
                    let told = self.relay.hub.rekey(self.id);
                    tracing::info!(connections = told, "told to reconnect for the new key epochs");
                    self.epochs = epochs.clone();
                } else {
                    tracing::warn!(conn = self.id, by = %self.device.id, "first keys refused: the business has keys");
                }
                let reply = frontdesk_protocol::AdminReply::Epochs { granted, epochs }.to_bytes();
                self.send(sink, ServerMsg::Admin { reply }).await
            }
            Err(err) => {
                tracing::error!(%err, "key epochs not numbered");
                self.refuse(sink, ErrorCode::StorageFailed, None, "no epoch numbered; retry".into()).await
            }
        }
    }

    /// A manager's retention rules: kept (an audit line when they change), in force at once, and
    /// every document they make expired emptied before the answer says how many.
    async fn set_retention<W: Sink<Message> + Unpin>(&self, sink: &mut W, retention: Retention) -> Result<(), End> {
        if !self.manager(sink, "set how long documents are kept").await? {
            return Ok(());
        }
        if let Err(err) = retention.check() {
            return self.refuse(sink, ErrorCode::BadRetention, None, err.to_string()).await;
        }
        match self.relay.set_retention(&retention, &self.device.id).await {
            Ok(changed) => {
                let rules: Vec<(&str, u32)> = retention.rules.iter().map(|r| (r.area.as_str(), r.days)).collect();
                tracing::info!(conn = self.id, by = %self.device.id, changed, ?rules, "retention rules set");
            }
            Err(err) => {
                tracing::error!(%err, "retention rules not kept");
                return self.refuse(sink, ErrorCode::StorageFailed, None, "rules not kept; retry".into()).await;
            }
        }
        let emptied = match self.relay.empty_expired(today()).await {
            Ok(emptied) => emptied,
            Err(err) => {
                // The rules are in force (nothing expired is served or taken); the hourly sweep
                // empties what is left, and the device's next SetRetention tries again.
                tracing::error!(%err, "expired documents not emptied");
                let message = "the rules are kept, but expired documents are not all emptied yet; retry".to_owned();
                return self.refuse(sink, ErrorCode::StorageFailed, None, message).await;
            }
        };
        let reply = frontdesk_protocol::AdminReply::Retention { retention: self.relay.retention(), emptied }.to_bytes();
        self.send(sink, ServerMsg::Admin { reply }).await
    }

    async fn create_pairing<W: Sink<Message> + Unpin>(
        &self,
        sink: &mut W,
        role: Role,
        name: String,
        business: String,
    ) -> Result<(), End> {
        if !self.manager(sink, "pair devices").await? {
            return Ok(());
        }
        let name = name.trim().chars().take(MAX_DEVICE_NAME).collect::<String>();
        let business = business.trim().chars().take(MAX_DEVICE_NAME).collect::<String>();
        if name.is_empty() {
            return self.refuse(sink, ErrorCode::Forbidden, None, "a device needs a name".into()).await;
        }
        let now_ms = chrono::Utc::now().timestamp_millis();
        let offer = crate::pairing::offer(role, name.clone(), business, self.device.id.clone(), now_ms);
        let expires_at_ms = offer.expires_at_ms;
        match crate::pairing::create(self.relay.store.as_ref(), offer, now_ms).await {
            Ok(code) => {
                tracing::info!(conn = self.id, by = %self.device.id, %role, %name, "pairing code made");
                let reply = frontdesk_protocol::AdminReply::PairingCode { code, role, name, expires_at_ms }.to_bytes();
                self.send(sink, ServerMsg::Admin { reply }).await
            }
            Err(err) => {
                tracing::error!(%err, "pairing code not stored");
                self.refuse(sink, ErrorCode::StorageFailed, None, "no code made; retry".into()).await
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
    async fn checked<W: Sink<Message> + Unpin>(
        &mut self,
        sink: &mut W,
        doc: String,
        covers_seq: u64,
        digest: Head,
        ok: bool,
    ) -> Result<(), End> {
        if !valid_doc_name(&doc) || !self.allowed(&doc, Access::Read) {
            return Ok(()); // not its document: ignored
        }
        if self.expired(&doc) {
            return self.refuse_expired(sink, doc).await;
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

    /// Whether this device may read `doc` now; if not, refuses the request with why (a bad name,
    /// a document it may not read, or an expired one, of which nothing is served — not even its
    /// head: only the refusal). What a subscribe and a question about the document both ask.
    async fn may_read<W: Sink<Message> + Unpin>(&self, sink: &mut W, doc: &str) -> Result<bool, End> {
        if !valid_doc_name(doc) {
            let message = "invalid document name".to_owned();
            self.refuse(sink, ErrorCode::BadDocName, Some(doc.to_owned()), message).await?;
            return Ok(false);
        }
        if !self.allowed(doc, Access::Read) {
            let message = format!("a {} may not read this", self.device.role);
            self.refuse(sink, ErrorCode::Forbidden, Some(doc.to_owned()), message).await?;
            return Ok(false);
        }
        if self.expired(doc) {
            self.refuse_expired(sink, doc.to_owned()).await?;
            return Ok(false);
        }
        Ok(true)
    }

    /// When the relay stored chunks of `doc`, as its audit log's push lines say (a record's
    /// History shows the relay's time of each edit): for any device that may read `doc`, under a
    /// subscribe's rules, about the first [`MAX_STORED_ASKED`] ids sent. A chunk with no push on
    /// record is left out. No audit line is written for it: it reads no byte of the document,
    /// only metadata — when each chunk the device names was stored (the time a subscribe sends
    /// with each chunk it serves).
    async fn when_stored<W: Sink<Message> + Unpin>(
        &self,
        sink: &mut W,
        doc: String,
        mut chunks: Vec<ChunkId>,
    ) -> Result<(), End> {
        if !self.may_read(sink, &doc).await? {
            return Ok(());
        }
        chunks.truncate(MAX_STORED_ASKED);
        match tokio::try_join!(self.relay.store.stored_at(&doc, &chunks), self.relay.store.rebased_by(&doc)) {
            Ok((chunks, rebased_by)) => {
                let reply = AdminReply::Stored { doc, chunks, rebased_by }.to_bytes();
                self.send(sink, ServerMsg::Admin { reply }).await
            }
            Err(err) => {
                tracing::error!(conn = self.id, %err, %doc, "cannot read when chunks were stored");
                self.refuse(sink, ErrorCode::StorageFailed, Some(doc), "cannot read; retry".into()).await
            }
        }
    }

    async fn subscribe<W: Sink<Message> + Unpin>(
        &mut self,
        sink: &mut W,
        doc: String,
        after_seq: u64,
    ) -> Result<(), End> {
        if !self.may_read(sink, &doc).await? {
            return Ok(());
        }
        if !self.subscriptions.contains(&doc) && self.subscriptions.len() >= self.relay.config.max_subscriptions {
            let message = format!("over the limit of {} documents", self.relay.config.max_subscriptions);
            return self.refuse(sink, ErrorCode::QuotaExceeded, Some(doc), message).await;
        }
        self.subscriptions.insert(doc.clone());
        // What this connection writes to it from now on is made on what this subscribe serves.
        self.subscribed_at.insert(doc.clone(), after_seq);
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
        // The audit log keeps the read (#20) when it serves the device something: a subscribe at
        // its cursor (every reconnect) reads nothing, nor does one this connection was already
        // served up to this head. Queued now, committed with the writer's next batch; the backlog
        // is not held back for it.
        let served = backlog.snapshot.is_some() || !backlog.chunks.is_empty();
        if served && self.logged_reads.get(&doc) != Some(&backlog.head) {
            self.logged_reads.insert(doc.clone(), backlog.head);
            let at_ms = chrono::Utc::now().timestamp_millis();
            let read = self.relay.store.record_read(&doc, backlog.head, &self.device.id, at_ms);
            let (conn, logged) = (self.id, doc.clone());
            tokio::spawn(async move {
                if let Err(err) = read.await {
                    tracing::error!(conn, %err, doc = %logged, "cannot record a read in the audit log");
                }
            });
        }
        if let Some((covers_seq, bytes, author)) = backlog.snapshot {
            // A device behind a re-base replaces what it holds; others merge the snapshot in.
            let doc = doc.clone();
            let msg = if backlog.rebased {
                ServerMsg::Rebased { doc, covers_seq, bytes, author }
            } else {
                ServerMsg::Snapshot { doc, covers_seq, bytes, author }
            };
            self.send(sink, msg).await?;
        }
        for chunk in backlog.chunks {
            let (seq, bytes, at_ms, author) = (chunk.seq, chunk.bytes, chunk.at_ms, chunk.author);
            let msg = ServerMsg::Chunk { doc: doc.clone(), seq, bytes, at_ms, author };
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
        // An expired document is kept by name only (its sequence): not announced.
        for doc in docs {
            if self.allowed(&doc, Access::Read) && !self.expired(&doc) {
                self.send(sink, ServerMsg::DocExists { doc }).await?;
            }
        }
        Ok(())
    }
}

/// The relay's UTC date: what retention is judged by.
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Whether `doc` is in a drop box area: each box is written only by its own device, which never
/// reads it back, so its changes stand alone and no re-base refuses them.
fn stands_alone(doc: &str) -> bool {
    Area::of(doc).is_some_and(|area| matches!(area.writers(), Writers::OwnDevice | Writers::OwnKiosk))
}

/// Whether the kiosk's day `date` is open on the relay's UTC `today`: from yesterday (a business
/// west of UTC may still be on it) to the day after tomorrow (east of UTC, a desk publishes its
/// tomorrow). Before that it is emptied ([`crate::server`]'s sweep).
pub fn kiosk_day_open(date: &str, today: chrono::NaiveDate) -> bool {
    kiosk_day_offset(date, today).is_some_and(|days| (-1..=2).contains(&days))
}

/// Whether a write to the kiosk's day `date` is taken on the relay's UTC `today`: a real date no
/// later than the day after tomorrow.
pub fn kiosk_day_writable(date: &str, today: chrono::NaiveDate) -> bool {
    kiosk_day_offset(date, today).is_some_and(|days| days <= 2)
}

/// Whether the kiosk's day `date` is before its window on `today`: to be emptied.
pub fn kiosk_day_past(date: &str, today: chrono::NaiveDate) -> bool {
    kiosk_day_offset(date, today).is_some_and(|days| days < -1)
}

/// Days from `today` to the real date `date` (`None` for no such date).
fn kiosk_day_offset(date: &str, today: chrono::NaiveDate) -> Option<i64> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok().map(|date| (date - today).num_days())
}
