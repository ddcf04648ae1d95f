//! A hostile enrolled tablet cannot borrow another device's name or relay time in a record's
//! History (`history::written`): an entry is dated by the relay only when the actor that wrote
//! all of it is the device that pushed its chunk (or the latest re-base's), and that device is
//! the one the entry names. Each attack below is one a tablet with a valid key can make.

// The shared fixtures use the native ciphers: not built for wasm.
#![cfg(not(target_arch = "wasm32"))]

use automerge::{ActorId, AutoCommit, ROOT, ReadDoc, transaction::Transactable};
use frontdesk_core::authorship;
use frontdesk_core::clients;
use frontdesk_core::history::written::{When, Written, when, written};
use frontdesk_core::history::{self, Entry, Kind, Who};
use frontdesk_protocol::{ChunkId, Signer, StoredChunk};

mod support;

/// A device: its relay id, its key (only its tag matters here) and an actor bound to it.
struct Tablet {
    id: &'static str,
    key: Vec<u8>,
}

impl Tablet {
    fn new(id: &'static str, seed: u8) -> Tablet {
        Tablet { id, key: vec![seed; 32] }
    }
    fn actor(&self) -> ActorId {
        ActorId::from(authorship::actor(authorship::tag(&self.key), [self.key[0]; 16]))
    }
    fn signer(&self) -> Signer {
        Signer { device: self.id.into(), name: format!("{} (relay)", self.id), key: self.key.clone() }
    }
    fn who(&self) -> Who {
        Who { person: "Ana".into(), device: self.id.into(), device_name: format!("{} tablet", self.id) }
    }
}

fn chunk(n: u8) -> ChunkId {
    ChunkId([n; 16])
}

/// `doc`'s actor writes the client with `phone`, logged as `who`, in chunk `id`.
fn edit(doc: &mut AutoCommit, who: &Who, id: ChunkId, phone: &str, at_ms: i64) {
    let c = support::client("c1", phone);
    history::as_chunk(id, || history::logged(doc, Kind::Client, "c1", who, at_ms, |d| clients::put_client(d, &c)))
        .expect("written");
}

/// Dated by the relay, named as the relay names device `id`.
fn relay(at_ms: i64, id: &str) -> When {
    When::Relay { at_ms, device_name: format!("{id} (relay)") }
}

fn pushed(n: u8, at_ms: i64, by: &Tablet) -> StoredChunk {
    StoredChunk { chunk: chunk(n), at_ms, by: by.signer() }
}

/// The entries, newest last, with when each is dated given the relay's answer.
fn dated(doc: &mut AutoCommit, stored: &[StoredChunk], rebased_by: Option<&Signer>) -> Vec<(String, When)> {
    written(doc.document(), Kind::Client, "c1")
        .iter()
        .map(|w: &Written| {
            (
                format!("{} {}", w.entry.device, w.entry.changes.last().map_or("", |c| c.after.as_str())),
                when(w, stored, rebased_by),
            )
        })
        .collect()
}

#[test]
fn an_entry_naming_another_device_or_its_chunk_is_not_dated_by_the_relay() {
    let (desk, hostile) = (Tablet::new("desk", 1), Tablet::new("hostile", 2));
    let mut doc = AutoCommit::new().with_actor(desk.actor());
    edit(&mut doc, &desk.who(), chunk(1), "600 000 001", 1_000);
    let mut theirs = doc.fork().with_actor(hostile.actor());
    // (1) The hostile tablet writes an entry naming the desk and the desk's chunk.
    edit(&mut theirs, &desk.who(), chunk(1), "600 000 002", 2_000);
    // (2) It names the desk, with a chunk of its own.
    edit(&mut theirs, &desk.who(), chunk(3), "600 000 003", 3_000);
    // (3) It names itself, with the desk's chunk (to borrow an earlier time).
    edit(&mut theirs, &hostile.who(), chunk(1), "600 000 004", 4_000);
    // And an honest entry of its own.
    edit(&mut theirs, &hostile.who(), chunk(5), "600 000 005", 5_000);
    doc.merge(&mut theirs).expect("merged");

    let stored = [pushed(1, 10_000, &desk), pushed(3, 30_000, &hostile), pushed(5, 50_000, &hostile)];
    assert_eq!(
        dated(&mut doc, &stored, None),
        [
            ("desk 600 000 001".into(), relay(10_000, "desk")),
            ("desk 600 000 002".into(), When::NotItsWriter),
            ("desk 600 000 003".into(), When::NotItsWriter),
            ("hostile 600 000 004".into(), When::NotItsWriter),
            ("hostile 600 000 005".into(), relay(50_000, "hostile")),
        ]
    );
    // Not asked yet, or unknown to the relay: the tablet's clock, whoever wrote it.
    assert!(dated(&mut doc, &[], None).iter().all(|(_, w)| *w == When::Tablet));
}

#[test]
fn an_entry_another_device_changed_is_no_longer_its_writers() {
    let (desk, hostile) = (Tablet::new("desk", 1), Tablet::new("hostile", 2));
    let mut doc = AutoCommit::new().with_actor(desk.actor());
    edit(&mut doc, &desk.who(), chunk(1), "600 000 001", 1_000);
    let stored = [pushed(1, 10_000, &desk)];
    assert_eq!(dated(&mut doc, &stored, None)[0].1, relay(10_000, "desk"));

    let key = doc.document().map_range(ROOT, "history/".to_owned()..).next().expect("an entry").key.to_string();
    let (_, entry) = doc.get(ROOT, key.as_str()).expect("read").expect("the entry");
    // A field changed by another actor: the person.
    let mut changed = doc.fork().with_actor(hostile.actor());
    changed.put(&entry, "person", "Dr. Who").expect("written");
    assert_eq!(dated(&mut changed, &stored, None)[0].1, When::NotItsWriter, "a field rewritten");
    // A value written beside the desk's at the same time (a conflict): not the desk's alone,
    // even when the desk's is the one shown.
    let lesser = (3..=255).map(|seed| Tablet::new("hostile", seed)).find(|t| t.actor() < desk.actor()).expect("one");
    let mut beside = doc.fork().with_actor(lesser.actor());
    let mut desk_again = doc.fork().with_actor(desk.actor());
    beside.put(&entry, "device_name", "Back office").expect("written");
    desk_again.put(&entry, "device_name", "Front desk").expect("written");
    desk_again.merge(&mut beside).expect("merged");
    let shown = desk_again.get(&entry, "device_name").expect("read").expect("a name").0.to_string();
    assert_eq!(shown, "\"Front desk\"", "the desk's value wins the conflict");
    assert_eq!(dated(&mut desk_again, &stored, None)[0].1, When::NotItsWriter, "a conflicting value");
    // A change inside the list of fields.
    let mut nested = doc.fork().with_actor(hostile.actor());
    let (_, changes) = nested.get(&entry, "changes").expect("read").expect("its changes");
    let (_, first) = nested.get(&changes, 0).expect("read").expect("a field");
    nested.put(&first, "after", "600 999 999").expect("written");
    assert_eq!(dated(&mut nested, &stored, None)[0].1, When::NotItsWriter, "a field's value in the list");
}

#[test]
fn an_entry_copied_by_the_latest_rebase_keeps_its_relay_time() {
    let (desk, office, hostile) = (Tablet::new("desk", 1), Tablet::new("office", 3), Tablet::new("hostile", 2));
    let mut doc = AutoCommit::new().with_actor(desk.actor());
    edit(&mut doc, &desk.who(), chunk(1), "600 000 001", 1_000);
    // The manager's re-base writes a fresh document, copying the entry under its own actor.
    let read = doc.document();
    let entries: Vec<(String, Entry)> = read
        .map_range(ROOT, "history/".to_owned()..)
        .map(|i| (i.key.to_string(), autosurgeon::hydrate_prop(read, ROOT, i.key.as_ref()).expect("an entry")))
        .collect();
    let mut fresh = AutoCommit::new().with_actor(office.actor());
    for (key, entry) in &entries {
        autosurgeon::reconcile_prop(&mut fresh, ROOT, key.as_str(), entry).expect("copied");
    }
    let stored = [pushed(1, 10_000, &desk)];
    assert_eq!(dated(&mut fresh, &stored, Some(&office.signer()))[0].1, relay(10_000, "desk"), "the re-base's copy");
    assert_eq!(dated(&mut fresh, &stored, None)[0].1, When::NotItsWriter, "not said to be re-based");
    assert_eq!(
        dated(&mut fresh, &stored, Some(&hostile.signer()))[0].1,
        When::NotItsWriter,
        "another device than the one that re-based it"
    );
    let keyless = Signer { device: "office".into(), name: "Office".into(), key: Vec::new() };
    assert_eq!(dated(&mut fresh, &stored, Some(&keyless))[0].1, When::NotItsWriter, "a re-base with no key on record");
}
