//! Reports for the manager: visits per day and per hour, waits, no-shows, revenue by service
//! and by payment method — computed from the documents a tablet holds, nothing stored.

use crate::sorting::SortDyn;
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, Timelike};

use crate::billing::{Invoice, Method, Payment};
use crate::board::BoardEntry;
use crate::schedule::{Booking, BookingState};
use crate::visit_status::VisitStatus;

/// One day's data: its board (arrivals and their status) and its bookings.
#[derive(Clone, Debug, Default)]
pub struct Day {
    pub date: NaiveDate,
    pub board: Vec<BoardEntry>,
    pub bookings: Vec<Booking>,
}

/// What revenue lines that do not name a service are grouped under.
#[derive(Clone, Debug)]
pub struct Labels {
    pub products: String,
    pub rooms: String,
    pub other: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub visits_per_day: Vec<(NaiveDate, u32)>,
    /// Check-ins by local hour of the day.
    pub visits_per_hour: [u32; 24],
    pub visits: u32,
    /// Over visitors who were called in ([`crate::board::waits`], as the board shows it).
    pub average_wait_ms: Option<i64>,
    pub longest_wait_ms: Option<i64>,
    /// Bookings marked no-show plus visitors marked no-show at the desk.
    pub no_shows: u32,
    pub bookings: u32,
    /// Invoiced in the period (net + tax of live invoices), by service, largest first.
    pub revenue_by_service: Vec<(String, i64)>,
    /// Money taken minus refunds in the period, by method.
    pub revenue_by_method: BTreeMap<Method, i64>,
}

/// Builds the report over `days`; money over invoices dated in those days and payments made in
/// `[from_ms, to_ms)`. `local` turns an instant into the business's wall-clock time (its offset
/// may change within the period: summer time).
pub fn build(
    days: &[Day],
    invoices: &[Invoice],
    payments: &[Payment],
    (from_ms, to_ms): (i64, i64),
    local: impl Fn(i64) -> NaiveDateTime,
    service_name: impl Fn(&str) -> Option<String>,
    labels: &Labels,
) -> Report {
    let mut r = Report::default();
    for day in days {
        r.visits_per_day.push((day.date, day.board.len() as u32));
        for e in &day.board {
            r.visits += 1;
            r.visits_per_hour[local(e.check_in.at_ms).hour() as usize] += 1;
            if e.status == VisitStatus::NoShow {
                r.no_shows += 1;
            }
        }
        for b in day.bookings.iter().filter(|b| !matches!(b.state, BookingState::Cancelled | BookingState::Moved)) {
            r.bookings += 1;
            if b.state == BookingState::NoShow {
                r.no_shows += 1;
            }
        }
    }
    let waits = crate::board::waits(days.iter().flat_map(|d| &d.board));
    (r.average_wait_ms, r.longest_wait_ms) = (waits.average_ms, waits.longest_ms);
    let dates: Vec<String> = days.iter().map(|d| d.date.to_string()).collect();
    let booking_service = |id: &str| {
        days.iter().flat_map(|d| d.bookings.iter()).find(|b| b.id == id).and_then(|b| service_name(&b.service))
    };
    let mut by_service: BTreeMap<String, i64> = BTreeMap::new();
    for inv in invoices.iter().filter(|i| !i.void && dates.contains(&i.date)) {
        for line in &inv.lines {
            let label = match line.source.split_once('/') {
                Some(("booking", id)) => booking_service(id).unwrap_or_else(|| line.description.clone()),
                Some(("order", _)) => labels.products.clone(),
                Some(("stay", _)) => labels.rooms.clone(),
                _ => labels.other.clone(),
            };
            *by_service.entry(label).or_default() += line.amounts().total;
        }
    }
    r.revenue_by_service = by_service.into_iter().collect();
    r.revenue_by_service.sort_dyn_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for m in Method::ALL {
        r.revenue_by_method.insert(m, 0);
    }
    for p in payments.iter().filter(|p| (from_ms..to_ms).contains(&p.at_ms)) {
        *r.revenue_by_method.entry(p.method).or_default() += p.signed();
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn utc(ms: i64) -> NaiveDateTime {
        DateTime::from_timestamp_millis(ms).unwrap().naive_utc()
    }
    use crate::billing::InvoiceLine;
    use crate::check_in::{CheckIn, VisitReason};
    use crate::ids::VisitId;

    fn entry(hour: i64, status: VisitStatus, waited_min: i64) -> BoardEntry {
        let at = 1_795_392_000_000 + hour * 3_600_000;
        BoardEntry {
            check_in: CheckIn::new(
                VisitId::from_random([hour as u8; 16]),
                "Ana",
                VisitReason::WalkIn,
                "",
                "A1".into(),
                at,
                "k",
            )
            .unwrap(),
            status,
            last_event: None,
            waited_ms: waited_min * 60_000,
        }
    }

    #[test]
    fn visits_waits_no_shows_and_revenue() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut kept = Booking::sample("b1");
        kept.date = date.to_string();
        let mut missed = Booking::sample("b2");
        missed.state = BookingState::NoShow;
        let mut cancelled = Booking::sample("b3");
        cancelled.state = BookingState::Cancelled;
        let days = vec![Day {
            date,
            board: vec![
                entry(9, VisitStatus::Done, 10),
                entry(9, VisitStatus::Called, 30),
                entry(11, VisitStatus::NoShow, 0),
                entry(12, VisitStatus::Waiting, 99),
            ],
            bookings: vec![kept, missed, cancelled],
        }];
        let line = |source: &str, unit| InvoiceLine {
            description: "x".into(),
            qty: 1,
            unit_minor: unit,
            tax_bp: 0,
            discount_bp: 0,
            source: source.into(),
        };
        let invoice = Invoice {
            id: "i".into(),
            number: "n".into(),
            series: "S".into(),
            client: String::new(),
            client_name: "Ana".into(),
            lines: vec![line("booking/b1", 4500), line("order/o1", 1000), line("", 500)],
            notes: String::new(),
            currency: "EUR".into(),
            issued_by: "D".into(),
            issued_ms: 1,
            date: date.to_string(),
            void: false,
        };
        let pay = |m, amount, refund, at_ms| Payment {
            id: format!("{at_ms}"),
            invoice: "i".into(),
            method: m,
            amount_minor: amount,
            refund,
            note: String::new(),
            by: "D".into(),
            at_ms,
        };
        let payments = vec![
            pay(Method::Card, 4500, false, 10),
            pay(Method::Cash, 1500, false, 20),
            pay(Method::Cash, 500, true, 30),
            pay(Method::Card, 1, false, 999),
        ];
        let labels = Labels { products: "Products".into(), rooms: "Rooms".into(), other: "Other".into() };
        let r =
            build(&days, &[invoice], &payments, (0, 100), utc, |s| (s == "s").then(|| "Check-up".to_owned()), &labels);
        assert_eq!(r.visits, 4);
        assert_eq!(r.visits_per_day, vec![(date, 4)]);
        assert_eq!((r.visits_per_hour[9], r.visits_per_hour[11], r.visits_per_hour[12]), (2, 1, 1));
        assert_eq!(r.average_wait_ms, Some(20 * 60_000));
        assert_eq!(r.longest_wait_ms, Some(30 * 60_000));
        assert_eq!((r.no_shows, r.bookings), (2, 2));
        assert_eq!(
            r.revenue_by_service,
            vec![("Check-up".into(), 4500), ("Products".into(), 1000), ("Other".into(), 500)]
        );
        assert_eq!(r.revenue_by_method[&Method::Card], 4500);
        assert_eq!(r.revenue_by_method[&Method::Cash], 1000);
        assert_eq!(r.revenue_by_method[&Method::Transfer], 0);
        // An hour east, the 9 o'clock visits are at 10.
        let east = build(&days, &[], &[], (0, 0), |ms| utc(ms + 3_600_000), |_| None, &labels);
        assert_eq!(east.visits_per_hour[10], 2);
        // The clocks go forward between the 9 o'clock visits and the later ones: each visit is
        // counted at the hour the wall clock showed then, not at one offset for the whole period.
        let switch = days[0].board.iter().map(|e| e.check_in.at_ms).max().unwrap();
        let summer = |ms: i64| utc(if ms >= switch { ms + 3_600_000 } else { ms });
        let r = build(&days, &[], &[], (0, 0), summer, |_| None, &labels);
        assert_eq!(
            (r.visits_per_hour[9], r.visits_per_hour[11], r.visits_per_hour[12], r.visits_per_hour[13]),
            (2, 1, 0, 1)
        );
    }
}
