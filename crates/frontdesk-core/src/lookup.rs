//! The kiosk's lookup index (#19): how a visitor finds their appointment at the kiosk by a
//! confirmation code, or by name and phone, with nothing on the kiosk or the relay that lists who
//! is coming.
//!
//! - **A document per day**, `kiosk/<date>` ([`crate::doc_name::kiosk_day`]): the relay lets a
//!   kiosk read it only around its date and drops it after its day, so no document's history keeps
//!   the appointments of every past day (`frontdesk_protocol::access::kiosk_day_open`).
//! - **Entries under a slow KDF**: each entry is stored under a hash of `s` = PBKDF2-SHA256 of what
//!   the visitor types (the normalised code, or the folded name and the phone's last nine digits),
//!   salted with the day's random salt and the date, [`ITERATIONS`] rounds; its value is sealed
//!   (AES-256-GCM, by the platform) under another hash of `s`. Testing a guess costs a PBKDF2,
//!   so a copy of the document cannot be searched cheaply, and one guess opens one entry.
//! - **Deterministic**: the nonce is a hash of `s` and the entry, so every desk that publishes a
//!   day writes the same bytes and finds the others' work current ([`is_current`]).
//! - **A name and phone open only the time**: such entries hold the start alone — not the
//!   service, who the visitor will see, or even which booking it is, so nothing links them to a
//!   code's entry ([`Found::time_only`]); the check-in carries the phone's digits instead, and the
//!   desks find the booking from the name and phone ([`booking_for`]). A confirmation code, which
//!   only the visitor was given, opens the rest.
//!
//! The core does no crypto I/O: it says what to derive and seal; the desk (`pages/desk/publish.rs`)
//! and the kiosk (`pages/kiosk/find.rs`) run it in WebCrypto, tests in `crypto::native`.

use std::collections::BTreeMap;

use automerge::{AutoCommit, Automerge, ROOT, ReadDoc, ScalarValue, Value, transaction::Transactable};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::records;
use crate::schedule::{Booking, normalize_code};
use crate::site::Site;

/// PBKDF2 rounds per entry and per guess: ≈ 70 ms in a tablet's WebCrypto, so a desk derives a
/// day of 60 bookings (120 entries) in the background in seconds, a kiosk answers a visitor at
/// once, and every guess against a copy costs as much.
pub const ITERATIONS: u32 = 100_000;
// Pinned: fewer would let a copy of the index be searched cheaply (the build fails instead).
const _: () = assert!(ITERATIONS >= 100_000);

/// Wrong tries in a row at the kiosk's find screen before the next one waits
/// (`signin::Throttle::missed_at`): the fifth miss makes the sixth try wait 30 s, doubling to
/// 15 minutes. With [`ITERATIONS`], a kiosk left to someone tries a few dozen codes an hour.
pub const FREE_FINDS: u32 = 5;

/// The day's random salt (hex): yesterday's work says nothing about today's entries.
const SALT: &str = "salt";
const ENTRY: &str = "entry/";
/// Separates an entry's fields (never in a name a person types).
const FIELD: char = '\u{1f}';
/// Entries are padded to a multiple of this before sealing, so their lengths say nothing of the
/// service, the host, the time or whether they were found by a code or by a name and phone.
const PAD: usize = 256;

/// What a visitor typed at the kiosk to find their appointment.
#[derive(Clone, Copy, Debug)]
pub enum Query<'a> {
    Code(&'a str),
    NamePhone { name: &'a str, phone: &'a str },
}

/// A name reduced to what a person would type in any case and with or without accents.
fn fold_name(name: &str) -> String {
    crate::search::fold(name).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The last nine digits of a phone number (so `+34 600 111 222` and `600111222` match): what a
/// check-in found by name and phone carries.
pub fn fold_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(9)..].iter().collect()
}

/// The KDF's password for what a visitor typed; `None` when it is too short to identify anyone.
pub fn password(query: Query<'_>) -> Option<Vec<u8>> {
    match query {
        Query::Code(code) => {
            let code = normalize_code(code);
            (code.len() >= 4).then(|| [b"code\0".as_slice(), code.as_bytes()].concat())
        }
        Query::NamePhone { name, phone } => {
            let (name, phone) = (fold_name(name), fold_phone(phone));
            (name.chars().count() >= 2 && phone.len() >= 6)
                .then(|| [b"phone\0".as_slice(), name.as_bytes(), b"\0", phone.as_bytes()].concat())
        }
    }
}

/// The KDF's salt: the day's salt and the date.
pub fn kdf_salt(day_salt: &str, date: NaiveDate) -> Vec<u8> {
    format!("{day_salt}\0{date}").into_bytes()
}

/// What the entries of `date` are sealed with as associated data.
pub fn aad(date: NaiveDate) -> Vec<u8> {
    format!("frontdesk lookup v1\0{date}").into_bytes()
}

fn labelled(label: &str, secret: &[u8; 32], more: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label.as_bytes());
    h.update([0u8]);
    h.update(secret);
    h.update(more);
    h.finalize().into()
}

/// The KDF's output for one entry, and what is made from it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Secret(pub [u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// The entry's name in the document.
    pub fn entry_key(&self) -> String {
        let hash = labelled("lookup key", &self.0, &[]);
        frontdesk_protocol::hex16(hash[..16].try_into().expect("16 of 32 bytes"))
    }

    /// The AES-256-GCM key the entry's value is sealed under.
    pub fn value_key(&self) -> [u8; 32] {
        labelled("lookup value", &self.0, &[])
    }

    /// The nonce for sealing `plain`: the same entry always seals to the same bytes.
    pub fn nonce(&self, plain: &[u8]) -> [u8; 12] {
        let mut nonce = [0; 12];
        nonce.copy_from_slice(&labelled("lookup nonce", &self.0, plain)[..12]);
        nonce
    }
}

/// An appointment as the kiosk may show it once found.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Found {
    /// The booking's id (empty in an entry found by name and phone).
    pub booking: String,
    pub start_min: u32,
    pub service_en: String,
    pub service_es: String,
    /// Who they will see (a staff display name), or empty.
    pub host: String,
}

impl Found {
    /// An entry found by name and phone says when, and nothing else.
    pub fn time_only(&self) -> bool {
        self.service_en.is_empty() && self.service_es.is_empty() && self.host.is_empty()
    }

    /// The bytes sealed into an entry (padded: see [`PAD`]).
    pub fn encode(&self) -> Vec<u8> {
        let clean = |s: &str| s.replace(FIELD, " ");
        let mut fields = vec![clean(&self.booking), self.start_min.to_string()];
        if !self.time_only() {
            fields.extend([clean(&self.service_en), clean(&self.service_es), clean(&self.host)]);
        }
        frontdesk_protocol::sealed::pad(fields.join(&FIELD.to_string()).as_bytes(), PAD)
    }

    /// Reads what [`Found::encode`] made; `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Found> {
        let text = std::str::from_utf8(frontdesk_protocol::sealed::unpad(bytes).ok()?).ok()?;
        let fields: Vec<&str> = text.split(FIELD).collect();
        let (booking, start) = (fields.first()?, fields.get(1)?.parse().ok()?);
        let found = Found { booking: (*booking).to_owned(), start_min: start, ..Found::default() };
        match fields.len() {
            2 => Some(found),
            5 => Some(Found {
                service_en: fields[2].to_owned(),
                service_es: fields[3].to_owned(),
                host: fields[4].to_owned(),
                ..found
            }),
            _ => None,
        }
    }
}

/// One entry a desk publishes: what to derive `s` from and what to seal under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub password: Vec<u8>,
    pub plain: Vec<u8>,
}

/// The entries `date`'s index should hold: per booking that holds its time that day, one under
/// its confirmation code (the whole appointment) and one under the client's name and phone (its
/// time alone).
pub fn wanted(site: &Site, bookings: &[Booking], date: NaiveDate) -> Vec<Wanted> {
    let mut out = Vec::new();
    for b in bookings.iter().filter(|b| b.state.holds_time() && b.day() == Some(date)) {
        let service = site.service(&b.service);
        let whole = Found {
            booking: b.id.clone(),
            start_min: b.start_min,
            service_en: service.map(|s| s.name_en.clone()).unwrap_or_default(),
            service_es: service.map(|s| s.name("es").to_owned()).unwrap_or_default(),
            host: site.staff_member(&b.staff).map(|m| m.name.clone()).unwrap_or_default(),
        };
        if let Some(password) = password(Query::Code(&b.code)) {
            out.push(Wanted { password, plain: whole.encode() });
        }
        if let Some(password) = password(Query::NamePhone { name: &b.client, phone: &b.phone }) {
            let time = Found { start_min: b.start_min, ..Found::default() };
            out.push(Wanted { password, plain: time.encode() });
        }
    }
    out
}

/// The booking of `date` a visitor found by `name` and `phone` checked in for: the one whose
/// client and phone fold the same (what the kiosk's entry was made from) and that starts when
/// the kiosk showed them (`start_min`, if said). Two bookings of one name and phone on one day
/// share an entry, which shows the later: that is the one marked.
pub fn booking_for(
    name: &str,
    phone: &str,
    start_min: Option<u32>,
    bookings: &[Booking],
    date: NaiveDate,
) -> Option<String> {
    let typed = password(Query::NamePhone { name, phone })?;
    bookings
        .iter()
        .filter(|b| b.state.holds_time() && b.day() == Some(date))
        .filter(|b| start_min.is_none_or(|start| b.start_min == start))
        .find(|b| password(Query::NamePhone { name: &b.client, phone: &b.phone }).as_ref() == Some(&typed))
        .map(|b| b.id.clone())
}

/// The day's salt, if a desk has made it.
pub fn salt(doc: &Automerge) -> Option<String> {
    match doc.get(ROOT, SALT).ok().flatten() {
        Some((Value::Scalar(v), _)) => match v.as_ref() {
            ScalarValue::Str(s) if s.len() == 32 => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// A day's salt from the caller's random bytes (for a day that has none yet).
pub fn new_salt(random: [u8; 16]) -> String {
    frontdesk_protocol::hex16(&random)
}

/// Every entry in the document, by name.
pub fn entries(doc: &Automerge) -> BTreeMap<String, Vec<u8>> {
    doc.keys(ROOT)
        .filter_map(|key| Some((key.strip_prefix(ENTRY)?.to_owned(), records::root_bytes(doc, &key)?)))
        .collect()
}

/// The sealed value under `key`, if there is one.
pub fn entry(doc: &Automerge, key: &str) -> Option<Vec<u8>> {
    records::root_bytes(doc, &format!("{ENTRY}{key}"))
}

/// Whether the document holds exactly `want` (nothing for this desk to write).
pub fn is_current(doc: &Automerge, want: &BTreeMap<String, Vec<u8>>) -> bool {
    entries(doc) == *want
}

/// Brings the document in line with `want`, whose entries were made under `day_salt`: writes the
/// salt if the day has none (in the same change as the entries, so a kiosk never sees a salt
/// without them), writes what is new or different, deletes what is gone (a booking cancelled or
/// moved to another day). Refused if the day already has another salt (another desk published
/// first): this desk derives again under that one. Two desks publishing a new day at once merge
/// to one salt, and the next publish under it removes the other's entries.
pub fn publish(doc: &mut AutoCommit, day_salt: &str, want: &BTreeMap<String, Vec<u8>>) -> Result<(), String> {
    match salt(doc.document()) {
        Some(held) if held != day_salt => return Err("another tablet made this day's salt first".into()),
        Some(_) => {}
        None => doc.put(ROOT, SALT, day_salt).map_err(|e| e.to_string())?,
    }
    let held = entries(doc.document());
    for name in held.keys().filter(|name| !want.contains_key(*name)) {
        doc.delete(ROOT, format!("{ENTRY}{name}").as_str()).map_err(|e| e.to_string())?;
    }
    for (name, bytes) in want {
        if held.get(name) != Some(bytes) {
            doc.put(ROOT, format!("{ENTRY}{name}").as_str(), ScalarValue::Bytes(bytes.clone()))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::crypto::native;
    use crate::schedule::BookingState;

    const FAST: u32 = 4;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn booking(id: &str, client: &str, phone: &str, code: &str) -> Booking {
        Booking { client: client.into(), phone: phone.into(), code: code.into(), ..Booking::sample(id) }
    }

    fn site() -> Site {
        crate::kiosk_doc::tests::site()
    }

    /// What a desk writes: every wanted entry derived and sealed natively.
    fn sealed(salt: &str, wanted: &[Wanted], iterations: u32) -> BTreeMap<String, Vec<u8>> {
        wanted
            .iter()
            .map(|w| {
                let s = Secret(native::derive(&w.password, &kdf_salt(salt, date()), iterations));
                let bytes = native::seal_with_nonce(&s.value_key(), &s.nonce(&w.plain), &aad(date()), &w.plain);
                (s.entry_key(), bytes)
            })
            .collect()
    }

    /// What a kiosk does with what a visitor typed.
    fn find(doc: &Automerge, query: Query<'_>, iterations: u32) -> Option<Found> {
        let salt = salt(doc)?;
        let s = Secret(native::derive(&password(query)?, &kdf_salt(&salt, date()), iterations));
        let bytes = entry(doc, &s.entry_key())?;
        Found::decode(&native::open(&s.value_key(), &aad(date()), &bytes).ok()?)
    }

    fn published(bookings: &[Booking], iterations: u32) -> AutoCommit {
        let mut doc = AutoCommit::new();
        let salt = new_salt([9; 16]);
        let want = sealed(&salt, &wanted(&site(), bookings, date()), iterations);
        publish(&mut doc, &salt, &want).unwrap();
        assert!(is_current(doc.document(), &want));
        doc
    }

    #[test]
    fn the_sixth_miss_in_a_row_waits_and_then_longer() {
        let mut t = crate::signin::Throttle::default();
        for _ in 0..4 {
            t = t.missed_at(0, FREE_FINDS);
            assert_eq!(t.wait_ms(0), 0);
        }
        t = t.missed_at(0, FREE_FINDS);
        assert_eq!(t.wait_ms(0), 30_000, "the fifth miss makes the sixth try wait");
        t = t.missed_at(30_000, FREE_FINDS);
        assert_eq!(t.wait_ms(30_000), 60_000);
        // Right after the wait the count goes on; a quarter of an hour of quiet after it, it
        // starts again (a lobby's honest slips do not add up over a day).
        let after_wait = 90_000;
        assert_eq!(t.missed_at(after_wait, FREE_FINDS).wait_ms(after_wait), 120_000);
        let quiet = after_wait + crate::signin::FORGOTTEN_AFTER_MS + 1;
        assert_eq!(t.missed_at(quiet, FREE_FINDS).wait_ms(quiet), 0);
        assert_eq!(t.missed_at(quiet, FREE_FINDS).wrong, 1);
    }

    #[test]
    fn a_code_opens_the_whole_appointment_and_a_name_and_phone_only_its_time() {
        let mut doc = published(&[booking("b1", "Ana Gil", "+34 600 111 222", "K7M-4QX")], FAST);
        let doc = doc.document();
        let by_code = find(doc, Query::Code("k7m 4qx"), FAST).unwrap();
        assert_eq!((by_code.booking.as_str(), by_code.start_min, by_code.host.as_str()), ("b1", 600, "Dra. Ruiz"));
        assert_eq!(by_code.service_es, "Revisión");
        let by_phone = find(doc, Query::NamePhone { name: "ana  GIL", phone: "600 111 222" }, FAST).unwrap();
        assert_eq!((by_phone.booking.as_str(), by_phone.start_min), ("", 600), "not even which booking");
        assert!(by_phone.time_only(), "a name and phone show only the time: {by_phone:?}");
        // The desks find the booking from the check-in's name and phone digits.
        let later = Booking { start_min: 900, ..booking("b2", "Ana Gil", "600 111 222", "") };
        let bookings = [
            booking("b0", "Luis Paz", "611222333", ""),
            booking("b1", "Ana Gil", "+34 600 111 222", ""),
            later.clone(),
        ];
        let digits = fold_phone("600 111 222");
        assert_eq!(booking_for("ANA GIL", &digits, Some(600), &bookings, date()), Some("b1".into()));
        assert_eq!(booking_for("Ana Gil", "600111223", Some(600), &bookings, date()), None);
        assert_eq!(
            booking_for("Ana Gil", &digits, Some(600), &bookings, date().succ_opt().unwrap()),
            None,
            "another day"
        );
        // Two bookings of one name and phone share an entry, which shows the later one: the
        // check-in names the start it showed, and that booking is the one marked.
        let mut twice = published(&bookings, FAST);
        let shown = find(twice.document(), Query::NamePhone { name: "Ana Gil", phone: "600111222" }, FAST).unwrap();
        assert_eq!(shown.start_min, 900);
        assert_eq!(booking_for("Ana Gil", &digits, Some(shown.start_min), &bookings, date()), Some("b2".into()));
        assert!(find(doc, Query::Code("ZZZZZZ"), FAST).is_none());
        assert!(find(doc, Query::NamePhone { name: "Ana Gil", phone: "600 111 223" }, FAST).is_none());
        assert!(find(doc, Query::Code("K7M4QX"), FAST + 1).is_none(), "another cost derives another key");
        // Another day's salt, or another date with this salt, opens nothing.
        let other = Secret(native::derive(
            &password(Query::Code("K7M4QX")).unwrap(),
            &kdf_salt(&"ab".repeat(16), date()),
            FAST,
        ));
        assert!(entry(doc, &other.entry_key()).is_none());
        let next_day = date().succ_opt().unwrap();
        let moved = Secret(native::derive(
            &password(Query::Code("K7M4QX")).unwrap(),
            &kdf_salt(&salt(doc).unwrap(), next_day),
            FAST,
        ));
        assert!(entry(doc, &moved.entry_key()).is_none());
    }

    #[test]
    fn the_index_holds_no_name_phone_code_service_or_host_and_each_entry_opens_with_its_own_secret() {
        let mut doc = published(&[booking("b1", "Ana Gil", "+34 600 111 222", "K7M4QX")], FAST);
        let bytes = doc.save_nocompress();
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["Ana", "Gil", "600", "111 222", "K7M4QX", "Dra. Ruiz", "Revisión", "Check-up", "b1"] {
            assert!(!text.contains(secret), "{secret} in the index");
        }
        let all = entries(doc.document());
        assert_eq!(all.len(), 2);
        for (name, value) in &all {
            // The entry's name is not the key its value opens with.
            let as_key: [u8; 32] = Sha256::digest(name.as_bytes()).into();
            assert!(native::open(&as_key, &aad(date()), value).is_err());
        }
    }

    #[test]
    fn two_desks_publish_identical_bytes_and_find_each_others_work_current() {
        let bookings = [booking("b1", "Ana Gil", "600111222", "K7M4QX"), booking("b2", "Luis Paz", "611222333", "")];
        let mut a = published(&bookings, FAST);
        let salt = salt(a.document()).unwrap();
        let again = sealed(&salt, &wanted(&site(), &bookings, date()), FAST);
        assert!(is_current(a.document(), &again), "a second desk has nothing to write");
        assert_eq!(again.len(), 3, "two entries for b1, one for b2 (no code)");
        let heads = a.get_heads();
        publish(&mut a, &salt, &again).unwrap();
        assert!(a.get_changes(&heads).is_empty(), "publishing what is there writes nothing");
        // A booking moved within the day: its two entries change, the other's stays.
        let moved = [Booking { start_min: 660, ..bookings[0].clone() }, bookings[1].clone()];
        let after = sealed(&salt, &wanted(&site(), &moved, date()), FAST);
        assert!(!is_current(a.document(), &after));
        assert_eq!(after.iter().filter(|(k, v)| again.get(*k) == Some(v)).count(), 1, "b2's entry is unchanged");
    }

    #[test]
    fn cancelled_or_moved_bookings_leave_the_index() {
        let code = "K7M4QX";
        let mut doc = published(&[booking("b1", "Ana Gil", "600111222", code)], FAST);
        let salt = salt(doc.document()).unwrap();
        let cancelled = Booking { state: BookingState::Cancelled, ..booking("b1", "Ana Gil", "600111222", code) };
        let want = sealed(&salt, &wanted(&site(), &[cancelled], date()), FAST);
        assert!(want.is_empty());
        assert!(!is_current(doc.document(), &want));
        publish(&mut doc, &salt, &want).unwrap();
        assert!(find(doc.document(), Query::Code(code), FAST).is_none());
        assert!(entries(doc.document()).is_empty());
    }

    #[test]
    fn two_desks_making_the_days_salt_at_once_agree_on_one() {
        let bookings = [booking("b1", "Ana Gil", "600111222", "K7M4QX")];
        let mut a = AutoCommit::new();
        let mut b = a.fork();
        let (salt_a, salt_b) = (new_salt([1; 16]), new_salt([2; 16]));
        publish(&mut a, &salt_a, &sealed(&salt_a, &wanted(&site(), &bookings, date()), FAST)).unwrap();
        publish(&mut b, &salt_b, &sealed(&salt_b, &wanted(&site(), &bookings, date()), FAST)).unwrap();
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        let agreed = salt(a.document()).unwrap();
        assert_eq!(salt(b.document()), Some(agreed.clone()));
        // The loser's entries are there too until the next publish under the winner's salt,
        // which removes them; publishing under the loser's salt is refused.
        let loser = if agreed == salt_a { &salt_b } else { &salt_a };
        assert!(publish(&mut a, loser, &BTreeMap::new()).is_err());
        assert_eq!(entries(a.document()).len(), 4);
        publish(&mut a, &agreed, &sealed(&agreed, &wanted(&site(), &bookings, date()), FAST)).unwrap();
        assert_eq!(entries(a.document()).len(), 2);
        assert!(find(a.document(), Query::Code("K7M4QX"), FAST).is_some());
    }

    #[test]
    fn entries_read_back_and_nothing_else_does() {
        let whole = Found {
            booking: "b1".into(),
            start_min: 615,
            service_en: "Check-up".into(),
            service_es: "Revisión".into(),
            host: "Dra.\u{1f}Ruiz".into(),
        };
        let back = Found::decode(&whole.encode()).unwrap();
        assert_eq!(back.host, "Dra. Ruiz");
        assert_eq!(back.service_es, "Revisión");
        let time = Found { booking: "b1".into(), start_min: 615, ..Found::default() };
        assert_eq!(Found::decode(&time.encode()), Some(time));
        let padded = |text: &[u8]| frontdesk_protocol::sealed::pad(text, PAD);
        assert!(Found::decode(&padded(b"b1")).is_none());
        assert!(Found::decode(&padded(b"b1\x1fnoon")).is_none());
        assert!(Found::decode(&padded(b"b1\x1f600\x1fa")).is_none());
        assert!(Found::decode(&padded(&[0xff, 0x1f, b'1'])).is_none());
        assert!(Found::decode(b"b1\x1f600").is_none(), "not padded");
        // Whole appointments and times alone are the same length.
        assert_eq!(whole.encode().len(), PAD);
        assert_eq!(Found { booking: "b1".into(), ..Found::default() }.encode().len(), PAD);
    }

    #[test]
    fn names_and_phones_fold_the_way_people_type_them() {
        assert_eq!(fold_name("  José  Núñez "), "josenunez");
        assert_eq!(fold_phone("+34 (600) 111-222"), "600111222");
        assert!(password(Query::NamePhone { name: "A", phone: "600111222" }).is_none());
        assert!(password(Query::NamePhone { name: "Ana", phone: "12" }).is_none());
        assert!(password(Query::Code("  ")).is_none());
        assert_eq!(password(Query::Code("k7m-4qx")), password(Query::Code("K7M4QX")));
    }
}
