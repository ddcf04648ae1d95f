//! The day's log of what staff did with each visit: called in, done, no-show, and undo.
//!
//! Status changes are appended as events, never overwritten, so two tablets acting at once
//! both keep their click and every device derives the same current status.

use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};

use crate::ids::EventId;
use crate::records;

/// Where a visit stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum VisitStatus {
    /// Checked in, waiting to be seen.
    Waiting,
    /// Called in by staff; being seen.
    Called,
    /// Finished.
    Done,
    /// Did not respond when called.
    NoShow,
}

impl VisitStatus {
    /// A stable lower-case name for styles and page attributes (never `Debug`, which release
    /// builds may strip).
    pub fn key(self) -> &'static str {
        match self {
            VisitStatus::Waiting => "waiting",
            VisitStatus::Called => "called",
            VisitStatus::Done => "done",
            VisitStatus::NoShow => "noshow",
        }
    }

    /// Whether the visitor is still in the lobby or with staff.
    pub fn is_open(self) -> bool {
        matches!(self, VisitStatus::Waiting | VisitStatus::Called)
    }
}

/// One status change (or the undo of one), as stored in the day document.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct StatusEvent {
    pub id: String,
    pub visit: String,
    /// The new status; `None` for an undo.
    pub status: Option<VisitStatus>,
    /// The event this one cancels, for an undo.
    pub undoes: Option<String>,
    pub at_ms: i64,
    /// Who made the change (device name).
    pub by: String,
}

impl StatusEvent {
    pub fn set(id: EventId, visit: &str, status: VisitStatus, at_ms: i64, by: &str) -> StatusEvent {
        StatusEvent {
            id: id.to_string(),
            visit: visit.to_owned(),
            status: Some(status),
            undoes: None,
            at_ms,
            by: by.to_owned(),
        }
    }

    pub fn undo(id: EventId, of: &StatusEvent, at_ms: i64, by: &str) -> StatusEvent {
        StatusEvent {
            id: id.to_string(),
            visit: of.visit.clone(),
            status: None,
            undoes: Some(of.id.clone()),
            at_ms,
            by: by.to_owned(),
        }
    }

    /// Writes the event into a day document.
    pub fn record(&self, day: &mut AutoCommit) -> Result<(), String> {
        records::put(day, KIND, &self.id, self)
    }
}

/// Where status events live in a day document (`status/<event id>`).
const KIND: &str = "status";

/// Every well-formed event in a day document; malformed entries are skipped.
pub fn status_events(day: &Automerge) -> Vec<StatusEvent> {
    records::all(day, KIND)
}
