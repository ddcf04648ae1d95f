//! What several test files of the core start from.

#![allow(dead_code)] // each test file uses its own part

use frontdesk_core::clients::Client;
use frontdesk_core::crypto::Op;
use frontdesk_core::crypto::native::Keys;
use frontdesk_core::device::{Effect, Start};
use frontdesk_core::{DeviceCore, SyncEvent};
use frontdesk_protocol::{Author, Role, ServerMsg};
use sha2::Digest;

/// The Ed25519 keys of the devices a test plays: `writer(n)`'s secret is `[n; 32]`.
pub fn writer(n: u8) -> Keys {
    let mut keys = Keys::default();
    keys.set_signing([n; 32]);
    keys
}

/// Writer `n`'s public key.
pub fn writer_key(n: u8) -> [u8; 32] {
    Keys::default().set_signing([n; 32])
}

/// An actor of writer `n` (bound to its key), with `random` for its own half.
pub fn actor_of(n: u8, random: [u8; 16]) -> [u8; 16] {
    frontdesk_core::authorship::actor(frontdesk_core::authorship::tag(&writer_key(n)), random)
}

/// `bytes` of `doc` as the relay serves chunk `seq` of them, pushed by writer `by`.
pub fn chunk_by(by: u8, doc: &str, seq: u64, bytes: Vec<u8>, at_ms: i64) -> ServerMsg {
    let digest = sha2::Sha256::digest(&bytes).into();
    let message = frontdesk_protocol::chunk_proof(doc, &digest);
    let signature = writer(by).run(&Op::Sign { message }, &mut |_| {}).expect("signed");
    let author = Author { key: writer_key(by).to_vec(), signature };
    ServerMsg::Chunk { doc: doc.into(), seq, bytes, at_ms, author }
}

/// Hands `core` a frame and carries out the crypto it asks for (checking signatures natively),
/// until nothing is left but what a runtime does itself; returns that.
pub fn deliver(core: &mut DeviceCore, msg: ServerMsg) -> Vec<Effect> {
    let effects = core.handle(SyncEvent::Frame(msg.encode()), 0, 0.5);
    run_crypto(core, effects)
}

/// Runs the crypto ops among `effects` natively (as the device with secret `[7; 32]`), and the
/// ones they lead to; returns every other effect.
pub fn run_crypto(core: &mut DeviceCore, effects: Vec<Effect>) -> Vec<Effect> {
    let keys = writer(7);
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    let mut rest = Vec::new();
    while let Some(effect) = queue.pop_front() {
        match effect {
            Effect::Crypto { id, op } => queue.extend(core.crypto_done(id, keys.run(&op, &mut |_| {}))),
            other => rest.push(other),
        }
    }
    rest
}

/// A device core with nothing stored, following `follow`, connected and welcomed by the relay
/// as `device` with `role`. Its key is writer 7's.
pub fn online(follow: Vec<String>, device: &str, role: Role) -> DeviceCore {
    let (mut core, _) = DeviceCore::start(Start {
        device: "d".into(),
        signer: writer_key(7),
        seed: [7; 16],
        docs: Vec::new(),
        outbox: Vec::new(),
        written_ahead: Vec::new(),
        follow,
        watch: Vec::new(),
        keys: Vec::new(),
    });
    core.handle(SyncEvent::Tick, 0, 0.5);
    core.handle(SyncEvent::Opened, 0, 0.5);
    let welcome =
        ServerMsg::Welcome { device: device.into(), name: device.into(), role, epochs: vec![], floors: vec![] };
    core.handle(SyncEvent::Frame(welcome.encode()), 0, 0.5);
    core
}

/// A client of the History tests: `id`, reachable at `phone`.
pub fn client(id: &str, phone: &str) -> Client {
    Client {
        id: id.into(),
        code: "K7Q2".into(),
        name: "Inés Prado".into(),
        phone: phone.into(),
        email: String::new(),
        notes: String::new(),
        merged_into: String::new(),
        made_by: "Front desk".into(),
        made_ms: 1,
        changed_by: "Front desk".into(),
        changed_ms: 1,
    }
}
