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
use frontdesk_protocol::{ChunkId, ClientMsg, PROTOCOL_VERSION, Role, ServerMsg};
use frontdesk_relay::{Config, Relay, store};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, broadcast, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct Options {
    devices: Vec<usize>,
    paced: usize,
    rate: u64,
    burst: usize,
    size: usize,
}

fn parse() -> Result<Options> {
    let mut o = Options { devices: vec![1, 10, 50], paced: 1000, rate: 200, burst: 5000, size: 400 };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().context("missing value");
        match arg.as_str() {
            "--devices" => o.devices = value()?.split(',').map(str::parse).collect::<Result<_, _>>()?,
            "--paced" => o.paced = value()?.parse()?,
            "--rate" => o.rate = value()?.parse()?,
            "--burst" => o.burst = value()?.parse()?,
            "--size" => o.size = value()?.parse()?,
            other => anyhow::bail!(
                "unknown option {other}; options: --devices 1,10,50 --paced 1000 --rate 200 --burst 5000 --size 400"
            ),
        }
    }
    Ok(o)
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

fn read_stamp(epoch: Instant, bytes: &[u8]) -> (u64, u64) {
    let sent = u64::from_le_bytes(bytes[..8].try_into().unwrap_or_default());
    let seq = u64::from_le_bytes(bytes[8..16].try_into().unwrap_or_default());
    let now = epoch.elapsed().as_nanos() as u64;
    (now.saturating_sub(sent) / 1000, seq)
}

// ------------------------------------------------------------------ the relay

async fn relay_run(o: &Options, devices: usize) -> Result<Figures> {
    let data = tempfile::tempdir()?;
    let mut config = Config::new(data.path().to_owned());
    config.rate_per_sec = 1_000_000;
    config.rate_burst = 1_000_000;
    let shutdown = CancellationToken::new();
    let relay = Relay::open(config, shutdown.clone())?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(frontdesk_relay::run(listener, relay));
    let conn = store::Store::open_admin(&data.path().join("relay.sqlite3"))?;
    let mut tokens = Vec::new();
    for i in 0..devices {
        tokens.push(store::add_device(&conn, &format!("bench {i}"), Role::Staff)?.1);
    }
    drop(conn);
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
                        let _ = lat_tx.send(read_stamp(epoch, &bytes));
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
        let push = ClientMsg::Push { doc: doc.clone(), chunk_id: id, bytes: stamp(epoch, n, o.size) };
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
        let push = ClientMsg::Push { doc: doc.clone(), chunk_id: chunk_id(n), bytes: stamp(epoch, n, o.size) };
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

async fn hello(addr: SocketAddr, token: &str) -> Result<Ws> {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await?;
    send(&mut ws, ClientMsg::Hello { token: token.to_owned(), protocol: PROTOCOL_VERSION }).await?;
    while let Some(msg) = ws.next().await {
        if let Message::Binary(frame) = msg?
            && let Ok(ServerMsg::Welcome { .. }) = ServerMsg::decode(&frame)
        {
            return Ok(ws);
        }
    }
    anyhow::bail!("no Welcome")
}

async fn send(ws: &mut Ws, msg: ClientMsg) -> Result<()> {
    ws.send(Message::Binary(msg.encode().into())).await?;
    Ok(())
}

// ------------------------------------------------------------------ the bare forwarder

/// Accepts sockets and sends every binary frame to every other socket. No storage, no checks.
async fn forwarder(listener: TcpListener, stop: CancellationToken) {
    let (tx, _) = broadcast::channel::<(u64, Arc<[u8]>)>(65_536);
    let mut next = 0u64;
    loop {
        let (tcp, _) = tokio::select! {
            conn = listener.accept() => match conn { Ok(c) => c, Err(_) => continue },
            _ = stop.cancelled() => return,
        };
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
                        Ok((from, bytes)) if from != id => {
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
    tokio::spawn(forwarder(listener, stop.clone()));
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
    let (mut pusher, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/")).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut delivered = Samples::default();
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / o.rate.max(1)));
    let mut n = 0;
    for _ in 0..o.paced {
        ticker.tick().await;
        n += 1;
        pusher.send(Message::Binary(stamp(epoch, n, o.size).into())).await?;
    }
    collect(&mut lat_rx, &mut delivered, o.paced * (devices - 1)).await;
    let start = Instant::now();
    for _ in 0..o.burst {
        n += 1;
        pusher.feed(Message::Binary(stamp(epoch, n, o.size).into())).await?;
    }
    pusher.flush().await?;
    let mut burst = Samples::default();
    collect(&mut lat_rx, &mut burst, o.burst * (devices - 1)).await;
    let elapsed = start.elapsed().as_secs_f64();
    stop.cancel();
    Ok(Figures { delivered, acked: Samples::default(), throughput: o.burst as f64 / elapsed })
}

#[tokio::main]
async fn main() -> Result<()> {
    let o = parse()?;
    println!(
        "sync-load: one pusher, {} B chunks; paced {} chunks at {}/s, then a burst of {} (pipelined)\n",
        o.size, o.paced, o.rate, o.burst
    );
    println!("| devices | server | push→delivered p50 | p99 | push→ack p50 | p99 | burst throughput |");
    println!("|---|---|---|---|---|---|---|");
    for &devices in &o.devices {
        let devices = devices.max(1);
        let mut relay = relay_run(&o, devices).await?;
        let mut floor = forwarder_run(&o, devices).await?;
        let ms = |v: f64| if v.is_nan() { "—".to_owned() } else { format!("{v:.2} ms") };
        println!(
            "| {devices} | relay (SQLite, durable) | {} | {} | {} | {} | {:.0} chunks/s |",
            ms(relay.delivered.pct(0.5)),
            ms(relay.delivered.pct(0.99)),
            ms(relay.acked.pct(0.5)),
            ms(relay.acked.pct(0.99)),
            relay.throughput
        );
        println!(
            "| {devices} | bare forwarder | {} | {} | — | — | {:.0} chunks/s |",
            ms(floor.delivered.pct(0.5)),
            ms(floor.delivered.pct(0.99)),
            floor.throughput
        );
    }
    Ok(())
}
