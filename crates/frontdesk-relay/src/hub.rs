//! Live fan-out: which connection is subscribed to which document or watching which prefix.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use frontdesk_protocol::access::{Access, allowed};
use frontdesk_protocol::{Role, ServerMsg};
use tokio::sync::{Notify, mpsc};

/// An encoded frame, shared by every subscriber it goes to.
pub type Frame = Arc<[u8]>;

/// The hub's handle on one connection.
pub struct Peer {
    pub id: u64,
    /// The device on the other end.
    pub device: String,
    pub role: Role,
    tx: mpsc::Sender<Frame>,
    /// Set when the peer's queue overflowed; the connection closes itself.
    pub too_slow: AtomicBool,
    /// Set when the device's token was revoked; the connection closes itself.
    pub revoked: AtomicBool,
    /// Set when new key epochs were numbered; the connection closes itself and the device
    /// reconnects to hear them.
    pub rekeyed: AtomicBool,
    pub kick: Notify,
}

impl Peer {
    pub fn new(id: u64, device: &str, role: Role, tx: mpsc::Sender<Frame>) -> Arc<Peer> {
        Arc::new(Peer {
            id,
            device: device.to_owned(),
            role,
            tx,
            too_slow: AtomicBool::new(false),
            revoked: AtomicBool::new(false),
            rekeyed: AtomicBool::new(false),
            kick: Notify::new(),
        })
    }

    /// Queues a frame without waiting; a peer that cannot keep up is told to go.
    pub fn offer(&self, frame: Frame) {
        if self.tx.try_send(frame).is_err() && !self.too_slow.swap(true, Ordering::SeqCst) {
            self.kick.notify_one();
        }
    }
}

#[derive(Default)]
struct Subscriptions {
    /// Every connected peer, by connection id.
    peers: HashMap<u64, Arc<Peer>>,
    docs: HashMap<String, Vec<Arc<Peer>>>,
    watches: Vec<(String, Arc<Peer>)>,
}

/// The registry of live subscriptions.
#[derive(Default)]
pub struct Hub {
    inner: Mutex<Subscriptions>,
}

impl Hub {
    /// Records a connected peer (so it can be found when its device is revoked), unless its
    /// device already has `max_per_device` connections open: then `false`.
    pub fn register(&self, peer: &Arc<Peer>, max_per_device: usize) -> bool {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.peers.values().filter(|p| p.device == peer.device).count() >= max_per_device {
            return false;
        }
        inner.peers.insert(peer.id, peer.clone());
        true
    }

    /// A connection subscribed to `doc` that may read it and is not of device `not_device`: the
    /// one asked to check a snapshot `not_device` proposed.
    pub fn checker(&self, doc: &str, not_device: &str) -> Option<Arc<Peer>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner
            .docs
            .get(doc)?
            .iter()
            .find(|p| p.device != not_device && allowed(p.role, &p.device, doc, Access::Read))
            .cloned()
    }

    /// Sends `frame` to every connection of `device` that is a manager's (what only managers
    /// read); returns how many there were.
    pub fn to_manager(&self, device: &str, frame: Frame) -> usize {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut sent = 0;
        for peer in inner.peers.values().filter(|p| p.device == device && p.role == Role::Manager) {
            peer.offer(frame.clone());
            sent += 1;
        }
        sent
    }

    /// Tells every connection but `except` (a connection id) to close, so that its device
    /// reconnects and hears the new key epochs; returns how many were told.
    pub fn rekey(&self, except: u64) -> usize {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut told = 0;
        for peer in inner.peers.values().filter(|p| p.id != except) {
            if !peer.rekeyed.swap(true, Ordering::SeqCst) {
                peer.kick.notify_one();
                told += 1;
            }
        }
        told
    }

    /// Tells every connection of `device` to close; returns how many there were.
    pub fn revoke(&self, device: &str) -> usize {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut kicked = 0;
        for peer in inner.peers.values().filter(|p| p.device == device) {
            if !peer.revoked.swap(true, Ordering::SeqCst) {
                peer.kick.notify_one();
                kicked += 1;
            }
        }
        kicked
    }

    pub fn subscribe(&self, doc: &str, peer: &Arc<Peer>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let peers = inner.docs.entry(doc.to_owned()).or_default();
        if !peers.iter().any(|p| p.id == peer.id) {
            peers.push(peer.clone());
        }
    }

    pub fn watch(&self, prefix: &str, peer: &Arc<Peer>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if !inner.watches.iter().any(|(p, w)| p == prefix && w.id == peer.id) {
            inner.watches.push((prefix.to_owned(), peer.clone()));
        }
    }

    /// Forgets a connection everywhere.
    pub fn remove(&self, peer_id: u64) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.peers.remove(&peer_id);
        inner.docs.retain(|_, peers| {
            peers.retain(|p| p.id != peer_id);
            !peers.is_empty()
        });
        inner.watches.retain(|(_, p)| p.id != peer_id);
    }

    /// Sends a committed chunk to every subscriber except the connection that pushed it; a
    /// re-base goes the same way, as [`ServerMsg::Rebased`], in its place in the document's
    /// sequence (a subscriber gets it before any chunk pushed on top of it).
    pub fn publish(&self, committed: crate::store::Committed<'_>) {
        let crate::store::Committed { doc, seq, bytes, at_ms, author, origin, new_doc, rebase } = committed;
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if new_doc {
            let mut announce: Option<Frame> = None;
            for (prefix, peer) in &inner.watches {
                if doc.starts_with(prefix.as_str()) && peer.id != origin {
                    let frame = announce
                        .get_or_insert_with(|| ServerMsg::DocExists { doc: doc.to_owned() }.encode().into())
                        .clone();
                    peer.offer(frame);
                }
            }
        }
        if let Some(peers) = inner.docs.get(doc) {
            let mut frame: Option<Frame> = None;
            for peer in peers.iter().filter(|p| p.id != origin) {
                let frame = frame
                    .get_or_insert_with(|| {
                        let (doc, bytes, author) = (doc.to_owned(), bytes.to_vec(), author.clone());
                        let msg = if rebase {
                            ServerMsg::Rebased { doc, covers_seq: seq, bytes, author }
                        } else {
                            ServerMsg::Chunk { doc, seq, bytes, at_ms, author }
                        };
                        msg.encode().into()
                    })
                    .clone();
                peer.offer(frame);
            }
        }
    }

    /// How many connections are subscribed to anything (for the health endpoint).
    pub fn subscribed_docs(&self) -> usize {
        self.inner.lock().map(|i| i.docs.len()).unwrap_or(0)
    }
}
