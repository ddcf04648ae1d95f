//! Who is using a shared tablet: staff sign in with their own PIN (the one the manager set with
//! their pay rate, which also works the time clock), the tablet names them on what they change,
//! and locks itself after the business's idle time.
//!
//! The manager's desk publishes, in the `site` document (read by staff devices, never by the
//! kiosk), one record per person who has a PIN: their staff id and the PIN's salted hash (the
//! kiosk document's salt, `payroll::pin_hash`). A tablet checks a typed PIN against them with no
//! network. A staff tablet opens for anyone listed; a manager's tablet only for the directory's
//! managers. With nobody eligible (no PINs yet) a tablet does not lock: nobody could open it.
//!
//! The lock keeps what is on the screen from whoever walks up to a tablet left alone; it is not
//! a secret from someone who holds the device's storage (that device can already read every
//! document it keeps). Wrong PINs are throttled on the device ([`Throttle`]).

use std::collections::BTreeMap;

use automerge::{AutoCommit, Automerge, ROOT, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile};

use crate::payroll::{self, PayRate, PinError};
use crate::records;
use crate::site::{Site, StaffRole};

const SIGNIN: &str = "signin";
const LOCK: &str = "lock";

/// Someone who can sign in, as the `site` document lists them.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct SignIn {
    pub staff: String,
    /// The PIN's hash (`payroll::pin_hash` with the kiosk document's salt).
    pub pin: String,
}

/// How long a tablet may sit untouched before it locks, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Reconcile, Hydrate)]
struct LockSettings {
    idle_min: u32,
}

/// Where a business starts.
pub const DEFAULT_IDLE_MIN: u32 = 5;

/// The idle times a manager chooses from.
pub const IDLE_CHOICES: [u32; 6] = [1, 2, 5, 10, 15, 30];

/// Who can sign in: everyone active in the directory whose pay rate has a PIN.
pub fn wanted(site: &Site, rates: &[PayRate]) -> BTreeMap<String, SignIn> {
    rates
        .iter()
        .filter(|r| !r.pin.is_empty())
        .filter(|r| site.staff_member(&r.staff).is_some_and(|m| m.active))
        .map(|r| (r.staff.clone(), SignIn { staff: r.staff.clone(), pin: r.pin.clone() }))
        .collect()
}

/// Who can sign in now.
fn entries(site: &Automerge) -> Vec<SignIn> {
    records::all(site, SIGNIN)
}

/// Who can sign in now, by staff id.
pub fn listed(site: &Automerge) -> BTreeMap<String, SignIn> {
    entries(site).into_iter().map(|s| (s.staff.clone(), s)).collect()
}

/// Makes the `site` document list exactly `wanted`.
pub fn publish(site: &mut AutoCommit, wanted: &BTreeMap<String, SignIn>) -> Result<(), String> {
    let now = listed(site.document());
    for gone in now.keys().filter(|k| !wanted.contains_key(*k)) {
        site.delete(ROOT, records::key(SIGNIN, gone).as_str()).map_err(|e| e.to_string())?;
    }
    for (staff, entry) in wanted.iter().filter(|(k, v)| now.get(*k) != Some(v)) {
        records::put(site, SIGNIN, staff, entry)?;
    }
    Ok(())
}

/// Whether `staff` may open a tablet of this kind (`manager`: a manager's tablet).
fn may_open(site: &Site, staff: &str, manager: bool) -> bool {
    site.staff_member(staff).is_some_and(|m| m.active && (!manager || m.role == StaffRole::Manager))
}

/// Whether a tablet of this kind must be signed into: someone listed may open it.
pub fn required(site_doc: &Automerge, site: &Site, manager: bool) -> bool {
    entries(site_doc).iter().any(|s| may_open(site, &s.staff, manager))
}

/// The person a typed PIN opens this tablet for (their staff id). `salt` is the kiosk
/// document's PIN salt. Someone listed who may not open this kind of tablet is refused like a
/// PIN nobody has, so a wrong guess learns nothing.
pub fn recognise(
    site_doc: &Automerge,
    site: &Site,
    salt: Option<&str>,
    typed: &str,
    manager: bool,
) -> Result<String, PinError> {
    let pin = payroll::clean_pin(typed)?;
    let hash = payroll::pin_hash(salt.ok_or(PinError::Unknown)?, &pin);
    entries(site_doc)
        .into_iter()
        .find(|s| s.pin == hash && may_open(site, &s.staff, manager))
        .map(|s| s.staff)
        .ok_or(PinError::Unknown)
}

/// The business's idle time before a tablet locks, in minutes.
pub fn idle_min(site: &Automerge) -> u32 {
    records::get::<LockSettings>(site, LOCK, "main").map(|l| l.idle_min).unwrap_or(DEFAULT_IDLE_MIN)
}

/// Sets the idle time (one of [`IDLE_CHOICES`]).
pub fn set_idle_min(site: &mut AutoCommit, minutes: u32) -> Result<(), String> {
    if !IDLE_CHOICES.contains(&minutes) {
        return Err(format!("{minutes} minutes is not an idle time on offer"));
    }
    records::put(site, LOCK, "main", &LockSettings { idle_min: minutes })
}

/// Whether a tablet last touched at `last_active_ms` has been idle long enough to lock at `now_ms`.
pub fn idle_enough(last_active_ms: i64, now_ms: i64, idle_min: u32) -> bool {
    now_ms.saturating_sub(last_active_ms) >= i64::from(idle_min) * 60_000
}

/// Wrong PINs in a row on one tablet, and until when the next try must wait.
///
/// Two wrong PINs cost nothing (a slip of the finger); the third and every later one make the
/// next try wait 30 s, doubled each time, at most 15 minutes. The right PIN starts afresh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Throttle {
    pub wrong: u32,
    pub until_ms: i64,
    /// When the last miss was (0 before any): on the kiosk's find screen, misses older than
    /// [`FORGOTTEN_AFTER_MS`] after their wait no longer count.
    #[serde(default)]
    pub last_ms: i64,
}

/// On the kiosk's find screen, a quarter of an hour without a miss after the last wait and the
/// count starts again (the lobby's honest slips do not add up over a day). Wrong PINs are never
/// forgotten this way: the right PIN starts afresh.
pub const FORGOTTEN_AFTER_MS: i64 = 15 * 60_000;

/// The wrong PIN that makes the next try wait.
pub const FREE_TRIES: u32 = 3;
const FIRST_WAIT_MS: i64 = 30_000;
const LONGEST_WAIT_MS: i64 = 15 * 60_000;

impl Throttle {
    /// How long a try at `now_ms` must still wait (0: try now).
    pub fn wait_ms(&self, now_ms: i64) -> i64 {
        (self.until_ms - now_ms).max(0)
    }

    /// After a wrong PIN at `now_ms`.
    pub fn wrong_at(self, now_ms: i64) -> Throttle {
        self.counted(self.wrong, now_ms, FREE_TRIES)
    }

    /// After a miss at the kiosk's find screen at `now_ms`, where the `free`-th miss in a row
    /// and every later one make the next try wait (more slips than a PIN), and a quarter of an
    /// hour of quiet after the last wait starts the count again.
    pub fn missed_at(self, now_ms: i64, free: u32) -> Throttle {
        let quiet_since = self.until_ms.max(self.last_ms);
        let earlier = if now_ms - quiet_since > FORGOTTEN_AFTER_MS { 0 } else { self.wrong };
        self.counted(earlier, now_ms, free)
    }

    fn counted(self, earlier: u32, now_ms: i64, free: u32) -> Throttle {
        let wrong = earlier.saturating_add(1);
        let until_ms = if wrong < free {
            0
        } else {
            let doublings = (wrong - free).min(10);
            now_ms + (FIRST_WAIT_MS << doublings).min(LONGEST_WAIT_MS)
        };
        Throttle { wrong, until_ms, last_ms: now_ms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{StaffMember, weekday_hours};

    fn member(id: &str, role: StaffRole, active: bool) -> StaffMember {
        StaffMember { id: id.into(), name: id.to_uppercase(), role, hours: weekday_hours(), active }
    }

    fn rate(staff: &str, pin: &str) -> PayRate {
        PayRate {
            staff: staff.into(),
            hourly_minor: 1000,
            overtime_after_min: 40 * 60,
            overtime_pct: 150,
            pin: if pin.is_empty() { String::new() } else { payroll::pin_hash("salt", pin) },
        }
    }

    fn business() -> Site {
        Site {
            staff: vec![
                member("ana", StaffRole::Reception, true),
                member("eva", StaffRole::Manager, true),
                member("old", StaffRole::Reception, false),
                member("bo", StaffRole::Provider, true),
            ],
            ..Site::default()
        }
    }

    #[test]
    fn people_with_a_pin_sign_in_and_a_managers_tablet_opens_only_for_managers() {
        let site = business();
        let rates = [rate("ana", "1111"), rate("eva", "2222"), rate("old", "3333"), rate("bo", "")];
        let mut doc = AutoCommit::new();
        assert!(!required(doc.document(), &site, false), "nobody can sign in yet: no lock");
        publish(&mut doc, &wanted(&site, &rates)).unwrap();
        assert_eq!(listed(doc.document()).keys().collect::<Vec<_>>(), ["ana", "eva"], "no PIN, or gone: not listed");
        let d = doc.document();
        assert!(required(d, &site, false) && required(d, &site, true));
        assert_eq!(recognise(d, &site, Some("salt"), " 1111 ", false), Ok("ana".into()));
        assert_eq!(recognise(d, &site, Some("salt"), "2222", true), Ok("eva".into()));
        assert_eq!(recognise(d, &site, Some("salt"), "1111", true), Err(PinError::Unknown), "not a manager");
        assert_eq!(recognise(d, &site, Some("salt"), "3333", false), Err(PinError::Unknown), "left the business");
        assert_eq!(recognise(d, &site, Some("salt"), "9999", false), Err(PinError::Unknown));
        assert_eq!(recognise(d, &site, None, "1111", false), Err(PinError::Unknown), "no salt: nothing matches");
        assert_eq!(recognise(d, &site, Some("salt"), "11", false), Err(PinError::Malformed));
        // The document holds no PIN in the clear.
        assert!(!doc.save().windows(4).any(|w| w == b"1111"));
    }

    #[test]
    fn a_managers_tablet_without_a_manager_pin_does_not_lock() {
        let site = business();
        let mut doc = AutoCommit::new();
        publish(&mut doc, &wanted(&site, &[rate("ana", "1111")])).unwrap();
        assert!(required(doc.document(), &site, false));
        assert!(!required(doc.document(), &site, true));
    }

    #[test]
    fn publishing_again_writes_only_what_changed() {
        let site = business();
        let mut doc = AutoCommit::new();
        let first = wanted(&site, &[rate("ana", "1111"), rate("eva", "2222")]);
        publish(&mut doc, &first).unwrap();
        let heads = doc.get_heads();
        publish(&mut doc, &first).unwrap();
        assert_eq!(doc.get_heads(), heads, "nothing to write");
        publish(&mut doc, &wanted(&site, &[rate("eva", "4444")])).unwrap();
        assert_eq!(recognise(doc.document(), &site, Some("salt"), "1111", false), Err(PinError::Unknown));
        assert_eq!(recognise(doc.document(), &site, Some("salt"), "2222", false), Err(PinError::Unknown));
        assert_eq!(recognise(doc.document(), &site, Some("salt"), "4444", false), Ok("eva".into()));
    }

    #[test]
    fn the_idle_time_is_the_businesss_choice_and_five_minutes_at_first() {
        let mut doc = AutoCommit::new();
        assert_eq!(idle_min(doc.document()), 5);
        set_idle_min(&mut doc, 15).unwrap();
        assert_eq!(idle_min(doc.document()), 15);
        assert!(set_idle_min(&mut doc, 0).is_err(), "never locking is not on offer");
        assert!(set_idle_min(&mut doc, 7).is_err());
        assert!(!idle_enough(0, 15 * 60_000 - 1, 15));
        assert!(idle_enough(0, 15 * 60_000, 15));
        assert!(!idle_enough(10_000, 0, 1), "a clock set back does not lock");
    }

    #[test]
    fn wrong_pins_make_the_next_try_wait_longer_each_time() {
        let mut t = Throttle::default();
        t = t.wrong_at(0).wrong_at(0);
        assert_eq!(t.wait_ms(0), 0, "two slips cost nothing");
        t = t.wrong_at(1_000);
        assert_eq!(t.wait_ms(1_000), 30_000);
        assert_eq!(t.wait_ms(31_000), 0);
        t = t.wrong_at(31_000);
        assert_eq!(t.wait_ms(31_000), 60_000);
        for _ in 0..40 {
            t = t.wrong_at(0);
        }
        assert_eq!(t.wait_ms(0), 15 * 60_000, "at most a quarter of an hour");
        // A thousand guesses at the longest wait take more than ten days.
        let mut t = Throttle::default();
        let mut now = 0;
        for _ in 0..1_000 {
            now += t.wait_ms(now);
            t = t.wrong_at(now);
        }
        assert!(now > 10 * 24 * 3_600_000, "{now}");
        // Waiting out the quiet the kiosk's find screen forgives does not forgive a wrong PIN.
        let later = now + 2 * FORGOTTEN_AFTER_MS;
        assert_eq!(t.wrong_at(later).wait_ms(later), 15 * 60_000);
    }
}
