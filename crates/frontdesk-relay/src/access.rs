//! Which documents a device may read and write, decided from its role and id alone.
//!
//! The rules are the protocol's ([`frontdesk_protocol::access`]): they decide from a document's
//! [`frontdesk_protocol::Area`] (its first segment) and, for drop boxes, the device id at the end,
//! and refuse every name in no known area. They live there so the core can test every document
//! name it makes against the same rules the relay enforces.

pub use frontdesk_protocol::access::{Access, allowed, drop_box_date, kiosk_day_date, may_watch};
