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
    /// When they found their appointment by name and phone, `<digits>@<minutes>`: the last nine
    /// digits of that phone and the start the kiosk showed them. The kiosk's entry does not say
    /// which booking it is (issue 19); the desks find it from this and the name
    /// ([`CheckIn::found_by_phone`], `lookup::booking_for`) — of two bookings with the same name
    /// and phone that day, the one they saw.
    #[autosurgeon(missing = "Default::default")]
    pub found_by: Option<String>,
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
            found_by: None,
        })
    }

    /// Links the check-in to the booking the visitor came for.
    pub fn for_booking(self, booking: Option<String>) -> CheckIn {
        CheckIn { booking, ..self }
    }

    /// Records the phone a visitor found their appointment with (its last nine digits) and the
    /// start they were shown.
    pub fn found_by_phone(self, found: Option<(&str, u32)>) -> CheckIn {
        let found_by = found
            .map(|(phone, start)| (crate::lookup::fold_phone(phone), start))
            .filter(|(digits, _)| !digits.is_empty())
            .map(|(digits, start)| format!("{digits}@{start}"));
        CheckIn { found_by, ..self }
    }

    /// What [`CheckIn::found_by_phone`] recorded: the phone's digits and the start shown.
    pub fn phone_and_start(&self) -> Option<(&str, Option<u32>)> {
        let (digits, start) = self.found_by.as_deref()?.split_once('@')?;
        Some((digits, start.parse().ok()))
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
    /// Each check-in is its own tiny change, stored at the inbox root under its id, so a kiosk
    /// needs no earlier state to write one and can forget it once the relay has it; every such
    /// chunk merges cleanly into the inbox document. Its actor is the kiosk's (`tag`, its key's:
    /// `authorship`) followed by half the visit id, unique to the check-in.
    pub fn to_inbox_chunk(&self, tag: [u8; crate::authorship::TAG_LEN]) -> Vec<u8> {
        let random = self.id.parse::<VisitId>().map(|id| id.0).unwrap_or_else(|_| {
            let mut bytes = [0; 16];
            bytes.iter_mut().zip(self.id.bytes().rev()).for_each(|(b, c)| *b = c);
            bytes
        });
        let actor = ActorId::from(&crate::authorship::actor(tag, random)[..]);
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

/// A kiosk's queue numbers: its letter of the day and the last number it gave out (kept on the
/// kiosk, which holds no names).
///
/// Numbers stay unique per day whatever happens to one kiosk: a letter belongs to one device a
/// day, and the desks publish in the kiosk document which letters each device used today and
/// how far it got ([`Issued`]). A kiosk whose storage was cleared (a new device once it pairs
/// again) or that replaces another chooses a letter no other device used today; one that lost
/// only its counter goes on from the last number the desks saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketCounter {
    pub date: String,
    pub last: u32,
    /// The letter of `date` (none yet, or a counter saved before letters were chosen).
    #[serde(default)]
    pub letter: Option<char>,
}

/// How far one device got with one letter on one day, as the desks saw its check-ins.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Issued {
    pub date: String,
    pub device: String,
    pub letter: String,
    pub last: u32,
}

impl Issued {
    /// The record's key in the kiosk document (one per device and letter).
    pub fn record_key(&self) -> String {
        format!("{}.{}", self.device, self.letter)
    }

    /// Whether it is the record of `letter` (exactly: a record reading "DD" is no D's).
    fn is_letter(&self, letter: char) -> bool {
        let mut chars = self.letter.chars();
        chars.next() == Some(letter) && chars.next().is_none()
    }
}

/// The letters and last numbers each device gave out on `date`, from the check-ins the desk
/// holds (a ticket that does not read `X-123`, such as a desk's own walk-in, is skipped).
pub fn issued<'a>(check_ins: impl IntoIterator<Item = &'a CheckIn>, date: NaiveDate) -> Vec<Issued> {
    let mut last: std::collections::BTreeMap<(&str, char), u32> = std::collections::BTreeMap::new();
    for c in check_ins {
        if let Some((letter, number)) = parse_ticket(&c.ticket) {
            let seen = last.entry((c.device.as_str(), letter)).or_default();
            *seen = (*seen).max(number);
        }
    }
    let date = date.to_string();
    last.into_iter()
        .map(|((device, letter), last)| Issued {
            date: date.clone(),
            device: device.to_owned(),
            letter: letter.to_string(),
            last,
        })
        .collect()
}

/// A queue number's letter and number (`B-007` → `('B', 7)`).
pub fn parse_ticket(ticket: &str) -> Option<(char, u32)> {
    let (letter, number) = ticket.split_once('-')?;
    let mut chars = letter.chars();
    let letter = chars.next().filter(|c| c.is_ascii_uppercase() && chars.next().is_none())?;
    Some((letter, number.parse().ok()?))
}

impl TicketCounter {
    /// Gives an accepted check-in the next number of `date` (`A-007`) for the kiosk `device`,
    /// given what the desks published (`issued`, any day). A refused check-in is handed back
    /// refused and takes no number, so the queue has no gap for a visitor who was sent back to
    /// fix their name.
    pub fn number(
        &mut self,
        date: NaiveDate,
        device: &str,
        issued: &[Issued],
        check_in: Result<CheckIn, CheckInError>,
    ) -> Result<CheckIn, CheckInError> {
        let check_in = check_in?;
        let day = date.to_string();
        if self.date != day {
            *self = TicketCounter { date: day.clone(), last: 0, letter: None };
        }
        let today: Vec<&Issued> = issued.iter().filter(|i| i.date == day).collect();
        let held_by_other = |letter: char, only_smaller: bool| {
            today
                .iter()
                .any(|i| i.is_letter(letter) && i.device != device && (!only_smaller || i.device.as_str() < device))
        };
        // Two devices that chose the same letter (both offline and new) find out from the desks;
        // the one with the smaller id keeps it, the other moves on.
        // With every letter taken today (26 kiosks came and went), the preferred one is shared
        // and its numbers go on after the highest any device reached.
        let (letter, shared) = match self.letter {
            Some(letter) if !held_by_other(letter, true) => (letter, false),
            _ => {
                let first = ticket_prefix(device) as u8 - b'A';
                (0..26u8)
                    .map(|i| (b'A' + (first + i) % 26) as char)
                    .find(|l| !held_by_other(*l, false))
                    .map_or((ticket_prefix(device), true), |l| (l, false))
            }
        };
        if self.letter != Some(letter) {
            (self.letter, self.last) = (Some(letter), 0);
        }
        let seen = today.iter().filter(|i| (shared || i.device == device) && i.is_letter(letter)).map(|i| i.last).max();
        // (A record claiming the highest number there is, from a desk gone bad, stops there.)
        self.last = self.last.max(seen.unwrap_or(0)).saturating_add(1);
        Ok(CheckIn { ticket: format!("{letter}-{:03}", self.last), ..check_in })
    }
}

/// The letter a kiosk would rather start its tickets with, from its device id (spread over the
/// alphabet, so two kiosks seldom want the same one).
pub fn ticket_prefix(kiosk_device: &str) -> char {
    let hash = kiosk_device.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    (b'A' + (hash % 26) as u8) as char
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

    fn typed(name: &str, device: &str) -> Result<CheckIn, CheckInError> {
        CheckIn::new(visit(1), name, VisitReason::WalkIn, "", String::new(), 5, device)
    }

    #[test]
    fn a_refused_check_in_takes_no_ticket_number() {
        let mut counter = TicketCounter::default();
        let letter = ticket_prefix("k");
        let first = counter.number(day(26), "k", &[], typed("Ana", "k")).unwrap();
        assert_eq!(first.ticket, format!("{letter}-001"));
        let before = counter.clone();
        assert_eq!(counter.number(day(26), "k", &[], typed("   ", "k")), Err(CheckInError::NameMissing));
        let insurance = typed("Bo", "k").and_then(|c| c.with_insurance(&"x".repeat(61), ""));
        assert_eq!(counter.number(day(26), "k", &[], insurance), Err(CheckInError::DetailTooLong));
        assert_eq!(counter, before, "the refused check-ins left the counter as it was");
        assert_eq!(counter.number(day(26), "k", &[], typed("Bo", "k")).unwrap().ticket, format!("{letter}-002"));
        // A new day starts again at 1.
        assert_eq!(counter.number(day(27), "k", &[], typed("Cleo", "k")).unwrap().ticket, format!("{letter}-001"));
    }

    #[test]
    fn a_kiosk_keeps_its_ticket_letter() {
        assert_eq!(ticket_prefix("a1b2"), ticket_prefix("a1b2"));
        for id in ["", "0", "a1", "zz", "ÿ-kiosk"] {
            assert!(ticket_prefix(id).is_ascii_uppercase(), "{id:?}");
        }
        // Device ids are hex: their preferred letters cover the whole alphabet.
        let letters: std::collections::BTreeSet<char> =
            (0..2000u32).map(|n| ticket_prefix(&format!("{n:x}"))).collect();
        assert_eq!(letters.len(), 26);
    }

    #[test]
    fn tickets_read_back_as_letter_and_number() {
        assert_eq!(parse_ticket("B-007"), Some(('B', 7)));
        assert_eq!(parse_ticket("Z-1234"), Some(('Z', 1234)));
        for bad in ["", "B", "B-", "b-001", "BB-001", "-001", "B-x1", "Ñ-001"] {
            assert_eq!(parse_ticket(bad), None, "{bad:?}");
        }
    }

    /// Two device ids that would rather have the same letter.
    fn same_letter_ids() -> (String, String) {
        let first = "k0".to_owned();
        let other = (1..).map(|n| format!("k{n}")).find(|id| ticket_prefix(id) == ticket_prefix(&first)).unwrap();
        (first, other)
    }

    /// What the desks would publish after seeing every ticket in `given`.
    fn published(given: &[CheckIn]) -> Vec<Issued> {
        issued(given, day(26))
    }

    #[test]
    fn a_kiosk_whose_storage_was_cleared_takes_a_letter_no_one_used_today() {
        let (old, new) = same_letter_ids();
        let mut counter = TicketCounter::default();
        let given: Vec<CheckIn> =
            (0..3).map(|_| counter.number(day(26), &old, &[], typed("Ana", &old)).unwrap()).collect();
        // Cleared: a new device (it paired again) with an empty counter.
        let mut fresh = TicketCounter::default();
        let next = fresh.number(day(26), &new, &published(&given), typed("Bo", &new)).unwrap();
        assert_ne!(parse_ticket(&next.ticket).unwrap().0, ticket_prefix(&old), "{}", next.ticket);
        assert_eq!(parse_ticket(&next.ticket).unwrap().1, 1);
        // Yesterday's letters do not count today.
        let yesterday = vec![Issued { date: day(25).to_string(), ..published(&given)[0].clone() }];
        let mut fresh = TicketCounter::default();
        let today = fresh.number(day(26), &new, &yesterday, typed("Bo", &new)).unwrap();
        assert_eq!(today.ticket, format!("{}-001", ticket_prefix(&new)));
    }

    #[test]
    fn a_kiosk_that_lost_only_its_counter_goes_on_from_what_the_desks_saw() {
        let mut counter = TicketCounter::default();
        let given: Vec<CheckIn> =
            (0..4).map(|_| counter.number(day(26), "k", &[], typed("Ana", "k")).unwrap()).collect();
        let mut lost = TicketCounter::default();
        let next = lost.number(day(26), "k", &published(&given), typed("Bo", "k")).unwrap();
        assert_eq!(next.ticket, format!("{}-005", ticket_prefix("k")));
    }

    #[test]
    fn two_kiosks_on_one_letter_part_ways_once_the_desks_see_both() {
        let (small, large) = same_letter_ids();
        let (mut a, mut b) = (TicketCounter::default(), TicketCounter::default());
        // Both offline and new: the same letter (the one collision this cannot prevent).
        let x = a.number(day(26), &small, &[], typed("Ana", &small)).unwrap();
        let y = b.number(day(26), &large, &[], typed("Bo", &large)).unwrap();
        assert_eq!(x.ticket, y.ticket);
        let seen = published(&[x.clone(), y.clone()]);
        let x2 = a.number(day(26), &small, &seen, typed("Cleo", &small)).unwrap();
        let y2 = b.number(day(26), &large, &seen, typed("Dan", &large)).unwrap();
        assert_eq!(x2.ticket, format!("{}-002", ticket_prefix(&small)), "the smaller id keeps its letter");
        assert_ne!(parse_ticket(&y2.ticket).unwrap().0, ticket_prefix(&small), "the other moves on: {}", y2.ticket);
        assert_eq!(parse_ticket(&y2.ticket).unwrap().1, 1);
    }

    #[test]
    fn a_forged_record_cannot_make_a_kiosk_fail() {
        let forged = |letter: &str, last: u32| Issued {
            date: day(26).to_string(),
            device: "k".into(),
            letter: letter.into(),
            last,
        };
        let mut counter = TicketCounter::default();
        let letter = ticket_prefix("k").to_string();
        let huge = counter.number(day(26), "k", &[forged(&letter, u32::MAX)], typed("Ana", "k")).unwrap();
        assert_eq!(huge.ticket, format!("{letter}-{}", u32::MAX), "no overflow, no panic");
        // Letters that are no letter are never taken for one.
        let mut counter = TicketCounter::default();
        let other = |letter: &str| Issued { device: "x".into(), ..forged(letter, 5) };
        let odd = [other(""), other("ÑÑ"), other("-"), other(&format!("{letter}{letter}"))];
        assert_eq!(counter.number(day(26), "k", &odd, typed("Bo", "k")).unwrap().ticket, format!("{letter}-001"));
    }

    #[test]
    fn every_letter_taken_still_gives_a_number() {
        let given: Vec<CheckIn> = (0..26u8)
            .map(|i| CheckIn {
                ticket: format!("{}-001", (b'A' + i) as char),
                ..typed("Ana", &format!("d{i}")).unwrap()
            })
            .collect();
        let mut counter = TicketCounter::default();
        let next = counter.number(day(26), "zz", &published(&given), typed("Bo", "zz")).unwrap();
        assert_eq!(next.ticket, format!("{}-002", ticket_prefix("zz")), "after the one already given");
    }

    #[test]
    fn independent_check_in_chunks_merge_into_one_inbox() {
        let a = CheckIn::new(visit(1), "Ana", VisitReason::Appointment, "", "A-001".into(), 1, "k").unwrap();
        let b = CheckIn::new(visit(2), "Bo", VisitReason::SeeStaff, "Dr. Ruiz", "A-002".into(), 2, "k").unwrap();
        let mut inbox = Automerge::new();
        inbox.load_incremental(&a.to_inbox_chunk([0; 8])).unwrap();
        inbox.load_incremental(&b.to_inbox_chunk([0; 8])).unwrap();
        // Applying a chunk twice changes nothing.
        inbox.load_incremental(&a.to_inbox_chunk([0; 8])).unwrap();
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
        inbox.load_incremental(&good.to_inbox_chunk([0; 8])).unwrap();
        inbox.load_incremental(&bad.save()).unwrap();
        assert_eq!(check_ins(&inbox), vec![good]);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn typed(name: &str, device: &str) -> Result<CheckIn, CheckInError> {
        CheckIn::new(VisitId::from_random([1; 16]), name, VisitReason::WalkIn, "", String::new(), 5, device)
    }

    fn published(given: &[CheckIn]) -> Vec<Issued> {
        issued(given, day())
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 26).unwrap()
    }

    proptest! {
        /// Kiosks come and go (storage cleared, kiosk replaced: a new device with an empty
        /// counter) or lose only their counter, between check-ins the desks see: no number is
        /// ever given twice in a day.
        #[test]
        fn queue_numbers_stay_unique_whatever_happens_to_a_kiosk(
            steps in prop::collection::vec((0..3usize, 0..10u8), 1..120),
        ) {
            let mut kiosks: Vec<(String, TicketCounter)> =
                (0..3).map(|i| (format!("k{i}"), TicketCounter::default())).collect();
            let mut given: Vec<CheckIn> = Vec::new();
            let mut next_id = 3;
            for (which, what) in steps {
                match what {
                    0 if next_id < 24 => {
                        kiosks[which] = (format!("k{next_id}"), TicketCounter::default());
                        next_id += 1;
                    }
                    1 => kiosks[which].1 = TicketCounter::default(),
                    _ => {}
                }
                let seen = published(&given);
                let (id, counter) = &mut kiosks[which];
                let c = counter.number(day(), id, &seen, typed("Ana", id)).unwrap();
                prop_assert!(!given.iter().any(|g| g.ticket == c.ticket), "{} given twice", c.ticket);
                given.push(c);
            }
        }
    }
}
