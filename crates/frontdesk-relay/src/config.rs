//! The relay's tunable limits, with defaults that suit one office.

use std::path::PathBuf;
use std::time::Duration;

use crate::store::StoreLimits;

/// Everything `serve` can be told.
#[derive(Clone, Debug)]
pub struct Config {
    /// Folder holding the relay's database.
    pub data_dir: PathBuf,
    /// Folder of the built app to serve, if any.
    pub dist_dir: Option<PathBuf>,
    /// Largest accepted frame, in bytes.
    pub max_frame: usize,
    /// Most simultaneous WebSocket connections.
    pub max_connections: usize,
    /// How long a new socket may take to say `Hello`.
    pub hello_timeout: Duration,
    /// Frames queued for one connection before it is dropped as too slow.
    pub outbound_queue: usize,
    /// Pushes of one connection waiting for their commit at once.
    pub max_inflight_pushes: usize,
    /// Messages per second one connection may send, averaged, and the burst it may save up.
    pub rate_per_sec: u32,
    pub rate_burst: u32,
    pub store: StoreLimits,
}

impl Config {
    pub fn new(data_dir: PathBuf) -> Self {
        Config {
            data_dir,
            dist_dir: None,
            max_frame: frontdesk_protocol::DEFAULT_MAX_FRAME,
            max_connections: 10_000,
            hello_timeout: Duration::from_secs(10),
            outbound_queue: 4096,
            max_inflight_pushes: 256,
            rate_per_sec: 500,
            rate_burst: 2000,
            store: StoreLimits::default(),
        }
    }
}
