//! Small per-device settings in localStorage: who this device is to the relay, its language.

use frontdesk_core::check_in::TicketCounter;
use gloo_storage::{LocalStorage, Storage};

use crate::i18n::Lang;
use crate::local_record::LocalRecord;

/// Which face of the app this device shows. A browser can be both (e.g. on a test bench);
/// each mode keeps its own settings and database so they never share data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Kiosk,
    Desk,
}

impl Mode {
    fn key(self) -> &'static str {
        match self {
            Mode::Kiosk => "frontdesk.kiosk",
            Mode::Desk => "frontdesk.desk",
        }
    }

    /// Where this mode's outbox chunks go when IndexedDB is full (see `spill`).
    pub fn spill_prefix(self) -> &'static str {
        match self {
            Mode::Kiosk => "frontdesk.kiosk.spill.",
            Mode::Desk => "frontdesk.desk.spill.",
        }
    }

    /// The business's time zone, as this mode last saw it (see `clock`).
    pub fn zone_key(self) -> &'static str {
        match self {
            Mode::Kiosk => "frontdesk.kiosk.zone",
            Mode::Desk => "frontdesk.desk.zone",
        }
    }

    /// The IndexedDB database of this mode.
    pub fn database(self) -> &'static str {
        match self {
            Mode::Kiosk => "frontdesk-kiosk",
            Mode::Desk => "frontdesk-desk",
        }
    }
}

/// What a device remembers about itself (nothing secret: its credential is a key the browser
/// holds, see `device_key`). Kept as JSON: `{"device", "name", "lang": "En"|"Es", "role",
/// "owner", "storage_notice_seen"}`, every field but `device` optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceSettings {
    /// The device id the relay gave it at pairing (names the kiosk's inbox).
    pub device: String,
    /// The name the relay knows this device by (shown as who made a change).
    pub name: String,
    pub lang: Lang,
    /// The role the relay gave this device (`kiosk`, `staff`, `manager`), remembered for offline starts.
    pub role: String,
    /// The staff member this tablet belongs to (their messages and visitors show on it), or empty.
    pub owner: String,
    /// Someone read the notice that the browser may clear this device's data.
    pub storage_notice_seen: bool,
}

impl Mode {
    /// The face of the app a device of `role` shows.
    pub fn for_role(role: frontdesk_protocol::Role) -> Mode {
        match role {
            frontdesk_protocol::Role::Kiosk => Mode::Kiosk,
            frontdesk_protocol::Role::Staff | frontdesk_protocol::Role::Manager => Mode::Desk,
        }
    }

    /// The page that shows this mode.
    pub fn page(self) -> &'static str {
        match self {
            Mode::Kiosk => "/kiosk/",
            Mode::Desk => "/desk",
        }
    }
}

impl DeviceSettings {
    /// The settings this mode keeps, if it was ever paired. Settings from before pairing may
    /// still hold a bearer `token` (and, older still, a `relay` address): neither is read, and
    /// the settings are saved again without them.
    pub fn load(mode: Mode) -> Option<DeviceSettings> {
        let settings = DeviceSettings::stored(mode).filter(|s| !s.device.is_empty())?;
        if LocalStorage::raw().get_item(mode.key()).ok().flatten().is_some_and(|raw| holds_stale_keys(&raw)) {
            settings.save(mode);
        }
        Some(settings)
    }

    /// The language this mode's device was last set to (English if none).
    pub fn lang(mode: Mode) -> Lang {
        DeviceSettings::stored(mode).map(|s| s.lang).unwrap_or_default()
    }

    /// What this mode keeps, paired or not (one reading of localStorage for every caller).
    #[inline(never)]
    fn stored(mode: Mode) -> Option<DeviceSettings> {
        DeviceSettings::from_record(&LocalRecord::read(mode.key())?)
    }

    /// Settings as kept: `None` without a `device` (a field of another type counts as missing).
    fn from_record(record: &LocalRecord) -> Option<DeviceSettings> {
        let text = |name| record.text(name).unwrap_or_default();
        Some(DeviceSettings {
            device: record.text("device")?,
            name: text("name"),
            lang: record.text("lang").map_or(Lang::default(), |l| if l == "Es" { Lang::Es } else { Lang::En }),
            role: text("role"),
            owner: text("owner"),
            storage_notice_seen: record.flag("storage_notice_seen").unwrap_or(false),
        })
    }

    /// The settings as kept (only the fields read: older keys are left out).
    fn to_record(&self) -> LocalRecord {
        LocalRecord::default()
            .with("device", self.device.as_str())
            .with("name", self.name.as_str())
            .with("lang", if self.lang == Lang::Es { "Es" } else { "En" })
            .with("role", self.role.as_str())
            .with("owner", self.owner.as_str())
            .with("storage_notice_seen", self.storage_notice_seen)
    }

    pub fn save(&self, mode: Mode) {
        self.to_record().write(mode.key());
    }

    /// Keeps the id, name and role the relay welcomed this device with (for offline starts);
    /// true if they changed.
    pub fn remember_relay_identity(
        &mut self,
        mode: Mode,
        device: &str,
        name: &str,
        role: frontdesk_protocol::Role,
    ) -> bool {
        let role = role.as_str();
        if self.device == device && self.name == name && self.role == role {
            return false;
        }
        (self.device, self.name, self.role) = (device.to_owned(), name.to_owned(), role.to_owned());
        self.save(mode);
        true
    }

    /// Forgets who this device is, keeping only its language and the storage notice read.
    pub fn forget(mode: Mode) {
        match DeviceSettings::stored(mode) {
            Some(old) => DeviceSettings {
                lang: old.lang,
                storage_notice_seen: old.storage_notice_seen,
                ..DeviceSettings::default()
            }
            .save(mode),
            None => LocalStorage::delete(mode.key()),
        }
    }

    /// The relay's sync address: always the page's own origin. (A setup link once could name
    /// another; a device it re-pointed would have answered that server with all it holds.)
    pub fn sync_url() -> String {
        let location = web_sys::window().map(|w| w.location());
        let host = location.as_ref().and_then(|l| l.host().ok()).unwrap_or_else(|| "127.0.0.1:8080".into());
        let secure = location.and_then(|l| l.protocol().ok()).is_some_and(|p| p == "https:");
        format!("{}://{host}/sync", if secure { "wss" } else { "ws" })
    }
}

/// Whether stored settings (their JSON) still hold a `token` or a `relay` address, which are
/// no longer read. (A plain look for the key: a string holding it would be escaped, `\"relay\"`.)
fn holds_stale_keys(raw: &str) -> bool {
    raw.contains("\"relay\":") || raw.contains("\"token\":")
}

/// The pairing code a link carries (`#code=…`): read from the address and removed from view
/// and from history, so the code is not left in the address bar. Any other parameter is
/// ignored: a link never changes where a device syncs.
pub fn take_pairing_code() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let code = pairing_code_in(&location.hash().ok()?)?;
    if let (Ok(path), Ok(history)) = (location.pathname(), window.history()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    Some(code)
}

/// The code in `#code=…` (as typed: checked when it is used), if there is one.
fn pairing_code_in(hash: &str) -> Option<String> {
    let query = hash.strip_prefix('#')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "code")
        .map(|(_, value)| value.to_owned())
        .filter(|code| !code.is_empty())
}

/// Where the kiosk keeps its queue numbers.
const TICKETS: &str = "frontdesk.kiosk.ticket";

/// The kiosk's queue numbers as last saved (`TicketCounter::number` takes the next one, for an
/// accepted check-in only).
pub fn ticket_counter() -> TicketCounter {
    LocalRecord::read(TICKETS).and_then(|r| counter_from(&r)).unwrap_or_default()
}

/// Queue numbers as kept: `{"date", "last", "letter": "A" | null}` (`letter` may be missing).
fn counter_from(record: &LocalRecord) -> Option<TicketCounter> {
    // A letter that is not one character spoils the record, as a wrong date or number does.
    let letter = match record.text("letter") {
        None => None,
        Some(letter) => {
            let mut chars = letter.chars();
            match (chars.next(), chars.next()) {
                (Some(letter), None) => Some(letter),
                _ => return None,
            }
        }
    };
    Some(TicketCounter { date: record.text("date")?, last: record.count("last")?, letter })
}

/// Keeps the queue numbers for the next check-in.
pub fn save_ticket_counter(counter: &TicketCounter) {
    let letter = counter.letter.map_or(wasm_bindgen::JsValue::NULL, |l| l.to_string().into());
    LocalRecord::default()
        .with("date", counter.date.as_str())
        .with("last", counter.last)
        .with("letter", letter)
        .write(TICKETS);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_tokens_and_relay_addresses_are_found_by_their_keys_only() {
        let old = r#"{"token":"t","device":"d","name":"Desk","relay":"wss://attacker.example/sync","lang":"En","role":"staff"}"#;
        assert!(holds_stale_keys(old));
        assert!(!holds_stale_keys(r#"{"device":"d","name":"Desk","lang":"En","role":"staff"}"#));
        // A name that mentions a key is not taken for it (JSON escapes its quotes).
        assert!(!holds_stale_keys(r#"{"device":"d","name":"Front \"token\": desk"}"#));
    }

    #[test]
    fn a_link_gives_a_pairing_code_and_nothing_else() {
        assert_eq!(pairing_code_in("#code=K7QM2XHD").as_deref(), Some("K7QM2XHD"));
        assert_eq!(pairing_code_in("#relay=wss://attacker.example&code=k7qm-2xhd").as_deref(), Some("k7qm-2xhd"));
        assert_eq!(pairing_code_in("#token=abc&device=d-1"), None);
        assert_eq!(pairing_code_in("#code="), None);
        assert_eq!(pairing_code_in(""), None);
        assert_eq!(pairing_code_in("#"), None);
    }

    #[test]
    fn a_role_names_the_face_of_the_app() {
        use frontdesk_protocol::Role;
        assert_eq!(Mode::for_role(Role::Kiosk), Mode::Kiosk);
        assert_eq!(Mode::for_role(Role::Staff), Mode::Desk);
        assert_eq!(Mode::for_role(Role::Manager).page(), "/desk");
        assert_eq!(Mode::Kiosk.page(), "/kiosk/");
    }
}
