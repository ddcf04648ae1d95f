//! Small per-device settings in localStorage: who this device is to the relay, its language.

use frontdesk_core::check_in::TicketCounter;
use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// Which face of the app this device shows. A browser can be both (e.g. on a test bench);
/// each mode keeps its own settings and database so they never share data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// What a device remembers about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSettings {
    /// The secret the relay knows this device by.
    pub token: String,
    /// The device id the relay gave it (names the kiosk's inbox).
    pub device: String,
    /// The name the relay knows this device by (shown as who made a change).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub lang: Lang,
    /// The role the relay gave this device (`kiosk`, `staff`, `manager`), remembered for offline starts.
    #[serde(default)]
    pub role: String,
    /// The staff member this tablet belongs to (their messages and visitors show on it), or empty.
    #[serde(default)]
    pub owner: String,
    /// Someone read the notice that the browser may clear this device's data.
    #[serde(default)]
    pub storage_notice_seen: bool,
}

impl DeviceSettings {
    /// The settings this mode keeps, if it has a token. Settings saved before the sync address
    /// became always the page's own may still hold a `relay` address (a setup link could set
    /// one): it is not read, and the settings are saved again without it.
    pub fn load(mode: Mode) -> Option<DeviceSettings> {
        let settings = LocalStorage::get::<DeviceSettings>(mode.key()).ok().filter(|s| !s.token.is_empty())?;
        if LocalStorage::raw().get_item(mode.key()).ok().flatten().is_some_and(|raw| holds_relay_address(&raw)) {
            settings.save(mode);
        }
        Some(settings)
    }

    pub fn save(&self, mode: Mode) {
        let _ = LocalStorage::set(mode.key(), self);
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

    pub fn forget(mode: Mode) {
        LocalStorage::delete(mode.key());
    }

    /// The relay's sync address: always the page's own origin. (A setup link once could name
    /// another; a device it re-pointed would have answered that server with all it holds.)
    pub fn sync_url(&self) -> String {
        let location = web_sys::window().map(|w| w.location());
        let host = location.as_ref().and_then(|l| l.host().ok()).unwrap_or_else(|| "127.0.0.1:8080".into());
        let secure = location.and_then(|l| l.protocol().ok()).is_some_and(|p| p == "https:");
        format!("{}://{host}/sync", if secure { "wss" } else { "ws" })
    }
}

/// Whether stored settings (their JSON) still hold a `relay` address, which is no longer read.
/// (A plain look for the key: a string holding it would be escaped, `\"relay\"`.)
fn holds_relay_address(raw: &str) -> bool {
    raw.contains("\"relay\":")
}

/// What a setup link (`#token=…&device=…`) says. Any other parameter, `relay=` included, is
/// ignored: a link never changes where a device syncs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupLink {
    pub token: String,
    /// The device id, if the link gives one.
    pub device: Option<String>,
}

impl SetupLink {
    /// Reads the setup link from the address and removes it from view and from history, so the
    /// secret is not left in the address bar. Nothing is saved: see [`Start::decide`].
    pub fn take() -> Option<SetupLink> {
        let window = web_sys::window()?;
        let location = window.location();
        let decode = |value: &str| js_sys::decode_uri_component(value).ok()?.as_string();
        let link = SetupLink::parse(&location.hash().ok()?, decode)?;
        if let (Ok(path), Ok(history)) = (location.pathname(), window.history()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
        Some(link)
    }

    /// Reads `#token=…&device=…`, each value put through `decode` (`decodeURIComponent`); `None`
    /// without a token.
    pub fn parse(hash: &str, decode: impl Fn(&str) -> Option<String>) -> Option<SetupLink> {
        let query = hash.strip_prefix('#')?;
        let (mut token, mut device) = (None, None);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=')?;
            match key {
                "token" => token = Some(decode(value)?),
                "device" => device = Some(decode(value)?),
                _ => {}
            }
        }
        Some(SetupLink { token: token.filter(|t| !t.is_empty())?, device })
    }

    /// The settings a device has once set up by this link: those it had when the link is for
    /// the same token, else fresh ones (keeping only the language and the notice already read).
    fn settings(self, stored: Option<DeviceSettings>) -> DeviceSettings {
        let mut settings = match stored {
            Some(s) if s.token == self.token => s,
            Some(s) => {
                DeviceSettings { lang: s.lang, storage_notice_seen: s.storage_notice_seen, ..DeviceSettings::default() }
            }
            None => DeviceSettings::default(),
        };
        settings.token = self.token;
        if let Some(device) = self.device {
            settings.device = device;
        }
        settings
    }
}

/// How a page starts its device, from its setup link and its stored settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// Neither: ask for a token.
    Setup,
    /// Start with these settings; `save` when they came from a link.
    Run { settings: DeviceSettings, save: bool },
    /// A link for another token while the device is set up: ask the person before anything is
    /// saved. The link stays only in memory.
    Ask { current: DeviceSettings, link: SetupLink },
}

impl Start {
    pub fn decide(link: Option<SetupLink>, stored: Option<DeviceSettings>) -> Start {
        match (link, stored) {
            (None, None) => Start::Setup,
            (None, Some(settings)) => Start::Run { settings, save: false },
            (Some(link), Some(current)) if link.token != current.token => Start::Ask { current, link },
            (Some(link), stored) => Start::Run { settings: link.settings(stored), save: true },
        }
    }

    /// The person chose to replace the device's setup with the link's.
    pub fn replace(current: DeviceSettings, link: SetupLink) -> DeviceSettings {
        link.settings(Some(current))
    }
}

/// Where the kiosk keeps its queue numbers.
const TICKETS: &str = "frontdesk.kiosk.ticket";

/// The kiosk's queue numbers as last saved (`TicketCounter::number` takes the next one, for an
/// accepted check-in only).
pub fn ticket_counter() -> TicketCounter {
    LocalStorage::get::<TicketCounter>(TICKETS).unwrap_or_default()
}

/// Keeps the queue numbers for the next check-in.
pub fn save_ticket_counter(counter: &TicketCounter) {
    let _ = LocalStorage::set(TICKETS, counter);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the browser's `decodeURIComponent` does, natively: `%XX` escapes to UTF-8.
    fn percent_decode(text: &str) -> Option<String> {
        let mut bytes = Vec::with_capacity(text.len());
        let mut rest = text.as_bytes();
        while let Some((&b, tail)) = rest.split_first() {
            if b == b'%' {
                let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = &tail[2..];
            } else {
                bytes.push(b);
                rest = tail;
            }
        }
        String::from_utf8(bytes).ok()
    }

    fn stored(token: &str) -> DeviceSettings {
        DeviceSettings {
            token: token.into(),
            device: "d-old".into(),
            name: "Front desk 1".into(),
            lang: Lang::Es,
            role: "manager".into(),
            owner: "s-ana".into(),
            storage_notice_seen: true,
        }
    }

    fn parse(hash: &str) -> Option<SetupLink> {
        SetupLink::parse(hash, percent_decode)
    }

    #[test]
    fn a_setup_link_gives_a_token_and_a_device_and_never_an_address() {
        let link = parse("#token=abc%2B%2F%3D&device=d-1&relay=wss%3A%2F%2Fattacker.example%2Fsync").unwrap();
        assert_eq!(link, SetupLink { token: "abc+/=".into(), device: Some("d-1".into()) });
        assert_eq!(parse("#relay=wss://attacker.example/sync&token=t").unwrap().device, None);
        assert_eq!(parse("#device=d-1"), None);
        assert_eq!(parse("#token=&device=d-1"), None);
        assert_eq!(parse("#token=%ZZ"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("#"), None);
        assert_eq!(parse("#token=t%C3%B1").unwrap().token, "tñ");
    }

    #[test]
    fn a_stored_relay_address_is_not_read_and_is_dropped() {
        let old = r#"{"token":"t","device":"d","name":"Desk","relay":"wss://attacker.example/sync","lang":"En","role":"staff"}"#;
        assert!(holds_relay_address(old));
        let settings: DeviceSettings = serde_json::from_str(old).unwrap();
        assert_eq!(settings.token, "t");
        let again = serde_json::to_string(&settings).unwrap();
        assert!(!again.contains("relay") && !holds_relay_address(&again), "{again}");
        // A name that mentions the key is not taken for it.
        let named =
            DeviceSettings { token: "t".into(), name: r#"Front "relay": desk"#.into(), ..DeviceSettings::default() };
        assert!(!holds_relay_address(&serde_json::to_string(&named).unwrap()));
    }

    #[test]
    fn a_link_with_another_token_is_not_saved_until_the_person_says_so() {
        let link = SetupLink { token: "new".into(), device: Some("d-new".into()) };
        let Start::Ask { current, link: pending } = Start::decide(Some(link.clone()), Some(stored("old"))) else {
            panic!("a link for another device replaced this one without asking");
        };
        assert_eq!((current, &pending), (stored("old"), &link));
        // Replacing keeps no trace of the old device but its language and the notice read.
        let replaced = Start::replace(stored("old"), pending);
        assert_eq!(
            replaced,
            DeviceSettings {
                token: "new".into(),
                device: "d-new".into(),
                lang: Lang::Es,
                storage_notice_seen: true,
                ..DeviceSettings::default()
            }
        );
    }

    #[test]
    fn a_link_with_the_same_token_or_on_a_new_device_just_proceeds() {
        let same = SetupLink { token: "old".into(), device: None };
        assert_eq!(Start::decide(Some(same), Some(stored("old"))), Start::Run { settings: stored("old"), save: true });
        let fresh = SetupLink { token: "new".into(), device: Some("d-1".into()) };
        assert_eq!(
            Start::decide(Some(fresh), None),
            Start::Run {
                settings: DeviceSettings { token: "new".into(), device: "d-1".into(), ..DeviceSettings::default() },
                save: true
            }
        );
        assert_eq!(Start::decide(None, Some(stored("old"))), Start::Run { settings: stored("old"), save: false });
        assert_eq!(Start::decide(None, None), Start::Setup);
    }
}
