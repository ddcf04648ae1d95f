//! `frontdesk-relay`: run the relay, or manage the devices allowed to connect to it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use frontdesk_protocol::Role;
use frontdesk_relay::store::{SqliteStore, Store};
use frontdesk_relay::{Config, Relay};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(version, about = "Frontdesk relay: stores and forwards document changes, serves the app")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync endpoint and the app.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Folder for the SQLite database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Folder of the built app (Trunk's dist) to serve.
        #[arg(long)]
        dist: Option<PathBuf>,
        /// Largest accepted frame in bytes.
        #[arg(long, default_value_t = frontdesk_protocol::DEFAULT_MAX_FRAME)]
        max_frame: usize,
        /// Most simultaneous device connections.
        #[arg(long, default_value_t = 10_000)]
        max_connections: usize,
        /// Seconds a new socket may take to say Hello.
        #[arg(long, default_value_t = 10)]
        hello_timeout: u64,
        /// Another origin whose pages may open sockets (`https://desk.example.com`); repeat for
        /// more. The relay's own pages always may.
        #[arg(long = "allow-origin")]
        allow_origins: Vec<String>,
        /// Most documents one device may create.
        #[arg(long, default_value_t = frontdesk_relay::store::StoreLimits::default().max_docs_per_device)]
        max_docs_per_device: u64,
        /// Most bytes of chunks one device may hold on the relay (freed as snapshots cover them).
        #[arg(long, default_value_t = frontdesk_relay::store::StoreLimits::default().max_bytes_per_device)]
        max_bytes_per_device: u64,
        /// Days the audit log keeps a line (default: six years; at least one).
        #[arg(long, default_value_t = frontdesk_relay::config::DEFAULT_AUDIT_DAYS,
              value_parser = clap::value_parser!(u32).range(1..))]
        audit_days: u32,
    },
    /// Make a one-time pairing code (10 minutes) for a new device and print it as JSON:
    /// `{"code": "…", "expires_at": "…"}`. Open `http://RELAY/pair#code=CODE` on the device.
    Pair {
        #[command(flatten)]
        code: PairArgs,
        /// Folder for the SQLite database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
    },
    /// Manage devices.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
        /// Folder for the SQLite database.
        #[arg(long, default_value = "data", global = true)]
        data: PathBuf,
    },
    /// Check the database's integrity; with `--sealed`, also list (as JSON lines) every document
    /// of a scope the business seals that still holds bytes in the clear, stored before
    /// encryption was turned on, and fail if there is any.
    Check {
        #[arg(long, default_value = "data")]
        data: PathBuf,
        #[arg(long)]
        sealed: bool,
    },
    /// Leave no trace of what sealed snapshots have replaced: bytes stored in the clear before
    /// encryption was turned on linger in the database's free space and its WAL until this
    /// rewrites both. Then lists what is still in the clear, as `check --sealed` does (a document
    /// no device has proposed a sealed snapshot of yet, and drop boxes, which have none). Run it
    /// with the relay stopped: the rewrite holds the database's write lock throughout.
    PurgePlaintext {
        #[arg(long, default_value = "data")]
        data: PathBuf,
    },
    /// Print the audit log as JSON lines, oldest first: every chunk pushed, snapshot proposed and
    /// document re-based (document, seq, device, relay time, size, SHA-256; a push's `chunk` id
    /// too, since protocol 9), every document a device subscribed to (a read), every change of
    /// the retention rules (`retention`: the manager's device, how many rules) and every document
    /// emptied because the rules made it expired (`expire`: no device, its last seq and the bytes
    /// it held). The relay logs this without reading the contents.
    Audit {
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Only this document.
        #[arg(long)]
        doc: Option<String>,
        /// Only this device (its id, as `device list` shows it).
        #[arg(long)]
        device: Option<String>,
        /// Only from this time on: a date (`2026-12-07`, from midnight UTC) or an RFC 3339 time
        /// (`2026-12-07T09:30:00+01:00`).
        #[arg(long, value_parser = parse_since)]
        since: Option<i64>,
    },
    /// Print the retention rules a manager's device set, one JSON line per area that has one:
    /// `{"area":"inbox","days":30}` (its documents are emptied that many days after the last day
    /// they cover). Nothing when there are none: every document is kept.
    Retention {
        #[arg(long, default_value = "data")]
        data: PathBuf,
    },
}

/// `--since`: a date (midnight UTC) or an RFC 3339 time, as ms since 1970.
fn parse_since(text: &str) -> Result<i64, String> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.timestamp_millis());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp_millis())
        .map_err(|_| format!("{text:?} is neither a date (2026-12-07) nor an RFC 3339 time (2026-12-07T09:30:00Z)"))
}

/// Prints the audit log's lines matching the filters, one JSON object each.
async fn print_audit(store: &SqliteStore, query: &frontdesk_relay::store::AuditQuery) -> anyhow::Result<()> {
    let names: std::collections::HashMap<String, String> =
        store.devices().await?.into_iter().map(|d| (d.id, d.name)).collect();
    for line in store.audit(query).await? {
        let at = chrono::DateTime::from_timestamp_millis(line.at_ms)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        let sha256 = line.sha256.map(|h| h.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let mut json = serde_json::json!({
            "at": at,
            "action": line.action.as_str(),
            "doc": line.doc,
            "seq": line.seq,
            "device": line.device,
            "device_name": names.get(&line.device),
            "size": line.size,
            "sha256": sha256,
        });
        // A push's chunk id (since protocol 9), as devices name their chunks: other lines have none.
        if let Some(chunk) = line.chunk {
            json["chunk"] = chunk.to_string().into();
        }
        println!("{json}");
    }
    Ok(())
}

/// Prints, one JSON line each, the documents of sealed scopes that still hold bytes in the clear;
/// answers how many.
async fn list_in_the_clear(store: &SqliteStore) -> anyhow::Result<usize> {
    let found = store.in_the_clear().await?;
    for f in &found {
        let line =
            serde_json::json!({ "doc": f.doc, "chunks_in_the_clear": f.chunks, "snapshot_in_the_clear": f.snapshot });
        println!("{line}");
    }
    Ok(found.len())
}

/// What a pairing code is for (`pair`, `device add`).
#[derive(clap::Args)]
struct PairArgs {
    #[arg(long)]
    role: Role,
    /// What staff will call it ("Lobby kiosk"); default: the role and a number ("kiosk 2").
    #[arg(long)]
    name: Option<String>,
    /// The business's name, shown on the device before it joins.
    #[arg(long, default_value = "")]
    business: String,
    /// Seconds the code works (1–600; for scripts and tests).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..=600), hide = true)]
    valid_for: u32,
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// The same as `pair`: a one-time pairing code, never a reusable secret.
    Add(PairArgs),
    /// List registered devices: id, role, name, paired at, last seen, and whether revoked.
    List,
    /// Give a device another name.
    Rename { id: String, name: String },
    /// Revoke a device: it is disconnected within a second and can no longer connect.
    Revoke { id: String },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            addr,
            data,
            dist,
            max_frame,
            max_connections,
            hello_timeout,
            allow_origins,
            max_docs_per_device,
            max_bytes_per_device,
            audit_days,
        } => {
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info,tower_http=warn".into()),
                )
                .init();
            let mut config = Config::new(data);
            config.dist_dir = dist;
            config.max_frame = max_frame;
            config.max_connections = max_connections;
            config.hello_timeout = Duration::from_secs(hello_timeout);
            config.allowed_origins = allow_origins;
            config.store.max_docs_per_device = max_docs_per_device;
            config.store.max_bytes_per_device = max_bytes_per_device;
            config.audit_days = audit_days;
            tokio::runtime::Runtime::new()?.block_on(serve(addr, config))
        }
        Command::Pair { code, data } => {
            std::fs::create_dir_all(&data)?;
            let store = SqliteStore::open_admin_in(&data)?;
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(device(DeviceCommand::Add(code), &store))
        }
        Command::Device { command, data } => {
            std::fs::create_dir_all(&data)?;
            let store = SqliteStore::open_admin_in(&data)?;
            tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(device(command, &store))
        }
        Command::Check { data, sealed } => {
            let store = SqliteStore::open_admin_in(&data)?;
            tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
                store.integrity_check().await.context("integrity check failed")?;
                let in_the_clear = if sealed { list_in_the_clear(&store).await? } else { 0 };
                store.close().await?;
                anyhow::ensure!(
                    in_the_clear == 0,
                    "{in_the_clear} documents of sealed scopes still hold bytes in the clear (listed above)"
                );
                println!("ok");
                Ok(())
            })
        }
        Command::Audit { data, doc, device, since } => {
            let store = SqliteStore::open_admin_in(&data)?;
            tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
                let query = frontdesk_relay::store::AuditQuery { doc, device, since_ms: since };
                print_audit(&store, &query).await?;
                store.close().await?;
                Ok(())
            })
        }
        Command::Retention { data } => {
            let store = SqliteStore::open_admin_in(&data)?;
            tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
                for rule in store.retention().await?.rules {
                    println!("{}", serde_json::json!({ "area": rule.area.as_str(), "days": rule.days }));
                }
                store.close().await?;
                Ok(())
            })
        }
        Command::PurgePlaintext { data } => {
            let store = SqliteStore::open_admin_in(&data)?;
            tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
                store.wipe_free_space().await.context("the database could not be rewritten")?;
                let left = list_in_the_clear(&store).await?;
                store.close().await?;
                eprintln!("wiped; {left} documents still hold bytes in the clear (listed above)");
                Ok(())
            })
        }
    }
}

async fn device(command: DeviceCommand, store: &SqliteStore) -> anyhow::Result<()> {
    match command {
        DeviceCommand::Add(PairArgs { role, name, business, valid_for }) => {
            let name = match name {
                Some(name) => name,
                None => {
                    let same_role = store.devices().await?.iter().filter(|d| d.role == role).count();
                    format!("{role} {}", same_role + 1)
                }
            };
            let now_ms = chrono::Utc::now().timestamp_millis();
            let mut offer = frontdesk_relay::pairing::offer(
                role,
                name.clone(),
                business,
                frontdesk_relay::pairing::OPERATOR.into(),
                now_ms,
            );
            offer.expires_at_ms = now_ms + i64::from(valid_for) * 1000;
            let expires_at = chrono::DateTime::from_timestamp_millis(offer.expires_at_ms)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let code = frontdesk_relay::pairing::create(store, offer, now_ms).await?;
            let line =
                serde_json::json!({ "code": code, "expires_at": expires_at, "role": role.as_str(), "name": name });
            println!("{line}");
        }
        DeviceCommand::List => {
            let time = |ms: i64| match chrono::DateTime::from_timestamp_millis(ms) {
                Some(t) if ms > 0 => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                _ => "-".into(),
            };
            for d in store.devices().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}{}",
                    d.id,
                    d.role,
                    d.name,
                    time(d.paired_at_ms),
                    time(d.last_seen_ms),
                    if d.revoked { "\t(revoked)" } else { "" }
                );
            }
        }
        DeviceCommand::Rename { id, name } => {
            anyhow::ensure!(!name.trim().is_empty(), "a device needs a name");
            anyhow::ensure!(store.rename_device(&id, name.trim()).await?, "no device with id {id}");
            println!("renamed {id}");
        }
        DeviceCommand::Revoke { id } => {
            anyhow::ensure!(store.revoke_device(&id, &[]).await?, "no device with id {id}");
            println!("revoked {id}");
        }
    }
    store.close().await?;
    Ok(())
}

async fn serve(addr: SocketAddr, config: Config) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let data_dir = config.data_dir.clone();
    let relay = Relay::open(config, shutdown.clone())
        .with_context(|| format!("opening the database in {}", data_dir.display()))?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    tracing::info!(addr = %listener.local_addr()?, data = %data_dir.display(), "relay listening");
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutdown requested");
        shutdown.cancel();
    });
    frontdesk_relay::run(listener, relay).await
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
