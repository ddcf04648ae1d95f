//! Names of the documents a device holds, and how the data is partitioned between them.
//!
//! - `inbox/<date>/<kiosk device>`: check-ins made at one kiosk on one day (kiosk writes, staff read)
//! - `day/<date>`: that day's visit status log (staff)
//! - `kiosk`: what a kiosk may show (staff write, kiosk read)
//! - `site`: the business profile, services, staff directory and resources (manager writes)

use chrono::NaiveDate;

/// The prefix under which a day's kiosk inboxes live.
pub fn inbox_prefix(date: NaiveDate) -> String {
    format!("inbox/{date}/")
}

/// One kiosk's inbox for one day.
pub fn inbox(date: NaiveDate, kiosk_device: &str) -> String {
    format!("{}{kiosk_device}", inbox_prefix(date))
}

/// The staff's document for one day.
pub fn day(date: NaiveDate) -> String {
    format!("day/{date}")
}

/// The public document kiosks read.
pub const KIOSK: &str = "kiosk";

/// The business profile, services, staff and resources (manager writes, staff read).
pub const SITE: &str = "site";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_partition() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(inbox(date, "ab12"), "inbox/2026-11-26/ab12");
        assert!(inbox(date, "ab12").starts_with(&inbox_prefix(date)));
        assert_eq!(day(date), "day/2026-11-26");
        for name in [inbox(date, "ab12"), day(date), KIOSK.to_string(), SITE.to_string()] {
            assert!(frontdesk_protocol::valid_doc_name(&name), "{name}");
        }
    }
}
