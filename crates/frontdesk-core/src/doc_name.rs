//! The partition: the one place the core and the app make document names and prefixes.
//!
//! Every name starts with its [`Area`], which the relay's access rules
//! ([`frontdesk_protocol::access`]) decide from; `tests/partition.rs` holds every name made here to
//! those rules.
//!
//! | document | who reads / writes |
//! |---|---|
//! | `site` | staff read, the manager writes |
//! | `kiosk` | staff write, kiosks read |
//! | `kiosk/<date>` (the day's lookup index) | staff write, kiosks read, only around the date; the relay drops it after |
//! | `inbox/<date>/<kiosk>` | that kiosk writes (never reads back), staff read |
//! | `day/<date>` | staff |
//! | `messages/<yyyy-mm>` | staff |
//! | `stays/<yyyy-mm>` | staff |
//! | `rooms/<yyyy-mm>`, and `rooms` of the first releases (read, never written) | staff |
//! | `clients` | staff |
//! | `catalog` | staff |
//! | `orders/<yyyy-mm>` | staff |
//! | `invoices/<yyyy-mm>` | staff |
//! | `insurance` | staff |
//! | `cardphoto/<claim>` | staff |
//! | `staffing` | staff |
//! | `timeclock/<date>/<device>` | that device writes (never reads back), the manager reads |
//! | `payroll` | the manager only |
//!
//! "Staff" includes the manager, whose device may do everything a staff device may.

use std::fmt::Display;

use chrono::{Datelike, Duration, NaiveDate};

pub use frontdesk_protocol::Area;

use crate::dates::month_key;

/// The business profile, services, staff directory and resources.
pub const SITE: &str = Area::Site.as_str();
/// What a kiosk may show: the one document kiosks read.
pub const KIOSK: &str = Area::Kiosk.as_str();
pub const CLIENTS: &str = Area::Clients.as_str();
/// Products and their stock counters.
pub const CATALOG: &str = Area::Catalog.as_str();
/// Claims and their status events.
pub const INSURANCE: &str = Area::Insurance.as_str();
/// The rota and the tasks handed out.
pub const STAFFING: &str = Area::Staffing.as_str();
/// Pay rates, punch fixes and closed periods.
pub const PAYROLL: &str = Area::Payroll.as_str();
/// Which device holds which keys, for the managers who hand keys out (#19).
pub const KEYRING: &str = Area::Keyring.as_str();
/// The single room-status document of the first releases (still read, never written).
pub const ROOMS: &str = Area::Rooms.as_str();

/// `<area>/<key>`.
fn name(area: Area, key: impl Display) -> String {
    format!("{area}/{key}")
}

/// The prefix of every document of `area`, `<area>/`: what a device lists the ones it holds by.
pub fn prefix(area: Area) -> String {
    format!("{area}/")
}

/// The prefix under which a day's kiosk inboxes live.
pub fn inbox_prefix(date: NaiveDate) -> String {
    format!("{}{date}/", prefix(Area::Inbox))
}

/// The kiosk's lookup index for one day (`crate::lookup`).
pub fn kiosk_day(date: NaiveDate) -> String {
    name(Area::Kiosk, date)
}

/// The days whose index a desk publishes and a kiosk follows: today and tomorrow (so a kiosk
/// finds the first appointments of the day before any desk is online).
pub fn kiosk_dates(today: NaiveDate) -> [NaiveDate; 2] {
    [today, today.succ_opt().unwrap_or(today)]
}

/// The documents of [`kiosk_dates`].
pub fn kiosk_days(today: NaiveDate) -> [String; 2] {
    kiosk_dates(today).map(kiosk_day)
}

/// One kiosk's inbox for one day.
pub fn inbox(date: NaiveDate, kiosk_device: &str) -> String {
    format!("{}{kiosk_device}", inbox_prefix(date))
}

/// The staff's document for one day.
pub fn day(date: NaiveDate) -> String {
    name(Area::Day, date)
}

/// The messages document of `date`'s month.
pub fn messages(date: NaiveDate) -> String {
    name(Area::Messages, month_key(date))
}

/// The messages documents a desk follows to see every open message: this month's and last.
pub fn recent_messages(today: NaiveDate) -> [String; 2] {
    [messages(today), messages(last_month(today))]
}

/// The stays document of `date`'s month (a stay lives in its arrival month).
pub fn stays(date: NaiveDate) -> String {
    name(Area::Stays, month_key(date))
}

/// The stays documents a desk follows: last month's, this month's and the next.
pub fn recent_stays(today: NaiveDate) -> [String; 3] {
    let first = today.with_day(1).unwrap_or(today);
    let next = (first + Duration::days(32)).with_day(1).unwrap_or(first);
    [stays(last_month(today)), stays(today), stays(next)]
}

/// The room-status document of `date`'s month, `rooms/<yyyy-mm>`.
///
/// Housekeeping changes each room's status a few times a day, and a document keeps every change:
/// one document for all time took 184 ms to load after a year of a 60-room hotel and 615 ms after
/// three (BENCHMARKS.md), though it holds only 60 statuses. A month's document stays small.
pub fn rooms(date: NaiveDate) -> String {
    name(Area::Rooms, month_key(date))
}

/// The documents a desk reads room status from, newest first: this month's, last month's, and the
/// single document of the first releases.
pub fn recent_rooms(today: NaiveDate) -> [String; 3] {
    [rooms(today), rooms(last_month(today)), ROOMS.to_owned()]
}

/// The orders document of `date`'s month (an order lives in the month it was taken).
pub fn orders(date: NaiveDate) -> String {
    name(Area::Orders, month_key(date))
}

/// The invoices document of `date`'s month (an invoice lives in its issue month).
pub fn invoices(date: NaiveDate) -> String {
    name(Area::Invoices, month_key(date))
}

/// The photo of one claim's insurance card.
pub fn card_photo(claim: &str) -> String {
    name(Area::CardPhoto, claim)
}

/// The envelopes of the business's keys sealed to `device`: read by it alone, written by
/// managers.
pub fn envelopes(device: &str) -> String {
    name(Area::Envelopes, device)
}

/// The time-clock document a device writes its punches of `date` into.
pub fn timeclock(date: NaiveDate, device: &str) -> String {
    name(Area::Timeclock, format_args!("{date}/{device}"))
}

/// The prefix of every time-clock document of `month`'s month, `timeclock/<yyyy-mm>-`.
pub fn timeclock_prefix(month: NaiveDate) -> String {
    name(Area::Timeclock, format_args!("{}-", month_key(month)))
}

/// The time clocks a manager's desk watches: this month's and last month's.
pub fn recent_timeclocks(today: NaiveDate) -> [String; 2] {
    [timeclock_prefix(today), timeclock_prefix(last_month(today))]
}

/// Whether `doc` is a drop box — a kiosk's inbox or a device's time clock: one device writes it,
/// and the relay's receive time stamps its records (`DeviceCore::received`). The relay's rules
/// say the same (`access::drop_box_date`); this is the cheap check a device makes per chunk.
pub fn is_drop_box(doc: &str) -> bool {
    [Area::Inbox, Area::Timeclock]
        .iter()
        .any(|area| doc.strip_prefix(area.as_str()).is_some_and(|r| r.starts_with('/')))
}

/// A day of the month before `date`'s.
fn last_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn names_follow_the_partition() {
        let date = d(2026, 11, 26);
        assert_eq!(inbox(date, "ab12"), "inbox/2026-11-26/ab12");
        assert!(inbox(date, "ab12").starts_with(&inbox_prefix(date)));
        assert_eq!(day(date), "day/2026-11-26");
        assert!(day(date).starts_with(&prefix(Area::Day)));
        assert_eq!(card_photo("k"), "cardphoto/k");
        assert_eq!(kiosk_days(d(2026, 12, 31)), ["kiosk/2026-12-31".to_owned(), "kiosk/2027-01-01".to_owned()]);
        assert_eq!(frontdesk_protocol::access::kiosk_day_date(&kiosk_day(date)), Some("2026-11-26"));
        assert_eq!(timeclock(date, "k1"), "timeclock/2026-11-26/k1");
        assert!(timeclock(date, "k1").starts_with(&timeclock_prefix(d(2026, 11, 1))));
        assert_eq!(orders(date), "orders/2026-11");
        assert_eq!(invoices(d(2027, 1, 3)), "invoices/2027-01");
        assert_eq!(
            recent_timeclocks(d(2027, 1, 3)),
            ["timeclock/2027-01-".to_owned(), "timeclock/2026-12-".to_owned()]
        );
    }

    #[test]
    fn a_desk_follows_two_months_of_messages() {
        assert_eq!(recent_messages(d(2026, 1, 15)), ["messages/2026-01".to_owned(), "messages/2025-12".to_owned()]);
    }

    #[test]
    fn a_desk_follows_three_months_of_stays() {
        assert_eq!(
            recent_stays(d(2026, 12, 15)),
            ["stays/2026-11".to_owned(), "stays/2026-12".to_owned(), "stays/2027-01".to_owned()]
        );
    }

    #[test]
    fn room_status_is_read_from_two_months_and_the_first_releases_document() {
        assert_eq!(
            recent_rooms(d(2027, 1, 3)),
            ["rooms/2027-01".to_owned(), "rooms/2026-12".to_owned(), "rooms".to_owned()]
        );
    }
}
