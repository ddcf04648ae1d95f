//! What the lobby kiosk may know (the `kiosk` document): today's appointment lookup index, the
//! public list of services, the hosts visitors may ask for, and the terms to accept.
//!
//! The index reveals no one's name: each entry sits under a salted hash of a confirmation code,
//! or of a name and phone number, and says only when the appointment is, for what, and with whom.
//! A kiosk matches what a visitor types against it with no network. Staff tablets keep it up to
//! date from the day's bookings (every tablet computes the same entries, so they agree).

use crate::sorting::SortDyn;
use std::collections::BTreeMap;

use automerge::{AutoCommit, Automerge, ROOT, ReadDoc, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::check_in::Issued;
use crate::records;
use crate::schedule::{Booking, normalize_code};
use crate::site::{BusinessKind, Site};

/// One appointment as the kiosk knows it.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Lookup {
    pub booking: String,
    pub date: String,
    pub start_min: u32,
    pub service_en: String,
    pub service_es: String,
    /// Who they will see (a staff display name), or empty.
    pub host: String,
}

/// A service as the kiosk shows it.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PublicService {
    pub id: String,
    pub name_en: String,
    pub name_es: String,
    pub description_en: String,
    pub description_es: String,
    pub duration_min: u32,
    pub price_minor: i64,
    pub currency: String,
}

/// Someone a visitor may come to see.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Host {
    pub id: String,
    pub name: String,
}

/// The day's salt, so yesterday's hashes say nothing about today's codes.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
struct Salt {
    date: String,
    value: String,
}

/// The business details a kiosk shows.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Front {
    pub business: String,
    pub kind: BusinessKind,
    pub lang: String,
    /// The business's IANA time zone: the kiosk dates check-ins by it (empty in kiosk documents
    /// published before it was added).
    #[autosurgeon(missing = "Default::default")]
    pub time_zone: String,
}

/// The wait a new arrival can expect, as the desk last saw it.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Wait {
    pub date: String,
    pub waiting: u32,
    pub minutes: u32,
}

const WAIT: &str = "wait";
const LOOKUP: &str = "lookup";
const SERVICE: &str = "service";
const HOST: &str = "host";
const SALT: &str = "salt";
const FRONT: &str = "front";
const TICKET: &str = "ticket";

fn hash(salt: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    for part in parts {
        h.update([0u8]);
        h.update(part.as_bytes());
    }
    h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The index key of a confirmation code.
pub fn code_key(salt: &str, code: &str) -> String {
    hash(salt, &["code", &normalize_code(code)])
}

/// A name reduced to what a person would type in any case and with or without accents.
fn fold_name(name: &str) -> String {
    crate::search::fold(name).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The last nine digits of a phone number (so `+34 600 111 222` and `600111222` match).
fn fold_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(9)..].iter().collect()
}

/// The index key of a name and phone number; `None` if either is too short to identify anyone.
pub fn phone_key(salt: &str, name: &str, phone: &str) -> Option<String> {
    let (name, phone) = (fold_name(name), fold_phone(phone));
    (name.len() >= 2 && phone.len() >= 6).then(|| hash(salt, &["phone", &name, &phone]))
}

/// Everything the kiosk document should hold for `date`, given the site and that day's bookings.
pub struct Desired {
    lookups: BTreeMap<String, Lookup>,
    services: Vec<PublicService>,
    hosts: Vec<Host>,
    front: Option<Front>,
    wait: Option<Wait>,
    issued: Vec<Issued>,
    /// The day it is for (`YYYY-MM-DD`).
    date: String,
}

impl Desired {
    /// With the day's queue numbers as the desk saw them ([`crate::check_in::issued`]), so a
    /// kiosk that comes back without its counter, or a new one, gives no number twice.
    pub fn with_issued(mut self, issued: Vec<Issued>) -> Desired {
        self.issued = issued;
        self
    }
}

/// Computes what the kiosk document should say for `date`. `salt` is the day's salt already in
/// the document, if any.
pub fn desired(site: &Site, bookings: &[Booking], date: NaiveDate, salt: &str, wait: Option<(usize, u32)>) -> Desired {
    let mut lookups = BTreeMap::new();
    for b in bookings.iter().filter(|b| b.state.holds_time() && b.day() == Some(date)) {
        let service = site.service(&b.service);
        let entry = Lookup {
            booking: b.id.clone(),
            date: b.date.clone(),
            start_min: b.start_min,
            service_en: service.map(|s| s.name_en.clone()).unwrap_or_default(),
            service_es: service.map(|s| s.name("es").to_owned()).unwrap_or_default(),
            host: site.staff_member(&b.staff).map(|m| m.name.clone()).unwrap_or_default(),
        };
        if !b.code.is_empty() {
            lookups.insert(code_key(salt, &b.code), entry.clone());
        }
        if let Some(key) = phone_key(salt, &b.client, &b.phone) {
            lookups.insert(key, entry);
        }
    }
    let currency = site.currency().to_owned();
    let services = site
        .services
        .iter()
        .filter(|s| s.active)
        .map(|s| PublicService {
            id: s.id.clone(),
            name_en: s.name_en.clone(),
            name_es: s.name("es").to_owned(),
            description_en: s.description_en.clone(),
            description_es: s.description("es").to_owned(),
            duration_min: s.duration_min,
            price_minor: s.price_minor,
            currency: currency.clone(),
        })
        .collect();
    let hosts =
        site.staff.iter().filter(|m| m.active).map(|m| Host { id: m.id.clone(), name: m.name.clone() }).collect();
    let front = site.profile.as_ref().map(|p| Front {
        business: p.name.clone(),
        kind: p.kind,
        lang: p.lang.clone(),
        time_zone: p.time_zone.clone(),
    });
    let wait = wait.map(|(waiting, minutes)| Wait { date: date.to_string(), waiting: waiting as u32, minutes });
    Desired { lookups, services, hosts, front, wait, issued: Vec::new(), date: date.to_string() }
}

/// The salt for `date` in the kiosk document, if one was made.
pub fn salt(kiosk: &Automerge, date: NaiveDate) -> Option<String> {
    records::get::<Salt>(kiosk, SALT, &date.to_string()).map(|s| s.value)
}

/// Makes the day's salt if there is none (from the caller's random bytes); returns it.
pub fn ensure_salt(kiosk: &mut AutoCommit, date: NaiveDate, random: [u8; 16]) -> Result<String, String> {
    if let Some(existing) = salt(kiosk.document(), date) {
        return Ok(existing);
    }
    let value: String = random.iter().map(|b| format!("{b:02x}")).collect();
    records::put(kiosk, SALT, &date.to_string(), &Salt { date: date.to_string(), value: value.clone() })?;
    Ok(value)
}

/// Whether the kiosk document already says exactly what `desired` says (nothing to write).
pub fn is_current(kiosk: &Automerge, want: &Desired) -> bool {
    let mut lookups: Vec<(String, Lookup)> = Vec::new();
    for key in kiosk.keys(ROOT).filter(|k| k.starts_with("lookup/")) {
        if let Ok(entry) = autosurgeon::hydrate_prop::<_, Lookup, _, _>(kiosk, ROOT, key.as_str()) {
            lookups.push((key["lookup/".len()..].to_owned(), entry));
        } else {
            return false;
        }
    }
    let want_lookups: Vec<(String, Lookup)> = want.lookups.clone().into_iter().collect();
    lookups.sort_dyn_by(|a, b| a.0.cmp(&b.0));
    let mut services: Vec<PublicService> = records::all(kiosk, SERVICE);
    services.sort_dyn_by(|a, b| a.id.cmp(&b.id));
    let mut want_services = want.services.clone();
    want_services.sort_dyn_by(|a, b| a.id.cmp(&b.id));
    let mut hosts: Vec<Host> = records::all(kiosk, HOST);
    hosts.sort_dyn_by(|a, b| a.id.cmp(&b.id));
    let mut want_hosts = want.hosts.clone();
    want_hosts.sort_dyn_by(|a, b| a.id.cmp(&b.id));
    lookups == want_lookups
        && services == want_services
        && hosts == want_hosts
        && records::get::<Front>(kiosk, FRONT, "main") == want.front
        && records::get::<Wait>(kiosk, WAIT, "now") == want.wait
        && ticket_changes(kiosk, want) == (Vec::new(), Vec::new())
}

fn sorted_issued(issued: &[Issued]) -> Vec<Issued> {
    let mut all = issued.to_vec();
    all.sort_dyn_by(|a, b| a.record_key().cmp(&b.record_key()));
    all
}

/// What publishing `want` changes in the queue numbers: the records to write and the keys to
/// delete. Numbers only go up and a record leaves only with its day, so a desk that has not yet
/// seen every check-in (or another kiosk's inbox) never lowers or removes what another desk
/// published — a kiosk reading a lowered number could give it again.
fn ticket_changes(kiosk: &Automerge, want: &Desired) -> (Vec<Issued>, Vec<String>) {
    let held = issued(kiosk);
    let stale = held.iter().filter(|h| h.date != want.date).map(Issued::record_key).collect();
    let write = want
        .issued
        .iter()
        .filter(|w| !held.iter().any(|h| h.record_key() == w.record_key() && h.date == w.date && h.last >= w.last))
        .cloned()
        .collect();
    (write, stale)
}

/// The queue numbers the desks last published (any day: the kiosk looks at its own).
pub fn issued(kiosk: &Automerge) -> Vec<Issued> {
    sorted_issued(&records::all::<Issued>(kiosk, TICKET))
}

/// Brings the kiosk document in line with `want` for `date`: writes what is new or changed and
/// deletes what is gone (other days' entries and salts included).
pub fn publish(kiosk: &mut AutoCommit, date: NaiveDate, want: &Desired) -> Result<(), String> {
    let keep_salt = records::key(SALT, &date.to_string());
    let stale: Vec<String> = kiosk
        .keys(ROOT)
        .filter(|k| {
            let kind = k.split('/').next().unwrap_or_default();
            match kind {
                LOOKUP => !want.lookups.contains_key(&k[LOOKUP.len() + 1..]),
                SERVICE => !want.services.iter().any(|s| k[SERVICE.len() + 1..] == s.id),
                HOST => !want.hosts.iter().any(|h| k[HOST.len() + 1..] == h.id),
                SALT => *k != keep_salt,
                _ => false,
            }
        })
        .collect();
    for key in stale {
        kiosk.delete(ROOT, key.as_str()).map_err(|e| e.to_string())?;
    }
    for (key, entry) in &want.lookups {
        if records::get::<Lookup>(kiosk.document(), LOOKUP, key).as_ref() != Some(entry) {
            records::put(kiosk, LOOKUP, key, entry)?;
        }
    }
    for service in &want.services {
        if records::get::<PublicService>(kiosk.document(), SERVICE, &service.id).as_ref() != Some(service) {
            records::put(kiosk, SERVICE, &service.id, service)?;
        }
    }
    for host in &want.hosts {
        if records::get::<Host>(kiosk.document(), HOST, &host.id).as_ref() != Some(host) {
            records::put(kiosk, HOST, &host.id, host)?;
        }
    }
    let (write, stale) = ticket_changes(kiosk.document(), want);
    for key in stale {
        kiosk.delete(ROOT, records::key(TICKET, &key).as_str()).map_err(|e| e.to_string())?;
    }
    for entry in &write {
        records::put(kiosk, TICKET, &entry.record_key(), entry)?;
    }
    if let Some(front) = &want.front
        && records::get::<Front>(kiosk.document(), FRONT, "main").as_ref() != Some(front)
    {
        records::put(kiosk, FRONT, "main", front)?;
    }
    if records::get::<Wait>(kiosk.document(), WAIT, "now") != want.wait {
        match &want.wait {
            Some(wait) => records::put(kiosk, WAIT, "now", wait)?,
            None => {
                let _ = kiosk.delete(ROOT, records::key(WAIT, "now").as_str());
            }
        }
    }
    Ok(())
}

/// What a visitor typed at the kiosk to find their appointment.
pub enum Query<'a> {
    Code(&'a str),
    NamePhone { name: &'a str, phone: &'a str },
}

/// Finds today's appointment matching what the visitor typed. Says nothing about why not: a
/// wrong code and someone else's code look the same.
pub fn find(kiosk: &Automerge, date: NaiveDate, query: Query<'_>) -> Option<Lookup> {
    let salt = salt(kiosk, date)?;
    let key = match query {
        Query::Code(code) => code_key(&salt, code),
        Query::NamePhone { name, phone } => phone_key(&salt, name, phone)?,
    };
    records::get::<Lookup>(kiosk, LOOKUP, &key).filter(|l| l.date == date.to_string())
}

/// The public services, hosts and business details a kiosk shows.
pub fn services(kiosk: &Automerge) -> Vec<PublicService> {
    let mut all: Vec<PublicService> = records::all(kiosk, SERVICE);
    all.sort_dyn_by(|a, b| a.name_en.cmp(&b.name_en));
    all
}

pub fn hosts(kiosk: &Automerge) -> Vec<Host> {
    let mut all: Vec<Host> = records::all(kiosk, HOST);
    all.sort_dyn_by(|a, b| a.name.cmp(&b.name));
    all
}

pub fn front(kiosk: &Automerge) -> Option<Front> {
    records::get(kiosk, FRONT, "main")
}

/// Today's expected wait, if the desk published one today.
pub fn wait(kiosk: &Automerge, date: NaiveDate) -> Option<Wait> {
    records::get::<Wait>(kiosk, WAIT, "now").filter(|w| w.date == date.to_string())
}

/// The terms a visitor accepts at the kiosk, per kind of business: (version, English, Spanish).
pub fn consent(kind: Option<BusinessKind>) -> (&'static str, &'static str, &'static str) {
    match kind {
        Some(BusinessKind::MedicalOffice) => (
            "medical-1",
            "I agree that this practice keeps my details and the reason for my visit to provide care, and shares them with my insurer only for billing.",
            "Acepto que esta consulta guarde mis datos y el motivo de mi visita para atenderme, y que los comparta con mi aseguradora solo para facturar.",
        ),
        Some(BusinessKind::Hotel) => (
            "hotel-1",
            "I agree that the hotel keeps my details for my stay and as the law requires for guest registration.",
            "Acepto que el hotel guarde mis datos para mi estancia y según exige la ley para el registro de viajeros.",
        ),
        Some(BusinessKind::Construction) => (
            "site-1",
            "I agree to follow the site's safety rules and that my visit is recorded.",
            "Acepto seguir las normas de seguridad de la obra y que se registre mi visita.",
        ),
        _ => (
            "general-1",
            "I agree that my name and the reason for my visit are recorded to attend to me today.",
            "Acepto que se registren mi nombre y el motivo de mi visita para atenderme hoy.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{BookingState, confirmation_code};
    use crate::site::{DayHours, Profile, Service, StaffMember, StaffRole, weekday_hours};

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn site() -> Site {
        Site {
            profile: Some(Profile {
                name: "Clínica Sol".into(),
                kind: BusinessKind::MedicalOffice,
                lang: "es".into(),
                time_zone: "Europe/Madrid".into(),
                currency: "EUR".into(),
                hours: vec![DayHours::new(540, 1080); 7],
            }),
            services: vec![Service {
                id: "s".into(),
                name_en: "Check-up".into(),
                name_es: "Revisión".into(),
                description_en: String::new(),
                description_es: String::new(),
                duration_min: 30,
                buffer_min: 0,
                price_minor: 4500,
                performers: vec![],
                active: true,
            }],
            staff: vec![StaffMember {
                id: "r".into(),
                name: "Dra. Ruiz".into(),
                role: StaffRole::Provider,
                hours: weekday_hours(),
                active: true,
            }],
            resources: vec![],
        }
    }

    fn booking(id: &str, client: &str, phone: &str, code: &str) -> Booking {
        Booking { client: client.into(), phone: phone.into(), code: code.into(), ..Booking::sample(id) }
    }

    /// Every string value in `obj` and below (keys excluded: they are hashes).
    fn all_strings(doc: &Automerge, obj: automerge::ObjId) -> Vec<String> {
        let mut found = Vec::new();
        for key in doc.keys(&obj) {
            match doc.get(&obj, key.as_str()).ok().flatten() {
                Some((automerge::Value::Object(_), child)) => found.extend(all_strings(doc, child)),
                Some((automerge::Value::Scalar(value), _)) => {
                    if let automerge::ScalarValue::Str(text) = value.as_ref() {
                        found.push(text.to_string());
                    }
                }
                None => {}
            }
        }
        found
    }

    fn published(bookings: &[Booking]) -> AutoCommit {
        let mut kiosk = AutoCommit::new();
        let salt = ensure_salt(&mut kiosk, date(), [9; 16]).unwrap();
        let want = desired(&site(), bookings, date(), &salt, Some((2, 15)));
        publish(&mut kiosk, date(), &want).unwrap();
        assert!(is_current(kiosk.document(), &want));
        kiosk
    }

    #[test]
    fn a_visitor_finds_their_appointment_by_code_or_by_name_and_phone() {
        let code = confirmation_code([1, 2, 3, 4, 5, 6]);
        let mut kiosk = published(&[booking("b1", "Ana Gil", "+34 600 111 222", &code)]);
        let doc = kiosk.document();
        let found = find(doc, date(), Query::Code(&code.to_lowercase())).unwrap();
        assert_eq!((found.booking.as_str(), found.start_min, found.host.as_str()), ("b1", 600, "Dra. Ruiz"));
        assert_eq!(found.service_es, "Revisión");
        let by_phone = find(doc, date(), Query::NamePhone { name: "ana  GIL", phone: "600 111 222" });
        assert_eq!(by_phone.map(|l| l.booking), Some("b1".into()));
        assert!(find(doc, date(), Query::Code("ZZZZZZ")).is_none());
        assert_eq!(wait(doc, date()).map(|w| (w.waiting, w.minutes)), Some((2, 15)));
        assert!(wait(doc, date().succ_opt().unwrap()).is_none(), "yesterday's wait is not shown");
        assert!(find(doc, date(), Query::NamePhone { name: "Ana Gil", phone: "600 111 223" }).is_none());
        // Tomorrow's kiosk cannot use today's index.
        assert!(find(doc, date().succ_opt().unwrap(), Query::Code(&code)).is_none());
    }

    #[test]
    fn the_kiosk_document_holds_no_names_or_phone_numbers() {
        let mut kiosk = published(&[booking("b1", "Ana Gil", "+34 600 111 222", "K7M4QX")]);
        let bytes = kiosk.save();
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["Ana", "Gil", "600", "111 222", "K7M4QX"] {
            assert!(!text.contains(secret), "{secret} leaked into the kiosk document");
        }
        // The saved bytes may be compressed: also read every string the document holds.
        let strings = all_strings(kiosk.document(), ROOT);
        assert!(strings.iter().any(|t| t == "Dra. Ruiz"), "the walk reads the values: {strings:?}");
        for secret in ["Ana", "Gil", "600", "K7M4QX"] {
            assert!(
                !strings.iter().any(|t| t.contains(secret)),
                "{secret} leaked into the kiosk document: {strings:?}"
            );
        }
        let doc = kiosk.document();
        for entry in records::all::<Lookup>(doc, LOOKUP) {
            assert_eq!(entry.host, "Dra. Ruiz");
        }
    }

    #[test]
    fn cancelled_bookings_and_other_days_leave_the_index() {
        let code = "K7M4QX";
        let mut kiosk = published(&[booking("b1", "Ana Gil", "600111222", code)]);
        let cancelled = Booking { state: BookingState::Cancelled, ..booking("b1", "Ana Gil", "600111222", code) };
        let today_salt = salt(kiosk.document(), date()).unwrap();
        let want = desired(&site(), &[cancelled], date(), &today_salt, None);
        assert!(!is_current(kiosk.document(), &want));
        publish(&mut kiosk, date(), &want).unwrap();
        assert!(find(kiosk.document(), date(), Query::Code(code)).is_none());
        // A new day gets a new salt; yesterday's salt and entries are removed.
        let next = date().succ_opt().unwrap();
        let new_salt = ensure_salt(&mut kiosk, next, [7; 16]).unwrap();
        let want = desired(&site(), &[], next, &new_salt, None);
        publish(&mut kiosk, next, &want).unwrap();
        assert!(salt(kiosk.document(), date()).is_none());
        assert_eq!(services(kiosk.document()).len(), 1);
        assert_eq!(hosts(kiosk.document())[0].name, "Dra. Ruiz");
        assert_eq!(front(kiosk.document()).unwrap().business, "Clínica Sol");
    }

    #[test]
    fn the_days_queue_numbers_are_published_and_leave_with_the_day() {
        use crate::check_in::{CheckIn, VisitReason, issued as seen};
        let ticket = |t: &str, device: &str| {
            let id = crate::ids::VisitId::from_random([t.len() as u8; 16]);
            CheckIn::new(id, "Ana Gil", VisitReason::WalkIn, "", t.into(), 1, device).unwrap()
        };
        let given = [ticket("C-001", "k1"), ticket("C-003", "k1"), ticket("F-002", "k2"), ticket("", "desk")];
        let mut kiosk = published(&[]);
        let salt = salt(kiosk.document(), date()).unwrap();
        let want = desired(&site(), &[], date(), &salt, None).with_issued(seen(&given, date()));
        assert!(!is_current(kiosk.document(), &want));
        publish(&mut kiosk, date(), &want).unwrap();
        assert!(is_current(kiosk.document(), &want));
        let now: Vec<(String, String, u32)> =
            issued(kiosk.document()).into_iter().map(|i| (i.device, i.letter, i.last)).collect();
        assert_eq!(now, [("k1".into(), "C".into(), 3), ("k2".into(), "F".into(), 2)]);
        // A desk that has not yet seen every check-in lowers nothing and removes nothing.
        let lagging = desired(&site(), &[], date(), &salt, None).with_issued(seen(&given[..1], date()));
        assert!(is_current(kiosk.document(), &lagging), "nothing for a lagging desk to write");
        publish(&mut kiosk, date(), &lagging).unwrap();
        assert_eq!(issued(kiosk.document()).len(), 2);
        assert_eq!(issued(kiosk.document())[0].last, 3);
        // The next day the desk sees no check-ins yet: yesterday's numbers leave.
        let next = date().succ_opt().unwrap();
        let new_salt = ensure_salt(&mut kiosk, next, [7; 16]).unwrap();
        publish(&mut kiosk, next, &desired(&site(), &[], next, &new_salt, None).with_issued(seen(&[], next))).unwrap();
        assert!(issued(kiosk.document()).is_empty());
    }

    #[test]
    fn a_kiosk_prices_services_in_the_default_currency_until_the_profile_is_set() {
        let mut kiosk = AutoCommit::new();
        let salt = ensure_salt(&mut kiosk, date(), [3; 16]).unwrap();
        let unset = Site { profile: None, ..site() };
        publish(&mut kiosk, date(), &desired(&unset, &[], date(), &salt, None)).unwrap();
        assert_eq!(services(kiosk.document())[0].currency, crate::site::DEFAULT_CURRENCY);
        let mut dollars = site();
        dollars.profile.as_mut().unwrap().currency = "USD".into();
        publish(&mut kiosk, date(), &desired(&dollars, &[], date(), &salt, None)).unwrap();
        assert_eq!(services(kiosk.document())[0].currency, "USD");
    }

    #[test]
    fn two_tablets_publishing_the_same_day_agree() {
        let b = [booking("b1", "Ana Gil", "600111222", "K7M4QX")];
        let mut a = published(&b);
        let mut other = a.fork();
        // Both compute the same entries from the same documents: nothing to write on either.
        let day_salt = salt(other.document(), date()).unwrap();
        let want = desired(&site(), &b, date(), &day_salt, Some((2, 15)));
        assert!(is_current(other.document(), &want));
        publish(&mut other, date(), &want).unwrap();
        a.merge(&mut other).unwrap();
        assert!(find(a.document(), date(), Query::Code("k7m-4qx")).is_some());
    }

    #[test]
    fn names_and_phones_fold_the_way_people_type_them() {
        assert_eq!(fold_name("  José  Núñez "), "josenunez");
        assert_eq!(fold_phone("+34 (600) 111-222"), "600111222");
        assert!(phone_key("s", "A", "600111222").is_none());
        assert!(phone_key("s", "Ana", "12").is_none());
    }
}
