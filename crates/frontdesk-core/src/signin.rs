//! Who is using a shared tablet: staff sign in with their own PIN (the one the manager set with
//! their pay rate, which also works the time clock), the tablet names them on what they change,
//! and locks itself after the business's idle time.
//!
//! The manager's desk publishes, in the `site` document (read by staff devices, never by the
//! kiosk), one record per person who has a PIN: their staff id, their salt and the PIN's 10-bit
//! tag ([`crate::pin`]), or a legacy PIN's hash. A tablet derives a typed PIN under the salts of
//! those who may open it, with no network: a staff tablet opens for anyone listed, a manager's
//! tablet only for the directory's managers. With nobody eligible (no PINs yet) a tablet does not
//! lock: nobody could open it.
//!
//! Ten bits tell a right PIN from about 1,023 of every 1,024 wrong ones: a staff tablet takes a
//! wrong PIN about once in a thousand tries per person who may open it, and when a PIN matches
//! the tags of several people it asks which of them is signing in. A manager's tablet holds the
//! payroll and keeps only those whose verifier the PIN matches. What a tablet holds narrows no
//! PIN to one, so a stolen tablet does not give away the managers' PINs.
//!
//! The lock keeps what is on the screen from whoever walks up to a tablet left alone; it is not
//! a secret from someone who holds the device's storage (that device can already read every
//! document it keeps). Wrong PINs are throttled on the device ([`Throttle`]).

use std::collections::BTreeMap;

use automerge::{AutoCommit, Automerge, ROOT, ReadDoc, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile};

use crate::payroll::{self, PayRate, PinError};
use crate::pin::{self, Derived, Listed};
use crate::records;
use crate::site::{Site, StaffRole};

const SIGNIN: &str = "signin";
const LOCK: &str = "lock";

/// Someone who can sign in, as the `site` document lists them.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct SignIn {
    pub staff: String,
    /// A legacy PIN's hash (`payroll::pin_hash` with the kiosk document's salt), or empty.
    pub pin: String,
    /// A PIN known by its verifier: salt and tag (`who` is the kiosk list's id).
    pub listed: Option<Listed>,
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
        .filter(|r| r.has_pin())
        .filter(|r| site.staff_member(&r.staff).is_some_and(|m| m.active))
        .map(|r| {
            let entry = SignIn {
                staff: r.staff.clone(),
                pin: r.legacy_pin().unwrap_or_default().to_owned(),
                listed: r.verifier.as_ref().map(pin::Verifier::listed),
            };
            (r.staff.clone(), entry)
        })
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
    // By the records' keys (`signin/<staff>`): the desk's first download reads no record here.
    site_doc
        .map_range(ROOT, format!("{SIGNIN}/")..format!("{SIGNIN}0"))
        .any(|item| may_open(site, &item.key[SIGNIN.len() + 1..], manager))
}

/// Who may open a tablet of this kind, as listed. Someone listed who may not open it is left
/// out, so their PIN is refused like a PIN nobody has and a wrong guess learns nothing.
pub fn eligible(site_doc: &Automerge, site: &Site, manager: bool) -> Vec<SignIn> {
    entries(site_doc).into_iter().filter(|s| may_open(site, &s.staff, manager)).collect()
}

/// The salts to derive a typed PIN under for `eligible`, in order (`who` is the staff id).
pub fn to_derive(eligible: &[SignIn]) -> Vec<Listed> {
    eligible.iter().filter_map(|s| s.listed.as_ref().map(|l| Listed { who: s.staff.clone(), ..l.clone() })).collect()
}

/// Whom a typed PIN may open the tablet for (staff ids), given `derived[i]` = the PIN under
/// `to_derive(eligible)[i]`'s salt and `legacy_salt`, the kiosk document's salt of legacy PINs.
/// `payroll` is a manager's tablet's pay rates: there a PIN opens only for the person whose
/// verifier it matches (none while the payroll is not on the tablet). Empty: nobody's PIN.
pub fn matching(
    eligible: &[SignIn],
    legacy_salt: Option<&str>,
    typed: &str,
    derived: &[Derived],
    payroll: Option<&[PayRate]>,
) -> Result<Vec<String>, PinError> {
    let typed = payroll::clean_pin(typed)?;
    let legacy = legacy_salt.map(|salt| payroll::pin_hash(salt, &typed));
    let verified = |c: &pin::Candidate| {
        payroll.is_none_or(|rates| {
            rates
                .iter()
                .find(|r| r.staff == c.who)
                .and_then(|r| r.verifier.as_ref())
                .is_some_and(|v| v.matches(&c.derived))
        })
    };
    let mut who: Vec<String> = pin::candidates(&to_derive(eligible), derived)
        .into_iter()
        .filter(verified)
        .map(|c| c.who)
        .chain(
            eligible.iter().filter(|s| !s.pin.is_empty() && Some(&s.pin) == legacy.as_ref()).map(|s| s.staff.clone()),
        )
        .collect();
    // One person is one record, but a damaged one may hold both a legacy hash and a tag.
    who.sort_unstable();
    who.dedup();
    Ok(who)
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
/// next try wait 30 s, doubled each time, at most 15 minutes. On the tablet lock the right PIN
/// starts afresh ([`Throttle::wrong_at`]); at the time clock and the kiosk's find screen it does
/// not, and a quarter of an hour of quiet after a wait does ([`Throttle::missed_at`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Throttle {
    pub wrong: u32,
    pub until_ms: i64,
    /// When the last miss was (0 before any): with [`Throttle::missed_at`], misses older than
    /// [`FORGOTTEN_AFTER_MS`] after their wait no longer count.
    pub last_ms: i64,
}

/// At the time clock and the kiosk's find screen, a quarter of an hour without a miss after the
/// last wait and the count starts again (the lobby's honest slips do not add up over a day).
/// Wrong PINs at the tablet lock are never forgotten this way: the right PIN starts afresh.
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

    /// The throttle as a device keeps it across reloads: three numbers, space-separated (no
    /// serialiser in the kiosk's download).
    pub fn to_text(self) -> String {
        format!("{} {} {}", self.wrong, self.until_ms, self.last_ms)
    }

    /// What [`Throttle::to_text`] wrote; anything unreadable counts as zero.
    pub fn from_text(text: &str) -> Throttle {
        let mut fields = text.split(' ').map(|f| f.parse::<i64>().unwrap_or(0));
        let mut next = || fields.next().unwrap_or(0);
        Throttle { wrong: u32::try_from(next()).unwrap_or(0), until_ms: next(), last_ms: next() }
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

#[cfg(all(test, not(target_arch = "wasm32")))]
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
            verifier: None,
            legacy_until_ms: None,
            retired: None,
        }
    }

    fn derive(pin: &str, salt: &str) -> Derived {
        crate::crypto::native::derive(&pin::password(pin), salt.as_bytes(), 1)
    }

    fn verified(staff: &str, pin: &str) -> PayRate {
        let salt = format!("salt-{staff}");
        let verifier = pin::Verifier::new(salt.clone(), &derive(pin, &salt), format!("L-{staff}"));
        PayRate { pin: String::new(), verifier: Some(verifier), ..rate(staff, "") }
    }

    /// What the lock does with a typed PIN: derive it under every eligible salt, then match.
    fn recognise(
        d: &Automerge,
        site: &Site,
        salt: Option<&str>,
        typed: &str,
        manager: bool,
    ) -> Result<String, PinError> {
        recognise_with(d, site, salt, typed, manager, None)
    }

    fn recognise_with(
        d: &Automerge,
        site: &Site,
        salt: Option<&str>,
        typed: &str,
        manager: bool,
        rates: Option<&[PayRate]>,
    ) -> Result<String, PinError> {
        let eligible = eligible(d, site, manager);
        let derived: Vec<Derived> = to_derive(&eligible).iter().map(|l| derive(typed.trim(), &l.salt)).collect();
        match matching(&eligible, salt, typed, &derived, rates)?.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(PinError::Unknown),
            several => panic!("several: {several:?}"),
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
    fn a_pin_known_by_its_verifier_opens_the_tablet_and_a_managers_tablet_checks_it_in_full() {
        let site = business();
        let rates = [verified("ana", "4821"), verified("eva", "7305"), rate("bo", "1111")];
        let mut doc = AutoCommit::new();
        publish(&mut doc, &wanted(&site, &rates)).unwrap();
        let d = doc.document();
        assert_eq!(recognise(d, &site, Some("salt"), "4821", false), Ok("ana".into()));
        assert_eq!(recognise(d, &site, Some("salt"), "7305", true), Ok("eva".into()));
        assert_eq!(recognise(d, &site, Some("salt"), "1111", false), Ok("bo".into()), "a legacy PIN still works");
        assert_eq!(recognise(d, &site, Some("salt"), "4821", true), Err(PinError::Unknown), "not a manager");
        // The site document holds no verifier: a wrong PIN whose tag matches Eva's opens a
        // staff tablet for her, never a manager's tablet that holds the payroll.
        let eligible = eligible(d, &site, true);
        let salts = to_derive(&eligible);
        let wrong = (0..10_000)
            .map(|n| format!("{n:04}"))
            .find(|p| p != "7305" && pin::tag(&derive(p, &salts[0].salt)) == salts[0].tag)
            .unwrap();
        assert_eq!(recognise(d, &site, Some("salt"), &wrong, true), Ok("eva".into()), "10 bits alone let it through");
        assert_eq!(recognise_with(d, &site, Some("salt"), &wrong, true, Some(&rates)), Err(PinError::Unknown));
        assert_eq!(recognise_with(d, &site, Some("salt"), "7305", true, Some(&rates)), Ok("eva".into()));
        // A manager's tablet whose payroll has not arrived (or lacks her verifier) opens for
        // nobody on ten bits alone.
        assert_eq!(recognise_with(d, &site, Some("salt"), "7305", true, Some(&[])), Err(PinError::Unknown));
        let saved = doc.save();
        let verify = rates[1].verifier.as_ref().unwrap().verify.as_bytes();
        assert!(!saved.windows(verify.len()).any(|w| w == verify), "no verifier on the tablets");
    }

    #[test]
    fn a_pin_matching_two_peoples_tags_names_both() {
        let site = business();
        // Find two PINs for Ana and Bo such that Ana's PIN also passes Bo's tag.
        let ana_salt = "salt-ana";
        let bo_salt = "salt-bo";
        let ana_pin = (0..10_000)
            .map(|n| format!("{n:04}"))
            .find(|p| pin::tag(&derive(p, bo_salt)) == pin::tag(&derive("5555", bo_salt)) && p != "5555")
            .unwrap();
        let rates = [verified("ana", &ana_pin), verified("bo", "5555")];
        assert_eq!(rates[0].verifier.as_ref().unwrap().salt, ana_salt);
        let mut doc = AutoCommit::new();
        publish(&mut doc, &wanted(&site, &rates)).unwrap();
        let eligible = eligible(doc.document(), &site, false);
        let derived: Vec<Derived> = to_derive(&eligible).iter().map(|l| derive(&ana_pin, &l.salt)).collect();
        let mut who = matching(&eligible, None, &ana_pin, &derived, None).unwrap();
        who.sort();
        assert_eq!(who, ["ana", "bo"]);
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
        assert_eq!(Throttle::from_text(&t.to_text()), t, "kept across reloads as text");
        assert_eq!(Throttle::from_text("garbage"), Throttle::default());
        // Waiting out the quiet the kiosk's find screen forgives does not forgive a wrong PIN.
        let later = now + 2 * FORGOTTEN_AFTER_MS;
        assert_eq!(t.wrong_at(later).wait_ms(later), 15 * 60_000);
    }
}
