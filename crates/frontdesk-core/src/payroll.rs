//! Payroll: punches from the time clock, timesheets, missed-punch fixes, pay rates with overtime,
//! and closing a pay period.
//!
//! **Where things live.** Staff punch in and out with a personal PIN at the kiosk or at a desk;
//! the punch goes into a `timeclock/<date>/<device>` document that only its device writes and only
//! the manager reads (the relay enforces both). A punch carries no name: only the PIN's hash,
//! salted with a random salt kept in the `kiosk` document. The kiosk document also holds the set
//! of valid hashes (no names), so the kiosk can say "PIN not recognised" offline and learns
//! nothing else. The `payroll` document (manager only) maps each hash to a person, with their pay
//! rate, the fixes made to their punches (each with its reason), and the closed periods.
//!
//! PINs identify a person at the clock; they are not a password. Four to eight digits can be
//! guessed by anyone holding the salt, which every staff tablet does: a guess reveals a PIN that
//! exists, never whose it is.

use crate::sorting::SortDyn;
use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, Automerge, ROOT};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};

use crate::money::{self, MoneyError};
use crate::records;
use crate::site::StaffMember;

/// In or out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Reconcile, Hydrate)]
pub enum PunchKind {
    In,
    Out,
}

/// One tap on the time clock.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Punch {
    pub id: String,
    pub kind: PunchKind,
    /// The PIN's salted hash (see [`pin_hash`]).
    pub pin: String,
    pub at_ms: i64,
}

/// The kind of a punch's record (its key is `punch/<id>`).
pub const PUNCH: &str = "punch";

/// How far a punch's own time and the relay's receive time may differ before the sheet says so:
/// a time clock that was offline, or whose clock is wrong.
pub const SKEW_NOTED_MS: i64 = 10 * 60_000;

/// A punch as a desk holds it: with the relay's receive time if it came through the relay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldPunch {
    pub punch: Punch,
    /// When the relay received it, by the relay's clock (`None`: made on this device).
    pub received_ms: Option<i64>,
}

impl HeldPunch {
    /// The time the punch counts at: its own, but never later than the relay received it (a
    /// time clock's clock may run ahead; nobody punches after the relay has the punch).
    pub fn at_ms(&self) -> i64 {
        self.received_ms.map_or(self.punch.at_ms, |received| self.punch.at_ms.min(received))
    }

    /// The punch's own time and when the relay received it, if they differ by more than
    /// [`SKEW_NOTED_MS`] (the time clock was offline, its clock is wrong, or it was forged).
    pub fn skew(&self) -> Option<Skew> {
        let received_ms = self.received_ms?;
        ((received_ms - self.punch.at_ms).abs() > SKEW_NOTED_MS)
            .then_some(Skew { claimed_ms: self.punch.at_ms, received_ms })
    }
}

/// A punch whose time and the relay's receive time are far apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Skew {
    /// The time the time clock gave it.
    pub claimed_ms: i64,
    /// When the relay received it.
    pub received_ms: i64,
}

pub fn put_punch(doc: &mut AutoCommit, punch: &Punch) -> Result<(), String> {
    records::put(doc, PUNCH, &punch.id, punch)
}

pub fn punches(doc: &Automerge) -> Vec<Punch> {
    records::all(doc, PUNCH)
}

/// A punch as a chunk for a time-clock document the device does not hold (it only writes it).
/// `actor` is random bytes from the caller, unique to this punch.
pub fn punch_chunk(punch: &Punch, actor: [u8; 16]) -> Vec<u8> {
    let mut doc = AutoCommit::new().with_actor(automerge::ActorId::from(&actor[..]));
    // Writing a plain record into a fresh document cannot fail.
    let _ = put_punch(&mut doc, punch);
    doc.save()
}

// ---------------------------------------------------------------------------------------------
// PINs

/// Why a PIN is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("a PIN is 4 to 8 digits")]
    Malformed,
    #[error("someone else has that PIN")]
    Taken,
    #[error("PIN not recognised")]
    Unknown,
}

/// A typed PIN, checked: 4 to 8 digits.
pub fn clean_pin(typed: &str) -> Result<String, PinError> {
    let pin = typed.trim();
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(pin.to_owned())
    } else {
        Err(PinError::Malformed)
    }
}

/// The salted hash a PIN is known by.
pub fn pin_hash(salt: &str, pin: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"frontdesk-pin\0");
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(pin.as_bytes());
    frontdesk_protocol::hex16(h.finalize()[..16].try_into().expect("16 of 32 bytes"))
}

const PIN_SALT: &str = "pinsalt";
const PIN: &str = "pin";

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
struct PinSalt {
    value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
struct KnownPin {
    hash: String,
}

/// The kiosk document's PIN salt, if the manager made one.
pub fn pin_salt(kiosk: &Automerge) -> Option<String> {
    records::get::<PinSalt>(kiosk, PIN_SALT, "main").map(|s| s.value)
}

/// Makes the PIN salt if there is none (from the caller's random bytes); returns it.
pub fn ensure_pin_salt(kiosk: &mut AutoCommit, random: [u8; 16]) -> Result<String, String> {
    if let Some(existing) = pin_salt(kiosk.document()) {
        return Ok(existing);
    }
    let value = frontdesk_protocol::hex16(&random);
    records::put(kiosk, PIN_SALT, "main", &PinSalt { value: value.clone() })?;
    Ok(value)
}

/// Whether the kiosk document knows a PIN with this hash.
pub fn pin_known(kiosk: &Automerge, hash: &str) -> bool {
    records::get::<KnownPin>(kiosk, PIN, hash).is_some()
}

/// The hashes the kiosk document lists now.
pub fn known_pins(kiosk: &Automerge) -> BTreeSet<String> {
    records::all::<KnownPin>(kiosk, PIN).into_iter().map(|p| p.hash).collect()
}

/// Makes the kiosk document list exactly `hashes`.
pub fn publish_pins(kiosk: &mut AutoCommit, hashes: &BTreeSet<String>) -> Result<(), String> {
    let now = known_pins(kiosk.document());
    for gone in now.difference(hashes) {
        kiosk.delete(ROOT, records::key(PIN, gone).as_str()).map_err(|e| e.to_string())?;
    }
    for new in hashes.difference(&now) {
        records::put(kiosk, PIN, new, &KnownPin { hash: new.clone() })?;
    }
    Ok(())
}

/// Checks a PIN typed at a clock against the kiosk document: its hash, if known.
pub fn recognise(kiosk: &Automerge, typed: &str) -> Result<String, PinError> {
    let pin = clean_pin(typed).map_err(|_| PinError::Unknown)?;
    let salt = pin_salt(kiosk).ok_or(PinError::Unknown)?;
    let hash = pin_hash(&salt, &pin);
    if pin_known(kiosk, &hash) { Ok(hash) } else { Err(PinError::Unknown) }
}

// ---------------------------------------------------------------------------------------------
// Pay rates

/// How a person is paid, and their PIN's hash.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PayRate {
    pub staff: String,
    pub hourly_minor: i64,
    /// Minutes a week paid at the normal rate; beyond them, overtime.
    pub overtime_after_min: u32,
    /// Overtime pay as a percentage of the hourly rate (150 = time and a half).
    pub overtime_pct: u32,
    pub pin: String,
}

/// Why a pay rate is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("hourly rate: {0}")]
    Hourly(MoneyError),
    #[error("overtime starts after 1 to 80 hours a week")]
    BadThreshold,
    #[error("overtime pay is 100 % to 300 % of the rate")]
    BadOvertimePct,
    #[error("{0}")]
    Pin(PinError),
}

/// A pay rate as the manager typed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateForm {
    pub hourly: String,
    /// Hours a week (whole or decimal).
    pub overtime_after_hours: String,
    pub overtime_pct: String,
    /// Empty keeps the PIN the person has.
    pub pin: String,
}

impl RateForm {
    /// Checks the form for `staff`; `salt` hashes a new PIN, which must not be anyone else's.
    pub fn check(
        &self,
        staff: &str,
        current: Option<&PayRate>,
        rates: &[PayRate],
        salt: &str,
        currency: &str,
    ) -> Result<PayRate, RateError> {
        let hourly_minor = money::parse_amount(&self.hourly, currency).map_err(RateError::Hourly)?;
        let hours = money::parse_amount(
            if self.overtime_after_hours.trim().is_empty() { "40" } else { &self.overtime_after_hours },
            "EUR",
        )
        .map_err(|_| RateError::BadThreshold)?;
        let overtime_after_min = u32::try_from(hours * 60 / 100).map_err(|_| RateError::BadThreshold)?;
        if !(60..=80 * 60).contains(&overtime_after_min) {
            return Err(RateError::BadThreshold);
        }
        let overtime_pct = match self.overtime_pct.trim() {
            "" => 150,
            p => p.trim_end_matches('%').trim().parse::<u32>().map_err(|_| RateError::BadOvertimePct)?,
        };
        if !(100..=300).contains(&overtime_pct) {
            return Err(RateError::BadOvertimePct);
        }
        let pin = if self.pin.trim().is_empty() {
            current.map(|c| c.pin.clone()).unwrap_or_default()
        } else {
            let hash = pin_hash(salt, &clean_pin(&self.pin).map_err(RateError::Pin)?);
            if rates.iter().any(|r| r.staff != staff && r.pin == hash) {
                return Err(RateError::Pin(PinError::Taken));
            }
            hash
        };
        Ok(PayRate { staff: staff.to_owned(), hourly_minor, overtime_after_min, overtime_pct, pin })
    }
}

const RATE: &str = "rate";

pub fn put_rate(doc: &mut AutoCommit, rate: &PayRate) -> Result<(), String> {
    records::put(doc, RATE, &rate.staff, rate)
}

pub fn rates(doc: &Automerge) -> Vec<PayRate> {
    records::all(doc, RATE)
}

/// The pay rates the PIN lists are published from: none yet (`None`) while this device holds an
/// empty payroll — one it has not received — which would otherwise unlist every PIN (and unlock
/// every tablet) until it arrives. A payroll whose rates were all removed is not empty.
pub fn rates_to_publish(doc: &Automerge) -> Option<Vec<PayRate>> {
    (!doc.get_heads().is_empty()).then(|| rates(doc))
}

// ---------------------------------------------------------------------------------------------
// Fixes

/// A correction the manager made to someone's punches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub enum FixKind {
    /// A punch in they forgot.
    AddIn,
    /// A punch out they forgot.
    AddOut,
    /// A punch made by mistake, left out of the sheet.
    Ignore,
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Fix {
    pub id: String,
    pub staff: String,
    pub kind: FixKind,
    /// When the added punch happened (AddIn / AddOut).
    pub at_ms: i64,
    /// The punch left out (Ignore).
    pub punch: String,
    pub reason: String,
    pub by: String,
    pub made_ms: i64,
}

/// Why a fix is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    #[error("a fix needs a reason")]
    NoReason,
    #[error("the reason is too long")]
    ReasonTooLong,
    #[error("not a time")]
    BadTime,
}

/// Checks a fix: the reason is kept with it.
pub fn check_fix(fix: Fix) -> Result<Fix, FixError> {
    let reason = fix.reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() {
        return Err(FixError::NoReason);
    }
    if reason.chars().count() > 200 {
        return Err(FixError::ReasonTooLong);
    }
    if fix.kind != FixKind::Ignore && fix.at_ms <= 0 {
        return Err(FixError::BadTime);
    }
    Ok(Fix { reason, ..fix })
}

const FIX: &str = "fix";

pub fn put_fix(doc: &mut AutoCommit, fix: &Fix) -> Result<(), String> {
    records::put(doc, FIX, &fix.id, fix)
}

pub fn fixes(doc: &Automerge) -> Vec<Fix> {
    records::all(doc, FIX)
}

// ---------------------------------------------------------------------------------------------
// Timesheets

/// One worked stretch: in to out (or still in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    /// The fixes that made this shift (their reasons show on the sheet).
    pub fixed: Vec<String>,
    /// Its punches whose time and the relay's receive time are far apart.
    pub skewed: Vec<Skew>,
}

/// Something on a sheet a person must look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// In without out (before a later in, or at the end of the period).
    OpenPunch { at_ms: i64 },
    /// Out without in.
    OutWithoutIn { at_ms: i64 },
}

/// One person's time over a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub staff: String,
    pub shifts: Vec<Shift>,
    pub problems: Vec<Problem>,
    pub regular_min: i64,
    pub overtime_min: i64,
    pub gross_minor: i64,
}

/// Gross pay: regular minutes at the rate, overtime minutes at the overtime percentage, rounded
/// half up to the minor unit once.
pub fn gross(rate: &PayRate, regular_min: i64, overtime_min: i64) -> i64 {
    let scaled = regular_min as i128 * rate.hourly_minor as i128 * 100
        + overtime_min as i128 * rate.hourly_minor as i128 * rate.overtime_pct as i128;
    ((scaled + 3_000) / 6_000) as i64
}

/// The sheets of everyone with a pay rate, for the local dates `from..=to`.
///
/// Punches are matched to people by PIN hash and count at [`HeldPunch::at_ms`]; fixes add or
/// leave out punches. Shifts belong to the day they start. Overtime counts per ISO week, within the period. `local` turns an instant
/// into the business's wall-clock time (its offset may change within the period: summer time).
pub fn sheets(
    rates: &[PayRate],
    punches: &[HeldPunch],
    fixes: &[Fix],
    from: NaiveDate,
    to: NaiveDate,
    local: impl Fn(i64) -> NaiveDateTime,
) -> Vec<Sheet> {
    const DAY_MS: i64 = 86_400_000;
    let utc_start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis());
    let near = (
        utc_start(from).map_or(i64::MIN, |ms| ms - DAY_MS),
        to.succ_opt().and_then(utc_start).map_or(i64::MAX, |ms| ms + DAY_MS),
    );
    let ignored: BTreeSet<&str> =
        fixes.iter().filter(|f| f.kind == FixKind::Ignore).map(|f| f.punch.as_str()).collect();
    let mut out = Vec::new();
    for rate in rates {
        // (time, kind, fix's reason, skew)
        let mut entries: Vec<(i64, PunchKind, Option<String>, Option<Skew>)> = punches
            .iter()
            .filter(|p| !rate.pin.is_empty() && p.punch.pin == rate.pin && !ignored.contains(p.punch.id.as_str()))
            .map(|p| (p.at_ms(), p.punch.kind, None, p.skew()))
            .collect();
        for f in fixes.iter().filter(|f| f.staff == rate.staff) {
            match f.kind {
                FixKind::AddIn => entries.push((f.at_ms, PunchKind::In, Some(f.reason.clone()), None)),
                FixKind::AddOut => entries.push((f.at_ms, PunchKind::Out, Some(f.reason.clone()), None)),
                FixKind::Ignore => {}
            }
        }
        // A day's wall clock is within a day of UTC's: only instants near the period need `local`
        // (in the app it asks the browser's time-zone data, far dearer than this comparison).
        entries.retain(|(at, ..)| (near.0..near.1).contains(at) && (from..=to).contains(&local(*at).date()));
        entries.sort_dyn_by_key(|e| (e.0, e.1));
        let mut shifts = Vec::new();
        let mut problems = Vec::new();
        let mut open: Option<(i64, Vec<String>, Vec<Skew>)> = None;
        for (at, kind, fix, skew) in entries {
            match kind {
                PunchKind::In => {
                    if let Some((start, fixed, skewed)) = open.take() {
                        problems.push(Problem::OpenPunch { at_ms: start });
                        shifts.push(Shift { start_ms: start, end_ms: None, fixed, skewed });
                    }
                    open = Some((at, fix.into_iter().collect(), skew.into_iter().collect()));
                }
                PunchKind::Out => match open.take() {
                    Some((start, mut fixed, mut skewed)) => {
                        fixed.extend(fix);
                        skewed.extend(skew);
                        shifts.push(Shift { start_ms: start, end_ms: Some(at), fixed, skewed });
                    }
                    None => problems.push(Problem::OutWithoutIn { at_ms: at }),
                },
            }
        }
        if let Some((start, fixed, skewed)) = open {
            problems.push(Problem::OpenPunch { at_ms: start });
            shifts.push(Shift { start_ms: start, end_ms: None, fixed, skewed });
        }
        let mut by_week: BTreeMap<(i32, u32), i64> = BTreeMap::new();
        for s in &shifts {
            if let Some(end) = s.end_ms {
                let week = local(s.start_ms).date().iso_week();
                *by_week.entry((week.year(), week.week())).or_default() += (end - s.start_ms).max(0) / 60_000;
            }
        }
        let (mut regular_min, mut overtime_min) = (0, 0);
        for minutes in by_week.values() {
            let limit = rate.overtime_after_min as i64;
            regular_min += minutes.min(&limit);
            overtime_min += (minutes - limit).max(0);
        }
        out.push(Sheet {
            staff: rate.staff.clone(),
            gross_minor: gross(rate, regular_min, overtime_min),
            shifts,
            problems,
            regular_min,
            overtime_min,
        });
    }
    out
}

/// Who is clocked in right now (an open shift today), by staff id.
pub fn on_the_clock(sheets: &[Sheet]) -> Vec<String> {
    sheets.iter().filter(|s| s.shifts.last().is_some_and(|x| x.end_ms.is_none())).map(|s| s.staff.clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// Closing a period

/// One person's pay for a closed period.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PayLine {
    pub staff: String,
    pub name: String,
    pub regular_min: i64,
    pub overtime_min: i64,
    pub gross_minor: i64,
}

/// A closed pay period.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Period {
    pub id: String,
    pub from: String,
    pub to: String,
    pub currency: String,
    pub lines: Vec<PayLine>,
    pub closed_by: String,
    pub closed_ms: i64,
}

/// Why a period cannot close.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloseError {
    #[error("the period ends before it starts")]
    Inverted,
    #[error("{0} punches are open: fix them (with a reason) first")]
    OpenPunches(usize),
    #[error("part of this period is already closed")]
    Overlaps,
}

const PERIOD: &str = "period";

pub fn put_period(doc: &mut AutoCommit, period: &Period) -> Result<(), String> {
    records::put(doc, PERIOD, &period.id, period)
}

pub fn periods(doc: &Automerge) -> Vec<Period> {
    let mut all: Vec<Period> = records::all(doc, PERIOD);
    all.sort_dyn_by(|a, b| b.from.cmp(&a.from));
    all
}

/// Closes `from..=to`: refused while any sheet has an open punch or a punch out without in
/// (each must be fixed, with a reason), or if the dates overlap a closed period.
#[allow(clippy::too_many_arguments)]
pub fn close(
    sheets: &[Sheet],
    staff: &[StaffMember],
    closed: &[Period],
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
    id: String,
    stamp: &crate::schedule::Stamp,
) -> Result<Period, CloseError> {
    if to < from {
        return Err(CloseError::Inverted);
    }
    let open: usize = sheets.iter().map(|s| s.problems.len()).sum();
    if open > 0 {
        return Err(CloseError::OpenPunches(open));
    }
    let (f, t) = (from.to_string(), to.to_string());
    if closed.iter().any(|p| p.from <= t && f <= p.to) {
        return Err(CloseError::Overlaps);
    }
    let name = |id: &str| staff.iter().find(|m| m.id == id).map(|m| m.name.clone()).unwrap_or_default();
    Ok(Period {
        id,
        from: f,
        to: t,
        currency: currency.to_owned(),
        lines: sheets
            .iter()
            .map(|s| PayLine {
                staff: s.staff.clone(),
                name: name(&s.staff),
                regular_min: s.regular_min,
                overtime_min: s.overtime_min,
                gross_minor: s.gross_minor,
            })
            .collect(),
        closed_by: stamp.by.clone(),
        closed_ms: stamp.at_ms,
    })
}

/// `7:30` for 450 minutes.
pub fn format_minutes(minutes: i64) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// The period as CSV rows (header first), for a spreadsheet.
pub fn period_rows(period: &Period, decimal_comma: bool, header: [&str; 5]) -> Vec<Vec<String>> {
    let mut rows = vec![header.iter().map(|s| (*s).to_owned()).collect()];
    for l in &period.lines {
        rows.push(vec![
            l.name.clone(),
            format_minutes(l.regular_min),
            format_minutes(l.overtime_min),
            money::format_amount(l.gross_minor, &period.currency, decimal_comma),
            period.currency.clone(),
        ]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Stamp;
    use chrono::DateTime;

    const H: i64 = 3_600_000;

    fn utc(ms: i64) -> NaiveDateTime {
        DateTime::from_timestamp_millis(ms).unwrap().naive_utc()
    }
    /// Monday 2026-11-23 00:00 UTC.
    const MON: i64 = 1_795_392_000_000;

    fn rate(staff: &str, pin: &str) -> PayRate {
        PayRate {
            staff: staff.into(),
            hourly_minor: 1200,
            overtime_after_min: 40 * 60,
            overtime_pct: 150,
            pin: pin_hash("s", pin),
        }
    }

    fn punch(id: &str, pin: &str, kind: PunchKind, at_ms: i64) -> HeldPunch {
        HeldPunch { punch: Punch { id: id.into(), kind, pin: pin_hash("s", pin), at_ms }, received_ms: None }
    }

    #[test]
    fn a_punch_counts_no_later_than_the_relay_received_it_and_far_apart_times_are_noted() {
        let (from, to) = week();
        let rates = [rate("ana", "1111")];
        let at = |mut p: HeldPunch, received_ms| {
            p.received_ms = Some(received_ms);
            p
        };
        // In at 08:00, received at once; out claimed 17:00 by a clock 3 h ahead, received 14:00.
        let ps = vec![
            at(punch("i", "1111", PunchKind::In, MON + 8 * H), MON + 8 * H + 2_000),
            at(punch("o", "1111", PunchKind::Out, MON + 17 * H), MON + 14 * H),
        ];
        let s = &sheets(&rates, &ps, &[], from, to, utc)[0];
        assert_eq!(s.shifts[0].end_ms, Some(MON + 14 * H), "counted when the relay had it");
        assert_eq!(s.regular_min, 6 * 60);
        assert_eq!(s.shifts[0].skewed, vec![Skew { claimed_ms: MON + 17 * H, received_ms: MON + 14 * H }]);
        // A punch from a time clock that was offline for two hours keeps its own time, noted.
        let ps = vec![
            at(punch("i", "1111", PunchKind::In, MON + 8 * H), MON + 10 * H),
            at(punch("o", "1111", PunchKind::Out, MON + 12 * H), MON + 12 * H + 60_000),
        ];
        let s = &sheets(&rates, &ps, &[], from, to, utc)[0];
        assert_eq!((s.shifts[0].start_ms, s.regular_min), (MON + 8 * H, 4 * 60));
        assert_eq!(s.shifts[0].skewed, vec![Skew { claimed_ms: MON + 8 * H, received_ms: MON + 10 * H }]);
        // Within ten minutes nothing is noted.
        let ps = vec![at(punch("i", "1111", PunchKind::In, MON + 8 * H), MON + 8 * H + SKEW_NOTED_MS)];
        assert!(sheets(&rates, &ps, &[], from, to, utc)[0].shifts[0].skewed.is_empty());
    }

    fn week() -> (NaiveDate, NaiveDate) {
        (NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 29).unwrap())
    }

    #[test]
    fn monday_is_where_the_tests_think_it_is() {
        assert_eq!(utc(MON).weekday(), chrono::Weekday::Mon);
        assert_eq!(utc(MON).date(), week().0);
    }

    #[test]
    fn pins_are_checked_and_known_by_hash_only() {
        assert_eq!(clean_pin("12a4"), Err(PinError::Malformed));
        assert_eq!(clean_pin("123"), Err(PinError::Malformed));
        assert_eq!(clean_pin(" 4321 "), Ok("4321".into()));
        let mut kiosk = AutoCommit::new();
        let salt = ensure_pin_salt(&mut kiosk, [7; 16]).unwrap();
        assert_eq!(ensure_pin_salt(&mut kiosk, [8; 16]).unwrap(), salt, "the salt is made once");
        let hashes: BTreeSet<String> = [pin_hash(&salt, "4321")].into();
        publish_pins(&mut kiosk, &hashes).unwrap();
        assert!(recognise(kiosk.document(), "4321").is_ok());
        assert_eq!(recognise(kiosk.document(), "1234"), Err(PinError::Unknown));
        // The document holds no PIN in the clear.
        let saved = kiosk.save();
        assert!(!saved.windows(4).any(|w| w == b"4321"));
        publish_pins(&mut kiosk, &BTreeSet::new()).unwrap();
        assert!(recognise(kiosk.document(), "4321").is_err());
    }

    #[test]
    fn punches_from_several_clocks_all_reach_the_manager() {
        let mut manager = AutoCommit::new();
        for (n, kind) in [(1u8, PunchKind::In), (2, PunchKind::Out)] {
            let p = Punch { id: format!("p{n}"), kind, pin: pin_hash("s", "1111"), at_ms: MON + n as i64 * H };
            manager.load_incremental(&punch_chunk(&p, [n; 16])).unwrap();
        }
        assert_eq!(punches(manager.document()).len(), 2);
    }

    #[test]
    fn an_empty_payroll_publishes_nothing_but_one_emptied_publishes_no_pin() {
        let mut doc = AutoCommit::new();
        assert_eq!(rates_to_publish(doc.document()), None, "not received yet: the lists stay as they are");
        put_rate(&mut doc, &rate("ana", "1111")).unwrap();
        assert_eq!(rates_to_publish(doc.document()).map(|r| r.len()), Some(1));
        doc.delete(ROOT, records::key(RATE, "ana").as_str()).unwrap();
        assert_eq!(rates_to_publish(doc.document()), Some(Vec::new()), "every rate removed: no PIN is listed");
    }

    #[test]
    fn a_rate_form_is_checked_and_pins_are_unique() {
        let ana = rate("ana", "1111");
        let form = RateForm {
            hourly: "12,00".into(),
            overtime_after_hours: "".into(),
            overtime_pct: "".into(),
            pin: "1111".into(),
        };
        assert_eq!(
            form.check("luis", None, std::slice::from_ref(&ana), "s", "EUR"),
            Err(RateError::Pin(PinError::Taken))
        );
        let ok = RateForm { pin: "2222".into(), ..form.clone() }
            .check("luis", None, std::slice::from_ref(&ana), "s", "EUR")
            .unwrap();
        assert_eq!((ok.hourly_minor, ok.overtime_after_min, ok.overtime_pct), (1200, 2400, 150));
        let kept = RateForm { pin: String::new(), ..form.clone() }
            .check("ana", Some(&ana), std::slice::from_ref(&ana), "s", "EUR")
            .unwrap();
        assert_eq!(kept.pin, ana.pin);
        assert_eq!(
            RateForm { hourly: "-1".into(), ..form.clone() }.check("x", None, &[], "s", "EUR"),
            Err(RateError::Hourly(MoneyError::Negative))
        );
        assert_eq!(
            RateForm { overtime_after_hours: "90".into(), pin: String::new(), ..form.clone() }.check(
                "x",
                None,
                &[],
                "s",
                "EUR"
            ),
            Err(RateError::BadThreshold)
        );
        assert_eq!(
            RateForm { overtime_pct: "99".into(), pin: String::new(), ..form }.check("x", None, &[], "s", "EUR"),
            Err(RateError::BadOvertimePct)
        );
    }

    #[test]
    fn hours_overtime_and_gross_pay() {
        // Ana works 9 hours Monday to Friday: 45 h, 5 h of it overtime.
        let mut ps = Vec::new();
        for d in 0..5 {
            ps.push(punch(&format!("i{d}"), "1111", PunchKind::In, MON + d * 24 * H + 8 * H));
            ps.push(punch(&format!("o{d}"), "1111", PunchKind::Out, MON + d * 24 * H + 17 * H));
        }
        let (from, to) = week();
        let s = &sheets(&[rate("ana", "1111")], &ps, &[], from, to, utc)[0];
        assert!(s.problems.is_empty());
        assert_eq!((s.regular_min, s.overtime_min), (40 * 60, 5 * 60));
        // 40 × 12.00 + 5 × 18.00 = 570.00
        assert_eq!(s.gross_minor, 57_000);
        // Rounding happens once: 20 minutes at 10.01 = 3.3366… → 3.34.
        let r = PayRate { hourly_minor: 1001, ..rate("x", "9") };
        assert_eq!(gross(&r, 20, 0), 334);
    }

    #[test]
    fn a_missed_punch_blocks_the_close_until_fixed_with_a_reason() {
        let ps = vec![
            punch("i1", "1111", PunchKind::In, MON + 9 * H),
            // Forgot to punch out; next day in and out.
            punch("i2", "1111", PunchKind::In, MON + 33 * H),
            punch("o2", "1111", PunchKind::Out, MON + 41 * H),
            // A punch by mistake.
            punch("oops", "1111", PunchKind::Out, MON + 42 * H),
        ];
        let (from, to) = week();
        let rates = [rate("ana", "1111")];
        let staff = [StaffMember {
            id: "ana".into(),
            name: "Ana".into(),
            role: crate::site::StaffRole::Reception,
            hours: Vec::new(),
            active: true,
        }];
        let stamp = Stamp { by: "Manager".into(), at_ms: 1 };
        let s = sheets(&rates, &ps, &[], from, to, utc);
        assert_eq!(
            s[0].problems,
            vec![Problem::OpenPunch { at_ms: MON + 9 * H }, Problem::OutWithoutIn { at_ms: MON + 42 * H }]
        );
        assert_eq!(close(&s, &staff, &[], from, to, "EUR", "p".into(), &stamp), Err(CloseError::OpenPunches(2)));
        let fix = |id: &str, kind, at_ms, punch: &str, reason: &str| {
            check_fix(Fix {
                id: id.into(),
                staff: "ana".into(),
                kind,
                at_ms,
                punch: punch.into(),
                reason: reason.into(),
                by: "Manager".into(),
                made_ms: 2,
            })
        };
        assert_eq!(fix("f0", FixKind::AddOut, MON + 17 * H, "", "  "), Err(FixError::NoReason));
        let fixes = vec![
            fix("f1", FixKind::AddOut, MON + 17 * H, "", "Forgot to punch out").unwrap(),
            fix("f2", FixKind::Ignore, 0, "oops", "Tapped twice").unwrap(),
        ];
        let s = sheets(&rates, &ps, &fixes, from, to, utc);
        assert!(s[0].problems.is_empty());
        assert_eq!(s[0].shifts[0].fixed, vec!["Forgot to punch out".to_owned()]);
        assert_eq!(s[0].regular_min, 16 * 60);
        let period = close(&s, &staff, &[], from, to, "EUR", "p".into(), &stamp).unwrap();
        assert_eq!(period.lines[0].gross_minor, 16 * 1200);
        assert_eq!(
            close(&s, &staff, std::slice::from_ref(&period), to, to, "EUR", "q".into(), &stamp),
            Err(CloseError::Overlaps)
        );
        let rows = period_rows(&period, true, ["Name", "Regular", "Overtime", "Gross", "Currency"]);
        assert_eq!(rows[1], vec!["Ana", "16:00", "0:00", "192,00", "EUR"]);
    }

    #[test]
    fn shifts_belong_to_the_local_day_they_start_and_open_ones_show_who_is_in() {
        // 23:00 UTC Sunday is Monday 00:00 one hour east: inside the week there, outside here.
        let ps = vec![punch("i", "1111", PunchKind::In, MON - H)];
        let (from, to) = week();
        assert!(sheets(&[rate("ana", "1111")], &ps, &[], from, to, utc)[0].shifts.is_empty());
        let east = sheets(&[rate("ana", "1111")], &ps, &[], from, to, |ms| utc(ms + H));
        assert_eq!(on_the_clock(&east), vec!["ana".to_owned()]);
        // Fourteen hours east (Kiritimati), 14:00 UTC on Sunday is already Monday there.
        let ps = vec![punch("i", "1111", PunchKind::In, MON - 10 * H)];
        let far_east = sheets(&[rate("ana", "1111")], &ps, &[], from, to, |ms| utc(ms + 14 * H));
        assert_eq!(on_the_clock(&far_east), vec!["ana".to_owned()]);
    }
}
