//! The documents a device holds, as the views read them: by name, or every one under a prefix.

use std::collections::BTreeMap;

use automerge::Automerge;

/// Read access to the documents a device holds. The app's `Device` reads them out of its
/// replica; tests use a map of names to documents.
///
/// A read hands the document to a closure rather than returning a reference, so a device may
/// keep its documents behind a `RefCell` (a view must not read another document from inside
/// the closure).
pub trait Documents {
    /// Runs `f` on the document named `name`; `None` if this device does not hold it.
    fn read<R>(&self, name: &str, f: impl FnOnce(&Automerge) -> R) -> Option<R>;

    /// The names of the documents held that start with `prefix`, in name order.
    fn names_under(&self, prefix: &str) -> Vec<String>;

    /// When the relay received the record `key` of the drop box `name`, if this device saw it
    /// arrive (see `DeviceCore::received`).
    fn received(&self, _name: &str, _key: &str) -> Option<i64> {
        None
    }
}

impl Documents for BTreeMap<String, Automerge> {
    fn read<R>(&self, name: &str, f: impl FnOnce(&Automerge) -> R) -> Option<R> {
        self.get(name).map(f)
    }

    fn names_under(&self, prefix: &str) -> Vec<String> {
        self.range(prefix.to_owned()..).map(|(name, _)| name).take_while(|n| n.starts_with(prefix)).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_under_a_prefix_are_those_that_start_with_it() {
        let docs: BTreeMap<String, Automerge> =
            ["inbox/2026-11-26/a", "inbox/2026-11-26/b", "inbox/2026-11-27/a", "inbox/2026-11-2", "site"]
                .into_iter()
                .map(|n| (n.to_owned(), Automerge::new()))
                .collect();
        assert_eq!(docs.names_under("inbox/2026-11-26/"), vec!["inbox/2026-11-26/a", "inbox/2026-11-26/b"]);
        assert_eq!(docs.names_under("site"), vec!["site"]);
        assert!(docs.names_under("day/").is_empty());
        assert_eq!(docs.read("site", |_| 1), Some(1));
        assert_eq!(docs.read("kiosk", |_| 1), None);
    }
}
