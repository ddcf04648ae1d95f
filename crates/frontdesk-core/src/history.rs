//! A record's history (#20): who changed it, when, and what — each field, before → after.
//!
//! A logged write ([`logged`]) reads the record's fields before and after it writes, and puts
//! what changed beside the record as an entry of its own: the person signed in on the tablet,
//! the device (its relay id and name), the device's clock, and the fields. The entry goes in
//! the same change as the record, so in the same chunk, under the same signature, by the same
//! actor: a device cannot write an entry under another device's actor (`authorship`), and the
//! entry is sealed with the record's document and erased with it. Entries are flat root keys
//! (`history/<kind>/<id>/<time>-<device>`), so two tablets' entries never collide, and a
//! record's are read with one range of the root's keys.
//!
//! An entry also names the chunk its change is pushed as ([`as_chunk`]: the device core says,
//! around each edit): the relay's audit log has the time it stored that chunk, which the History
//! asks for (`ClientMsg::WhenStored`) — a time no device chooses.

use std::cell::Cell;
use std::collections::BTreeMap;

use automerge::{AutoCommit, Automerge, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use autosurgeon::{Hydrate, Reconcile};

use frontdesk_protocol::ChunkId;

use crate::records;

pub mod written;

/// The root keys of every entry start so.
pub const PREFIX: &str = "history";

/// The records that keep a history: the kind each is stored under (`records`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Client,
    Booking,
    Invoice,
    Claim,
    PunchFix,
}

impl Kind {
    /// The records' kind in their document (`records::key`).
    pub fn records(self) -> &'static str {
        match self {
            Kind::Client => "client",
            Kind::Booking => "booking",
            Kind::Invoice => "invoice",
            Kind::Claim => "claim",
            Kind::PunchFix => "fix",
        }
    }
}

/// One write of a record, as the device that made it saw it.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Entry {
    /// The writing device's clock.
    pub at_ms: i64,
    /// Who was signed in on the tablet (empty: nobody — a tablet with no PINs).
    pub person: String,
    /// The device's id at the relay, and its name.
    pub device: String,
    pub device_name: String,
    /// The fields it changed, in field order.
    pub changes: Vec<FieldChange>,
    /// The chunk its change was pushed as (hex); none for an entry written before version 9, or
    /// outside the device core.
    pub chunk: Option<String>,
}

impl Entry {
    /// The chunk its change was pushed as, if it says (and says it well).
    pub fn chunk_id(&self) -> Option<ChunkId> {
        self.chunk.as_deref().and_then(|hex| hex.parse().ok())
    }
}

thread_local! {
    /// The chunk the change being made will be pushed as ([`as_chunk`]).
    static CHUNK: Cell<Option<ChunkId>> = const { Cell::new(None) };
}

/// Runs `edit` as the change that will be pushed as chunk `id`: an entry [`logged`] in it names
/// the chunk. The device core calls it around each edit of a document, with the id it then
/// gives the document's chunk.
pub fn as_chunk<R>(id: ChunkId, edit: impl FnOnce() -> R) -> R {
    let outer = CHUNK.replace(Some(id));
    let result = edit();
    CHUNK.set(outer);
    result
}

/// One field of a record: what it held before the write, and after (empty: absent).
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct FieldChange {
    /// The field's name; a nested one as `lines.0.price`.
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Who writes: the person signed in and the device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Who {
    pub person: String,
    pub device: String,
    pub device_name: String,
}

/// Fields an entry does not list: the id (the History is the record's own), and who last wrote
/// it and when, which the entry itself says (`by`: a punch fix's maker).
const BOOKKEEPING: [&str; 6] = ["id", "by", "changed_by", "changed_ms", "made_by", "made_ms"];

/// Runs `write` (a write of record `id` of `kind`, at the document's root) and, if it changed
/// any of the record's fields, puts an entry in its history saying which, by `who` at `at_ms`.
pub fn logged<R>(
    doc: &mut AutoCommit,
    kind: Kind,
    id: &str,
    who: &Who,
    at_ms: i64,
    write: impl FnOnce(&mut AutoCommit) -> Result<R, String>,
) -> Result<R, String> {
    let key = records::key(kind.records(), id);
    let before = fields(doc, &key);
    let written = write(doc)?;
    let changes = diff(&before, &fields(doc, &key));
    if !changes.is_empty() {
        let entry = Entry {
            at_ms,
            person: who.person.clone(),
            device: who.device.clone(),
            device_name: who.device_name.clone(),
            changes,
            chunk: CHUNK.get().map(|id| id.to_string()),
        };
        // Zero-padded, so the root's key order is the order of time; the device makes it unique
        // between tablets, and a number on the end between two writes of one millisecond.
        let base = format!("{}/{key}/{:015}-{}", PREFIX, at_ms.max(0), who.device);
        let mut name = base.clone();
        for n in 2.. {
            if doc.get(ROOT, name.as_str()).ok().flatten().is_none() {
                break;
            }
            name = format!("{base}-{n}");
        }
        autosurgeon::reconcile_prop(doc, ROOT, name.as_str(), &entry).map_err(|e| e.to_string())?;
    }
    Ok(written)
}

/// The history of record `id` of `kind`, oldest first.
pub fn of(doc: &Automerge, kind: Kind, id: &str) -> Vec<Entry> {
    let key = records::key(kind.records(), id);
    records::all(doc, &format!("{PREFIX}/{key}"))
}

/// The record's fields, flattened to text (nested ones as `a.b`, list items as `a.0`), but the
/// bookkeeping ones.
pub(crate) fn fields(doc: &impl ReadDoc, key: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(Some((Value::Object(_), obj))) = doc.get(ROOT, key) {
        flatten(doc, &obj, "", &mut out);
    }
    out
}

fn flatten(doc: &impl ReadDoc, obj: &ObjId, prefix: &str, out: &mut BTreeMap<String, String>) {
    let name = |key: &str| if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
    let mut one = |key: String, value: Value<'_>, id: ObjId| match value {
        Value::Object(ObjType::Text) => {
            out.insert(key, doc.text(&id).unwrap_or_default());
        }
        Value::Object(_) => flatten(doc, &id, &key, out),
        Value::Scalar(s) => {
            out.insert(key, shown(&s));
        }
    };
    match doc.object_type(obj) {
        Ok(ObjType::Map | ObjType::Table) => {
            let items: Vec<_> = doc.map_range(obj, ..).map(|i| (i.key.to_string(), i.id(), i.value.into())).collect();
            for (key, id, value) in items {
                if prefix.is_empty() && BOOKKEEPING.contains(&key.as_str()) {
                    continue;
                }
                one(name(&key), value, id);
            }
        }
        Ok(ObjType::List) => {
            let items: Vec<_> = doc.list_range(obj, ..).map(|i| (i.index, i.id(), i.value.into())).collect();
            for (index, id, value) in items {
                one(name(&index.to_string()), value, id);
            }
        }
        _ => {}
    }
}

/// A scalar as the History shows it.
fn shown(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Str(s) => s.to_string(),
        ScalarValue::Int(n) | ScalarValue::Timestamp(n) => n.to_string(),
        ScalarValue::Uint(n) => n.to_string(),
        ScalarValue::Boolean(b) => b.to_string(),
        ScalarValue::Counter(c) => i64::from(c).to_string(),
        ScalarValue::Bytes(b) => format!("({} bytes)", b.len()),
        // Money and times are integers in these records; a float is shown as written.
        ScalarValue::F64(f) => format!("{f}"),
        _ => String::new(),
    }
}

/// The fields whose text differs, in field order.
fn diff(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<FieldChange> {
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|field| {
            let (b, a) =
                (before.get(field).cloned().unwrap_or_default(), after.get(field).cloned().unwrap_or_default());
            (b != a).then(|| FieldChange { field: field.clone(), before: b, after: a })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::{self, Client};

    fn client(name: &str, phone: &str) -> Client {
        Client {
            id: "c1".into(),
            code: "K7Q2".into(),
            name: name.into(),
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

    fn who(person: &str, device: &str) -> Who {
        Who { person: person.into(), device: device.into(), device_name: format!("{device} tablet") }
    }

    fn write(doc: &mut AutoCommit, c: &Client, by: &Who, at_ms: i64) {
        logged(doc, Kind::Client, &c.id, by, at_ms, |d| clients::put_client(d, c)).unwrap();
    }

    #[test]
    fn each_write_says_who_when_and_each_field_before_and_after() {
        let mut doc = AutoCommit::new();
        write(&mut doc, &client("Ana Ruiz", "600 111 222"), &who("Inés", "a1"), 1_000);
        let mut changed = client("Ana Ruiz Soto", "600 333 444");
        changed.changed_ms = 2;
        write(&mut doc, &changed, &who("Pablo", "b2"), 2_000);
        // The same again: nothing changed, no entry.
        write(&mut doc, &changed, &who("Pablo", "b2"), 3_000);
        let entries = of(doc.document(), Kind::Client, "c1");
        assert_eq!(entries.len(), 2, "{entries:?}");
        let made = &entries[0];
        assert_eq!((made.at_ms, made.person.as_str(), made.device.as_str()), (1_000, "Inés", "a1"));
        let fields: Vec<&str> = made.changes.iter().map(|c| c.field.as_str()).collect();
        // Empty fields were empty before too: not listed.
        assert_eq!(fields, ["code", "name", "phone"]);
        assert!(made.changes.iter().all(|c| c.before.is_empty()), "a new record had nothing before");
        let edit = &entries[1];
        assert_eq!((edit.person.as_str(), edit.device_name.as_str()), ("Pablo", "b2 tablet"));
        assert_eq!(
            edit.changes,
            vec![
                FieldChange { field: "name".into(), before: "Ana Ruiz".into(), after: "Ana Ruiz Soto".into() },
                FieldChange { field: "phone".into(), before: "600 111 222".into(), after: "600 333 444".into() },
            ],
            "the bookkeeping fields are left out"
        );
        assert!(of(doc.document(), Kind::Client, "c").is_empty(), "another record's prefix is not this one's");
    }

    #[test]
    fn two_tablets_writing_offline_keep_both_entries_and_a_failed_write_leaves_none() {
        let mut first = AutoCommit::new();
        write(&mut first, &client("Ana", "1"), &who("Inés", "a1"), 1_000);
        let mut second = first.fork();
        write(&mut first, &client("Ana", "2"), &who("Inés", "a1"), 2_000);
        write(&mut second, &client("Ana", "3"), &who("Pablo", "b2"), 2_000);
        first.merge(&mut second).unwrap();
        let entries = of(first.document(), Kind::Client, "c1");
        let by: Vec<&str> = entries.iter().map(|e| e.person.as_str()).collect();
        assert_eq!(by, ["Inés", "Inés", "Pablo"], "both edits of the same millisecond are kept");
        let failed = logged(&mut first, Kind::Client, "c1", &who("Inés", "a1"), 3_000, |d| {
            clients::put_client(d, &client("Ana", "4"))?;
            Err::<(), _>("refused".to_owned())
        });
        assert!(failed.is_err());
        assert_eq!(of(first.document(), Kind::Client, "c1").len(), 3);
    }

    /// Another device (a newer version, or a hostile one) puts something else at an entry's
    /// key: it is skipped, and the record's other entries are still shown.
    #[test]
    fn a_malformed_entry_is_skipped_and_the_others_still_read() {
        use automerge::transaction::Transactable;
        let mut doc = AutoCommit::new();
        write(&mut doc, &client("Ana", "1"), &who("Inés", "a1"), 1_000);
        doc.put(ROOT, "history/client/c1/000000000001500-x9", "not an entry").unwrap();
        let half = doc.put_object(ROOT, "history/client/c1/000000000001600-x9", ObjType::Map).unwrap();
        doc.put(&half, "person", "Mallory").unwrap();
        write(&mut doc, &client("Ana", "2"), &who("Pablo", "b2"), 2_000);
        let by: Vec<String> = of(doc.document(), Kind::Client, "c1").into_iter().map(|e| e.person).collect();
        assert_eq!(by, ["Inés", "Pablo"]);
    }

    /// The app names a booking's state from these words (`i18n::history`).
    #[test]
    fn a_booking_state_is_listed_by_its_stored_name() {
        use crate::schedule::BookingState;
        #[derive(Reconcile)]
        struct Booking {
            state: BookingState,
        }
        let mut doc = AutoCommit::new();
        for (at, state) in [(1, BookingState::Booked), (2, BookingState::NoShow)] {
            logged(&mut doc, Kind::Booking, "b1", &who("Inés", "a1"), at, |d| {
                records::put(d, Kind::Booking.records(), "b1", &Booking { state })
            })
            .unwrap();
        }
        let entries = of(doc.document(), Kind::Booking, "b1");
        let change = &entries[1].changes[0];
        assert_eq!(
            (change.field.as_str(), change.before.as_str(), change.after.as_str()),
            ("state", "Booked", "NoShow")
        );
    }

    /// A punch fix's entry lists what it does and why, not its maker (the entry says who).
    #[test]
    fn a_punch_fix_lists_its_fields_but_not_who_made_it() {
        let mut doc = AutoCommit::new();
        let fix = crate::payroll::Fix {
            id: "f1".into(),
            staff: "s1".into(),
            kind: crate::payroll::FixKind::AddOut,
            at_ms: 5,
            punch: String::new(),
            reason: "Forgot to clock out".into(),
            by: "Desk 2".into(),
            made_ms: 6,
        };
        logged(&mut doc, Kind::PunchFix, "f1", &who("", "d2"), 6, |d| crate::payroll::put_fix(d, &fix)).unwrap();
        let entries = of(doc.document(), Kind::PunchFix, "f1");
        let fields: Vec<&str> = entries[0].changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["at_ms", "kind", "reason", "staff"]);
    }

    #[test]
    fn nested_fields_are_named_by_their_path() {
        let mut before = BTreeMap::new();
        before.insert("lines.0.price".to_owned(), "100".to_owned());
        let mut after = before.clone();
        after.insert("lines.0.price".to_owned(), "120".to_owned());
        after.insert("lines.1.price".to_owned(), "5".to_owned());
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 2);
        assert_eq!((changes[0].before.as_str(), changes[0].after.as_str()), ("100", "120"));
        assert_eq!((changes[1].field.as_str(), changes[1].before.as_str()), ("lines.1.price", ""));
    }
}
