//! What the desks publish for the lobby kiosk, which reads only the `kiosk` document: today's
//! appointment lookup index and the queue numbers given so far (every desk) and the PIN list of the time clock (a manager's desk).
//! Both keep the document in line with what it is made from whenever either changes, and
//! write only when it differs, so the desks that find it current do nothing. They show nothing
//! on the board: each runs in a part of its own (`parts::kiosk_index`, `parts::manager_duties`).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use frontdesk_core::replica::DocEdit;
use frontdesk_core::site::Site;
use frontdesk_core::{BoardEntry, Connection, check_in, doc_name, kiosk_doc, payroll, schedule, signin};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::platform::random_bytes;

/// Keeps the `kiosk` document in line with the site and today's bookings, whenever either
/// changes and this tablet is online: the lobby kiosk then finds today's appointments by code,
/// or by name and phone, even with the network gone. Every tablet computes the same entries, so
/// once one has written them the others find nothing to do.
pub fn kiosk_index(device: DeviceRef, today: NaiveDate, site: Memo<Site>, board: Memo<Vec<BoardEntry>>) {
    let revision = device.with_value(|d| d.revision);
    let status = device.with_value(|d| d.status);
    let busy = StoredValue::new(false);
    Effect::new(move |_| {
        revision.track();
        let online = status.with(|s| matches!(s.connection, Connection::Online { .. }));
        if !online || busy.get_value() {
            return;
        }
        let site = site.get();
        let (wait, issued) = board.with(|b| {
            (frontdesk_core::board::expected_wait(b), check_in::issued(b.iter().map(|e| &e.check_in), today))
        });
        if site.profile.is_none() {
            return;
        }
        let work = device.with_value(|d| {
            let bookings = d.read(&doc_name::day(today), schedule::bookings).unwrap_or_default();
            let salt = d.read(doc_name::KIOSK, |k| kiosk_doc::salt(k, today)).flatten();
            let current = salt.is_some_and(|salt| {
                let want = kiosk_doc::desired(&site, &bookings, today, &salt, wait).with_issued(issued.clone());
                d.read(doc_name::KIOSK, |k| kiosk_doc::is_current(k, &want)).unwrap_or(false)
            });
            (!current).then_some((site, bookings, wait, issued))
        });
        let Some((site, bookings, wait, issued)) = work else { return };
        busy.set_value(true);
        let dev = device.get_value();
        leptos::task::spawn_local(async move {
            let result = dev
                .change(doc_name::KIOSK, move |k| {
                    let salt = kiosk_doc::ensure_salt(k, today, random_bytes())?;
                    let want = kiosk_doc::desired(&site, &bookings, today, &salt, wait).with_issued(issued);
                    kiosk_doc::publish(k, today, &want)
                })
                .await;
            if let Err(err) = result {
                leptos::logging::warn!("could not update the kiosk's index: {err}");
            }
            busy.set_value(false);
        });
    });
}

/// Keeps the kiosk document's PIN list (hashes, no names) in line with the pay rates, and makes
/// the PIN salt the first time; keeps the `site` document's list of who can sign in on a tablet
/// (`signin`) in line with the same rates and the staff directory. Runs on a manager's desk.
pub fn pins(device: DeviceRef, site: Memo<Site>) {
    let revision = device.with_value(|d| d.revision);
    let busy = StoredValue::new(false);
    Effect::new(move |_| {
        revision.track();
        let site = site.get();
        if busy.get_value() {
            return;
        }
        let work = device.with_value(|d| {
            let rates = d.read(doc_name::PAYROLL, payroll::rates_to_publish).flatten();
            let (salted, known) = d
                .read(doc_name::KIOSK, |k| (payroll::pin_salt(k).is_some(), payroll::known_pins(k)))
                .unwrap_or((false, BTreeSet::new()));
            let pins =
                rates.as_ref().map(|rates| rates.iter().map(|r| r.pin.clone()).filter(|p| !p.is_empty()).collect());
            let people = rates.map(|rates| signin::wanted(&site, &rates));
            let listed = d.read(doc_name::SITE, signin::listed).unwrap_or_default();
            let pins = pins.filter(|p: &BTreeSet<String>| *p != known);
            let people = people.filter(|p| *p != listed);
            (!salted || pins.is_some() || people.is_some()).then_some((pins, people))
        });
        let Some((pins, people)) = work else { return };
        busy.set_value(true);
        let dev = device.get_value();
        let mut edits: Vec<(String, DocEdit)> = vec![(
            doc_name::KIOSK.into(),
            Box::new(move |k| {
                payroll::ensure_pin_salt(k, random_bytes())?;
                pins.map_or(Ok(()), |pins| payroll::publish_pins(k, &pins))
            }),
        )];
        if let Some(people) = people {
            edits.push((doc_name::SITE.into(), Box::new(move |s| signin::publish(s, &people))));
        }
        dev.change_all_soon(edits, "the PIN lists", move |_| {
            busy.set_value(false);
        });
    });
}
