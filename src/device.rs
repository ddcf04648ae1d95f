//! A running device: its documents, durable storage, sync client and socket, wired to signals.
//!
//! A local change is applied to the replica, saved in IndexedDB (document and outbox in one
//! durable transaction), shown, and only then sent. Remote chunks are applied, shown, and saved
//! in batches together with the cursor they bring the document to.

use frontdesk_core::sorting::SortDyn;
use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::rc::{Rc, Weak};

use automerge::AutoCommit;
use frontdesk_core::replica::DocEdit;
use frontdesk_core::{Connection, Effect, Replica, SyncClient, SyncEvent, SyncStatus};
use frontdesk_protocol::ChunkId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use crate::settings::{DeviceSettings, Mode};
use crate::storage::{StorageError, Store, StoredChunk, Write};

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Random bytes from the browser's cryptographic generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        // No crypto source at all: fall back to Math.random, still unique enough for ids.
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// A device's data and its link to the relay.
pub struct Device {
    pub mode: Mode,
    pub settings: RefCell<DeviceSettings>,
    /// What the sync badge shows.
    pub status: RwSignal<SyncStatus>,
    /// Bumped whenever a document changed, so views re-read them.
    pub revision: RwSignal<u64>,
    /// A storage problem the user must know about.
    pub storage_problem: RwSignal<Option<StorageError>>,
    /// Whether the browser agreed to keep this device's data under storage pressure (`None`
    /// until it answered, or if it cannot say).
    pub persistent: RwSignal<Option<bool>>,
    /// `staff` or `manager` (or `kiosk`), as the relay last said.
    pub role: RwSignal<String>,
    store: Store,
    state: RefCell<State>,
    socket: RefCell<Option<Socket>>,
    generation: Cell<u32>,
    flush_scheduled: Cell<bool>,
    ticker: RefCell<Option<gloo_timers::callback::Interval>>,
    /// The last result of each [`Device::read_cached`], with the heads it was read at.
    cache: RefCell<HashMap<CacheKey, Cached>>,
}

/// A cached read: the document, the reading function and what it returns.
type CacheKey = (String, usize, TypeId);
/// The heads a cached read was made at, and its result.
type Cached = (Vec<automerge::ChangeHash>, Rc<dyn Any>);

struct State {
    client: SyncClient,
    replica: Replica,
    dirty: BTreeSet<String>,
    watches: Vec<String>,
}

struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

impl Device {
    /// Opens storage, loads what it holds, and starts syncing `docs` and the documents under `watches`.
    pub async fn start(
        mode: Mode,
        settings: DeviceSettings,
        docs: Vec<String>,
        watches: Vec<String>,
    ) -> Result<Rc<Device>, StorageError> {
        let store = Store::open(mode.database()).await?;
        let stored = store.load_docs(&docs, &watches).await?;
        let mut outbox = store.load_outbox().await?;
        // Chunks spilled to localStorage while IndexedDB was full belong to the outbox too.
        for chunk in crate::spill::all(mode) {
            if !outbox.iter().any(|c| c.id == chunk.id) {
                outbox.push(chunk);
            }
        }
        outbox.sort_dyn_by(|a, b| a.order.total_cmp(&b.order));
        let mut replica = Replica::new(random_bytes());
        let mut cursors = Vec::new();
        for doc in stored {
            match replica.load(&doc.name, &doc.bytes) {
                Ok(()) => cursors.push((doc.name, doc.cursor)),
                // Keep going: the relay will send the document again from the start.
                Err(err) => leptos::logging::warn!("stored document {} unreadable: {err}", doc.name),
            }
        }
        let outbox = outbox.into_iter().map(|c| (c.id, c.doc, c.bytes));
        let mut client = SyncClient::new(settings.token.clone(), cursors, outbox);
        // Held and followed documents get the changes not yet acknowledged (a document first
        // written while storage was full may exist only as outbox chunks).
        let mut held: BTreeSet<String> = replica.names().map(str::to_owned).collect();
        held.extend(docs.iter().cloned());
        for doc in &held {
            apply_unacknowledged(&mut replica, &client, doc);
        }
        for doc in &docs {
            client.subscribe(doc);
        }
        for prefix in &watches {
            client.watch(prefix);
        }
        let status = RwSignal::new(client.status());
        let role = RwSignal::new(settings.role.clone());
        let device = Rc::new(Device {
            mode,
            settings: RefCell::new(settings),
            status,
            revision: RwSignal::new(0),
            storage_problem: RwSignal::new(None),
            persistent: RwSignal::new(None),
            role,
            store,
            state: RefCell::new(State { client, replica, dirty: BTreeSet::new(), watches }),
            socket: RefCell::new(None),
            generation: Cell::new(0),
            flush_scheduled: Cell::new(false),
            ticker: RefCell::new(None),
            cache: RefCell::new(HashMap::new()),
        });
        let weak = Rc::downgrade(&device);
        *device.ticker.borrow_mut() = Some(gloo_timers::callback::Interval::new(1_000, move || {
            if let Some(device) = weak.upgrade() {
                device.event(SyncEvent::Tick);
            }
        }));
        device.event(SyncEvent::Tick);
        let persistent = device.persistent;
        spawn_local(async move {
            // Ask the browser not to evict our data under storage pressure (a kiosk or tablet
            // installed as an app is usually granted this); a desk says so when it is refused.
            let granted = crate::storage::request_persistence().await;
            leptos::logging::log!("persistent storage: {granted:?}");
            persistent.set(granted);
        });
        Ok(device)
    }

    /// Stops syncing (the page is going away).
    pub fn stop(&self) {
        self.ticker.borrow_mut().take();
        self.generation.set(self.generation.get().wrapping_add(1));
        self.socket.borrow_mut().take();
    }

    /// Reads a document (if held) with `f`.
    pub fn read<R>(&self, doc: &str, f: impl FnOnce(&automerge::Automerge) -> R) -> Option<R> {
        let mut state = self.state.borrow_mut();
        state.replica.get(doc).map(f)
    }

    /// Reads a document (if held) with `read`, reusing the last result while the document is
    /// unchanged (same heads). Views re-read on every change to any document; with a year of
    /// clients or claims, reading them again for a change elsewhere cost hundreds of milliseconds.
    pub fn read_cached<T: Clone + 'static>(&self, doc: &str, read: fn(&automerge::Automerge) -> T) -> Option<T> {
        let heads = {
            let mut state = self.state.borrow_mut();
            state.replica.get(doc)?;
            state.replica.heads(doc)
        };
        let key = (doc.to_owned(), read as usize, TypeId::of::<T>());
        if let Some((seen, value)) = self.cache.borrow().get(&key)
            && *seen == heads
            && let Some(value) = value.downcast_ref::<T>()
        {
            return Some(value.clone());
        }
        let value = self.read(doc, read)?;
        self.cache.borrow_mut().insert(key, (heads, Rc::new(value.clone())));
        Some(value)
    }

    /// Starts following more documents (a calendar day browsed to): loads what storage holds of
    /// them and subscribes. Documents already followed are left alone.
    pub async fn follow(self: &Rc<Self>, names: Vec<String>) {
        let new: Vec<String> = {
            let state = self.state.borrow();
            names.into_iter().filter(|n| state.client.cursor(n).is_none()).collect()
        };
        if new.is_empty() {
            return;
        }
        // Every name is subscribed, whether storage held it or not.
        let loaded = self.load_stored(&new, &[]).await;
        let effects = {
            let mut state = self.state.borrow_mut();
            let State { replica, client, .. } = &mut *state;
            for name in new.iter().filter(|n| !loaded.contains(n)) {
                apply_unacknowledged(replica, client, name);
            }
            new.iter().flat_map(|name| state.client.subscribe(name)).collect::<Vec<_>>()
        };
        self.revision.update(|r| *r += 1);
        self.run(effects);
    }

    /// Loads from storage the documents named, or under the prefixes, that are not held yet, and
    /// sets their cursors; returns the names loaded (not yet subscribed).
    async fn load_stored(&self, names: &[String], prefixes: &[String]) -> Vec<String> {
        let stored = match self.store.load_docs(names, prefixes).await {
            Ok(stored) => stored,
            Err(err) => {
                leptos::logging::warn!("could not read stored documents: {err}");
                Vec::new()
            }
        };
        let mut state = self.state.borrow_mut();
        let mut loaded = Vec::new();
        for doc in stored {
            if state.client.cursor(&doc.name).is_some() {
                continue;
            }
            let State { replica, client, .. } = &mut *state;
            match replica.load(&doc.name, &doc.bytes) {
                Ok(()) => {
                    client.set_cursor(&doc.name, doc.cursor);
                    apply_unacknowledged(replica, client, &doc.name);
                    loaded.push(doc.name);
                }
                Err(err) => leptos::logging::warn!("stored document {} unreadable: {err}", doc.name),
            }
        }
        loaded
    }

    /// Starts watching for documents under `prefix` (a manager's time clocks): loads those
    /// storage holds, subscribes them, and asks the relay for the others as they appear.
    pub async fn watch(self: &Rc<Self>, prefix: String) {
        if self.state.borrow().watches.contains(&prefix) {
            return;
        }
        let loaded = self.load_stored(&[], std::slice::from_ref(&prefix)).await;
        let effects = {
            let mut state = self.state.borrow_mut();
            let mut effects = Vec::new();
            for name in &loaded {
                effects.extend(state.client.subscribe(name));
            }
            state.watches.push(prefix.clone());
            effects.extend(state.client.watch(&prefix));
            effects
        };
        self.revision.update(|r| *r += 1);
        self.run(effects);
    }

    /// Names of the documents held that start with `prefix`.
    pub fn docs_under(&self, prefix: &str) -> Vec<String> {
        self.state.borrow().replica.names().filter(|n| n.starts_with(prefix)).map(str::to_owned).collect()
    }

    /// Makes a local change, saves it durably, shows it, then sends it.
    pub async fn change(
        self: &Rc<Self>,
        doc: &str,
        edit: impl FnOnce(&mut AutoCommit) -> Result<(), String>,
    ) -> Result<(), String> {
        // A document not loaded yet (still to follow after start) is loaded first: a change must
        // land on what storage holds, never on an empty stand-in saved over it.
        self.follow(vec![doc.to_owned()]).await;
        let (chunk, saved, cursor) = {
            let mut state = self.state.borrow_mut();
            let ((), chunk) = state.replica.change(doc, edit).map_err(|e| e.to_string())?;
            let saved = state.replica.save(doc);
            let cursor = state.client.cursor(doc).unwrap_or(0);
            (chunk, saved, cursor)
        };
        if chunk.is_empty() {
            return Ok(());
        }
        let id = ChunkId(random_bytes());
        let writes = vec![
            Write::Doc { name: doc.to_owned(), bytes: saved, cursor },
            Write::OutboxPut(StoredChunk { id, doc: doc.to_owned(), bytes: chunk.clone(), order: js_sys::Date::now() }),
        ];
        self.commit_then_push(writes, id, doc, chunk).await;
        Ok(())
    }

    /// Changes several documents as one: all the edits are made, then saved in one storage
    /// transaction (an order and the stock it takes are on disk together or not at all), then
    /// sent. If any edit fails, none is kept.
    pub async fn change_all(self: &Rc<Self>, edits: Vec<(String, DocEdit)>) -> Result<(), String> {
        self.follow(edits.iter().map(|(doc, _)| doc.clone()).collect()).await;
        let mut writes = Vec::new();
        let mut chunks = Vec::new();
        {
            let mut state = self.state.borrow_mut();
            let made = state.replica.change_all(edits).map_err(|e| e.to_string())?;
            for (doc, chunk) in made {
                let saved = state.replica.save(&doc);
                let cursor = state.client.cursor(&doc).unwrap_or(0);
                let id = ChunkId(random_bytes());
                writes.push(Write::Doc { name: doc.clone(), bytes: saved, cursor });
                writes.push(Write::OutboxPut(StoredChunk {
                    id,
                    doc: doc.clone(),
                    bytes: chunk.clone(),
                    order: js_sys::Date::now(),
                }));
                chunks.push((id, doc, chunk));
            }
        }
        if chunks.is_empty() {
            return Ok(());
        }
        self.save_change(writes).await;
        self.revision.update(|r| *r += 1);
        for (id, doc, chunk) in chunks {
            let effects = self.state.borrow_mut().client.push(id, &doc, chunk);
            self.run(effects);
        }
        Ok(())
    }

    /// [`Device::change_all`] from a click handler; `done` gets the outcome.
    pub fn change_all_soon(
        self: &Rc<Self>,
        edits: Vec<(String, DocEdit)>,
        what: &'static str,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        let device = self.clone();
        spawn_local(async move {
            let result = device.change_all(edits).await;
            if let Err(err) = &result {
                leptos::logging::error!("saving {what} failed: {err}");
            }
            done(result);
        });
    }

    /// Who is making a change on this device (its name at the relay), and when.
    pub fn stamp(&self) -> frontdesk_core::schedule::Stamp {
        frontdesk_core::schedule::Stamp { by: self.settings.borrow().name.clone(), at_ms: now_ms() }
    }

    /// [`Device::change`] from a click handler, which cannot wait for it: `done` gets the outcome
    /// (a failure is also logged, with `what` was being saved).
    pub fn change_soon(
        self: &Rc<Self>,
        doc: String,
        what: &'static str,
        edit: impl FnOnce(&mut AutoCommit) -> Result<(), String> + 'static,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        let device = self.clone();
        spawn_local(async move {
            let result = device.change(&doc, edit).await;
            if let Err(err) = &result {
                leptos::logging::error!("saving {what} failed: {err}");
            }
            done(result);
        });
    }

    /// Queues a chunk made outside any held document (a kiosk's check-in, a punch of the time
    /// clock), which the screen confirms at once (the visitor's ticket).
    ///
    /// Before this returns, the chunk is written ahead to localStorage: a synchronous write,
    /// handed to the browser process before the call returns, so a tab that crashes right after
    /// the ticket shows still has it (the next start puts it back in the outbox). Then it is saved
    /// in IndexedDB's outbox with strict durability (which survives losing power, ~20 ms later on
    /// this machine), the localStorage copy is dropped, and it is sent.
    pub fn submit(self: &Rc<Self>, doc: &str, chunk: Vec<u8>) {
        let stored =
            StoredChunk { id: ChunkId(random_bytes()), doc: doc.to_owned(), bytes: chunk, order: js_sys::Date::now() };
        let written_ahead = crate::spill::put(self.mode, &stored);
        let device = self.clone();
        spawn_local(async move {
            let (id, doc, chunk) = (stored.id, stored.doc.clone(), stored.bytes.clone());
            let saved = device.save_change(vec![Write::OutboxPut(stored)]).await;
            if saved && written_ahead {
                crate::spill::remove(device.mode, &id);
            }
            device.revision.update(|r| *r += 1);
            let effects = device.state.borrow_mut().client.push(id, &doc, chunk);
            device.run(effects);
        });
    }

    async fn commit_then_push(self: &Rc<Self>, writes: Vec<Write>, id: ChunkId, doc: &str, chunk: Vec<u8>) {
        self.save_change(writes).await;
        self.revision.update(|r| *r += 1);
        let effects = self.state.borrow_mut().client.push(id, doc, chunk);
        self.run(effects);
    }

    /// Saves a local change's writes in one transaction. If storage is full, the change's outbox
    /// chunks are still kept — in IndexedDB alone (the document saves are the large part), else
    /// spilled to localStorage — so a change the screen shows is never only in memory; the
    /// document is rebuilt from them on the next start. Either way the user is told, and the
    /// change is sent all the same. True if every write was saved as asked.
    async fn save_change(&self, writes: Vec<Write>) -> bool {
        let chunks: Vec<StoredChunk> = writes
            .iter()
            .filter_map(|w| match w {
                Write::OutboxPut(chunk) => Some(chunk.clone()),
                _ => None,
            })
            .collect();
        let problem = match self.store.commit(writes).await {
            Ok(()) => {
                // There is room again: a full-storage warning no longer holds.
                if matches!(self.storage_problem.get_untracked(), Some(StorageError::Full | StorageError::NotKept)) {
                    self.storage_problem.set(None);
                }
                return true;
            }
            // Out of space (some browsers report it as another error): the chunks alone, then
            // localStorage.
            Err(err) if !chunks.is_empty() => {
                let outbox_only = chunks.iter().cloned().map(Write::OutboxPut).collect();
                let kept = match self.store.commit(outbox_only).await {
                    Ok(()) => true,
                    Err(_) => chunks.iter().all(|c| crate::spill::put(self.mode, c)),
                };
                if kept { err } else { StorageError::NotKept }
            }
            Err(err) => err,
        };
        leptos::logging::error!("saving a change failed: {problem}");
        self.storage_problem.set(Some(problem));
        false
    }

    fn event(self: &Rc<Self>, event: SyncEvent) {
        let jitter = js_sys::Math::random();
        let effects = self.state.borrow_mut().client.handle(event, now_ms(), jitter);
        self.run(effects);
    }

    fn run(self: &Rc<Self>, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Open => self.open_socket(),
                Effect::Send(frame) => {
                    if let Some(socket) = self.socket.borrow().as_ref()
                        && socket.ws.ready_state() == WebSocket::OPEN
                    {
                        let _ = socket.ws.send_with_u8_array(&frame);
                    }
                }
                Effect::Close => {
                    self.generation.set(self.generation.get().wrapping_add(1));
                    let had_socket = self.socket.borrow_mut().take().is_some();
                    if had_socket {
                        let jitter = js_sys::Math::random();
                        let more = self.state.borrow_mut().client.handle(
                            SyncEvent::Closed { code: 1000, reason: "closed by this device".into() },
                            now_ms(),
                            jitter,
                        );
                        queue.extend(more);
                    }
                }
                Effect::Apply { doc, bytes, .. } => {
                    let mut state = self.state.borrow_mut();
                    match state.replica.apply(&doc, &bytes) {
                        Ok(_) => {
                            state.dirty.insert(doc);
                        }
                        Err(err) => leptos::logging::warn!("chunk for {doc} skipped: {err}"),
                    }
                    drop(state);
                    self.schedule_flush();
                }
                Effect::Acked { chunk_id } => {
                    crate::spill::remove(self.mode, &chunk_id);
                    let commit = self.store.commit(vec![Write::OutboxDelete(chunk_id)]);
                    spawn_local(async move {
                        if let Err(err) = commit.await {
                            leptos::logging::warn!("could not clear an acknowledged change: {err}");
                        }
                    });
                }
                Effect::DocExists { doc } => {
                    let mut state = self.state.borrow_mut();
                    let watched = state.watches.iter().any(|p| doc.starts_with(p.as_str()));
                    if watched && state.client.cursor(&doc).is_none() {
                        queue.extend(state.client.subscribe(&doc));
                    }
                }
                Effect::WantSnapshot { doc, covers_seq } => {
                    let mut state = self.state.borrow_mut();
                    let bytes = state.replica.save(&doc);
                    queue.extend(state.client.snapshot(&doc, covers_seq, bytes));
                }
                Effect::Status => {
                    let status = self.state.borrow().client.status();
                    if let Connection::Online { device, name, role } = &status.connection {
                        let mut settings = self.settings.borrow_mut();
                        let role = role_name(*role);
                        if settings.device != *device || settings.name != *name || settings.role != role {
                            settings.device = device.clone();
                            settings.name = name.clone();
                            settings.role = role.to_owned();
                            settings.save(self.mode);
                            self.role.set(role.to_owned());
                        }
                    }
                    self.status.set(status);
                }
            }
        }
    }

    /// Saves changed documents and refreshes views, a moment later, in one go.
    fn schedule_flush(self: &Rc<Self>) {
        if self.flush_scheduled.replace(true) {
            return;
        }
        let weak = Rc::downgrade(self);
        gloo_timers::callback::Timeout::new(30, move || {
            if let Some(device) = weak.upgrade() {
                device.flush();
            }
        })
        .forget();
    }

    fn flush(self: &Rc<Self>) {
        self.flush_scheduled.set(false);
        let writes: Vec<Write> = {
            let mut state = self.state.borrow_mut();
            let dirty = std::mem::take(&mut state.dirty);
            dirty
                .into_iter()
                .map(|name| {
                    let bytes = state.replica.save(&name);
                    let cursor = state.client.cursor(&name).unwrap_or(0);
                    Write::Doc { name, bytes, cursor }
                })
                .collect()
        };
        if writes.is_empty() {
            return;
        }
        self.revision.update(|r| *r += 1);
        let commit = self.store.commit(writes);
        let problem = self.storage_problem;
        spawn_local(async move {
            if let Err(err) = commit.await {
                leptos::logging::error!("saving synced documents failed: {err}");
                problem.set(Some(err));
            }
        });
    }

    fn open_socket(self: &Rc<Self>) {
        let generation = self.generation.get().wrapping_add(1);
        self.generation.set(generation);
        self.socket.borrow_mut().take();
        let url = self.settings.borrow().sync_url();
        let ws = match WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(_) => {
                self.event(SyncEvent::Closed { code: 1006, reason: format!("cannot open {url}") });
                return;
            }
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        let current = move |weak: &Weak<Device>| weak.upgrade().filter(|d| d.generation.get() == generation);

        let weak = Rc::downgrade(self);
        let on_open = Closure::<dyn FnMut()>::new(move || {
            if let Some(device) = current(&weak) {
                device.event(SyncEvent::Opened);
            }
        });
        let weak = Rc::downgrade(self);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(device) = current(&weak)
                && let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>()
            {
                device.event(SyncEvent::Frame(js_sys::Uint8Array::new(&buffer).to_vec()));
            }
        });
        let weak = Rc::downgrade(self);
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            if let Some(device) = current(&weak) {
                device.generation.set(generation.wrapping_add(1));
                let old = device.socket.borrow_mut().take();
                device.event(SyncEvent::Closed { code: event.code(), reason: event.reason() });
                // This handler belongs to `old`: drop it after the handler has returned.
                gloo_timers::callback::Timeout::new(0, move || drop(old)).forget();
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        *self.socket.borrow_mut() =
            Some(Socket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close });
    }
}

/// Applies to a document just loaded the chunks of it the relay has not acknowledged yet: they
/// are in the document already, unless its save failed for lack of space (applying a change
/// twice does nothing).
fn apply_unacknowledged(replica: &mut Replica, client: &SyncClient, doc: &str) {
    for bytes in client.unacknowledged(doc) {
        if let Err(err) = replica.apply(doc, bytes) {
            leptos::logging::warn!("an unsent change to {doc} could not be applied: {err}");
        }
    }
}

/// The name a role is remembered by.
fn role_name(role: frontdesk_protocol::Role) -> &'static str {
    match role {
        frontdesk_protocol::Role::Kiosk => "kiosk",
        frontdesk_protocol::Role::Staff => "staff",
        frontdesk_protocol::Role::Manager => "manager",
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        self.stop();
    }
}
