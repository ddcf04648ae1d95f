//! Typed records stored flat at a document's root, under `<kind>/<id>` keys.
//!
//! Records live directly at the root (not in a shared map) because two devices that create the
//! same nested map offline would each make their own, and Automerge would show only one of them:
//! every record of the other would be hidden. Flat keys never collide unless the ids do.

use automerge::{AutoCommit, Automerge, ROOT, ReadDoc};
use autosurgeon::{Hydrate, Reconcile};

/// The root key of record `id` of `kind`.
pub fn key(kind: &str, id: &str) -> String {
    format!("{kind}/{id}")
}

/// Writes (or updates in place) one record.
pub fn put<T: Reconcile>(doc: &mut AutoCommit, kind: &str, id: &str, value: &T) -> Result<(), String> {
    autosurgeon::reconcile_prop(doc, ROOT, key(kind, id).as_str(), value).map_err(|e| e.to_string())
}

/// Reads one record, if present and well formed.
pub fn get<T: Hydrate>(doc: &Automerge, kind: &str, id: &str) -> Option<T> {
    autosurgeon::hydrate_prop::<_, Option<T>, _, _>(doc, ROOT, key(kind, id).as_str()).ok().flatten()
}

/// Every well-formed record of `kind`; malformed entries are skipped, so one bad record (from a
/// newer app version or a damaged device) never hides the others.
pub fn all<T: Hydrate>(doc: &Automerge, kind: &str) -> Vec<T> {
    let prefix = format!("{kind}/");
    doc.keys(ROOT)
        .filter(|k| k.starts_with(&prefix))
        .filter_map(|k| autosurgeon::hydrate_prop::<_, T, _, _>(doc, ROOT, k.as_str()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use autosurgeon::{Hydrate, Reconcile};

    #[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
    struct Note {
        text: String,
    }

    #[test]
    fn records_of_each_kind_are_kept_apart_and_bad_ones_skipped() {
        let mut doc = AutoCommit::new();
        put(&mut doc, "note", "1", &Note { text: "a".into() }).unwrap();
        put(&mut doc, "note", "2", &Note { text: "b".into() }).unwrap();
        put(&mut doc, "other", "1", &Note { text: "c".into() }).unwrap();
        automerge::transaction::Transactable::put(&mut doc, ROOT, "note/3", 7).unwrap();
        let doc = doc.document().clone();
        let mut notes: Vec<Note> = all(&doc, "note");
        notes.sort_by(|a, b| a.text.cmp(&b.text));
        assert_eq!(notes, vec![Note { text: "a".into() }, Note { text: "b".into() }]);
        assert_eq!(get::<Note>(&doc, "other", "1"), Some(Note { text: "c".into() }));
        assert_eq!(get::<Note>(&doc, "other", "2"), None);
    }

    #[test]
    fn records_created_offline_on_two_devices_all_survive_the_merge() {
        let mut a = AutoCommit::new();
        let mut b = a.fork();
        put(&mut a, "note", "x", &Note { text: "from a".into() }).unwrap();
        put(&mut b, "note", "y", &Note { text: "from b".into() }).unwrap();
        a.merge(&mut b).unwrap();
        assert_eq!(all::<Note>(a.document(), "note").len(), 2);
    }
}
