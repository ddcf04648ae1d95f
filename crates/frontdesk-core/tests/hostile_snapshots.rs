//! A device asked to check a snapshot another device proposed (`ServerMsg::Check`): it says
//! sound only for one that holds every covered chunk and nothing the log never held; it says
//! unsound for garbage, a decompression bomb or one that leaves a change out; and it does not
//! answer when it cannot tell.
// The native ciphers check the signatures (`crypto::native`): not built for wasm.
#![cfg(not(target_arch = "wasm32"))]

use automerge::{AutoCommit, ROOT, transaction::Transactable};
use frontdesk_core::device::Effect;
use frontdesk_core::{DeviceCore, SyncEvent};
use frontdesk_protocol::{ClientMsg, Head, Role, ServerMsg};

mod support;

const DOC: &str = "clients";

/// A desk that follows `clients` and has applied `chunks` from the relay.
fn desk_holding(chunks: &[Vec<u8>]) -> DeviceCore {
    let mut core = support::online(vec![DOC.to_owned()], "Desk", Role::Staff);
    for (i, bytes) in chunks.iter().enumerate() {
        support::deliver(&mut core, support::chunk_by(3, DOC, i as u64 + 1, bytes.clone(), 1));
    }
    core
}

/// The verdict the desk sends on a proposal, if any.
fn verdict(core: &mut DeviceCore, bytes: Vec<u8>, must_contain: Vec<Head>) -> Option<bool> {
    use sha2::Digest;
    let digest: Head = sha2::Sha256::digest(&bytes).into();
    let check = ServerMsg::Check { doc: DOC.into(), covers_seq: 2, bytes, must_contain };
    core.handle(SyncEvent::Frame(check.encode()), 0, 0.5).into_iter().find_map(|e| match e {
        Effect::Send(frame) => match ClientMsg::decode(&frame) {
            Ok(ClientMsg::Checked { doc, covers_seq: 2, ok, digest: d }) if doc == DOC => {
                assert_eq!(d, digest, "the verdict names the bytes it is about");
                Some(ok)
            }
            _ => None,
        },
        _ => None,
    })
}

/// Another device's history: two changes, each its own chunk, and the heads they declare.
fn history() -> (AutoCommit, Vec<Vec<u8>>, Vec<Head>) {
    let mut doc = AutoCommit::new().with_actor(automerge::ActorId::from(&support::actor_of(3, [1; 16])[..]));
    let mut chunks = Vec::new();
    for name in ["Ana", "Luis"] {
        let before = doc.get_heads();
        doc.put(ROOT, name, "client").unwrap();
        doc.commit();
        chunks.push(doc.save_after(&before));
    }
    let heads = chunks.iter().flat_map(|c| frontdesk_core::chunk::heads(c).unwrap()).collect();
    (doc, chunks, heads)
}

#[test]
fn a_sound_snapshot_is_vouched_for() {
    let (mut doc, chunks, heads) = history();
    let mut desk = desk_holding(&chunks);
    assert_eq!(verdict(&mut desk, doc.save(), heads), Some(true));
}

#[test]
fn garbage_and_a_snapshot_that_leaves_a_change_out_are_refused() {
    let (_, chunks, heads) = history();
    let mut desk = desk_holding(&chunks);
    assert_eq!(verdict(&mut desk, b"garbage".to_vec(), heads.clone()), Some(false));
    assert_eq!(verdict(&mut desk, Vec::new(), heads.clone()), Some(false));
    // A well-formed document that holds only the first change: it would erase Luis.
    let mut partial = AutoCommit::new();
    partial.load_incremental(&chunks[0]).unwrap();
    assert_eq!(verdict(&mut desk, partial.save(), heads), Some(false));
}

#[test]
fn a_decompression_bomb_is_refused_unread() {
    let (_, chunks, heads) = history();
    let mut desk = desk_holding(&chunks);
    // A compressed change chunk inflating to 256 MiB of zeros.
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..256 {
        encoder.write_all(&[0u8; 1 << 20]).unwrap();
    }
    let data = encoder.finish().unwrap();
    let mut bomb = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
    let mut len = data.len();
    while len >= 0x80 {
        bomb.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    bomb.push(len as u8);
    bomb.extend(data);
    assert_eq!(verdict(&mut desk, bomb, heads), Some(false));
}

#[test]
fn a_snapshot_holding_changes_the_log_never_had_is_not_vouched_for() {
    let (mut doc, chunks, heads) = history();
    let mut desk = desk_holding(&chunks);
    doc.put(ROOT, "forged", "never pushed").unwrap();
    doc.commit();
    // It holds every head, but also a change no chunk carried: the desk cannot vouch for it.
    assert_eq!(verdict(&mut desk, doc.save(), heads), None);
}
