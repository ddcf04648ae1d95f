//! What the lobby kiosk may know (the `kiosk` document): the public list of services, the hosts
//! visitors may ask for, the business's name and kind, the expected wait and the queue numbers
//! given today. Nothing in it names a visitor. The day's appointment index is a document of its
//! own per day (`crate::lookup`, `kiosk/<date>`); lookup entries and salts this document held
//! before are removed the next time a desk publishes.

use crate::sorting::SortDyn;

use automerge::{AutoCommit, Automerge, ROOT, ReadDoc, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;

use crate::check_in::Issued;
use crate::records;
use crate::site::{BusinessKind, Site};

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

/// Everything the kiosk document should hold for `date`, given the site and the board.
pub struct Desired {
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

/// Computes what the kiosk document should say for `date`.
pub fn desired(site: &Site, date: NaiveDate, wait: Option<(usize, u32)>) -> Desired {
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
    Desired { services, hosts, front, wait, issued: Vec::new(), date: date.to_string() }
}

/// Whether the kiosk document already says exactly what `desired` says (nothing to write).
pub fn is_current(kiosk: &Automerge, want: &Desired) -> bool {
    let retired = kiosk.keys(ROOT).any(|k| retired(&k));
    let mut services: Vec<PublicService> = records::all(kiosk, SERVICE);
    services.sort_dyn_by(|a, b| a.id.cmp(&b.id));
    let mut want_services = want.services.clone();
    want_services.sort_dyn_by(|a, b| a.id.cmp(&b.id));
    let mut hosts: Vec<Host> = records::all(kiosk, HOST);
    hosts.sort_dyn_by(|a, b| a.id.cmp(&b.id));
    let mut want_hosts = want.hosts.clone();
    want_hosts.sort_dyn_by(|a, b| a.id.cmp(&b.id));
    !retired
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

/// Whether `key` is a lookup entry or salt of the index this document held before the index got a
/// document per day: removed when a desk next publishes.
fn retired(key: &str) -> bool {
    [LOOKUP, SALT].iter().any(|kind| key.strip_prefix(kind).is_some_and(|rest| rest.starts_with('/')))
}

/// Brings the kiosk document in line with `want`: writes what is new or changed and deletes what
/// is gone (the retired index's entries and salts included).
pub fn publish(kiosk: &mut AutoCommit, want: &Desired) -> Result<(), String> {
    let stale: Vec<String> = kiosk
        .keys(ROOT)
        .filter(|k| {
            let kind = k.split('/').next().unwrap_or_default();
            match kind {
                LOOKUP | SALT => retired(k),
                SERVICE => !want.services.iter().any(|s| k[SERVICE.len() + 1..] == s.id),
                HOST => !want.hosts.iter().any(|h| k[HOST.len() + 1..] == h.id),
                _ => false,
            }
        })
        .collect();
    for key in stale {
        kiosk.delete(ROOT, key.as_str()).map_err(|e| e.to_string())?;
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
pub(crate) mod tests {
    use super::*;
    use crate::site::{DayHours, Profile, Service, StaffMember, StaffRole, weekday_hours};

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    pub(crate) fn site() -> Site {
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

    fn published() -> AutoCommit {
        let mut kiosk = AutoCommit::new();
        let want = desired(&site(), date(), Some((2, 15)));
        publish(&mut kiosk, &want).unwrap();
        assert!(is_current(kiosk.document(), &want));
        kiosk
    }

    #[test]
    fn the_kiosk_document_says_what_the_lobby_shows_and_the_days_wait() {
        let mut kiosk = published();
        let doc = kiosk.document();
        assert_eq!(services(doc).len(), 1);
        assert_eq!(hosts(doc)[0].name, "Dra. Ruiz");
        assert_eq!(front(doc).unwrap().business, "Clínica Sol");
        assert_eq!(wait(doc, date()).map(|w| (w.waiting, w.minutes)), Some((2, 15)));
        assert!(wait(doc, date().succ_opt().unwrap()).is_none(), "yesterday's wait is not shown");
    }

    #[test]
    fn the_index_this_document_held_before_leaves_it() {
        let mut kiosk = published();
        // What a release before the per-day index wrote.
        kiosk.put(ROOT, "lookup/0011aabb", "an entry").unwrap();
        kiosk.put(ROOT, "salt/2026-11-30", "a salt").unwrap();
        let want = desired(&site(), date(), Some((2, 15)));
        assert!(!is_current(kiosk.document(), &want), "a desk has the old index to remove");
        publish(&mut kiosk, &want).unwrap();
        assert!(is_current(kiosk.document(), &want));
        assert!(kiosk.keys(ROOT).all(|k| !k.starts_with("lookup/") && !k.starts_with("salt/")));
        assert_eq!(services(kiosk.document()).len(), 1);
    }

    #[test]
    fn the_days_queue_numbers_are_published_and_leave_with_the_day() {
        use crate::check_in::{CheckIn, VisitReason, issued as seen};
        let ticket = |t: &str, device: &str| {
            let id = crate::ids::VisitId::from_random([t.len() as u8; 16]);
            CheckIn::new(id, "Ana Gil", VisitReason::WalkIn, "", t.into(), 1, device).unwrap()
        };
        let given = [ticket("C-001", "k1"), ticket("C-003", "k1"), ticket("F-002", "k2"), ticket("", "desk")];
        let mut kiosk = published();
        let want = desired(&site(), date(), None).with_issued(seen(&given, date()));
        assert!(!is_current(kiosk.document(), &want));
        publish(&mut kiosk, &want).unwrap();
        assert!(is_current(kiosk.document(), &want));
        let now: Vec<(String, String, u32)> =
            issued(kiosk.document()).into_iter().map(|i| (i.device, i.letter, i.last)).collect();
        assert_eq!(now, [("k1".into(), "C".into(), 3), ("k2".into(), "F".into(), 2)]);
        // A desk that has not yet seen every check-in lowers nothing and removes nothing.
        let lagging = desired(&site(), date(), None).with_issued(seen(&given[..1], date()));
        assert!(is_current(kiosk.document(), &lagging), "nothing for a lagging desk to write");
        publish(&mut kiosk, &lagging).unwrap();
        assert_eq!(issued(kiosk.document()).len(), 2);
        assert_eq!(issued(kiosk.document())[0].last, 3);
        // The next day the desk sees no check-ins yet: yesterday's numbers leave.
        let next = date().succ_opt().unwrap();
        publish(&mut kiosk, &desired(&site(), next, None).with_issued(seen(&[], next))).unwrap();
        assert!(issued(kiosk.document()).is_empty());
    }

    #[test]
    fn a_kiosk_prices_services_in_the_default_currency_until_the_profile_is_set() {
        let mut kiosk = AutoCommit::new();
        let unset = Site { profile: None, ..site() };
        publish(&mut kiosk, &desired(&unset, date(), None)).unwrap();
        assert_eq!(services(kiosk.document())[0].currency, crate::site::DEFAULT_CURRENCY);
        let mut dollars = site();
        dollars.profile.as_mut().unwrap().currency = "USD".into();
        publish(&mut kiosk, &desired(&dollars, date(), None)).unwrap();
        assert_eq!(services(kiosk.document())[0].currency, "USD");
    }

    #[test]
    fn two_tablets_publishing_the_same_day_agree() {
        let mut a = published();
        let mut other = a.fork();
        // Both compute the same from the same documents: nothing to write on either.
        let want = desired(&site(), date(), Some((2, 15)));
        assert!(is_current(other.document(), &want));
        publish(&mut other, &want).unwrap();
        assert!(other.get_changes(&a.get_heads()).is_empty(), "the second tablet wrote nothing");
    }
}
