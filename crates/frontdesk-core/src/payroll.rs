//! Payroll: punches from the time clock, timesheets, missed-punch fixes, pay rates with overtime,
//! and closing a pay period.
//!
//! **Where things live.** Staff punch in and out with a personal PIN at the kiosk or at a desk;
//! the punch goes into a `timeclock/<date>/<device>` document that only its device writes and only
//! the manager reads (the relay enforces both). A punch carries no name: only its candidates,
//! the people whose 10-bit tag the PIN matched (their list ids, and the PIN derived under each
//! one's salt: [`crate::pin`]). The kiosk document lists each person's salt and tag under a
//! random list id, so the kiosk can say "PIN not recognised" offline, and a copy of it narrows
//! each PIN to about a thousandth of the PINs, never to one. The `payroll` document (manager only)
//! holds each person's verifier with their pay rate, the fixes made to their punches (each with
//! its reason), and the closed periods; a punch counts for the person whose verifier it matches.
//!
//! **Legacy PINs.** PINs set before the verifier were known by one salted SHA-256 (`pin_hash`,
//! the salt in the kiosk document), which a copy of any kiosk or tablet reverses in moments. They
//! keep working until the manager enters the person's PIN again (the payroll screen asks for it);
//! the old hash then stays in the pay rate only to count the punches already made with it.

use crate::sorting::SortDyn;
use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, Automerge, ROOT};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};

use crate::money::{self, MoneyError};
use crate::pin::{self, Derived, Verifier};
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
    /// A legacy PIN's salted hash (see [`pin_hash`]); empty for a PIN known by its verifier.
    pub pin: String,
    pub at_ms: i64,
    /// Who the PIN may be ([`pin::encode_candidates`]): list ids and the PIN derived for each.
    pub candidates: Option<String>,
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
    #[error("choose a PIN other than the old one")]
    SameAsOld,
    #[error("the PIN list is still arriving: try again in a moment")]
    NotReady,
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

/// What a punch carries for a PIN typed at a clock (`pin`, `candidates`), given `derived[i]` =
/// the PIN under the salt of `listed[i]` (the kiosk document's list when the derivation began):
/// a legacy PIN's hash if the kiosk document lists it, and the people whose tag the PIN matches.
/// `Unknown` when it is neither.
pub fn at_the_clock(
    kiosk: &Automerge,
    listed: &[pin::Listed],
    typed: &str,
    derived: &[Derived],
) -> Result<(String, Option<String>), PinError> {
    let pin = clean_pin(typed)?;
    let legacy = pin_salt(kiosk).map(|salt| pin_hash(&salt, &pin)).filter(|hash| pin_known(kiosk, hash));
    let candidates = pin::candidates(listed, derived);
    if legacy.is_none() && candidates.is_empty() {
        return Err(PinError::Unknown);
    }
    Ok((legacy.unwrap_or_default(), (!candidates.is_empty()).then(|| pin::encode_candidates(&candidates))))
}

// ---------------------------------------------------------------------------------------------
// Pay rates

/// How a person is paid, and how their PIN is known.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PayRate {
    pub staff: String,
    pub hourly_minor: i64,
    /// Minutes a week paid at the normal rate; beyond them, overtime.
    pub overtime_after_min: u32,
    /// Overtime pay as a percentage of the hourly rate (150 = time and a half).
    pub overtime_pct: u32,
    /// A legacy PIN's hash: in use while there is no verifier; after, only to count the punches
    /// the relay received with it until [`PayRate::legacy_until_ms`].
    pub pin: String,
    pub verifier: Option<Verifier>,
    /// When the legacy PIN was replaced by one known by its verifier: a punch with its hash
    /// received later counts for nobody (the hash is in old copies of the kiosk document, and a
    /// copy reverses it in moments).
    pub legacy_until_ms: Option<i64>,
    /// The person's earlier PINs known by their verifiers, each with when it was replaced: the
    /// punches made with one still count if the relay received them before then (a PIN changed
    /// mid-period keeps the hours already worked).
    pub retired: Option<Vec<RetiredPin>>,
}

/// A PIN a person had before their current one.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct RetiredPin {
    pub verifier: Verifier,
    pub until_ms: i64,
}

impl PayRate {
    /// The legacy PIN hash the clocks and tablets still take for this person (none once their PIN
    /// was entered again).
    pub fn legacy_pin(&self) -> Option<&str> {
        (self.verifier.is_none() && !self.pin.is_empty()).then_some(self.pin.as_str())
    }

    /// Whether this person has a PIN at all.
    pub fn has_pin(&self) -> bool {
        self.verifier.is_some() || !self.pin.is_empty()
    }

    /// Whether `held` may be this person's (its candidates as decoded from it).
    fn made(&self, held: &HeldPunch, candidates: &[pin::Candidate]) -> bool {
        let received = held.received_ms.unwrap_or(held.punch.at_ms);
        let legacy = !self.pin.is_empty()
            && held.punch.pin == self.pin
            && self.legacy_until_ms.is_none_or(|until| received <= until);
        let verifies = |v: &Verifier| candidates.iter().any(|c| c.who == v.list && v.matches(&c.derived));
        legacy
            || self.verifier.as_ref().is_some_and(verifies)
            || self.retired.iter().flatten().any(|r| received <= r.until_ms && verifies(&r.verifier))
    }
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
    /// The new PIN typed, checked (`None`: the person keeps theirs).
    pub fn new_pin(&self) -> Result<Option<String>, RateError> {
        if self.pin.trim().is_empty() { Ok(None) } else { clean_pin(&self.pin).map(Some).map_err(RateError::Pin) }
    }

    /// Checks the form for `staff`, who keeps the PIN they have: a new one is set with
    /// [`with_new_pin`] once derived.
    pub fn check(&self, staff: &str, current: Option<&PayRate>, currency: &str) -> Result<PayRate, RateError> {
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
        self.new_pin()?;
        Ok(PayRate {
            staff: staff.to_owned(),
            hourly_minor,
            overtime_after_min,
            overtime_pct,
            pin: current.map(|c| c.pin.clone()).unwrap_or_default(),
            verifier: current.and_then(|c| c.verifier.clone()),
            legacy_until_ms: current.and_then(|c| c.legacy_until_ms),
            retired: current.and_then(|c| c.retired.clone()),
        })
    }
}

/// The salts a new PIN for `staff` is derived under ([`pin::ITERATIONS`], in one go): the
/// person's own first — the one they have, else `fresh` (a PIN set twice under two salts would
/// leave two tags in the documents' history, twenty bits) — then everyone else's, to be sure
/// nobody else has it.
pub fn salts_for_new_pin(rates: &[PayRate], staff: &str, fresh: String) -> Vec<String> {
    let own = rates.iter().find(|r| r.staff == staff).and_then(|r| r.verifier.as_ref()).map(|v| v.salt.clone());
    std::iter::once(own.unwrap_or(fresh))
        .chain(rates.iter().filter(|r| r.staff != staff).filter_map(|r| r.verifier.as_ref().map(|v| v.salt.clone())))
        .collect()
}

/// `rate` with the PIN `typed` set at `now_ms`, given `derived[i]` = the PIN under `salts[i]`
/// (from [`salts_for_new_pin`]). Refused if anyone else has that PIN, legacy PINs (hashed with
/// `legacy_salt`, retired ones included) too; if it is the person's own legacy PIN (its hash is
/// in the documents' history: the verifier would protect nothing); and while a legacy PIN cannot
/// be compared (the salt not here yet). The person keeps their list id if they had one, else gets
/// `list`.
#[allow(clippy::too_many_arguments)]
pub fn with_new_pin(
    rate: PayRate,
    typed: &str,
    rates: &[PayRate],
    legacy_salt: Option<&str>,
    salts: &[String],
    derived: &[Derived],
    list: String,
    now_ms: i64,
) -> Result<PayRate, PinError> {
    let pin = clean_pin(typed)?;
    let (Some(own_salt), Some(own)) = (salts.first(), derived.first()) else { return Err(PinError::Unknown) };
    if derived.len() != salts.len() {
        return Err(PinError::Unknown);
    }
    let legacy = |hash: &str| -> Result<bool, PinError> {
        Ok(!hash.is_empty() && pin_hash(legacy_salt.ok_or(PinError::NotReady)?, &pin) == hash)
    };
    if legacy(&rate.pin)? {
        return Err(PinError::SameAsOld);
    }
    let under = |salt: &str| salts.iter().position(|s| s == salt).and_then(|i| derived.get(i));
    for other in rates.iter().filter(|r| r.staff != rate.staff) {
        let verified = other.verifier.as_ref().is_some_and(|v| under(&v.salt).is_some_and(|h| v.matches(h)));
        if verified || legacy(&other.pin)? {
            return Err(PinError::Taken);
        }
    }
    let list = rate.verifier.as_ref().map_or(list, |v| v.list.clone());
    let legacy_until_ms = rate.legacy_until_ms.or((!rate.pin.is_empty()).then_some(now_ms));
    let verifier = Verifier::new(own_salt.clone(), own, list);
    let mut retired = rate.retired.clone();
    if let Some(old) = rate.verifier.as_ref().filter(|old| **old != verifier) {
        retired.get_or_insert_with(Vec::new).push(RetiredPin { verifier: old.clone(), until_ms: now_ms });
    }
    Ok(PayRate { verifier: Some(verifier), legacy_until_ms, retired, ..rate })
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

/// The kiosk document's list of PINs known by their verifier: salt and tag by list id.
pub fn pin_list(rates: &[PayRate]) -> BTreeMap<String, pin::Listed> {
    rates.iter().filter_map(|r| r.verifier.as_ref()).map(|v| (v.list.clone(), v.listed())).collect()
}

/// The kiosk document's legacy PIN hashes: of those whose PIN was not entered again.
pub fn legacy_pins(rates: &[PayRate]) -> BTreeSet<String> {
    rates.iter().filter_map(PayRate::legacy_pin).map(str::to_owned).collect()
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
    /// The fixes that made this shift: their ids (each has its History) and reasons (shown on
    /// the sheet).
    pub fixed: Vec<FixNote>,
    /// Its punches whose time and the relay's receive time are far apart.
    pub skewed: Vec<Skew>,
}

/// A fix as a shift shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixNote {
    pub id: String,
    pub reason: String,
}

impl FixNote {
    fn of(fix: &Fix) -> FixNote {
        FixNote { id: fix.id.clone(), reason: fix.reason.clone() }
    }
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

/// Whose each punch is: the one person it may be (see `PayRate::made`), or nobody — when it
/// matches no one, or more than one (two people with one PIN, or a forged punch).
fn owners<'r, 'p>(rates: &'r [PayRate], punches: &'p [HeldPunch]) -> Vec<(&'p HeldPunch, Option<&'r str>)> {
    punches
        .iter()
        .map(|p| {
            let candidates = p.punch.candidates.as_deref().map(pin::decode_candidates).unwrap_or_default();
            let mut who = rates.iter().filter(|r| r.made(p, &candidates));
            match (who.next(), who.next()) {
                (Some(one), None) => (p, Some(one.staff.as_str())),
                _ => (p, None),
            }
        })
        .collect()
}

/// The punches the manager's fixes leave out.
fn ignored(fixes: &[Fix]) -> BTreeSet<&str> {
    fixes.iter().filter(|f| f.kind == FixKind::Ignore).map(|f| f.punch.as_str()).collect()
}

/// The punches at the local dates `from..=to` that are nobody's and not left out by a fix: a
/// wrong PIN that passed the clock's offline check (about once in a thousand per person listed),
/// an earlier PIN (legacy or not) used after it was replaced, a PIN whose person's rate is gone,
/// or a forged punch. They count for nobody and are shown so that a manager can fix the shift they
/// belong to.
pub fn unrecognised(
    rates: &[PayRate],
    punches: &[HeldPunch],
    fixes: &[Fix],
    from: NaiveDate,
    to: NaiveDate,
    local: impl Fn(i64) -> NaiveDateTime,
) -> Vec<HeldPunch> {
    let ignored = ignored(fixes);
    let mut out: Vec<HeldPunch> = owners(rates, punches)
        .into_iter()
        .filter(|(p, owner)| owner.is_none() && !ignored.contains(p.punch.id.as_str()))
        .filter(|(p, _)| (from..=to).contains(&local(p.at_ms()).date()))
        .map(|(p, _)| p.clone())
        .collect();
    out.sort_dyn_by_key(|p| p.at_ms());
    out
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
/// Each punch counts for the one person it is (`owners`: by verifier, or a legacy hash) at
/// [`HeldPunch::at_ms`]; fixes add or
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
    let ignored = ignored(fixes);
    let punches = owners(rates, punches);
    let mut out = Vec::new();
    for rate in rates {
        // (time, kind, the fix that added it, skew)
        let mut entries: Vec<(i64, PunchKind, Option<FixNote>, Option<Skew>)> = punches
            .iter()
            .filter(|(p, owner)| *owner == Some(rate.staff.as_str()) && !ignored.contains(p.punch.id.as_str()))
            .map(|(p, _)| (p.at_ms(), p.punch.kind, None, p.skew()))
            .collect();
        for f in fixes.iter().filter(|f| f.staff == rate.staff) {
            match f.kind {
                FixKind::AddIn => entries.push((f.at_ms, PunchKind::In, Some(FixNote::of(f)), None)),
                FixKind::AddOut => entries.push((f.at_ms, PunchKind::Out, Some(FixNote::of(f)), None)),
                FixKind::Ignore => {}
            }
        }
        // A day's wall clock is within a day of UTC's: only instants near the period need `local`
        // (in the app it asks the browser's time-zone data, far dearer than this comparison).
        entries.retain(|(at, ..)| (near.0..near.1).contains(at) && (from..=to).contains(&local(*at).date()));
        entries.sort_dyn_by_key(|e| (e.0, e.1));
        let mut shifts = Vec::new();
        let mut problems = Vec::new();
        let mut open: Option<(i64, Vec<FixNote>, Vec<Skew>)> = None;
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

#[cfg(all(test, not(target_arch = "wasm32")))]
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
            verifier: None,
            legacy_until_ms: None,
            retired: None,
        }
    }

    fn punch(id: &str, pin: &str, kind: PunchKind, at_ms: i64) -> HeldPunch {
        HeldPunch {
            punch: Punch { id: id.into(), kind, pin: pin_hash("s", pin), at_ms, candidates: None },
            received_ms: None,
        }
    }

    /// `pin` derived under `salt` (one round: what is tested is the matching, not the cost).
    fn derive(pin: &str, salt: &str) -> Derived {
        crate::crypto::native::derive(&pin::password(pin), salt.as_bytes(), 1)
    }

    /// A rate whose PIN is known by its verifier (salt `salt-<staff>`, list id `L-<staff>`).
    fn verified(staff: &str, pin: &str) -> PayRate {
        let salt = format!("salt-{staff}");
        PayRate {
            pin: String::new(),
            verifier: Some(Verifier::new(salt.clone(), &derive(pin, &salt), format!("L-{staff}"))),
            legacy_until_ms: None,
            retired: None,
            ..rate(staff, "0000")
        }
    }

    /// A punch as a clock makes it: the PIN derived under every listed salt, candidates kept.
    fn clocked(id: &str, typed: &str, rates: &[PayRate], kind: PunchKind, at_ms: i64) -> HeldPunch {
        let listed: Vec<pin::Listed> = pin_list(rates).into_values().collect();
        let derived: Vec<Derived> = listed.iter().map(|l| derive(typed, &l.salt)).collect();
        let candidates = pin::candidates(&listed, &derived);
        HeldPunch {
            punch: Punch {
                id: id.into(),
                kind,
                pin: String::new(),
                at_ms,
                candidates: Some(pin::encode_candidates(&candidates)),
            },
            received_ms: None,
        }
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
        let clock = |kiosk: &mut AutoCommit, typed: &str| {
            let listed = pin::list(kiosk.document());
            let derived: Vec<Derived> = listed.iter().map(|l| derive(typed, &l.salt)).collect();
            at_the_clock(kiosk.document(), &listed, typed, &derived)
        };
        assert_eq!(clock(&mut kiosk, "4321"), Ok((pin_hash(&salt, "4321"), None)), "a legacy PIN");
        assert_eq!(clock(&mut kiosk, "1234"), Err(PinError::Unknown));
        assert_eq!(clock(&mut kiosk, "12"), Err(PinError::Malformed));
        // The document holds no PIN in the clear.
        let saved = kiosk.save();
        assert!(!saved.windows(4).any(|w| w == b"4321"));
        publish_pins(&mut kiosk, &BTreeSet::new()).unwrap();
        assert!(clock(&mut kiosk, "4321").is_err());
        // Once entered again, the kiosk lists its salt and tag: the punch carries the candidate.
        let bea = verified("bea", "4321");
        pin::publish_list(&mut kiosk, &pin_list(std::slice::from_ref(&bea))).unwrap();
        let (legacy, candidates) = clock(&mut kiosk, "4321").unwrap();
        assert_eq!(legacy, "");
        let candidates = pin::decode_candidates(&candidates.unwrap());
        assert_eq!(candidates.len(), 1);
        assert!(bea.verifier.as_ref().unwrap().matches(&candidates[0].derived));
    }

    #[test]
    fn punches_from_several_clocks_all_reach_the_manager() {
        let mut manager = AutoCommit::new();
        for (n, kind) in [(1u8, PunchKind::In), (2, PunchKind::Out)] {
            let p = Punch {
                id: format!("p{n}"),
                kind,
                pin: pin_hash("s", "1111"),
                at_ms: MON + n as i64 * H,
                candidates: None,
            };
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
        let luis = form.check("luis", None, "EUR").unwrap();
        assert_eq!((luis.hourly_minor, luis.overtime_after_min, luis.overtime_pct), (1200, 2400, 150));
        assert_eq!(
            RateForm { pin: "12a4".into(), ..form.clone() }.check("luis", None, "EUR"),
            Err(RateError::Pin(PinError::Malformed))
        );
        // A new PIN is derived under the person's fresh salt and everyone else's.
        let bea = verified("bea", "3333");
        let rates = [ana.clone(), bea.clone()];
        let salts = salts_for_new_pin(&rates, "luis", "fresh".into());
        assert_eq!(salts, ["fresh".to_string(), "salt-bea".into()]);
        let new = |typed: &str| {
            let derived: Vec<Derived> = salts.iter().map(|s| derive(typed, s)).collect();
            with_new_pin(luis.clone(), typed, &rates, Some("s"), &salts, &derived, "L-new".into(), 5)
        };
        assert_eq!(new("1111"), Err(PinError::Taken), "Ana's legacy PIN");
        // A derivation that left someone's salt out cannot say the PIN is nobody else's.
        let short = [derive("3333", &salts[0])];
        assert_eq!(
            with_new_pin(luis.clone(), "3333", &rates, Some("s"), &salts, &short, "L".into(), 5),
            Err(PinError::Unknown)
        );
        assert_eq!(new("3333"), Err(PinError::Taken), "Bea's PIN, known by its verifier only");
        let set = new("2222").unwrap();
        let v = set.verifier.as_ref().unwrap();
        assert_eq!((v.salt.as_str(), v.list.as_str()), ("fresh", "L-new"));
        assert!(v.matches(&derive("2222", "fresh")));
        assert_eq!((set.legacy_pin(), set.legacy_until_ms), (None, None));
        // Luis's PIN set again keeps his salt and list id (two salts would leave two tags).
        let rates2 = [ana.clone(), bea.clone(), set.clone()];
        let salts2 = salts_for_new_pin(&rates2, "luis", "other".into());
        assert_eq!(salts2[0], "fresh");
        let d2: Vec<Derived> = salts2.iter().map(|s| derive("5555", s)).collect();
        let reset = with_new_pin(set.clone(), "5555", &rates2, Some("s"), &salts2, &d2, "L-x".into(), 6).unwrap();
        assert_eq!(reset.verifier.as_ref().map(|v| (v.salt.as_str(), v.list.as_str())), Some(("fresh", "L-new")));
        // Entering Ana's PIN again keeps her legacy hash, retired now, for the punches made with
        // it; her old PIN itself is refused (its hash is in the documents' history).
        let again = |typed: &str, salt: Option<&str>| {
            with_new_pin(ana.clone(), typed, &rates, salt, &["f2".into()], &[derive(typed, "f2")], "L-ana".into(), 7)
        };
        assert_eq!(again("1111", Some("s")), Err(PinError::SameAsOld));
        assert_eq!(again("4444", None), Err(PinError::NotReady), "her legacy PIN cannot be compared yet");
        let again = again("4444", Some("s")).unwrap();
        assert_eq!((again.pin.as_str(), again.legacy_until_ms), (ana.pin.as_str(), Some(7)));
        assert_eq!(again.legacy_pin(), None);
        // Someone else may not take her retired PIN either.
        let after = [again.clone(), bea.clone()];
        let salts3 = salts_for_new_pin(&after, "luis", "f3".into());
        let d: Vec<Derived> = salts3.iter().map(|s| derive("1111", s)).collect();
        let retired = with_new_pin(luis.clone(), "1111", &after, Some("s"), &salts3, &d, "L".into(), 8);
        assert_eq!(retired, Err(PinError::Taken));
        assert!(legacy_pins(&[again.clone(), bea.clone()]).is_empty());
        assert_eq!(pin_list(&[again, bea]).len(), 2);
        let kept = RateForm { pin: String::new(), ..form.clone() }.check("ana", Some(&ana), "EUR").unwrap();
        assert_eq!(kept.pin, ana.pin);
        assert_eq!(
            RateForm { hourly: "-1".into(), ..form.clone() }.check("x", None, "EUR"),
            Err(RateError::Hourly(MoneyError::Negative))
        );
        assert_eq!(
            RateForm { overtime_after_hours: "90".into(), pin: String::new(), ..form.clone() }.check("x", None, "EUR"),
            Err(RateError::BadThreshold)
        );
        assert_eq!(
            RateForm { overtime_pct: "99".into(), pin: String::new(), ..form }.check("x", None, "EUR"),
            Err(RateError::BadOvertimePct)
        );
    }

    #[test]
    fn a_punch_counts_for_the_person_it_verifies_and_a_false_accept_for_nobody() {
        let (from, to) = week();
        let rates = [verified("ana", "4821"), verified("bea", "9034"), rate("old", "1111")];
        // A wrong PIN that passed the clock's tag check: find one by trying them in turn.
        let listed: Vec<pin::Listed> = pin_list(&rates).into_values().collect();
        let false_accept = (0..10_000)
            .map(|n| format!("{n:04}"))
            .find(|p| {
                !["4821", "9034"].contains(&p.as_str())
                    && !pin::candidates(&listed, &listed.iter().map(|l| derive(p, &l.salt)).collect::<Vec<_>>())
                        .is_empty()
            })
            .expect("about twenty of 10,000 pass");
        let ps = vec![
            clocked("a-in", "4821", &rates, PunchKind::In, MON + 8 * H),
            clocked("a-out", "4821", &rates, PunchKind::Out, MON + 12 * H),
            clocked("bad", &false_accept, &rates, PunchKind::In, MON + 9 * H),
            punch("o-in", "1111", PunchKind::In, MON + 10 * H),
            punch("o-out", "1111", PunchKind::Out, MON + 11 * H),
        ];
        let s = sheets(&rates, &ps, &[], from, to, utc);
        let minutes: Vec<(String, i64)> = s.iter().map(|s| (s.staff.clone(), s.regular_min)).collect();
        assert_eq!(minutes, [("ana".to_string(), 240), ("bea".into(), 0), ("old".into(), 60)]);
        let nobody: Vec<String> =
            unrecognised(&rates, &ps, &[], from, to, utc).into_iter().map(|p| p.punch.id).collect();
        assert_eq!(nobody, ["bad"]);
        // Left out by a fix, it is no longer listed.
        let fix = Fix {
            id: "f".into(),
            staff: String::new(),
            kind: FixKind::Ignore,
            at_ms: 0,
            punch: "bad".into(),
            reason: "mistyped".into(),
            by: "m".into(),
            made_ms: 0,
        };
        assert!(unrecognised(&rates, &ps, &[fix], from, to, utc).is_empty());
    }

    #[test]
    fn a_pin_changed_mid_period_keeps_the_hours_already_worked_and_its_punches_after_count_for_nobody() {
        let (from, to) = week();
        let before = verified("ana", "4821");
        let old = |id: &str, kind, at| clocked(id, "4821", std::slice::from_ref(&before), kind, at);
        let salts = salts_for_new_pin(std::slice::from_ref(&before), "ana", "unused".into());
        let derived: Vec<Derived> = salts.iter().map(|s| derive("7305", s)).collect();
        let after = with_new_pin(
            before.clone(),
            "7305",
            std::slice::from_ref(&before),
            Some("s"),
            &salts,
            &derived,
            "L".into(),
            MON + 13 * H,
        )
        .unwrap();
        assert_eq!(after.retired.as_ref().map(Vec::len), Some(1));
        let new = |id: &str, kind, at| clocked(id, "7305", std::slice::from_ref(&after), kind, at);
        let ps = [
            old("in", PunchKind::In, MON + 8 * H),
            old("out", PunchKind::Out, MON + 12 * H),
            old("late", PunchKind::In, MON + 14 * H),
            new("in2", PunchKind::In, MON + 15 * H),
            new("out2", PunchKind::Out, MON + 16 * H),
        ];
        let rates = [after];
        let s = &sheets(&rates, &ps, &[], from, to, utc)[0];
        assert_eq!((s.regular_min, s.problems.len()), (5 * 60, 0), "four hours before the change, one after");
        let nobody: Vec<String> =
            unrecognised(&rates, &ps, &[], from, to, utc).into_iter().map(|p| p.punch.id).collect();
        assert_eq!(nobody, ["late"], "the old PIN used after the change");
    }

    #[test]
    fn a_forged_or_ambiguous_punch_counts_for_nobody_and_a_retired_legacy_pin_stops_counting() {
        let (from, to) = week();
        let ana = verified("ana", "4821");
        let list = pin_list(std::slice::from_ref(&ana));
        let salt = &list["L-ana"].salt;
        // Every PIN that passes Ana's ten bits, tried at once in one forged punch: nobody's.
        let passing: Vec<pin::Candidate> = (0..10_000)
            .map(|n| format!("{n:04}"))
            .filter(|p| pin::tag(&derive(p, salt)) == list["L-ana"].tag)
            .map(|p| pin::Candidate { who: "L-ana".into(), derived: derive(&p, salt) })
            .collect();
        assert!(passing.len() > 1, "{} PINs pass", passing.len());
        let forged = HeldPunch {
            punch: Punch {
                id: "forged".into(),
                kind: PunchKind::In,
                pin: String::new(),
                at_ms: MON + 8 * H,
                candidates: Some(pin::encode_candidates(&passing)),
            },
            received_ms: None,
        };
        let rates = [ana.clone()];
        assert_eq!(sheets(&rates, std::slice::from_ref(&forged), &[], from, to, utc)[0].shifts.len(), 0);
        assert_eq!(unrecognised(&rates, &[forged], &[], from, to, utc).len(), 1);
        // Two people with one PIN (a duplicate that slipped through): the punch is neither's.
        let twin = PayRate { staff: "twin".into(), ..ana.clone() };
        let both = [ana.clone(), twin];
        let p = clocked("p", "4821", &both, PunchKind::In, MON + 8 * H);
        assert!(sheets(&both, std::slice::from_ref(&p), &[], from, to, utc).iter().all(|s| s.shifts.is_empty()));
        // A legacy PIN replaced at noon: its punches received before count, later ones do not.
        let old = PayRate { legacy_until_ms: Some(MON + 12 * H), ..rate("old", "1111") };
        let at = |id: &str, kind, ms: i64| HeldPunch { received_ms: Some(ms), ..punch(id, "1111", kind, ms) };
        let ps = [
            at("in", PunchKind::In, MON + 8 * H),
            at("out", PunchKind::Out, MON + 11 * H),
            at("late", PunchKind::In, MON + 13 * H),
        ];
        let s = &sheets(std::slice::from_ref(&old), &ps, &[], from, to, utc)[0];
        assert_eq!((s.regular_min, s.problems.len()), (180, 0), "the punch after noon is not hers");
        let late: Vec<String> = unrecognised(&[old], &ps, &[], from, to, utc).into_iter().map(|p| p.punch.id).collect();
        assert_eq!(late, ["late"]);
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
        assert_eq!(s[0].shifts[0].fixed, vec![FixNote { id: "f1".into(), reason: "Forgot to punch out".into() }]);
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
