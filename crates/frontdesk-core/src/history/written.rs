//! Whether a History entry is what the device it names wrote, and so whether the relay's time
//! of its chunk is its time (#20).
//!
//! An entry says which device wrote it and which chunk its change was pushed as: both are the
//! writing device's word, and a hostile enrolled tablet could write an entry naming another
//! device, or another device's chunk, to borrow its name or its relay time. What no device can
//! forge:
//! - the Automerge actor of the operations that wrote the entry: a device's actors carry its
//!   key's tag, and every device refuses a chunk whose changes are under another key's actors
//!   (`authorship`);
//! - the relay's record of who pushed each chunk (`AdminReply::Stored`: the device it
//!   authenticated, whose signature it checked, and that device's key).
//!
//! An entry is dated by the relay only when they agree: one actor wrote all of the entry; that
//! actor is the pushing device's — or the latest re-base's, whose fresh document copies the
//! entries it keeps under its own actor (a manager's: it may rewrite the whole document
//! anyway); and the pushing device is the one the entry names.

use automerge::{ActorId, Automerge, ObjId, ObjType, ROOT, ReadDoc};
use frontdesk_protocol::{Signer, StoredChunk};

use super::{Entry, Kind, PREFIX};
use crate::{authorship, records};

/// An entry of a record's History, and the actor that wrote it if one actor wrote all of it
/// (`None`: another actor changed part of it, or wrote a value beside it at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub entry: Entry,
    pub writer: Option<ActorId>,
}

/// The History of record `id` of `kind`, oldest first, each entry with its writer.
pub fn written(doc: &Automerge, kind: Kind, id: &str) -> Vec<Written> {
    // The entries `history::of` reads, read the same way, with their map's id.
    let key = records::key(kind.records(), id);
    doc.map_range(ROOT, records::keys_of(&format!("{PREFIX}/{key}")))
        .filter(|item| matches!(item.value, automerge::ValueRef::Object(ObjType::Map)))
        .filter_map(|item| {
            let obj = item.id();
            let entry: Entry = records::read(doc, obj.clone())?;
            let writer = match (&obj, item.conflict) {
                (ObjId::Id(_, actor, _), false) if only_by(doc, &obj, actor) => Some(actor.clone()),
                _ => None,
            };
            Some(Written { entry, writer })
        })
        .collect()
}

/// Whether every value now in `obj` (and in the objects in it) was written by `actor`, with no
/// other value beside it.
fn only_by(doc: &Automerge, obj: &ObjId, actor: &ActorId) -> bool {
    let ours = |id: &ObjId, conflict: bool| !conflict && matches!(id, ObjId::Id(_, by, _) if by == actor);
    let nested = |id: &ObjId, value: &automerge::ValueRef<'_>| {
        !matches!(value, automerge::ValueRef::Object(_)) || only_by(doc, id, actor)
    };
    match doc.object_type(obj) {
        Ok(ObjType::Map | ObjType::Table) => doc.map_range(obj, ..).all(|i| {
            let id = i.id();
            ours(&id, i.conflict) && nested(&id, &i.value)
        }),
        Ok(ObjType::List) => doc.list_range(obj, ..).all(|i| {
            let id = i.id();
            ours(&id, i.conflict) && nested(&id, &i.value)
        }),
        // An entry holds no text objects: one there is not how a device writes an entry.
        _ => false,
    }
}

/// When an entry was made, as far as can be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// The relay's time of its chunk: the entry is its device's, named as the relay names it
    /// (the name the entry gives is the tablet's word).
    Relay { at_ms: i64, device_name: String },
    /// The relay got its chunk from another device than the entry's writer or the device it
    /// names: only the tablet's clock is left, and the entry is not confirmed.
    NotItsWriter,
    /// The relay has not answered for its chunk (offline, not sent yet, written before
    /// version 9): the tablet's clock.
    Tablet,
}

/// When `written` was made, given the relay's answer about its document's chunks.
pub fn when(written: &Written, stored: &[StoredChunk], rebased_by: Option<&Signer>) -> When {
    let Some(chunk) = written.entry.chunk_id() else { return When::Tablet };
    let Some(pushed) = stored.iter().find(|s| s.chunk == chunk) else { return When::Tablet };
    // (A key the relay does not have is empty: no device's actor carries the tag of none.)
    let wrote = |signer: &Signer| {
        written.writer.as_ref().is_some_and(|actor| actor.to_bytes().starts_with(&authorship::tag(&signer.key)))
    };
    let writer_ok = wrote(&pushed.by) || rebased_by.is_some_and(wrote);
    if writer_ok && pushed.by.device == written.entry.device {
        When::Relay { at_ms: pushed.at_ms, device_name: pushed.by.name.clone() }
    } else {
        When::NotItsWriter
    }
}
