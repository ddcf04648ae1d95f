//! One module per screen.

pub mod desk;
pub mod home;
pub mod kiosk;
