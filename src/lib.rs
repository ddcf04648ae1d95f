//! Frontdesk, the browser app: the lobby kiosk and the staff desk, local-first.

pub mod app;
pub mod clock;
pub mod components;
pub mod device;
pub mod device_key;
mod documents;
pub mod i18n;
pub mod key_handover;
pub mod local_record;
pub mod pages;
pub mod pairing;
pub mod platform;
mod read_cache;
mod relay_socket;
pub mod settings;
pub mod spill;
pub mod storage;
pub mod webcrypto;

pub use app::App;
