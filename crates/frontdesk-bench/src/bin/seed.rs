//! `seed`: fills a relay's data folder with generated front-office data.
//!
//! ```text
//! seed --business medical|hotel --days 365 [--today 2026-11-27] [--seed 1] --data ./data-bench
//! ```
//!
//! Each document goes in as one chunk (what a tablet's first push of it would be), so a device
//! that subscribes gets the whole year from the relay. Prints what it made and how big it is.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use frontdesk_bench::seed::{self, Business};
use frontdesk_protocol::ChunkId;
use frontdesk_relay::store::{NewChunk, SqliteStore, Store, StoreLimits};

/// Fills a relay's data folder with generated front-office data.
#[derive(clap::Parser)]
#[command(about)]
struct Options {
    /// `medical` (a busy medical office) or `hotel` (60 rooms).
    #[arg(long, default_value = "medical")]
    business: Business,
    /// Days of data, ending today (bookings also for the week after).
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// The last day (default: today).
    #[arg(long)]
    today: Option<NaiveDate>,
    /// Seed of the generator: the same seed makes the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The relay's data folder.
    #[arg(long, default_value = "data-bench")]
    data: PathBuf,
}

#[tokio::main]
async fn main() -> Result<()> {
    let o = <Options as clap::Parser>::parse();
    let today = o.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let started = Instant::now();
    let mut seeded = seed::generate(o.business, today, o.days, o.seed);
    let docs = seeded.saved();
    let generated = started.elapsed();
    std::fs::create_dir_all(&o.data).with_context(|| format!("cannot create {}", o.data.display()))?;
    let store = SqliteStore::open_in(&o.data, StoreLimits::default(), Box::new(|_| {}))?;
    let mut total = 0usize;
    for (i, (name, bytes)) in docs.iter().enumerate() {
        total += bytes.len();
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        id[8..].copy_from_slice(&o.seed.to_le_bytes());
        // A whole saved document as one chunk: its heads are the document's.
        let heads = automerge::AutoCommit::load(bytes)
            .with_context(|| format!("reloading {name}"))?
            .get_heads()
            .into_iter()
            .map(|h| h.0)
            .collect();
        let chunk = NewChunk {
            doc: name.clone(),
            chunk_id: ChunkId(id),
            bytes: bytes.clone(),
            heads,
            device: "seed".into(),
            at_ms: chrono::Utc::now().timestamp_millis(),
        };
        store.push(chunk, 0).await.with_context(|| format!("storing {name}"))?;
    }
    store.close().await?;
    let c = &seeded.counts;
    println!(
        "seeded {:?}: {} days to {} in {:.1} s: {} documents, {} KB saved",
        o.business,
        o.days,
        today,
        generated.as_secs_f64(),
        docs.len(),
        total / 1024
    );
    println!(
        "  {} check-ins, {} bookings, {} invoices, {} payments, {} clients, {} claims, {} punches, {} shifts, {} calls, {} stays, {} room changes",
        c.check_ins,
        c.bookings,
        c.invoices,
        c.payments,
        c.clients,
        c.claims,
        c.punches,
        c.shifts,
        c.calls,
        c.stays,
        c.room_changes
    );
    let mut biggest: Vec<_> = docs.iter().map(|(n, b)| (b.len(), n)).collect();
    biggest.sort_unstable_by(|a, b| b.cmp(a));
    for (size, name) in biggest.iter().take(8) {
        println!("  {name}: {} KB", size / 1024);
    }
    println!("  data folder: {}", o.data.display());
    Ok(())
}
