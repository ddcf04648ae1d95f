//! Seed data: a realistic stretch of a busy medical office or a 60-room hotel, written through
//! the core's own record functions so the documents have the shape (and the history) the app
//! makes. Deterministic for a given seed, so anyone can reproduce the benchmark figures.
//!
//! A year of the medical office holds about 20,000 kiosk check-ins, 8,000 appointments, 3,000
//! invoices with their payments, 1,000 insurance claims, 4,000 patients and the punches, rota and
//! pay rates of 12 staff. A year of the hotel holds about 8,000 stays across 60 rooms, their
//! invoices and a housekeeping change per room and day. Every record is its own change, made by
//! one of three tablets (or the kiosk), as in the product.

use std::collections::BTreeMap;

use automerge::{ActorId, AutoCommit};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use frontdesk_core::billing::{self, Invoice, InvoiceLine, Method, Payment};
use frontdesk_core::calls::{self, Call};
use frontdesk_core::check_in::{CheckIn, VisitReason};
use frontdesk_core::clients::{self, Client};
use frontdesk_core::doc_name;
use frontdesk_core::ids::VisitId;
use frontdesk_core::insurance::{self, Claim, ClaimEvent, ClaimStatus, Paper};
use frontdesk_core::payroll::{self, PayRate, Punch, PunchKind};
use frontdesk_core::pin;
use frontdesk_core::schedule::{self, Booking, BookingState};
use frontdesk_core::site::{self, BusinessKind, Profile, Resource, ResourceKind, Service, StaffMember, StaffRole};
use frontdesk_core::staffing::{self, Shift};
use frontdesk_core::stays::{self, HousekeepingStatus, RoomStatus, Stay, StayState};
use frontdesk_core::visit_status::{StatusEvent, VisitStatus};

/// Which business to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Business {
    MedicalOffice,
    Hotel,
}

impl std::str::FromStr for Business {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "medical" | "medical-office" => Ok(Business::MedicalOffice),
            "hotel" => Ok(Business::Hotel),
            other => Err(format!("unknown business {other:?}: medical or hotel")),
        }
    }
}

/// How much of each thing was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub check_ins: usize,
    pub bookings: usize,
    pub invoices: usize,
    pub payments: usize,
    pub clients: usize,
    pub claims: usize,
    pub punches: usize,
    pub shifts: usize,
    pub calls: usize,
    pub stays: usize,
    pub room_changes: usize,
}

/// The generated documents, by name, and what they hold.
pub struct Seeded {
    pub docs: BTreeMap<String, AutoCommit>,
    /// The Ed25519 secret of the importer every seeded change is by (#20: a device applies a
    /// chunk only signed by the key its actors are bound to). Made from the generator's seed:
    /// bench data, signed by a key anyone with the seed can make.
    pub signer: [u8; 32],
    pub counts: Counts,
    /// The kiosk device id the check-ins and punches are filed under.
    pub kiosk: String,
}

impl Seeded {
    /// Each document saved (compressed), by name.
    pub fn saved(&mut self) -> Vec<(String, Vec<u8>)> {
        self.docs.iter_mut().map(|(name, doc)| (name.clone(), doc.save())).collect()
    }

    /// Takes every PIN out of the payroll, as a manager clearing them would (one change): a
    /// business where nobody has a PIN, so its tablets never lock — what the browser bench
    /// measures, whichever kind of tablet opens the business first.
    pub fn without_pins(&mut self) {
        let Some(doc) = self.docs.get_mut("payroll") else { return };
        let rates = payroll::rates(doc.document());
        doc.set_actor(importer_actor(importer_tag(&self.signer), "manager"));
        for mut rate in rates {
            rate.verifier = None;
            rate.pin.clear();
            payroll::put_rate(doc, &rate).unwrap_or_else(|e| panic!("clearing a seeded PIN failed: {e}"));
        }
        doc.commit();
    }
}

const TABLETS: [&str; 3] = ["tablet-1", "tablet-2", "tablet-3"];
const KIOSK: &str = "kiosk-1";
const FIRST: [&str; 24] = [
    "Ana", "Luis", "María", "José", "Carmen", "Javier", "Lucía", "Pablo", "Elena", "Diego", "Sofía", "Marta", "John",
    "Emma", "Oliver", "Grace", "Noah", "Chloe", "Hugo", "Irene", "Álvaro", "Nuria", "Tomás", "Paula",
];
const LAST: [&str; 24] = [
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Fernández",
    "Ruiz",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Navarro",
    "Torres",
    "Smith",
    "Brown",
    "Wilson",
    "Taylor",
    "Castro",
    "Ortega",
    "Rubio",
    "Molina",
    "Delgado",
];
const INSURERS: [&str; 4] = ["Sanitas", "Adeslas", "DKV", "Mapfre"];

/// The importer's secret for generator seed `seed`.
fn importer_secret(seed: u64) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::new().chain_update(b"frontdesk seed importer\0").chain_update(seed.to_le_bytes()).finalize().into()
}

/// The tag of the importer's key made from `secret`.
fn importer_tag(secret: &[u8; 32]) -> [u8; frontdesk_core::authorship::TAG_LEN] {
    frontdesk_core::authorship::tag(&frontdesk_core::crypto::native::Keys::default().set_signing(*secret))
}

/// The importer's actor standing for `device` (one per tablet of the generated history).
fn importer_actor(tag: [u8; frontdesk_core::authorship::TAG_LEN], device: &str) -> ActorId {
    let mut random = [0u8; 16];
    random.iter_mut().zip(device.bytes().rev()).for_each(|(b, c)| *b = c);
    ActorId::from(&frontdesk_core::authorship::actor(tag, random)[..])
}

struct Gen {
    rng: fastrand::Rng,
    /// The importer's secret (`Seeded::signer`) and its key's tag.
    secret: [u8; 32],
    tag: [u8; frontdesk_core::authorship::TAG_LEN],
    docs: BTreeMap<String, AutoCommit>,
    counts: Counts,
}

impl Gen {
    fn doc(&mut self, name: &str) -> &mut AutoCommit {
        self.docs.entry(name.to_owned()).or_default()
    }

    /// Runs one edit as its own change by `device`, as a tablet would.
    fn change(&mut self, name: &str, device: &str, edit: impl FnOnce(&mut AutoCommit) -> Result<(), String>) {
        let actor = importer_actor(self.tag, device);
        let doc = self.doc(name);
        doc.set_actor(actor);
        edit(doc).unwrap_or_else(|e| panic!("seed edit of {name} failed: {e}"));
        doc.commit();
    }

    fn id(&mut self) -> String {
        VisitId::from_random(self.bytes()).to_string()
    }

    fn bytes(&mut self) -> [u8; 16] {
        let mut b = [0u8; 16];
        self.rng.fill(&mut b);
        b
    }

    fn tablet(&mut self) -> &'static str {
        TABLETS[self.rng.usize(..TABLETS.len())]
    }

    fn person(&mut self) -> (String, String) {
        let name = format!(
            "{} {} {}",
            FIRST[self.rng.usize(..FIRST.len())],
            LAST[self.rng.usize(..LAST.len())],
            LAST[self.rng.usize(..LAST.len())]
        );
        let phone = format!("6{:08}", self.rng.u32(..100_000_000));
        (name, phone)
    }

    /// Issues an invoice of one line on `date` (in that month's document) and takes its
    /// payment in full a minute later.
    fn paid_invoice(
        &mut self,
        tablet: &str,
        date: NaiveDate,
        issued_ms: i64,
        (client, client_name): (String, String),
        line: InvoiceLine,
        method: Method,
    ) -> Invoice {
        let series = billing::series_of(tablet);
        let invoice = Invoice {
            id: self.id(),
            number: format!("{}-{series}-{:04}", date.format("%Y%m"), self.counts.invoices + 1),
            series,
            client,
            client_name,
            lines: vec![line],
            notes: String::new(),
            currency: "EUR".to_owned(),
            issued_by: tablet.to_owned(),
            issued_ms,
            date: date.format("%Y-%m-%d").to_string(),
            void: false,
        };
        let month = doc_name::invoices(date);
        self.change(&month, tablet, |d| billing::put_invoice(d, &invoice));
        self.counts.invoices += 1;
        let payment = Payment {
            id: self.id(),
            invoice: invoice.id.clone(),
            method,
            amount_minor: invoice.totals().total,
            refund: false,
            note: String::new(),
            by: tablet.to_owned(),
            at_ms: issued_ms + 60_000,
        };
        self.change(&month, tablet, |d| billing::put_payment(d, &payment));
        self.counts.payments += 1;
        invoice
    }

    fn code(&mut self) -> String {
        let mut random = [0u8; schedule::CODE_LEN];
        self.rng.fill(&mut random);
        schedule::confirmation_code(random)
    }
}

fn ms(date: NaiveDate, minute: u32) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp_millis() + i64::from(minute) * 60_000
}

fn working(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Generates `days` days of `business` ending on `today` (bookings also for the week after).
pub fn generate(business: Business, today: NaiveDate, days: u32, seed: u64) -> Seeded {
    let secret = importer_secret(seed);
    let tag = importer_tag(&secret);
    let mut g =
        Gen { rng: fastrand::Rng::with_seed(seed), secret, tag, docs: BTreeMap::new(), counts: Counts::default() };
    let first = today - Duration::days(i64::from(days.max(1)) - 1);
    match business {
        Business::MedicalOffice => medical_office(&mut g, first, today),
        Business::Hotel => hotel(&mut g, first, today),
    }
    Seeded { docs: g.docs, signer: g.secret, counts: g.counts, kiosk: KIOSK.to_owned() }
}

struct Staff {
    members: Vec<StaffMember>,
    services: Vec<Service>,
}

fn site_doc(g: &mut Gen, kind: BusinessKind, name: &str, staff: &Staff, resources: &[Resource]) {
    let profile = Profile {
        name: name.to_owned(),
        kind,
        lang: "es".to_owned(),
        // The browser bench computes the business's date in this zone (benches/browser/measure.rs).
        time_zone: "Europe/Madrid".to_owned(),
        currency: "EUR".to_owned(),
        hours: site::weekday_hours(),
    };
    g.change(doc_name::SITE, "manager", |d| site::put_profile(d, &profile));
    for m in &staff.members {
        g.change(doc_name::SITE, "manager", |d| site::put_staff(d, m));
    }
    for s in &staff.services {
        g.change(doc_name::SITE, "manager", |d| site::put_service(d, s));
    }
    for r in resources {
        g.change(doc_name::SITE, "manager", |d| site::put_resource(d, r));
    }
}

fn team(roles: &[(StaffRole, usize)]) -> Vec<StaffMember> {
    let mut members = Vec::new();
    for &(role, n) in roles {
        for _ in 0..n {
            let i = members.len();
            members.push(StaffMember {
                id: format!("staff{i:02}"),
                name: format!("{} {}", FIRST[i % FIRST.len()], LAST[(i * 7) % LAST.len()]),
                role,
                hours: site::weekday_hours(),
                active: true,
            });
        }
    }
    members
}

fn medical_office(g: &mut Gen, first: NaiveDate, today: NaiveDate) {
    let members = team(&[(StaffRole::Reception, 3), (StaffRole::Provider, 8), (StaffRole::Manager, 1)]);
    let providers: Vec<String> =
        members.iter().filter(|m| m.role == StaffRole::Provider).map(|m| m.id.clone()).collect();
    let services: Vec<Service> = [
        ("General consultation", "Consulta general", 20, 4500),
        ("Follow-up", "Revisión", 15, 3000),
        ("Blood test", "Análisis de sangre", 10, 2500),
        ("Physiotherapy", "Fisioterapia", 45, 5500),
        ("Vaccination", "Vacunación", 10, 2000),
        ("Dermatology", "Dermatología", 30, 7000),
        ("Paediatrics", "Pediatría", 20, 5000),
        ("Nutrition", "Nutrición", 40, 6000),
    ]
    .iter()
    .enumerate()
    .map(|(i, &(en, es, minutes, price))| Service {
        id: format!("svc{i}"),
        name_en: en.to_owned(),
        name_es: es.to_owned(),
        description_en: format!("{en} with one of our professionals."),
        description_es: format!("{es} con uno de nuestros profesionales."),
        duration_min: minutes,
        buffer_min: 5,
        price_minor: price,
        performers: providers.clone(),
        active: true,
    })
    .collect();
    let staff = Staff { members, services };
    site_doc(g, BusinessKind::MedicalOffice, "Clínica San Rafael", &staff, &[]);
    payroll_setup(g, &staff.members);

    let mut patients: Vec<(String, String, String)> = Vec::new(); // id, name, phone
    let mut date = first;
    while date <= today + Duration::days(6) {
        // Today is always a working day, so the benches measure a board with its visitors on
        // whatever day they run (a weekend's would be empty).
        if working(date) || date == today {
            medical_day(g, &staff, &mut patients, date, today);
        }
        date += Duration::days(1);
    }
}

fn payroll_setup(g: &mut Gen, members: &[StaffMember]) {
    for (i, m) in members.iter().enumerate() {
        let rate = PayRate {
            staff: m.id.clone(),
            hourly_minor: 1_400 + (i as i64 % 4) * 250,
            overtime_after_min: 40 * 60,
            overtime_pct: 150,
            pin: String::new(),
            verifier: Some(staff_pin(i).0),
            legacy_until_ms: None,
            retired: None,
        };
        g.change("payroll", "manager", |d| payroll::put_rate(d, &rate));
    }
}

fn medical_day(
    g: &mut Gen,
    staff: &Staff,
    patients: &mut Vec<(String, String, String)>,
    date: NaiveDate,
    today: NaiveDate,
) {
    let day = doc_name::day(date);
    let past = date < today;
    let happened = date <= today;
    // Rota: everyone on shift, made a week ahead by the manager.
    for m in &staff.members {
        let shift = Shift {
            id: g.id(),
            staff: m.id.clone(),
            date: date.format("%Y-%m-%d").to_string(),
            from_min: 9 * 60,
            to_min: 17 * 60,
            made_by: "manager".to_owned(),
            removed: false,
        };
        g.change("staffing", "manager", |d| staffing::put_shift(d, &shift));
        g.counts.shifts += 1;
    }
    // 32 appointments a day (8,000 a year), some for new patients.
    let mut booked = Vec::new();
    for n in 0..32u32 {
        let patient = if patients.len() < 50 || g.rng.u8(..100) < 50 {
            let (name, phone) = g.person();
            let client = Client {
                id: g.id(),
                code: g.code(),
                name,
                phone,
                email: String::new(),
                notes: String::new(),
                merged_into: String::new(),
                made_by: g.tablet().to_owned(),
                made_ms: ms(date, 8 * 60),
                changed_by: String::new(),
                changed_ms: 0,
            };
            let tablet = g.tablet();
            g.change("clients", tablet, |d| clients::put_client(d, &client));
            g.counts.clients += 1;
            patients.push((client.id, client.name, client.phone));
            patients.len() - 1
        } else {
            g.rng.usize(..patients.len())
        };
        let service = &staff.services[g.rng.usize(..staff.services.len())];
        let provider = &service.performers[n as usize % service.performers.len()];
        let (_, name, phone) = patients[patient].clone();
        let booking = Booking {
            id: g.id(),
            code: g.code(),
            client: name,
            phone,
            service: service.id.clone(),
            staff: provider.clone(),
            resource: String::new(),
            date: date.format("%Y-%m-%d").to_string(),
            start_min: 9 * 60 + (n / 8) * 60 + (n % 2) * 30,
            duration_min: service.duration_min,
            buffer_min: service.buffer_min,
            notes: String::new(),
            state: BookingState::Booked,
            series: String::new(),
            made_by: g.tablet().to_owned(),
            made_ms: ms(date - Duration::days(7), 10 * 60),
            changed_by: String::new(),
            changed_ms: 0,
        };
        let tablet = g.tablet();
        g.change(&day, tablet, |d| schedule::put_booking(d, &booking));
        g.counts.bookings += 1;
        booked.push((booking, patient, service.price_minor));
    }
    if !happened {
        return;
    }
    // 80 check-ins a day (20,000 a year): the appointments that came, walk-ins and visitors.
    let inbox = doc_name::inbox(date, KIOSK);
    let visits = if past { 80 } else { 40 };
    for n in 0..visits {
        let at = 8 * 60 + 50 + n * 6;
        let (name, reason, booking) = match booked.get(n as usize) {
            Some((b, _, _)) if n < 28 => (b.client.clone(), VisitReason::Appointment, Some(b.id.clone())),
            _ => (g.person().0, if n % 3 == 0 { VisitReason::SeeStaff } else { VisitReason::WalkIn }, None),
        };
        let id = VisitId::from_random(g.bytes());
        let mut check_in = CheckIn::new(id, &name, reason, "", format!("A-{:03}", n + 1), ms(date, at), KIOSK)
            .expect("seed names are valid");
        check_in.booking = booking;
        check_in = check_in.with_consent("terms-medical-1");
        let chunk = check_in.to_inbox_chunk(g.tag);
        let doc = g.doc(&inbox);
        doc.load_incremental(&chunk).expect("an inbox chunk loads");
        g.counts.check_ins += 1;
        // The desk calls them in and marks them done (two status events); today's last ones wait.
        if past || n + 8 < visits {
            let tablet = g.tablet();
            for (status, after) in [(VisitStatus::Called, 10), (VisitStatus::Done, 30)] {
                let event = StatusEvent::set(
                    frontdesk_core::ids::EventId::from_random(g.bytes()),
                    &id.to_string(),
                    status,
                    ms(date, at + after),
                    tablet,
                );
                g.change(&day, tablet, |d| event.record(d));
            }
        }
    }
    // Bookings: most arrive, a couple no-show or cancel.
    for (i, (booking, _, _)) in booked.iter().enumerate() {
        let state = match i {
            0..28 => BookingState::Arrived,
            28..30 => BookingState::NoShow,
            _ => BookingState::Cancelled,
        };
        if !past && state != BookingState::Arrived {
            continue;
        }
        let stamp = schedule::Stamp { by: g.tablet().to_owned(), at_ms: ms(date, 12 * 60) };
        g.change(&day, &stamp.by.clone(), |d| schedule::set_state(d, booking, state, &stamp));
    }
    // 12 invoices a day (3,000 a year), each paid; 4 insurance claims.
    for (n, (booking, patient, price)) in booked.iter().take(if past { 12 } else { 4 }).enumerate() {
        let (client, client_name, _) = patients[*patient].clone();
        let tablet = g.tablet();
        let issued = ms(date, 10 * 60 + n as u32 * 20);
        let line = InvoiceLine {
            description: "Consulta".to_owned(),
            qty: 1,
            unit_minor: *price,
            tax_bp: 0,
            discount_bp: 0,
            source: booking.id.clone(),
        };
        let invoice = g.paid_invoice(tablet, date, issued, (client, client_name), line, Method::ALL[n % 3]);
        if n < 4 {
            let insurer = INSURERS[g.rng.usize(..INSURERS.len())];
            let claim = Claim {
                id: g.id(),
                client: invoice.client.clone(),
                patient: invoice.client_name.clone(),
                insurer: insurer.to_owned(),
                plan: String::new(),
                member_number: format!("{}-{}", &insurer[..2].to_uppercase(), g.rng.u32(1000..9999)),
                holder: String::new(),
                visit: booking.id.clone(),
                amount_minor: *price,
                copay_minor: 500,
                papers: vec![
                    Paper { name: "Card".to_owned(), received: true },
                    Paper { name: "Report".to_owned(), received: true },
                ],
                made_by: tablet.to_owned(),
                made_ms: issued,
            };
            g.change("insurance", tablet, |d| insurance::put_claim(d, &claim));
            let moves: &[ClaimStatus] =
                if past { &[ClaimStatus::Submitted, ClaimStatus::Approved] } else { &[ClaimStatus::Submitted] };
            for (k, status) in moves.iter().enumerate() {
                let event = ClaimEvent {
                    id: g.id(),
                    claim: claim.id.clone(),
                    status: *status,
                    note: String::new(),
                    by: tablet.to_owned(),
                    at_ms: issued + k as i64 * 86_400_000,
                };
                g.change("insurance", tablet, |d| insurance::put_event(d, &event));
            }
            g.counts.claims += 1;
        }
    }
    // Phone calls: 10 a day; the staff clock in and out at the kiosk.
    let messages = doc_name::messages(date);
    for n in 0..10u32 {
        let (caller, phone) = g.person();
        let tablet = g.tablet();
        let call = Call {
            id: g.id(),
            caller,
            phone,
            for_staff: staff.members[n as usize % staff.members.len()].id.clone(),
            reason: "Quiere cambiar la cita".to_owned(),
            message: n % 4 == 0,
            callback: n % 2 == 0,
            at_ms: ms(date, 9 * 60 + n * 40),
            by: tablet.to_owned(),
            handled_by: if past { tablet.to_owned() } else { String::new() },
            handled_ms: if past { ms(date, 9 * 60 + n * 40 + 30) } else { 0 },
        };
        g.change(&messages, tablet, |d| calls::put_call(d, &call));
        g.counts.calls += 1;
    }
    punches(g, &staff.members, date, past);
}

/// The `i`-th person's PIN (`1000 + i`) as the payroll knows it, and as their punches carry it
/// (derived once per person with the product's rounds).
fn staff_pin(i: usize) -> (pin::Verifier, String) {
    static KNOWN: std::sync::Mutex<BTreeMap<usize, (pin::Verifier, String)>> = std::sync::Mutex::new(BTreeMap::new());
    let mut known = KNOWN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    known
        .entry(i)
        .or_insert_with(|| {
            let salt = format!("seed-salt-{i:04}");
            let derived = frontdesk_core::crypto::native::derive(
                &pin::password(&format!("{:04}", 1000 + i)),
                salt.as_bytes(),
                pin::ITERATIONS,
            );
            let verifier = pin::Verifier::new(salt, &derived, format!("list-{i}"));
            let candidates = pin::encode_candidates(&[pin::Candidate { who: verifier.list.clone(), derived }]);
            (verifier, candidates)
        })
        .clone()
}

fn punches(g: &mut Gen, members: &[StaffMember], date: NaiveDate, past: bool) {
    let doc = doc_name::timeclock(date, KIOSK);
    for (i, _) in members.iter().enumerate() {
        let candidates = staff_pin(i).1;
        let kinds: &[(PunchKind, u32)] = if past {
            &[(PunchKind::In, 8 * 60 + 55), (PunchKind::Out, 17 * 60 + 5)]
        } else {
            &[(PunchKind::In, 8 * 60 + 55)]
        };
        for &(kind, minute) in kinds {
            let punch = Punch {
                id: g.id(),
                kind,
                pin: String::new(),
                at_ms: ms(date, minute + g.rng.u32(..10)),
                candidates: Some(candidates.clone()),
            };
            let chunk = payroll::punch_chunk(&punch, frontdesk_core::authorship::actor(g.tag, g.bytes()));
            g.doc(&doc).load_incremental(&chunk).expect("a punch chunk loads");
            g.counts.punches += 1;
        }
    }
}

const HOTEL_ROOMS: usize = 60;

fn hotel(g: &mut Gen, first: NaiveDate, today: NaiveDate) {
    let members = team(&[(StaffRole::Reception, 6), (StaffRole::Provider, 5), (StaffRole::Manager, 1)]);
    let rooms: Vec<Resource> = (0..HOTEL_ROOMS)
        .map(|i| Resource {
            id: format!("room{i:02}"),
            name: format!("{}{:02}", 1 + i / 20, 1 + i % 20),
            kind: ResourceKind::HotelRoom,
            room_type: if i % 3 == 0 { "Double" } else { "Single" }.to_owned(),
            rate_minor: if i % 3 == 0 { 12_000 } else { 9_000 },
            active: true,
        })
        .collect();
    let staff = Staff { members, services: Vec::new() };
    site_doc(g, BusinessKind::Hotel, "Hotel Mirador", &staff, &rooms);
    payroll_setup(g, &staff.members);
    // Rooms are booked back to back: each room's next stay starts when the last one leaves,
    // with a free night now and then (about 80 % occupancy, 2–3 nights a stay).
    let mut next_free: Vec<NaiveDate> = vec![first; HOTEL_ROOMS];
    let last = today + Duration::days(6);
    let mut date = first;
    while date <= last {
        for (r, room) in rooms.iter().enumerate() {
            if next_free[r] != date {
                continue;
            }
            if g.rng.u8(..100) < 20 {
                next_free[r] = date + Duration::days(1);
                continue;
            }
            let nights = 1 + g.rng.i64(1..4);
            let depart = date + Duration::days(nights);
            next_free[r] = depart;
            let (guest, phone) = g.person();
            let tablet = g.tablet();
            let mut stay = Stay {
                id: g.id(),
                code: g.code(),
                guest,
                phone,
                room: room.id.clone(),
                arrive: date.format("%Y-%m-%d").to_string(),
                depart: depart.format("%Y-%m-%d").to_string(),
                rate_minor: room.rate_minor,
                guests: 1 + u32::from(g.rng.bool()),
                notes: String::new(),
                state: StayState::Reserved,
                made_by: tablet.to_owned(),
                made_ms: ms(date - Duration::days(14), 11 * 60),
                changed_by: String::new(),
                changed_ms: 0,
            };
            let month = doc_name::stays(date);
            g.change(&month, tablet, |d| stays::put_stay(d, &stay));
            g.counts.stays += 1;
            if date > today {
                continue;
            }
            // Arrival at the kiosk, checked in at the desk, checked out and invoiced.
            let id = VisitId::from_random(g.bytes());
            let check_in = CheckIn::new(
                id,
                &stay.guest,
                VisitReason::Appointment,
                "",
                format!("H-{r:03}"),
                ms(date, 15 * 60),
                KIOSK,
            )
            .expect("seed names are valid");
            let chunk = check_in.to_inbox_chunk(g.tag);
            g.doc(&doc_name::inbox(date, KIOSK)).load_incremental(&chunk).expect("an inbox chunk loads");
            g.counts.check_ins += 1;
            stay = stays::with_state(
                &stay,
                StayState::CheckedIn,
                &schedule::Stamp { by: tablet.to_owned(), at_ms: ms(date, 15 * 60 + 5) },
            );
            g.change(&month, tablet, |d| stays::put_stay(d, &stay));
            if depart <= today {
                stay = stays::with_state(
                    &stay,
                    StayState::CheckedOut,
                    &schedule::Stamp { by: tablet.to_owned(), at_ms: ms(depart, 11 * 60) },
                );
                g.change(&month, tablet, |d| stays::put_stay(d, &stay));
                let line = InvoiceLine {
                    description: format!("Room {} × {nights}", room.name),
                    qty: nights as u32,
                    unit_minor: stay.rate_minor,
                    tax_bp: 1000,
                    discount_bp: 0,
                    source: stay.id.clone(),
                };
                let guest = (String::new(), stay.guest.clone());
                g.paid_invoice(tablet, depart, ms(depart, 11 * 60), guest, line, Method::Card);
            }
        }
        if date <= today {
            // Housekeeping: every room that was slept in is cleaned, then inspected.
            for room in &rooms {
                for status in [HousekeepingStatus::Clean, HousekeepingStatus::Inspected] {
                    let change = RoomStatus {
                        room: room.id.clone(),
                        status,
                        note: String::new(),
                        by: "housekeeping".to_owned(),
                        at_ms: ms(date, 12 * 60),
                    };
                    g.change(&doc_name::rooms(date), "tablet-3", |d| stays::put_room_status(d, &change));
                    g.counts.room_changes += 1;
                }
            }
            let members = staff.members.clone();
            punches(g, &members, date, date < today);
        }
        date += Duration::days(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontdesk_core::board;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_of_the_medical_office_reads_back_through_the_core() {
        let today = day("2026-11-27");
        let mut seeded = generate(Business::MedicalOffice, today, 10, 7);
        // 10 days to Friday 27 November hold 8 working days: 7 past ones and today (half done).
        let saved: BTreeMap<String, Vec<u8>> = seeded.saved().into_iter().collect();
        let load = |name: &str| automerge::Automerge::load(&saved[name]).unwrap();
        let bookings = schedule::bookings(&load(&doc_name::day(today)));
        assert_eq!(bookings.len(), 32);
        let inbox = frontdesk_core::check_in::check_ins(&load(&doc_name::inbox(today, KIOSK)));
        assert_eq!(inbox.len(), 40);
        let events = frontdesk_core::visit_status::status_events(&load(&doc_name::day(today)));
        let board = board::arrivals_board(inbox.clone(), &events, ms(today, 18 * 60));
        assert_eq!(board.iter().filter(|v| v.status == VisitStatus::Waiting).count(), 8);
        assert_eq!(clients::all(&load("clients")).len(), seeded.counts.clients);
        assert_eq!(billing::invoices(&load(&doc_name::invoices(today))).len(), 7 * 12 + 4);
        assert_eq!(seeded.counts.invoices, 7 * 12 + 4);
        assert_eq!(seeded.counts.check_ins, 7 * 80 + 40);
        // Bookings run six days ahead: 8 working days so far and 4 to come (30 Nov – 3 Dec).
        assert_eq!(seeded.counts.bookings, (8 + 4) * 32);
        // Same seed, same data.
        let again = generate(Business::MedicalOffice, today, 10, 7);
        assert_eq!(again.counts, seeded.counts);
    }

    #[test]
    fn the_hotel_fills_its_rooms_without_overlaps() {
        let today = day("2026-11-27");
        let mut seeded = generate(Business::Hotel, today, 10, 7);
        let saved: BTreeMap<String, Vec<u8>> = seeded.saved().into_iter().collect();
        let all: Vec<Stay> = saved
            .iter()
            .filter(|(name, _)| name.starts_with("stays/"))
            .flat_map(|(_, bytes)| stays::stays(&automerge::Automerge::load(bytes).unwrap()))
            .collect();
        assert_eq!(all.len(), seeded.counts.stays);
        assert!(stays::conflicts(&all, &Default::default()).is_empty());
        // About 80 % of 60 rooms are slept in on a given night.
        let night = day("2026-11-20");
        let occupied = all.iter().filter(|s| s.covers_night(night)).count();
        assert!((30..=60).contains(&occupied), "{occupied}");
        let rooms = stays::room_statuses(&automerge::Automerge::load(&saved[&doc_name::rooms(today)]).unwrap());
        assert_eq!(rooms.len(), HOTEL_ROOMS);
    }
}
