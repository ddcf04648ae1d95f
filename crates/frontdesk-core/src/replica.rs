//! The documents one device holds, with local changes turned into chunks to send.

use std::collections::BTreeMap;

use automerge::{ActorId, AutoCommit, Automerge};

/// A document could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error("document {doc} is damaged: {source}")]
    Damaged { doc: String, source: Box<automerge::AutomergeError> },
    #[error("change refused: {0}")]
    Change(String),
}

/// One edit of one document, for [`Replica::change_all`].
pub type DocEdit = Box<dyn FnOnce(&mut AutoCommit) -> Result<(), String>>;

/// A device's copy of its documents.
pub struct Replica {
    actor: ActorId,
    docs: BTreeMap<String, AutoCommit>,
}

impl Replica {
    /// `actor` must be unique to this running session (random bytes from the caller).
    pub fn new(actor: [u8; 16]) -> Replica {
        Replica { actor: ActorId::from(&actor[..]), docs: BTreeMap::new() }
    }

    fn doc_mut(&mut self, name: &str) -> &mut AutoCommit {
        let actor = &self.actor;
        self.docs.entry(name.to_owned()).or_insert_with(|| AutoCommit::new().with_actor(actor.clone()))
    }

    /// Loads a document's bytes from storage (or applies them on top of what is there).
    pub fn load(&mut self, name: &str, bytes: &[u8]) -> Result<(), ReplicaError> {
        self.apply(name, bytes).map(|_| ())
    }

    /// Applies a chunk or snapshot from the relay; returns whether the document changed.
    pub fn apply(&mut self, name: &str, bytes: &[u8]) -> Result<bool, ReplicaError> {
        let doc = self.doc_mut(name);
        let before = doc.get_heads();
        doc.load_incremental(bytes)
            .map_err(|source| ReplicaError::Damaged { doc: name.to_owned(), source: Box::new(source) })?;
        Ok(doc.get_heads() != before)
    }

    /// Replaces a document with `bytes` — a re-based one (#20), taken as it is, never merged with
    /// what was held.
    pub fn replace(&mut self, name: &str, bytes: &[u8]) -> Result<(), ReplicaError> {
        let new = AutoCommit::load(bytes)
            .map_err(|source| ReplicaError::Damaged { doc: name.to_owned(), source: Box::new(source) })?
            .with_actor(self.actor.clone());
        // Through the entry the other writes use (one copy of the map's code in the wasm).
        *self.doc_mut(name) = new;
        Ok(())
    }

    /// Makes a local change and returns the chunk that carries it (empty if nothing changed).
    pub fn change<R>(
        &mut self,
        name: &str,
        edit: impl FnOnce(&mut AutoCommit) -> Result<R, String>,
    ) -> Result<(R, Vec<u8>), ReplicaError> {
        let doc = self.doc_mut(name);
        let heads = doc.get_heads();
        let result = match edit(doc) {
            Ok(result) => result,
            Err(err) => {
                // A refused edit leaves nothing behind (not even what it wrote before failing).
                doc.rollback();
                return Err(ReplicaError::Change(err));
            }
        };
        doc.commit();
        let chunk = doc.save_after(&heads);
        Ok((result, chunk))
    }

    /// Makes changes to several documents as one: if any edit fails, none is kept. Returns each
    /// changed document's chunk (documents whose edit wrote nothing are left out).
    pub fn change_all(&mut self, edits: Vec<(String, DocEdit)>) -> Result<Vec<(String, Vec<u8>)>, ReplicaError> {
        let mut heads: BTreeMap<String, Vec<automerge::ChangeHash>> = BTreeMap::new();
        for (name, _) in &edits {
            if !heads.contains_key(name) {
                let h = self.doc_mut(name).get_heads();
                heads.insert(name.clone(), h);
            }
        }
        // Edits stay in each document's open transaction until all have succeeded.
        for (name, edit) in edits {
            if let Err(err) = edit(self.doc_mut(&name)) {
                for touched in heads.keys() {
                    self.doc_mut(touched).rollback();
                }
                return Err(ReplicaError::Change(err));
            }
        }
        let mut chunks = Vec::new();
        for (name, before) in heads {
            let doc = self.doc_mut(&name);
            doc.commit();
            let chunk = doc.save_after(&before);
            if !chunk.is_empty() {
                chunks.push((name, chunk));
            }
        }
        Ok(chunks)
    }

    /// The whole document, compacted, for storage or a snapshot.
    pub fn save(&mut self, name: &str) -> Vec<u8> {
        self.docs.get_mut(name).map(|d| d.save()).unwrap_or_default()
    }

    /// The document's current heads (equal heads mean equal documents).
    pub fn heads(&mut self, name: &str) -> Vec<automerge::ChangeHash> {
        self.docs.get_mut(name).map(|d| d.get_heads()).unwrap_or_default()
    }

    pub fn get(&mut self, name: &str) -> Option<&Automerge> {
        self.docs.get_mut(name).map(|d| d.document())
    }

    /// Drops a document (past the business's retention).
    pub fn remove(&mut self, name: &str) {
        self.docs.remove(name);
    }

    /// Names of the documents held.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::{ROOT, ReadDoc, transaction::Transactable};

    #[test]
    fn a_local_change_becomes_a_chunk_another_replica_can_apply() {
        let mut a = Replica::new([1; 16]);
        let mut b = Replica::new([2; 16]);
        let ((), chunk) = a.change("day/x", |d| d.put(ROOT, "k", "v").map_err(|e| e.to_string())).unwrap();
        assert!(b.apply("day/x", &chunk).unwrap());
        assert!(!b.apply("day/x", &chunk).unwrap(), "a chunk applied twice changes nothing");
        let value = b.get("day/x").unwrap().get(ROOT, "k").unwrap().unwrap().0.into_string().ok();
        assert_eq!(value.as_deref(), Some("v"));
    }

    #[test]
    fn damaged_bytes_change_nothing() {
        let mut a = Replica::new([1; 16]);
        a.change("d", |d| d.put(ROOT, "k", 1).map_err(|e| e.to_string())).unwrap();
        let before = a.save("d");
        // Automerge skips what it cannot parse; either way the document must be untouched.
        assert!(!a.apply("d", b"not automerge at all").unwrap_or(false));
        assert_eq!(a.save("d"), before);
    }

    #[test]
    fn changes_to_several_documents_are_kept_together_or_not_at_all() {
        let mut a = Replica::new([1; 16]);
        let put = |k: &'static str| -> DocEdit {
            Box::new(move |d| d.put(ROOT, k, 1).map(|_| ()).map_err(|e| e.to_string()))
        };
        let fail: DocEdit = Box::new(|d| {
            d.put(ROOT, "half", 1).map_err(|e| e.to_string())?;
            Err("refused".into())
        });
        assert!(a.change_all(vec![("one".into(), put("x")), ("two".into(), fail)]).is_err());
        assert!(a.get("one").unwrap().get(ROOT, "x").unwrap().is_none(), "the first edit was rolled back");
        assert!(a.get("two").unwrap().get(ROOT, "half").unwrap().is_none());
        let chunks = a.change_all(vec![("one".into(), put("x")), ("two".into(), put("y"))]).unwrap();
        assert_eq!(chunks.len(), 2);
        let mut b = Replica::new([2; 16]);
        for (doc, chunk) in &chunks {
            assert!(b.apply(doc, chunk).unwrap());
        }
        assert!(b.get("two").unwrap().get(ROOT, "y").unwrap().is_some());
        // A refused single edit leaves nothing either.
        assert!(
            a.change("one", |d| {
                d.put(ROOT, "z", 1).map_err(|e| e.to_string())?;
                Err::<(), _>("no".into())
            })
            .is_err()
        );
        let ((), chunk) = a.change("one", |d| d.put(ROOT, "w", 1).map_err(|e| e.to_string())).unwrap();
        let mut c = Replica::new([3; 16]);
        c.apply("one", &a.save("one")).unwrap();
        assert!(c.get("one").unwrap().get(ROOT, "z").unwrap().is_none());
        assert!(!chunk.is_empty());
    }
}
