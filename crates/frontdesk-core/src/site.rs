//! The business: profile, opening hours, services, staff directory and resources (the `site`
//! document, written by a manager, read by every staff device).

use crate::sorting::SortDyn;
use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{Datelike, NaiveDate};

use crate::money;
use crate::records;

/// What kind of business this is; it picks the words and the modules shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum BusinessKind {
    MedicalOffice,
    Hotel,
    AdAgency,
    Construction,
    RetailShop,
}

/// What the people who come in are called.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PersonNoun {
    Patient,
    Guest,
    Client,
    Customer,
}

/// What a booking is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BookingNoun {
    Appointment,
    Reservation,
    Meeting,
}

/// Optional parts of the product, on or off by business kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Module {
    Insurance,
    Rooms,
    Orders,
}

impl BusinessKind {
    pub const ALL: [BusinessKind; 5] = [
        BusinessKind::MedicalOffice,
        BusinessKind::Hotel,
        BusinessKind::AdAgency,
        BusinessKind::Construction,
        BusinessKind::RetailShop,
    ];

    pub fn person(self) -> PersonNoun {
        match self {
            BusinessKind::MedicalOffice => PersonNoun::Patient,
            BusinessKind::Hotel => PersonNoun::Guest,
            BusinessKind::AdAgency | BusinessKind::Construction => PersonNoun::Client,
            BusinessKind::RetailShop => PersonNoun::Customer,
        }
    }

    pub fn booking(self) -> BookingNoun {
        match self {
            BusinessKind::MedicalOffice | BusinessKind::RetailShop => BookingNoun::Appointment,
            BusinessKind::Hotel => BookingNoun::Reservation,
            BusinessKind::AdAgency | BusinessKind::Construction => BookingNoun::Meeting,
        }
    }

    pub fn has(self, module: Module) -> bool {
        matches!(
            (self, module),
            (BusinessKind::MedicalOffice, Module::Insurance)
                | (BusinessKind::Hotel, Module::Rooms)
                | (BusinessKind::RetailShop, Module::Orders)
        )
    }
}

/// Opening (or working) hours of one weekday, in minutes after local midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct DayHours {
    pub open: bool,
    pub from_min: u32,
    pub to_min: u32,
}

impl DayHours {
    pub const CLOSED: DayHours = DayHours { open: false, from_min: 0, to_min: 0 };

    pub fn new(from_min: u32, to_min: u32) -> DayHours {
        DayHours { open: true, from_min, to_min }
    }

    /// Whether `[start, end)` lies within these hours.
    pub fn contains(&self, start: u32, end: u32) -> bool {
        self.open && start >= self.from_min && end <= self.to_min
    }
}

/// A week of hours, Monday first.
pub type WeekHours = Vec<DayHours>;

/// Hours on `date`'s weekday (closed if the week is incomplete).
pub fn hours_on(week: &[DayHours], date: NaiveDate) -> DayHours {
    week.get(date.weekday().num_days_from_monday() as usize).copied().unwrap_or(DayHours::CLOSED)
}

/// Monday to Friday 9:00–18:00, the weekend closed: where a new profile starts.
pub fn weekday_hours() -> WeekHours {
    let mut week = vec![DayHours::new(9 * 60, 18 * 60); 5];
    week.extend([DayHours::CLOSED; 2]);
    week
}

/// Who the business is and how it works.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Profile {
    pub name: String,
    pub kind: BusinessKind,
    /// `en` or `es`: the language staff screens start in.
    pub lang: String,
    /// IANA time zone, e.g. `Europe/Madrid`.
    pub time_zone: String,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    pub hours: WeekHours,
}

/// The currency of a business whose profile is not set up yet (and the one the profile form
/// offers first).
pub const DEFAULT_CURRENCY: &str = "EUR";

/// A field of a form that holds something the rules refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    #[error("a name is required")]
    NameMissing,
    #[error("the name is too long")]
    NameTooLong,
    #[error("unknown language")]
    BadLanguage,
    #[error("not a time zone (Area/City)")]
    BadTimeZone,
    #[error("not a currency code (three capital letters)")]
    BadCurrency,
    #[error("closing time must come after opening time")]
    HoursInverted,
    #[error("hours must be seven days, Monday first")]
    HoursIncomplete,
    #[error("the duration must be at least 5 minutes")]
    DurationTooShort,
    #[error("the duration is longer than a day")]
    DurationTooLong,
    #[error("the buffer is longer than two hours")]
    BufferTooLong,
    #[error("bad price: {0}")]
    Price(money::MoneyError),
}

/// A name, trimmed, or why it cannot be one (the same rule as a visitor's name at the kiosk).
pub fn clean_name(typed: &str) -> Result<String, SiteError> {
    crate::check_in::visitor_name(typed).map_err(|e| match e {
        crate::check_in::CheckInError::NameTooLong => SiteError::NameTooLong,
        _ => SiteError::NameMissing,
    })
}

/// Whether `zone` has the shape of an IANA zone name (`UTC`, `America/Mexico_City`, …). Whether
/// the zone exists is for the browser to say (it holds the time zone database).
pub fn plausible_time_zone(zone: &str) -> bool {
    zone == "UTC"
        || (zone.contains('/')
            && zone.len() <= 40
            && zone
                .split('/')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))))
}

/// Checks a week of hours.
pub fn check_hours(week: &[DayHours]) -> Result<(), SiteError> {
    if week.len() != 7 {
        return Err(SiteError::HoursIncomplete);
    }
    if week.iter().any(|d| d.open && (d.from_min >= d.to_min || d.to_min > 24 * 60)) {
        return Err(SiteError::HoursInverted);
    }
    Ok(())
}

impl Profile {
    pub fn check(&self) -> Result<(), SiteError> {
        clean_name(&self.name)?;
        if !matches!(self.lang.as_str(), "en" | "es") {
            return Err(SiteError::BadLanguage);
        }
        if !plausible_time_zone(&self.time_zone) {
            return Err(SiteError::BadTimeZone);
        }
        if !money::valid_currency(&self.currency) {
            return Err(SiteError::BadCurrency);
        }
        check_hours(&self.hours)
    }
}

/// Something the business offers.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Service {
    pub id: String,
    pub name_en: String,
    pub name_es: String,
    pub description_en: String,
    pub description_es: String,
    pub duration_min: u32,
    /// Time kept free after each booking (cleaning a room, notes).
    pub buffer_min: u32,
    pub price_minor: i64,
    /// Staff ids who can perform it (empty: anyone).
    pub performers: Vec<String>,
    pub active: bool,
}

impl Service {
    pub fn name(&self, lang: &str) -> &str {
        if lang == "es" && !self.name_es.is_empty() { &self.name_es } else { &self.name_en }
    }

    pub fn description(&self, lang: &str) -> &str {
        if lang == "es" && !self.description_es.is_empty() { &self.description_es } else { &self.description_en }
    }

    pub fn check(&self) -> Result<(), SiteError> {
        clean_name(&self.name_en)?;
        check_duration(self.duration_min)?;
        if self.buffer_min > 120 {
            return Err(SiteError::BufferTooLong);
        }
        if self.price_minor < 0 {
            return Err(SiteError::Price(money::MoneyError::Negative));
        }
        Ok(())
    }

    pub fn can_be_done_by(&self, staff: &str) -> bool {
        self.performers.is_empty() || self.performers.iter().any(|p| p == staff)
    }
}

/// A booking or service length: at least five minutes, at most a day.
pub fn check_duration(minutes: u32) -> Result<(), SiteError> {
    if minutes < 5 {
        Err(SiteError::DurationTooShort)
    } else if minutes > 24 * 60 {
        Err(SiteError::DurationTooLong)
    } else {
        Ok(())
    }
}

/// A member of staff's job at the business.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum StaffRole {
    Reception,
    Provider,
    Manager,
}

/// Someone who works here.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role: StaffRole,
    pub hours: WeekHours,
    pub active: bool,
}

impl StaffMember {
    pub fn check(&self) -> Result<(), SiteError> {
        clean_name(&self.name)?;
        check_hours(&self.hours)
    }
}

/// A room, hotel room or piece of equipment that can be booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum ResourceKind {
    Room,
    HotelRoom,
    Equipment,
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub kind: ResourceKind,
    /// For hotel rooms: the room type (double, suite…) and the nightly rate.
    pub room_type: String,
    pub rate_minor: i64,
    pub active: bool,
}

impl Resource {
    pub fn check(&self) -> Result<(), SiteError> {
        clean_name(&self.name)?;
        if self.rate_minor < 0 {
            return Err(SiteError::Price(money::MoneyError::Negative));
        }
        Ok(())
    }
}

/// Everything in the `site` document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Site {
    pub profile: Option<Profile>,
    pub services: Vec<Service>,
    pub staff: Vec<StaffMember>,
    pub resources: Vec<Resource>,
}

const PROFILE: &str = "profile";
const SERVICE: &str = "service";
const STAFF: &str = "staff";
const RESOURCE: &str = "resource";

impl Site {
    /// Reads the site document; lists are sorted by name so every device shows the same order.
    pub fn read(doc: &Automerge) -> Site {
        let mut services: Vec<Service> = records::all(doc, SERVICE);
        services.sort_dyn_by(|a, b| (&a.name_en, &a.id).cmp(&(&b.name_en, &b.id)));
        let mut staff: Vec<StaffMember> = records::all(doc, STAFF);
        staff.sort_dyn_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        let mut resources: Vec<Resource> = records::all(doc, RESOURCE);
        resources.sort_dyn_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        Site { profile: records::get(doc, PROFILE, "main"), services, staff, resources }
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn staff_member(&self, id: &str) -> Option<&StaffMember> {
        self.staff.iter().find(|s| s.id == id)
    }

    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|s| s.id == id)
    }

    /// The business's currency: the profile's, else [`DEFAULT_CURRENCY`].
    pub fn currency(&self) -> &str {
        self.profile.as_ref().map_or(DEFAULT_CURRENCY, |p| p.currency.as_str())
    }

    /// Staff who see clients (providers), active, in name order.
    pub fn providers(&self) -> impl Iterator<Item = &StaffMember> {
        self.staff.iter().filter(|s| s.active && s.role == StaffRole::Provider)
    }
}

/// Saves the profile after checking it.
pub fn put_profile(doc: &mut AutoCommit, profile: &Profile) -> Result<(), String> {
    profile.check().map_err(|e| e.to_string())?;
    records::put(doc, PROFILE, "main", profile)
}

pub fn put_service(doc: &mut AutoCommit, service: &Service) -> Result<(), String> {
    service.check().map_err(|e| e.to_string())?;
    records::put(doc, SERVICE, &service.id, service)
}

pub fn put_staff(doc: &mut AutoCommit, member: &StaffMember) -> Result<(), String> {
    member.check().map_err(|e| e.to_string())?;
    records::put(doc, STAFF, &member.id, member)
}

pub fn put_resource(doc: &mut AutoCommit, resource: &Resource) -> Result<(), String> {
    resource.check().map_err(|e| e.to_string())?;
    records::put(doc, RESOURCE, &resource.id, resource)
}

/// Reads `HH:MM` (24-hour) as minutes after midnight; `24:00` is the end of the day.
pub fn parse_time(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) || text.trim().len() > 5 {
        return None;
    }
    Some(h * 60 + m)
}

/// A time as a person types it, on a 24-hour clock: `17:30`, `9:30`, `9.30`, `9h30`, `930`,
/// `0930` or `9` (9:00); `24:00` ends the day. `None` for anything else.
pub fn read_typed_time(text: &str) -> Option<u32> {
    let text = text.trim();
    let (h, m) = match text.find([':', '.', 'h', 'H']) {
        Some(at) => (&text[..at], &text[at + 1..]),
        None if text.len() <= 2 => (text, "00"),
        None if text.len() <= 4 && text.is_char_boundary(text.len() - 2) => text.split_at(text.len() - 2),
        None => return None,
    };
    let digits = |s: &str, min: usize| (min..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, 1) || !digits(m, 2) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Minutes after midnight as `HH:MM`.
pub fn format_time(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_as_people_type_them() {
        for (typed, minutes) in [
            ("17:30", 1050),
            ("9:30", 570),
            ("09:30", 570),
            ("9.30", 570),
            ("9h30", 570),
            ("930", 570),
            ("0930", 570),
            ("9", 540),
            (" 18 ", 1080),
            ("0", 0),
            ("24:00", 1440),
            ("2400", 1440),
        ] {
            assert_eq!(read_typed_time(typed), Some(minutes), "{typed:?}");
        }
        for bad in ["", "24:01", "25", "9:5", "9:60", "12345", "9:30pm", "a", "9::30", ":30", "9:305", "١٢"] {
            assert_eq!(read_typed_time(bad), None, "{bad:?}");
        }
        for m in [0, 59, 600, 1439, 1440] {
            assert_eq!(read_typed_time(&format_time(m)), Some(m));
        }
    }

    pub(crate) fn clinic() -> Profile {
        Profile {
            name: "Clínica Sol".into(),
            kind: BusinessKind::MedicalOffice,
            lang: "es".into(),
            time_zone: "Europe/Madrid".into(),
            currency: "EUR".into(),
            hours: weekday_hours(),
        }
    }

    #[test]
    fn the_kind_of_business_picks_words_and_modules() {
        assert_eq!(BusinessKind::MedicalOffice.person(), PersonNoun::Patient);
        assert_eq!(BusinessKind::Hotel.person(), PersonNoun::Guest);
        assert_eq!(BusinessKind::Hotel.booking(), BookingNoun::Reservation);
        assert_eq!(BusinessKind::AdAgency.booking(), BookingNoun::Meeting);
        assert_eq!(BusinessKind::RetailShop.person(), PersonNoun::Customer);
        assert!(BusinessKind::MedicalOffice.has(Module::Insurance));
        assert!(!BusinessKind::RetailShop.has(Module::Insurance));
        assert!(BusinessKind::Hotel.has(Module::Rooms));
        assert!(BusinessKind::RetailShop.has(Module::Orders));
        assert!(!BusinessKind::Construction.has(Module::Orders));
    }

    #[test]
    fn the_currency_is_the_profiles_else_the_default() {
        assert_eq!(Site::default().currency(), DEFAULT_CURRENCY);
        let site = Site { profile: Some(Profile { currency: "USD".into(), ..clinic() }), ..Site::default() };
        assert_eq!(site.currency(), "USD");
    }

    #[test]
    fn a_profile_is_checked_before_it_is_saved() {
        assert_eq!(clinic().check(), Ok(()));
        let broken = [
            (Profile { name: " ".into(), ..clinic() }, SiteError::NameMissing),
            (Profile { time_zone: "Madrid time".into(), ..clinic() }, SiteError::BadTimeZone),
            (Profile { currency: "euro".into(), ..clinic() }, SiteError::BadCurrency),
            (Profile { lang: "fr".into(), ..clinic() }, SiteError::BadLanguage),
            (Profile { hours: vec![DayHours::new(600, 540); 7], ..clinic() }, SiteError::HoursInverted),
            (Profile { hours: vec![DayHours::new(540, 600); 6], ..clinic() }, SiteError::HoursIncomplete),
        ];
        for (profile, error) in broken {
            assert_eq!(profile.check(), Err(error));
            let mut doc = AutoCommit::new();
            assert!(put_profile(&mut doc, &profile).is_err(), "nothing half-saved");
            assert_eq!(Site::read(doc.document()).profile, None);
        }
    }

    #[test]
    fn the_site_round_trips_through_its_document() {
        let mut doc = AutoCommit::new();
        put_profile(&mut doc, &clinic()).unwrap();
        let service = Service {
            id: "s1".into(),
            name_en: "Check-up".into(),
            name_es: "Revisión".into(),
            description_en: "A general check-up".into(),
            description_es: "Una revisión general".into(),
            duration_min: 30,
            buffer_min: 10,
            price_minor: 4500,
            performers: vec!["d1".into()],
            active: true,
        };
        put_service(&mut doc, &service).unwrap();
        let doctor = StaffMember {
            id: "d1".into(),
            name: "Dra. Ruiz".into(),
            role: StaffRole::Provider,
            hours: weekday_hours(),
            active: true,
        };
        put_staff(&mut doc, &doctor).unwrap();
        assert!(put_service(&mut doc, &Service { duration_min: 0, ..service.clone() }).is_err());
        let site = Site::read(doc.document());
        assert_eq!(site.profile, Some(clinic()));
        assert_eq!(site.services, vec![service.clone()]);
        assert_eq!(site.service("s1").unwrap().name("es"), "Revisión");
        assert_eq!(site.providers().count(), 1);
        assert!(service.can_be_done_by("d1") && !service.can_be_done_by("d2"));
    }

    #[test]
    fn times_of_day_are_read_strictly() {
        assert_eq!(parse_time("09:30"), Some(570));
        assert_eq!(parse_time("24:00"), Some(1440));
        assert_eq!(parse_time("9:05"), Some(545));
        for bad in ["25:00", "10:60", "24:01", "noon", "10", "-1:00", "10:000"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_time(570), "09:30");
    }

    #[test]
    fn hours_follow_the_weekday() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert!(hours_on(&weekday_hours(), monday).contains(540, 600));
        assert!(!hours_on(&weekday_hours(), monday).contains(500, 600));
        assert!(!hours_on(&weekday_hours(), sunday).open);
    }
}
