//! What the desks publish for the lobby kiosk, which reads only the `kiosk` document and the
//! kiosk's days (`kiosk/<date>`): the services, hosts and queue numbers given so far, and today's
//! and tomorrow's appointment lookup index (every desk); the PIN list of the time clock (a
//! manager's desk). Each keeps what it publishes in line with what it is made from whenever
//! either changes, and writes only when it differs, so the desks that find it current do nothing.
//! They show nothing on the board: each runs in a part of its own (`parts::kiosk_index`,
//! `parts::manager_duties`).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use chrono::NaiveDate;
use frontdesk_core::lookup::{self, Secret, Wanted};
use frontdesk_core::replica::DocEdit;
use frontdesk_core::site::Site;
use frontdesk_core::{BoardEntry, Connection, check_in, doc_name, kiosk_doc, payroll, pin, schedule, signin};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::device::Device;
use crate::platform::random_bytes;
use crate::webcrypto;

/// Keeps the `kiosk` document in line with the site and the board (services, hosts, the wait,
/// the queue numbers given), and the kiosk's index of today and tomorrow in line with those
/// days' bookings ([`lookup_index`]), whenever they change and this tablet is online. Every
/// tablet computes the same, so once one has written it the others find nothing to do.
pub fn kiosk_index(device: DeviceRef, today: NaiveDate, site: Memo<Site>, board: Memo<Vec<BoardEntry>>) {
    kiosk_front(device, today, site, board);
    lookup_index(device, today, site);
}

fn online(device: DeviceRef) -> bool {
    device.with_value(|d| d.status.with(|s| matches!(s.connection, Connection::Online { .. })))
}

fn kiosk_front(device: DeviceRef, today: NaiveDate, site: Memo<Site>, board: Memo<Vec<BoardEntry>>) {
    let revision = device.with_value(|d| d.revision);
    let busy = StoredValue::new(false);
    Effect::new(move |_| {
        revision.track();
        if !online(device) || busy.get_value() {
            return;
        }
        let site = site.get();
        let (wait, issued) = board.with(|b| {
            (frontdesk_core::board::expected_wait(b), check_in::issued(b.iter().map(|e| &e.check_in), today))
        });
        if site.profile.is_none() {
            return;
        }
        let want = kiosk_doc::desired(&site, today, wait).with_issued(issued);
        if device.with_value(|d| d.read(doc_name::KIOSK, |k| kiosk_doc::is_current(k, &want))).unwrap_or(false) {
            return;
        }
        busy.set_value(true);
        let dev = device.get_value();
        leptos::task::spawn_local(async move {
            if let Err(err) = dev.change(doc_name::KIOSK, move |k| kiosk_doc::publish(k, &want)).await {
                leptos::logging::warn!("could not update the kiosk's document: {err}");
            }
            busy.set_value(false);
        });
    });
}

/// What this tablet derived and sealed for the index: a PBKDF2 per entry is ≈ 70 ms, so each is
/// done once per day, salt and input, and a booking moved in the day is sealed again without
/// deriving again.
#[derive(Default)]
struct Derived {
    /// `s` by (KDF salt, password).
    secrets: BTreeMap<(Vec<u8>, Vec<u8>), Secret>,
    /// The sealed entry by (`s`, entry).
    sealed: BTreeMap<([u8; 32], Vec<u8>), Vec<u8>>,
}

impl Derived {
    /// Every wanted entry as the index holds it, if all were derived and sealed already.
    fn all(&self, salt: &[u8], wanted: &[Wanted]) -> Option<BTreeMap<String, Vec<u8>>> {
        wanted
            .iter()
            .map(|w| {
                let secret = self.secrets.get(&(salt.to_vec(), w.password.clone()))?;
                let sealed = self.sealed.get(&(secret.0, w.plain.clone()))?;
                Some((secret.entry_key(), sealed.clone()))
            })
            .collect()
    }
}

/// How many two-second looks a desk waits for a day's backlog before publishing it anyway.
const PATIENCE: u32 = 15;

/// One day's index to bring up to date.
struct Day {
    date: NaiveDate,
    wanted: Vec<Wanted>,
}

/// Runs `then` two seconds on, one wait at a time (`retrying` says one is pending): for a duty
/// that waits for something that changes no document (a backlog being caught up), so nothing
/// else would make it look again.
fn look_again_soon(retrying: StoredValue<bool>, then: impl FnOnce() + 'static) {
    if retrying.get_value() {
        return;
    }
    retrying.set_value(true);
    set_timeout(
        move || {
            retrying.set_value(false);
            then();
        },
        std::time::Duration::from_secs(2),
    );
}

/// Keeps the kiosk's days (`kiosk/<date>`, today's and tomorrow's) holding an entry per way of
/// finding each booking that day: derived and sealed in WebCrypto, in the background, one entry
/// at a time. Written in one change per day once all are ready.
fn lookup_index(device: DeviceRef, today: NaiveDate, site: Memo<Site>) {
    let revision = device.with_value(|d| d.revision);
    let busy = StoredValue::new(false);
    let again = Trigger::new();
    let derived = StoredValue::new(Derived::default());
    let (retrying, waited) = (StoredValue::new(false), StoredValue::new(0u32));
    Effect::new(move |_| {
        revision.track();
        again.track();
        if !online(device) || busy.get_value() {
            return;
        }
        let site = site.get();
        if site.profile.is_none() {
            return;
        }
        let mut waiting = false;
        let days: Vec<Day> = device.with_value(|d| {
            doc_name::kiosk_dates(today)
                .into_iter()
                .filter_map(|date| {
                    let doc = doc_name::kiosk_day(date);
                    // A day without a salt here is published once this tablet holds what the
                    // relay has of it (another tablet may have made its salt), or after waiting
                    // a while for that (a backlog that cannot be applied here).
                    let salt = d.read(&doc, lookup::salt).flatten();
                    if salt.is_none() && !d.caught_up(&doc) && waited.get_value() < PATIENCE {
                        waiting = true;
                        return None;
                    }
                    let bookings = d.read(&doc_name::day(date), schedule::bookings)?;
                    let wanted = lookup::wanted(&site, &bookings, date);
                    let current = salt.is_some_and(|salt| {
                        let salt = lookup::kdf_salt(&salt, date);
                        derived
                            .with_value(|m| m.all(&salt, &wanted))
                            .is_some_and(|entries| d.read(&doc, |k| lookup::is_current(k, &entries)).unwrap_or(false))
                    });
                    (!current).then_some(Day { date, wanted })
                })
                .collect()
        });
        if waiting {
            look_again_soon(retrying, move || {
                waited.update_value(|n| *n += 1);
                again.notify();
            });
        }
        if days.is_empty() {
            return;
        }
        busy.set_value(true);
        let dev = device.get_value();
        let seen = revision.get_untracked();
        leptos::task::spawn_local(async move {
            for day in days {
                if let Err(err) = publish_day(&dev, day, derived).await {
                    leptos::logging::warn!("could not update the kiosk's index: {err}");
                }
            }
            busy.set_value(false);
            // Something changed while this ran (a booking made): look again.
            if revision.get_untracked() != seen {
                again.notify();
            }
        });
    });
}

async fn publish_day(dev: &Rc<Device>, day: Day, derived: StoredValue<Derived>) -> Result<(), String> {
    let doc = doc_name::kiosk_day(day.date);
    // The day's salt, or a new one written with the entries in one change.
    let day_salt = dev.read(&doc, lookup::salt).flatten().unwrap_or_else(|| lookup::new_salt(random_bytes()));
    let (salt, aad) = (lookup::kdf_salt(&day_salt, day.date), lookup::aad(day.date));
    let mut entries = BTreeMap::new();
    for Wanted { password, plain } in day.wanted {
        let key = (salt.clone(), password);
        let secret = match derived.with_value(|m| m.secrets.get(&key).copied()) {
            Some(secret) => secret,
            None => {
                let s = webcrypto::derive(&key.1, &salt, lookup::ITERATIONS).await.map_err(|e| e.to_string())?;
                derived.update_value(|m| {
                    m.secrets.insert(key, Secret(s));
                });
                Secret(s)
            }
        };
        let key = (secret.0, plain);
        let sealed = match derived.with_value(|m| m.sealed.get(&key).cloned()) {
            Some(sealed) => sealed,
            None => {
                let sealed = webcrypto::seal_raw(&secret.value_key(), &secret.nonce(&key.1), &aad, &key.1)
                    .await
                    .map_err(|e| e.to_string())?;
                derived.update_value(|m| {
                    m.sealed.insert(key, sealed.clone());
                });
                sealed
            }
        };
        entries.insert(secret.entry_key(), sealed);
    }
    let current =
        dev.read(&doc, |k| lookup::salt(k).as_deref() == Some(day_salt.as_str()) && lookup::is_current(k, &entries));
    if !current.unwrap_or(false) {
        dev.change(&doc, move |k| lookup::publish(k, &day_salt, &entries)).await?;
    }
    Ok(())
}

/// Keeps the kiosk document's PIN lists (salts and tags by list id, and legacy PINs' hashes; no
/// names) in line with the pay rates, and makes the legacy PIN salt the first time; keeps the
/// `site` document's list of who can sign in on a tablet (`signin`) in line with the same rates
/// and the staff directory. Runs on a manager's desk.
pub fn pins(device: DeviceRef, site: Memo<Site>) {
    let revision = device.with_value(|d| d.revision);
    let busy = StoredValue::new(false);
    let (again, retrying) = (Trigger::new(), StoredValue::new(false));
    Effect::new(move |_| {
        revision.track();
        again.track();
        let site = site.get();
        if busy.get_value() {
            return;
        }
        let mut waiting = false;
        let work = device.with_value(|d| {
            // A tablet waiting for its keys reads none of the business's sealed documents: what
            // it would write (a new PIN salt over the real one) waits for them.
            if d.waiting_for_keys() {
                return None;
            }
            let rates = d.read(doc_name::PAYROLL, payroll::rates_to_publish).flatten();
            let (salted, known) = d
                .read(doc_name::KIOSK, |k| (payroll::pin_salt(k).is_some(), payroll::known_pins(k)))
                .unwrap_or((false, BTreeSet::new()));
            // No salt here: made only once this tablet holds what the relay has of the kiosk's
            // document. A tablet not welcomed yet (just paired, on a slow network) does not know
            // whether the business seals, nor the real salt, and would write one over it.
            if !salted && !d.caught_up(doc_name::KIOSK) {
                waiting = true;
                return None;
            }
            let pins = rates.as_deref().map(payroll::legacy_pins).filter(|p| *p != known);
            let list = rates
                .as_deref()
                .map(payroll::pin_list)
                .filter(|l| !d.read(doc_name::KIOSK, |k| pin::list_is(k, l)).unwrap_or(false));
            let people = rates.map(|rates| signin::wanted(&site, &rates));
            let listed = d.read(doc_name::SITE, signin::listed).unwrap_or_default();
            let people = people.filter(|p| *p != listed);
            (!salted || pins.is_some() || list.is_some() || people.is_some()).then_some((pins, list, people))
        });
        if waiting {
            look_again_soon(retrying, move || again.notify());
        }
        let Some((pins, list, people)) = work else { return };
        busy.set_value(true);
        let dev = device.get_value();
        let mut edits: Vec<(String, DocEdit)> = vec![(
            doc_name::KIOSK.into(),
            Box::new(move |k| {
                payroll::ensure_pin_salt(k, random_bytes())?;
                pins.map_or(Ok(()), |pins| payroll::publish_pins(k, &pins))?;
                list.map_or(Ok(()), |list| pin::publish_list(k, &list))
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
