//! Components shared by the pages.

pub mod device_gate;
pub mod sync_badge;
