//! A document seen through one object read in a single walk, for reading a record fast.
//!
//! autosurgeon hydrates a struct by asking the document for each field by name (`get`), and in
//! Automerge's op set a lookup by name costs about 5 µs, while walking an object's fields in
//! order (`map_range`) costs about 0.5 µs a field: reading every record of a big document
//! field by field took most of the time it took to open a list. [`Walked`] answers `get` on the
//! one object it walked from what it read, and passes every other question to the document, so
//! hydration reads exactly what it would have read from the document itself.

use std::ops::RangeBounds;

use automerge::iter::{ListRange, MapRange};
use automerge::{Automerge, AutomergeError, ChangeHash, ObjId, ObjType, Prop, Value};
use autosurgeon::ReadDoc;

/// `doc`, with the fields of map `obj` read once.
pub(crate) struct Walked<'a> {
    doc: &'a Automerge,
    obj: ObjId,
    /// The map's fields (the winning value of each), sorted by key.
    fields: Vec<(String, Value<'static>, ObjId)>,
}

impl<'a> Walked<'a> {
    pub(crate) fn new(doc: &'a Automerge, obj: ObjId) -> Walked<'a> {
        let mut fields: Vec<(String, Value<'static>, ObjId)> = automerge::ReadDoc::map_range(doc, &obj, ..)
            .map(|item| (item.key.to_string(), item.value.clone().into(), item.id()))
            .collect();
        // Automerge walks a map in key order already; sorted only if not (with the app's one
        // copy of the sorting code, `SortDyn`).
        if !fields.is_sorted_by(|a, b| a.0 <= b.0) {
            crate::sorting::SortDyn::sort_dyn_by(&mut fields[..], |a, b| a.0.cmp(&b.0));
        }
        Walked { doc, obj, fields }
    }

    fn field(&self, key: &str) -> Option<(Value<'static>, ObjId)> {
        let at = self.fields.binary_search_by(|f| f.0.as_str().cmp(key)).ok()?;
        let (_, value, id) = &self.fields[at];
        Some((value.clone(), id.clone()))
    }
}

impl ReadDoc for Walked<'_> {
    type Parents<'b>
        = <Automerge as ReadDoc>::Parents<'b>
    where
        Self: 'b;

    fn get<P: Into<Prop>>(&self, obj: &ObjId, prop: P) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        match prop.into() {
            Prop::Map(key) if obj == &self.obj => Ok(self.field(&key)),
            prop => ReadDoc::get(self.doc, obj, prop),
        }
    }

    fn get_heads(&self) -> Vec<ChangeHash> {
        ReadDoc::get_heads(self.doc)
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<ObjType> {
        ReadDoc::object_type(self.doc, obj)
    }

    fn map_range<'b, O, R>(&'b self, obj: O, range: R) -> MapRange<'b>
    where
        R: RangeBounds<String> + 'b,
        O: AsRef<ObjId>,
    {
        ReadDoc::map_range(self.doc, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(&self, obj: O, range: R) -> ListRange<'_> {
        ReadDoc::list_range(self.doc, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        ReadDoc::length(self.doc, obj)
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        ReadDoc::text(self.doc, obj)
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        ReadDoc::parents(self.doc, obj)
    }

    fn is_empty(&self) -> bool {
        ReadDoc::is_empty(self.doc)
    }
}
