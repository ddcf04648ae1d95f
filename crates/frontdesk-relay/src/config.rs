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
    /// Bytes per second one connection may send, averaged, and the burst it may save up.
    pub bytes_per_sec: u32,
    pub bytes_burst: u32,
    /// Most connections one device may have open at once.
    pub max_connections_per_device: usize,
    /// Most documents one connection may subscribe to, and prefixes it may watch.
    pub max_subscriptions: usize,
    pub max_watches: usize,
    /// Largest frame accepted before `Hello` (a Hello is a few dozen bytes).
    pub max_hello_frame: usize,
    /// How many days before the relay's (UTC) today a drop box (`inbox/<date>/…`,
    /// `timeclock/<date>/…`) may be written; never more than a day ahead of it.
    pub drop_box_days: u32,
    /// Origins (`https://desk.example.com`) whose pages may open a socket, besides the relay's
    /// own.
    pub allowed_origins: Vec<String>,
    /// Pairing tries one address may make at once, and how often it gets one more.
    pub pairing_burst: u32,
    pub pairing_every: Duration,
    pub store: StoreLimits,
    /// Days the audit log keeps a line (#20); older lines are forgotten every hour.
    pub audit_days: u32,
}

/// Six years: what HIPAA asks a covered entity to keep its compliance records for.
pub const DEFAULT_AUDIT_DAYS: u32 = 6 * 365 + 2;

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
            bytes_per_sec: 4 * 1024 * 1024,
            bytes_burst: 32 * 1024 * 1024,
            max_connections_per_device: 8,
            max_subscriptions: 20_000,
            max_watches: 64,
            max_hello_frame: 4 * 1024,
            drop_box_days: 7,
            allowed_origins: Vec::new(),
            pairing_burst: 20,
            pairing_every: Duration::from_secs(15),
            store: StoreLimits::default(),
            audit_days: DEFAULT_AUDIT_DAYS,
        }
    }
}
