//! The canary (issue 19, "done means"): a week of a medical office's front-office work — every
//! document the seed generator writes (the business and its services, clients with phones and
//! notes, bookings, calls, invoices and payments, claims, staffing, payroll) and a visitor's
//! check-in at the kiosk — goes through the real relay binary from native devices that run the
//! app's device core with the native ciphers. The relay is SIGKILLed while the manager's tablet
//! pushes, and started again. Afterwards a staff desk has read it all back through the relay;
//! and nothing the relay keeps — its database, WAL and shared-memory files page by page, every
//! stored chunk and snapshot, its log — contains any name, phone, note or service name that was
//! entered (as UTF-8 or UTF-16, in any case); every stored chunk and snapshot outside the
//! devices' envelopes is sealed for its document's scope (AES-GCM under a key the relay never
//! holds, so no amount can be read from it either), and the envelopes hold no text.
//!
//! The relay binary is `FRONTDESK_RELAY_BIN`, or `target/debug/frontdesk-relay` (`cargo xtask
//! test` builds it before the native tests).

use std::collections::{BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use automerge::{AutoCommit, Automerge, ObjId, ObjType, ReadDoc, Value};
use frontdesk_bench::seed::{self, Business};
use frontdesk_core::crypto::native::Keys;
use frontdesk_core::crypto::{KeyRef, Op};
use frontdesk_core::device::{DeviceCore, Effect, Start};
use frontdesk_core::{Connection, SyncEvent};
use frontdesk_core::{doc_name, keys};
use frontdesk_protocol::Role;
use frontdesk_protocol::area::Area;
use frontdesk_protocol::sealed::{self, Scope};
use frontdesk_relay::pairing::Credential;
use frontdesk_relay::store::{SqliteStore, Store};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// The visitor who checks in at the kiosk (her name goes only into a sealed drop).
const VISITOR: &str = "Valentina Quiroga Ibarguren";

fn relay_bin() -> PathBuf {
    if let Ok(path) = std::env::var("FRONTDESK_RELAY_BIN") {
        return path.into();
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/frontdesk-relay");
    assert!(path.exists(), "no relay binary at {}: run `cargo xtask test`, or set FRONTDESK_RELAY_BIN", path.display());
    path
}

/// The relay as a process of its own, its log (stdout and stderr) kept in a file.
struct RelayProcess {
    child: Child,
    addr: SocketAddr,
}

impl RelayProcess {
    fn start(data: &Path, addr: SocketAddr, log: &Path) -> Result<RelayProcess> {
        let out = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
        let child = Command::new(relay_bin())
            .args(["serve", "--addr", &addr.to_string(), "--data"])
            .arg(data)
            // As talkative as the relay gets about its own work.
            .env("RUST_LOG", "frontdesk_relay=trace,info")
            .stdout(out.try_clone()?)
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .context("starting the relay")?;
        let started = Instant::now();
        while std::net::TcpStream::connect(addr).is_err() {
            ensure!(started.elapsed() < Duration::from_secs(20), "the relay did not listen on {addr}");
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(RelayProcess { child, addr })
    }

    /// SIGKILL: no chance to flush or checkpoint anything.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A device as the app runs it — the device core — driven natively: saves succeed at once, crypto
/// ops run on the native ciphers with this device's keys, the socket is a real WebSocket.
struct Native {
    what: &'static str,
    cred: Credential,
    keys: Keys,
    core: DeviceCore,
    queue: VecDeque<Effect>,
    socket: Option<Socket>,
    rng: fastrand::Rng,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Native {
    fn start(what: &'static str, cred: Credential, keys: Keys, follow: Vec<String>, seed: u64) -> Native {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut start_seed = [0u8; 16];
        rng.fill(&mut start_seed);
        let (core, effects) = DeviceCore::start(Start {
            device: cred.id.clone(),
            signer: cred.public_key(),
            seed: start_seed,
            docs: Vec::new(),
            outbox: Vec::new(),
            written_ahead: Vec::new(),
            follow,
            watch: Vec::new(),
            keys: keys.held(),
        });
        Native { what, cred, keys, core, queue: effects.into(), socket: None, rng }
    }

    fn event(&mut self, event: SyncEvent) {
        let effects = self.core.handle(event, now_ms(), 0.5);
        self.queue.extend(effects);
    }

    fn closed(&mut self, code: u16) {
        self.socket = None;
        self.event(SyncEvent::Closed { code, reason: String::new() });
    }

    async fn run_effects(&mut self, addr: SocketAddr) {
        while let Some(effect) = self.queue.pop_front() {
            match effect {
                Effect::Open => match tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await {
                    Ok((socket, _)) => {
                        self.socket = Some(socket);
                        self.event(SyncEvent::Opened);
                    }
                    Err(_) => self.closed(1006),
                },
                Effect::Send(frame) => {
                    let sent = match self.socket.as_mut() {
                        Some(socket) => socket.send(Message::Binary(frame.into())).await.is_ok(),
                        None => true,
                    };
                    if !sent {
                        self.closed(1006);
                    }
                }
                Effect::Close => self.closed(1000),
                Effect::Save { id, .. } => {
                    let effects = self.core.saved(id, Ok(()));
                    self.queue.extend(effects);
                }
                Effect::FlushSoon => {
                    let effects = self.core.flush();
                    self.queue.extend(effects);
                }
                Effect::Crypto { id, op } => {
                    let rng = &mut self.rng;
                    let result = match &op {
                        // The device's own key signs its Hello proofs and its chunks.
                        frontdesk_core::crypto::Op::Sign { message } => Ok(self.cred.sign(message)),
                        _ => self.keys.run_mut(&op, &mut |bytes: &mut [u8]| rng.fill(bytes)),
                    };
                    let effects = self.core.crypto_done(id, result);
                    self.queue.extend(effects);
                }
                Effect::Warn(warning) => eprintln!("[{}] {warning}", self.what),
                _ => {}
            }
        }
    }

    /// Runs the device until `done` holds of its core; fails after `limit`.
    async fn until(
        &mut self,
        addr: SocketAddr,
        limit: Duration,
        what: &str,
        done: impl Fn(&mut DeviceCore) -> bool,
    ) -> Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            self.run_effects(addr).await;
            if done(&mut self.core) {
                return Ok(());
            }
            ensure!(
                Instant::now() < deadline,
                "{}: {what} did not happen in {limit:?} ({:?})",
                self.what,
                self.core.status()
            );
            match self.socket.as_mut() {
                Some(socket) => match tokio::time::timeout(Duration::from_millis(50), socket.next()).await {
                    Ok(Some(Ok(Message::Binary(frame)))) => self.event(SyncEvent::Frame(frame.to_vec())),
                    Ok(Some(Ok(Message::Close(frame)))) => self.closed(frame.map_or(1005, |f| u16::from(f.code))),
                    Ok(Some(Ok(_))) => {}
                    Ok(Some(Err(_)) | None) => self.closed(1006),
                    Err(_) => self.event(SyncEvent::Tick),
                },
                None => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    self.event(SyncEvent::Tick);
                }
            }
        }
    }
}

fn online(core: &DeviceCore) -> bool {
    matches!(core.status().connection, Connection::Online { .. })
}

/// Everything `core` made is acknowledged and nothing is being sealed or saved.
fn settled(core: &DeviceCore) -> bool {
    online(core) && core.pending() == 0 && core.crypto_in_flight() == 0 && core.saves_in_flight() == 0
}

/// Every string a document holds (map keys excluded), walked through maps, lists and text.
fn strings(doc: &impl ReadDoc) -> Vec<String> {
    fn visit(doc: &impl ReadDoc, found: Option<(Value<'_>, ObjId)>, out: &mut Vec<String>) {
        match found {
            Some((Value::Scalar(s), _)) => {
                if let automerge::ScalarValue::Str(text) = s.as_ref() {
                    out.push(text.to_string());
                }
            }
            Some((Value::Object(_), id)) => walk(doc, &id, out),
            None => {}
        }
    }
    fn walk(doc: &impl ReadDoc, obj: &ObjId, out: &mut Vec<String>) {
        match doc.object_type(obj) {
            Ok(ObjType::Map | ObjType::Table) => {
                for key in doc.keys(obj).collect::<Vec<_>>() {
                    visit(doc, doc.get(obj, key.as_str()).ok().flatten(), out);
                }
            }
            Ok(ObjType::List) => {
                for i in 0..doc.length(obj) {
                    visit(doc, doc.get(obj, i).ok().flatten(), out);
                }
            }
            Ok(ObjType::Text) => out.push(doc.text(obj).unwrap_or_default()),
            Err(_) => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &automerge::ROOT, &mut out);
    out
}

/// What was entered that must never be readable on the relay: names, phones, notes and service
/// names — every string the seeded documents hold that a person typed, not the app's own words
/// (states, ids, dates, currency codes: lower-case identifiers, digits and dashes).
fn canaries(docs: &[(String, AutoCommit)]) -> BTreeSet<String> {
    // Phones: seven digits or more (the seed's are nine, `6dddddddd`).
    let phone = |s: &str| s.len() >= 7 && s.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+'));
    let typed = |s: &str| {
        phone(s)
            || (s.chars().count() >= 6
                && s.chars().any(|c| c.is_alphabetic() || c == ' ')
                && !s.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | ':' | '.' | 'T' | 'Z')
                }))
    };
    // The relay knows devices' roles by design (ARCHITECTURE.md, "What the relay can still
    // see"); a staff member's job title "Manager" is the same word.
    let known = |s: &str| ["kiosk", "staff", "manager"].contains(&s.to_lowercase().as_str());
    let mut out: BTreeSet<String> = BTreeSet::new();
    for (_, doc) in docs {
        out.extend(strings(doc).into_iter().map(|s| s.trim().to_owned()).filter(|s| typed(s) && !known(s)));
    }
    out.insert(VISITOR.to_owned());
    out
}

/// The ways a canary could sit in a file: as typed, in lower and upper case, as UTF-16.
fn encodings(canary: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for form in [canary.to_owned(), canary.to_lowercase(), canary.to_uppercase()] {
        out.push(form.encode_utf16().flat_map(u16::to_le_bytes).collect());
        out.push(form.encode_utf16().flat_map(u16::to_be_bytes).collect());
        out.push(form.into_bytes());
    }
    out
}

/// Finds every encoding of every canary in one pass over a file.
struct Canaries {
    names: Vec<String>,
    search: aho_corasick::AhoCorasick,
}

impl Canaries {
    fn new(canaries: &BTreeSet<String>) -> Result<Canaries> {
        let mut names = Vec::new();
        let mut patterns = Vec::new();
        for canary in canaries {
            for encoded in encodings(canary) {
                names.push(canary.clone());
                patterns.push(encoded);
            }
        }
        Ok(Canaries { names, search: aho_corasick::AhoCorasick::new(patterns)? })
    }

    /// Which canaries `bytes` holds, in any of their encodings.
    fn found_in(&self, bytes: &[u8]) -> BTreeSet<String> {
        self.search.find_overlapping_iter(bytes).map(|m| self.names[m.pattern().as_usize()].clone()).collect()
    }
}

/// The keys `role` holds, handed over from the manager's as the Devices card does it: sealed to
/// the device's agreement key under its auth secret, written as an envelopes change (returned,
/// for the manager to push), and installed by the device.
/// `tag`: the manager's tablet's key's, whose change of the device's envelopes this is.
fn hand_over(
    manager: &mut Keys,
    tag: [u8; frontdesk_core::authorship::TAG_LEN],
    rng: &mut fastrand::Rng,
    device: &str,
    role: Role,
) -> Result<(Keys, Vec<u8>)> {
    let mut keys = Keys::default();
    let mut secret = [0u8; 32];
    rng.fill(&mut secret);
    let mut auth = vec![0u8; 32];
    rng.fill(&mut auth);
    let public = keys.set_device(secret, auth.clone());
    let held = manager.held();
    let mut envelopes = Vec::new();
    for (name, op) in keys::wraps(device, role, &public, &auth, &held) {
        envelopes.push((name, manager.run_mut(&op, &mut |b: &mut [u8]| rng.fill(b))?));
    }
    let change = keys::write_envelopes(frontdesk_core::authorship::actor(tag, [7; 16]), &envelopes)?;
    let doc = Automerge::load(&change)?;
    for (_, op) in keys::installs(device, role, &doc, &[]) {
        keys.run_mut(&op, &mut |b: &mut [u8]| rng.fill(b))?;
    }
    Ok((keys, change))
}

fn free_addr() -> Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_week_of_front_office_work_nothing_on_the_relay_holds_or_decodes_to_what_was_entered() -> Result<()> {
    let data = tempfile::tempdir()?;
    let log = data.path().join("relay.log");
    let mut rng = fastrand::Rng::with_seed(19);

    // The business: a manager's tablet, a staff desk and a kiosk, paired; the first key epochs
    // numbered, every scope's keys made on the manager's tablet and handed to the others.
    // A week of the medical office, as the seed generator writes it (the bench's data), less its
    // drop boxes: check-ins and punches are the kiosk's to write. Its changes are under the
    // actors of the generator's key: the manager's tablet is paired with that key, as the
    // tablet that entered them (#20: a device signs only changes under its own actors).
    let today = chrono::Utc::now().date_naive();
    let mut seeded = seed::generate(Business::MedicalOffice, today, 7, 19);
    let store = SqliteStore::open_admin_in(data.path())?;
    let manager_cred = Credential::register_with(&store, "Office", Role::Manager, seeded.signer).await?;
    let desk_cred = Credential::register(&store, "Front desk", Role::Staff).await?;
    let kiosk_cred = Credential::register(&store, "Lobby kiosk", Role::Kiosk).await?;
    let (granted, _) = store.new_epochs(&Scope::ALL, true, &manager_cred.id, now_ms()).await?;
    ensure!(granted, "the first epochs");
    store.close().await?;
    let mut manager_keys = Keys::default();
    for scope in Scope::ALL {
        manager_keys.run_mut(&Op::Generate { key: KeyRef { scope, epoch: 1 } }, &mut |b: &mut [u8]| rng.fill(b))?;
    }
    let tag = frontdesk_core::authorship::tag(&manager_cred.public_key());
    let (desk_keys, desk_envelopes) = hand_over(&mut manager_keys, tag, &mut rng, &desk_cred.id, Role::Staff)?;
    let (kiosk_keys, kiosk_envelopes) = hand_over(&mut manager_keys, tag, &mut rng, &kiosk_cred.id, Role::Kiosk)?;

    let docs: Vec<(String, AutoCommit)> = std::mem::take(&mut seeded.docs)
        .into_iter()
        .filter(|(name, _)| !matches!(Area::of(name), Some(Area::Inbox | Area::Timeclock)))
        .collect();
    let canaries = canaries(&docs);
    let phones =
        canaries.iter().filter(|c| c.len() == 9 && c.starts_with('6') && c.bytes().all(|b| b.is_ascii_digit()));
    ensure!(phones.count() > 10, "the clients' phones are canaries");
    ensure!(canaries.len() > 100, "a week of entered names, phones and notes: {}", canaries.len());
    let names: Vec<String> = docs.iter().map(|(name, _)| name.clone()).collect();

    let addr = free_addr()?;
    let mut relay = RelayProcess::start(data.path(), addr, &log)?;

    // The manager's tablet enters the week (one change per document, sealed as it goes out).
    let mut manager = Native::start("manager", manager_cred, manager_keys, names.clone(), 1);
    manager.until(addr, Duration::from_secs(20), "going online", |c| online(c)).await?;
    for (name, doc) in &docs {
        let mut entered = doc.clone();
        let (_, effects) = manager.core.change(
            name,
            move |d| d.merge(&mut entered).map(|_| ()).map_err(|e| e.to_string()),
            now_ms() as f64,
        )?;
        manager.queue.extend(effects);
    }
    manager.queue.extend(manager.core.submit(&doc_name::envelopes(&desk_cred.id), desk_envelopes, now_ms() as f64));
    manager.queue.extend(manager.core.submit(&doc_name::envelopes(&kiosk_cred.id), kiosk_envelopes, now_ms() as f64));
    manager.run_effects(addr).await;
    let total = manager.core.pending();
    ensure!(total > docs.len(), "every document's change waits to be sent: {total}");

    // Killed while pushing: some of the week acknowledged, some not.
    manager.until(addr, Duration::from_secs(60), "the first acknowledgements", |c| c.pending() < total).await?;
    let left = manager.core.pending();
    relay.kill();
    relay = RelayProcess::start(data.path(), relay.addr, &log)?;
    manager
        .until(addr, Duration::from_secs(120), "every change acknowledged after the restart", |c| settled(c))
        .await?;

    // A visitor checks in at the kiosk: sealed to the staff's inbox key.
    let inbox = doc_name::inbox(today, &kiosk_cred.id);
    let mut kiosk = Native::start("kiosk", kiosk_cred.clone(), kiosk_keys, vec!["kiosk".into()], 2);
    let check_in = frontdesk_core::check_in::CheckIn::new(
        frontdesk_core::ids::VisitId::from_random([5; 16]),
        VISITOR,
        frontdesk_core::check_in::VisitReason::WalkIn,
        "Consulta general",
        "A-001".into(),
        now_ms(),
        &kiosk_cred.id,
    )?;
    let chunk = check_in.to_inbox_chunk(kiosk.core.tag());
    kiosk.queue.extend(kiosk.core.submit(&inbox, chunk, now_ms() as f64));
    kiosk.until(addr, Duration::from_secs(30), "the check-in acknowledged", |c| settled(c)).await?;

    // A staff desk reads it all back through the relay: the data really went through.
    let mut follow: Vec<String> =
        names.iter().filter(|name| Area::of(name).is_some_and(|a| a.readers().include(Role::Staff))).cloned().collect();
    follow.push(inbox.clone());
    let mut desk = Native::start("desk", desk_cred, desk_keys, follow.clone(), 3);
    let expected: Vec<(String, Vec<String>)> =
        docs.iter().filter(|(name, _)| follow.contains(name)).map(|(name, doc)| (name.clone(), strings(doc))).collect();
    desk.until(addr, Duration::from_secs(120), "the week and the check-in read back", |core| {
        let visitor = core.doc(&inbox).is_some_and(|d| strings(d).iter().any(|s| s.contains(VISITOR)));
        visitor
            && expected.iter().all(|(name, wanted)| {
                core.doc(name).is_some_and(|d| {
                    let held = strings(d);
                    wanted.iter().all(|w| held.contains(w))
                })
            })
    })
    .await?;
    println!(
        "canary: {} documents, {total} changes ({left} unacknowledged when the relay was killed), {} canaries",
        docs.len(),
        canaries.len()
    );
    drop(manager);
    drop(kiosk);
    drop(desk);
    // Killed again: whatever sits in the WAL stays there to be read.
    relay.kill();

    // 1. The relay's files, page by page, and its log.
    let search = Canaries::new(&canaries)?;
    ensure!(
        search.found_in(format!("log: {VISITOR}.").as_bytes()).contains(VISITOR),
        "the search finds a canary where there is one"
    );
    let mut scanned = 0;
    for entry in std::fs::read_dir(data.path())? {
        let path = entry?.path();
        let bytes = std::fs::read(&path)?;
        scanned += bytes.len();
        let found = search.found_in(&bytes);
        ensure!(found.is_empty(), "{} holds what was entered: {found:?}", path.display());
    }
    let log_text = std::fs::read_to_string(&log)?;
    ensure!(log_text.contains("device connected"), "the relay's log was kept: {log_text}");
    ensure!(scanned > 100_000, "the relay's files were read ({scanned} bytes)");

    // 2. Every stored chunk and snapshot: sealed for its document (a ciphertext only the keys
    // open); the envelopes, the one area in plain Automerge, hold nothing but sealed bytes.
    let store = SqliteStore::open_admin_in(data.path())?;
    let stored = store.docs_with_prefix("").await?;
    ensure!(names.iter().all(|n| stored.contains(n)) && stored.contains(&inbox), "every document is on the relay");
    let mut pieces = 0;
    for doc in &stored {
        let backlog = store.backlog(doc, 0).await?;
        let all = backlog
            .chunks
            .iter()
            .map(|c| c.bytes.as_slice())
            .chain(backlog.snapshot.as_ref().map(|(_, b, _)| b.as_slice()));
        for bytes in all {
            pieces += 1;
            if Area::of(doc) == Some(Area::Envelopes) {
                let envelopes = Automerge::load(bytes)?;
                ensure!(strings(&envelopes).is_empty(), "{doc}: an envelopes change holds text");
                continue;
            }
            let header = sealed::parse(bytes).with_context(|| format!("{doc}: a piece is not sealed"))?.header;
            ensure!(header.fits(doc).is_ok(), "{doc}: a piece sealed for another document's scope");
        }
    }
    store.close().await?;
    ensure!(pieces > total, "every change was stored ({pieces} pieces)");
    Ok(())
}
