//! Which documents a desk follows, and when. Today's board comes first; once it shows, the rest
//! of what a desk keeps so that it works offline, one document at a time (the big ones last);
//! a manager's desk adds the payroll and the time clocks once its board is painted. Beyond
//! these, a section follows what it shows: a day browsed to, the week seen, the days of a report.

use chrono::{Duration, NaiveDate};
use frontdesk_core::doc_name;

use super::sales;

/// Days ahead a desk keeps in sync from the start, so it can book them offline.
const DAYS_AHEAD: i64 = 7;

/// Today's board: the business, the kiosk's index, today and its arrivals.
pub fn first(today: NaiveDate) -> Vec<String> {
    vec![doc_name::SITE.to_owned(), doc_name::KIOSK.to_owned(), doc_name::day(today)]
}

/// The prefixes a desk watches from the start: today's inboxes, one per kiosk.
pub fn watched(today: NaiveDate) -> Vec<String> {
    vec![doc_name::inbox_prefix(today)]
}

/// Once the board shows: the week ahead, this and last month's messages, the stays and rooms
/// around this month, the money screens' months, the rota and the claims.
pub fn later(today: NaiveDate) -> Vec<String> {
    let mut later: Vec<String> = (1..DAYS_AHEAD).map(|n| doc_name::day(today + Duration::days(n))).collect();
    // The kiosk's index of today and tomorrow, which the desk keeps up to date.
    later.extend(doc_name::kiosk_days(today));
    later.extend(doc_name::recent_messages(today));
    later.extend(doc_name::recent_stays(today));
    later.extend(doc_name::recent_rooms(today));
    later.extend(sales::docs(today));
    later.push(doc_name::STAFFING.to_owned());
    later.push(doc_name::INSURANCE.to_owned());
    later
}

/// What a manager's desk follows for payroll: the payroll document and this and last month's
/// time clocks.
pub async fn manager(device: std::rc::Rc<crate::device::Device>, today: NaiveDate) {
    device.follow(vec![doc_name::PAYROLL.to_owned()]).await;
    for prefix in doc_name::recent_timeclocks(today) {
        device.watch(prefix).await;
    }
}
