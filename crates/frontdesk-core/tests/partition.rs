//! Every document name and prefix the partition makes is valid, in a known area, writable by the
//! role that must write it and readable by the roles that must read it — by the relay's own rules.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use frontdesk_core::RecordId;
use frontdesk_core::doc_name::{self, Area};
use frontdesk_protocol::Role::{self, Kiosk, Manager, Staff};
use frontdesk_protocol::access::{Access, allowed, may_watch};
use frontdesk_protocol::valid_doc_name;

/// A document the partition makes, the device that must write it, and who must read it.
struct Doc {
    name: String,
    writer: (Role, String),
    readers: &'static [Role],
}

const STAFF: &[Role] = &[Staff, Manager];
const MANAGER: &[Role] = &[Manager];

fn id(byte: u8) -> String {
    RecordId::from_random([byte; 16]).to_string()
}

fn dates() -> Vec<NaiveDate> {
    [(2026, 1, 1), (2026, 11, 26), (2026, 12, 31), (2027, 2, 28), (2028, 2, 29)]
        .into_iter()
        .map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
        .collect()
}

/// Every name the partition makes, on a few dates, with who writes and reads it.
fn every_doc() -> Vec<Doc> {
    let (kiosk, desk, manager) = (id(1), id(2), id(3));
    let staff = || (Staff, desk.clone());
    let doc = |name: String, writer: (Role, String), readers| Doc { name, writer, readers };
    let mut docs = vec![
        doc(doc_name::SITE.into(), (Manager, manager.clone()), STAFF),
        doc(doc_name::KIOSK.into(), staff(), &[Kiosk, Staff, Manager]),
        doc(doc_name::CLIENTS.into(), staff(), STAFF),
        doc(doc_name::CATALOG.into(), staff(), STAFF),
        doc(doc_name::INSURANCE.into(), staff(), STAFF),
        doc(doc_name::STAFFING.into(), staff(), STAFF),
        doc(doc_name::ROOMS.into(), staff(), STAFF),
        doc(doc_name::PAYROLL.into(), (Manager, manager.clone()), MANAGER),
        doc(doc_name::KEYRING.into(), (Manager, manager.clone()), MANAGER),
        // Read by the device it is named after alone: no role reads another device's keys.
        doc(doc_name::envelopes(&desk), (Manager, manager.clone()), &[]),
        doc(doc_name::card_photo(&id(9)), staff(), STAFF),
    ];
    for date in dates() {
        docs.push(doc(doc_name::inbox(date, &kiosk), (Kiosk, kiosk.clone()), STAFF));
        docs.push(doc(doc_name::day(date), staff(), STAFF));
        docs.extend(doc_name::kiosk_days(date).map(|name| doc(name, staff(), &[Kiosk, Staff, Manager])));
        docs.push(doc(doc_name::messages(date), staff(), STAFF));
        docs.push(doc(doc_name::stays(date), staff(), STAFF));
        docs.push(doc(doc_name::rooms(date), staff(), STAFF));
        docs.push(doc(doc_name::orders(date), staff(), STAFF));
        docs.push(doc(doc_name::invoices(date), staff(), STAFF));
        let recent = [
            doc_name::recent_messages(date).to_vec(),
            doc_name::recent_stays(date).into(),
            doc_name::recent_rooms(date).into(),
        ];
        docs.extend(recent.concat().into_iter().map(|name| doc(name, staff(), STAFF)));
        // Every device punches into its own time clock: kiosks, desks and the manager's.
        for (role, device) in [(Kiosk, &kiosk), (Staff, &desk), (Manager, &manager)] {
            docs.push(doc(doc_name::timeclock(date, device), (role, device.clone()), MANAGER));
        }
    }
    docs
}

#[test]
fn every_name_is_valid_and_in_a_known_area() {
    for doc in every_doc() {
        assert!(valid_doc_name(&doc.name), "{}", doc.name);
        let area = Area::of(&doc.name).unwrap_or_else(|| panic!("{} is in no area", doc.name));
        assert!(doc.name == area.as_str() || doc.name.starts_with(&doc_name::prefix(area)), "{}", doc.name);
    }
}

#[test]
fn every_area_has_a_document_the_partition_makes() {
    let made: BTreeSet<Area> = every_doc().iter().filter_map(|doc| Area::of(&doc.name)).collect();
    assert_eq!(made, Area::ALL.into_iter().collect(), "an area no name is made in, or a name this test misses");
}

#[test]
fn the_relay_lets_the_writer_write_and_only_the_readers_read() {
    let someone_else = id(7);
    for Doc { name, writer: (role, device), readers } in every_doc() {
        assert!(allowed(role, &device, &name, Access::Write), "{role} {device} may write {name}");
        for reader in [Kiosk, Staff, Manager] {
            let may = allowed(reader, &someone_else, &name, Access::Read);
            assert_eq!(may, readers.contains(&reader), "{reader} reading {name}");
        }
        if Area::of(&name) == Some(Area::Envelopes) {
            let owner = name.rsplit('/').next().unwrap_or_default();
            assert!(allowed(Staff, owner, &name, Access::Read), "a device reads its own keys: {name}");
            assert!(!allowed(Staff, owner, &name, Access::Write), "but writes none: {name}");
            assert!(!allowed(Manager, &someone_else, &name, Access::Snapshot), "{name}");
            continue;
        }
        let drop_box = matches!(Area::of(&name), Some(Area::Inbox | Area::Timeclock));
        assert_eq!(doc_name::is_drop_box(&name), drop_box, "{name}");
        assert_eq!(frontdesk_protocol::access::drop_box_date(&name).is_some(), drop_box, "{name}");
        for other in [Kiosk, Staff, Manager] {
            // A drop box is its own device's alone; elsewhere the manager may do what staff may,
            // and a kiosk writes nothing else.
            let may = !drop_box && (other == role || (other == Manager && role == Staff));
            assert_eq!(allowed(other, &someone_else, &name, Access::Write), may, "{other} writing {name}");
        }
    }
}

#[test]
fn the_prefixes_a_desk_watches_are_allowed_to_the_role_that_watches() {
    for date in dates() {
        let inbox = doc_name::inbox_prefix(date);
        assert_eq!(Area::of(&inbox), Some(Area::Inbox));
        assert!(valid_doc_name(inbox.trim_end_matches('/')), "{inbox}");
        assert!(may_watch(Staff, &inbox) && may_watch(Manager, &inbox) && !may_watch(Kiosk, &inbox));
        let [this_month, last_month] = doc_name::recent_timeclocks(date);
        assert_eq!(this_month, doc_name::timeclock_prefix(date));
        assert!(doc_name::timeclock(date, &id(1)).starts_with(&this_month));
        for clocks in [this_month, last_month] {
            assert_eq!(Area::of(&clocks), Some(Area::Timeclock));
            assert!(valid_doc_name(&clocks), "{clocks}");
            assert!(may_watch(Manager, &clocks) && !may_watch(Staff, &clocks));
        }
    }
    for area in Area::ALL {
        let prefix = doc_name::prefix(area);
        assert_eq!(Area::of(&prefix), Some(area));
        assert!(valid_doc_name(prefix.trim_end_matches('/')), "{prefix}");
        let staff_read = area.readers().include(Staff);
        assert_eq!(may_watch(Staff, &prefix), staff_read, "staff watching {prefix}");
        assert!(!may_watch(Kiosk, &prefix), "kiosks watch nothing");
        assert!(may_watch(Manager, &prefix));
    }
}
