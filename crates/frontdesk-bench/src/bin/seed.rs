//! `seed`: fills a relay's data folder with generated front-office data.
//!
//! ```text
//! seed --business medical|hotel --days 365 [--today 2026-11-27] [--seed 1] [--sealed] [--no-pins] --data ./data-bench
//! ```
//!
//! Each document goes in as one chunk (what a tablet's first push of it would be), so a device
//! that subscribes gets the whole year from the relay. Prints what it made and how big it is.
//!
//! With `--sealed` the business is encrypted, as one set up by its first manager's tablet is:
//! the first epoch of every scope is numbered, every document is sealed under its scope's key
//! (a check-in or punch box sealed to its public key, as a kiosk's drops are), and the keys are
//! sealed to the recovery kit read from `FRONTDESK_SEED_KIT` (28 characters; an environment
//! variable, not an argument, so the kit is not in the process list). Nothing else keeps the
//! keys: a manager's tablet paired from the command line restores them with that kit.

use std::path::PathBuf;
use std::time::Instant;

use sha2::Digest;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use frontdesk_bench::seed::{self, Business};
use frontdesk_core::crypto::native::Keys;
use frontdesk_core::crypto::{KeyRef, Op, Sealable};
use frontdesk_core::keys;
use frontdesk_protocol::sealed::Scope;
use frontdesk_protocol::{Area, ChunkId, Role};
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
    /// Encrypt the business: every document sealed, the keys sealed to the recovery kit in
    /// `FRONTDESK_SEED_KIT`.
    #[arg(long)]
    sealed: bool,
    /// Nobody has a PIN (the payroll's are cleared), so no tablet of the business locks.
    #[arg(long)]
    no_pins: bool,
}

/// The device the seeded chunks name as their writer (a sealed header names one).
const WRITER: &str = "seed";

/// The operating system's random source, as the relay's and the browser's are.
fn random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random source");
}

/// The business's keys (epoch 1 of every scope) and the change of `envelopes/recovery` that
/// seals them to `kit`, as a manager's tablet seals them at set-up.
fn business_keys(kit: &str, tag: [u8; frontdesk_core::authorship::TAG_LEN]) -> Result<(Keys, Vec<u8>)> {
    let mut business = Keys::default();
    for scope in Scope::ALL {
        business.run_mut(&Op::Generate { key: KeyRef { scope, epoch: 1 } }, &mut random)?;
    }
    let mut identity = Keys::default();
    let [agreement, auth] = keys::kit_ops(kit);
    let agreement: [u8; 32] =
        identity.run(&agreement, &mut random)?.try_into().map_err(|_| anyhow::anyhow!("a 32-byte kit secret"))?;
    let auth = identity.run(&auth, &mut random)?;
    let public = identity.set_device(agreement, auth.clone());
    let mut envelopes = Vec::new();
    for (record, op) in keys::wraps(keys::RECOVERY, Role::Manager, &public, &auth, &business.held()) {
        envelopes.push((record, business.run(&op, &mut random)?));
    }
    let mut actor = [0u8; 16];
    random(&mut actor);
    Ok((business, keys::write_envelopes(frontdesk_core::authorship::actor(tag, actor), &envelopes)?))
}

#[tokio::main]
async fn main() -> Result<()> {
    let o = <Options as clap::Parser>::parse();
    let today = o.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let started = Instant::now();
    let mut seeded = seed::generate(o.business, today, o.days, o.seed);
    if o.no_pins {
        seeded.without_pins();
    }
    let docs = seeded.saved();
    // Every seeded change is the importer's, signed with its key (`Seeded::signer`).
    let mut importer = Keys::default();
    let importer_key = importer.set_signing(seeded.signer);
    let generated = started.elapsed();
    std::fs::create_dir_all(&o.data).with_context(|| format!("cannot create {}", o.data.display()))?;
    let store = SqliteStore::open_in(&o.data, StoreLimits::default(), Box::new(|_| {}))?;
    let mut docs = docs;
    let mut sealing = None;
    if o.sealed {
        let kit =
            std::env::var("FRONTDESK_SEED_KIT").context("--sealed needs the recovery kit in FRONTDESK_SEED_KIT")?;
        let kit = keys::read_kit(&kit).context("FRONTDESK_SEED_KIT is not a recovery kit (28 characters)")?;
        let (business, envelopes) = business_keys(&kit, frontdesk_core::authorship::tag(&importer_key))?;
        store.new_epochs(&Scope::ALL, true, WRITER, chrono::Utc::now().timestamp_millis()).await?;
        docs.push((format!("envelopes/{}", keys::RECOVERY), envelopes));
        sealing = Some(business);
    }
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
        let scope = Area::of(name).and_then(Area::scope);
        let bytes = match (&sealing, scope) {
            (Some(business), Some(scope)) => {
                let what = if scope.is_drop() { Sealable::Drop } else { Sealable::Chunk };
                business.seal(name, what, 1, WRITER, bytes, &mut random)?
            }
            _ => bytes.clone(),
        };
        let digest = sha2::Sha256::digest(&bytes).into();
        let signature =
            importer.run(&Op::Sign { message: frontdesk_protocol::chunk_proof(name, &digest) }, &mut random)?;
        let author = frontdesk_protocol::Author { key: importer_key.to_vec(), signature };
        let chunk = NewChunk {
            author,
            doc: name.clone(),
            chunk_id: ChunkId(id),
            bytes,
            heads,
            device: "seed".into(),
            at_ms: chrono::Utc::now().timestamp_millis(),
        };
        store.push(chunk, 0).await.with_context(|| format!("storing {name}"))?;
    }
    store.close().await?;
    let c = &seeded.counts;
    println!(
        "seeded {:?}{}: {} days to {} in {:.1} s: {} documents, {} KB saved",
        o.business,
        if o.sealed { ", sealed" } else { "" },
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
