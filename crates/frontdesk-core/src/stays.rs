//! Hotel stays: reservations across nights, check-in and check-out at the desk, and the status
//! of each room (clean, dirty, inspected, out of order).
//!
//! A stay lives in the `stays/<yyyy-mm>` document of its arrival month; a tablet follows last,
//! this and next month, so every stay in the house tonight and in the coming weeks is at hand.
//! Room status lives in the `rooms` document, one record per room (housekeeping changes it all
//! day; the latest change wins, which is what a status board means).

use crate::sorting::SortDyn;
use std::collections::HashSet;

use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;

use crate::records;
use crate::schedule::{KeepBoth, Stamp, clean_phone, pair_key};
use crate::site::{self, ResourceKind, Site};

/// Where a stay stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum StayState {
    Reserved,
    CheckedIn,
    CheckedOut,
    Cancelled,
    NoShow,
}

impl StayState {
    /// Whether the stay holds its room for its nights.
    pub fn holds_room(self) -> bool {
        matches!(self, StayState::Reserved | StayState::CheckedIn)
    }
}

/// One reservation of a room for one or more nights.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Stay {
    pub id: String,
    pub code: String,
    pub guest: String,
    pub phone: String,
    pub room: String,
    /// `YYYY-MM-DD`: the first night.
    pub arrive: String,
    /// `YYYY-MM-DD`: the morning they leave (not a night).
    pub depart: String,
    /// The nightly rate agreed when booking, in minor units.
    pub rate_minor: i64,
    pub guests: u32,
    pub notes: String,
    pub state: StayState,
    pub made_by: String,
    pub made_ms: i64,
    pub changed_by: String,
    pub changed_ms: i64,
}

impl Stay {
    pub fn arrive_date(&self) -> Option<NaiveDate> {
        crate::dates::parse_day(&self.arrive)
    }

    pub fn depart_date(&self) -> Option<NaiveDate> {
        crate::dates::parse_day(&self.depart)
    }

    pub fn nights(&self) -> i64 {
        match (self.arrive_date(), self.depart_date()) {
            (Some(a), Some(d)) => (d - a).num_days().max(0),
            _ => 0,
        }
    }

    /// Nights × rate: what the room costs for the stay.
    pub fn total_minor(&self) -> i64 {
        self.nights() * self.rate_minor
    }

    /// Whether the stay covers the night starting on `date`.
    pub fn covers_night(&self, date: NaiveDate) -> bool {
        matches!((self.arrive_date(), self.depart_date()), (Some(a), Some(d)) if a <= date && date < d)
    }

    fn overlaps(&self, other: &Stay) -> bool {
        match (self.arrive_date(), self.depart_date(), other.arrive_date(), other.depart_date()) {
            (Some(a1), Some(d1), Some(a2), Some(d2)) => a1 < d2 && a2 < d1,
            _ => false,
        }
    }
}

/// Why a reservation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StayError {
    #[error("the guest's name is required")]
    GuestMissing,
    #[error("the name is too long")]
    GuestTooLong,
    #[error("not a phone number")]
    BadPhone,
    #[error("choose a room")]
    RoomUnknown,
    #[error("at least one night")]
    NoNights,
    #[error("at most 60 nights")]
    TooManyNights,
    #[error("guests must be between 1 and 12")]
    BadGuests,
    #[error("the arrival date has passed")]
    InThePast,
    #[error("the room is out of order")]
    OutOfOrder,
    #[error("the room is taken for some of those nights")]
    RoomTaken { by: String },
}

/// What the person at the desk asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StayRequest {
    pub guest: String,
    pub phone: String,
    pub room: String,
    pub arrive: NaiveDate,
    pub nights: u32,
    pub guests: u32,
    pub notes: String,
}

/// Checks a reservation against the rooms and the stays this tablet holds, and makes the stay.
pub fn plan(
    site: &Site,
    existing: &[Stay],
    rooms: &[RoomStatus],
    today: NaiveDate,
    request: &StayRequest,
    ids: (String, String),
    stamp: &Stamp,
) -> Result<Stay, StayError> {
    let guest = site::clean_name(&request.guest).map_err(|e| match e {
        site::SiteError::NameTooLong => StayError::GuestTooLong,
        _ => StayError::GuestMissing,
    })?;
    let phone = clean_phone(&request.phone).map_err(|_| StayError::BadPhone)?;
    let room = site
        .resource(&request.room)
        .filter(|r| r.active && r.kind == ResourceKind::HotelRoom)
        .ok_or(StayError::RoomUnknown)?;
    if request.nights == 0 {
        return Err(StayError::NoNights);
    }
    if request.nights > 60 {
        return Err(StayError::TooManyNights);
    }
    if !(1..=12).contains(&request.guests) {
        return Err(StayError::BadGuests);
    }
    if request.arrive < today {
        return Err(StayError::InThePast);
    }
    if room_status(rooms, &room.id) == HousekeepingStatus::OutOfOrder {
        return Err(StayError::OutOfOrder);
    }
    let depart = request.arrive + chrono::Duration::days(i64::from(request.nights));
    let (id, code) = ids;
    let stay = Stay {
        id,
        code,
        guest,
        phone,
        room: room.id.clone(),
        arrive: request.arrive.to_string(),
        depart: depart.to_string(),
        rate_minor: room.rate_minor,
        guests: request.guests,
        notes: request.notes.trim().chars().take(500).collect(),
        state: StayState::Reserved,
        made_by: stamp.by.clone(),
        made_ms: stamp.at_ms,
        changed_by: stamp.by.clone(),
        changed_ms: stamp.at_ms,
    };
    if let Some(other) = existing.iter().find(|o| o.state.holds_room() && o.room == stay.room && o.overlaps(&stay)) {
        return Err(StayError::RoomTaken { by: other.id.clone() });
    }
    Ok(stay)
}

/// The rooms free for every night of `[arrive, arrive + nights)`.
pub fn free_rooms<'a>(
    site: &'a Site,
    existing: &[Stay],
    rooms: &[RoomStatus],
    arrive: NaiveDate,
    nights: u32,
) -> Vec<&'a site::Resource> {
    let probe = Stay {
        id: String::new(),
        code: String::new(),
        guest: String::new(),
        phone: String::new(),
        room: String::new(),
        arrive: arrive.to_string(),
        depart: (arrive + chrono::Duration::days(i64::from(nights.max(1)))).to_string(),
        rate_minor: 0,
        guests: 1,
        notes: String::new(),
        state: StayState::Reserved,
        made_by: String::new(),
        made_ms: 0,
        changed_by: String::new(),
        changed_ms: 0,
    };
    site.resources
        .iter()
        .filter(|r| r.active && r.kind == ResourceKind::HotelRoom)
        .filter(|r| room_status(rooms, &r.id) != HousekeepingStatus::OutOfOrder)
        .filter(|r| !existing.iter().any(|o| o.state.holds_room() && o.room == r.id && o.overlaps(&probe)))
        .collect()
}

const STAY: &str = "stay";
const KEEP_BOTH: &str = "keep-both";

pub fn put_stay(doc: &mut AutoCommit, stay: &Stay) -> Result<(), String> {
    records::put(doc, STAY, &stay.id, stay)
}

pub fn stays(doc: &Automerge) -> Vec<Stay> {
    records::all(doc, STAY)
}

/// Changes a stay's state, stamped.
pub fn with_state(stay: &Stay, state: StayState, stamp: &Stamp) -> Stay {
    Stay { state, changed_by: stamp.by.clone(), changed_ms: stamp.at_ms, ..stay.clone() }
}

/// Two stays holding the same room on the same night: booked on two tablets apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StayConflict {
    pub first: Stay,
    pub second: Stay,
}

impl StayConflict {
    pub fn key(&self) -> String {
        pair_key(&self.first.id, &self.second.id)
    }
}

/// Records that both stays of a conflict stand (in the first stay's document).
pub fn keep_both(doc: &mut AutoCommit, conflict: &StayConflict, stamp: &Stamp) -> Result<(), String> {
    let pair = conflict.key();
    records::put(doc, KEEP_BOTH, &pair, &KeepBoth { pair: pair.clone(), by: stamp.by.clone(), at_ms: stamp.at_ms })
}

/// The pairs someone decided to keep, from every stays document held.
pub fn kept(docs: &[&Automerge]) -> HashSet<String> {
    docs.iter().flat_map(|d| records::all::<KeepBoth>(d, KEEP_BOTH)).map(|k| k.pair).collect()
}

/// The unresolved double bookings of rooms among `stays` (from every stays document held, so a
/// stay arriving on the 31st and one arriving on the 1st are compared too).
pub fn conflicts(stays: &[Stay], kept: &HashSet<String>) -> Vec<StayConflict> {
    let mut active: Vec<&Stay> = stays.iter().filter(|s| s.state.holds_room()).collect();
    active.sort_dyn_by(|a, b| (a.made_ms, &a.id).cmp(&(b.made_ms, &b.id)));
    let mut found = Vec::new();
    for (i, a) in active.iter().enumerate() {
        for b in &active[i + 1..] {
            let conflict = StayConflict { first: (*a).clone(), second: (*b).clone() };
            if a.room == b.room && a.overlaps(b) && !kept.contains(&conflict.key()) {
                found.push(conflict);
            }
        }
    }
    found.sort_dyn_by_key(|c| (c.first.arrive.clone(), c.key()));
    found
}

/// Housekeeping's view of a room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum HousekeepingStatus {
    Clean,
    Dirty,
    Inspected,
    OutOfOrder,
}

impl HousekeepingStatus {
    /// A stable lower-case name for styles and page attributes (never `Debug`, which release
    /// builds may strip).
    pub fn key(self) -> &'static str {
        match self {
            HousekeepingStatus::Clean => "clean",
            HousekeepingStatus::Dirty => "dirty",
            HousekeepingStatus::Inspected => "inspected",
            HousekeepingStatus::OutOfOrder => "outoforder",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct RoomStatus {
    pub room: String,
    pub status: HousekeepingStatus,
    pub note: String,
    pub by: String,
    pub at_ms: i64,
}

const ROOM: &str = "room";

pub fn put_room_status(doc: &mut AutoCommit, status: &RoomStatus) -> Result<(), String> {
    records::put(doc, ROOM, &status.room, status)
}

pub fn room_statuses(doc: &Automerge) -> Vec<RoomStatus> {
    records::all(doc, ROOM)
}

/// Each room's latest status across the statuses of several documents, newest document first
/// (the latest change wins; on a tie, the earlier document's).
pub fn latest_room_statuses(docs: impl IntoIterator<Item = Vec<RoomStatus>>) -> Vec<RoomStatus> {
    let mut latest: std::collections::BTreeMap<String, RoomStatus> = std::collections::BTreeMap::new();
    for statuses in docs {
        for status in statuses {
            match latest.get(&status.room) {
                Some(kept) if kept.at_ms >= status.at_ms => {}
                _ => {
                    latest.insert(status.room.clone(), status);
                }
            }
        }
    }
    latest.into_values().collect()
}

/// Sets a room's status in this month's document, carrying forward every other room whose
/// latest status (from an older document) is not "clean", so that month's document alone says
/// which rooms are dirty or out of order.
pub fn set_room_status(this_month: &mut AutoCommit, status: &RoomStatus, latest: &[RoomStatus]) -> Result<(), String> {
    let held: HashSet<String> = room_statuses(this_month.document()).into_iter().map(|s| s.room).collect();
    for older in latest {
        if older.room != status.room && older.status != HousekeepingStatus::Clean && !held.contains(&older.room) {
            put_room_status(this_month, older)?;
        }
    }
    put_room_status(this_month, status)
}

/// A room's status; a room nobody has marked yet is taken as clean.
pub fn room_status(rooms: &[RoomStatus], room: &str) -> HousekeepingStatus {
    rooms.iter().find(|r| r.room == room).map(|r| r.status).unwrap_or(HousekeepingStatus::Clean)
}

/// What the desk sees for today: who arrives, who is in the house, who leaves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Today {
    pub arrivals: Vec<Stay>,
    pub in_house: Vec<Stay>,
    pub departures: Vec<Stay>,
}

pub fn today(stays: &[Stay], date: NaiveDate) -> Today {
    let mut t = Today::default();
    for s in stays {
        match s.state {
            StayState::Reserved if s.arrive_date() == Some(date) => t.arrivals.push(s.clone()),
            StayState::CheckedIn if s.depart_date().is_some_and(|d| d <= date) => t.departures.push(s.clone()),
            StayState::CheckedIn => t.in_house.push(s.clone()),
            _ => {}
        }
    }
    for list in [&mut t.arrivals, &mut t.in_house, &mut t.departures] {
        list.sort_dyn_by(|a, b| (&a.room, &a.guest).cmp(&(&b.room, &b.guest)));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Resource;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn hotel() -> Site {
        let room = |id: &str, rate| Resource {
            id: id.into(),
            name: id.into(),
            kind: ResourceKind::HotelRoom,
            room_type: "Double".into(),
            rate_minor: rate,
            active: true,
        };
        Site { resources: vec![room("101", 9000), room("102", 12000)], ..Site::default() }
    }

    fn request(room: &str, arrive: NaiveDate, nights: u32) -> StayRequest {
        StayRequest {
            guest: "Eva Sanz".into(),
            phone: "".into(),
            room: room.into(),
            arrive,
            nights,
            guests: 2,
            notes: "".into(),
        }
    }

    fn stamp(at_ms: i64) -> Stamp {
        Stamp { by: "t".into(), at_ms }
    }

    fn reserve(existing: &[Stay], req: &StayRequest, id: &str, at: i64) -> Result<Stay, StayError> {
        plan(&hotel(), existing, &[], date(1), req, (id.into(), "CODE22".into()), &stamp(at))
    }

    #[test]
    fn a_stay_books_nights_at_the_rooms_rate() {
        let stay = reserve(&[], &request("101", date(26), 3), "s1", 1).unwrap();
        assert_eq!((stay.arrive.as_str(), stay.depart.as_str(), stay.nights()), ("2026-11-26", "2026-11-29", 3));
        assert_eq!(stay.total_minor(), 27_000);
        assert!(stay.covers_night(date(28)) && !stay.covers_night(date(29)));
    }

    #[test]
    fn the_same_room_cannot_be_reserved_twice_for_a_night_but_back_to_back_is_fine() {
        let first = reserve(&[], &request("101", date(26), 3), "s1", 1).unwrap();
        let taken = reserve(std::slice::from_ref(&first), &request("101", date(28), 2), "s2", 2);
        assert_eq!(taken, Err(StayError::RoomTaken { by: "s1".into() }));
        assert!(reserve(std::slice::from_ref(&first), &request("101", date(29), 2), "s2", 2).is_ok());
        assert!(reserve(std::slice::from_ref(&first), &request("102", date(27), 1), "s2", 2).is_ok());
        let site = hotel();
        let free = free_rooms(&site, std::slice::from_ref(&first), &[], date(27), 1);
        assert_eq!(free.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["102"]);
        let cancelled = with_state(&first, StayState::Cancelled, &stamp(3));
        assert!(reserve(&[cancelled], &request("101", date(28), 2), "s2", 2).is_ok());
    }

    #[test]
    fn bad_requests_are_refused() {
        let cases = [
            (StayRequest { guest: " ".into(), ..request("101", date(26), 1) }, StayError::GuestMissing),
            (StayRequest { phone: "x".into(), ..request("101", date(26), 1) }, StayError::BadPhone),
            (request("999", date(26), 1), StayError::RoomUnknown),
            (request("101", date(26), 0), StayError::NoNights),
            (request("101", date(26), 61), StayError::TooManyNights),
            (StayRequest { guests: 0, ..request("101", date(26), 1) }, StayError::BadGuests),
        ];
        for (req, error) in cases {
            assert_eq!(reserve(&[], &req, "s", 1), Err(error));
        }
        let past =
            plan(&hotel(), &[], &[], date(27), &request("101", date(26), 1), ("s".into(), "c".into()), &stamp(1));
        assert_eq!(past, Err(StayError::InThePast));
        let broken = [RoomStatus {
            room: "101".into(),
            status: HousekeepingStatus::OutOfOrder,
            note: "leak".into(),
            by: "h".into(),
            at_ms: 1,
        }];
        let refused =
            plan(&hotel(), &[], &broken, date(1), &request("101", date(26), 1), ("s".into(), "c".into()), &stamp(1));
        assert_eq!(refused, Err(StayError::OutOfOrder));
        assert!(free_rooms(&hotel(), &[], &broken, date(26), 1).iter().all(|r| r.id != "101"));
    }

    /// Two tablets apart reserve room 101 for overlapping nights, in different month documents:
    /// after the merge both stays exist and both tablets report the same conflict.
    #[test]
    fn rooms_double_booked_offline_are_reported_across_months() {
        let mut nov_a = AutoCommit::new();
        let mut dec_b = AutoCommit::new();
        let a = reserve(&[], &request("101", date(30), 2), "aa", 10).unwrap();
        let b = plan(
            &hotel(),
            &[],
            &[],
            date(1),
            &request("101", NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), 1),
            ("bb".into(), "c".into()),
            &stamp(20),
        )
        .unwrap();
        put_stay(&mut nov_a, &a).unwrap();
        put_stay(&mut dec_b, &b).unwrap();
        let all: Vec<Stay> = stays(nov_a.document()).into_iter().chain(stays(dec_b.document())).collect();
        let found = conflicts(&all, &kept(&[nov_a.document(), dec_b.document()]));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first.id.as_str(), found[0].second.id.as_str()), ("aa", "bb"));
        keep_both(&mut nov_a, &found[0], &stamp(30)).unwrap();
        assert!(conflicts(&all, &kept(&[nov_a.document(), dec_b.document()])).is_empty());
    }

    #[test]
    fn the_desk_sees_arrivals_guests_in_house_and_departures() {
        let arriving = reserve(&[], &request("101", date(26), 2), "a", 1).unwrap();
        let staying =
            with_state(&reserve(&[], &request("102", date(24), 4), "b", 1).unwrap(), StayState::CheckedIn, &stamp(2));
        let leaving =
            with_state(&reserve(&[], &request("101", date(23), 3), "c", 1).unwrap(), StayState::CheckedIn, &stamp(2));
        let t = today(&[arriving, staying, leaving], date(26));
        assert_eq!(t.arrivals.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["a"]);
        assert_eq!(t.in_house.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["b"]);
        assert_eq!(t.departures.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["c"]);
    }

    #[test]
    fn room_status_is_kept_per_room_and_defaults_to_clean() {
        let mut doc = AutoCommit::new();
        let dirty = RoomStatus {
            room: "101".into(),
            status: HousekeepingStatus::Dirty,
            note: "".into(),
            by: "desk".into(),
            at_ms: 5,
        };
        put_room_status(&mut doc, &dirty).unwrap();
        put_room_status(&mut doc, &RoomStatus { status: HousekeepingStatus::Inspected, at_ms: 6, ..dirty.clone() })
            .unwrap();
        let all = room_statuses(doc.document());
        assert_eq!(room_status(&all, "101"), HousekeepingStatus::Inspected);
        assert_eq!(room_status(&all, "102"), HousekeepingStatus::Clean);
    }

    #[test]
    fn room_status_lives_in_month_documents_and_carries_forward_what_is_not_clean() {
        let status = |room: &str, status, at_ms| RoomStatus {
            room: room.into(),
            status,
            note: String::new(),
            by: "desk".into(),
            at_ms,
        };
        // December: 101 out of order, 102 dirty, 103 cleaned; the first release's document says 104 is dirty.
        let mut december = AutoCommit::new();
        for s in [
            status("101", HousekeepingStatus::OutOfOrder, 10),
            status("102", HousekeepingStatus::Dirty, 11),
            status("103", HousekeepingStatus::Clean, 12),
        ] {
            put_room_status(&mut december, &s).unwrap();
        }
        let mut legacy = AutoCommit::new();
        put_room_status(&mut legacy, &status("104", HousekeepingStatus::Dirty, 1)).unwrap();
        put_room_status(&mut legacy, &status("102", HousekeepingStatus::Clean, 2)).unwrap();
        let mut january = AutoCommit::new();
        let latest =
            latest_room_statuses([january.document(), december.document(), legacy.document()].map(room_statuses));
        assert_eq!(room_status(&latest, "102"), HousekeepingStatus::Dirty, "the later change wins");
        assert_eq!(room_status(&latest, "104"), HousekeepingStatus::Dirty);
        // January's first change carries forward what is not clean, and only that.
        set_room_status(&mut january, &status("102", HousekeepingStatus::Inspected, 20), &latest).unwrap();
        let january_only = room_statuses(january.document());
        assert_eq!(room_status(&january_only, "101"), HousekeepingStatus::OutOfOrder);
        assert_eq!(room_status(&january_only, "102"), HousekeepingStatus::Inspected);
        assert_eq!(room_status(&january_only, "104"), HousekeepingStatus::Dirty);
        assert!(!january_only.iter().any(|s| s.room == "103"), "a clean room is not copied");
        // A later change in January does not copy over what January already says.
        let latest = latest_room_statuses([january.document(), december.document()].map(room_statuses));
        set_room_status(&mut january, &status("101", HousekeepingStatus::Clean, 30), &latest).unwrap();
        let january_only = room_statuses(january.document());
        assert_eq!(room_status(&january_only, "101"), HousekeepingStatus::Clean);
        assert_eq!(room_status(&january_only, "102"), HousekeepingStatus::Inspected);
    }
}
