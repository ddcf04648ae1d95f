//! What a page shows, read from the documents a device holds: the rule of which documents make
//! up a screen lives here once, not in each page that shows it.

use chrono::NaiveDate;

use frontdesk_protocol::Area;

use crate::billing::{self, Invoice, Payment};
use crate::board::{BoardEntry, arrivals_board};
use crate::check_in::{CheckIn, check_ins};
use crate::doc_name;
use crate::documents::Documents;
use crate::orders::{self, Order};
use crate::payroll::{self, HeldPunch};
use crate::schedule::{self, Booking, Conflict};
use crate::sorting::SortDyn;
use crate::stays::{self, Stay};
use crate::visit_status::status_events;

/// Every check-in of `date`, from every kiosk's inbox of that day the device holds.
///
/// A check-in never counts as later than the relay had it (as a punch, see [`HeldPunch::at_ms`]):
/// a kiosk whose clock runs fast cannot make a visitor's wait look shorter. A kiosk that was
/// offline keeps its own, earlier, time.
pub fn arrivals(docs: &impl Documents, date: NaiveDate) -> Vec<CheckIn> {
    let mut all = Vec::new();
    for inbox in docs.names_under(&doc_name::inbox_prefix(date)) {
        for mut check_in in docs.read(&inbox, check_ins).unwrap_or_default() {
            if let Some(received_ms) = docs.received(&inbox, &check_in.id) {
                check_in.at_ms = check_in.at_ms.min(received_ms);
            }
            all.push(check_in);
        }
    }
    all
}

/// The arrivals board of `date` as of `now_ms`: the day's check-ins (its inboxes) with the
/// status events of its day document.
pub fn board(docs: &impl Documents, date: NaiveDate, now_ms: i64) -> Vec<BoardEntry> {
    let events = docs.read(&doc_name::day(date), status_events).unwrap_or_default();
    arrivals_board(arrivals(docs, date), &events, now_ms)
}

/// One day of the calendar: its bookings (marked arrived when a check-in names them) and the
/// conflicts its bookings left.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CalendarDay {
    pub bookings: Vec<Booking>,
    pub conflicts: Vec<Conflict>,
    /// Bookings moved and cancelled (or moved twice) on tablets that were apart.
    pub crossed: Vec<schedule::CrossedMove>,
}

/// The calendar's day `date`.
pub fn calendar_day(docs: &impl Documents, date: NaiveDate) -> CalendarDay {
    let arrived = arrivals(docs, date);
    docs.read(&doc_name::day(date), |day| {
        let bookings = schedule::bookings(day);
        // A check-in names its booking (found by code), or says the name and phone it was found
        // with (the kiosk's entry does not name the booking).
        let checked_in: Vec<String> = arrived
            .iter()
            .filter_map(|c| match (&c.booking, c.phone_and_start()) {
                (Some(booking), _) => Some(booking.clone()),
                (None, Some((phone, start))) => crate::lookup::booking_for(&c.name, phone, start, &bookings, date),
                (None, None) => None,
            })
            .collect();
        CalendarDay {
            bookings: schedule::with_arrivals(bookings, checked_in.iter().map(String::as_str)),
            conflicts: schedule::conflicts(day),
            crossed: schedule::crossed_moves(day),
        }
    })
    .unwrap_or_default()
}

/// Every record `read` finds in every document of `area` the device holds (every day's
/// bookings, every month's stays, every device's time clock it follows).
fn every<T>(docs: &impl Documents, area: Area, read: fn(&automerge::Automerge) -> Vec<T>) -> Vec<T> {
    docs.names_under(&doc_name::prefix(area)).iter().flat_map(|doc| docs.read(doc, read).unwrap_or_default()).collect()
}

/// Every booking of every day the device holds (a client's history, the search box).
pub fn bookings_held(docs: &impl Documents) -> Vec<Booking> {
    every(docs, Area::Day, schedule::bookings)
}

/// Every hotel stay of every month the device holds.
pub fn stays_held(docs: &impl Documents) -> Vec<Stay> {
    every(docs, Area::Stays, stays::stays)
}

/// Every time-clock punch the device holds (a manager's desk follows every device's clock of
/// this month and the last).
pub fn punches_held(docs: &impl Documents) -> Vec<HeldPunch> {
    let mut held = Vec::new();
    for name in docs.names_under(&doc_name::prefix(Area::Timeclock)) {
        for punch in docs.read(&name, payroll::punches).unwrap_or_default() {
            let received_ms = docs.received(&name, &crate::records::key(payroll::PUNCH, &punch.id));
            held.push(HeldPunch { punch, received_ms });
        }
    }
    held
}

/// The orders of `months`, newest first.
pub fn orders(docs: &impl Documents, months: &[NaiveDate]) -> Vec<Order> {
    let mut all: Vec<Order> =
        months.iter().flat_map(|m| docs.read(&doc_name::orders(*m), orders::orders).unwrap_or_default()).collect();
    all.sort_dyn_by(|a, b| (b.made_ms, &b.id).cmp(&(a.made_ms, &a.id)));
    all
}

/// The invoices of some months and the payments made on them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ledger {
    /// Newest first.
    pub invoices: Vec<Invoice>,
    pub payments: Vec<Payment>,
}

/// The ledger of `months` (a desk's money screens show this month's and the last).
pub fn ledger(docs: &impl Documents, months: &[NaiveDate]) -> Ledger {
    let mut ledger = Ledger::default();
    for month in months {
        let doc = doc_name::invoices(*month);
        ledger.invoices.extend(docs.read(&doc, billing::invoices).unwrap_or_default());
        ledger.payments.extend(docs.read(&doc, billing::payments).unwrap_or_default());
    }
    ledger.invoices.sort_dyn_by(|a, b| (b.issued_ms, &b.number).cmp(&(a.issued_ms, &a.number)));
    ledger
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_in::VisitReason;
    use crate::ids::{EventId, VisitId};
    use crate::reports::{self, Labels};
    use crate::visit_status::{StatusEvent, VisitStatus};
    use automerge::{AutoCommit, Automerge};
    use chrono::{DateTime, NaiveDateTime};
    use std::collections::BTreeMap;

    const MINUTE: i64 = 60_000;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn check_in(n: u8, at_min: i64, kiosk: &str) -> CheckIn {
        let name = format!("Visitor {n}");
        let ticket = format!("A-{n:03}");
        CheckIn::new(VisitId::from_random([n; 16]), &name, VisitReason::WalkIn, "", ticket, at_min * MINUTE, kiosk)
            .unwrap()
    }

    fn inbox(check_ins: &[CheckIn]) -> Automerge {
        let mut doc = Automerge::new();
        for c in check_ins {
            doc.load_incremental(&c.to_inbox_chunk([0; 8])).unwrap();
        }
        doc
    }

    /// Two kiosks' inboxes of the day, one of the day before, and the day's status events.
    fn held() -> (BTreeMap<String, Automerge>, Vec<CheckIn>) {
        let (a, b, c) = (check_in(1, 0, "k1"), check_in(2, 5, "k2"), check_in(3, 10, "k1"));
        let yesterday = check_in(4, 0, "k1");
        let mut day = AutoCommit::new();
        let event = |n: u8, visit: &CheckIn, status, at_min: i64| {
            StatusEvent::set(EventId::from_random([n; 16]), &visit.id, status, at_min * MINUTE, "desk")
        };
        for e in [
            event(1, &a, VisitStatus::Called, 12),
            event(2, &a, VisitStatus::Done, 30),
            event(3, &b, VisitStatus::Called, 25),
            event(4, &c, VisitStatus::NoShow, 40),
        ] {
            e.record(&mut day).unwrap();
        }
        let mut docs = BTreeMap::new();
        docs.insert(doc_name::inbox(date(), "k1"), inbox(&[a.clone(), c.clone()]));
        docs.insert(doc_name::inbox(date(), "k2"), inbox(std::slice::from_ref(&b)));
        docs.insert(doc_name::inbox(date().pred_opt().unwrap(), "k1"), inbox(&[yesterday]));
        docs.insert(doc_name::day(date()), day.document().clone());
        (docs, vec![a, b, c])
    }

    #[test]
    fn the_board_reads_every_kiosk_of_the_day_and_the_day_document() {
        let (docs, expected) = held();
        let board = board(&docs, date(), 60 * MINUTE);
        let read: Vec<&CheckIn> = board.iter().map(|e| &e.check_in).collect();
        assert_eq!(read, expected.iter().collect::<Vec<_>>(), "both kiosks, not the day before, in order");
        let statuses: Vec<VisitStatus> = board.iter().map(|e| e.status).collect();
        assert_eq!(statuses, vec![VisitStatus::Done, VisitStatus::Called, VisitStatus::NoShow]);
        // A day with nothing held is an empty board, not an error.
        assert!(super::board(&docs, date().succ_opt().unwrap(), 0).is_empty());
    }

    /// Documents as a desk holds them, with the relay's receive time of some records.
    struct Received {
        docs: BTreeMap<String, Automerge>,
        receipts: BTreeMap<(String, String), i64>,
    }

    impl Documents for Received {
        fn read<R>(&self, name: &str, f: impl FnOnce(&Automerge) -> R) -> Option<R> {
            self.docs.read(name, f)
        }
        fn names_under(&self, prefix: &str) -> Vec<String> {
            self.docs.names_under(prefix)
        }
        fn received(&self, name: &str, key: &str) -> Option<i64> {
            self.receipts.get(&(name.to_owned(), key.to_owned())).copied()
        }
    }

    #[test]
    fn a_check_in_never_counts_as_later_than_the_relay_had_it() {
        // k2's clock runs 45 minutes fast: its visitor (checked in at 5 by the relay) says 50.
        let fast = check_in(2, 50, "k2");
        // k1 was offline: its visitor checked in at 0 and reached the relay at 20.
        let offline = check_in(1, 0, "k1");
        let mut docs = BTreeMap::new();
        docs.insert(doc_name::inbox(date(), "k1"), inbox(std::slice::from_ref(&offline)));
        docs.insert(doc_name::inbox(date(), "k2"), inbox(std::slice::from_ref(&fast)));
        let mut receipts = BTreeMap::new();
        receipts.insert((doc_name::inbox(date(), "k2"), fast.id.clone()), 5 * MINUTE);
        receipts.insert((doc_name::inbox(date(), "k1"), offline.id.clone()), 20 * MINUTE);
        let held = Received { docs, receipts };

        let at: BTreeMap<String, i64> = arrivals(&held, date()).into_iter().map(|c| (c.ticket, c.at_ms)).collect();
        assert_eq!(at[&fast.ticket], 5 * MINUTE, "the fast kiosk's visitor counts from when the relay had it");
        assert_eq!(at[&offline.ticket], 0, "the offline kiosk's visitor keeps their own, earlier, time");
        // At 30, the fast kiosk's visitor has waited 25 minutes, not none.
        let board = board(&held, date(), 30 * MINUTE);
        let waited: Vec<i64> = board.iter().map(|e| e.waited_ms / MINUTE).collect();
        assert_eq!(waited, vec![30, 25]);
        // Without receipts (a device that did not see them arrive), each kiosk's own time.
        let plain = arrivals(&held.docs, date());
        assert!(plain.iter().any(|c| c.at_ms == 50 * MINUTE));
    }

    #[test]
    fn the_board_and_the_report_give_the_same_average_wait_for_a_day() {
        let (docs, _) = held();
        let day_board = board(&docs, date(), 60 * MINUTE);
        let on_board = crate::board::waits(&day_board);
        let labels = Labels { products: String::new(), rooms: String::new(), other: String::new() };
        let utc = |ms: i64| -> NaiveDateTime { DateTime::from_timestamp_millis(ms).unwrap().naive_utc() };
        let days = [reports::Day { date: date(), board: day_board.clone(), bookings: Vec::new() }];
        let report = reports::build(&days, &[], &[], (0, 0), utc, |_| None, &labels);
        // Waits of 12 and 20 minutes (the no-show's does not count): 16 on both.
        assert_eq!(on_board.average_ms, Some(16 * MINUTE));
        assert_eq!(report.average_wait_ms, on_board.average_ms);
        assert_eq!(report.longest_wait_ms, on_board.longest_ms);
    }

    #[test]
    fn the_calendar_marks_bookings_a_kiosk_checked_in() {
        let mut booked = Booking::sample("b1");
        booked.date = date().to_string();
        let mut other = Booking::sample("b2");
        other.date = date().to_string();
        other.start_min = booked.start_min + 60;
        (other.client, other.phone) = ("Luis Paz".into(), "+34 611 222 333".into());
        let mut day = AutoCommit::new();
        schedule::put_booking(&mut day, &booked).unwrap();
        schedule::put_booking(&mut day, &other).unwrap();
        let arrived = check_in(1, 0, "k1").for_booking(Some("b1".into()));
        let mut docs = BTreeMap::new();
        docs.insert(doc_name::day(date()), day.document().clone());
        docs.insert(doc_name::inbox(date(), "k1"), inbox(std::slice::from_ref(&arrived)));
        let view = calendar_day(&docs, date());
        let expected = schedule::with_arrivals(vec![booked.clone(), other.clone()], ["b1"]);
        let mut bookings = view.bookings.clone();
        bookings.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(bookings, expected);
        assert_ne!(bookings[0].state, bookings[1].state, "only the one checked in is marked");
        assert!(view.conflicts.is_empty());
        // Found by name and phone: the check-in names no booking, the desk finds it.
        let by_phone = CheckIn { name: other.client.clone(), ..arrived }
            .for_booking(None)
            .found_by_phone(Some((&other.phone, other.start_min)));
        assert_eq!(by_phone.phone_and_start(), Some(("611222333", Some(other.start_min))));
        docs.insert(doc_name::inbox(date(), "k1"), inbox(&[by_phone]));
        let mut bookings = calendar_day(&docs, date()).bookings;
        bookings.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(bookings, schedule::with_arrivals(vec![booked, other], ["b2"]));
    }

    #[test]
    fn bookings_are_gathered_from_every_day_held_and_nothing_else() {
        let mut docs = BTreeMap::new();
        for (n, date) in [date(), date().succ_opt().unwrap()].into_iter().enumerate() {
            let mut booking = Booking::sample(&format!("b{n}"));
            booking.date = date.to_string();
            let mut day = AutoCommit::new();
            schedule::put_booking(&mut day, &booking).unwrap();
            docs.insert(doc_name::day(date), day.document().clone());
        }
        // A booking record in a document of another area is not a booking of the calendar.
        let mut stray = AutoCommit::new();
        schedule::put_booking(&mut stray, &Booking::sample("elsewhere")).unwrap();
        docs.insert(doc_name::stays(date()), stray.document().clone());
        let mut ids: Vec<String> = bookings_held(&docs).into_iter().map(|b| b.id).collect();
        ids.sort();
        assert_eq!(ids, ["b0", "b1"]);
    }

    #[test]
    fn the_ledger_holds_the_months_asked_for_newest_invoice_first() {
        let invoice = |id: &str, date: NaiveDate, issued_ms: i64| billing::Invoice {
            id: id.into(),
            number: format!("N-{id}"),
            series: "ABCD".into(),
            client: "c".into(),
            client_name: "Ana".into(),
            lines: Vec::new(),
            notes: String::new(),
            currency: "EUR".into(),
            issued_by: "d".into(),
            issued_ms,
            date: date.to_string(),
            void: false,
        };
        let this = date();
        let last = NaiveDate::from_ymd_opt(2026, 10, 3).unwrap();
        let older = NaiveDate::from_ymd_opt(2026, 9, 3).unwrap();
        let mut docs = BTreeMap::new();
        for (id, date, at) in [("old", last, 1), ("new", this, 3), ("mid", this, 2), ("gone", older, 4)] {
            let mut doc = AutoCommit::new();
            if let Some(held) = docs.get(&doc_name::invoices(date)) {
                doc = AutoCommit::load(&Automerge::save(held)).unwrap();
            }
            billing::put_invoice(&mut doc, &invoice(id, date, at)).unwrap();
            docs.insert(doc_name::invoices(date), doc.document().clone());
        }
        let ledger = ledger(&docs, &[this, last]);
        let ids: Vec<&str> = ledger.invoices.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["new", "mid", "old"], "this month and the last, newest first; September left out");
        assert!(ledger.payments.is_empty());
    }
}
