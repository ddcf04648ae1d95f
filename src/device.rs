//! The browser's driver of the device core: IndexedDB, localStorage, a WebSocket and a timer
//! carry out what [`DeviceCore`] asks, and its state reaches the screen through signals.
//!
//! Every decision — what to save with which cursor, when to show and send a change, what to do
//! when storage is full, what to follow — is the core's (`frontdesk_core::device`), tested
//! natively and driven the same way by the convergence simulation.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use frontdesk_core::device::{Effect, SaveId, Start, StorageError};
use frontdesk_core::{Connection, DeviceCore, SyncEvent, SyncStatus};
use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device_key::DeviceKey;
use crate::platform::{now_ms, random_bytes};
use crate::read_cache::ReadCache;
use crate::relay_socket::RelaySocket;
use crate::settings::{DeviceSettings, Mode};
use crate::storage::Store;

mod credential;
mod crypto;
mod edits;
mod erase;
mod keeping;

/// What a device does once it learns it was revoked.
pub type OnRevoked = Box<dyn Fn(&Device)>;

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
    /// Whether the browser agreed to keep this device's data (`None`: not answered, or cannot say).
    pub persistent: RwSignal<Option<bool>>,
    /// `staff` or `manager` (or `kiosk`), as the relay last said.
    pub role: RwSignal<String>,
    /// The relay's last answer to this manager's device (an `AdminReply`, for the screen that asked).
    pub admin: RwSignal<Option<Vec<u8>>>,
    /// Who is signed in on this shared tablet (their name), if anyone: changes are stamped with it.
    pub person: RefCell<Option<String>>,
    /// The key this device proves itself with.
    key: DeviceKey,
    /// The keys it seals and opens documents with.
    keys: crypto::KeyTable,
    /// What to do once the relay says this device was revoked (called once).
    on_revoked: RefCell<Option<OnRevoked>>,
    pub(crate) store: Store,
    /// Keys are being installed from this device's envelopes (one run at a time).
    installing: Cell<bool>,
    /// Envelopes that did not open (damaged, or not for this device): not tried again.
    pub(crate) unopened: RefCell<Vec<Vec<u8>>>,
    /// The heads of its envelopes document when keys were last installed from it.
    envelope_heads: RefCell<Vec<automerge::ChangeHash>>,
    core: RefCell<DeviceCore>,
    socket: RefCell<Option<RelaySocket>>,
    generation: Cell<u32>,
    flush_scheduled: Cell<bool>,
    ticker: RefCell<Option<gloo_timers::callback::Interval>>,
    cache: ReadCache,
    /// Local changes waiting to be kept ([`Effect::Kept`]), and re-bases to be stored.
    waiting: RefCell<Vec<(SaveId, oneshot::Sender<()>)>>,
    rebases: RefCell<Vec<(String, oneshot::Sender<bool>)>>,
}

impl Device {
    /// Opens storage, loads what it holds, and starts syncing `docs` and the documents under `watches`.
    pub async fn start(
        mode: Mode,
        settings: DeviceSettings,
        key: DeviceKey,
        docs: Vec<String>,
        watches: Vec<String>,
    ) -> Result<Rc<Device>, StorageError> {
        let store = Store::open(mode.database()).await?;
        let keys = crypto::KeyTable::from_stored(&store.load_keys_record(crypto::HELD).await?);
        let mut docs = docs;
        docs.extend(crypto::key_documents(&settings));
        let (core, effects) = DeviceCore::start(Start {
            device: settings.device.clone(),
            signer: <[u8; 32]>::try_from(key.public.as_slice()).unwrap_or([0; 32]),
            seed: random_bytes(),
            docs: store.load_docs(&docs, &watches).await?,
            outbox: store.load_outbox().await?,
            written_ahead: crate::spill::all(mode),
            follow: docs,
            watch: watches,
            keys: keys.held(),
        });
        let device = Rc::new(Device {
            mode,
            status: RwSignal::new(core.status()),
            role: RwSignal::new(settings.role.clone()),
            admin: RwSignal::new(None),
            person: RefCell::new(None),
            key,
            keys,
            on_revoked: RefCell::new(None),
            settings: RefCell::new(settings),
            revision: RwSignal::new(0),
            storage_problem: RwSignal::new(None),
            persistent: RwSignal::new(None),
            store,
            installing: Cell::new(false),
            unopened: RefCell::new(Vec::new()),
            envelope_heads: RefCell::new(Vec::new()),
            core: RefCell::new(core),
            socket: RefCell::new(None),
            generation: Cell::new(0),
            flush_scheduled: Cell::new(false),
            ticker: RefCell::new(None),
            cache: ReadCache::default(),
            waiting: RefCell::new(Vec::new()),
            rebases: RefCell::new(Vec::new()),
        });
        device.run(effects);
        // Envelopes kept before a crash but not opened yet.
        device.install_keys();
        let weak = Rc::downgrade(&device);
        *device.ticker.borrow_mut() = Some(gloo_timers::callback::Interval::new(1_000, move || {
            if let Some(device) = weak.upgrade() {
                device.event(SyncEvent::Tick);
            }
        }));
        device.event(SyncEvent::Tick);
        crate::storage::ask_to_persist(device.persistent);
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
        self.core.borrow_mut().doc(doc).map(f)
    }

    /// Reads a document (if held) with `read`, reusing the last result while its heads are the same.
    pub fn read_cached<T: Clone + 'static>(&self, doc: &str, read: fn(&automerge::Automerge) -> T) -> Option<T> {
        let mut core = self.core.borrow_mut();
        core.doc(doc)?;
        let heads = core.heads(doc);
        self.cache.get_or_read(doc, read, heads, || core.doc(doc).map(read))
    }

    /// Names of the documents held that start with `prefix`.
    pub fn docs_under(&self, prefix: &str) -> Vec<String> {
        self.core.borrow().names_under(prefix)
    }

    /// When the relay received a drop box's record, if this device saw it arrive.
    pub fn received(&self, doc: &str, key: &str) -> Option<i64> {
        self.core.borrow().received(doc, key)
    }

    fn event(self: &Rc<Self>, event: SyncEvent) {
        let tick = event == SyncEvent::Tick;
        let effects = self.core.borrow_mut().handle(event, now_ms(), js_sys::Math::random());
        self.run(effects);
        self.keep_if_due(tick);
    }

    fn saved(self: &Rc<Self>, id: SaveId, result: Result<(), StorageError>) {
        let effects = self.core.borrow_mut().saved(id, result);
        self.run(effects);
    }

    /// Carries out the core's effects. A save's transaction is created here, synchronously, so
    /// transactions commit in the order the core asked for them.
    fn run(self: &Rc<Self>, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Open => self.open_socket(),
                Effect::Send(frame) => {
                    if let Some(socket) = self.socket.borrow().as_ref() {
                        socket.send(&frame);
                    }
                }
                Effect::Close => {
                    self.generation.set(self.generation.get().wrapping_add(1));
                    if self.socket.borrow_mut().take().is_some() {
                        self.event(SyncEvent::Closed { code: 1000, reason: "closed by this device".into() });
                    }
                }
                Effect::WriteAhead(entry) => {
                    if !crate::spill::put(self.mode, &entry) {
                        let more = self.core.borrow_mut().write_ahead_failed(entry.id);
                        self.run(more);
                    }
                }
                Effect::ForgetWriteAhead(id) => crate::spill::remove(self.mode, &id),
                Effect::Save { id, writes } => {
                    let commit = self.store.commit(writes);
                    let device = self.clone();
                    spawn_local(async move { device.saved(id, commit.await) });
                }
                Effect::FlushSoon => self.schedule_flush(),
                Effect::Changed => {
                    self.revision.update(|r| *r += 1);
                    self.install_keys();
                }
                Effect::Kept(id) => {
                    let mut waiting = self.waiting.borrow_mut();
                    if let Some(at) = waiting.iter().position(|(save, _)| *save == id) {
                        let _ = waiting.swap_remove(at).1.send(());
                    }
                }
                Effect::Problem(problem) => {
                    if let Some(problem) = &problem {
                        leptos::logging::error!("saving failed: {problem}");
                    }
                    self.storage_problem.set(problem);
                }
                Effect::Warn(warning) => leptos::logging::warn!("{warning}"),
                Effect::Status => self.show_status(),
                Effect::Crypto { id, op } => self.crypto(id, op),
                Effect::Admin(reply) => self.admin.set(Some(reply)),
                erasure @ (Effect::Rebased { .. } | Effect::Remake { .. }) => self.erasure(erasure),
                Effect::Expired { doc } => self.expired(doc),
            }
        }
    }

    /// The badge, and the name and role the relay gave this device (remembered for offline starts).
    fn show_status(&self) {
        let status = self.core.borrow().status();
        if let Connection::Refused { why: frontdesk_core::Refusal::Revoked, .. } = status.connection {
            let then = self.on_revoked.borrow_mut().take();
            if let Some(then) = then {
                then(self);
            }
        }
        if let Connection::Online { device, name, role } = &status.connection
            && self.settings.borrow_mut().remember_relay_identity(self.mode, device, name, *role)
        {
            self.role.set(role.as_str().to_owned());
        }
        self.status.set(status);
    }

    /// Saves received documents a moment later, in one go.
    fn schedule_flush(self: &Rc<Self>) {
        if self.flush_scheduled.replace(true) {
            return;
        }
        let weak = Rc::downgrade(self);
        gloo_timers::callback::Timeout::new(30, move || {
            if let Some(device) = weak.upgrade() {
                device.flush_scheduled.set(false);
                let effects = device.core.borrow_mut().flush();
                device.run(effects);
            }
        })
        .forget();
    }

    fn open_socket(self: &Rc<Self>) {
        let generation = self.generation.get().wrapping_add(1);
        self.generation.set(generation);
        self.socket.borrow_mut().take();
        let weak = Rc::downgrade(self);
        let url = DeviceSettings::sync_url();
        let opened = RelaySocket::open(&url, move |event| {
            // Events of a socket this device has since replaced are ignored.
            let Some(device) = weak.upgrade().filter(|d| d.generation.get() == generation) else { return };
            if let SyncEvent::Closed { .. } = event {
                device.generation.set(generation.wrapping_add(1));
                let old = device.socket.borrow_mut().take();
                device.event(event);
                // This handler belongs to `old`: drop it after the handler has returned.
                gloo_timers::callback::Timeout::new(0, move || drop(old)).forget();
            } else {
                device.event(event);
            }
        });
        match opened {
            Ok(socket) => *self.socket.borrow_mut() = Some(socket),
            Err(closed) => self.event(closed),
        }
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        self.stop();
    }
}
