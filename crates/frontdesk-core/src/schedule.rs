//! Appointments (bookings) of one day: booking, moving, cancelling, availability, buffers,
//! recurrence, the waitlist, and the conflicts that offline bookings can create.
//!
//! A day's bookings live in its `day/<date>` document (site-local date), each under
//! `booking/<id>`. Times are minutes after the site's local midnight: a calendar keeps wall-clock
//! times, and the site's time zone turns them into instants where one is needed (`.ics`).

use crate::sorting::SortDyn;
use std::collections::HashSet;

use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{Duration, NaiveDate};

use crate::records;
use crate::site::{self, SiteError};

/// Where a booking stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum BookingState {
    Booked,
    Arrived,
    NoShow,
    Cancelled,
    /// Moved to another day (the booking now lives in that day's document).
    Moved,
}

impl BookingState {
    /// A stable lower-case name for styles and page attributes (never `Debug`, which release
    /// builds may strip).
    pub fn key(self) -> &'static str {
        match self {
            BookingState::Booked => "booked",
            BookingState::Arrived => "arrived",
            BookingState::NoShow => "noshow",
            BookingState::Cancelled => "cancelled",
            BookingState::Moved => "moved",
        }
    }

    /// Whether the booking still holds its time.
    pub fn holds_time(self) -> bool {
        matches!(self, BookingState::Booked | BookingState::Arrived)
    }
}

/// One appointment, reservation or meeting.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Booking {
    pub id: String,
    /// The confirmation code the client is given.
    pub code: String,
    pub client: String,
    pub phone: String,
    pub service: String,
    /// Staff id, or empty.
    pub staff: String,
    /// Resource id, or empty.
    pub resource: String,
    /// `YYYY-MM-DD`, the site-local date (also the day document it lives in).
    pub date: String,
    pub start_min: u32,
    pub duration_min: u32,
    /// Kept free after the booking (from the service at booking time).
    pub buffer_min: u32,
    pub notes: String,
    pub state: BookingState,
    /// Recurring bookings share a series id.
    pub series: String,
    pub made_by: String,
    pub made_ms: i64,
    pub changed_by: String,
    pub changed_ms: i64,
}

impl Booking {
    pub fn end_min(&self) -> u32 {
        self.start_min + self.duration_min
    }

    /// The time the booking blocks for others: its duration plus the buffer after it.
    fn blocks(&self) -> (u32, u32) {
        (self.start_min, self.start_min + self.duration_min + self.buffer_min)
    }

    pub fn day(&self) -> Option<NaiveDate> {
        crate::dates::parse_day(&self.date)
    }
}

#[cfg(test)]
impl Booking {
    /// A booked 30-minute appointment on Monday 2026-11-30 at 10:00 (service `s`, staff `r`),
    /// for tests to adjust.
    pub(crate) fn sample(id: &str) -> Booking {
        Booking {
            id: id.into(),
            code: "K7M4QX".into(),
            client: "Ana Gil".into(),
            phone: String::new(),
            service: "s".into(),
            staff: "r".into(),
            resource: String::new(),
            date: "2026-11-30".into(),
            start_min: 600,
            duration_min: 30,
            buffer_min: 0,
            notes: String::new(),
            state: BookingState::Booked,
            series: String::new(),
            made_by: "t".into(),
            made_ms: 0,
            changed_by: "t".into(),
            changed_ms: 0,
        }
    }
}

/// What a person asks for when booking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingRequest {
    pub client: String,
    pub phone: String,
    pub service: String,
    pub staff: String,
    pub resource: String,
    pub date: NaiveDate,
    pub start_min: u32,
    /// `None`: the service's duration.
    pub duration_min: Option<u32>,
    pub notes: String,
}

/// Why a booking (or a move) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    #[error("a name is required")]
    ClientMissing,
    #[error("the name is too long")]
    ClientTooLong,
    #[error("not a phone number")]
    BadPhone,
    #[error("choose a service")]
    ServiceUnknown,
    #[error("{0}")]
    Duration(SiteError),
    #[error("closed that day")]
    Closed,
    #[error("outside opening hours")]
    OutsideOpeningHours,
    #[error("that staff member does not work then")]
    OutsideWorkingHours,
    #[error("that staff member does not perform this service")]
    CannotPerform,
    #[error("that staff member is booked then")]
    StaffBusy { with: String },
    #[error("that room or resource is booked then")]
    ResourceBusy { with: String },
    #[error("that time has passed")]
    InThePast,
    #[error("notes are too long")]
    NotesTooLong,
}

const MAX_NOTES: usize = 500;

/// A phone number as typed, kept if it has 6 to 15 digits (spaces, dashes, dots, brackets and a
/// leading `+` allowed); empty is fine.
pub fn clean_phone(typed: &str) -> Result<String, BookingError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(String::new());
    }
    let allowed = |(i, c): (usize, char)| c.is_ascii_digit() || " -.()".contains(c) || (i == 0 && c == '+');
    let digits = typed.chars().filter(char::is_ascii_digit).count();
    if typed.chars().enumerate().all(allowed) && (6..=15).contains(&digits) {
        Ok(typed.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Err(BookingError::BadPhone)
    }
}

/// Where a booking would go, and what would stop it.
pub struct Planner<'a> {
    pub site: &'a site::Site,
    /// The bookings already on that day.
    pub existing: &'a [Booking],
    /// "Now", in site-local terms, for refusing times that have passed: `(today, minute)`.
    pub now: (NaiveDate, u32),
}

impl Planner<'_> {
    /// Checks a request and returns the booking it makes (id, code and authorship from the caller).
    pub fn check(&self, request: &BookingRequest, ignore: Option<&str>) -> Result<Checked, BookingError> {
        let client = site::clean_name(&request.client).map_err(|e| match e {
            SiteError::NameTooLong => BookingError::ClientTooLong,
            _ => BookingError::ClientMissing,
        })?;
        let phone = clean_phone(&request.phone)?;
        let notes = request.notes.trim().to_owned();
        if notes.chars().count() > MAX_NOTES {
            return Err(BookingError::NotesTooLong);
        }
        let service = self.site.service(&request.service).ok_or(BookingError::ServiceUnknown)?;
        let duration = request.duration_min.unwrap_or(service.duration_min);
        site::check_duration(duration).map_err(BookingError::Duration)?;
        let (start, end) = (request.start_min, request.start_min + duration);
        if (request.date, start) < self.now {
            return Err(BookingError::InThePast);
        }
        let hours = self.site.profile.as_ref().map(|p| site::hours_on(&p.hours, request.date));
        if let Some(hours) = hours {
            if !hours.open {
                return Err(BookingError::Closed);
            }
            if !hours.contains(start, end) {
                return Err(BookingError::OutsideOpeningHours);
            }
        }
        if !request.staff.is_empty() {
            if let Some(member) = self.site.staff_member(&request.staff)
                && !site::hours_on(&member.hours, request.date).contains(start, end)
            {
                return Err(BookingError::OutsideWorkingHours);
            }
            if !service.can_be_done_by(&request.staff) {
                return Err(BookingError::CannotPerform);
            }
        }
        let blocks = (start, end + service.buffer_min);
        for other in self.existing.iter().filter(|b| b.state.holds_time() && Some(b.id.as_str()) != ignore) {
            if !overlaps(blocks, other.blocks()) {
                continue;
            }
            if !request.staff.is_empty() && other.staff == request.staff {
                return Err(BookingError::StaffBusy { with: other.id.clone() });
            }
            if !request.resource.is_empty() && other.resource == request.resource {
                return Err(BookingError::ResourceBusy { with: other.id.clone() });
            }
        }
        Ok(Checked { client, phone, notes, duration_min: duration, buffer_min: service.buffer_min })
    }

    /// Start times (every `step` minutes) where `service` fits with `staff` (or anyone, if empty).
    pub fn free_slots(&self, date: NaiveDate, service: &str, staff: &str, step: u32) -> Vec<u32> {
        self.free_slots_with(date, service, staff, "", step)
    }

    /// Like [`Planner::free_slots`], also needing `resource` (a room, equipment) free.
    pub fn free_slots_with(&self, date: NaiveDate, service: &str, staff: &str, resource: &str, step: u32) -> Vec<u32> {
        let step = step.max(5);
        let request = |start_min| BookingRequest {
            client: "-".into(),
            phone: String::new(),
            service: service.to_owned(),
            staff: staff.to_owned(),
            resource: resource.to_owned(),
            date,
            start_min,
            duration_min: None,
            notes: String::new(),
        };
        (0..24 * 60).step_by(step as usize).filter(|&start| self.check(&request(start), None).is_ok()).collect()
    }
}

/// A request that passed the checks, cleaned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub client: String,
    pub phone: String,
    pub notes: String,
    pub duration_min: u32,
    pub buffer_min: u32,
}

/// Who makes a change, and when (from the caller's clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub by: String,
    pub at_ms: i64,
}

impl Checked {
    pub fn into_booking(
        self,
        request: &BookingRequest,
        id: String,
        code: String,
        series: String,
        stamp: &Stamp,
    ) -> Booking {
        Booking {
            id,
            code,
            client: self.client,
            phone: self.phone,
            service: request.service.clone(),
            staff: request.staff.clone(),
            resource: request.resource.clone(),
            date: request.date.to_string(),
            start_min: request.start_min,
            duration_min: self.duration_min,
            buffer_min: self.buffer_min,
            notes: self.notes,
            state: BookingState::Booked,
            series,
            made_by: stamp.by.clone(),
            made_ms: stamp.at_ms,
            changed_by: stamp.by.clone(),
            changed_ms: stamp.at_ms,
        }
    }
}

fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

const BOOKING: &str = "booking";
const KEEP_BOTH: &str = "keep-both";

/// Writes a booking into its day document (new, or changed in place).
pub fn put_booking(day: &mut AutoCommit, booking: &Booking) -> Result<(), String> {
    records::put(day, BOOKING, &booking.id, booking)
}

/// The bookings of a day document, by start time.
pub fn bookings(day: &Automerge) -> Vec<Booking> {
    let mut all: Vec<Booking> = records::all(day, BOOKING);
    all.sort_dyn_by(|a, b| (a.start_min, &a.staff, &a.id).cmp(&(b.start_min, &b.staff, &b.id)));
    all
}

/// Marks as arrived the bookings someone checked in for (at the kiosk, by code or phone), so
/// the calendar shows who is here without anyone at the desk clicking.
pub fn with_arrivals<'a>(mut day: Vec<Booking>, checked_in: impl IntoIterator<Item = &'a str>) -> Vec<Booking> {
    let here: HashSet<&str> = checked_in.into_iter().collect();
    for b in day.iter_mut().filter(|b| b.state == BookingState::Booked && here.contains(b.id.as_str())) {
        b.state = BookingState::Arrived;
    }
    day
}

/// Changes a booking's state (arrived, no-show, cancelled, or back to booked).
pub fn set_state(day: &mut AutoCommit, booking: &Booking, state: BookingState, stamp: &Stamp) -> Result<(), String> {
    let changed = Booking { state, changed_by: stamp.by.clone(), changed_ms: stamp.at_ms, ..booking.clone() };
    put_booking(day, &changed)
}

/// Dates of a weekly series: `count` dates `every_weeks` apart, starting at `first`.
pub fn weekly_dates(first: NaiveDate, every_weeks: u32, count: u32) -> Vec<NaiveDate> {
    (0..count.min(52)).map(|i| first + Duration::weeks(i64::from(i * every_weeks.max(1)))).collect()
}

/// What two bookings collide over.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Clash {
    Staff(String),
    Resource(String),
}

/// Two bookings that hold the same person or room at overlapping times: made offline on two
/// tablets, or by moves that crossed. Shown to staff until someone decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The earlier-made booking first.
    pub first: Booking,
    pub second: Booking,
    pub over: Clash,
}

impl Conflict {
    /// A stable key for the pair, the same on every device.
    pub fn key(&self) -> String {
        pair_key(&self.first.id, &self.second.id)
    }
}

/// The key of a pair of records, the same whichever order they come in.
pub(crate) fn pair_key(a: &str, b: &str) -> String {
    if a < b { format!("{a}+{b}") } else { format!("{b}+{a}") }
}

/// Someone decided that two overlapping bookings both stand (a double-booked doctor who will
/// manage, a shared room).
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct KeepBoth {
    pub pair: String,
    pub by: String,
    pub at_ms: i64,
}

/// Records that both bookings of a conflict stand.
pub fn keep_both(day: &mut AutoCommit, conflict: &Conflict, stamp: &Stamp) -> Result<(), String> {
    let key = conflict.key();
    records::put(day, KEEP_BOTH, &key, &KeepBoth { pair: key.clone(), by: stamp.by.clone(), at_ms: stamp.at_ms })
}

/// The conflicts among a day's bookings that nobody has resolved yet. Pure and independent of
/// the order changes arrived in: every device holding the same document reports the same list.
pub fn conflicts(day: &Automerge) -> Vec<Conflict> {
    let kept: HashSet<String> = records::all::<KeepBoth>(day, KEEP_BOTH).into_iter().map(|k| k.pair).collect();
    find_conflicts(&bookings(day), &kept)
}

/// The conflicts among `bookings`, except the pairs in `kept`.
pub fn find_conflicts(bookings: &[Booking], kept: &HashSet<String>) -> Vec<Conflict> {
    let active: Vec<&Booking> = bookings.iter().filter(|b| b.state.holds_time()).collect();
    let mut found = Vec::new();
    for (i, a) in active.iter().enumerate() {
        for b in &active[i + 1..] {
            if !overlaps(a.blocks(), b.blocks()) || kept.contains(&pair_key(&a.id, &b.id)) {
                continue;
            }
            let over = if !a.staff.is_empty() && a.staff == b.staff {
                Clash::Staff(a.staff.clone())
            } else if !a.resource.is_empty() && a.resource == b.resource {
                Clash::Resource(a.resource.clone())
            } else {
                continue;
            };
            let (first, second) = if (a.made_ms, &a.id) <= (b.made_ms, &b.id) {
                ((*a).clone(), (*b).clone())
            } else {
                ((*b).clone(), (*a).clone())
            };
            found.push(Conflict { first, second, over });
        }
    }
    found.sort_dyn_by_key(|c| (c.first.start_min, c.key()));
    found
}

/// The note an old day's record of a moved booking carries: where it went.
pub fn moved_note(to: NaiveDate) -> String {
    format!("→ {to}")
}

/// Where a booking marked [`BookingState::Moved`] went (from its [`moved_note`]).
pub fn moved_to(notes: &str) -> Option<NaiveDate> {
    crate::dates::parse_day(notes.strip_prefix("→ ")?)
}

/// A booking that two tablets changed in ways that cannot both hold while they were offline:
/// moved to another day on one and cancelled on the other (or moved to two different days).
/// The documents agree on an outcome, but it is not what either person did, so it is shown on
/// the old day until someone decides. Read from the concurrent values Automerge keeps of the
/// old day's record, so every device reports the same, and one decision (a later write) ends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossedMove {
    /// The booking as the old day holds it.
    pub booking: Booking,
    /// The days it was moved to (by date).
    pub moved_to: Vec<NaiveDate>,
    /// Whether a tablet cancelled it.
    pub cancelled: bool,
}

/// What someone decides about a crossed move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// It stays cancelled: cancelled on every day it was moved to.
    Cancel,
    /// It stands on this day; cancelled on any other day it was moved to.
    MovedTo(NaiveDate),
}

/// The crossed moves of a day's bookings.
pub fn crossed_moves(day: &Automerge) -> Vec<CrossedMove> {
    use automerge::{ReadDoc, ScalarValue, Value};
    let texts = |obj: &automerge::ObjId, field: &str| -> Vec<String> {
        day.get_all(obj, field)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(value, _)| match value {
                Value::Scalar(s) => match s.as_ref() {
                    ScalarValue::Str(text) => Some(text.to_string()),
                    _ => None,
                },
                Value::Object(_) => None,
            })
            .collect()
    };
    let mut found = Vec::new();
    // Only a record with crossed values is read whole: the calendar asks on every change.
    for item in day.map_range(automerge::ROOT, format!("{BOOKING}/")..format!("{BOOKING}0")) {
        let obj = item.id();
        let states = texts(&obj, "state");
        if states.len() < 2 && texts(&obj, "notes").len() < 2 {
            continue;
        }
        let moved = states.iter().any(|s| s == "Moved");
        let cancelled = states.iter().any(|s| s == "Cancelled");
        let mut targets: Vec<NaiveDate> =
            if moved { texts(&obj, "notes").iter().filter_map(|n| moved_to(n)).collect() } else { Vec::new() };
        crate::sorting::SortDyn::sort_dyn_by(&mut targets[..], |a, b| a.cmp(b));
        targets.dedup();
        let booking = records::get::<Booking>(day, BOOKING, &item.key[BOOKING.len() + 1..]);
        if let Some(booking) = booking.filter(|_| targets.len() + usize::from(cancelled) >= 2) {
            found.push(CrossedMove { booking, moved_to: targets, cancelled });
        }
    }
    found
}

/// Settles a crossed move on its old day: one fresh write of where the booking stands, which
/// every device takes over the crossed ones.
pub fn settle_old_day(
    day: &mut AutoCommit,
    crossed: &CrossedMove,
    settle: Settle,
    stamp: &Stamp,
) -> Result<(), String> {
    use automerge::transaction::Transactable;
    let (state, notes) = match settle {
        Settle::Cancel => ("Cancelled", crossed.booking.notes.clone()),
        Settle::MovedTo(to) => ("Moved", moved_note(to)),
    };
    let Ok(Some((_, obj))) =
        automerge::ReadDoc::get(day, automerge::ROOT, records::key(BOOKING, &crossed.booking.id).as_str())
    else {
        return Err(format!("booking {} is not on its old day", crossed.booking.id));
    };
    let fail = |e: automerge::AutomergeError| e.to_string();
    day.put(&obj, "state", state).map_err(fail)?;
    day.put(&obj, "notes", notes).map_err(fail)?;
    day.put(&obj, "changed_by", stamp.by.as_str()).map_err(fail)?;
    day.put(&obj, "changed_ms", stamp.at_ms).map_err(fail)?;
    Ok(())
}

/// The days a settled crossed move must cancel the booking on (every day it went to but the kept one).
pub fn days_to_cancel(crossed: &CrossedMove, settle: Settle) -> Vec<NaiveDate> {
    crossed.moved_to.iter().copied().filter(|d| settle != Settle::MovedTo(*d)).collect()
}

/// Cancels booking `id` in the day document it is in (as that day holds it), if it is there
/// and not already cancelled.
pub fn cancel_in(day: &mut AutoCommit, id: &str, stamp: &Stamp) -> Result<(), String> {
    match records::get::<Booking>(day.document(), BOOKING, id) {
        Some(b) if b.state != BookingState::Cancelled => set_state(day, &b, BookingState::Cancelled, stamp),
        _ => Ok(()),
    }
}

/// Someone waiting for a time to free up.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct WaitlistEntry {
    pub id: String,
    pub client: String,
    pub phone: String,
    pub service: String,
    /// Preferred staff member, or empty for anyone.
    pub staff: String,
    pub made_ms: i64,
    /// Set once they were booked or gave up.
    pub closed: bool,
}

const WAITLIST: &str = "waitlist";

pub fn put_waitlist(day: &mut AutoCommit, entry: &WaitlistEntry) -> Result<(), String> {
    records::put(day, WAITLIST, &entry.id, entry)
}

/// The open waitlist of a day, first come first.
pub fn waitlist(day: &Automerge) -> Vec<WaitlistEntry> {
    let mut all: Vec<WaitlistEntry> =
        records::all::<WaitlistEntry>(day, WAITLIST).into_iter().filter(|e| !e.closed).collect();
    all.sort_dyn_by(|a, b| (a.made_ms, &a.id).cmp(&(b.made_ms, &b.id)));
    all
}

/// A free time offered to someone on the waitlist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub entry: WaitlistEntry,
    pub staff: String,
    pub start_min: u32,
}

/// For each person waiting (first come first), the earliest time that now fits them. Each time is
/// offered to one person only.
pub fn waitlist_offers(planner: &Planner<'_>, date: NaiveDate, waiting: &[WaitlistEntry]) -> Vec<Offer> {
    let mut taken: Vec<(String, u32, u32)> = Vec::new();
    let mut offers = Vec::new();
    for entry in waiting {
        let Some(service) = planner.site.service(&entry.service) else { continue };
        let candidates: Vec<String> = if entry.staff.is_empty() {
            planner.site.providers().filter(|p| service.can_be_done_by(&p.id)).map(|p| p.id.clone()).collect()
        } else {
            vec![entry.staff.clone()]
        };
        let best = candidates
            .iter()
            .flat_map(|staff| planner.free_slots(date, &entry.service, staff, 15).into_iter().map(move |s| (s, staff)))
            .filter(|(start, staff)| {
                let end = start + service.duration_min + service.buffer_min;
                !taken.iter().any(|(s, a, b)| s == *staff && overlaps((*start, end), (*a, *b)))
            })
            .min();
        if let Some((start, staff)) = best {
            taken.push((staff.clone(), start, start + service.duration_min + service.buffer_min));
            offers.push(Offer { entry: entry.clone(), staff: staff.clone(), start_min: start });
        }
    }
    offers
}

/// The alphabet of confirmation codes: no 0/O, no 1/I, so a code read aloud is typed right.
pub const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters in a confirmation code (32^6 ≈ a billion codes).
pub const CODE_LEN: usize = 6;

/// A confirmation code from random bytes (the caller's).
pub fn confirmation_code(random: [u8; CODE_LEN]) -> String {
    random.iter().map(|b| CODE_ALPHABET[(*b as usize) % 32] as char).collect()
}

/// A typed code in canonical form: capitals, no spaces or dashes.
pub fn normalize_code(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::*;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() // a Monday
    }

    pub(crate) fn clinic() -> Site {
        let mut ruiz_hours = weekday_hours();
        ruiz_hours[0] = DayHours::new(10 * 60, 14 * 60);
        Site {
            profile: Some(Profile {
                name: "Clínica Sol".into(),
                kind: BusinessKind::MedicalOffice,
                lang: "es".into(),
                time_zone: "Europe/Madrid".into(),
                currency: "EUR".into(),
                hours: weekday_hours(),
            }),
            services: vec![Service {
                id: "checkup".into(),
                name_en: "Check-up".into(),
                name_es: "Revisión".into(),
                description_en: String::new(),
                description_es: String::new(),
                duration_min: 30,
                buffer_min: 10,
                price_minor: 4500,
                performers: vec![],
                active: true,
            }],
            staff: vec![
                StaffMember {
                    id: "ruiz".into(),
                    name: "Dra. Ruiz".into(),
                    role: StaffRole::Provider,
                    hours: ruiz_hours,
                    active: true,
                },
                StaffMember {
                    id: "vega".into(),
                    name: "Dr. Vega".into(),
                    role: StaffRole::Provider,
                    hours: weekday_hours(),
                    active: true,
                },
            ],
            resources: vec![],
        }
    }

    fn request(staff: &str, start_min: u32) -> BookingRequest {
        BookingRequest {
            client: "Ana Gil".into(),
            phone: "+34 600 111 222".into(),
            service: "checkup".into(),
            staff: staff.into(),
            resource: String::new(),
            date: date(),
            start_min,
            duration_min: None,
            notes: String::new(),
        }
    }

    fn book(planner: &Planner<'_>, req: &BookingRequest, id: &str, made_ms: i64) -> Booking {
        let checked = planner.check(req, None).unwrap();
        checked.into_booking(
            req,
            id.into(),
            "ABC234".into(),
            String::new(),
            &Stamp { by: "tablet".into(), at_ms: made_ms },
        )
    }

    fn planner<'a>(site: &'a Site, existing: &'a [Booking]) -> Planner<'a> {
        Planner { site, existing, now: (date() - Duration::days(1), 0) }
    }

    #[test]
    fn availability_respects_hours_durations_and_buffers() {
        let site = clinic();
        let empty = planner(&site, &[]);
        // Dra. Ruiz works 10:00–14:00 on Mondays: a 30-minute check-up starts 10:00 … 13:30.
        let slots = empty.free_slots(date(), "checkup", "ruiz", 30);
        assert_eq!(slots.first(), Some(&600));
        assert_eq!(slots.last(), Some(&810));
        let taken = [book(&empty, &request("ruiz", 600), "b1", 1)];
        let busy = planner(&site, &taken);
        // 10:00–10:30 plus a 10-minute buffer: the next start is 10:40, not 10:30.
        let slots = busy.free_slots(date(), "checkup", "ruiz", 10);
        assert_eq!(slots.first(), Some(&640));
        // A booking may not start so close before that its own buffer runs into the next.
        assert_eq!(busy.check(&request("ruiz", 570), None).unwrap_err(), BookingError::OutsideWorkingHours);
        assert!(matches!(busy.check(&request("ruiz", 630), None), Err(BookingError::StaffBusy { .. })));
        // Someone else is free at the same time.
        assert!(busy.check(&request("vega", 600), None).is_ok());
        // A room booked at 11:00 is not offered to anyone then.
        let room = BookingRequest { resource: "room-4".into(), ..request("vega", 660) };
        let in_room = [book(&empty, &room, "r1", 1)];
        let with_room = planner(&site, &in_room);
        assert!(!with_room.free_slots_with(date(), "checkup", "ruiz", "room-4", 30).contains(&660));
        assert!(with_room.free_slots_with(date(), "checkup", "ruiz", "", 30).contains(&660));
    }

    #[test]
    fn bad_requests_say_what_is_wrong_and_save_nothing() {
        let site = clinic();
        let p = planner(&site, &[]);
        let cases = [
            (BookingRequest { client: "  ".into(), ..request("vega", 600) }, BookingError::ClientMissing),
            (BookingRequest { phone: "call me".into(), ..request("vega", 600) }, BookingError::BadPhone),
            (BookingRequest { service: "nope".into(), ..request("vega", 600) }, BookingError::ServiceUnknown),
            (
                BookingRequest { duration_min: Some(0), ..request("vega", 600) },
                BookingError::Duration(SiteError::DurationTooShort),
            ),
            (request("vega", 8 * 60), BookingError::OutsideOpeningHours),
            (request("vega", 17 * 60 + 45), BookingError::OutsideOpeningHours),
            (BookingRequest { date: date() + Duration::days(6), ..request("vega", 600) }, BookingError::Closed),
        ];
        for (req, error) in cases {
            assert_eq!(p.check(&req, None), Err(error));
        }
        let past = Planner { now: (date(), 11 * 60), ..planner(&site, &[]) };
        assert_eq!(past.check(&request("vega", 600), None), Err(BookingError::InThePast));
    }

    #[test]
    fn a_move_does_not_collide_with_the_booking_itself() {
        let site = clinic();
        let first = book(&planner(&site, &[]), &request("vega", 600), "b1", 1);
        let existing = [first.clone()];
        let p = planner(&site, &existing);
        assert!(p.check(&request("vega", 615), Some("b1")).is_ok());
        assert!(p.check(&request("vega", 615), None).is_err());
    }

    #[test]
    fn cancelled_bookings_free_their_time() {
        let site = clinic();
        let mut day = AutoCommit::new();
        let b = book(&planner(&site, &[]), &request("vega", 600), "b1", 1);
        put_booking(&mut day, &b).unwrap();
        set_state(&mut day, &b, BookingState::Cancelled, &Stamp { by: "t".into(), at_ms: 2 }).unwrap();
        let stored = bookings(day.document());
        assert_eq!(stored[0].state, BookingState::Cancelled);
        assert!(planner(&site, &stored).check(&request("vega", 600), None).is_ok());
    }

    /// Two tablets offline book the same doctor at overlapping times: after the merge both
    /// bookings exist, every replica reports the same conflict, and one tap resolves it.
    #[test]
    fn double_bookings_made_offline_surface_as_one_conflict_everywhere() {
        let site = clinic();
        let mut a = AutoCommit::new();
        let mut b = a.fork();
        let made_a = book(&planner(&site, &[]), &request("vega", 600), "aaa", 10);
        let made_b = book(
            &planner(&site, &[]),
            &BookingRequest { client: "Luis Paz".into(), ..request("vega", 615) },
            "bbb",
            20,
        );
        put_booking(&mut a, &made_a).unwrap();
        put_booking(&mut b, &made_b).unwrap();
        a.merge(&mut b.clone()).unwrap();
        b.merge(&mut a.clone()).unwrap();
        let (on_a, on_b) = (conflicts(a.document()), conflicts(b.document()));
        assert_eq!(on_a, on_b);
        assert_eq!(on_a.len(), 1);
        assert_eq!(on_a[0].first.id, "aaa");
        assert_eq!(on_a[0].second.client, "Luis Paz");
        assert_eq!(on_a[0].over, Clash::Staff("vega".into()));
        assert_eq!(bookings(a.document()).len(), 2, "nothing dropped");

        // Resolve on one tablet by cancelling the later booking; the other learns it by sync.
        set_state(&mut b, &on_b[0].second, BookingState::Cancelled, &Stamp { by: "t2".into(), at_ms: 30 }).unwrap();
        a.merge(&mut b.clone()).unwrap();
        assert!(conflicts(a.document()).is_empty());

        // Or keep both, on purpose.
        let mut c = AutoCommit::new();
        put_booking(&mut c, &made_a).unwrap();
        put_booking(&mut c, &made_b).unwrap();
        let found = conflicts(c.document());
        keep_both(&mut c, &found[0], &Stamp { by: "t3".into(), at_ms: 40 }).unwrap();
        assert!(conflicts(c.document()).is_empty());
    }

    /// A booking moved to another day on one tablet and cancelled on another, both offline;
    /// after they sync every tablet sees one crossed move on the old day, whichever way
    /// Automerge settled the field, and one decision on any tablet ends it everywhere.
    #[test]
    fn a_move_and_a_cancel_made_offline_surface_as_a_crossed_move() {
        let old = Booking::sample("bk1");
        let to = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let mut day_a = AutoCommit::new();
        put_booking(&mut day_a, &old).unwrap();
        let mut day_b = day_a.fork();
        let mut new_day = AutoCommit::new();
        // Tablet A moves it (as the booking form does), tablet B cancels it.
        let moved = Booking { state: BookingState::Moved, notes: moved_note(to), ..old.clone() };
        put_booking(&mut day_a, &moved).unwrap();
        put_booking(&mut new_day, &Booking { date: to.to_string(), start_min: 720, ..old.clone() }).unwrap();
        set_state(&mut day_b, &old, BookingState::Cancelled, &Stamp { by: "Eva (Desk 2)".into(), at_ms: 9 }).unwrap();
        assert!(crossed_moves(day_a.document()).is_empty(), "one tablet alone sees nothing crossed");
        day_a.merge(&mut day_b.clone()).unwrap();
        day_b.merge(&mut day_a.clone()).unwrap();
        let crossed = crossed_moves(day_a.document());
        assert_eq!(crossed, crossed_moves(day_b.document()), "both tablets see the same");
        assert_eq!(crossed.len(), 1);
        assert_eq!((crossed[0].moved_to.clone(), crossed[0].cancelled), (vec![to], true));
        assert!(conflicts(day_a.document()).is_empty(), "not a double booking");

        // Keep it cancelled: the old day says so once, the new day has it cancelled.
        let stamp = Stamp { by: "Ana (Desk 1)".into(), at_ms: 20 };
        let settle = Settle::Cancel;
        settle_old_day(&mut day_b, &crossed[0], settle, &stamp).unwrap();
        for d in days_to_cancel(&crossed[0], settle) {
            assert_eq!(d, to);
            cancel_in(&mut new_day, "bk1", &stamp).unwrap();
        }
        day_a.merge(&mut day_b.clone()).unwrap();
        assert!(crossed_moves(day_a.document()).is_empty(), "settled on every tablet");
        assert_eq!(bookings(day_a.document())[0].state, BookingState::Cancelled);
        let there = &bookings(new_day.document())[0];
        assert_eq!(
            (there.state, there.start_min),
            (BookingState::Cancelled, 720),
            "the new day's own record, cancelled"
        );

        // Or keep the move: nothing to cancel, the old day says where it went.
        let mut day_c = AutoCommit::new();
        put_booking(&mut day_c, &old).unwrap();
        let mut day_d = day_c.fork();
        put_booking(&mut day_c, &Booking { state: BookingState::Moved, notes: moved_note(to), ..old.clone() }).unwrap();
        set_state(&mut day_d, &old, BookingState::Cancelled, &stamp).unwrap();
        day_c.merge(&mut day_d).unwrap();
        let crossed = crossed_moves(day_c.document());
        assert_eq!(crossed.len(), 1);
        assert!(days_to_cancel(&crossed[0], Settle::MovedTo(to)).is_empty());
        settle_old_day(&mut day_c, &crossed[0], Settle::MovedTo(to), &stamp).unwrap();
        assert!(crossed_moves(day_c.document()).is_empty());
        let b = &bookings(day_c.document())[0];
        assert_eq!((b.state, moved_to(&b.notes)), (BookingState::Moved, Some(to)));
    }

    #[test]
    fn a_booking_moved_to_two_days_at_once_is_crossed_too() {
        let old = Booking::sample("bk1");
        let (d1, d2) = (NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        let mut a = AutoCommit::new();
        put_booking(&mut a, &old).unwrap();
        let mut b = a.fork();
        put_booking(&mut a, &Booking { state: BookingState::Moved, notes: moved_note(d2), ..old.clone() }).unwrap();
        put_booking(&mut b, &Booking { state: BookingState::Moved, notes: moved_note(d1), ..old.clone() }).unwrap();
        a.merge(&mut b).unwrap();
        let crossed = crossed_moves(a.document());
        assert_eq!(crossed.len(), 1);
        assert_eq!((crossed[0].moved_to.clone(), crossed[0].cancelled), (vec![d1, d2], false));
        assert_eq!(days_to_cancel(&crossed[0], Settle::MovedTo(d1)), vec![d2]);
        // Two tablets that both cancel, or both note the same thing, cross nothing.
        let mut c = AutoCommit::new();
        put_booking(&mut c, &old).unwrap();
        let mut e = c.fork();
        set_state(&mut c, &old, BookingState::Cancelled, &Stamp { by: "x".into(), at_ms: 1 }).unwrap();
        set_state(&mut e, &old, BookingState::Cancelled, &Stamp { by: "y".into(), at_ms: 2 }).unwrap();
        c.merge(&mut e).unwrap();
        assert!(crossed_moves(c.document()).is_empty());
    }

    #[test]
    fn the_same_room_at_the_same_time_is_a_conflict_too() {
        let site = clinic();
        let p = planner(&site, &[]);
        let room = |staff: &str, id: &str| {
            let req = BookingRequest { resource: "room-4".into(), ..request(staff, 660) };
            book(&p, &req, id, 1)
        };
        let found = find_conflicts(&[room("vega", "x"), room("ruiz", "y")], &HashSet::new());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].over, Clash::Resource("room-4".into()));
        // Back to back (after the buffer) is not a conflict.
        let mut later = room("ruiz", "z");
        later.start_min = 700;
        assert!(find_conflicts(&[room("vega", "x"), later], &HashSet::new()).is_empty());
    }

    #[test]
    fn the_waitlist_is_offered_freed_times_first_come_first() {
        let site = clinic();
        // Dr. Vega is fully booked 9:00–18:00 except 11:00–11:40, which a cancellation freed.
        let p0 = planner(&site, &[]);
        let mut day: Vec<Booking> = Vec::new();
        let mut start = 9 * 60;
        let mut n = 0;
        while start + 30 <= 18 * 60 {
            if start != 660 {
                let req = request("vega", start);
                day.push(book(&p0, &req, &format!("v{n}"), 1));
            }
            start += 40;
            n += 1;
        }
        // Dra. Ruiz is away.
        let mut site = site;
        site.staff[0].active = false;
        let p = planner(&site, &day);
        let entry = |id: &str, made_ms| WaitlistEntry {
            id: id.into(),
            client: id.into(),
            phone: String::new(),
            service: "checkup".into(),
            staff: String::new(),
            made_ms,
            closed: false,
        };
        let offers = waitlist_offers(&p, date(), &[entry("first", 1), entry("second", 2)]);
        assert_eq!(offers.len(), 1, "one freed time, one offer: {offers:?}");
        assert_eq!(
            (offers[0].entry.id.as_str(), offers[0].start_min, offers[0].staff.as_str()),
            ("first", 660, "vega")
        );
    }

    #[test]
    fn weekly_series_and_codes() {
        let dates = weekly_dates(date(), 2, 3);
        assert_eq!(dates, vec![date(), date() + Duration::weeks(2), date() + Duration::weeks(4)]);
        let code = confirmation_code([0, 31, 32, 200, 7, 255]);
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|c| CODE_ALPHABET.contains(&c)));
        assert_eq!(normalize_code(" k7m-4qx "), "K7M4QX");
    }

    #[test]
    fn a_kiosk_check_in_for_a_booking_marks_it_arrived() {
        let site = clinic();
        let p = planner(&site, &[]);
        let a = book(&p, &request("vega", 600), "a", 1);
        let b = book(&p, &request("ruiz", 600), "b", 1);
        let c = Booking { state: BookingState::Cancelled, ..book(&p, &request("vega", 700), "c", 1) };
        let shown = with_arrivals(vec![a, b, c], ["a", "c", "unknown"]);
        let states: Vec<_> = shown.iter().map(|x| (x.id.as_str(), x.state)).collect();
        assert_eq!(states, [("a", BookingState::Arrived), ("b", BookingState::Booked), ("c", BookingState::Cancelled)]);
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(clean_phone(" +34 600  111 222 ").unwrap(), "+34 600 111 222");
        assert_eq!(clean_phone("").unwrap(), "");
        assert_eq!(clean_phone("(55) 1234-5678").unwrap(), "(55) 1234-5678");
        assert!(clean_phone("12").is_err());
        assert!(clean_phone("555-CALL").is_err());
        assert!(clean_phone("34+600111222").is_err());
    }
}
