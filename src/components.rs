//! Components shared by the pages.

pub mod date_input;
pub mod device_gate;
pub mod history;
pub mod icons;
pub mod keyboard;
pub mod status_bar;
pub mod sync_badge;
pub mod time_clock;
pub mod time_input;
pub mod typed_field;
