//! The state every connection shares: the configuration, the store, the hub, the retention rules
//! and shutdown.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use frontdesk_protocol::Retention;
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::hub::Hub;
use crate::pairing::AddressLimits;
use crate::store::{Publisher, SqliteStore, Store, StoreError};

/// State shared by every connection.
pub struct Relay {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub hub: Arc<Hub>,
    pub shutdown: CancellationToken,
    /// Pairing tries per address.
    pub pairing_limits: AddressLimits,
    connections: Arc<Semaphore>,
    next_id: AtomicU64,
    /// The business's retention rules as the store keeps them: read once
    /// ([`Relay::load_retention`], before any session starts), then replaced with every change.
    retention: RwLock<Retention>,
    retention_loaded: OnceCell<()>,
}

impl Relay {
    /// Opens the SQLite store in `config.data_dir` (creating the folder) and wires fan-out to it.
    pub fn open(config: Config, shutdown: CancellationToken) -> anyhow::Result<Arc<Relay>> {
        std::fs::create_dir_all(&config.data_dir)?;
        let (data_dir, limits) = (config.data_dir.clone(), config.store);
        Relay::open_with(config, shutdown, |publish| Ok(Arc::new(SqliteStore::open_in(&data_dir, limits, publish)?)))
    }

    /// A relay on the store `open_store` opens, given the publisher that fans committed chunks
    /// out to subscribers.
    pub fn open_with(
        config: Config,
        shutdown: CancellationToken,
        open_store: impl FnOnce(Publisher) -> Result<Arc<dyn Store>, StoreError>,
    ) -> anyhow::Result<Arc<Relay>> {
        let hub = Arc::new(Hub::default());
        let publish_hub = hub.clone();
        let store = open_store(Box::new(move |c| publish_hub.publish(c)))?;
        Ok(Arc::new(Relay {
            pairing_limits: AddressLimits::new(config.pairing_burst, config.pairing_every),
            connections: Arc::new(Semaphore::new(config.max_connections)),
            config,
            store,
            hub,
            shutdown,
            next_id: AtomicU64::new(1),
            retention: RwLock::new(Retention::default()),
            retention_loaded: OnceCell::new(),
        }))
    }

    /// Reads the retention rules the store keeps into memory, once: done as the relay starts and
    /// before each session (a session never starts on rules not read). Later calls return at once.
    pub async fn load_retention(&self) -> Result<(), StoreError> {
        self.retention_loaded
            .get_or_try_init(|| async {
                let stored = self.store.retention().await?;
                *self.retention.write().unwrap_or_else(|e| e.into_inner()) = stored;
                Ok(())
            })
            .await
            .map(|_| ())
    }

    /// The retention rules in force (none until [`Relay::load_retention`] has read them).
    pub fn retention(&self) -> Retention {
        self.retention.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether `doc` is past its keeping on `today` under the rules in force.
    pub fn expired(&self, doc: &str, today: NaiveDate) -> bool {
        self.retention.read().unwrap_or_else(|e| e.into_inner()).expired(doc, today)
    }

    /// Calls `write` — which queues a write of `doc` with the store — unless `doc` is expired on
    /// `today`, holding the rules meanwhile: rules set after this check are queued after the
    /// write ([`Relay::set_retention`]), so their sweep finds what it stored. `None` when expired.
    pub fn unless_expired<T>(&self, doc: &str, today: NaiveDate, write: impl FnOnce() -> T) -> Option<T> {
        let rules = self.retention.read().unwrap_or_else(|e| e.into_inner());
        if rules.expired(doc, today) { None } else { Some(write()) }
    }

    /// Keeps `retention` (checked by the caller) as the rules in force, set by `device`:
    /// resolves with whether they changed once the store holds them. They are in force from the
    /// call on — no write to a document they make expired is queued after it — and the store's
    /// write is queued behind every write let through before, so a sweep once this resolves
    /// finds all of them. If the store fails, the rules before are put back.
    pub async fn set_retention(&self, retention: &Retention, device: &str) -> Result<bool, StoreError> {
        self.load_retention().await?;
        let at_ms = chrono::Utc::now().timestamp_millis();
        let (stored, before) = {
            let mut rules = self.retention.write().unwrap_or_else(|e| e.into_inner());
            let before = std::mem::replace(&mut *rules, retention.clone());
            (self.store.set_retention(retention, device, at_ms), before)
        };
        let result = stored.await;
        if result.is_err() {
            let mut rules = self.retention.write().unwrap_or_else(|e| e.into_inner());
            if *rules == *retention {
                *rules = before;
            }
        }
        result
    }

    /// Empties every document the rules in force make expired on `today` (the relay's UTC date),
    /// with an audit line for each that held anything, and leaves no byte of them in the store's
    /// files; resolves with how many held anything.
    pub async fn empty_expired(&self, today: NaiveDate) -> Result<u64, StoreError> {
        self.load_retention().await?;
        let retention = self.retention();
        let mut expired = Vec::new();
        for rule in &retention.rules {
            let prefix = format!("{}/", rule.area);
            let docs = self.store.docs_with_prefix(&prefix).await?;
            expired.extend(docs.into_iter().filter(|doc| retention.expired(doc, today)));
        }
        if expired.is_empty() {
            return Ok(0);
        }
        let emptied = self.store.expire_docs(&expired, chrono::Utc::now().timestamp_millis()).await?;
        if emptied > 0 {
            tracing::info!(emptied, "emptied expired documents");
        }
        Ok(emptied)
    }

    pub fn next_connection_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// A place for one more connection, held while it is open; `None` when all are taken.
    pub fn admit(&self) -> Option<OwnedSemaphorePermit> {
        self.connections.clone().try_acquire_owned().ok()
    }

    /// Connections open right now.
    pub fn open_connections(&self) -> usize {
        self.config.max_connections - self.connections.available_permits()
    }
}
