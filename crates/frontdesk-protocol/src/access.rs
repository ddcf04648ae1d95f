//! Which documents a device may read and write, decided from its role, its id and the document's
//! [`Area`] alone.
//!
//! The relay enforces these rules; they live here, beside the areas, so the core can test every
//! name it makes against them. Document names are otherwise opaque: the only structure relied on
//! is the area and, for drop boxes (`<area>/<date>/<device>`), the device id at the end. A name in
//! no known area is refused to every role.

use crate::Role;
use crate::area::{Area, Readers, Writers};

/// What a device wants to do with a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Snapshot,
}

/// The envelopes of the business's keys sealed to its recovery kit (#19): read by managers — the
/// kit's holder restores on a manager's device —, written by managers like every envelope. No
/// device is called `recovery` (device ids are hex).
pub const RECOVERY_ENVELOPES: &str = "envelopes/recovery";

/// Whether `role` (device `device`) may perform `access` on `doc`.
pub fn allowed(role: Role, device: &str, doc: &str, access: Access) -> bool {
    let Some(area) = Area::of(doc) else {
        return false;
    };
    let readers = area.readers();
    match access {
        // A kiosk reads only the public document itself and its days (`kiosk/<date>`, which the
        // relay holds to its own calendar), never anything else put under its name; it never
        // reads back what it writes.
        Access::Read if readers == Readers::OwnDevice => {
            own_document(doc, device) || (role == Role::Manager && doc == RECOVERY_ENVELOPES)
        }
        Access::Read if role == Role::Kiosk => {
            readers == Readers::Everyone && (doc == area.as_str() || kiosk_day_date(doc).is_some())
        }
        Access::Read => readers.include(role),
        // A snapshot replaces history, so only a device that may write the document may propose
        // one, and never for a drop box: its writer never reads it back, and its readers may not
        // write it.
        Access::Snapshot => {
            !matches!(area.writers(), Writers::OwnDevice | Writers::OwnKiosk)
                && readers != Readers::OwnDevice
                && readers.include(role)
                && allowed(role, device, doc, Access::Write)
        }
        Access::Write => match area.writers() {
            Writers::Staff => role != Role::Kiosk,
            Writers::Manager => role == Role::Manager,
            Writers::OwnDevice => own_drop_box(doc, device),
            Writers::OwnKiosk => role == Role::Kiosk && own_drop_box(doc, device),
        },
    }
}

/// Whether `doc` is `<area>/<device>`, named after this device.
fn own_document(doc: &str, device: &str) -> bool {
    let mut segments = doc.split('/');
    segments.clone().count() == 2 && segments.next_back() == Some(device)
}

/// Whether `doc` is `<area>/<date>/<device>`: a drop box of `device`.
fn own_drop_box(doc: &str, device: &str) -> bool {
    let mut segments = doc.split('/');
    segments.clone().count() == 3 && segments.next_back() == Some(device)
}

/// The date segment of a drop box (`<area>/<date>/<device>`), which the relay holds to its own
/// calendar; `None` for a document that is no drop box.
pub fn drop_box_date(doc: &str) -> Option<&str> {
    let area = Area::of(doc)?;
    if !matches!(area.writers(), Writers::OwnDevice | Writers::OwnKiosk) {
        return None;
    }
    let mut segments = doc.split('/');
    let (_, date, _) = (segments.next()?, segments.next()?, segments.next()?);
    segments.next().is_none().then_some(date)
}

/// The date of one day's kiosk document, `kiosk/<yyyy-mm-dd>` (the lookup index, #19), which the
/// relay lets a kiosk read and anyone write only around that date, and drops after it; `None` for
/// any other document.
pub fn kiosk_day_date(doc: &str) -> Option<&str> {
    let date = doc.strip_prefix(Area::Kiosk.as_str())?.strip_prefix('/')?;
    let shape = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    shape.then_some(date)
}

/// Whether `role` may watch for documents under `prefix`.
pub fn may_watch(role: Role, prefix: &str) -> bool {
    match role {
        Role::Kiosk => false,
        // A prefix that could match a manager-only area's documents would leak their names.
        Role::Staff => Area::ALL.into_iter().filter(|area| !area.readers().include(Role::Staff)).all(|area| {
            let name = area.as_str();
            !prefix.starts_with(name) && !name.starts_with(prefix)
        }),
        Role::Manager => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kiosk_writes_only_its_own_inbox_and_reads_only_the_kiosk_document() {
        assert!(allowed(Role::Kiosk, "k1", "inbox/2026-11-26/k1", Access::Write));
        assert!(!allowed(Role::Kiosk, "k1", "inbox/2026-11-26/k2", Access::Write));
        assert!(!allowed(Role::Kiosk, "k1", "inbox/2026-11-26/k1", Access::Read));
        assert!(!allowed(Role::Kiosk, "k1", "inbox/k1", Access::Write));
        assert!(!allowed(Role::Kiosk, "k1", "day/2026-11-26", Access::Read));
        assert!(allowed(Role::Kiosk, "k1", "kiosk", Access::Read));
        assert!(!allowed(Role::Kiosk, "k1", "kiosk/other", Access::Read));
        assert!(allowed(Role::Kiosk, "k1", "kiosk/2026-11-26", Access::Read));
        assert!(!allowed(Role::Kiosk, "k1", "kiosk/2026-11-26", Access::Write));
        assert!(!allowed(Role::Kiosk, "k1", "kiosk/2026-11-26/x", Access::Read));
        assert!(allowed(Role::Staff, "d1", "kiosk/2026-11-26", Access::Write));
        assert_eq!(kiosk_day_date("kiosk/2026-11-26"), Some("2026-11-26"));
        for not_a_day in [
            "kiosk",
            "kiosk/",
            "kiosk/2026-11-2",
            "kiosk/2026-11-26x",
            "kiosk/2026/11/26",
            "kioskx/2026-11-26",
            "day/2026-11-26",
        ] {
            assert_eq!(kiosk_day_date(not_a_day), None, "{not_a_day}");
        }
        assert!(!allowed(Role::Kiosk, "k1", "kiosk", Access::Write));
        assert!(!may_watch(Role::Kiosk, "inbox/"));
    }

    #[test]
    fn time_clocks_are_written_by_their_device_and_read_by_the_manager_only() {
        let doc = "timeclock/2026-11-26/k1";
        assert!(allowed(Role::Kiosk, "k1", doc, Access::Write));
        assert!(!allowed(Role::Kiosk, "k2", doc, Access::Write));
        assert!(!allowed(Role::Kiosk, "k1", doc, Access::Read));
        assert!(allowed(Role::Staff, "d1", "timeclock/2026-11-26/d1", Access::Write));
        assert!(!allowed(Role::Staff, "d1", doc, Access::Write));
        assert!(!allowed(Role::Staff, "d1", "timeclock/2026-11-26/d1", Access::Read));
        assert!(!allowed(Role::Staff, "d1", doc, Access::Snapshot));
        assert!(!allowed(Role::Manager, "m", doc, Access::Snapshot), "a drop box has no snapshots");
        assert!(!allowed(Role::Staff, "d1", "timeclock/2026-11-26/d1", Access::Snapshot));
        assert_eq!(drop_box_date(doc), Some("2026-11-26"));
        assert_eq!(drop_box_date("inbox/2026-11-26/k1"), Some("2026-11-26"));
        assert_eq!(drop_box_date("day/2026-11-26"), None);
        assert_eq!(drop_box_date("inbox/2026-11-26"), None);
        assert!(allowed(Role::Manager, "m", doc, Access::Read));
        assert!(!allowed(Role::Manager, "m", doc, Access::Write));
        assert!(allowed(Role::Manager, "m", "timeclock/2026-11-26/m", Access::Write));
        assert!(!may_watch(Role::Staff, "timeclock/"));
        assert!(!may_watch(Role::Staff, "time"));
        assert!(may_watch(Role::Staff, "inbox/"));
        assert!(may_watch(Role::Manager, "timeclock/2026-11-"));
    }

    #[test]
    fn the_recovery_kits_envelopes_are_read_by_managers_alone() {
        assert!(allowed(Role::Manager, "m", RECOVERY_ENVELOPES, Access::Read));
        assert!(allowed(Role::Manager, "m", RECOVERY_ENVELOPES, Access::Write));
        assert!(!allowed(Role::Staff, "s", RECOVERY_ENVELOPES, Access::Read));
        assert!(!allowed(Role::Kiosk, "k", RECOVERY_ENVELOPES, Access::Read));
        assert!(!allowed(Role::Manager, "m", RECOVERY_ENVELOPES, Access::Snapshot));
        assert!(!allowed(Role::Manager, "m", "envelopes/other", Access::Read), "another device's envelopes");
        assert!(!may_watch(Role::Staff, "envelopes/"));
    }

    #[test]
    fn staff_read_inboxes_but_not_payroll() {
        assert!(allowed(Role::Staff, "s", "inbox/2026-11-26/k1", Access::Read));
        assert!(!allowed(Role::Staff, "s", "inbox/2026-11-26/k1", Access::Write));
        assert!(allowed(Role::Staff, "s", "day/2026-11-26", Access::Write));
        assert!(!allowed(Role::Staff, "s", "payroll/2026-11", Access::Read));
        assert!(allowed(Role::Manager, "m", "payroll/2026-11", Access::Write));
        assert!(allowed(Role::Staff, "s", "site", Access::Read));
        assert!(!allowed(Role::Staff, "s", "site", Access::Write));
        assert!(allowed(Role::Manager, "m", "site", Access::Write));
    }

    #[test]
    fn only_a_writer_may_propose_a_snapshot() {
        // A staff tablet could once snapshot `site` and the kiosks' inboxes, which it may not write.
        assert!(!allowed(Role::Staff, "s", "site", Access::Snapshot));
        assert!(allowed(Role::Manager, "m", "site", Access::Snapshot));
        assert!(!allowed(Role::Staff, "s", "inbox/2026-11-26/k1", Access::Snapshot));
        assert!(!allowed(Role::Kiosk, "k1", "inbox/2026-11-26/k1", Access::Snapshot));
        assert!(!allowed(Role::Kiosk, "k1", "kiosk", Access::Snapshot));
        assert!(allowed(Role::Staff, "s", "day/2026-11-26", Access::Snapshot));
        assert!(allowed(Role::Staff, "s", "kiosk", Access::Snapshot));
        assert!(!allowed(Role::Staff, "s", "payroll", Access::Snapshot));
    }

    #[test]
    fn a_device_reads_only_its_own_keys_and_only_managers_write_them() {
        for role in [Role::Kiosk, Role::Staff, Role::Manager] {
            assert!(allowed(role, "d1", "envelopes/d1", Access::Read), "{role}");
            assert!(!allowed(role, "d1", "envelopes/d2", Access::Read), "{role} reads another's keys");
            assert!(!allowed(role, "d1", "envelopes/d1/x", Access::Read), "{role}");
            assert!(!allowed(role, "d1", "envelopes", Access::Read), "{role}");
            assert!(!allowed(role, "d1", "envelopes/d1", Access::Snapshot), "{role}: nobody snapshots envelopes");
        }
        assert!(allowed(Role::Manager, "m", "envelopes/d1", Access::Write));
        assert!(!allowed(Role::Staff, "d1", "envelopes/d1", Access::Write), "a device plants no key of its own");
        assert!(!allowed(Role::Kiosk, "k1", "envelopes/k1", Access::Write));
        assert!(!may_watch(Role::Staff, "envelopes/"));
        assert!(!may_watch(Role::Staff, "k"));
        assert!(!may_watch(Role::Kiosk, "envelopes/"));
        assert!(allowed(Role::Manager, "m", "keyring", Access::Read));
        assert!(allowed(Role::Manager, "m", "keyring", Access::Snapshot));
        assert!(!allowed(Role::Staff, "s", "keyring", Access::Read));
        assert!(!allowed(Role::Staff, "s", "keyring", Access::Write));
        assert!(!allowed(Role::Kiosk, "k", "keyring", Access::Read));
    }

    #[test]
    fn a_document_in_no_known_area_is_refused_to_every_role() {
        // Staff could once write any area the rules did not name, and so make documents nobody
        // had decided who may read.
        for doc in ["notanarea/x", "notanarea", "dayx/2026-11-26", "payrolls", "inboxes/2026-11-26/s"] {
            for (role, device) in [(Role::Kiosk, "s"), (Role::Staff, "s"), (Role::Manager, "s")] {
                for access in [Access::Read, Access::Write, Access::Snapshot] {
                    assert!(!allowed(role, device, doc, access), "{role} {access:?} {doc}");
                }
            }
        }
    }
}
