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
    /// `ws://` or `wss://` address of the relay's `/sync`; empty means the page's own host.
    #[serde(default)]
    pub relay: String,
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
    pub fn load(mode: Mode) -> Option<DeviceSettings> {
        LocalStorage::get::<DeviceSettings>(mode.key()).ok().filter(|s| !s.token.is_empty())
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

    /// Reads `#token=…&device=…` from the address (the setup link) and removes it from view
    /// and from history, so the secret is not left in the address bar.
    pub fn from_setup_link(mode: Mode) -> Option<DeviceSettings> {
        let window = web_sys::window()?;
        let location = window.location();
        let hash = location.hash().ok()?;
        let query = hash.strip_prefix('#')?;
        let mut settings = DeviceSettings::load(mode).unwrap_or_default();
        let mut token = None;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=')?;
            let value = js_sys::decode_uri_component(value).ok()?.as_string()?;
            match key {
                "token" => token = Some(value),
                "device" => settings.device = value,
                "relay" => settings.relay = value,
                _ => {}
            }
        }
        settings.token = token?;
        settings.save(mode);
        if let (Ok(path), Ok(history)) = (location.pathname(), window.history()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
        Some(settings)
    }

    /// The relay's sync address.
    pub fn sync_url(&self) -> String {
        if !self.relay.is_empty() {
            return self.relay.clone();
        }
        let location = web_sys::window().map(|w| w.location());
        let host = location.as_ref().and_then(|l| l.host().ok()).unwrap_or_else(|| "127.0.0.1:8080".into());
        let secure = location.and_then(|l| l.protocol().ok()).is_some_and(|p| p == "https:");
        format!("{}://{host}/sync", if secure { "wss" } else { "ws" })
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
