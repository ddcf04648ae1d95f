//! The relay's store in one SQLite file in the data folder (WAL, synchronous FULL).
//!
//! All chunk and snapshot writes go through one writer thread that commits in groups (one fsync
//! for a burst of pushes) and only then publishes and answers, so an acknowledged chunk is
//! always on disk and subscribers see each document's chunks in sequence order. Reads and the
//! device registry run on pooled connections off the async runtime.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

use frontdesk_protocol::retention::Rule;
use frontdesk_protocol::sealed::MAGIC;
use frontdesk_protocol::{
    Area, Author, ChunkId, Epoch, Head, PairRefusal, Retention, Role, Scope, Signer, StoredChunk, pairing,
};

use super::{
    Appended, AuditAction, AuditEntry, AuditQuery, Backlog, Basis, Committed, Device, DeviceKey, InTheClear, LogChunk,
    Moved, NewChunk, PairingKeys, PairingOffer, Proposal, PublicKey, Publisher, Rebase, Settled, Store, StoreError,
    StoreFuture, StoreLimits,
};

/// The database's file in the data folder: the only place its name is written.
const FILE_NAME: &str = "relay.sqlite3";

/// Connections kept for reads, and reads run at once: a read waits for one of them. Unbounded,
/// 5,000 devices reconnecting at once ran hundreds of reads on as many blocking threads, each
/// opening a connection of its own, and the threads' stacks and the connections' caches left the
/// relay ~45 MB larger (BENCHMARKS.md, the idle devices).
const POOL: usize = 8;

/// A failure inside this module: SQLite's own, or one of the store's; only [`StoreError`]
/// leaves it.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Failure> for StoreError {
    fn from(failure: Failure) -> StoreError {
        match failure {
            Failure::Sqlite(err) => StoreError::Backend(err.to_string()),
            Failure::Store(err) => err,
        }
    }
}

type Result<T, E = Failure> = std::result::Result<T, E>;

enum Write {
    Push {
        chunk: NewChunk,
        origin: u64,
        basis: Basis,
        reply: oneshot::Sender<Result<Appended, StoreError>>,
    },
    Propose {
        doc: String,
        covers_seq: u64,
        bytes: Vec<u8>,
        device: String,
        author: Author,
        basis: Basis,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    Rebase {
        rebase: Rebase,
        origin: u64,
        reply: oneshot::Sender<Result<Result<u64, Moved>, StoreError>>,
    },
    Settle {
        doc: String,
        covers_seq: u64,
        digest: Head,
        checker: String,
        sound: bool,
        reply: oneshot::Sender<Result<Settled, StoreError>>,
    },
    Read {
        doc: String,
        head: u64,
        device: String,
        at_ms: i64,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    Retention {
        retention: Retention,
        device: String,
        at_ms: i64,
        reply: oneshot::Sender<Result<bool, StoreError>>,
    },
}

/// The relay's SQLite database.
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Option<SyncSender<Write>>>,
    writer_thread: Mutex<Option<JoinHandle<()>>>,
    pool: Mutex<Vec<Connection>>,
    /// One permit a read running, [`POOL`] in all.
    readers: Arc<tokio::sync::Semaphore>,
    /// Read connections opened so far (the pool keeps at most [`POOL`]).
    opened: std::sync::atomic::AtomicUsize,
}

/// The device table's columns: one definition for the schema and for the migration that
/// rebuilds an older table.
macro_rules! device_columns {
    () => {
        "(
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    public_key BLOB,
    revoked INTEGER NOT NULL DEFAULT 0,
    paired_at_ms INTEGER NOT NULL DEFAULT 0,
    last_seen_ms INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    agreement_key BLOB NOT NULL DEFAULT x'',
    key_proof BLOB NOT NULL DEFAULT x''
) STRICT;"
    };
}

const SCHEMA: &str = concat!(
    "
CREATE TABLE IF NOT EXISTS docs (
    name TEXT PRIMARY KEY,
    head_seq INTEGER NOT NULL,
    bytes INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS chunks (
    doc TEXT NOT NULL,
    seq INTEGER NOT NULL,
    chunk_id BLOB NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (doc, seq)
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS chunks_by_id ON chunks (doc, chunk_id);
CREATE TABLE IF NOT EXISTS snapshots (
    doc TEXT PRIMARY KEY,
    covers_seq INTEGER NOT NULL,
    bytes BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS proposals (
    doc TEXT PRIMARY KEY,
    covers_seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    device TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS device_usage (
    device TEXT PRIMARY KEY,
    docs INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS devices ",
    device_columns!(),
    "
CREATE TABLE IF NOT EXISTS pairings (
    code_sha256 BLOB PRIMARY KEY,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    business TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    wrong_tries INTEGER NOT NULL DEFAULT 0,
    used_by TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS epochs (
    scope TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    device TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (scope, epoch)
) STRICT;
CREATE TABLE IF NOT EXISTS epoch_floors (
    scope TEXT PRIMARY KEY,
    floor INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS audit (
    at_ms INTEGER NOT NULL,
    device TEXT NOT NULL,
    action TEXT NOT NULL,
    doc TEXT NOT NULL,
    seq INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 BLOB
) STRICT;
CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at_ms);
CREATE INDEX IF NOT EXISTS audit_by_doc ON audit (doc, at_ms);
CREATE INDEX IF NOT EXISTS audit_by_device ON audit (device, at_ms);
CREATE TABLE IF NOT EXISTS retention (
    area TEXT PRIMARY KEY,
    days INTEGER NOT NULL
) STRICT;
"
);

/// The device table before pairing (#18) kept a hash of a bearer token. Those devices stay
/// (listed, revocable, their documents theirs) without any credential: they pair again.
const DROP_TOKENS: &str = concat!(
    "
CREATE TABLE devices_paired ",
    device_columns!(),
    "
INSERT INTO devices_paired (id, name, role, revoked, created_at)
    SELECT id, name, role, revoked, created_at FROM devices ORDER BY rowid;
DROP TABLE devices;
ALTER TABLE devices_paired RENAME TO devices;
"
);

/// Columns added since the first schema, added to an older database when it is opened:
/// `(table, column, definition)`.
const ADDED_COLUMNS: [(&str, &str, &str); 15] = [
    // The declared heads of a chunk (32 bytes each), kept when a snapshot drops its bytes.
    ("chunks", "heads", "BLOB NOT NULL DEFAULT x''"),
    ("chunks", "device", "TEXT NOT NULL DEFAULT ''"),
    ("chunks", "at_ms", "INTEGER NOT NULL DEFAULT 0"),
    ("docs", "created_by", "TEXT NOT NULL DEFAULT ''"),
    // Version 4's key agreement key and its proof (#19).
    ("devices", "agreement_key", "BLOB NOT NULL DEFAULT x''"),
    ("devices", "key_proof", "BLOB NOT NULL DEFAULT x''"),
    // Version 6's authors (#20): the pushing or proposing device's public key and signature.
    ("chunks", "signer", "BLOB NOT NULL DEFAULT x''"),
    ("chunks", "signature", "BLOB NOT NULL DEFAULT x''"),
    ("proposals", "signer", "BLOB NOT NULL DEFAULT x''"),
    ("proposals", "signature", "BLOB NOT NULL DEFAULT x''"),
    ("snapshots", "signer", "BLOB NOT NULL DEFAULT x''"),
    ("snapshots", "signature", "BLOB NOT NULL DEFAULT x''"),
    // Version 7's re-bases: the seq of the document's latest (0 if never).
    ("docs", "rebased_at", "INTEGER NOT NULL DEFAULT 0"),
    // Version 9's chunk id of a push line (#20: when the relay stored a chunk); none on others.
    ("audit", "chunk", "BLOB"),
    // Version 10's device of the latest re-base ('' if none, or made before).
    ("docs", "rebased_by", "TEXT NOT NULL DEFAULT ''"),
];

/// Indexes on added columns: made once the columns exist (the schema runs before they are added
/// to an older database). The push lines by chunk id, for [`Store::stored_at`]: only push lines
/// have one, so no other line costs an entry.
const ADDED_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS audit_by_chunk ON audit (doc, chunk) WHERE chunk IS NOT NULL;
";

/// The first push line of a chunk of a document: its relay time ([`Store::stored_at`]), found
/// through `audit_by_chunk` (`chunk = ?` implies the index's `chunk IS NOT NULL`), first written
/// first (the index keeps a key's lines in rowid order).
const STORED_AT: &str = "SELECT at_ms, device FROM audit WHERE doc = ?1 AND chunk = ?2 ORDER BY rowid LIMIT 1";

fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA)?;
    let tokens: bool = conn.query_row(
        "SELECT count(*) > 0 FROM pragma_table_info('devices') WHERE name = 'token_sha256'",
        [],
        |row| row.get(0),
    )?;
    if tokens {
        // Overwrite the freed pages, and empty the WAL of their copies: no hash stays in the file.
        conn.execute_batch(&format!("BEGIN IMMEDIATE; {DROP_TOKENS} COMMIT;"))?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    for (table, column, definition) in ADDED_COLUMNS {
        let present: bool = conn.query_row(
            &format!("SELECT count(*) > 0 FROM pragma_table_info('{table}') WHERE name = ?1"),
            [column],
            |row| row.get(0),
        )?;
        if !present {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {definition}"))?;
            if (table, column) == ("docs", "rebased_by") {
                // Re-bases made before the column: their device, from the audit log's line.
                conn.execute_batch(REBASED_BY_FROM_AUDIT)?;
            }
        }
    }
    conn.execute_batch(ADDED_INDEXES)?;
    Ok(())
}

/// Fills `docs.rebased_by` of documents re-based before protocol 10 from their latest re-base's
/// audit line (none if the log has forgotten it).
const REBASED_BY_FROM_AUDIT: &str = "UPDATE docs SET rebased_by = coalesce((SELECT a.device FROM audit a
     WHERE a.doc = docs.name AND a.action = 'rebase' ORDER BY a.rowid DESC LIMIT 1), '')
     WHERE rebased_at > 0 AND rebased_by = ''";

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Every freed cell and page is overwritten with zeros, always: SQLite moves cells between
    // pages as its trees grow, and with this off it leaves the old copies in free space — where an
    // erased person's bytes were found after their cells were deleted with it on (the erasure's
    // end-to-end test). Appends, the relay's usual write, free nothing.
    conn.pragma_update(None, "secure_delete", "ON")?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) the database in the data folder `data_dir`, which must exist;
    /// `publish` is called after each commit.
    pub fn open_in(data_dir: &Path, limits: StoreLimits, publish: Publisher) -> Result<SqliteStore, StoreError> {
        let path = data_dir.join(FILE_NAME);
        let conn = open_connection(&path)?;
        migrate(&conn)?;
        let (tx, rx) = mpsc::sync_channel(limits.max_queued_writes);
        let handle = std::thread::Builder::new()
            .name("relay-db-writer".into())
            .spawn(move || writer_loop(conn, rx, limits, publish))
            .map_err(|e| StoreError::Backend(format!("cannot start the writer thread: {e}")))?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path,
                writer: Mutex::new(Some(tx)),
                writer_thread: Mutex::new(Some(handle)),
                pool: Mutex::new(Vec::new()),
                readers: Arc::new(tokio::sync::Semaphore::new(POOL)),
                opened: std::sync::atomic::AtomicUsize::new(0),
            }),
        })
    }

    /// Opens the database in `data_dir` for administration (devices, the integrity check):
    /// default limits, nothing published.
    pub fn open_admin_in(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_in(data_dir, StoreLimits::default(), Box::new(|_| {}))
    }

    fn queue(&self, write: Write) -> Result<(), StoreError> {
        let guard = self.inner.writer.lock().map_err(|_| StoreError::Closed)?;
        match guard.as_ref().ok_or(StoreError::Closed)?.try_send(write) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => Err(StoreError::Busy),
            Err(TrySendError::Disconnected(_)) => Err(StoreError::Closed),
        }
    }

    /// Queues a write made with `make` (given its reply channel) and awaits the answer.
    fn write<T: Send + 'static>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Write,
    ) -> StoreFuture<'static, T> {
        let (reply, rx) = oneshot::channel();
        let queued = self.queue(make(reply));
        Box::pin(async move {
            queued?;
            rx.await.map_err(|_| StoreError::Closed)?
        })
    }

    /// Runs `f` on a pooled connection off the async runtime.
    fn with_connection<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> StoreFuture<'static, T> {
        let inner = self.inner.clone();
        Box::pin(async move {
            // Held until the read ends, even when the caller stops waiting for it.
            let permit = inner.readers.clone().acquire_owned().await.map_err(|_| StoreError::Closed)?;
            tokio::task::spawn_blocking(move || {
                let _permit = permit;
                let mut conn = match inner.pool.lock().ok().and_then(|mut pool| pool.pop()) {
                    Some(conn) => conn,
                    None => {
                        inner.opened.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        open_connection(&inner.path)?
                    }
                };
                let result = f(&mut conn);
                if let Ok(mut pool) = inner.pool.lock()
                    && pool.len() < POOL
                {
                    pool.push(conn);
                }
                Ok(result?)
            })
            .await
            .map_err(|_| StoreError::Closed)?
        })
    }
}

impl Inner {
    /// Stops accepting writes; returns the writer thread, to be joined once it has finished.
    fn stop_writer(&self) -> Option<JoinHandle<()>> {
        if let Ok(mut writer) = self.writer.lock() {
            writer.take();
        }
        self.writer_thread.lock().ok().and_then(|mut h| h.take())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(handle) = self.stop_writer() {
            let _ = handle.join();
        }
    }
}

impl Store for SqliteStore {
    fn push_on(&self, chunk: NewChunk, origin: u64, basis: Basis) -> StoreFuture<'static, Appended> {
        self.write(|reply| Write::Push { chunk, origin, basis, reply })
    }

    fn propose_snapshot_on(
        &self,
        doc: &str,
        covers_seq: u64,
        bytes: Vec<u8>,
        device: &str,
        author: Author,
        basis: Basis,
    ) -> StoreFuture<'static, ()> {
        let (doc, device) = (doc.to_owned(), device.to_owned());
        self.write(|reply| Write::Propose { doc, covers_seq, bytes, device, author, basis, reply })
    }

    fn rebase(&self, rebase: Rebase, origin: u64) -> StoreFuture<'static, Result<u64, Moved>> {
        let written = self.write(|reply| Write::Rebase { rebase, origin, reply });
        // The writer overwrote the deleted cells; the old pages are still in the WAL (and the
        // file, until a checkpoint copies the zeroed ones over): empty it before answering.
        let checkpoint = self.with_connection(|conn| {
            truncate_wal_soon(conn);
            Ok(())
        });
        Box::pin(async move {
            let rebased = written.await?;
            // Committed: a checkpoint that cannot run now is the hourly sweep's to do.
            if rebased.is_ok()
                && let Err(err) = checkpoint.await
            {
                tracing::warn!(%err, "the WAL was not checkpointed after a re-base; it is at the next sweep");
            }
            Ok(rebased)
        })
    }

    fn rebased_at<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, u64> {
        let doc = doc.to_owned();
        self.with_connection(move |conn| {
            let at: Option<u64> = conn
                .prepare_cached("SELECT rebased_at FROM docs WHERE name = ?1")?
                .query_row([doc], |row| row.get(0))
                .optional()?;
            Ok(at.unwrap_or(0))
        })
    }

    fn rebased_by<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, Option<Signer>> {
        let doc = doc.to_owned();
        self.with_connection(move |conn| {
            let device: Option<String> = conn
                .prepare_cached("SELECT rebased_by FROM docs WHERE name = ?1 AND rebased_by != ''")?
                .query_row([doc], |row| row.get(0))
                .optional()?;
            device.map(|device| signer(conn, device)).transpose()
        })
    }

    fn proposal<'a>(&'a self, doc: &'a str) -> StoreFuture<'a, Option<Proposal>> {
        let doc = doc.to_owned();
        self.with_connection(move |conn| read_proposal(conn, &doc))
    }

    fn settle_snapshot(
        &self,
        doc: &str,
        covers_seq: u64,
        digest: Head,
        checker: &str,
        sound: bool,
    ) -> StoreFuture<'static, Settled> {
        let (doc, checker) = (doc.to_owned(), checker.to_owned());
        self.write(|reply| Write::Settle { doc, covers_seq, digest, checker, sound, reply })
    }

    fn backlog<'a>(&'a self, doc: &'a str, after_seq: u64) -> StoreFuture<'a, Backlog> {
        let doc = doc.to_owned();
        self.with_connection(move |conn| read_backlog(conn, &doc, after_seq))
    }

    fn docs_with_prefix<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, Vec<String>> {
        let prefix = prefix.to_owned();
        self.with_connection(move |conn| {
            let mut stmt =
                conn.prepare_cached("SELECT name FROM docs WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name")?;
            let rows = stmt.query_map([&prefix], |row| row.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn doc_count(&self) -> StoreFuture<'_, u64> {
        self.with_connection(|conn| Ok(conn.query_row("SELECT count(*) FROM docs", [], |r| r.get::<_, u64>(0))?))
    }

    fn add_devices<'a>(&'a self, devices: &'a [(&'a str, Role, PublicKey)]) -> StoreFuture<'a, Vec<String>> {
        let devices: Vec<(String, Role, PublicKey)> =
            devices.iter().map(|(name, role, key)| ((*name).to_owned(), *role, *key)).collect();
        self.with_connection(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut added = Vec::with_capacity(devices.len());
            for (name, role, key) in &devices {
                added.push(insert_device(&tx, name, *role, key, now_ms())?);
            }
            tx.commit()?;
            Ok(added)
        })
    }

    fn devices(&self) -> StoreFuture<'_, Vec<Device>> {
        self.with_connection(|conn| {
            let mut stmt = conn.prepare(&format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY created_at, rowid"))?;
            let rows = stmt.query_map([], device_row)?;
            rows.map(|row| device(row?)).collect()
        })
    }

    fn revoke_device<'a>(&'a self, id: &'a str, floors: &'a [Epoch]) -> StoreFuture<'a, bool> {
        let id = id.to_owned();
        let floors = floors.to_vec();
        self.with_connection(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if tx.execute("UPDATE devices SET revoked = 1 WHERE id = ?1", [id])? == 0 {
                return Ok(false); // rolled back: no floor moves for a device that is not there
            }
            let newest = newest_epochs(&tx)?;
            for floor in floors {
                // Never above the newest epoch numbered (nothing could be stored), never lower.
                let floor_epoch = floor.epoch.min(Epoch::of(&newest, floor.scope));
                if floor_epoch == 0 {
                    continue;
                }
                tx.execute(
                    "INSERT INTO epoch_floors (scope, floor) VALUES (?1, ?2)
                     ON CONFLICT (scope) DO UPDATE SET floor = max(floor, excluded.floor)",
                    params![floor.scope.as_str(), floor_epoch],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })
    }

    fn rename_device<'a>(&'a self, id: &'a str, name: &'a str) -> StoreFuture<'a, bool> {
        let (id, name) = (id.to_owned(), name.to_owned());
        self.with_connection(move |conn| {
            Ok(conn.execute("UPDATE devices SET name = ?2 WHERE id = ?1", params![id, name])? > 0)
        })
    }

    fn device_seen<'a>(&'a self, id: &'a str, at_ms: i64) -> StoreFuture<'a, ()> {
        let id = id.to_owned();
        self.with_connection(move |conn| {
            conn.prepare_cached("UPDATE devices SET last_seen_ms = max(last_seen_ms, ?2) WHERE id = ?1")?
                .execute(params![id, at_ms])?;
            Ok(())
        })
    }

    fn device_key<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<DeviceKey>> {
        let id = id.to_owned();
        self.with_connection(move |conn| {
            let row = conn
                .prepare_cached(&format!("SELECT {DEVICE_COLUMNS}, public_key FROM devices WHERE id = ?1"))?
                .query_row([id], |row| Ok((device_row(row)?, row.get::<_, Option<Vec<u8>>>(8)?)))
                .optional()?;
            let Some((row, key)) = row else { return Ok(None) };
            // A key of another length is no key: that device cannot prove itself.
            let public_key = key.and_then(|k| PublicKey::try_from(k.as_slice()).ok());
            Ok(Some(DeviceKey { device: device(row)?, public_key }))
        })
    }

    fn create_pairing<'a>(&'a self, code_sha256: Head, offer: PairingOffer, now_ms: i64) -> StoreFuture<'a, ()> {
        self.with_connection(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute("DELETE FROM pairings WHERE expires_at_ms < ?1", [now_ms - 24 * 3_600_000])?;
            tx.execute(
                "INSERT INTO pairings (code_sha256, role, name, business, created_by, expires_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    &code_sha256[..],
                    offer.role.as_str(),
                    offer.name,
                    offer.business,
                    offer.created_by,
                    offer.expires_at_ms
                ],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn preview_pairing<'a>(
        &'a self,
        code_sha256: Head,
        now_ms: i64,
    ) -> StoreFuture<'a, std::result::Result<PairingOffer, PairRefusal>> {
        self.with_connection(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let found = usable_pairing(&tx, &code_sha256, now_ms)?;
            tx.commit()?;
            Ok(found)
        })
    }

    fn redeem_pairing<'a>(
        &'a self,
        code_sha256: Head,
        keys: PairingKeys,
        now_ms: i64,
    ) -> StoreFuture<'a, std::result::Result<(Device, PairingOffer), PairRefusal>> {
        self.with_connection(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let offer = match usable_pairing(&tx, &code_sha256, now_ms)? {
                Ok(offer) => offer,
                Err(why) => {
                    tx.commit()?;
                    return Ok(Err(why));
                }
            };
            let id = insert_device(&tx, &offer.name, offer.role, &keys.public_key, now_ms)?;
            tx.execute(
                "UPDATE devices SET agreement_key = ?2, key_proof = ?3 WHERE id = ?1",
                params![id, keys.agreement_key, keys.key_proof],
            )?;
            tx.execute("UPDATE pairings SET used_by = ?2 WHERE code_sha256 = ?1", params![&code_sha256[..], id])?;
            let row = tx
                .prepare_cached(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"))?
                .query_row([&id], device_row)?;
            let device = device(row)?;
            tx.commit()?;
            Ok(Ok((device, offer)))
        })
    }

    fn epochs(&self) -> StoreFuture<'_, Vec<Epoch>> {
        self.with_connection(|conn| newest_epochs(conn))
    }

    fn floors(&self) -> StoreFuture<'_, Vec<Epoch>> {
        self.with_connection(|conn| scope_epochs(conn, "SELECT scope, floor FROM epoch_floors"))
    }

    fn new_epochs<'a>(
        &'a self,
        scopes: &'a [Scope],
        first: bool,
        device: &'a str,
        at_ms: i64,
    ) -> StoreFuture<'a, (bool, Vec<Epoch>)> {
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        let device = device.to_owned();
        self.with_connection(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let before = newest_epochs(&tx)?;
            if first && !before.is_empty() {
                // The device that set the business up may ask again (its keys were not kept:
                // a tab closed in between); nobody else may.
                let others: i64 =
                    tx.query_row("SELECT count(*) FROM epochs WHERE device != ?1 OR epoch != 1", [&device], |row| {
                        row.get(0)
                    })?;
                tx.commit()?;
                return Ok((others == 0, before));
            }
            // A snapshot proposed in the clear before is proven by no one from now on.
            let waiting: Vec<String> = {
                let mut stmt = tx.prepare("SELECT doc FROM proposals WHERE substr(bytes, 1, 4) != ?1")?;
                let rows = stmt.query_map([&MAGIC[..]], |row| row.get::<_, String>(0))?;
                rows.collect::<Result<_, _>>()?
            };
            for doc in waiting {
                let scope = frontdesk_protocol::Area::of(&doc).and_then(frontdesk_protocol::Area::scope);
                if scope.is_some_and(|s| scopes.contains(&s)) {
                    tx.execute("DELETE FROM proposals WHERE doc = ?1", [&doc])?;
                }
            }
            for scope in scopes {
                let next = before.iter().find(|e| e.scope == scope).map_or(1, |e| i64::from(e.epoch) + 1);
                tx.execute(
                    "INSERT INTO epochs (scope, epoch, device, at_ms) VALUES (?1, ?2, ?3, ?4)",
                    params![scope.as_str(), next, device, at_ms],
                )?;
            }
            let after = newest_epochs(&tx)?;
            tx.commit()?;
            Ok((true, after))
        })
    }

    fn clear_docs<'a>(&'a self, docs: &'a [String]) -> StoreFuture<'a, u64> {
        let docs = docs.to_vec();
        self.with_connection(move |conn| {
            // Deleted cells are overwritten with zeros, in the file and in the WAL's new frames
            // (`secure_delete` is on for every connection).
            let cleared = clear(conn, &docs);
            // Done at every sweep, so a checkpoint a busy reader held off (here or after a
            // re-base) is done at the next one.
            truncate_wal(conn);
            cleared
        })
    }

    fn retention(&self) -> StoreFuture<'_, Retention> {
        self.with_connection(|conn| read_rules(conn))
    }

    fn set_retention(&self, retention: &Retention, device: &str, at_ms: i64) -> StoreFuture<'static, bool> {
        let (retention, device) = (retention.clone(), device.to_owned());
        self.write(|reply| Write::Retention { retention, device, at_ms, reply })
    }

    fn expire_docs<'a>(&'a self, docs: &'a [String], at_ms: i64) -> StoreFuture<'a, u64> {
        let docs = docs.to_vec();
        self.with_connection(move |conn| {
            // Deleted cells are overwritten with zeros (`secure_delete`); the WAL still holds the
            // pages as they were: emptied before answering, as after a re-base.
            let expired = expire(conn, &docs, at_ms)?;
            if expired > 0 {
                truncate_wal_soon(conn);
            }
            Ok(expired)
        })
    }

    fn revoked_devices(&self) -> StoreFuture<'_, Vec<String>> {
        self.with_connection(|conn| {
            let mut stmt = conn.prepare_cached("SELECT id FROM devices WHERE revoked = 1")?;
            let ids = stmt.query_map([], |row| row.get::<_, String>(0))?;
            Ok(ids.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn integrity_check(&self) -> StoreFuture<'_, ()> {
        self.with_connection(|conn| {
            let verdict: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
            if verdict == "ok" { Ok(()) } else { Err(StoreError::Corrupt(verdict).into()) }
        })
    }

    fn in_the_clear(&self) -> StoreFuture<'_, Vec<InTheClear>> {
        self.with_connection(|conn| {
            let sealed: Vec<Scope> = newest_epochs(conn)?.into_iter().map(|e| e.scope).collect();
            let seals = |doc: &str| {
                frontdesk_protocol::Area::of(doc)
                    .and_then(frontdesk_protocol::Area::scope)
                    .is_some_and(|s| sealed.contains(&s))
            };
            // Bytes in the clear: not empty (a proven snapshot empties what it covers) and not
            // starting with the sealed format's magic.
            let mut found: Vec<InTheClear> = Vec::new();
            let mut stmt = conn.prepare(
                "SELECT doc, count(*) FROM chunks WHERE length(bytes) > 0 AND substr(bytes, 1, 4) != ?1
                 GROUP BY doc ORDER BY doc",
            )?;
            let rows = stmt.query_map([&MAGIC[..]], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
            for row in rows {
                let (doc, chunks) = row?;
                if seals(&doc) {
                    found.push(InTheClear { doc, chunks: chunks as u64, snapshot: false });
                }
            }
            let mut stmt = conn.prepare(
                "SELECT doc FROM snapshots WHERE substr(bytes, 1, 4) != ?1
                 UNION SELECT doc FROM proposals WHERE substr(bytes, 1, 4) != ?1",
            )?;
            let rows = stmt.query_map([&MAGIC[..]], |row| row.get::<_, String>(0))?;
            for doc in rows {
                let doc = doc?;
                if !seals(&doc) {
                    continue;
                }
                match found.iter_mut().find(|f| f.doc == doc) {
                    Some(f) => f.snapshot = true,
                    None => found.push(InTheClear { doc, chunks: 0, snapshot: true }),
                }
            }
            found.sort_by(|a, b| a.doc.cmp(&b.doc));
            Ok(found)
        })
    }

    fn wipe_free_space(&self) -> StoreFuture<'_, ()> {
        self.with_connection(|conn| {
            // VACUUM writes the database afresh: no free page, no freed cell keeps old bytes.
            // Its pages go through the WAL; emptying it leaves only the new file.
            conn.execute_batch("VACUUM")?;
            let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
            if busy != 0 {
                return Err(
                    StoreError::Backend("the WAL is held by a reader; stop the relay and try again".into()).into()
                );
            }
            Ok(())
        })
    }

    fn record_read(&self, doc: &str, head: u64, device: &str, at_ms: i64) -> StoreFuture<'static, ()> {
        let (doc, device) = (doc.to_owned(), device.to_owned());
        self.write(|reply| Write::Read { doc, head, device, at_ms, reply })
    }

    fn audit<'a>(&'a self, query: &'a AuditQuery) -> StoreFuture<'a, Vec<AuditEntry>> {
        let query = query.clone();
        self.with_connection(move |conn| {
            // Only the filters given, so that SQLite can use the index of the one that narrows.
            let mut sql = "SELECT at_ms, device, action, doc, seq, size, sha256, chunk FROM audit WHERE 1".to_owned();
            let mut args: Vec<rusqlite::types::Value> = Vec::new();
            if let Some(doc) = &query.doc {
                args.push(doc.clone().into());
                sql.push_str(&format!(" AND doc = ?{}", args.len()));
            }
            if let Some(device) = &query.device {
                args.push(device.clone().into());
                sql.push_str(&format!(" AND device = ?{}", args.len()));
            }
            if let Some(since) = query.since_ms {
                args.push(since.into());
                sql.push_str(&format!(" AND at_ms >= ?{}", args.len()));
            }
            sql.push_str(" ORDER BY at_ms, rowid");
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |row| {
                let action: String = row.get(2)?;
                let sha: Option<Vec<u8>> = row.get(6)?;
                let chunk: Option<Vec<u8>> = row.get(7)?;
                Ok((
                    AuditEntry {
                        at_ms: row.get(0)?,
                        device: row.get(1)?,
                        action: AuditAction::Push,
                        doc: row.get(3)?,
                        seq: row.get(4)?,
                        size: row.get(5)?,
                        sha256: None,
                        chunk: None,
                    },
                    action,
                    sha,
                    chunk,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (mut entry, action, sha, chunk) = row?;
                entry.action = AuditAction::parse(&action)
                    .ok_or_else(|| StoreError::Corrupt(format!("an audit line of unknown kind {action:?}")))?;
                entry.sha256 = match sha {
                    None => None,
                    Some(bytes) => Some(
                        bytes
                            .try_into()
                            .map_err(|_| StoreError::Corrupt("an audit line's hash is not 32 bytes".into()))?,
                    ),
                };
                entry.chunk = match chunk {
                    None => None,
                    Some(bytes) => Some(ChunkId(
                        bytes
                            .try_into()
                            .map_err(|_| StoreError::Corrupt("an audit line's chunk id is not 16 bytes".into()))?,
                    )),
                };
                out.push(entry);
            }
            Ok(out)
        })
    }

    fn stored_at<'a>(&'a self, doc: &'a str, chunks: &'a [ChunkId]) -> StoreFuture<'a, Vec<StoredChunk>> {
        let (doc, chunks) = (doc.to_owned(), chunks.to_vec());
        self.with_connection(move |conn| {
            // One indexed lookup per id, on a reader connection: the writer never waits for it.
            let mut stmt = conn.prepare_cached(STORED_AT)?;
            let mut known: HashMap<String, Signer> = HashMap::new();
            let mut asked = std::collections::HashSet::with_capacity(chunks.len());
            let mut found = Vec::new();
            for chunk in chunks {
                if !asked.insert(chunk) {
                    continue;
                }
                let line: Option<(i64, String)> =
                    stmt.query_row(params![doc, &chunk.0[..]], |row| Ok((row.get(0)?, row.get(1)?))).optional()?;
                let Some((at_ms, device)) = line else { continue };
                let by = match known.get(&device) {
                    Some(by) => by.clone(),
                    None => known.entry(device.clone()).or_insert(signer(conn, device)?).clone(),
                };
                found.push(StoredChunk { chunk, at_ms, by });
            }
            Ok(found)
        })
    }

    fn prune_audit(&self, before_ms: i64) -> StoreFuture<'_, u64> {
        // In bounded steps, each its own short transaction: a first prune of years of lines must
        // not hold the write lock long enough to fail the writer's batches of pushes.
        self.with_connection(move |conn| {
            let mut forgotten = 0u64;
            loop {
                let step = conn.execute(
                    "DELETE FROM audit WHERE rowid IN (SELECT rowid FROM audit WHERE at_ms < ?1 LIMIT 5000)",
                    [before_ms],
                )? as u64;
                forgotten += step;
                if step < 5000 {
                    return Ok(forgotten);
                }
            }
        })
    }

    fn close(&self) -> StoreFuture<'_, ()> {
        let writer = self.inner.stop_writer();
        Box::pin(async move {
            if let Some(handle) = writer {
                tokio::task::spawn_blocking(move || handle.join())
                    .await
                    .map_err(|_| StoreError::Closed)?
                    .map_err(|_| StoreError::Backend("the writer thread panicked".into()))?;
            }
            Ok(())
        })
    }
}

/// Copies the WAL's pages into the file and empties it: after deleted cells were overwritten
/// with zeros, the WAL still holds the pages as they were before. A reader holding it off is
/// only logged: the relay's hourly sweep does it again.
fn truncate_wal(conn: &Connection) {
    let busy: Result<i64, _> = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0));
    match busy {
        Ok(0) => {}
        Ok(_) => tracing::info!("the WAL was busy; it is emptied at the next sweep"),
        Err(err) => tracing::warn!(%err, "the WAL was not checkpointed; it is at the next sweep"),
    }
}

/// [`truncate_wal`], tried again for up to two seconds while a device's read holds it off
/// (reads are short), so the bytes just deleted do not wait in the WAL for the hourly sweep.
fn truncate_wal_soon(conn: &Connection) {
    for _ in 0..40 {
        if matches!(conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0)), Ok(0)) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    truncate_wal(conn);
}

/// `n` random bytes as hex.
/// Device `device` as the registry has it: its name and public key (empty if it has none, or is
/// not registered).
fn signer(conn: &Connection, device: String) -> Result<Signer> {
    let row: Option<(String, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT name, public_key FROM devices WHERE id = ?1")?
        .query_row([&device], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let (name, key) = row.unwrap_or_default();
    Ok(Signer { device, name, key: key.unwrap_or_default() })
}

fn random_hex(n: usize) -> String {
    use rand::RngCore;
    let mut raw = vec![0u8; n];
    rand::rng().fill_bytes(&mut raw);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

/// The columns [`device_row`] reads, in its order.
const DEVICE_COLUMNS: &str = "id, name, role, revoked, paired_at_ms, last_seen_ms, agreement_key, key_proof";

type DeviceRow = (String, String, String, bool, i64, i64, Vec<u8>, Vec<u8>);

fn device_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?, row.get(7)?))
}

fn device(
    (id, name, role, revoked, paired_at_ms, last_seen_ms, agreement_key, key_proof): DeviceRow,
) -> Result<Device> {
    let role = role.parse().map_err(StoreError::Corrupt)?;
    Ok(Device { id, name, role, revoked, paired_at_ms, last_seen_ms, agreement_key, key_proof })
}

/// The newest epoch of each scope, in scope order.
fn newest_epochs(conn: &Connection) -> Result<Vec<Epoch>> {
    scope_epochs(conn, "SELECT scope, max(epoch) FROM epochs GROUP BY scope")
}

/// `(scope, epoch)` rows as epochs, in scope order.
fn scope_epochs(conn: &Connection, query: &str) -> Result<Vec<Epoch>> {
    let mut stmt = conn.prepare_cached(query)?;
    let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
    let mut epochs = Vec::new();
    for row in rows {
        let (scope, epoch) = row?;
        let scope = Scope::ALL
            .into_iter()
            .find(|s| s.as_str() == scope)
            .ok_or_else(|| StoreError::Corrupt(format!("an epoch of no scope `{scope}`")))?;
        let epoch = u32::try_from(epoch).map_err(|_| StoreError::Corrupt(format!("epoch {epoch} of {scope}")))?;
        epochs.push(Epoch { scope, epoch });
    }
    epochs.sort_by_key(|e| e.scope);
    Ok(epochs)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Registers a device with a fresh id; returns the id.
fn insert_device(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    role: Role,
    key: &PublicKey,
    now_ms: i64,
) -> Result<String> {
    let id = random_hex(6);
    tx.prepare_cached("INSERT INTO devices (id, name, role, public_key, paired_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, name, role.as_str(), &key[..], now_ms])?;
    Ok(id)
}

/// The offer of a code that may be used now, or why not. A code matching none is a wrong try
/// against every code still waiting.
fn usable_pairing(
    tx: &rusqlite::Transaction<'_>,
    code_sha256: &Head,
    now_ms: i64,
) -> Result<std::result::Result<PairingOffer, PairRefusal>> {
    let row = tx
        .prepare_cached(
            "SELECT role, name, business, created_by, expires_at_ms, wrong_tries, used_by IS NOT NULL
             FROM pairings WHERE code_sha256 = ?1",
        )?
        .query_row([&code_sha256[..]], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, u32>(5)?,
                row.get::<_, bool>(6)?,
            ))
        })
        .optional()?;
    let Some((role, name, business, created_by, expires_at_ms, wrong_tries, used)) = row else {
        tx.prepare_cached(
            "UPDATE pairings SET wrong_tries = wrong_tries + 1 WHERE used_by IS NULL AND expires_at_ms > ?1",
        )?
        .execute([now_ms])?;
        return Ok(Err(PairRefusal::Unknown));
    };
    if used {
        return Ok(Err(PairRefusal::Used));
    }
    if now_ms >= expires_at_ms {
        return Ok(Err(PairRefusal::Expired));
    }
    if wrong_tries >= pairing::MAX_WRONG_TRIES {
        return Ok(Err(PairRefusal::Voided));
    }
    let role = role.parse().map_err(StoreError::Corrupt)?;
    Ok(Ok(PairingOffer { role, name, business, created_by, expires_at_ms }))
}

fn read_backlog(conn: &Connection, doc: &str, after_seq: u64) -> Result<Backlog> {
    let tx = conn.unchecked_transaction()?;
    let found: Option<(u64, u64)> = tx
        .query_row("SELECT head_seq, rebased_at FROM docs WHERE name = ?1", [doc], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((head, rebased_at)) = found else {
        return Ok(Backlog::default());
    };
    let mut backlog = Backlog { head, ..Backlog::default() };
    let snapshot: Option<(u64, Vec<u8>, Author)> = tx
        .query_row("SELECT covers_seq, bytes, signer, signature FROM snapshots WHERE doc = ?1", [doc], |row| {
            Ok((row.get(0)?, row.get(1)?, Author { key: row.get(2)?, signature: row.get(3)? }))
        })
        .optional()?;
    let mut from = after_seq;
    if let Some((covers, bytes, author)) = snapshot
        && covers > after_seq
    {
        from = covers;
        backlog.snapshot = Some((covers, bytes, author));
        // The snapshot is at or after the re-base (nothing older is kept once re-based).
        backlog.rebased = after_seq < rebased_at;
    }
    let mut stmt = tx.prepare_cached(
        "SELECT seq, bytes, at_ms, signer, signature FROM chunks WHERE doc = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![doc, from], |row| {
        let author = Author { key: row.get(3)?, signature: row.get(4)? };
        Ok(LogChunk { seq: row.get(0)?, bytes: row.get(1)?, at_ms: row.get(2)?, author })
    })?;
    backlog.chunks = rows.collect::<Result<_, _>>()?;
    Ok(backlog)
}

/// The heads, 32 bytes each, as stored in one blob.
fn heads_blob(heads: &[Head]) -> Vec<u8> {
    heads.concat()
}

fn read_proposal(conn: &Connection, doc: &str) -> Result<Option<Proposal>> {
    let tx = conn.unchecked_transaction()?;
    let proposal: Option<(u64, Vec<u8>, String)> = tx
        .query_row("SELECT covers_seq, bytes, device FROM proposals WHERE doc = ?1", [doc], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((covers_seq, bytes, device)) = proposal else { return Ok(None) };
    let mut must_contain = Vec::new();
    let mut stmt = tx.prepare_cached("SELECT heads FROM chunks WHERE doc = ?1 AND seq <= ?2 ORDER BY seq")?;
    let mut rows = stmt.query(params![doc, covers_seq])?;
    while let Some(row) = rows.next()? {
        let blob: Vec<u8> = row.get(0)?;
        must_contain.extend(blob.chunks_exact(32).filter_map(|h| Head::try_from(h).ok()));
    }
    Ok(Some(Proposal { covers_seq, bytes, device, must_contain }))
}

struct Pending {
    doc: String,
    seq: u64,
    bytes: Vec<u8>,
    at_ms: i64,
    author: Author,
    origin: u64,
    new_doc: bool,
    rebase: bool,
}

fn writer_loop(mut conn: Connection, rx: mpsc::Receiver<Write>, limits: StoreLimits, publish: Publisher) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < limits.max_batch {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        commit_batch(&mut conn, batch, limits, &publish);
    }
    tracing::debug!("database writer stopped");
}

enum Outcome {
    Push(oneshot::Sender<Result<Appended, StoreError>>, Result<Appended, StoreError>),
    Propose(oneshot::Sender<Result<(), StoreError>>, Result<(), StoreError>),
    Settle(oneshot::Sender<Result<Settled, StoreError>>, Result<Settled, StoreError>),
    Read(oneshot::Sender<Result<(), StoreError>>, Result<(), StoreError>),
    Rebase(oneshot::Sender<Result<Result<u64, Moved>, StoreError>>, Result<Result<u64, Moved>, StoreError>),
    Retention(oneshot::Sender<Result<bool, StoreError>>, Result<bool, StoreError>),
}

impl Outcome {
    /// Answers the caller: with the outcome, or with `Closed` when the commit failed.
    fn answer(self, committed: bool) {
        match self {
            Outcome::Push(reply, result) => drop(reply.send(if committed { result } else { Err(StoreError::Closed) })),
            Outcome::Propose(reply, result) => {
                drop(reply.send(if committed { result } else { Err(StoreError::Closed) }))
            }
            Outcome::Settle(reply, result) => {
                drop(reply.send(if committed { result } else { Err(StoreError::Closed) }))
            }
            Outcome::Read(reply, result) => drop(reply.send(if committed { result } else { Err(StoreError::Closed) })),
            Outcome::Rebase(reply, result) => {
                drop(reply.send(if committed { result } else { Err(StoreError::Closed) }))
            }
            Outcome::Retention(reply, result) => {
                drop(reply.send(if committed { result } else { Err(StoreError::Closed) }))
            }
        }
    }
}

fn commit_batch(conn: &mut Connection, batch: Vec<Write>, limits: StoreLimits, publish: &Publisher) {
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut published = Vec::new();
    // Immediate: the write lock is taken (waiting up to the busy timeout) before anything is read,
    // so a device-registry write on another connection, or another process, makes the writer
    // wait rather than fail a batch that read a snapshot it can no longer write on.
    let tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(err) => {
            tracing::error!(%err, "cannot begin a transaction");
            fail_all(batch);
            return;
        }
    };
    for write in batch {
        match write {
            Write::Push { chunk, origin, basis, reply } => {
                let result = append(&tx, &chunk, basis, limits);
                if let Ok((appended, new_doc)) = &result
                    && appended.fresh
                {
                    let NewChunk { doc, bytes, at_ms, author, .. } = chunk;
                    let seq = appended.seq;
                    let new_doc = *new_doc;
                    published.push(Pending { doc, seq, bytes, at_ms, author, origin, new_doc, rebase: false });
                }
                outcomes.push(Outcome::Push(reply, result.map(|(a, _)| a).map_err(StoreError::from)));
            }
            Write::Propose { doc, covers_seq, bytes, device, author, basis, reply } => {
                let result = store_proposal(&tx, &doc, covers_seq, &bytes, &device, &author, basis);
                outcomes.push(Outcome::Propose(reply, result.map_err(StoreError::from)));
            }
            Write::Rebase { rebase, origin, reply } => {
                let result = rebase_in_savepoint(&tx, &rebase, limits);
                if let Ok(Ok(seq)) = result {
                    let Rebase { doc, bytes, at_ms, author, .. } = rebase;
                    published.push(Pending { doc, seq, bytes, at_ms, author, origin, new_doc: false, rebase: true });
                }
                outcomes.push(Outcome::Rebase(reply, result.map_err(StoreError::from)));
            }
            Write::Settle { doc, covers_seq, digest, checker, sound, reply } => {
                let result = settle(&tx, &doc, covers_seq, &digest, &checker, sound);
                outcomes.push(Outcome::Settle(reply, result.map_err(StoreError::from)));
            }
            Write::Read { doc, head, device, at_ms, reply } => {
                let entry = AuditEntry {
                    at_ms,
                    device,
                    action: AuditAction::Read,
                    doc,
                    seq: head,
                    size: 0,
                    sha256: None,
                    chunk: None,
                };
                outcomes.push(Outcome::Read(reply, audit_line(&tx, &entry).map_err(StoreError::from)));
            }
            Write::Retention { retention, device, at_ms, reply } => {
                let result = rules_in_savepoint(&tx, &retention, &device, at_ms);
                outcomes.push(Outcome::Retention(reply, result.map_err(StoreError::from)));
            }
        }
    }
    if let Err(err) = tx.commit() {
        tracing::error!(%err, "commit failed; nothing in this batch is acknowledged");
        outcomes.into_iter().for_each(|o| o.answer(false));
        return;
    }
    // Durable now: publish in sequence order, then acknowledge.
    for p in &published {
        publish(Committed {
            doc: &p.doc,
            seq: p.seq,
            bytes: &p.bytes,
            at_ms: p.at_ms,
            author: &p.author,
            origin: p.origin,
            new_doc: p.new_doc,
            rebase: p.rebase,
        });
    }
    outcomes.into_iter().for_each(|o| o.answer(true));
}

fn fail_all(batch: Vec<Write>) {
    for write in batch {
        match write {
            Write::Push { reply, .. } => drop(reply.send(Err(StoreError::Closed))),
            Write::Propose { reply, .. } => drop(reply.send(Err(StoreError::Closed))),
            Write::Settle { reply, .. } => drop(reply.send(Err(StoreError::Closed))),
            Write::Read { reply, .. } => drop(reply.send(Err(StoreError::Closed))),
            Write::Rebase { reply, .. } => drop(reply.send(Err(StoreError::Closed))),
            Write::Retention { reply, .. } => drop(reply.send(Err(StoreError::Closed))),
        }
    }
}

/// Writes one line of the audit log in the writer's transaction.
fn audit_line(tx: &rusqlite::Transaction<'_>, e: &AuditEntry) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit (at_ms, device, action, doc, seq, size, sha256, chunk)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.at_ms,
        e.device,
        e.action.as_str(),
        e.doc,
        e.seq,
        e.size,
        e.sha256.as_ref().map(|h| &h[..]),
        e.chunk.as_ref().map(|c| &c.0[..])
    ])?;
    Ok(())
}

/// The SHA-256 of stored bytes, as the audit log keeps it.
fn sha256(bytes: &[u8]) -> Head {
    Sha256::digest(bytes).into()
}

/// Appends a chunk in the writer's transaction; also says whether it was the document's first.
fn append(
    tx: &rusqlite::Transaction<'_>,
    chunk: &NewChunk,
    basis: Basis,
    limits: StoreLimits,
) -> Result<(Appended, bool)> {
    let NewChunk { doc, chunk_id, bytes, heads, device, at_ms, author } = chunk;
    let existing: Option<u64> = tx
        .prepare_cached("SELECT seq FROM chunks WHERE doc = ?1 AND chunk_id = ?2")?
        .query_row(params![doc, &chunk_id.0[..]], |row| row.get(0))
        .optional()?;
    if let Some(seq) = existing {
        return Ok((Appended { seq, fresh: false }, false));
    }
    // The re-base is read with the head: the rule costs a push no query of its own.
    let current: Option<(u64, u64, u64)> = tx
        .prepare_cached("SELECT head_seq, bytes, rebased_at FROM docs WHERE name = ?1")?
        .query_row([doc], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let (head, size, rebased_at) = current.unwrap_or((0, 0, 0));
    made_since(basis, rebased_at)?;
    if seals_in_the_clear(tx, doc, bytes)? {
        return Err(StoreError::InTheClear.into());
    }
    let len = bytes.len() as u64;
    if size + len > limits.max_doc_bytes {
        return Err(StoreError::DocTooLarge { limit: limits.max_doc_bytes }.into());
    }
    let (docs_made, bytes_held): (u64, u64) = tx
        .prepare_cached("SELECT docs, bytes FROM device_usage WHERE device = ?1")?
        .query_row([device], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .unwrap_or((0, 0));
    let new_doc = current.is_none();
    if new_doc && docs_made >= limits.max_docs_per_device {
        return Err(StoreError::QuotaExceeded { what: "documents", limit: limits.max_docs_per_device }.into());
    }
    if bytes_held + len > limits.max_bytes_per_device {
        return Err(StoreError::QuotaExceeded { what: "bytes", limit: limits.max_bytes_per_device }.into());
    }
    let seq = head + 1;
    tx.prepare_cached(
        "INSERT INTO chunks (doc, seq, chunk_id, bytes, heads, device, at_ms, signer, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        doc,
        seq,
        &chunk_id.0[..],
        bytes,
        heads_blob(heads),
        device,
        at_ms,
        author.key,
        author.signature
    ])?;
    tx.prepare_cached(
        "INSERT INTO docs (name, head_seq, bytes, created_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET head_seq = excluded.head_seq, bytes = docs.bytes + ?3",
    )?
    .execute(params![doc, seq, len, device])?;
    tx.prepare_cached(
        "INSERT INTO device_usage (device, docs, bytes) VALUES (?1, ?2, ?3)
         ON CONFLICT (device) DO UPDATE SET docs = device_usage.docs + ?2, bytes = device_usage.bytes + ?3",
    )?
    .execute(params![device, new_doc as u64, len])?;
    let line = AuditEntry {
        at_ms: *at_ms,
        device: device.clone(),
        action: AuditAction::Push,
        doc: doc.clone(),
        seq,
        size: len,
        sha256: Some(sha256(bytes)),
        chunk: Some(*chunk_id),
    };
    audit_line(tx, &line)?;
    Ok((Appended { seq, fresh: true }, new_doc))
}

/// Refuses a write made on `basis` when the document was re-based after it (at `rebased_at`).
fn made_since(basis: Basis, rebased_at: u64) -> Result<()> {
    match basis {
        Basis::Subscribed(from) if from < rebased_at => Err(StoreError::Rebased { at: rebased_at }.into()),
        _ => Ok(()),
    }
}

/// Whether `bytes` are in the clear for a document whose scope has a key epoch (checked in the
/// transaction that would store them: a new epoch is committed before or after, never between).
fn seals_in_the_clear(tx: &rusqlite::Transaction<'_>, doc: &str, bytes: &[u8]) -> Result<bool> {
    if bytes.starts_with(&MAGIC) {
        return Ok(false);
    }
    let Some(scope) = frontdesk_protocol::Area::of(doc).and_then(frontdesk_protocol::Area::scope) else {
        return Ok(false);
    };
    let sealed: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM epochs WHERE scope = ?1)")?
        .query_row([scope.as_str()], |row| row.get(0))?;
    Ok(sealed)
}

/// The bytes of `doc`'s chunks up to `seq` no longer count for the devices that pushed them
/// (a proven snapshot covers them, or the document is emptied).
fn give_back(tx: &rusqlite::Transaction<'_>, doc: &str, seq: u64) -> Result<()> {
    let mut freed: Vec<(String, u64)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT device, SUM(length(bytes)) FROM chunks WHERE doc = ?1 AND seq <= ?2 GROUP BY device",
        )?;
        let rows = stmt.query_map(params![doc, seq.min(i64::MAX as u64)], |row| Ok((row.get(0)?, row.get(1)?)))?;
        for row in rows {
            freed.push(row?);
        }
    }
    for (device, bytes) in freed {
        tx.prepare_cached("UPDATE device_usage SET bytes = max(bytes - ?2, 0) WHERE device = ?1")?
            .execute(params![device, bytes])?;
    }
    Ok(())
}

/// [`Store::clear_docs`] in one transaction.
fn clear(conn: &mut Connection, docs: &[String]) -> Result<u64> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut cleared = 0;
    for doc in docs {
        cleared += u64::from(empty_doc(&tx, doc)?);
    }
    tx.commit()?;
    Ok(cleared)
}

/// Deletes a document's chunks, snapshot and proposal and gives their bytes back to the devices
/// that pushed them; its name and sequence stay. Says whether it held anything.
fn empty_doc(tx: &rusqlite::Transaction<'_>, doc: &str) -> Result<bool> {
    give_back(tx, doc, u64::MAX)?;
    let held = tx.execute("DELETE FROM chunks WHERE doc = ?1", [doc])?
        + tx.execute("DELETE FROM snapshots WHERE doc = ?1", [doc])?
        + tx.execute("DELETE FROM proposals WHERE doc = ?1", [doc])?;
    tx.execute("UPDATE docs SET bytes = 0 WHERE name = ?1", [doc])?;
    Ok(held > 0)
}

/// [`Store::expire_docs`] in one transaction: each document emptied, and a line of the audit log
/// (no device: the relay did it) for each that held anything, with its head and the bytes it
/// held.
fn expire(conn: &mut Connection, docs: &[String], at_ms: i64) -> Result<u64> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut expired = 0;
    for doc in docs {
        let found: Option<(u64, u64)> = tx
            .prepare_cached("SELECT head_seq, bytes FROM docs WHERE name = ?1")?
            .query_row([doc], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let Some((head, size)) = found else { continue };
        if empty_doc(&tx, doc)? {
            let line = AuditEntry {
                at_ms,
                device: String::new(),
                action: AuditAction::Expire,
                doc: doc.clone(),
                seq: head,
                size,
                sha256: None,
                chunk: None,
            };
            audit_line(&tx, &line)?;
            expired += 1;
        }
    }
    tx.commit()?;
    Ok(expired)
}

/// What [`AuditAction::Retention`] names as its document.
const RETENTION_DOC: &str = "retention";

/// The retention rules kept, one row per area.
fn read_rules(conn: &Connection) -> Result<Retention> {
    let mut stmt = conn.prepare_cached("SELECT area, days FROM retention")?;
    let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
    let mut rules = Vec::new();
    for row in rows {
        let (area, days) = row?;
        let area: Area =
            area.parse().map_err(|e: frontdesk_protocol::UnknownArea| StoreError::Corrupt(e.to_string()))?;
        let days = u32::try_from(days).map_err(|_| StoreError::Corrupt(format!("a rule of {days} days for {area}")))?;
        rules.push(Rule { area, days });
    }
    Ok(Retention::new(rules).map_err(|e| StoreError::Corrupt(format!("the retention rules kept: {e}")))?)
}

/// [`Store::set_retention`] in a savepoint of the writer's transaction: the rules replaced and the
/// change logged, or nothing when they are the rules kept.
fn rules_in_savepoint(tx: &rusqlite::Transaction<'_>, retention: &Retention, device: &str, at_ms: i64) -> Result<bool> {
    tx.execute_batch("SAVEPOINT retention")?;
    let result = set_rules(tx, retention, device, at_ms);
    let end = if result.is_ok() { "RELEASE retention" } else { "ROLLBACK TO retention; RELEASE retention" };
    tx.execute_batch(end)?;
    result
}

fn set_rules(tx: &rusqlite::Transaction<'_>, retention: &Retention, device: &str, at_ms: i64) -> Result<bool> {
    // Rules this build cannot read (a later version's) are replaced, not a reason to refuse.
    if read_rules(tx).ok().as_ref() == Some(retention) {
        return Ok(false);
    }
    tx.execute("DELETE FROM retention", [])?;
    for rule in &retention.rules {
        tx.execute("INSERT INTO retention (area, days) VALUES (?1, ?2)", params![rule.area.as_str(), rule.days])?;
    }
    let line = AuditEntry {
        at_ms,
        device: device.to_owned(),
        action: AuditAction::Retention,
        doc: RETENTION_DOC.to_owned(),
        seq: 0,
        size: retention.rules.len() as u64,
        sha256: None,
        chunk: None,
    };
    audit_line(tx, &line)?;
    Ok(true)
}

/// [`rebase_doc`] in a savepoint of the writer's transaction, with deleted cells overwritten
/// with zeros (in the file and in the WAL's new frames): a re-base that fails half-way leaves
/// nothing of itself in the batch that commits around it.
fn rebase_in_savepoint(
    tx: &rusqlite::Transaction<'_>,
    rebase: &Rebase,
    limits: StoreLimits,
) -> Result<Result<u64, Moved>> {
    tx.execute_batch("SAVEPOINT rebase")?;
    let result = rebase_doc(tx, rebase, limits);
    let end = if matches!(result, Ok(Ok(_))) { "RELEASE rebase" } else { "ROLLBACK TO rebase; RELEASE rebase" };
    tx.execute_batch(end)?;
    result
}

/// [`Store::rebase`] in the writer's transaction: refused unless the head is `after_seq`; then
/// every chunk (heads included), snapshot and proposal of the document go, and the fresh bytes
/// are its snapshot at `after_seq + 1`, where the head and the re-base mark move.
fn rebase_doc(tx: &rusqlite::Transaction<'_>, rebase: &Rebase, limits: StoreLimits) -> Result<Result<u64, Moved>> {
    let Rebase { doc, after_seq, bytes, device, at_ms, author } = rebase;
    let head: Option<u64> = tx
        .prepare_cached("SELECT head_seq FROM docs WHERE name = ?1")?
        .query_row([doc], |row| row.get(0))
        .optional()?;
    let Some(head) = head else {
        return Err(StoreError::UnknownDoc(doc.clone()).into());
    };
    if head != *after_seq {
        return Ok(Err(Moved { after_seq: *after_seq, head }));
    }
    if seals_in_the_clear(tx, doc, bytes)? {
        return Err(StoreError::InTheClear.into());
    }
    // Counted as a snapshot: against the document's size, not against the device's quota.
    let len = bytes.len() as u64;
    if len > limits.max_doc_bytes {
        return Err(StoreError::DocTooLarge { limit: limits.max_doc_bytes }.into());
    }
    let covers = head + 1;
    give_back(tx, doc, u64::MAX)?;
    tx.execute("DELETE FROM chunks WHERE doc = ?1", [doc])?;
    tx.execute("DELETE FROM proposals WHERE doc = ?1", [doc])?;
    // Deleted, not updated in place: the old row's cells are freed, and so overwritten.
    tx.execute("DELETE FROM snapshots WHERE doc = ?1", [doc])?;
    tx.execute(
        "INSERT INTO snapshots (doc, covers_seq, bytes, signer, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![doc, covers, bytes, author.key, author.signature],
    )?;
    tx.execute(
        "UPDATE docs SET head_seq = ?2, bytes = ?3, rebased_at = ?2, rebased_by = ?4 WHERE name = ?1",
        params![doc, covers, len, device],
    )?;
    let line = AuditEntry {
        at_ms: *at_ms,
        device: device.clone(),
        action: AuditAction::Rebase,
        doc: doc.clone(),
        seq: covers,
        size: len,
        sha256: Some(sha256(bytes)),
        chunk: None,
    };
    audit_line(tx, &line)?;
    Ok(Ok(covers))
}

/// The document's head, the seq its stored snapshot covers (0 without one) and the seq of its
/// latest re-base (0 if never).
fn head_and_snapshot(tx: &rusqlite::Transaction<'_>, doc: &str) -> Result<(u64, u64, u64)> {
    let found: Option<(u64, u64)> = tx
        .query_row("SELECT head_seq, rebased_at FROM docs WHERE name = ?1", [doc], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((head, rebased_at)) = found else {
        return Err(StoreError::UnknownDoc(doc.to_owned()).into());
    };
    let covered: Option<u64> =
        tx.query_row("SELECT covers_seq FROM snapshots WHERE doc = ?1", [doc], |row| row.get(0)).optional()?;
    Ok((head, covered.unwrap_or(0), rebased_at))
}

fn store_proposal(
    tx: &rusqlite::Transaction<'_>,
    doc: &str,
    covers_seq: u64,
    bytes: &[u8],
    device: &str,
    author: &Author,
    basis: Basis,
) -> Result<()> {
    let (head, covered, rebased_at) = head_and_snapshot(tx, doc)?;
    made_since(basis, rebased_at)?;
    if covers_seq > head {
        return Err(StoreError::SnapshotAhead { covers_seq, head }.into());
    }
    if seals_in_the_clear(tx, doc, bytes)? {
        return Err(StoreError::InTheClear.into());
    }
    let waiting: Option<u64> =
        tx.query_row("SELECT covers_seq FROM proposals WHERE doc = ?1", [doc], |row| row.get(0)).optional()?;
    // A sealed snapshot may take the place of one in the clear of the same coverage (encryption
    // turned on since: the devices replace what was stored in the clear).
    let replaces_clear = covers_seq == covered && bytes.starts_with(&MAGIC) && {
        let clear: Option<bool> = tx
            .query_row(
                "SELECT substr(bytes, 1, 4) != ?2 FROM snapshots WHERE doc = ?1",
                params![doc, &MAGIC[..]],
                |row| row.get(0),
            )
            .optional()?;
        clear == Some(true)
    };
    if (covers_seq <= covered && !replaces_clear) || waiting.is_some_and(|w| w > covers_seq) {
        return Ok(()); // nothing newer than what is there
    }
    tx.execute(
        "INSERT INTO proposals (doc, covers_seq, bytes, device, signer, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (doc) DO UPDATE SET covers_seq = excluded.covers_seq, bytes = excluded.bytes,
                                         device = excluded.device, signer = excluded.signer,
                                         signature = excluded.signature",
        params![doc, covers_seq, bytes, device, author.key, author.signature],
    )?;
    let line = AuditEntry {
        at_ms: now_ms(),
        device: device.to_owned(),
        action: AuditAction::Snapshot,
        doc: doc.to_owned(),
        seq: covers_seq,
        size: bytes.len() as u64,
        sha256: Some(sha256(bytes)),
        chunk: None,
    };
    audit_line(tx, &line)
}

fn settle(
    tx: &rusqlite::Transaction<'_>,
    doc: &str,
    covers_seq: u64,
    digest: &Head,
    checker: &str,
    sound: bool,
) -> Result<Settled> {
    let waiting: Option<(u64, String, Vec<u8>)> = tx
        .query_row("SELECT covers_seq, device, bytes FROM proposals WHERE doc = ?1", [doc], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((waiting_covers, proposer, bytes)) = waiting else { return Ok(Settled::Stale) };
    // A verdict is about the bytes the checker was sent: another proposal of the same seq may
    // have taken their place since.
    if waiting_covers != covers_seq || Sha256::digest(&bytes).as_slice() != digest {
        return Ok(Settled::Stale);
    }
    if proposer == checker {
        return Ok(Settled::OwnProposal);
    }
    // The checker's verdict is a line of the audit log: who vouched for (or refused) which
    // snapshot, named by the same SHA-256 as its proposal's line.
    let verdict = AuditEntry {
        at_ms: now_ms(),
        device: checker.to_owned(),
        action: if sound { AuditAction::Proven } else { AuditAction::Rejected },
        doc: doc.to_owned(),
        seq: covers_seq,
        size: bytes.len() as u64,
        sha256: Some(*digest),
        chunk: None,
    };
    audit_line(tx, &verdict)?;
    if !sound {
        tx.execute("DELETE FROM proposals WHERE doc = ?1", [doc])?;
        return Ok(Settled::Rejected { proposer });
    }
    tx.execute(
        "INSERT INTO snapshots (doc, covers_seq, bytes, signer, signature)
         SELECT doc, covers_seq, bytes, signer, signature FROM proposals WHERE doc = ?1
         ON CONFLICT (doc) DO UPDATE SET covers_seq = excluded.covers_seq, bytes = excluded.bytes,
                                         signer = excluded.signer, signature = excluded.signature",
        [doc],
    )?;
    tx.execute("DELETE FROM proposals WHERE doc = ?1", [doc])?;
    give_back(tx, doc, covers_seq)?;
    // The bytes go; the row stays, with the heads it declared.
    tx.execute("UPDATE chunks SET bytes = x'' WHERE doc = ?1 AND seq <= ?2", params![doc, covers_seq])?;
    let size: u64 = tx.query_row(
        "SELECT COALESCE((SELECT SUM(length(bytes)) FROM chunks WHERE doc = ?1), 0)
              + (SELECT length(bytes) FROM snapshots WHERE doc = ?1)",
        [doc],
        |row| row.get(0),
    )?;
    tx.execute("UPDATE docs SET bytes = ?2 WHERE name = ?1", params![doc, size])?;
    Ok(Settled::Proven)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A data folder from before pairing kept a hash of each device's bearer token: opened by
    /// this relay, the hashes are gone from the file, the devices stay (listed, revocable) and
    /// none of them can connect until it pairs again.
    #[tokio::test]
    async fn a_database_with_token_hashes_loses_them_and_keeps_its_devices() {
        let data = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(data.path().join(FILE_NAME)).unwrap();
            conn.execute_batch(
                "CREATE TABLE devices (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                     token_sha256 BLOB NOT NULL UNIQUE, revoked INTEGER NOT NULL DEFAULT 0,
                     created_at TEXT NOT NULL DEFAULT (datetime('now'))) STRICT;
                 INSERT INTO devices (id, name, role, token_sha256) VALUES ('d1', 'Old desk', 'staff', x'5ec2e75ec2e7');",
            )
            .unwrap();
        }
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let old = store.device_key("d1").await.unwrap().expect("still registered");
        assert_eq!((old.device.name.as_str(), old.device.role, old.public_key), ("Old desk", Role::Staff, None));
        store.close().await.unwrap();
        let raw = std::fs::read(data.path().join(FILE_NAME)).unwrap();
        assert!(!raw.windows(6).any(|w| w == [0x5e, 0xc2, 0xe7, 0x5e, 0xc2, 0xe7]), "the token hash is still there");
    }

    /// A reconnect storm's reads wait for the pool's connections instead of each opening its own
    /// on a blocking thread of its own (which left 5,000 reconnected devices' relay ~45 MB larger).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_reads_at_once_share_the_pools_connections() {
        let data = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let reads = (0..300).map(|i| store.backlog(if i % 2 == 0 { "kiosk" } else { "site" }, 0));
        let backlogs = futures_util::future::join_all(reads).await;
        assert!(backlogs.iter().all(|b| b.as_ref().is_ok_and(|b| b.head == 0)));
        let opened = store.inner.opened.load(std::sync::atomic::Ordering::Relaxed);
        assert!((1..=POOL).contains(&opened), "{opened} read connections opened for 300 reads");
        store.close().await.unwrap();
    }

    /// A data folder from before protocol 10: a document re-based then gets its re-base's device
    /// from the audit log, so the History still vouches for the entries that re-base copied.
    #[tokio::test]
    async fn a_database_from_before_rebased_by_learns_it_from_the_audit_log() {
        let data = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(data.path().join(FILE_NAME)).unwrap();
            conn.execute_batch(
                "CREATE TABLE docs (name TEXT PRIMARY KEY, head_seq INTEGER NOT NULL,
                     bytes INTEGER NOT NULL DEFAULT 0, rebased_at INTEGER NOT NULL DEFAULT 0) STRICT;
                 CREATE TABLE audit (at_ms INTEGER NOT NULL, device TEXT NOT NULL, action TEXT NOT NULL,
                     doc TEXT NOT NULL, seq INTEGER NOT NULL, size INTEGER NOT NULL, sha256 BLOB) STRICT;
                 INSERT INTO docs (name, head_seq, rebased_at) VALUES ('clients', 6, 6), ('day/d', 2, 0),
                     ('insurance', 3, 3);
                 INSERT INTO audit VALUES (1, 'm1', 'rebase', 'clients', 4, 9, NULL),
                     (2, 'd1', 'push', 'clients', 5, 3, NULL), (3, 'm2', 'rebase', 'clients', 6, 9, NULL),
                     (4, 'd1', 'push', 'day/d', 2, 3, NULL);",
            )
            .unwrap();
        }
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let clients = store.rebased_by("clients").await.unwrap().map(|s| s.device);
        assert_eq!(clients.as_deref(), Some("m2"), "the latest re-base's device");
        assert_eq!(store.rebased_by("day/d").await.unwrap(), None, "never re-based");
        assert_eq!(store.rebased_by("insurance").await.unwrap(), None, "re-based, but the log no longer says by whom");
        store.close().await.unwrap();
    }

    /// A data folder from before re-bases (protocol 7): its documents are read as never re-based,
    /// and can be.
    #[tokio::test]
    async fn a_database_from_before_rebases_gets_their_column() {
        let data = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(data.path().join(FILE_NAME)).unwrap();
            conn.execute_batch(
                "CREATE TABLE docs (name TEXT PRIMARY KEY, head_seq INTEGER NOT NULL,
                     bytes INTEGER NOT NULL DEFAULT 0) STRICT;
                 INSERT INTO docs (name, head_seq) VALUES ('clients', 3);",
            )
            .unwrap();
        }
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        assert_eq!(store.rebased_at("clients").await.unwrap(), 0);
        assert_eq!(store.backlog("clients", 0).await.unwrap(), Backlog { head: 3, ..Backlog::default() });
        let rebase = Rebase {
            doc: "clients".into(),
            after_seq: 3,
            bytes: b"fresh".to_vec(),
            device: "m1".into(),
            at_ms: 1,
            author: Author::default(),
        };
        assert_eq!(store.rebase(rebase, 0).await.unwrap(), Ok(4));
        assert_eq!(store.rebased_at("clients").await.unwrap(), 4);
        store.close().await.unwrap();
    }

    /// A data folder from before retention rules (protocol 8) keeps none, and takes some that
    /// stay; its documents are untouched.
    #[tokio::test]
    async fn a_database_from_before_retention_gets_its_table() {
        let data = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(data.path().join(FILE_NAME)).unwrap();
            conn.execute_batch(
                "CREATE TABLE docs (name TEXT PRIMARY KEY, head_seq INTEGER NOT NULL,
                     bytes INTEGER NOT NULL DEFAULT 0) STRICT;
                 INSERT INTO docs (name, head_seq) VALUES ('day/2020-01-01', 3);",
            )
            .unwrap();
        }
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        assert_eq!(store.retention().await.unwrap(), Retention::default());
        let rules = Retention::new([Rule { area: Area::Day, days: 30 }]).unwrap();
        assert!(store.set_retention(&rules, "m1", 1).await.unwrap());
        store.close().await.unwrap();
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        assert_eq!(store.retention().await.unwrap(), rules);
        assert_eq!(store.backlog("day/2020-01-01", 0).await.unwrap().head, 3);
        store.close().await.unwrap();
    }

    /// A data folder from before chunk ids in the audit log (protocol 9): its table gets the
    /// column and the index on it; its push lines are read as having no chunk id (so no time is
    /// found for them), a new push's is found, through the index.
    #[tokio::test]
    async fn a_database_from_before_chunk_ids_in_the_audit_log_gets_the_column_and_its_index() {
        let data = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(data.path().join(FILE_NAME)).unwrap();
            conn.execute_batch(
                "CREATE TABLE audit (at_ms INTEGER NOT NULL, device TEXT NOT NULL, action TEXT NOT NULL,
                     doc TEXT NOT NULL, seq INTEGER NOT NULL, size INTEGER NOT NULL, sha256 BLOB) STRICT;
                 INSERT INTO audit VALUES (7, 'd1', 'push', 'clients', 1, 3, NULL);",
            )
            .unwrap();
        }
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        let old = store.audit(&AuditQuery::default()).await.unwrap();
        assert_eq!((old.len(), old[0].action, old[0].chunk), (1, AuditAction::Push, None));
        let chunk = |n: u8| NewChunk {
            doc: "clients".into(),
            chunk_id: ChunkId([n; 16]),
            bytes: vec![n; 3],
            heads: vec![],
            device: "d1".into(),
            at_ms: 9,
            author: Author::default(),
        };
        store.push(chunk(2), 0).await.unwrap();
        let found = store.stored_at("clients", &[ChunkId([1; 16]), ChunkId([2; 16])]).await.unwrap();
        let found: Vec<(ChunkId, i64, &str)> = found.iter().map(|s| (s.chunk, s.at_ms, s.by.device.as_str())).collect();
        assert_eq!(found, [(ChunkId([2; 16]), 9, "d1")]);
        let plan: Vec<String> = store
            .with_connection(|conn| {
                let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {STORED_AT}"))?;
                let rows = stmt.query_map(params!["clients", &[2u8; 16][..]], |row| row.get::<_, String>(3))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .await
            .unwrap();
        assert!(
            plan.len() == 1 && plan[0].contains("USING INDEX audit_by_chunk") && !plan[0].contains("TEMP B-TREE"),
            "a push line is found by its index, in its order: {plan:?}"
        );
        store.close().await.unwrap();
    }

    /// Rules this build cannot take (an area no rule may name, as a later version might write)
    /// are refused as corrupt when read, and replaced by the next rules set.
    #[tokio::test]
    async fn rules_it_cannot_read_are_replaced_by_the_next_ones_set() {
        let data = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_admin_in(data.path()).unwrap();
        store
            .with_connection(|conn| Ok(conn.execute("INSERT INTO retention (area, days) VALUES ('clients', 5)", [])?))
            .await
            .unwrap();
        assert!(matches!(store.retention().await, Err(StoreError::Corrupt(_))));
        let rules = Retention::new([Rule { area: Area::Inbox, days: 7 }]).unwrap();
        assert!(store.set_retention(&rules, "m1", 1).await.unwrap());
        assert_eq!(store.retention().await.unwrap(), rules);
        store.close().await.unwrap();
    }
}
