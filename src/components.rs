//! Components shared by the pages.

pub mod device_gate;
pub mod icons;
pub mod sync_badge;
