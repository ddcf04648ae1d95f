//! The last result of each cached read of a document, with the heads it was read at.
//!
//! Views re-read on every change to any document; with a year of clients or claims, reading them
//! again for a change elsewhere cost hundreds of milliseconds. A read is reused while its
//! document's heads are unchanged.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// A document, the reading function and what it returns.
type Key = (String, usize, TypeId);
/// The heads a read was made at, and its result.
type Read = (Vec<automerge::ChangeHash>, Rc<dyn Any>);

#[derive(Default)]
pub struct ReadCache {
    reads: RefCell<HashMap<Key, Read>>,
}

impl ReadCache {
    /// `read`'s result for `doc` at `heads`: the cached one if it was read at those heads, else
    /// what `fresh` reads (kept for next time).
    pub fn get_or_read<T: Clone + 'static>(
        &self,
        doc: &str,
        read: fn(&automerge::Automerge) -> T,
        heads: Vec<automerge::ChangeHash>,
        fresh: impl FnOnce() -> Option<T>,
    ) -> Option<T> {
        let key = (doc.to_owned(), read as usize, TypeId::of::<T>());
        if let Some((at, value)) = self.reads.borrow().get(&key)
            && *at == heads
            && let Some(value) = value.downcast_ref::<T>()
        {
            return Some(value.clone());
        }
        let value = fresh()?;
        self.reads.borrow_mut().insert(key, (heads, Rc::new(value.clone())));
        Some(value)
    }
}
