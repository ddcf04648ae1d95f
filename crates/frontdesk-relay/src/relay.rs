//! The state every connection shares: the configuration, the store, the hub and shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
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
        }))
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
