//! The areas documents are partitioned into, and who may read and write each.
//!
//! An area is the first segment of a document's name (`day/2026-11-26` is in [`Area::Day`]). It is
//! all the relay knows of a document: the access rules ([`crate::access`]) decide from the area,
//! and for drop boxes from the device id at the end, never from what the document holds. The
//! core makes every document name from these areas (`frontdesk_core::doc_name`).

use std::fmt;
use std::str::FromStr;

use crate::Role;

/// The first segment of every document name. On the wire (a retention rule) an area is its
/// position in this list: add new ones at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Area {
    Site,
    Kiosk,
    Inbox,
    Day,
    Messages,
    Stays,
    Rooms,
    Clients,
    Catalog,
    Orders,
    Invoices,
    Insurance,
    CardPhoto,
    Staffing,
    Timeclock,
    Payroll,
    /// `envelopes/<device>`: the business's keys sealed to one device (#19). Plain Automerge
    /// whose values are envelopes only that device can open.
    Envelopes,
    /// `keyring`: the managers' record of which device holds which keys (sealed, managers only).
    Keyring,
}

/// Who may read an area's documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readers {
    /// Every device, kiosks included; a kiosk reads the area's one document, nothing under it.
    Everyone,
    /// Staff and the manager.
    Staff,
    /// The manager only.
    Manager,
    /// Only the device the document is named after (`<area>/<device>`).
    OwnDevice,
}

/// Who may write an area's documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writers {
    /// Staff and the manager.
    Staff,
    /// The manager only.
    Manager,
    /// Drop boxes, `<area>/<date>/<device>`: each written by its own device, whatever its role.
    OwnDevice,
    /// Drop boxes written by their own device, which must be a kiosk.
    OwnKiosk,
}

impl Area {
    pub const ALL: [Area; 18] = [
        Area::Site,
        Area::Kiosk,
        Area::Inbox,
        Area::Day,
        Area::Messages,
        Area::Stays,
        Area::Rooms,
        Area::Clients,
        Area::Catalog,
        Area::Orders,
        Area::Invoices,
        Area::Insurance,
        Area::CardPhoto,
        Area::Staffing,
        Area::Timeclock,
        Area::Payroll,
        Area::Envelopes,
        Area::Keyring,
    ];

    /// The area's name, the first segment of its documents' names.
    pub const fn as_str(self) -> &'static str {
        match self {
            Area::Site => "site",
            Area::Kiosk => "kiosk",
            Area::Inbox => "inbox",
            Area::Day => "day",
            Area::Messages => "messages",
            Area::Stays => "stays",
            Area::Rooms => "rooms",
            Area::Clients => "clients",
            Area::Catalog => "catalog",
            Area::Orders => "orders",
            Area::Invoices => "invoices",
            Area::Insurance => "insurance",
            Area::CardPhoto => "cardphoto",
            Area::Staffing => "staffing",
            Area::Timeclock => "timeclock",
            Area::Payroll => "payroll",
            Area::Envelopes => "envelopes",
            Area::Keyring => "keyring",
        }
    }

    /// The area a document (or a prefix that names its area, `timeclock/2026-11-`) belongs to.
    pub fn of(doc: &str) -> Option<Area> {
        doc.split('/').next()?.parse().ok()
    }

    pub const fn readers(self) -> Readers {
        match self {
            Area::Kiosk => Readers::Everyone,
            Area::Timeclock | Area::Payroll | Area::Keyring => Readers::Manager,
            Area::Envelopes => Readers::OwnDevice,
            _ => Readers::Staff,
        }
    }

    pub const fn writers(self) -> Writers {
        match self {
            Area::Site | Area::Payroll | Area::Envelopes | Area::Keyring => Writers::Manager,
            Area::Inbox => Writers::OwnKiosk,
            Area::Timeclock => Writers::OwnDevice,
            _ => Writers::Staff,
        }
    }
}

impl Readers {
    /// Whether a device of `role` is among these readers.
    pub fn include(self, role: Role) -> bool {
        match self {
            Readers::Everyone => true,
            Readers::Staff => role != Role::Kiosk,
            Readers::Manager => role == Role::Manager,
            // Decided from the document's name (`access::allowed`), never from the role alone.
            Readers::OwnDevice => false,
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no area's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no document area is called {0:?}")]
pub struct UnknownArea(pub String);

impl FromStr for Area {
    type Err = UnknownArea;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Area::ALL.into_iter().find(|area| area.as_str() == s).ok_or_else(|| UnknownArea(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_parses_back_from_its_name_and_is_a_valid_document_name() {
        for area in Area::ALL {
            assert_eq!(area.as_str().parse(), Ok(area));
            assert_eq!(area.to_string(), area.as_str());
            assert!(crate::valid_doc_name(area.as_str()), "{area}");
            assert!(!area.as_str().contains('/'), "{area}");
        }
    }

    #[test]
    fn a_document_is_in_the_area_of_its_first_segment() {
        assert_eq!(Area::of("inbox/2026-11-26/k1"), Some(Area::Inbox));
        assert_eq!(Area::of("kiosk"), Some(Area::Kiosk));
        assert_eq!(Area::of("timeclock/2026-11-"), Some(Area::Timeclock));
        assert_eq!(Area::of("dayx/2026-11-26"), None);
        assert_eq!(Area::of("notanarea/x"), None);
        assert_eq!(Area::of(""), None);
        assert_eq!("Day".parse::<Area>(), Err(UnknownArea("Day".into())));
    }
}
