//! Durable storage: per-document append-only chunk logs, snapshots and device tokens in SQLite.
//!
//! All writes go through one writer thread that commits in groups (one fsync for a burst of
//! pushes) and only then answers and publishes, so an acknowledged chunk is always on disk and
//! subscribers see each document's chunks in sequence order.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

use frontdesk_protocol::{ChunkId, Role};

/// A storage failure; the relay reports it to the client and keeps serving.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the document would exceed {limit} bytes")]
    DocTooLarge { limit: u64 },
    #[error("the store is shut down")]
    Closed,
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

/// A device known to the relay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub revoked: bool,
}

/// The result of a push: where the chunk sits in the log, and whether it was new.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    pub seq: u64,
    pub fresh: bool,
}

/// A chunk that has just been committed, handed to the publisher in commit order.
pub struct Committed<'a> {
    pub doc: &'a str,
    pub seq: u64,
    pub bytes: &'a [u8],
    pub origin: u64,
    pub new_doc: bool,
}

/// What a subscriber is sent to catch up.
#[derive(Debug, Default)]
pub struct Backlog {
    pub snapshot: Option<(u64, Vec<u8>)>,
    pub chunks: Vec<(u64, Vec<u8>)>,
    pub head: u64,
}

type Publisher = Box<dyn Fn(Committed<'_>) + Send>;

enum Write {
    Push {
        doc: String,
        chunk_id: ChunkId,
        bytes: Vec<u8>,
        origin: u64,
        reply: oneshot::Sender<Result<Appended, StoreError>>,
    },
    Snapshot {
        doc: String,
        covers_seq: u64,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

/// Limits the store enforces.
#[derive(Clone, Copy, Debug)]
pub struct StoreLimits {
    /// Largest total of a document's stored chunks and snapshot, in bytes.
    pub max_doc_bytes: u64,
    /// Most writes committed in one transaction.
    pub max_batch: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits { max_doc_bytes: 64 * 1024 * 1024, max_batch: 512 }
    }
}

/// The relay's database.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<Write>>>,
    writer_thread: Mutex<Option<JoinHandle<()>>>,
    readers: Mutex<Vec<Connection>>,
}

const SCHEMA: &str = "
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
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_sha256 BLOB NOT NULL UNIQUE,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
) STRICT;
";

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

impl Store {
    /// Opens (creating if needed) the database at `path`; `publish` is called after each commit.
    pub fn open(
        path: &Path,
        limits: StoreLimits,
        publish: impl Fn(Committed<'_>) + Send + 'static,
    ) -> Result<Arc<Store>, StoreError> {
        let conn = open_connection(path)?;
        conn.execute_batch(SCHEMA)?;
        let (tx, rx) = mpsc::channel();
        let publish: Publisher = Box::new(publish);
        let handle = std::thread::Builder::new()
            .name("relay-db-writer".into())
            .spawn(move || writer_loop(conn, rx, limits, publish))
            .map_err(|e| StoreError::Corrupt(format!("cannot start writer thread: {e}")))?;
        Ok(Arc::new(Store {
            path: path.to_owned(),
            writer: Mutex::new(Some(tx)),
            writer_thread: Mutex::new(Some(handle)),
            readers: Mutex::new(Vec::new()),
        }))
    }

    /// Opens the database for administration (no writer thread, no publishing).
    pub fn open_admin(path: &Path) -> Result<Connection, StoreError> {
        let conn = open_connection(path)?;
        conn.execute_batch(SCHEMA)?;
        Ok(conn)
    }

    fn send(&self, write: Write) -> Result<(), StoreError> {
        let guard = self.writer.lock().map_err(|_| StoreError::Closed)?;
        guard.as_ref().ok_or(StoreError::Closed)?.send(write).map_err(|_| StoreError::Closed)
    }

    /// Appends a chunk; the returned future resolves once it is committed. Re-sending a chunk id
    /// returns its first seq.
    ///
    /// The chunk is queued for the writer when this is *called*, not when the future is first
    /// polled: pushes a connection makes one after the other get sequence numbers in that order
    /// even though each commit is awaited in a task of its own. (A device's later change depends
    /// on its earlier one; a reader given them the other way round would hold the later one back
    /// while its cursor already covered it.)
    pub fn push(
        &self,
        doc: &str,
        chunk_id: ChunkId,
        bytes: Vec<u8>,
        origin: u64,
    ) -> impl std::future::Future<Output = Result<Appended, StoreError>> + Send + 'static {
        let (reply, rx) = oneshot::channel();
        let queued = self.send(Write::Push { doc: doc.to_owned(), chunk_id, bytes, origin, reply });
        async move {
            queued?;
            rx.await.map_err(|_| StoreError::Closed)?
        }
    }

    /// Stores a snapshot and drops the chunks it covers, once durable.
    pub async fn snapshot(&self, doc: &str, covers_seq: u64, bytes: Vec<u8>) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.send(Write::Snapshot { doc: doc.to_owned(), covers_seq, bytes, reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs a read on a pooled connection off the async runtime.
    pub async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = match store.readers.lock().ok().and_then(|mut pool| pool.pop()) {
                Some(conn) => conn,
                None => open_connection(&store.path)?,
            };
            let result = f(&conn);
            if let Ok(mut pool) = store.readers.lock()
                && pool.len() < 8
            {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }

    /// Finds the device a token belongs to.
    pub async fn device_by_token(self: &Arc<Self>, token: &str) -> Result<Option<Device>, StoreError> {
        let hash = token_hash(token);
        self.read(move |conn| device_by_token_hash(conn, &hash)).await
    }

    /// Everything a subscriber after `after_seq` needs.
    pub async fn backlog(self: &Arc<Self>, doc: &str, after_seq: u64) -> Result<Backlog, StoreError> {
        let doc = doc.to_owned();
        self.read(move |conn| read_backlog(conn, &doc, after_seq)).await
    }

    /// Names of the documents that start with `prefix`.
    pub async fn docs_with_prefix(self: &Arc<Self>, prefix: &str) -> Result<Vec<String>, StoreError> {
        let prefix = prefix.to_owned();
        self.read(move |conn| {
            let mut stmt =
                conn.prepare_cached("SELECT name FROM docs WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name")?;
            let rows = stmt.query_map([&prefix], |row| row.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// Runs SQLite's integrity check; `Ok(())` when the database is sound.
    pub async fn integrity_check(self: &Arc<Self>) -> Result<(), StoreError> {
        self.read(|conn| {
            let verdict: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
            if verdict == "ok" { Ok(()) } else { Err(StoreError::Corrupt(verdict)) }
        })
        .await
    }

    /// Stops accepting writes, lets the writer finish what it has, and waits for it.
    pub fn close(&self) {
        if let Ok(mut writer) = self.writer.lock() {
            writer.take();
        }
        if let Some(handle) = self.writer_thread.lock().ok().and_then(|mut h| h.take()) {
            let _ = handle.join();
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.close();
    }
}

fn device_by_token_hash(conn: &Connection, hash: &[u8]) -> Result<Option<Device>, StoreError> {
    let row = conn
        .prepare_cached("SELECT id, name, role, revoked FROM devices WHERE token_sha256 = ?1")?
        .query_row([hash], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, bool>(3)?))
        })
        .optional()?;
    row.map(|(id, name, role, revoked)| {
        let role = role.parse().map_err(StoreError::Corrupt)?;
        Ok(Device { id, name, role, revoked })
    })
    .transpose()
}

fn read_backlog(conn: &Connection, doc: &str, after_seq: u64) -> Result<Backlog, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let head: Option<u64> =
        tx.query_row("SELECT head_seq FROM docs WHERE name = ?1", [doc], |row| row.get(0)).optional()?;
    let Some(head) = head else {
        return Ok(Backlog::default());
    };
    let mut backlog = Backlog { head, ..Backlog::default() };
    let snapshot: Option<(u64, Vec<u8>)> = tx
        .query_row("SELECT covers_seq, bytes FROM snapshots WHERE doc = ?1", [doc], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let mut from = after_seq;
    if let Some((covers, bytes)) = snapshot
        && covers > after_seq
    {
        from = covers;
        backlog.snapshot = Some((covers, bytes));
    }
    let mut stmt = tx.prepare_cached("SELECT seq, bytes FROM chunks WHERE doc = ?1 AND seq > ?2 ORDER BY seq")?;
    let rows = stmt.query_map(params![doc, from], |row| Ok((row.get(0)?, row.get(1)?)))?;
    backlog.chunks = rows.collect::<Result<_, _>>()?;
    Ok(backlog)
}

/// Registers a new device and returns its id and secret token (shown once, stored hashed).
pub fn add_device(conn: &Connection, name: &str, role: Role) -> Result<(String, String), StoreError> {
    use rand::RngCore;
    let mut raw = [0u8; 24];
    rand::rng().fill_bytes(&mut raw);
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let mut id_raw = [0u8; 6];
    rand::rng().fill_bytes(&mut id_raw);
    let id: String = id_raw.iter().map(|b| format!("{b:02x}")).collect();
    conn.execute(
        "INSERT INTO devices (id, name, role, token_sha256) VALUES (?1, ?2, ?3, ?4)",
        params![id, name, role.as_str(), token_hash(&token)],
    )?;
    Ok((id, token))
}

/// Lists every registered device.
pub fn list_devices(conn: &Connection) -> Result<Vec<Device>, StoreError> {
    let mut stmt = conn.prepare("SELECT id, name, role, revoked FROM devices ORDER BY created_at, id")?;
    let rows = stmt.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, bool>(3)?))
    })?;
    rows.map(|row| {
        let (id, name, role, revoked) = row?;
        Ok(Device { id, name, role: role.parse().map_err(StoreError::Corrupt)?, revoked })
    })
    .collect()
}

/// Revokes a device; returns whether it existed.
pub fn revoke_device(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.execute("UPDATE devices SET revoked = 1 WHERE id = ?1", [id])? > 0)
}

struct Pending {
    doc: String,
    seq: u64,
    bytes: Vec<u8>,
    origin: u64,
    new_doc: bool,
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
    Snapshot(oneshot::Sender<Result<(), StoreError>>, Result<(), StoreError>),
}

fn commit_batch(conn: &mut Connection, batch: Vec<Write>, limits: StoreLimits, publish: &Publisher) {
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut published = Vec::new();
    let tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(err) => {
            tracing::error!(%err, "cannot begin a transaction");
            fail_all(batch);
            return;
        }
    };
    for write in batch {
        match write {
            Write::Push { doc, chunk_id, bytes, origin, reply } => {
                let result = append(&tx, &doc, chunk_id, &bytes, limits);
                if let Ok((appended, new_doc)) = &result
                    && appended.fresh
                {
                    published.push(Pending { doc, seq: appended.seq, bytes, origin, new_doc: *new_doc });
                }
                outcomes.push(Outcome::Push(reply, result.map(|(a, _)| a)));
            }
            Write::Snapshot { doc, covers_seq, bytes, reply } => {
                let result = store_snapshot(&tx, &doc, covers_seq, &bytes);
                outcomes.push(Outcome::Snapshot(reply, result));
            }
        }
    }
    if let Err(err) = tx.commit() {
        tracing::error!(%err, "commit failed; nothing in this batch is acknowledged");
        for outcome in outcomes {
            match outcome {
                Outcome::Push(reply, _) => drop(reply.send(Err(StoreError::Closed))),
                Outcome::Snapshot(reply, _) => drop(reply.send(Err(StoreError::Closed))),
            }
        }
        return;
    }
    // Durable now: publish in sequence order, then acknowledge.
    for p in &published {
        publish(Committed { doc: &p.doc, seq: p.seq, bytes: &p.bytes, origin: p.origin, new_doc: p.new_doc });
    }
    for outcome in outcomes {
        match outcome {
            Outcome::Push(reply, result) => drop(reply.send(result)),
            Outcome::Snapshot(reply, result) => drop(reply.send(result)),
        }
    }
}

fn fail_all(batch: Vec<Write>) {
    for write in batch {
        match write {
            Write::Push { reply, .. } => drop(reply.send(Err(StoreError::Closed))),
            Write::Snapshot { reply, .. } => drop(reply.send(Err(StoreError::Closed))),
        }
    }
}

fn append(
    tx: &rusqlite::Transaction<'_>,
    doc: &str,
    chunk_id: ChunkId,
    bytes: &[u8],
    limits: StoreLimits,
) -> Result<(Appended, bool), StoreError> {
    let existing: Option<u64> = tx
        .prepare_cached("SELECT seq FROM chunks WHERE doc = ?1 AND chunk_id = ?2")?
        .query_row(params![doc, &chunk_id.0[..]], |row| row.get(0))
        .optional()?;
    if let Some(seq) = existing {
        return Ok((Appended { seq, fresh: false }, false));
    }
    let current: Option<(u64, u64)> = tx
        .prepare_cached("SELECT head_seq, bytes FROM docs WHERE name = ?1")?
        .query_row([doc], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let (head, size) = current.unwrap_or((0, 0));
    let len = bytes.len() as u64;
    if size + len > limits.max_doc_bytes {
        return Err(StoreError::DocTooLarge { limit: limits.max_doc_bytes });
    }
    let seq = head + 1;
    tx.prepare_cached("INSERT INTO chunks (doc, seq, chunk_id, bytes) VALUES (?1, ?2, ?3, ?4)")?.execute(params![
        doc,
        seq,
        &chunk_id.0[..],
        bytes
    ])?;
    tx.prepare_cached(
        "INSERT INTO docs (name, head_seq, bytes) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET head_seq = excluded.head_seq, bytes = docs.bytes + ?3",
    )?
    .execute(params![doc, seq, len])?;
    Ok((Appended { seq, fresh: true }, current.is_none()))
}

fn store_snapshot(tx: &rusqlite::Transaction<'_>, doc: &str, covers_seq: u64, bytes: &[u8]) -> Result<(), StoreError> {
    let head: Option<u64> =
        tx.query_row("SELECT head_seq FROM docs WHERE name = ?1", [doc], |row| row.get(0)).optional()?;
    let Some(head) = head else {
        return Err(StoreError::Corrupt(format!("snapshot of unknown document {doc}")));
    };
    if covers_seq > head {
        return Err(StoreError::Corrupt(format!("snapshot covers {covers_seq} but {doc} ends at {head}")));
    }
    let previous: Option<u64> =
        tx.query_row("SELECT covers_seq FROM snapshots WHERE doc = ?1", [doc], |row| row.get(0)).optional()?;
    if previous.is_some_and(|p| p >= covers_seq) {
        return Ok(()); // an older or equal snapshot changes nothing
    }
    tx.execute(
        "INSERT INTO snapshots (doc, covers_seq, bytes) VALUES (?1, ?2, ?3)
         ON CONFLICT (doc) DO UPDATE SET covers_seq = excluded.covers_seq, bytes = excluded.bytes",
        params![doc, covers_seq, bytes],
    )?;
    tx.execute("DELETE FROM chunks WHERE doc = ?1 AND seq <= ?2", params![doc, covers_seq])?;
    let size: u64 = tx.query_row(
        "SELECT COALESCE((SELECT SUM(length(bytes)) FROM chunks WHERE doc = ?1), 0)
              + (SELECT length(bytes) FROM snapshots WHERE doc = ?1)",
        [doc],
        |row| row.get(0),
    )?;
    tx.execute("UPDATE docs SET bytes = ?2 WHERE name = ?1", params![doc, size])?;
    Ok(())
}
