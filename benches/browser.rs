//! The browser measurement: the release app in headless Chromium against a real relay holding
//! seeded data, driven through WebDriver as the end-to-end tests drive it.
//!
//! For each seeded stretch (a month, a year, three years of a busy medical office) it measures the
//! desk's cold start (navigation → today's board on screen, and the part after the wasm started),
//! the wasm memory of a tablet holding that data, and the kiosk's check-in (tap on "Confirm" →
//! the check-in committed to IndexedDB). Timings are read in the page (`performance.now()`, a
//! `MutationObserver` and a wrapped `IDBDatabase.transaction`, injected before the app loads),
//! so WebDriver's own latency is not in them. Prints `figure <key> <value>` lines for
//! `cargo xtask bench`.
//!
//! `cargo xtask bench` builds the app, the relay and the seed tool and runs this; by hand:
//! `FRONTDESK_SEED_BIN=target/release/seed cargo bench -p frontdesk --bench browser -- --days 30,365`

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/e2e/harness.rs"]
#[allow(dead_code)]
mod harness;
#[cfg(not(target_arch = "wasm32"))]
#[path = "browser/measure.rs"]
mod measure;

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    measure::run().await
}

/// Nothing to measure from inside a wasm build: the bench drives a browser from outside.
#[cfg(target_arch = "wasm32")]
fn main() {}
