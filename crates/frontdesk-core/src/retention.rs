//! How long the business keeps each kind of dated record (#20): the rules a manager sets, kept in
//! the `site` document (`retention/<area>`), enforced by the relay (told with
//! `ClientMsg::SetRetention`) and by every device (`DeviceCore::keep`).
//!
//! A rule names an area whose documents each cover a day or a month
//! ([`frontdesk_protocol::retention::DATED`]); once the last day a document covers is more than
//! the rule's days ago, the relay empties it and refuses it, and devices forget it.
//!
//! Records in long-lived documents are not dated by their document's name. One kind has a rule
//! of its own: **closed insurance claims** ([`CLAIMS`]: approved, or denied with no appeal since),
//! kept for a time after they closed. A manager's tablet re-bases the claims document without
//! the expired ones (`insurance::expired`, through erasure's re-base), so the relay and every
//! device drop them, history included. Clients stay until erased (`erasure`).

use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{Datelike, NaiveDate};

pub use frontdesk_protocol::retention::{DATED, Retention, Rule};

use crate::doc_name::Area;
use crate::records;

const KIND: &str = "retention";

/// The area whose rule is for its closed claims (records, not documents: see the module's words).
pub const CLAIMS: Area = Area::Insurance;

/// One area's rule as the `site` document keeps it: its days, or `None` for "for ever".
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Kept {
    pub days: Option<u32>,
    /// Who set it (the person signed in, or the device's name) and when (ms since 1970).
    pub by: String,
    pub at_ms: i64,
}

/// The lengths a manager may choose, shortest first.
pub const CHOICES: [u32; 12] = [7, 30, 90, 182, 365, 730, 1096, 1461, 1827, 2192, 2557, 3653];

/// The shortest an area may be kept: what the law of most places asks for at least (time
/// records and invoices), or what the desk needs to do its work (check-ins are read during
/// their day; a day's board is looked back on for a season).
pub fn shortest(area: Area) -> u32 {
    match area {
        Area::Inbox | Area::Rooms => 7,
        Area::Messages => 30,
        Area::Day => 90,
        Area::Timeclock | Area::Stays | Area::Orders => 365,
        // Tax law keeps invoices four years in Spain and more in many places.
        Area::Invoices => 1461,
        // Insurers and health programmes may audit a paid claim for five years or more.
        Area::Insurance => 1827,
        _ => u32::MAX,
    }
}

/// The lengths offered for `area`.
pub fn offered(area: Area) -> impl Iterator<Item = u32> {
    CHOICES.into_iter().filter(move |days| *days >= shortest(area))
}

/// Sets how long `area`'s documents are kept (`None`: for ever).
pub fn put(doc: &mut AutoCommit, area: Area, days: Option<u32>, by: &str, at_ms: i64) -> Result<(), String> {
    if !(DATED.contains(&area) || area == CLAIMS)
        || days.is_some_and(|d| d < shortest(area) || d > frontdesk_protocol::retention::MAX_DAYS)
    {
        return Err(format!("{area} cannot be kept for that long"));
    }
    records::put(doc, KIND, area.as_str(), &Kept { days, by: by.to_owned(), at_ms })
}

/// Every area's rule as set, in area order (areas never set are absent), closed claims' last.
pub fn kept(doc: &Automerge) -> Vec<(Area, Kept)> {
    DATED
        .into_iter()
        .chain([CLAIMS])
        .filter_map(|area| records::get::<Kept>(doc, KIND, area.as_str()).map(|kept| (area, kept)))
        .collect()
}

/// How many days closed claims are kept after they closed (`None`: for ever, or never set).
pub fn claims_days(doc: &Automerge) -> Option<u32> {
    let days = records::get::<Kept>(doc, KIND, CLAIMS.as_str())?.days?;
    Some(days.clamp(shortest(CLAIMS), frontdesk_protocol::retention::MAX_DAYS))
}

/// The business's rules, or `None` when no manager ever set any (then nothing expires, and a
/// manager's device tells the relay nothing: it may not hold the `site` document yet).
pub fn read(doc: &Automerge) -> Option<Retention> {
    // The relay's rules are for dated documents only (closed claims are the manager's tablet's).
    let kept: Vec<(Area, Kept)> = kept(doc).into_iter().filter(|(area, _)| DATED.contains(area)).collect();
    if kept.is_empty() {
        return None;
    }
    let rules = kept.into_iter().filter_map(|(area, kept)| {
        // A rule below the shortest cannot have been set here; it is read as the shortest.
        kept.days.map(|days| Rule { area, days: days.clamp(shortest(area), frontdesk_protocol::retention::MAX_DAYS) })
    });
    Retention::new(rules).ok()
}

/// The names of the documents `retention` makes expired on `today`, as ranges of names from the
/// first to the last (a name under the last included), for a store that keeps documents in name
/// order: in a dated area, names sort by the date they cover.
pub fn expired_ranges(retention: &Retention, today: NaiveDate) -> Vec<(String, String)> {
    retention
        .rules
        .iter()
        .filter_map(|rule| {
            let first_kept = today.checked_sub_days(chrono::Days::new(rule.days.into()))?;
            let last = if matches!(rule.area, Area::Inbox | Area::Day | Area::Timeclock) {
                first_kept.pred_opt()?.to_string()
            } else {
                // The month before the first kept day's is the last whose every day is earlier.
                let month = first_kept.with_day(1)?.pred_opt()?;
                format!("{:04}-{:02}", month.year(), month.month())
            };
            Some((crate::doc_name::prefix(rule.area), format!("{}/{last}", rule.area)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rules_are_read_back_as_set_and_for_ever_is_no_rule() {
        let mut doc = AutoCommit::new();
        assert_eq!(read(doc.document()), None, "never set: no rules at all");
        put(&mut doc, Area::Inbox, Some(30), "Ana", 1).unwrap();
        put(&mut doc, Area::Messages, None, "Ana", 2).unwrap();
        let rules = read(doc.document()).unwrap();
        assert_eq!(rules.rules, vec![Rule { area: Area::Inbox, days: 30 }]);
        put(&mut doc, Area::Inbox, None, "Ana", 3).unwrap();
        assert_eq!(read(doc.document()), Some(Retention::default()), "set, then for ever: an empty set");
    }

    #[test]
    fn too_short_for_the_law_or_an_undated_area_is_refused() {
        let mut doc = AutoCommit::new();
        assert!(put(&mut doc, Area::Invoices, Some(365), "Ana", 1).is_err());
        assert!(put(&mut doc, Area::Timeclock, Some(30), "Ana", 1).is_err());
        assert!(put(&mut doc, Area::Clients, Some(3653), "Ana", 1).is_err());
        assert!(put(&mut doc, Area::Invoices, Some(1461), "Ana", 1).is_ok());
        assert!(put(&mut doc, CLAIMS, Some(1461), "Ana", 1).is_err(), "closed claims: five years at least");
        assert!(offered(Area::Invoices).all(|d| d >= 1461));
        assert_eq!(offered(Area::Inbox).next(), Some(7));
        // Written by hand below the shortest: read as the shortest.
        records::put(&mut doc, KIND, "timeclock", &Kept { days: Some(1), by: String::new(), at_ms: 0 }).unwrap();
        assert_eq!(read(doc.document()).unwrap().days(Area::Timeclock), Some(365));
    }

    #[test]
    fn the_closed_claims_rule_is_the_tablets_and_never_the_relays() {
        let mut doc = AutoCommit::new();
        put(&mut doc, CLAIMS, Some(1827), "Ana", 1).unwrap();
        assert_eq!(claims_days(doc.document()), Some(1827));
        assert_eq!(read(doc.document()), None, "no dated rule: nothing for the relay");
        put(&mut doc, Area::Inbox, Some(7), "Ana", 2).unwrap();
        assert_eq!(read(doc.document()).unwrap().rules, vec![Rule { area: Area::Inbox, days: 7 }]);
        assert_eq!(kept(doc.document()).last().map(|(a, k)| (*a, k.days)), Some((CLAIMS, Some(1827))));
        put(&mut doc, CLAIMS, None, "Ana", 3).unwrap();
        assert_eq!(claims_days(doc.document()), None);
        // Written by hand below the shortest: read as the shortest.
        records::put(&mut doc, KIND, "insurance", &Kept { days: Some(30), by: String::new(), at_ms: 0 }).unwrap();
        assert_eq!(claims_days(doc.document()), Some(1827));
    }

    /// Every name in a range is expired, and every expired name is in a range: checked for each
    /// fifth day of two years against names of every dated area around it.
    #[test]
    fn the_ranges_hold_exactly_the_expired_documents() {
        let rules = Retention::new([
            Rule { area: Area::Inbox, days: 7 },
            Rule { area: Area::Day, days: 90 },
            Rule { area: Area::Messages, days: 30 },
            Rule { area: Area::Invoices, days: 1461 },
        ])
        .unwrap();
        let start = day("2026-01-01");
        for offset in (0..730).step_by(5) {
            let today = start + chrono::Days::new(offset);
            let ranges = expired_ranges(&rules, today);
            for back in 0..1600u64 {
                let then = today - chrono::Days::new(back);
                let month = format!("{:04}-{:02}", then.year(), then.month());
                for doc in [
                    format!("inbox/{then}/k1"),
                    format!("day/{then}"),
                    format!("timeclock/{then}/d1"),
                    format!("messages/{month}"),
                    format!("invoices/{month}"),
                    format!("orders/{month}"),
                ] {
                    let in_range = ranges.iter().any(|(first, last)| doc >= *first && doc <= format!("{last}\u{ffff}"));
                    assert_eq!(in_range, rules.expired(&doc, today), "{doc} on {today}");
                }
            }
        }
    }
}
