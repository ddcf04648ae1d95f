//! A check-in: someone arrived and said who they are and why they came.

use automerge::{ActorId, AutoCommit, Automerge, ROOT};
use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;

use crate::ids::VisitId;

/// Why the visitor came.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum VisitReason {
    /// They have an appointment or reservation.
    Appointment,
    /// They walked in for a service.
    WalkIn,
    /// They came to see a member of staff.
    SeeStaff,
}

impl VisitReason {
    pub const ALL: [VisitReason; 3] = [VisitReason::Appointment, VisitReason::WalkIn, VisitReason::SeeStaff];
}

/// One arrival, as recorded by a kiosk or the desk.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct CheckIn {
    pub id: String,
    /// The name the visitor gave.
    pub name: String,
    pub reason: VisitReason,
    /// Who they came to see or what service they want, if they said.
    pub detail: String,
    /// The queue number shown to them, e.g. `A-007`.
    pub ticket: String,
    /// When they checked in (UTC milliseconds).
    pub at_ms: i64,
    /// The device that recorded it.
    pub device: String,
    /// The booking they checked in for, when the kiosk found it (by code, or name and phone).
    /// (Fields added after the first release read as empty from older check-ins.)
    #[autosurgeon(missing = "Default::default")]
    pub booking: Option<String>,
    /// The version of the terms they accepted on screen.
    #[autosurgeon(missing = "Default::default")]
    pub consent: Option<String>,
    /// Their insurer and member number, if they gave them (a medical office): "Sanitas · SN-4471".
    #[autosurgeon(missing = "Default::default")]
    pub insurance: Option<String>,
    /// The member of staff they came to see (their id in the site's staff directory), when
    /// they chose one at the kiosk. The name they chose is in `detail`, as it read then.
    #[autosurgeon(missing = "Default::default")]
    pub host: Option<String>,
}

/// Why a check-in was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum CheckInError {
    #[error("a name is required")]
    NameMissing,
    #[error("the name is too long")]
    NameTooLong,
    #[error("the detail is too long")]
    DetailTooLong,
}

/// Longest accepted name, in characters.
pub const MAX_NAME: usize = 80;
/// Longest accepted detail, in characters.
pub const MAX_DETAIL: usize = 120;

impl CheckIn {
    /// Validates what the visitor typed and builds the check-in.
    pub fn new(
        id: VisitId,
        name: &str,
        reason: VisitReason,
        detail: &str,
        ticket: String,
        at_ms: i64,
        device: &str,
    ) -> Result<CheckIn, CheckInError> {
        let name = visitor_name(name)?;
        let detail = collapse_spaces(detail);
        if detail.chars().count() > MAX_DETAIL {
            return Err(CheckInError::DetailTooLong);
        }
        Ok(CheckIn {
            id: id.to_string(),
            name,
            reason,
            detail,
            ticket,
            at_ms,
            device: device.to_owned(),
            booking: None,
            consent: None,
            insurance: None,
            host: None,
        })
    }

    /// Links the check-in to the booking the visitor came for.
    pub fn for_booking(self, booking: Option<String>) -> CheckIn {
        CheckIn { booking, ..self }
    }

    /// Records whom the visitor came to see (a staff id), if they chose someone.
    pub fn with_host(self, host: Option<String>) -> CheckIn {
        CheckIn { host, ..self }
    }

    /// Records which version of the terms the visitor accepted.
    pub fn with_consent(self, version: &str) -> CheckIn {
        CheckIn { consent: Some(version.to_owned()), ..self }
    }

    /// Adds the insurer and member number the visitor typed (both empty: none).
    pub fn with_insurance(self, insurer: &str, member: &str) -> Result<CheckIn, CheckInError> {
        let (insurer, member) = (collapse_spaces(insurer), collapse_spaces(member));
        if insurer.chars().count() > 60 || member.chars().count() > 40 {
            return Err(CheckInError::DetailTooLong);
        }
        let insurance = match (insurer.is_empty(), member.is_empty()) {
            (true, true) => None,
            (false, true) => Some(insurer),
            (true, false) => Some(member),
            (false, false) => Some(format!("{insurer} · {member}")),
        };
        Ok(CheckIn { insurance, ..self })
    }

    /// Encodes the check-in as a standalone inbox chunk.
    ///
    /// Each check-in is its own tiny change (its actor is derived from the visit id), stored at the
    /// inbox root under its id, so a kiosk needs no earlier state to write one and can forget it
    /// once the relay has it; every such chunk merges cleanly into the inbox document.
    pub fn to_inbox_chunk(&self) -> Vec<u8> {
        let actor = self
            .id
            .parse::<VisitId>()
            .map(|id| ActorId::from(&id.0[..]))
            .unwrap_or_else(|_| ActorId::from(self.id.as_bytes()));
        let mut doc = AutoCommit::new().with_actor(actor);
        // Reconciling a plain struct into a fresh document cannot fail.
        let _ = autosurgeon::reconcile_prop(&mut doc, ROOT, self.id.as_str(), self);
        doc.save()
    }
}

/// The name as it will be recorded (spaces collapsed), or why it cannot be.
pub fn visitor_name(typed: &str) -> Result<String, CheckInError> {
    let name = collapse_spaces(typed);
    if name.is_empty() {
        Err(CheckInError::NameMissing)
    } else if name.chars().count() > MAX_NAME {
        Err(CheckInError::NameTooLong)
    } else {
        Ok(name)
    }
}

/// A kiosk's queue numbers: the last one it gave out, and on which day (kept on the kiosk, which
/// holds no names).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketCounter {
    pub date: String,
    pub last: u32,
}

impl TicketCounter {
    /// Gives an accepted check-in the next number of `date` (`A-007`, the letter from
    /// [`ticket_prefix`]). A refused check-in is handed back refused and takes no number, so the
    /// queue has no gap for a visitor who was sent back to fix their name.
    pub fn number(
        &mut self,
        date: NaiveDate,
        prefix: char,
        check_in: Result<CheckIn, CheckInError>,
    ) -> Result<CheckIn, CheckInError> {
        let check_in = check_in?;
        let date = date.to_string();
        if self.date != date {
            *self = TicketCounter { date, last: 0 };
        }
        self.last += 1;
        Ok(CheckIn { ticket: format!("{prefix}-{:03}", self.last), ..check_in })
    }
}

/// The letter a kiosk's tickets start with, from its device id (so two kiosks seldom hand out
/// the same number).
pub fn ticket_prefix(kiosk_device: &str) -> char {
    (b'A' + kiosk_device.bytes().next().unwrap_or(b'a') % 26) as char
}

/// Reads every well-formed check-in in an inbox document; malformed entries are skipped.
pub fn check_ins(inbox: &Automerge) -> Vec<CheckIn> {
    crate::records::every(inbox).into_iter().filter(|c: &CheckIn| !c.name.is_empty()).collect()
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    fn visit(n: u8) -> VisitId {
        VisitId::from_random([n; 16])
    }

    #[test]
    fn names_are_trimmed_and_required() {
        let c = CheckIn::new(visit(1), "  Ana   María ", VisitReason::WalkIn, "", "A-001".into(), 5, "k").unwrap();
        assert_eq!(c.name, "Ana María");
        assert_eq!(
            CheckIn::new(visit(1), "   ", VisitReason::WalkIn, "", "A".into(), 5, "k"),
            Err(CheckInError::NameMissing)
        );
        let long = "x".repeat(MAX_NAME + 1);
        assert_eq!(
            CheckIn::new(visit(1), &long, VisitReason::WalkIn, "", "A".into(), 5, "k"),
            Err(CheckInError::NameTooLong)
        );
    }

    #[test]
    fn insurance_is_optional_and_old_check_ins_without_it_still_read() {
        let c = CheckIn::new(visit(4), "Ana", VisitReason::Appointment, "", "A".into(), 1, "k").unwrap();
        assert_eq!(c.clone().with_insurance(" ", "").unwrap().insurance, None);
        assert_eq!(
            c.clone().with_insurance("Sanitas", " SN-4471 ").unwrap().insurance.as_deref(),
            Some("Sanitas · SN-4471")
        );
        assert_eq!(c.clone().with_insurance(&"x".repeat(61), "").unwrap_err(), CheckInError::DetailTooLong);
        // A check-in written by an app from before the field existed.
        let mut doc = automerge::AutoCommit::new();
        let old = doc.put_object(automerge::ROOT, c.id.as_str(), automerge::ObjType::Map).unwrap();
        for (k, v) in [("id", c.id.as_str()), ("name", "Ana"), ("detail", ""), ("ticket", "A"), ("device", "k")] {
            doc.put(&old, k, v).unwrap();
        }
        doc.put(&old, "at_ms", 1i64).unwrap();
        autosurgeon::reconcile_prop(&mut doc, &old, "reason", VisitReason::Appointment).unwrap();
        let read = check_ins(doc.document());
        assert_eq!(read.len(), 1, "an old check-in is still read");
        assert_eq!(read[0].insurance, None);
        assert_eq!(read[0].host, None);
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_refused_check_in_takes_no_ticket_number() {
        let mut counter = TicketCounter::default();
        let typed = |name: &str| CheckIn::new(visit(1), name, VisitReason::WalkIn, "", String::new(), 5, "k");
        let first = counter.number(day(26), 'A', typed("Ana")).unwrap();
        assert_eq!(first.ticket, "A-001");
        let before = counter.clone();
        assert_eq!(counter.number(day(26), 'A', typed("   ")), Err(CheckInError::NameMissing));
        let insurance = typed("Bo").and_then(|c| c.with_insurance(&"x".repeat(61), ""));
        assert_eq!(counter.number(day(26), 'A', insurance), Err(CheckInError::DetailTooLong));
        assert_eq!(counter, before, "the refused check-ins left the counter as it was");
        assert_eq!(counter.number(day(26), 'A', typed("Bo")).unwrap().ticket, "A-002", "no gap");
        // A new day starts again at 1.
        assert_eq!(counter.number(day(27), 'A', typed("Cleo")).unwrap().ticket, "A-001");
    }

    #[test]
    fn a_kiosk_keeps_its_ticket_letter() {
        assert_eq!(ticket_prefix("a1b2"), ticket_prefix("a9"));
        for id in ["", "0", "a1", "zz", "ÿ-kiosk"] {
            assert!(ticket_prefix(id).is_ascii_uppercase(), "{id:?}");
        }
    }

    #[test]
    fn independent_check_in_chunks_merge_into_one_inbox() {
        let a = CheckIn::new(visit(1), "Ana", VisitReason::Appointment, "", "A-001".into(), 1, "k").unwrap();
        let b = CheckIn::new(visit(2), "Bo", VisitReason::SeeStaff, "Dr. Ruiz", "A-002".into(), 2, "k").unwrap();
        let mut inbox = Automerge::new();
        inbox.load_incremental(&a.to_inbox_chunk()).unwrap();
        inbox.load_incremental(&b.to_inbox_chunk()).unwrap();
        // Applying a chunk twice changes nothing.
        inbox.load_incremental(&a.to_inbox_chunk()).unwrap();
        let mut found = check_ins(&inbox);
        found.sort_by_key(|c| c.at_ms);
        assert_eq!(found, vec![a, b]);
    }

    #[test]
    fn a_malformed_entry_does_not_hide_the_others() {
        let good = CheckIn::new(visit(3), "Cleo", VisitReason::WalkIn, "", "A-003".into(), 3, "k").unwrap();
        let mut bad = AutoCommit::new();
        bad.put(ROOT, "junk", 42).unwrap();
        let mut inbox = Automerge::new();
        inbox.load_incremental(&good.to_inbox_chunk()).unwrap();
        inbox.load_incremental(&bad.save()).unwrap();
        assert_eq!(check_ins(&inbox), vec![good]);
    }
}
