//! Erasing a person for good (issue 20).
//!
//! Automerge keeps every value a document ever held, on every replica: deleting a record leaves
//! it in the history, and a tablet that was offline brings it back. So an erasure **re-bases**
//! each document that holds the person: a manager's tablet builds a fresh document (no history)
//! holding what the old one holds now, minus the erased records ([`rebuilt`]), and the relay
//! replaces every byte it kept of the document with it (`ClientMsg::Rebase`). Devices that held
//! the old history replace theirs ([`crate::device::DeviceCore`]), and make again, by record,
//! the changes they had not sent ([`touched`], [`copy_root`]) — but never to an erased record:
//! each re-based document says what was erased in `erased/<id>` records ([`Erasure`]), which
//! name keys, never the person.
//!
//! What refers to a person ([`plan`]) is read from the records themselves: a field naming one of
//! the client's ids, or a name field equal to theirs (accents and case aside) with the same phone
//! or none, then any record naming an erased record's id (a claim's events, a check-in's
//! booking), and the History of each. **Legal holds**: invoices and their payments stay as they
//! are (a tax law requires them, with the name); orders and hotel stays stay for the accounts,
//! with the name, phone and email taken out ([`Plan::scrub`]). The manager is told both.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, Automerge, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use autosurgeon::{Hydrate, Reconcile};

use crate::records;
use crate::search::fold;

/// Where erasures are recorded in a re-based document.
pub const ERASED: &str = "erased";

/// One erasure, as kept in every document it re-based: which root keys went, why, who and when.
/// It never names the person.
#[derive(Clone, Debug, Default, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Erasure {
    pub id: String,
    /// Root keys erased; one ending in `/` erases every key under it (a record's History).
    pub keys: Vec<String>,
    pub reason: String,
    /// Who erased (the person signed in and the tablet, as a `Stamp` shows them).
    pub by: String,
    pub at_ms: i64,
}

impl Erasure {
    /// Whether root `key` is one this erasure removed.
    pub fn covers(&self, key: &str) -> bool {
        self.keys.iter().any(|k| if k.ends_with('/') { key.starts_with(k.as_str()) } else { key == k })
    }
}

/// The erasures a document records.
pub fn erasures(doc: &Automerge) -> Vec<Erasure> {
    records::all(doc, ERASED)
}

/// A client to erase: every id they have had (duplicates merged into them included), and what
/// identifies them in records that do not hold an id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Person {
    pub ids: Vec<String>,
    pub name: String,
    pub phone: String,
    pub email: String,
}

impl Person {
    /// Client `id` of the `clients` document, with every record merged into them (directly or
    /// through another); `None` if there is no such client.
    pub fn of(clients: &Automerge, id: &str) -> Option<Person> {
        let all: Vec<crate::clients::Client> = records::all(clients, "client");
        let client = all.iter().find(|c| c.id == id)?;
        let mut ids = vec![client.id.clone()];
        // Merges form chains; a handful of passes finds every record pointing into the set.
        loop {
            let more: Vec<String> = all
                .iter()
                .filter(|c| !ids.contains(&c.id) && ids.contains(&c.merged_into))
                .map(|c| c.id.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            ids.extend(more);
        }
        Some(Person { ids, name: client.name.clone(), phone: client.phone.clone(), email: client.email.clone() })
    }
}

/// The areas whose documents may hold a client's personal data: a manager's tablet follows
/// every document of them before it plans an erasure (a document of one kind and one time, like
/// `inbox/…` check-ins and `kiosk/…` sealed lookups, goes with its day: see the README).
pub const SCANNED: [frontdesk_protocol::Area; 8] = {
    use frontdesk_protocol::Area::*;
    [Clients, Insurance, Day, Messages, Stays, Orders, Invoices, CardPhoto]
};

/// Fields that hold a client's id.
const ID_FIELDS: [&str; 2] = ["client", "patient"];
/// Fields that hold a person's name (a booking's `client` is the name typed at the desk).
const NAME_FIELDS: [&str; 6] = ["name", "client", "client_name", "caller", "guest", "patient"];
const PHONE_FIELDS: [&str; 1] = ["phone"];
/// Records kept under a legal hold as they are (the tax law requires the invoice, name included).
const HELD: [&str; 2] = ["invoice/", "payment/"];
/// Records kept for the accounts with the person taken out of them.
const SCRUBBED: [&str; 2] = ["order/", "stay/"];

/// What erasing a person means for one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Root keys to erase (a `/`-ended one: every key under it).
    pub erase: Vec<String>,
    /// Records kept as they are under a legal hold.
    pub hold: Vec<String>,
    /// Records kept with the person's name, phone and email taken out.
    pub scrub: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.erase.is_empty() && self.scrub.is_empty()
    }
}

/// How many records an erasure removes, keeps under a hold, and keeps without the person, over
/// every document's [`Plan`] (a record's History is counted with it, not apart).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub erased: usize,
    pub held: usize,
    pub scrubbed: usize,
    /// Documents re-based.
    pub documents: usize,
}

pub fn summary<'a>(plans: impl IntoIterator<Item = &'a Plan>) -> Summary {
    let records = |keys: &[String]| keys.iter().filter(|k| !k.ends_with('/')).count();
    plans.into_iter().fold(Summary::default(), |s, p| Summary {
        erased: s.erased + records(&p.erase),
        held: s.held + p.hold.len(),
        scrubbed: s.scrubbed + records(&p.scrub),
        documents: s.documents + usize::from(!p.is_empty()),
    })
}

/// One record about a person, as their copy of their data shows it: where it is, its fields
/// (flattened, as the History names them) and its History.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub doc: String,
    pub key: String,
    pub fields: Vec<(String, String)>,
    pub history: Vec<crate::history::Entry>,
}

/// Every record of `doc` about `person` — what an erasure would remove, hold or scrub —, for
/// their own copy of what the business keeps about them.
pub fn export(name: &str, doc: &Automerge, person: &Person) -> Vec<Exported> {
    let plan = plan(doc, person);
    plan.erase
        .iter()
        .chain(&plan.hold)
        .chain(&plan.scrub)
        .filter(|k| !k.ends_with('/'))
        .map(|key| Exported {
            doc: name.to_owned(),
            key: key.clone(),
            fields: crate::history::fields(doc, key).into_iter().collect(),
            history: records::all(doc, &format!("{}/{key}", crate::history::PREFIX)),
        })
        .collect()
}

/// The string fields of the record at root `key` (a map), by field name.
fn fields(doc: &Automerge, key: &str) -> Option<Vec<(String, String)>> {
    let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, key) else { return None };
    let mut out = Vec::new();
    for item in doc.map_range(&obj, ..) {
        if let Ok(Some((Value::Scalar(v), _))) = doc.get(&obj, item.key.as_ref())
            && let ScalarValue::Str(s) = v.as_ref()
        {
            out.push((item.key.to_string(), s.to_string()));
        }
    }
    Some(out)
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

impl Person {
    /// Whether a record with these fields is about this person.
    fn named_in(&self, fields: &[(String, String)]) -> bool {
        fn value<'a>(fields: &'a [(String, String)], names: &'a [&str]) -> impl Iterator<Item = &'a String> {
            fields.iter().filter(|(f, _)| names.contains(&f.as_str())).map(|(_, v)| v)
        }
        if value(fields, &ID_FIELDS).any(|v| self.ids.contains(v)) {
            return true;
        }
        let name = fold(&self.name);
        if name.is_empty() || !value(fields, &NAME_FIELDS).any(|v| fold(v) == name) {
            return false;
        }
        let mine = digits(&self.phone);
        let theirs: Vec<String> = value(fields, &PHONE_FIELDS).map(|v| digits(v)).filter(|d| !d.is_empty()).collect();
        // The same name with another phone is another person; with no phone on either side, the
        // name is all there is.
        theirs.is_empty() || mine.is_empty() || theirs.iter().any(|d| d.ends_with(&mine) || mine.ends_with(d.as_str()))
    }
}

/// What erasing `person` means for `doc`: the records about them, the records that name one of
/// those (by id), and their History, erased — but for the records kept under a hold.
pub fn plan(doc: &Automerge, person: &Person) -> Plan {
    let keys: Vec<String> = doc.map_range(ROOT, ..).map(|item| item.key.to_string()).collect();
    let records: Vec<(&String, Vec<(String, String)>)> = keys
        .iter()
        .filter(|k| !k.starts_with(crate::history::PREFIX) && !k.starts_with(ERASED))
        .filter_map(|k| Some((k, fields(doc, k)?)))
        .collect();
    let mut about: Vec<&String> = records.iter().filter(|(_, f)| person.named_in(f)).map(|(k, _)| *k).collect();
    // Records that point at one of those by its id (a claim's events, a check-in's booking).
    let ids: Vec<String> = about.iter().filter_map(|k| k.rsplit('/').next().map(str::to_owned)).collect();
    for (key, fields) in &records {
        if !about.contains(key) && fields.iter().any(|(f, v)| f != "id" && ids.contains(v)) {
            about.push(key);
        }
    }
    let mut plan = Plan::default();
    for key in about {
        let history = format!("{}/{key}/", crate::history::PREFIX);
        if HELD.iter().any(|p| key.starts_with(p)) {
            plan.hold.push(key.clone());
        } else if SCRUBBED.iter().any(|p| key.starts_with(p)) {
            plan.scrub.push(key.clone());
            plan.scrub.push(history);
        } else {
            plan.erase.push(key.clone());
            plan.erase.push(history);
        }
    }
    plan
}

/// Everything in `doc` erased (a claim's card photo, when the claim goes).
pub fn plan_all(doc: &Automerge) -> Plan {
    let erase = doc.map_range(ROOT, ..).map(|item| item.key.to_string()).filter(|k| !k.starts_with(ERASED)).collect();
    Plan { erase, ..Plan::default() }
}

/// A fresh document, written under `actor`, holding what `old` holds now but the keys
/// `erasure` (and every erasure `old` records) removes, with the `scrub` keys' strings that name
/// `person` replaced, and `erasure` recorded. It shares no history with `old`.
pub fn rebuilt(
    old: &Automerge,
    erasure: &Erasure,
    scrub: &[String],
    person: &Person,
    actor: ActorId,
) -> Result<AutoCommit, String> {
    let before = erasures(old);
    // The document as it reads now, in one walk; written into the fresh one in one batch (two
    // splices of Automerge's op set, not one per value: a year of clients in well under a second
    // instead of seconds).
    let automerge::hydrate::Value::Map(mut root) = old.hydrate(None) else {
        return Err("the document's root is not a map".into());
    };
    root.retain(|key, _| !erasure.covers(key) && !before.iter().any(|e| e.covers(key)));
    for (key, item) in root.iter_mut() {
        let scrubbed = scrub.iter().any(|s| if s.ends_with('/') { key.starts_with(s.as_str()) } else { key == s });
        settle(&mut item.value, scrubbed.then_some(person));
    }
    let mut new = AutoCommit::new().with_actor(actor);
    new.init_root_from_hydrate(&root).map_err(|e| e.to_string())?;
    records::put(&mut new, ERASED, &erasure.id, erasure)?;
    new.commit();
    Ok(new)
}

/// A value as the fresh document takes it: counters at their totals, and — in a record kept
/// without the person — every string naming them emptied.
fn settle(value: &mut automerge::hydrate::Value, without: Option<&Person>) {
    use automerge::hydrate::Value as V;
    match value {
        V::Scalar(ScalarValue::Counter(c)) => *value = V::Scalar(ScalarValue::counter(i64::from(&*c))),
        V::Scalar(ScalarValue::Str(s)) if without.is_some_and(|p| p.in_text(s)) => {
            *value = V::Scalar(ScalarValue::from(""))
        }
        V::Text(text) if without.is_some_and(|p| p.in_text(&text.to_string())) => {
            *value = V::Scalar(ScalarValue::from(""))
        }
        V::Map(map) => map.iter_mut().for_each(|(_, item)| settle(&mut item.value, without)),
        V::List(list) => {
            for i in 0..list.len() {
                if let Some(item) = list.get_mut(i) {
                    settle(item, without);
                }
            }
        }
        _ => {}
    }
}

impl Person {
    /// Whether `text` names this person: holds their name, phone or email, or is one of their ids.
    fn in_text(&self, text: &str) -> bool {
        let name = fold(&self.name);
        let phone = digits(&self.phone);
        (!name.is_empty() && fold(text).contains(&name))
            || (phone.len() >= 6 && digits(text).contains(&phone))
            || (!self.email.is_empty() && text.contains(&self.email))
            || self.ids.iter().any(|id| text == id)
    }
}

/// Copies the value at root `key` of `from` into `into` as `from` shows it now (its winning
/// value; counters at their total), or deletes it there if `from` has none.
pub fn copy_root(from: &Automerge, key: &str, into: &mut AutoCommit) -> Result<(), String> {
    let at = Place { obj: ROOT, prop: automerge::Prop::Map(key.to_owned()), insert: false };
    let copied = match from.get(ROOT, key) {
        Ok(Some((value, id))) => place(from, value, &id, into, at),
        Ok(None) if into.get(ROOT, key).ok().flatten().is_some() => into.delete(ROOT, key),
        Ok(None) => Ok(()),
        Err(err) => Err(err),
    };
    copied.map_err(|e| e.to_string())
}

/// Where a copied value goes: `prop` of `obj`, inserted there if `insert`.
struct Place {
    obj: ObjId,
    prop: automerge::Prop,
    insert: bool,
}

/// Writes `value` (whose object id in `from` is `id`) at `at` in `into`, with every child copied.
fn place(
    from: &Automerge,
    value: Value<'_>,
    id: &ObjId,
    into: &mut AutoCommit,
    at: Place,
) -> Result<(), automerge::AutomergeError> {
    let Place { obj, prop, insert } = at;
    let (new, kind) = match (value, prop) {
        (Value::Scalar(v), prop) => {
            let v = match v.as_ref() {
                ScalarValue::Counter(c) => ScalarValue::counter(i64::from(c)),
                other => other.clone(),
            };
            match prop {
                automerge::Prop::Seq(i) if insert => into.insert(&obj, i, v)?,
                prop => into.put(&obj, prop, v)?,
            }
            return Ok(());
        }
        // Records hold no text objects; one from a newer app is copied as its string (no text
        // editing code in the download for it).
        (Value::Object(ObjType::Text), prop) => {
            let text = from.text(id)?;
            match prop {
                automerge::Prop::Seq(i) if insert => into.insert(&obj, i, text)?,
                prop => into.put(&obj, prop, text)?,
            }
            return Ok(());
        }
        (Value::Object(kind), automerge::Prop::Seq(i)) if insert => (into.insert_object(&obj, i, kind)?, kind),
        (Value::Object(kind), prop) => (into.put_object(&obj, prop, kind)?, kind),
    };
    match kind {
        ObjType::Map | ObjType::Table => {
            let keys: Vec<String> = from.map_range(id, ..).map(|i| i.key.to_string()).collect();
            for key in keys {
                if let Some((v, child)) = from.get(id, key.as_str())? {
                    let at = Place { obj: new.clone(), prop: automerge::Prop::Map(key), insert: false };
                    place(from, v, &child, into, at)?;
                }
            }
        }
        ObjType::List => {
            for i in 0..from.length(id) {
                if let Some((v, child)) = from.get(id, i)? {
                    let at = Place { obj: new.clone(), prop: automerge::Prop::Seq(i), insert: true };
                    place(from, v, &child, into, at)?;
                }
            }
        }
        ObjType::Text => {}
    }
    Ok(())
}

/// This device's unsent changes (`mine`, made on `old`) made again on the re-based `new`, record
/// by record — each record they wrote copied as `old` shows it —, but none to a record `new`'s
/// erasures name; written under `actor` (one of this device's). The chunk, empty if nothing is
/// left to make again.
pub fn remake(old: &[u8], new: &[u8], mine: &[Vec<u8>], actor: [u8; 16]) -> Result<Vec<u8>, String> {
    let mut old = AutoCommit::load(old).map_err(|e| e.to_string())?;
    let mut new = AutoCommit::load(new).map_err(|e| e.to_string())?.with_actor(ActorId::from(&actor[..]));
    let erased = erasures(new.document());
    let old = old.document();
    let mut keys: Vec<String> = Vec::new();
    for key in mine.iter().flat_map(|chunk| touched(old, chunk)) {
        if !keys.contains(&key) && !erased.iter().any(|e| e.covers(&key)) {
            keys.push(key);
        }
    }
    let heads = new.get_heads();
    for key in &keys {
        copy_root(old, key, &mut new)?;
    }
    new.commit();
    Ok(new.save_after(&heads))
}

/// The root keys whose value, or anything inside it, was last written by a change of `chunk`
/// (this device's own, held in `doc`): what a device makes again, by record, on a re-based
/// document. Read from the op ids of what `doc` shows now (a change's ops are numbered from its
/// start op, under its actor), without expanding the changes — that code would be in every
/// download. A key a change deleted is not named: no record of the documents an erasure re-bases
/// is ever deleted (bookings are cancelled, claims moved, clients merged). Bytes that are not
/// changes name nothing.
pub fn touched(doc: &Automerge, chunk: &[u8]) -> Vec<String> {
    let ranges: Vec<(ActorId, u64, u64)> = crate::chunk::changes(chunk)
        .unwrap_or_default()
        .iter()
        .map(|c| (c.actor_id().clone(), c.start_op().get(), c.max_op()))
        .collect();
    let mine = |id: &ObjId| match id {
        ObjId::Id(counter, actor, _) => {
            ranges.iter().any(|(a, from, to)| a == actor && (*from..=*to).contains(counter))
        }
        ObjId::Root => false,
    };
    if ranges.is_empty() {
        return Vec::new();
    }
    doc.map_range(ROOT, ..)
        .filter(|item| {
            let id = item.id();
            mine(&id) || matches!(item.value, automerge::ValueRef::Object(_)) && written_inside(doc, &id, &mine)
        })
        .map(|item| item.key.to_string())
        .collect()
}

/// Whether anything under object `obj` was last written by an op `mine` names.
fn written_inside(doc: &Automerge, obj: &ObjId, mine: &dyn Fn(&ObjId) -> bool) -> bool {
    let check = |id: ObjId, object: bool| mine(&id) || (object && written_inside(doc, &id, mine));
    match doc.object_type(obj) {
        Ok(ObjType::Map | ObjType::Table) => {
            doc.map_range(obj, ..).any(|i| check(i.id(), matches!(i.value, automerge::ValueRef::Object(_))))
        }
        Ok(ObjType::List) => {
            doc.list_range(obj, ..).any(|i| check(i.id(), matches!(i.value, automerge::ValueRef::Object(_))))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::Client;

    fn client(id: &str, name: &str, phone: &str, merged_into: &str) -> Client {
        Client {
            id: id.into(),
            code: "ABC123".into(),
            name: name.into(),
            phone: phone.into(),
            email: if name.starts_with("In") { "ines@example.com".into() } else { String::new() },
            notes: if name.starts_with("In") { "Allergic to penicillin".into() } else { String::new() },
            merged_into: merged_into.into(),
            made_by: "Desk".into(),
            made_ms: 1,
            changed_by: "Desk".into(),
            changed_ms: 1,
        }
    }

    fn doc_with(f: impl FnOnce(&mut AutoCommit)) -> Automerge {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(&[1u8; 16][..]));
        f(&mut doc);
        doc.commit();
        doc.document().clone()
    }

    fn person() -> Person {
        Person {
            ids: vec!["c1".into(), "c0".into()],
            name: "Inés Calvo".into(),
            phone: "600 111 222".into(),
            email: "ines@example.com".into(),
        }
    }

    #[test]
    fn a_client_is_found_with_every_record_merged_into_them() {
        let doc = doc_with(|d| {
            records::put(d, "client", "c1", &client("c1", "Inés Calvo", "600111222", "")).unwrap();
            records::put(d, "client", "c0", &client("c0", "Ines Calvo", "", "c1")).unwrap();
            records::put(d, "client", "cz", &client("cz", "Ines C.", "", "c0")).unwrap();
            records::put(d, "client", "c2", &client("c2", "Luis Mora", "600333444", "")).unwrap();
        });
        let mut found = Person::of(&doc, "c1").unwrap();
        found.ids.sort();
        assert_eq!(found.ids, ["c0", "c1", "cz"]);
        assert_eq!(found.name, "Inés Calvo");
        assert!(Person::of(&doc, "nobody").is_none());
    }

    #[test]
    fn the_plan_finds_records_by_id_and_by_name_and_phone_and_keeps_what_a_hold_keeps() {
        let doc = doc_with(|d| {
            d.put(ROOT, "unrelated", 1).unwrap();
            let booking = d.put_object(ROOT, "booking/b1", ObjType::Map).unwrap();
            d.put(&booking, "client", "ines calvo").unwrap();
            d.put(&booking, "phone", "+34 600 111 222").unwrap();
            let other = d.put_object(ROOT, "booking/b2", ObjType::Map).unwrap();
            d.put(&other, "client", "Inés Calvo").unwrap();
            d.put(&other, "phone", "699 999 999").unwrap();
            let claim = d.put_object(ROOT, "claim/k1", ObjType::Map).unwrap();
            d.put(&claim, "client", "c0").unwrap();
            let event = d.put_object(ROOT, "claimevent/e1", ObjType::Map).unwrap();
            d.put(&event, "claim", "k1").unwrap();
            let invoice = d.put_object(ROOT, "invoice/i1", ObjType::Map).unwrap();
            d.put(&invoice, "client", "c1").unwrap();
            let order = d.put_object(ROOT, "order/o1", ObjType::Map).unwrap();
            d.put(&order, "client_name", "INÉS CALVO").unwrap();
            d.put(ROOT, "history/booking/b1/000000000000001-d1", "entry").unwrap();
        });
        let plan = plan(&doc, &person());
        assert_eq!(
            plan.erase,
            [
                "booking/b1",
                "history/booking/b1/",
                "claim/k1",
                "history/claim/k1/",
                "claimevent/e1",
                "history/claimevent/e1/"
            ],
            "the same name with another phone is someone else"
        );
        assert_eq!(plan.hold, ["invoice/i1"]);
        assert_eq!(plan.scrub, ["order/o1", "history/order/o1/"]);
        let exported = export("day/x", &doc, &person());
        let keys: Vec<&str> = exported.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["booking/b1", "claim/k1", "claimevent/e1", "invoice/i1", "order/o1"]);
        assert_eq!(
            exported[0].fields,
            [("client".to_owned(), "ines calvo".to_owned()), ("phone".into(), "+34 600 111 222".into())]
        );
        let counted = summary([&plan, &Plan::default()]);
        assert_eq!(counted, Summary { erased: 3, held: 1, scrubbed: 1, documents: 1 });
    }

    #[test]
    fn a_rebuilt_document_holds_the_rest_without_the_erased_records_or_any_history() {
        let mut old = AutoCommit::new().with_actor(ActorId::from(&[1u8; 16][..]));
        records::put(&mut old, "client", "c1", &client("c1", "Inés Calvo", "600111222", "")).unwrap();
        records::put(&mut old, "client", "c2", &client("c2", "Luis Mora", "600333444", "")).unwrap();
        old.put(ROOT, "history/client/c1/1-d", "Inés Calvo was here").unwrap();
        let stock = old.put(ROOT, "stock/p1", ScalarValue::counter(10));
        stock.unwrap();
        old.increment(ROOT, "stock/p1", -3).unwrap();
        let order = old.put_object(ROOT, "order/o1", ObjType::Map).unwrap();
        old.put(&order, "client_name", "Inés Calvo").unwrap();
        old.put(&order, "total", 1200).unwrap();
        let lines = old.put_object(&order, "lines", ObjType::List).unwrap();
        let line = old.insert_object(&lines, 0, ObjType::Map).unwrap();
        old.put(&line, "name", "Cream").unwrap();
        let note = old.put_object(&order, "note", ObjType::Text).unwrap();
        old.splice_text(&note, 0, 0, "for Inés Calvo").unwrap();
        old.commit();
        // An edit of c1 made before the erasure, still in the old history.
        records::put(&mut old, "client", "c1", &client("c1", "Inés Calvo", "600999888", "")).unwrap();
        old.commit();
        let erasure = Erasure {
            id: "e1".into(),
            keys: vec!["client/c1".into(), "history/client/c1/".into()],
            reason: "The client asked".into(),
            by: "Dra. Ruiz (Office)".into(),
            at_ms: 5,
        };
        let mut new =
            rebuilt(old.document(), &erasure, &["order/o1".into()], &person(), ActorId::from(&[2u8; 16][..])).unwrap();
        // Not compressed, so a name left anywhere would be found as it is.
        let saved = new.save_nocompress();
        for needle in ["Inés Calvo", "600999888", "600111222", "ines@example.com", "penicillin"] {
            assert!(!saved.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} is still in the bytes");
        }
        let mut loaded = AutoCommit::load(&saved).unwrap();
        let doc = loaded.document();
        let luis: Client = records::get(doc, "client", "c2").unwrap();
        assert_eq!(luis.name, "Luis Mora");
        assert!(records::get::<Client>(doc, "client", "c1").is_none());
        assert!(doc.get(ROOT, "history/client/c1/1-d").unwrap().is_none());
        match doc.get(ROOT, "stock/p1").unwrap().unwrap().0 {
            Value::Scalar(v) => assert_eq!(v.as_ref(), &ScalarValue::counter(7)),
            other => panic!("{other:?}"),
        }
        let (_, order) = doc.get(ROOT, "order/o1").unwrap().unwrap();
        assert_eq!(doc.get(&order, "total").unwrap().unwrap().0.as_i64(), Some(1200));
        let (_, lines) = doc.get(&order, "lines").unwrap().unwrap();
        let (_, line) = doc.get(&lines, 0).unwrap().unwrap();
        assert_eq!(doc.get(&line, "name").unwrap().unwrap().0.into_string().ok().as_deref(), Some("Cream"));
        assert_eq!(erasures(doc), std::slice::from_ref(&erasure));
        assert_eq!(doc.get_changes(&[]).len(), 1, "one change, no history");
        // A second erasure keeps the first one's keys out too.
        let again = Erasure { id: "e2".into(), keys: vec!["client/c2".into()], ..erasure };
        let mut newer = rebuilt(doc, &again, &[], &person(), ActorId::from(&[3u8; 16][..])).unwrap();
        assert_eq!(erasures(newer.document()).len(), 2);
    }

    #[test]
    fn a_change_names_the_records_it_wrote_even_deep_inside_them() {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(&[1u8; 16][..]));
        let order = doc.put_object(ROOT, "order/o1", ObjType::Map).unwrap();
        let lines = doc.put_object(&order, "lines", ObjType::List).unwrap();
        let line = doc.insert_object(&lines, 0, ObjType::Map).unwrap();
        doc.put(ROOT, "client/c1", "x").unwrap();
        doc.commit();
        let heads = doc.get_heads();
        doc.put(&line, "qty", 2).unwrap();
        doc.put(ROOT, "client/c2", "y").unwrap();
        let new = doc.put_object(ROOT, "client/c3", ObjType::Map).unwrap();
        doc.put(&new, "name", "Ana").unwrap();
        doc.commit();
        let chunk = doc.save_after(&heads);
        let mut keys = touched(doc.document(), &chunk);
        keys.sort();
        assert_eq!(keys, ["client/c2", "client/c3", "order/o1"], "client/c1 was written before");
        assert!(touched(doc.document(), b"garbage").is_empty());
        // Another device's change to the same record, after this one, is the value shown now.
        let mut other = doc.fork().with_actor(ActorId::from(&[2u8; 16][..]));
        other.put(&line, "qty", 3).unwrap();
        other.commit();
        doc.merge(&mut other).unwrap();
        let mut keys = touched(doc.document(), &chunk);
        keys.sort();
        assert_eq!(keys, ["client/c2", "client/c3"]);
    }
}
