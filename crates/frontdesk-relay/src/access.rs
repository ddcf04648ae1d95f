//! Which documents a device may read and write, decided from its role and id alone.
//!
//! Document names are opaque paths to the relay; the only structure it relies on is the
//! first segment (`kiosk`, `inbox`, `payroll`, …) and, for inboxes, the device id at the end.

use frontdesk_protocol::Role;

/// What a device wants to do with a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Snapshot,
}

/// Whether `role` (device `device`) may perform `access` on `doc`.
pub fn allowed(role: Role, device: &str, doc: &str, access: Access) -> bool {
    let mut segments = doc.split('/');
    let area = segments.next().unwrap_or_default();
    // `<area>/<date>/<device>` written by that device only: kiosk inboxes and time clocks.
    let own_drop_box = segments.clone().count() == 2 && segments.next_back() == Some(device);
    // Only the manager reads payroll and the time clocks.
    let private = area == "payroll" || area == "timeclock";
    match role {
        // A kiosk writes only into its own inboxes and time clocks and never reads them back; it
        // reads only the public `kiosk` document.
        Role::Kiosk => match access {
            Access::Write => (area == "inbox" || area == "timeclock") && own_drop_box,
            Access::Read => doc == "kiosk",
            Access::Snapshot => false,
        },
        Role::Staff => match access {
            Access::Read | Access::Snapshot => !private,
            // Staff read inboxes but only kiosks write into them; the business profile, services
            // and staff directory (`site`) are the manager's to change; a desk's punches go into
            // its own time clock, which it cannot read back.
            Access::Write => match area {
                "timeclock" => own_drop_box,
                "payroll" | "inbox" | "site" => false,
                _ => true,
            },
        },
        Role::Manager => match access {
            Access::Read | Access::Snapshot => true,
            Access::Write => area != "inbox" && (area != "timeclock" || own_drop_box),
        },
    }
}

/// Whether `role` may watch for documents under `prefix`.
pub fn may_watch(role: Role, prefix: &str) -> bool {
    match role {
        Role::Kiosk => false,
        // A prefix that could match payroll or time-clock documents would leak their names.
        Role::Staff => ["payroll", "timeclock"].iter().all(|p| !prefix.starts_with(p) && !p.starts_with(prefix)),
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
        assert!(allowed(Role::Manager, "m", doc, Access::Read));
        assert!(!allowed(Role::Manager, "m", doc, Access::Write));
        assert!(allowed(Role::Manager, "m", "timeclock/2026-11-26/m", Access::Write));
        assert!(!may_watch(Role::Staff, "timeclock/"));
        assert!(!may_watch(Role::Staff, "time"));
        assert!(may_watch(Role::Staff, "inbox/"));
        assert!(may_watch(Role::Manager, "timeclock/2026-11-"));
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
}
