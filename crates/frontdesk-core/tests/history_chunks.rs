//! A record's History names the chunk each edit was pushed as, so the relay can say when it
//! stored it (`ClientMsg::WhenStored`): the id in the entry is the id the device core gives the
//! chunk it saves and sends — through one change, and through several documents changed as one.
// The native ciphers check the signatures (`crypto::native`): not built for wasm.
#![cfg(not(target_arch = "wasm32"))]

use frontdesk_core::clients;
use frontdesk_core::device::{Effect, OutboxEntry, Write};
use frontdesk_core::history::{self, Kind, Who};
use frontdesk_core::replica::DocEdit;
use frontdesk_core::{DeviceCore, doc_name};
use frontdesk_protocol::{ChunkId, Role};

mod support;

fn who() -> Who {
    Who { person: "Ana".into(), device: "d1".into(), device_name: "Front desk".into() }
}

/// The chunks a change's effects put in the outbox.
fn outboxed(effects: &[Effect]) -> Vec<OutboxEntry> {
    effects
        .iter()
        .filter_map(|e| if let Effect::Save { writes, .. } = e { Some(writes) } else { None })
        .flatten()
        .filter_map(|w| if let Write::OutboxPut(entry) = w { Some(entry.clone()) } else { None })
        .collect()
}

fn entries(core: &mut DeviceCore, id: &str) -> Vec<history::Entry> {
    history::of(core.doc(doc_name::CLIENTS).expect("clients held"), Kind::Client, id)
}

#[test]
fn an_entry_names_the_chunk_its_change_is_pushed_as() {
    let mut core = support::online(vec![doc_name::CLIENTS.into(), "messages/2026-12".into()], "d1", Role::Staff);
    let mut pushed: Vec<ChunkId> = Vec::new();
    for phone in ["600 111 222", "600 333 444"] {
        let c = support::client("c1", phone);
        let (_, effects) = core
            .change(
                doc_name::CLIENTS,
                |d| history::logged(d, Kind::Client, "c1", &who(), 1_000, |d| clients::put_client(d, &c)),
                1_000.0,
            )
            .unwrap();
        let out = outboxed(&effects);
        assert_eq!(out.len(), 1, "one chunk per change");
        pushed.push(out[0].id);
    }
    // Two documents changed as one, the client's second: its entry names the clients chunk.
    let c = support::client("c1", "600 555 666");
    let edits: Vec<(String, DocEdit)> = vec![
        (
            "messages/2026-12".into(),
            Box::new(|d| {
                automerge::transaction::Transactable::put(d, automerge::ROOT, "note", "called")
                    .map_err(|e| e.to_string())
            }),
        ),
        (
            doc_name::CLIENTS.into(),
            Box::new(move |d| history::logged(d, Kind::Client, "c1", &who(), 2_000, |d| clients::put_client(d, &c))),
        ),
    ];
    let effects = core.change_all(edits, 2_000.0).unwrap();
    let out = outboxed(&effects);
    assert_eq!(out.len(), 2);
    let clients_chunk = out.iter().find(|e| e.doc == doc_name::CLIENTS).unwrap().id;
    let messages_chunk = out.iter().find(|e| e.doc != doc_name::CLIENTS).unwrap().id;
    assert_ne!(clients_chunk, messages_chunk);
    pushed.push(clients_chunk);

    let named: Vec<Option<ChunkId>> = entries(&mut core, "c1").iter().map(history::Entry::chunk_id).collect();
    assert_eq!(named, pushed.into_iter().map(Some).collect::<Vec<_>>());
}

#[test]
fn an_entry_logged_outside_the_device_core_names_no_chunk() {
    let mut doc = automerge::AutoCommit::new();
    let c = support::client("c1", "600 111 222");
    history::logged(&mut doc, Kind::Client, "c1", &who(), 1_000, |d| clients::put_client(d, &c)).unwrap();
    let read = history::of(doc.document(), Kind::Client, "c1");
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].chunk, None);
}
