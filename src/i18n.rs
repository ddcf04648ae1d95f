//! The app's words in English and Spanish.
//!
//! The texts live in `locales/en.json` and `locales/es.json`, read at compile time by
//! [`leptos_i18n`]: a key the code asks for that the files lack, or an interpolation argument a
//! text does not name, does not compile, and the test `both_languages_have_the_same_keys` fails
//! if a key or a `{{ placeholder }}` is in one language and not the other.
//!
//! Messages are typed keys ([`Msg`], [`KioskMsg`], …) so that views can pass them around and a
//! `match` can map a domain state to one; each names its key in the locale files once, in its
//! `messages!` list. Texts with values in them are asked for with [`tr!`] and named arguments.

use frontdesk_core::money::MoneyError;
use frontdesk_core::schedule::{BookingError, BookingState};
use frontdesk_core::site::SiteError;

#[allow(unused_imports, dead_code)] // the generated module also has the context API, which we do not use
mod generated {
    // Written by build.rs from locales/*.json.
    include!(concat!(env!("OUT_DIR"), "/i18n.rs"));
}
pub use generated::i18n::Locale;

/// The text of `key` (a path in the locale files, `namespace.key`) in `lang`; with `name = value`
/// arguments for the `{{ name }}`s it has, a `String`, else a `&'static str`.
macro_rules! tr {
    ($lang:expr, $($key:tt)+) => {
        leptos_i18n::td_string!($crate::i18n::Lang::locale($lang), $($key)+)
    };
}
pub(crate) use tr;

/// A typed message list: `Name in namespace { Variant => key, … }` declares the enum and its
/// `text`, each variant reading `namespace.key` from the locale files.
macro_rules! messages {
    ($name:ident in $ns:ident { $($variant:ident => $key:ident,)* }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            pub fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                match self {
                    $($name::$variant => tr!(lang, $ns.$key),)*
                }
            }
        }
    };
}

pub mod business;
pub mod calendar;
pub mod calls;
pub mod claims;
pub mod device;
pub mod erase;
pub mod history;
pub mod kiosk;
pub mod lock;
pub mod pairing;
pub mod people;
pub mod retention;
pub mod rooms;
pub mod sales;
pub use business::{BusinessMsg, kind_msg, resource_kind_msg, staff_role_msg};
pub use calendar::{CalendarMsg, booking_noun_msg};
pub use calls::CallsMsg;
pub use device::DeviceMsg;
pub use erase::EraseMsg;
pub use history::HistoryMsg;
pub use kiosk::KioskMsg;
pub use lock::LockMsg;
pub use pairing::PairMsg;
pub use people::PeopleMsg;
pub use retention::RetentionMsg;
pub use rooms::RoomsMsg;
pub use sales::SalesMsg;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// The language's own name, for the switch button.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// The locale the texts are read in.
    pub fn locale(self) -> Locale {
        match self {
            Lang::En => Locale::en,
            Lang::Es => Locale::es,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }
}

messages! {
    Msg in desk {
        Arrivals => arrivals,
        LockTablet => lock_tablet,
        Waiting => waiting,
        WithStaff => with_staff,
        Finished => finished,
        CallIn => call_in,
        MarkDone => mark_done,
        NoShow => no_show,
        BackToWaiting => back_to_waiting,
        Undo => undo,
        NobodyYet => nobody_yet,
        NobodyYetHint => nobody_yet_hint,
        Waited => waited,
        WaitingFor => waiting_for,
        AverageWait => average_wait,
        StatusCalled => status_called,
        StatusDone => status_done,
        StatusNoShow => status_no_show,
        SetupKioskLink => setup_kiosk_link,
        SetupDeskLink => setup_desk_link,
        NoOneHere => no_one_here,
        CallsTab => calls_tab,
        MyMessages => my_messages,
        Search => search,
        SearchHint => search_hint,
        SearchResults => search_results,
        NothingFound => nothing_found,
        RoomsTab => rooms_tab,
        StateMoved => state_moved,
        DeskSections => desk_sections,
        Discard => discard,
        Calendar => calendar,
        Business => business,
        Edit => edit,
        FullName => full_name,
        Close => close,
        StateBooked => state_booked,
        StateArrived => state_arrived,
        StateNoShow => state_no_show,
        StateCancelled => state_cancelled,
    }
}

pub fn booking_state_msg(state: BookingState) -> Msg {
    match state {
        BookingState::Booked => Msg::StateBooked,
        BookingState::Arrived => Msg::StateArrived,
        BookingState::NoShow => Msg::StateNoShow,
        BookingState::Cancelled => Msg::StateCancelled,
        BookingState::Moved => Msg::StateMoved,
    }
}

/// The day's name as it reads inside a date ("lunes", "Monday"); Monday = 0.
fn day_word(day: usize, lang: Lang) -> &'static str {
    match day % 7 {
        0 => tr!(lang, date.mon),
        1 => tr!(lang, date.tue),
        2 => tr!(lang, date.wed),
        3 => tr!(lang, date.thu),
        4 => tr!(lang, date.fri),
        5 => tr!(lang, date.sat),
        _ => tr!(lang, date.sun),
    }
}

/// Monday = 0; capitalised, for labels ("Lunes", "Monday").
pub fn weekday_name(day: usize, lang: Lang) -> String {
    let mut chars = day_word(day, lang).chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl Lang {
    /// The order this language types a date's numbers in.
    pub fn day_order(self) -> frontdesk_core::dates::DayOrder {
        match self {
            Lang::En => frontdesk_core::dates::DayOrder::MonthFirst,
            Lang::Es => frontdesk_core::dates::DayOrder::DayFirst,
        }
    }
}

/// "Monday, March 3" / "lunes 3 de marzo": a day, as a heading says it.
pub fn format_date(date: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    let weekday = day_word(date.weekday().num_days_from_monday() as usize, lang);
    let month = match date.month() {
        1 => tr!(lang, date.jan),
        2 => tr!(lang, date.feb),
        3 => tr!(lang, date.mar),
        4 => tr!(lang, date.apr),
        5 => tr!(lang, date.may),
        6 => tr!(lang, date.jun),
        7 => tr!(lang, date.jul),
        8 => tr!(lang, date.aug),
        9 => tr!(lang, date.sep),
        10 => tr!(lang, date.oct),
        11 => tr!(lang, date.nov),
        _ => tr!(lang, date.dec),
    };
    tr!(lang, date.long, weekday, month, day = date.day())
}

pub fn site_error_text(error: SiteError, lang: Lang) -> &'static str {
    use SiteError::*;
    match error {
        NameMissing => tr!(lang, site_error.name_missing),
        NameTooLong => tr!(lang, site_error.name_too_long),
        BadLanguage => tr!(lang, site_error.bad_language),
        BadTimeZone => tr!(lang, site_error.bad_time_zone),
        BadCurrency => tr!(lang, site_error.bad_currency),
        HoursInverted => tr!(lang, site_error.hours_inverted),
        HoursIncomplete => tr!(lang, site_error.hours_incomplete),
        DurationTooShort => tr!(lang, site_error.duration_too_short),
        DurationTooLong => tr!(lang, site_error.duration_too_long),
        BufferTooLong => tr!(lang, site_error.buffer_too_long),
        Price(e) => money_error_text(e, lang),
    }
}

pub fn money_error_text(error: MoneyError, lang: Lang) -> &'static str {
    use MoneyError::*;
    match error {
        Missing => tr!(lang, money_error.missing),
        Malformed => tr!(lang, money_error.malformed),
        TooPrecise => tr!(lang, money_error.too_precise),
        Negative => tr!(lang, money_error.negative),
        TooLarge => tr!(lang, money_error.too_large),
    }
}

pub fn booking_error_text(error: &BookingError, lang: Lang) -> &'static str {
    use BookingError::*;
    match error {
        ClientMissing => tr!(lang, booking_error.client_missing),
        ClientTooLong => tr!(lang, booking_error.client_too_long),
        BadPhone => tr!(lang, booking_error.bad_phone),
        ServiceUnknown => tr!(lang, booking_error.service_unknown),
        Duration(e) => site_error_text(*e, lang),
        Closed => tr!(lang, booking_error.closed),
        OutsideOpeningHours => tr!(lang, booking_error.outside_opening_hours),
        OutsideWorkingHours => tr!(lang, booking_error.outside_working_hours),
        CannotPerform => tr!(lang, booking_error.cannot_perform),
        StaffBusy { .. } => tr!(lang, booking_error.staff_busy),
        ResourceBusy { .. } => tr!(lang, booking_error.resource_busy),
        InThePast => tr!(lang, booking_error.in_the_past),
        NotesTooLong => tr!(lang, booking_error.notes_too_long),
    }
}

pub fn call_error_text(error: &frontdesk_core::calls::CallError, lang: Lang) -> &'static str {
    use frontdesk_core::calls::CallError::*;
    match error {
        CallerMissing => tr!(lang, call_error.caller_missing),
        CallerTooLong => tr!(lang, call_error.caller_too_long),
        BadPhone => tr!(lang, call_error.bad_phone),
        MessageWithoutRecipient => tr!(lang, call_error.message_without_recipient),
        CallbackWithoutNumber => tr!(lang, call_error.callback_without_number),
        ReasonTooLong => tr!(lang, call_error.reason_too_long),
    }
}

pub fn stay_error_text(e: &frontdesk_core::stays::StayError, lang: Lang) -> &'static str {
    use frontdesk_core::stays::StayError::*;
    match e {
        GuestMissing => tr!(lang, stay_error.guest_missing),
        GuestTooLong => tr!(lang, stay_error.guest_too_long),
        BadPhone => tr!(lang, stay_error.bad_phone),
        RoomUnknown => tr!(lang, stay_error.room_unknown),
        NoNights => tr!(lang, stay_error.no_nights),
        TooManyNights => tr!(lang, stay_error.too_many_nights),
        BadGuests => tr!(lang, stay_error.bad_guests),
        InThePast => tr!(lang, stay_error.in_the_past),
        OutOfOrder => tr!(lang, stay_error.out_of_order),
        RoomTaken { .. } => tr!(lang, stay_error.room_taken),
    }
}

/// "3 min", "1 h 05 min": a wait, for a board.
pub fn format_wait(ms: i64, lang: Lang) -> String {
    let minutes = ms.max(0) / 60_000;
    let (h, m) = (minutes / 60, minutes % 60);
    let _ = lang; // the short forms are the same in both languages
    match (h, m) {
        (0, 0) => "< 1 min".to_owned(),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_minutes_then_hours() {
        assert_eq!(format_wait(59_000, Lang::En), "< 1 min");
        assert_eq!(format_wait(7 * 60_000, Lang::Es), "7 min");
        assert_eq!(format_wait(65 * 60_000, Lang::En), "1 h 05 min");
        assert_eq!(format_wait(-5, Lang::En), "< 1 min");
    }

    #[test]
    fn the_language_switch_offers_the_other_language_in_its_own_name() {
        assert_eq!(Lang::En.other().native_name(), "Español");
        assert_eq!(Lang::Es.other().native_name(), "English");
        assert_ne!(KioskMsg::Welcome.text(Lang::En), KioskMsg::Welcome.text(Lang::Es));
    }

    /// Every key of a locale file (`namespace.key`) with the `{{ placeholders }}` its text has.
    fn keys(json: &str) -> std::collections::BTreeMap<String, Vec<String>> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut std::collections::BTreeMap<String, Vec<String>>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                        walk(&path, v, out);
                    }
                }
                serde_json::Value::String(text) => {
                    let mut names: Vec<String> = text
                        .split("{{")
                        .skip(1)
                        .filter_map(|rest| rest.split_once("}}").map(|(name, _)| name.trim().to_owned()))
                        .collect();
                    names.sort();
                    names.dedup();
                    out.insert(prefix.to_owned(), names);
                }
                other => panic!("{prefix}: a text or a group of texts, not {other}"),
            }
        }
        let value: serde_json::Value = serde_json::from_str(json).expect("a locale file is JSON");
        let mut out = std::collections::BTreeMap::new();
        walk("", &value, &mut out);
        out
    }

    /// What differs between two locale files: keys only one has, placeholders that differ.
    fn differences(a: &str, b: &str) -> Vec<String> {
        let (a, b) = (keys(a), keys(b));
        let mut out = Vec::new();
        for (key, names) in &a {
            match b.get(key) {
                None => out.push(format!("{key} is only in the first")),
                Some(other) if other != names => out.push(format!("{key}: {names:?} against {other:?}")),
                Some(_) => {}
            }
        }
        out.extend(b.keys().filter(|k| !a.contains_key(*k)).map(|k| format!("{k} is only in the second")));
        out
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let (en, es) = (include_str!("../locales/en.json"), include_str!("../locales/es.json"));
        assert!(keys(en).len() > 600, "the English file has the app's words");
        assert_eq!(differences(en, es), Vec::<String>::new());
    }

    #[test]
    fn a_key_or_placeholder_in_one_language_only_is_reported() {
        let en = r#"{"kiosk": {"welcome": "Welcome", "wait": "{{ n }} waiting", "done": "Done"}}"#;
        let es = r#"{"kiosk": {"welcome": "Bienvenido", "wait": "{{ m }} esperando"}, "extra": {"x": "y"}}"#;
        assert_eq!(
            differences(en, es),
            vec![
                "kiosk.done is only in the first".to_owned(),
                r#"kiosk.wait: ["n"] against ["m"]"#.to_owned(),
                "extra.x is only in the second".to_owned(),
            ]
        );
    }

    #[test]
    fn texts_with_values_put_them_where_each_language_says() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(format_date(date, Lang::En), "Monday, March 2");
        assert_eq!(format_date(date, Lang::Es), "lunes 2 de marzo");
        assert_eq!((weekday_name(0, Lang::Es), weekday_name(2, Lang::Es)), ("Lunes".into(), "Miércoles".into()));
        assert_eq!(weekday_name(6, Lang::En), "Sunday");
        let e = frontdesk_core::orders::OrderError::NotEnough { name: "Tea".into(), left: 3 };
        assert_eq!(sales::order_error_text(&e, Lang::En), "Only 3 of Tea left.");
        assert_eq!(sales::order_error_text(&e, Lang::Es), "Solo quedan 3 de Tea.");
    }
}
