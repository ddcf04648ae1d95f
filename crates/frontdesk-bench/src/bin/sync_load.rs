//! `sync-load`: a load generator for the relay, measured against a bare WebSocket forwarder.
//!
//! For each device count, one device pushes check-in-sized chunks and the others are subscribed.
//! It reports push → delivered latency (every subscriber, p50/p99), push → acknowledged latency
//! (the relay's durable commit), and throughput when the pusher sends as fast as it is allowed.
//! The same run measures a forwarder that only broadcasts frames (no storage, no protocol), the
//! floor any relay has on this machine.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use frontdesk_core::SyncEvent;
use frontdesk_core::device::{self, DeviceCore, OutboxEntry, Start, StoredDoc};
use frontdesk_protocol::{ChunkId, ClientMsg, Role, ServerMsg};
use frontdesk_relay::pairing::Credential;
use frontdesk_relay::store::{SqliteStore, Store};
use frontdesk_relay::{Config, Relay};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, broadcast, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The relay under load, measured against a bare WebSocket forwarder.
#[derive(clap::Parser)]
#[command(about)]
struct Options {
    /// Which scenarios to run (default: all).
    #[arg(value_parser = ["latency", "silent", "pushes", "idle", "catch-up"])]
    scenarios: Vec<String>,
    /// Devices connected in the latency runs (one pushes, the rest subscribe).
    #[arg(long, value_delimiter = ',', default_value = "1,10,50")]
    devices: Vec<usize>,
    /// Devices pushing at once in the durable-pushes run.
    #[arg(long, default_value_t = 500)]
    push_devices: usize,
    #[arg(long, default_value_t = 5)]
    push_seconds: u64,
    /// Devices connected and idle in the memory run.
    #[arg(long, default_value_t = 5000)]
    idle_devices: usize,
    /// The relay binary for the idle run (default: next to this one).
    #[arg(long)]
    relay_bin: Option<std::path::PathBuf>,
    /// Sockets that connect and never say Hello, in the silent run.
    #[arg(long, default_value_t = 1000)]
    silent_sockets: usize,
    /// Check-ins waiting in the kiosk's outbox when it comes back.
    #[arg(long, default_value_t = 120)]
    offline_check_ins: usize,
    /// Repetitions of each latency run (the median is reported, with p99's range).
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Chunks sent at a steady rate for the latency figures.
    #[arg(long, default_value_t = 1000)]
    paced: usize,
    /// Chunks a second while paced.
    #[arg(long, default_value_t = 200)]
    rate: u64,
    /// Chunks sent back to back for the throughput figure.
    #[arg(long, default_value_t = 5000)]
    burst: usize,
    /// Bytes a chunk (a check-in chunk is 300–450).
    #[arg(long, default_value_t = 400)]
    size: usize,
}

/// Latencies in microseconds.
#[derive(Default)]
struct Samples(Vec<u64>);

impl Samples {
    fn pct(&mut self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        self.0.sort_unstable();
        let i = ((self.0.len() - 1) as f64 * p).round() as usize;
        self.0[i] as f64 / 1000.0
    }
}

struct Figures {
    delivered: Samples,
    acked: Samples,
    throughput: f64,
}

fn stamp(epoch: Instant, seq: u64, size: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; size.max(16)];
    bytes[..8].copy_from_slice(&(epoch.elapsed().as_nanos() as u64).to_le_bytes());
    bytes[8..16].copy_from_slice(&seq.to_le_bytes());
    bytes
}

/// The sealed header a device of a business that seals puts in front of a chunk (issue 19): the
/// staff scope's first epoch, `writer`.
fn sealed_header(writer: &str) -> Vec<u8> {
    use frontdesk_protocol::sealed::{Header, Kind, Scope};
    Header { kind: Kind::Chunk, scope: Scope::Staff, epoch: 1, device: writer.into() }.encode()
}

/// A chunk as such a device sends it: the header, then as many bytes as AES-GCM makes of a
/// `size`-byte change padded to 256 (nonce and tag included), stamped like [`stamp`].
fn sealed_stamp(writer: &str, epoch: Instant, seq: u64, size: usize) -> Vec<u8> {
    use frontdesk_protocol::sealed::{CHUNK_BLOCK, NONCE_LEN, TAG_LEN};
    let mut bytes = sealed_header(writer);
    bytes.extend(stamp(epoch, seq, NONCE_LEN + (size + 4).div_ceil(CHUNK_BLOCK) * CHUNK_BLOCK + TAG_LEN));
    bytes
}

fn read_stamp(epoch: Instant, bytes: &[u8]) -> (u64, u64) {
    let sent = u64::from_le_bytes(bytes[..8].try_into().unwrap_or_default());
    let seq = u64::from_le_bytes(bytes[8..16].try_into().unwrap_or_default());
    let now = epoch.elapsed().as_nanos() as u64;
    (now.saturating_sub(sent) / 1000, seq)
}

// ------------------------------------------------------------------ the relay

async fn relay_run(o: &Options, devices: usize) -> Result<Figures> {
    relay_run_with(o, devices, false, |_| {}).await
}

/// The same run in a business that seals: its key epochs numbered, every chunk sealed-shaped
/// and padded, so the relay checks every header and stores and sends the larger bytes.
async fn sealed_run(o: &Options, devices: usize) -> Result<Figures> {
    relay_run_with(o, devices, true, |_| {}).await
}

async fn relay_run_with(o: &Options, devices: usize, sealed: bool, around: impl FnOnce(SocketAddr)) -> Result<Figures> {
    let data = tempfile::tempdir()?;
    let tokens = add_devices(data.path(), devices, Role::Staff).await?;
    if sealed {
        let store = SqliteStore::open_admin_in(data.path())?;
        store.new_epochs(&frontdesk_protocol::Scope::ALL, true, &tokens[0].id, 0).await?;
        store.close().await?;
    }
    let writer = tokens[0].id.clone();
    let chunk = move |epoch: Instant, n: u64, size: usize| {
        if sealed { sealed_stamp(&writer, epoch, n, size) } else { stamp(epoch, n, size) }
    };
    // Where the stamp starts: after the sealed header, if any.
    let skip = if sealed { sealed_header(&tokens[0].id).len() } else { 0 };
    // No rate limit here: the burst measures how fast the relay can go.
    let mut config = Config::new(data.path().to_owned());
    config.rate_per_sec = 1_000_000;
    config.rate_burst = 1_000_000;
    config.hello_timeout = SILENT_TIMEOUT;
    let (addr, shutdown, server) = in_process_relay(config).await?;
    around(addr);
    let doc = "day/bench".to_owned();
    let epoch = Instant::now();

    // Subscribers record the latency of every chunk they get.
    let (lat_tx, mut lat_rx) = mpsc::unbounded_channel::<(u64, u64)>();
    let mut ready = Vec::new();
    for token in tokens.iter().skip(1) {
        let mut ws = hello(addr, token).await?;
        send(&mut ws, ClientMsg::Subscribe { doc: doc.clone(), after_seq: 0 }).await?;
        let lat_tx = lat_tx.clone();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        ready.push(ready_rx);
        tokio::spawn(async move {
            let mut ready_tx = Some(ready_tx);
            while let Some(Ok(msg)) = ws.next().await {
                let Message::Binary(frame) = msg else { continue };
                match ServerMsg::decode(&frame) {
                    Ok(ServerMsg::Synced { .. }) => {
                        if let Some(tx) = ready_tx.take() {
                            let _ = tx.send(());
                        }
                    }
                    Ok(ServerMsg::Chunk { bytes, .. }) => {
                        let _ = lat_tx.send(read_stamp(epoch, bytes.get(skip..).unwrap_or_default()));
                    }
                    _ => {}
                }
            }
        });
    }
    for r in ready {
        r.await?;
    }

    let pusher = hello(addr, &tokens[0]).await?;
    let (mut sink, mut stream) = pusher.split();
    let acked = Arc::new(Mutex::new(Samples::default()));
    let (ack_count_tx, mut ack_count_rx) = mpsc::unbounded_channel::<()>();
    let sent_at = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<ChunkId, Instant>::new()));
    {
        let acked = acked.clone();
        let sent_at = sent_at.clone();
        tokio::spawn(async move {
            while let Some(Ok(Message::Binary(frame))) = stream.next().await {
                if let Ok(ServerMsg::Ack { chunk_id, .. }) = ServerMsg::decode(&frame) {
                    if let Some(t) = sent_at.lock().ok().and_then(|mut m| m.remove(&chunk_id)) {
                        acked.lock().await.0.push(t.elapsed().as_micros() as u64);
                    }
                    let _ = ack_count_tx.send(());
                }
            }
        });
    }

    // Paced: latency at a steady, realistic rate.
    let mut delivered = Samples::default();
    let interval = Duration::from_micros(1_000_000 / o.rate.max(1));
    let mut ticker = tokio::time::interval(interval);
    let mut n = 0u64;
    for _ in 0..o.paced {
        ticker.tick().await;
        n += 1;
        let id = chunk_id(n);
        sent_at.lock().map_err(|_| anyhow::anyhow!("lock"))?.insert(id, Instant::now());
        let push = ClientMsg::Push {
            doc: doc.clone(),
            chunk_id: id,
            bytes: chunk(epoch, n, o.size),
            heads: Vec::new(),
            signature: Vec::new(),
        };
        let push = tokens[0].signed(push);
        sink.send(Message::Binary(push.encode().into())).await?;
    }
    let expected = o.paced * (devices - 1);
    collect(&mut lat_rx, &mut delivered, expected).await;
    for _ in 0..o.paced {
        ack_count_rx.recv().await;
    }

    // Burst: as fast as the pusher may go, pipelined; throughput of delivered chunks.
    let start = Instant::now();
    let mut sink_burst = sink;
    for _ in 0..o.burst {
        n += 1;
        let push = ClientMsg::Push {
            doc: doc.clone(),
            chunk_id: chunk_id(n),
            bytes: chunk(epoch, n, o.size),
            heads: Vec::new(),
            signature: Vec::new(),
        };
        let push = tokens[0].signed(push);
        sink_burst.feed(Message::Binary(push.encode().into())).await?;
    }
    sink_burst.flush().await?;
    for _ in 0..o.burst {
        ack_count_rx.recv().await;
    }
    let mut burst = Samples::default();
    collect(&mut lat_rx, &mut burst, o.burst * (devices - 1)).await;
    let elapsed = start.elapsed().as_secs_f64();

    shutdown.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    let acked = std::mem::take(&mut *acked.lock().await);
    if devices == 1 {
        // No other device to deliver to: the figure is the device's own round trip (push →
        // durable Ack) of the paced chunks, and the throughput that of acknowledged chunks.
        let paced = Samples(acked.0[..o.paced.min(acked.0.len())].to_vec());
        return Ok(Figures { delivered: paced, acked, throughput: o.burst as f64 / elapsed });
    }
    Ok(Figures { delivered, acked, throughput: o.burst as f64 / elapsed })
}

fn chunk_id(n: u64) -> ChunkId {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&n.to_le_bytes());
    ChunkId(id)
}

async fn collect(rx: &mut mpsc::UnboundedReceiver<(u64, u64)>, samples: &mut Samples, expected: usize) {
    while samples.0.len() < expected {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv()).await {
            Ok(Some((latency, _))) => samples.0.push(latency),
            _ => {
                eprintln!("  (only {} of {expected} deliveries arrived)", samples.0.len());
                break;
            }
        }
    }
}

/// Connects as `cred`: reads the relay's challenge, says Hello with its signature, waits to be
/// welcomed.
async fn hello(addr: SocketAddr, cred: &Credential) -> Result<Ws> {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await?;
    while let Some(msg) = ws.next().await {
        if let Message::Binary(frame) = msg? {
            match ServerMsg::decode(&frame) {
                Ok(ServerMsg::Challenge { nonce }) => send(&mut ws, cred.hello(&nonce)).await?,
                Ok(ServerMsg::Welcome { .. }) => return Ok(ws),
                _ => {}
            }
        }
    }
    anyhow::bail!("no Welcome")
}

async fn send(ws: &mut Ws, msg: ClientMsg) -> Result<()> {
    ws.send(Message::Binary(msg.encode().into())).await?;
    Ok(())
}

// ------------------------------------------------------------------ the bare forwarder

/// Accepts sockets and sends every binary frame to every other socket (with `echo`, to its sender
/// too: the round trip of a device alone). No storage, no checks.
async fn forwarder(listener: TcpListener, stop: CancellationToken, echo: bool) {
    let (tx, _) = broadcast::channel::<(u64, Arc<[u8]>)>(65_536);
    let mut next = 0u64;
    loop {
        let (tcp, _) = tokio::select! {
            conn = listener.accept() => match conn { Ok(c) => c, Err(_) => continue },
            _ = stop.cancelled() => return,
        };
        // As the relay does: no frame waits for a delayed acknowledgement (Nagle's algorithm).
        let _ = tcp.set_nodelay(true);
        next += 1;
        let id = next;
        let tx = tx.clone();
        let mut rx = tx.subscribe();
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else { return };
            let (mut sink, mut stream) = ws.split();
            loop {
                tokio::select! {
                    msg = stream.next() => match msg {
                        Some(Ok(Message::Binary(b))) => { let _ = tx.send((id, Arc::from(&b[..]))); }
                        Some(Ok(_)) => {}
                        _ => return,
                    },
                    out = rx.recv() => match out {
                        Ok((from, bytes)) if echo || from != id => {
                            if sink.send(Message::Binary(bytes.to_vec().into())).await.is_err() { return; }
                        }
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                        Err(_) => return,
                    },
                }
            }
        });
    }
}

async fn forwarder_run(o: &Options, devices: usize) -> Result<Figures> {
    let stop = CancellationToken::new();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let alone = devices == 1;
    tokio::spawn(forwarder(listener, stop.clone(), alone));
    let epoch = Instant::now();
    let (lat_tx, mut lat_rx) = mpsc::unbounded_channel::<(u64, u64)>();
    for _ in 1..devices {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/")).await?;
        let lat_tx = lat_tx.clone();
        tokio::spawn(async move {
            let (_sink, mut stream) = ws.split();
            while let Some(Ok(msg)) = stream.next().await {
                if let Message::Binary(bytes) = msg {
                    let _ = lat_tx.send(read_stamp(epoch, &bytes));
                }
            }
        });
    }
    let (pusher, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/")).await?;
    let (mut pusher, mut echoes) = pusher.split();
    if alone {
        // Alone, the pusher receives its own frames back: its round trip.
        let lat_tx = lat_tx.clone();
        tokio::spawn(async move {
            while let Some(Ok(msg)) = echoes.next().await {
                if let Message::Binary(bytes) = msg {
                    let _ = lat_tx.send(read_stamp(epoch, &bytes));
                }
            }
        });
    } else {
        tokio::spawn(async move { while let Some(Ok(_)) = echoes.next().await {} });
    }
    let receivers = if alone { 1 } else { devices - 1 };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut delivered = Samples::default();
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / o.rate.max(1)));
    let mut n = 0;
    for _ in 0..o.paced {
        ticker.tick().await;
        n += 1;
        pusher.send(Message::Binary(stamp(epoch, n, o.size).into())).await?;
    }
    collect(&mut lat_rx, &mut delivered, o.paced * receivers).await;
    let start = Instant::now();
    for _ in 0..o.burst {
        n += 1;
        pusher.feed(Message::Binary(stamp(epoch, n, o.size).into())).await?;
    }
    pusher.flush().await?;
    let mut burst = Samples::default();
    collect(&mut lat_rx, &mut burst, o.burst * receivers).await;
    let elapsed = start.elapsed().as_secs_f64();
    stop.cancel();
    Ok(Figures { delivered, acked: Samples::default(), throughput: o.burst as f64 / elapsed })
}

/// Prints a figure for `cargo xtask bench` to collect (one per line, `figure <key> <value>`).
fn figure(key: &str, value: f64) {
    println!("figure {key} {value:.3}");
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut o = <Options as clap::Parser>::parse();
    if o.scenarios.is_empty() {
        o.scenarios = ["latency", "silent", "pushes", "idle", "catch-up"].map(String::from).to_vec();
    }
    for scenario in o.scenarios.clone() {
        match scenario.as_str() {
            "latency" => latency(&o).await?,
            "silent" => silent(&o).await?,
            "pushes" => pushes(&o).await?,
            "idle" => idle(&o).await?,
            _ => catch_up(&o).await?,
        }
        println!();
    }
    Ok(())
}

async fn latency(o: &Options) -> Result<()> {
    println!(
        "sync-load: one pusher, {} B chunks; paced {} chunks at {}/s, then a burst of {} (pipelined); {} repetitions, the median shown with the range of p99\n",
        o.size, o.paced, o.rate, o.burst, o.repeat
    );
    println!("| devices | server | push→delivered p50 | p99 (range) | push→ack p50 | p99 | burst throughput |");
    println!("|---|---|---|---|---|---|---|");
    let ms = |v: f64| if v.is_nan() { "—".to_owned() } else { format!("{v:.2} ms") };
    for &devices in &o.devices {
        let devices = devices.max(1);
        // Each repetition gives one value of each figure; the median of them is reported, and
        // the range of p99 (a single disk stall on this VM moves one run's p99 by hundreds of ms).
        let mut runs: Vec<[f64; 10]> = Vec::new();
        for _ in 0..o.repeat.max(1) {
            let mut relay = relay_run(o, devices).await?;
            let mut sealed = sealed_run(o, devices).await?;
            let mut floor = forwarder_run(o, devices).await?;
            runs.push([
                relay.delivered.pct(0.5),
                relay.delivered.pct(0.99),
                relay.acked.pct(0.5),
                relay.acked.pct(0.99),
                relay.throughput,
                floor.delivered.pct(0.5),
                floor.delivered.pct(0.99),
                floor.throughput,
                sealed.delivered.pct(0.5),
                sealed.delivered.pct(0.99),
            ]);
        }
        let median = |i: usize| {
            let mut v: Vec<f64> = runs.iter().map(|r| r[i]).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let range = |i: usize| {
            let v: Vec<f64> = runs.iter().map(|r| r[i]).filter(|x| !x.is_nan()).collect();
            if v.is_empty() {
                return (f64::NAN, f64::NAN);
            }
            (v.iter().copied().fold(f64::INFINITY, f64::min), v.iter().copied().fold(f64::NEG_INFINITY, f64::max))
        };
        let ((r_lo, r_hi), (f_lo, f_hi)) = (range(1), range(6));
        println!(
            "| {devices} | relay (SQLite, durable) | {} | {} ({}–{}) | {} | {} | {:.0} chunks/s |",
            ms(median(0)),
            ms(median(1)),
            ms(r_lo),
            ms(r_hi),
            ms(median(2)),
            ms(median(3)),
            median(4)
        );
        println!(
            "| {devices} | bare forwarder | {} | {} ({}–{}) | — | — | {:.0} chunks/s |",
            ms(median(5)),
            ms(median(6)),
            ms(f_lo),
            ms(f_hi),
            median(7)
        );
        figure(&format!("latency.relay.{devices}.p50_ms"), median(0));
        figure(&format!("latency.relay.{devices}.p99_ms"), median(1));
        figure(&format!("latency.relay.{devices}.p99_min_ms"), r_lo);
        figure(&format!("latency.relay.{devices}.p99_max_ms"), r_hi);
        figure(&format!("latency.relay.{devices}.ack_p99_ms"), median(3));
        figure(&format!("latency.relay.{devices}.throughput"), median(4));
        figure(&format!("latency.forwarder.{devices}.p50_ms"), median(5));
        figure(&format!("latency.forwarder.{devices}.p99_ms"), median(6));
        figure(&format!("latency.forwarder.{devices}.p99_min_ms"), f_lo);
        figure(&format!("latency.forwarder.{devices}.p99_max_ms"), f_hi);
        figure(&format!("latency.forwarder.{devices}.throughput"), median(7));
        // Encryption's share on the relay: the same run with every chunk sealed-shaped and padded
        // (the devices' sealing and opening happen on them, in WebCrypto, and are not in this).
        println!("| {devices} | relay, the business sealing | {} | {} | — | — | — |", ms(median(8)), ms(median(9)));
        figure(&format!("latency.sealed.{devices}.p50_ms"), median(8));
        figure(&format!("latency.sealed.{devices}.p99_ms"), median(9));
    }
    Ok(())
}

// ------------------------------------------------------------------ silent sockets

/// How long the relay waits for a Hello in the latency runs (its default is 10 s).
const SILENT_TIMEOUT: Duration = Duration::from_secs(3);

/// 1,000 sockets connect and never speak while 50 devices sync: the relay closes each after its
/// Hello timeout (which falls in the middle of the paced run), and the devices' latency is measured
/// as in the latency run, against the bare forwarder's.
async fn silent(o: &Options) -> Result<()> {
    let devices = 50;
    println!(
        "sync-load: {} sockets connect and never say Hello (closed after {} s) while {devices} devices sync as in the latency run\n",
        o.silent_sockets,
        SILENT_TIMEOUT.as_secs()
    );
    let mut p99s = Vec::new();
    let mut closed_counts = Vec::new();
    for _ in 0..o.repeat.max(1) {
        let (closed_tx, mut closed_rx) = mpsc::unbounded_channel::<(bool, Duration)>();
        let sockets = o.silent_sockets;
        let mut relay = relay_run_with(o, devices, false, move |addr| {
            for _ in 0..sockets {
                let closed_tx = closed_tx.clone();
                tokio::spawn(async move {
                    let opened = Instant::now();
                    let Ok(Ok((mut ws, _))) = tokio::time::timeout(
                        Duration::from_secs(10),
                        tokio_tungstenite::connect_async(format!("ws://{addr}/sync")),
                    )
                    .await
                    else {
                        let _ = closed_tx.send((false, opened.elapsed()));
                        return;
                    };
                    let mut code = None;
                    while let Some(Ok(msg)) = ws.next().await {
                        if let Message::Close(Some(frame)) = msg {
                            code = Some(u16::from(frame.code));
                            break;
                        }
                    }
                    let _ = closed_tx.send((code == Some(frontdesk_protocol::close::HELLO_TIMEOUT), opened.elapsed()));
                });
            }
        })
        .await?;
        let mut closed = 0;
        let mut slowest = Duration::ZERO;
        for _ in 0..o.silent_sockets {
            match tokio::time::timeout(Duration::from_secs(30), closed_rx.recv()).await {
                Ok(Some((ok, after))) => {
                    closed += usize::from(ok);
                    slowest = slowest.max(after);
                }
                _ => break,
            }
        }
        println!(
            "  run: {closed} of {} silent sockets closed with 4001 (the last {:.1} s after connecting); devices' p50 {:.2} ms, p99 {:.2} ms",
            o.silent_sockets,
            slowest.as_secs_f64(),
            relay.delivered.pct(0.5),
            relay.delivered.pct(0.99)
        );
        p99s.push(relay.delivered.pct(0.99));
        closed_counts.push(closed);
    }
    let mut floor = forwarder_run(o, devices).await?;
    p99s.sort_by(f64::total_cmp);
    let median = p99s[p99s.len() / 2];
    println!("  median p99 {median:.2} ms; the bare forwarder's p99 {:.2} ms", floor.delivered.pct(0.99));
    figure("silent.sockets", o.silent_sockets as f64);
    figure("silent.closed_min", closed_counts.iter().copied().min().unwrap_or(0) as f64);
    figure("silent.devices", devices as f64);
    figure("silent.p99_ms", median);
    figure("silent.p99_min_ms", p99s[0]);
    figure("silent.p99_max_ms", p99s[p99s.len() - 1]);
    figure("silent.forwarder_p99_ms", floor.delivered.pct(0.99));
    Ok(())
}

// ------------------------------------------------------------------ many devices pushing

/// Devices each keep this many pushes in flight (a tablet sending what it saved offline).
const WINDOW: usize = 4;

/// Registers `n` devices with keys of their own in one transaction (pairing one by one would
/// register the same rows).
async fn add_devices(data: &std::path::Path, n: usize, role: Role) -> Result<Vec<Credential>> {
    let store = SqliteStore::open_admin_in(data)?;
    let added = Credential::register_many(&store, n, role).await?;
    store.close().await?;
    Ok(added)
}

async fn in_process_relay(config: Config) -> Result<(SocketAddr, CancellationToken, tokio::task::JoinHandle<()>)> {
    let shutdown = CancellationToken::new();
    let relay = Relay::open(config, shutdown.clone())?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let _ = frontdesk_relay::run(listener, relay).await;
    });
    Ok((addr, shutdown, server))
}

/// Durable pushes per second: every device pushes to its own document, `WINDOW` in flight,
/// with the relay's default limits; a push counts once its acknowledgement (after the SQLite
/// commit) is back.
async fn pushes(o: &Options) -> Result<()> {
    let data = tempfile::tempdir()?;
    let devices = add_devices(data.path(), o.push_devices, Role::Staff).await?;
    let (addr, shutdown, server) = in_process_relay(Config::new(data.path().to_owned())).await?;
    let mut sockets = Vec::with_capacity(devices.len());
    for cred in &devices {
        sockets.push(hello(addr, cred).await?);
    }
    let start = Instant::now();
    let deadline = start + Duration::from_secs(o.push_seconds);
    let size = o.size;
    let mut tasks = Vec::new();
    for (d, ws) in sockets.into_iter().enumerate() {
        let doc = format!("day/bench-{d}");
        let signature = devices[d].author(&doc, &vec![7u8; size]).signature;
        tasks.push(tokio::spawn(async move {
            let (mut sink, mut stream) = ws.split();
            let mut sent_at = std::collections::HashMap::new();
            let mut n = 0u64;
            let mut acked = 0u64;
            let mut latencies = Vec::new();
            let push = |n: u64| {
                let mut id = [0u8; 16];
                id[..8].copy_from_slice(&n.to_le_bytes());
                id[8..16].copy_from_slice(&(d as u64).to_le_bytes());
                (
                    ChunkId(id),
                    ClientMsg::Push {
                        doc: doc.clone(),
                        chunk_id: ChunkId(id),
                        bytes: vec![7u8; size],
                        heads: Vec::new(),
                        // The same bytes to the same document every time: signed once.
                        signature: signature.clone(),
                    },
                )
            };
            for _ in 0..WINDOW {
                n += 1;
                let (id, msg) = push(n);
                sent_at.insert(id, Instant::now());
                sink.send(Message::Binary(msg.encode().into())).await?;
            }
            while let Some(Ok(frame)) = stream.next().await {
                let Message::Binary(frame) = frame else { continue };
                match ServerMsg::decode(&frame) {
                    Ok(ServerMsg::Ack { chunk_id, .. }) => {
                        let now = Instant::now();
                        if let Some(t) = sent_at.remove(&chunk_id) {
                            latencies.push(now.duration_since(t).as_micros() as u64);
                            if now <= deadline {
                                acked += 1;
                            }
                        }
                        if now < deadline {
                            n += 1;
                            let (id, msg) = push(n);
                            sent_at.insert(id, Instant::now());
                            sink.send(Message::Binary(msg.encode().into())).await?;
                        } else if sent_at.is_empty() {
                            break;
                        }
                    }
                    Ok(ServerMsg::Error { message, .. }) => anyhow::bail!("device {d} refused: {message}"),
                    _ => {}
                }
            }
            anyhow::Ok((acked, latencies))
        }));
    }
    let mut acked = 0u64;
    let mut latencies = Samples::default();
    for task in tasks {
        let (a, l) = task.await??;
        acked += a;
        latencies.0.extend(l);
    }
    let elapsed = deadline.duration_since(start).as_secs_f64();
    shutdown.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    let rate = acked as f64 / elapsed;
    println!(
        "pushes: {} devices, {WINDOW} in flight each, {} B chunks, {} s: {acked} acknowledged = {rate:.0} durable pushes/s; push→ack p50 {:.2} ms, p99 {:.2} ms",
        o.push_devices,
        o.size,
        o.push_seconds,
        latencies.pct(0.5),
        latencies.pct(0.99)
    );
    figure("pushes.devices", o.push_devices as f64);
    figure("pushes.per_sec", rate);
    figure("pushes.ack_p50_ms", latencies.pct(0.5));
    figure("pushes.ack_p99_ms", latencies.pct(0.99));
    Ok(())
}

// ------------------------------------------------------------------ idle devices

fn resident_kb(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS")
}

/// The real relay binary in its own process, with `n` devices connected, each subscribed to
/// three documents and otherwise idle: its resident memory.
async fn idle(o: &Options) -> Result<()> {
    let bin = match &o.relay_bin {
        Some(bin) => bin.clone(),
        None => std::env::current_exe()?.with_file_name("frontdesk-relay"),
    };
    anyhow::ensure!(bin.exists(), "no relay binary at {} (build it, or pass --relay-bin)", bin.display());
    let data = tempfile::tempdir()?;
    let devices = add_devices(data.path(), o.idle_devices, Role::Staff).await?;
    let port = TcpListener::bind("127.0.0.1:0").await?.local_addr()?.port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let mut relay = tokio::process::Command::new(&bin)
        .args(["serve", "--addr", &addr.to_string(), "--max-connections", &(o.idle_devices + 100).to_string()])
        .arg("--data")
        .arg(data.path())
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let pid = relay.id().context("relay pid")?;
    let mut waited = 0;
    while TcpStream::connect(addr).await.is_err() {
        anyhow::ensure!(waited < 100, "the relay did not start listening");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = resident_kb(pid)?;
    let started = Instant::now();
    let mut alive = Vec::with_capacity(devices.len());
    for batch in devices.chunks(100) {
        let mut joins = Vec::new();
        for cred in batch {
            let cred = cred.clone();
            joins.push(tokio::spawn(async move {
                let mut ws = hello(addr, &cred).await?;
                for doc in ["kiosk", "site", "day/bench"] {
                    send(&mut ws, ClientMsg::Subscribe { doc: doc.to_owned(), after_seq: 0 }).await?;
                }
                anyhow::Ok(ws)
            }));
        }
        for join in joins {
            let mut ws = join.await??;
            // Keep reading so pings are answered, as a real device's socket would.
            alive.push(tokio::spawn(async move { while let Some(Ok(_)) = ws.next().await {} }));
        }
    }
    let connect_s = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = resident_kb(pid)?;
    let still = alive.iter().filter(|t| !t.is_finished()).count();
    anyhow::ensure!(still == devices.len(), "only {still} of {} devices stayed connected", devices.len());
    let _ = relay.start_kill();
    let _ = relay.wait().await;
    for task in alive {
        task.abort();
    }
    println!(
        "idle: {} devices connected in {connect_s:.1} s, each subscribed to 3 documents: relay resident {:.1} MB (was {:.1} MB with none), {:.1} KB a device",
        o.idle_devices,
        after as f64 / 1024.0,
        before as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / o.idle_devices as f64
    );
    figure("idle.devices", o.idle_devices as f64);
    figure("idle.rss_mb", after as f64 / 1024.0);
    figure("idle.rss_empty_mb", before as f64 / 1024.0);
    Ok(())
}

// ------------------------------------------------------------------ a kiosk back after a day offline

fn ms_now(epoch: Instant) -> i64 {
    epoch.elapsed().as_millis() as i64
}

/// A kiosk that was offline for a day comes back: the real sync client (the one the app runs)
/// with a day of check-ins in its outbox and its cursor of the `kiosk` document from the day
/// before, while the desk republished that document many times. Measures how long until it is
/// caught up (every check-in acknowledged, the document synced) and in how many round trips
/// (batches it sent that had to wait for the relay's answer).
async fn catch_up(o: &Options) -> Result<()> {
    let data = tempfile::tempdir()?;
    let kiosk = add_devices(data.path(), 1, Role::Kiosk).await?.remove(0);
    let desk = add_devices(data.path(), 1, Role::Staff).await?.remove(0);
    let (addr, shutdown, server) = in_process_relay(Config::new(data.path().to_owned())).await?;
    // The relay takes a kiosk's inbox only for its own (UTC) today, tomorrow and the last days.
    let date = chrono::Utc::now().date_naive();

    // Yesterday the kiosk had the `kiosk` document up to the desk's 10th change; today the desk
    // made 40 more (the day's appointment index, republished as bookings changed).
    let mut ws = hello(addr, &desk).await?;
    let mut kiosk_doc = automerge::AutoCommit::new();
    let mut cursor = 0;
    let mut held = Vec::new();
    for n in 0..50u64 {
        use automerge::transaction::Transactable;
        kiosk_doc.put(automerge::ROOT, format!("slot{n}"), "x".repeat(200))?;
        let bytes = kiosk_doc.save_incremental();
        let push = ClientMsg::Push {
            doc: "kiosk".to_owned(),
            chunk_id: chunk_id(1_000 + n),
            bytes,
            heads: Vec::new(),
            signature: Vec::new(),
        };
        let push = desk.signed(push);
        send(&mut ws, push).await?;
        loop {
            let Some(Ok(Message::Binary(frame))) = ws.next().await else { anyhow::bail!("desk closed") };
            if let Ok(ServerMsg::Ack { seq, .. }) = ServerMsg::decode(&frame) {
                if n == 9 {
                    cursor = seq;
                    held = kiosk_doc.save();
                }
                break;
            }
        }
    }
    drop(ws);

    // The day's check-ins, saved at the kiosk while the relay was out of reach.
    let inbox = frontdesk_core::doc_name::inbox(date, &kiosk.id);
    let outbox: Vec<OutboxEntry> = (0..o.offline_check_ins)
        .map(|n| {
            let id = frontdesk_core::ids::VisitId::from_random([n as u8; 16]);
            let check_in = frontdesk_core::check_in::CheckIn::new(
                id,
                "Ana María García",
                frontdesk_core::check_in::VisitReason::WalkIn,
                "Consulta general",
                format!("A-{n:03}"),
                1_795_000_000_000 + n as i64 * 60_000,
                &kiosk.id,
            )
            .expect("a valid check-in");
            OutboxEntry {
                id: chunk_id(n as u64 + 1),
                doc: inbox.clone(),
                bytes: check_in.to_inbox_chunk(frontdesk_core::authorship::tag(&kiosk.public_key())),
                order: n as f64,
            }
        })
        .collect();
    let sent_bytes: usize = outbox.iter().map(|e| e.bytes.len()).sum();

    // The kiosk's device core, started from what its storage held, driven here as the browser
    // drives it (saves complete at once: the figure is the network's and the relay's).
    let epoch = Instant::now();
    let (mut core, first) = DeviceCore::start(Start {
        device: kiosk.id.clone(),
        signer: kiosk.public_key(),
        seed: [7; 16],
        docs: vec![StoredDoc { name: "kiosk".to_owned(), bytes: held, cursor, received: Vec::new(), sealed_from: 0 }],
        outbox,
        written_ahead: Vec::new(),
        follow: vec!["kiosk".to_owned()],
        watch: Vec::new(),
        keys: Vec::new(),
    });
    let mut pending: std::collections::VecDeque<device::Effect> = first.into();
    let started = Instant::now();
    pending.extend(core.handle(SyncEvent::Tick, ms_now(epoch), 0.5));
    anyhow::ensure!(pending.contains(&device::Effect::Open), "the device did not open a socket");
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await?;
    let (mut sink, mut stream) = ws.split();
    let mut round_trips = 0;
    let mut applied = 0usize;
    let mut synced = false;
    pending.extend(core.handle(SyncEvent::Opened, ms_now(epoch), 0.5));
    loop {
        let mut sent = false;
        while let Some(effect) = pending.pop_front() {
            match effect {
                device::Effect::Send(frame) => {
                    sink.feed(Message::Binary(frame.into())).await?;
                    sent = true;
                }
                device::Effect::Save { id, .. } => pending.extend(core.saved(id, Ok(()))),
                device::Effect::FlushSoon => pending.extend(core.flush()),
                // Its Hello proofs and chunks are signed with its key, the desk's checked (#20).
                device::Effect::Crypto { id, op } => {
                    let result = match &op {
                        frontdesk_core::crypto::Op::Sign { message } => Ok(kiosk.sign(message)),
                        frontdesk_core::crypto::Op::Verify { key, message, signature } => {
                            frontdesk_core::crypto::native::verify(key, message, signature)
                                .then(Vec::new)
                                .ok_or(frontdesk_core::crypto::CryptoError::BadSignature)
                        }
                        other => Err(frontdesk_core::crypto::CryptoError::Platform(format!("{other:?}"))),
                    };
                    pending.extend(core.crypto_done(id, result));
                }
                _ => {}
            }
        }
        if sent {
            sink.flush().await?;
            round_trips += 1;
        }
        if synced && core.pending() == 0 {
            break;
        }
        let Some(Ok(msg)) = stream.next().await else { anyhow::bail!("the relay closed the kiosk's socket") };
        let Message::Binary(frame) = msg else { continue };
        match ServerMsg::decode(&frame) {
            Ok(ServerMsg::Synced { doc, .. }) => synced |= doc == "kiosk",
            Ok(ServerMsg::Chunk { bytes, .. }) => applied += bytes.len(),
            // A refusal would leave the check-ins waiting for ever: say why instead.
            Ok(ServerMsg::Error { code, doc, message }) => {
                anyhow::bail!("the relay refused the kiosk: {code:?} {doc:?} {message}")
            }
            _ => {}
        }
        pending.extend(core.handle(SyncEvent::Frame(frame.to_vec()), ms_now(epoch), 0.5));
    }
    let took = started.elapsed().as_secs_f64() * 1000.0;
    shutdown.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    println!(
        "catch-up: a kiosk back after a day offline ({} check-ins, {} KB, to send; 40 changes of its document to get, {} KB) caught up in {round_trips} round trips, {took:.1} ms",
        o.offline_check_ins,
        sent_bytes / 1024,
        applied / 1024
    );
    figure("catch_up.round_trips", round_trips as f64);
    figure("catch_up.ms", took);
    Ok(())
}
