//! How long a business keeps each kind of dated document (#20): by the area and the date in the
//! document's name, the one thing the relay knows of it.
//!
//! A document of a [`DATED`] area covers one day (`day/2026-11-26`, `inbox/2026-11-26/<kiosk>`,
//! `timeclock/2026-11-26/<device>`) or one month (`messages/2026-11`, `orders/2026-11`, …). Under
//! a rule of `days`, it is *expired* once the last day it covers is more than `days` days before
//! today: the relay empties it and refuses anything more for it ([`crate::ErrorCode::Expired`]),
//! and every device forgets it. A rule never reaches a document of another area, nor one whose
//! name holds no date (`rooms` of the first releases, `clients`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Area;

/// The areas whose documents each cover one day or one month: the only ones a rule may name.
pub const DATED: [Area; 8] =
    [Area::Inbox, Area::Day, Area::Timeclock, Area::Messages, Area::Stays, Area::Rooms, Area::Orders, Area::Invoices];

/// The longest a rule may say: a hundred years.
pub const MAX_DAYS: u32 = 36_525;

/// Keep the documents of `area` for `days` days after the last day they cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub area: Area,
    pub days: u32,
}

/// A business's rules: at most one per [`DATED`] area, in area order. An area without one keeps
/// its documents for ever.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub rules: Vec<Rule>,
}

/// Why a set of rules cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RetentionError {
    #[error("the documents of {0} are not dated: no rule may name them")]
    NotDated(Area),
    #[error("{0} is named by more than one rule")]
    Twice(Area),
    #[error("a rule may keep documents for at most {MAX_DAYS} days")]
    TooLong,
}

/// What one dated document covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Day(NaiveDate),
    /// The month starting on this day.
    Month(NaiveDate),
}

impl Period {
    /// The last day the document covers.
    pub fn last_day(self) -> NaiveDate {
        match self {
            Period::Day(day) => day,
            Period::Month(first) => {
                let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(NaiveDate::MAX);
                next.pred_opt().unwrap_or(first)
            }
        }
    }
}

/// Whether an area's documents cover a day (the date is their second segment) or a month.
fn daily(area: Area) -> bool {
    matches!(area, Area::Inbox | Area::Day | Area::Timeclock)
}

/// The day or month a document of a [`DATED`] area covers, read from its name: `day/<date>`,
/// `inbox/<date>/<device>`, `timeclock/<date>/<device>`, `<area>/<yyyy-mm>`. `None` for any other
/// document or shape.
pub fn period(doc: &str) -> Option<Period> {
    let area = Area::of(doc)?;
    if !DATED.contains(&area) {
        return None;
    }
    // Read by hand, without allocating (the relay asks at every push to an area with a rule):
    // chrono's format parser would also cost the download ~20 KB of wasm.
    let mut segments = doc.split('/').skip(1);
    let when = segments.next()?;
    let rest = segments.count();
    if rest != usize::from(matches!(area, Area::Inbox | Area::Timeclock)) {
        return None;
    }
    let mut parts = when.split('-');
    let mut number = |len: usize| {
        parts.next().filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).and_then(|p| p.parse().ok())
    };
    let (year, month): (u32, u32) = (number(4)?, number(2)?);
    let day = if daily(area) { number(2)? } else { 1 };
    if parts.next().is_some() {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(if daily(area) { Period::Day(date) } else { Period::Month(date) })
}

impl Retention {
    /// The rules, checked and put in area order.
    pub fn new(rules: impl IntoIterator<Item = Rule>) -> Result<Retention, RetentionError> {
        let given: Vec<Rule> = rules.into_iter().collect();
        // Put in area order by walking the areas (no sorting code in the wasm for it); an area
        // given twice stays twice, side by side, and is refused below.
        let rules =
            Area::ALL.iter().flat_map(|area| given.iter().filter(move |rule| rule.area == *area)).copied().collect();
        let retention = Retention { rules };
        retention.check()?;
        Ok(retention)
    }

    /// Whether these rules could have come from [`Retention::new`] (a set decoded from the wire
    /// is checked with this before it is taken).
    pub fn check(&self) -> Result<(), RetentionError> {
        for (i, rule) in self.rules.iter().enumerate() {
            if !DATED.contains(&rule.area) {
                return Err(RetentionError::NotDated(rule.area));
            }
            if rule.days > MAX_DAYS {
                return Err(RetentionError::TooLong);
            }
            if self.rules[..i].iter().any(|earlier| earlier.area >= rule.area) {
                return Err(RetentionError::Twice(rule.area));
            }
        }
        Ok(())
    }

    /// How many days the documents of `area` are kept, if not for ever.
    pub fn days(&self, area: Area) -> Option<u32> {
        self.rules.iter().find(|rule| rule.area == area).map(|rule| rule.days)
    }

    /// Whether `doc` is past its keeping on `today`: the last day it covers is more than its
    /// area's days before `today`.
    pub fn expired(&self, doc: &str, today: NaiveDate) -> bool {
        let Some(days) = Area::of(doc).and_then(|area| self.days(area)) else { return false };
        let Some(period) = period(doc) else { return false };
        let first_kept = today.checked_sub_days(chrono::Days::new(days.into())).unwrap_or(NaiveDate::MIN);
        period.last_day() < first_kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn keep(area: Area, days: u32) -> Retention {
        Retention::new([Rule { area, days }]).unwrap()
    }

    #[test]
    fn a_day_is_kept_for_its_days_after_it_and_not_one_more() {
        let rules = keep(Area::Inbox, 30);
        let today = day("2026-12-07");
        assert!(!rules.expired("inbox/2026-11-07/k1", today), "30 days before today is still kept");
        assert!(rules.expired("inbox/2026-11-06/k1", today));
        assert!(!rules.expired("inbox/2026-12-07/k1", today));
        // Another area, or no date, is never reached.
        assert!(!rules.expired("day/2020-01-01", today));
        assert!(!rules.expired("clients", today));
        let now = keep(Area::Day, 0);
        assert!(now.expired("day/2026-12-06", today));
        assert!(!now.expired("day/2026-12-07", today));
    }

    #[test]
    fn a_month_is_kept_until_its_last_day_is_past_the_keeping() {
        let rules = keep(Area::Messages, 31);
        // November's last day is 30 November: kept while that is within 31 days of today.
        assert!(!rules.expired("messages/2026-11", day("2026-12-31")));
        assert!(rules.expired("messages/2026-11", day("2027-01-01")));
        assert!(!rules.expired("messages/2026-12", day("2027-01-01")));
        assert_eq!(period("messages/2024-02").unwrap().last_day(), day("2024-02-29"));
        assert_eq!(period("invoices/2026-12").unwrap().last_day(), day("2026-12-31"));
    }

    #[test]
    fn only_well_formed_names_of_dated_areas_have_a_period() {
        assert_eq!(period("day/2026-11-26"), Some(Period::Day(day("2026-11-26"))));
        assert_eq!(period("timeclock/2026-11-26/d1"), Some(Period::Day(day("2026-11-26"))));
        assert_eq!(period("orders/2026-11"), Some(Period::Month(day("2026-11-01"))));
        for not_dated in [
            "rooms",
            "clients",
            "kiosk/2026-11-26",
            "day/2026-11-26/x",
            "inbox/2026-11-26",
            "day/2026-13-01",
            "day/2026-1-01",
            "day/+2026-11-1",
            "messages/2026-11-01",
            "messages/2026-13",
            "messages/26-11",
            "day/20261126xx",
            "payroll/2026-11",
        ] {
            assert_eq!(period(not_dated), None, "{not_dated}");
        }
    }

    #[test]
    fn rules_for_undated_areas_twice_for_one_area_or_too_long_are_refused() {
        assert_eq!(
            Retention::new([Rule { area: Area::Clients, days: 30 }]),
            Err(RetentionError::NotDated(Area::Clients))
        );
        assert_eq!(
            Retention::new([Rule { area: Area::Day, days: 30 }, Rule { area: Area::Day, days: 60 }]),
            Err(RetentionError::Twice(Area::Day))
        );
        assert_eq!(Retention::new([Rule { area: Area::Day, days: MAX_DAYS + 1 }]), Err(RetentionError::TooLong));
        let unsorted =
            Retention { rules: vec![Rule { area: Area::Day, days: 1 }, Rule { area: Area::Inbox, days: 1 }] };
        assert!(unsorted.check().is_err(), "a set off the wire must be in area order");
        let sorted = Retention::new(unsorted.rules.clone()).unwrap();
        assert_eq!(sorted.check(), Ok(()));
        assert_eq!(sorted.days(Area::Inbox), Some(1));
        assert_eq!(sorted.days(Area::Messages), None);
    }
}
