//! The load generator's "kiosk back after a day offline" run goes through against today's relay.
//!
//! `cargo xtask bench` is not part of the test command, so a change to the relay's rules can
//! leave a scenario waiting for ever (a kiosk's inbox of a fixed date, refused once the relay
//! took drop boxes only near its own today, hung the bench of 2026-12-05). This runs it (its
//! timing is the bench's business, not checked here) and reads what it reports.

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn a_kiosk_back_after_a_day_offline_catches_up_in_two_round_trips() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sync-load"))
        .args(["catch-up"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starting sync-load");
    let started = Instant::now();
    while child.try_wait().expect("waiting for sync-load").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("sync-load catch-up did not finish in 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("sync-load's output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "sync-load catch-up failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let trips: f64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("figure catch_up.round_trips "))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no round-trip count in:\n{stdout}"));
    assert_eq!(trips, 2.0, "every check-in and the document's catch-up in two round trips");
}
