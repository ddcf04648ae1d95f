//! The Frontdesk relay: a small, dumb store-and-forward server for opaque document chunks.
//!
//! It knows documents only by name and role rules, never what is inside them.

pub mod access;
pub mod config;
pub mod connection;
pub mod hub;
pub mod pairing;
pub mod rate;
pub mod relay;
pub mod server;
pub mod store;

pub use config::Config;
pub use relay::Relay;
pub use server::{app, run};
