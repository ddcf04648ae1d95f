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
    match role {
        // A kiosk writes only into its own inboxes (`inbox/<date>/<device>`) and never reads them
        // back; it reads only the public `kiosk` document.
        Role::Kiosk => match access {
            Access::Write => area == "inbox" && segments.clone().count() == 2 && segments.next_back() == Some(device),
            Access::Read => doc == "kiosk",
            Access::Snapshot => false,
        },
        Role::Staff => match access {
            Access::Read | Access::Snapshot => area != "payroll",
            // Staff read inboxes but only kiosks write into them; the business profile, services
            // and staff directory (`site`) are the manager's to change.
            Access::Write => area != "payroll" && area != "inbox" && area != "site",
        },
        Role::Manager => match access {
            Access::Read | Access::Snapshot => true,
            Access::Write => area != "inbox",
        },
    }
}

/// Whether `role` may watch for documents under `prefix`.
pub fn may_watch(role: Role, prefix: &str) -> bool {
    match role {
        Role::Kiosk => false,
        // A prefix that could match payroll documents would leak their names.
        Role::Staff => !prefix.starts_with("payroll") && !"payroll".starts_with(prefix),
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
