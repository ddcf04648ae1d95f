//! In-browser tests (wasm-bindgen-test in headless Chromium): durable storage and the core on wasm.
#![cfg(target_arch = "wasm32")]

use frontdesk::storage::{OutboxEntry, Store, Write};
use frontdesk_core::check_in::check_ins;
use frontdesk_core::{CheckIn, Replica, VisitId, VisitReason};
use frontdesk_protocol::ChunkId;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/sealing.rs"]
mod sealing;

/// Bytes from a vector file's hex string.
fn unhex(value: &serde_json::Value) -> Vec<u8> {
    let s = value.as_str().expect("a hex string");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

/// A vector file's hex string as exactly `N` bytes.
fn arr<const N: usize>(value: &serde_json::Value) -> [u8; N] {
    unhex(value).try_into().expect("the right length")
}

#[path = "browser/keys.rs"]
mod keys;

#[path = "browser/local_record.rs"]
mod local_record;

/// A kiosk forgets the index of every day before today, and nothing else it stores.
#[wasm_bindgen_test]
async fn a_kiosk_forgets_its_past_days_and_nothing_else() {
    let name = "test-storage-forget-days";
    let _ = Store::destroy(name).await;
    let store = Store::open(name).await.expect("open");
    let names =
        ["catalog", "kiosk", "kiosk/2026-11-01", "kiosk/2026-12-05", "kiosk/2026-12-06", "kiosk/2026-12-07", "site"];
    let doc =
        |name: &str| Write::Doc { name: name.into(), bytes: vec![1], cursor: 1, received: Vec::new(), sealed_from: 0 };
    store.commit(names.iter().map(|n| doc(n)).collect()).await.expect("commit");
    store.forget_docs_between("kiosk/", "kiosk/2026-12-05").expect("forgotten");
    let all: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let kept: Vec<String> = store.load_docs(&all, &[]).await.expect("docs").into_iter().map(|d| d.name).collect();
    assert_eq!(kept, ["catalog", "kiosk", "kiosk/2026-12-06", "kiosk/2026-12-07", "site"]);
    drop(store);
    let _ = Store::destroy(name).await;
}

#[wasm_bindgen_test]
async fn documents_and_the_outbox_survive_reopening_the_database() {
    let name = "test-storage-roundtrip";
    let _ = Store::destroy(name).await;
    let store = Store::open(name).await.expect("open");
    store
        .commit(vec![
            Write::Doc {
                name: "day/2026-11-26".into(),
                bytes: vec![1, 2, 3],
                cursor: 7,
                received: Vec::new(),
                sealed_from: 5,
            },
            Write::Doc {
                name: "timeclock/2026-11/d1".into(),
                bytes: vec![4],
                cursor: 2,
                received: vec![("punch/a".into(), 1_764_150_000_123), ("punch/b".into(), 1_764_150_060_000)],
                sealed_from: 0,
            },
            Write::OutboxPut(OutboxEntry {
                id: ChunkId([1; 16]),
                doc: "day/2026-11-26".into(),
                bytes: vec![9],
                order: 2.0,
            }),
            Write::OutboxPut(OutboxEntry {
                id: ChunkId([2; 16]),
                doc: "day/2026-11-26".into(),
                bytes: vec![8],
                order: 1.0,
            }),
        ])
        .await
        .expect("commit");
    drop(store);

    let store = Store::open(name).await.expect("reopen");
    let docs = store.load_docs(&["day/2026-11-26".into()], &[]).await.expect("docs");
    assert_eq!(docs.len(), 1);
    assert_eq!(
        (docs[0].name.as_str(), docs[0].bytes.as_slice(), docs[0].cursor),
        ("day/2026-11-26", &[1u8, 2, 3][..], 7)
    );
    assert!(docs[0].received.is_empty());
    // Where a document's sealed chunks begin is kept with it (nothing in the clear is taken after).
    assert_eq!(docs[0].sealed_from, 5);
    // A drop box keeps when the relay received each of its records.
    let clock = store.load_docs(&["timeclock/2026-11/d1".into()], &[]).await.expect("docs");
    assert_eq!(
        clock[0].received,
        vec![("punch/a".to_owned(), 1_764_150_000_123), ("punch/b".to_owned(), 1_764_150_060_000)]
    );
    assert_eq!(clock[0].sealed_from, 0);
    let outbox = store.load_outbox().await.expect("outbox");
    assert_eq!(
        outbox.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ChunkId([2; 16]), ChunkId([1; 16])],
        "oldest first"
    );

    store.commit(vec![Write::OutboxDelete(ChunkId([2; 16]))]).await.expect("delete");
    assert_eq!(store.load_outbox().await.expect("outbox").len(), 1);
}

#[wasm_bindgen_test]
async fn only_the_documents_asked_for_are_read() {
    let name = "test-storage-selective";
    let _ = Store::destroy(name).await;
    let store = Store::open(name).await.expect("open");
    let doc =
        |name: &str| Write::Doc { name: name.into(), bytes: vec![1], cursor: 0, received: Vec::new(), sealed_from: 0 };
    store
        .commit(vec![
            doc("day/2026-11-25"),
            doc("day/2026-11-26"),
            doc("inbox/2026-11-25/k1"),
            doc("inbox/2026-11-26/k1"),
            doc("inbox/2026-11-26/k2"),
        ])
        .await
        .expect("commit");
    let mut names: Vec<String> = store
        .load_docs(&["day/2026-11-26".into()], &["inbox/2026-11-26/".into()])
        .await
        .expect("load")
        .into_iter()
        .map(|d| d.name)
        .collect();
    names.sort();
    assert_eq!(names, vec!["day/2026-11-26", "inbox/2026-11-26/k1", "inbox/2026-11-26/k2"]);
}

#[wasm_bindgen_test]
fn a_check_in_round_trips_through_an_inbox_on_wasm() {
    let check_in =
        CheckIn::new(VisitId::from_random([5; 16]), "Zoë Núñez", VisitReason::WalkIn, "", "A-001".into(), 1_000, "k1")
            .unwrap();
    let mut replica = Replica::new([3; 16]);
    replica.apply("inbox/2026-11-26/k1", &check_in.to_inbox_chunk([0; 8])).unwrap();
    let found = replica.get("inbox/2026-11-26/k1").map(check_ins).unwrap();
    assert_eq!(found, vec![check_in]);
}

#[wasm_bindgen_test]
fn the_business_clock_follows_its_zone_across_offset_changes() {
    use chrono::NaiveDate;
    use frontdesk::clock;
    use frontdesk::settings::Mode;
    let at = |y, m, d, h, min| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap();
    let utc_ms = |y, m, d, h, min| at(y, m, d, h, min).and_utc().timestamp_millis();

    clock::set_zone(Mode::Desk, "Europe/Madrid");
    // Winter: UTC+1. A day starts at 23:00 UTC the day before.
    assert_eq!(clock::start_of(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()), utc_ms(2026, 11, 26, 23, 0));
    assert_eq!(clock::local(utc_ms(2026, 7, 1, 10, 0)), at(2026, 7, 1, 12, 0), "summer: UTC+2");
    // 02:30 on 25 October 2026 happens twice (clocks go back at 03:00): the earlier one.
    assert_eq!(clock::instant(at(2026, 10, 25, 2, 30)), utc_ms(2026, 10, 25, 0, 30));

    // Santiago de Chile moves its clocks forward at midnight: 6 September 2026 starts at 01:00.
    clock::set_zone(Mode::Desk, "America/Santiago");
    assert_eq!(clock::start_of(NaiveDate::from_ymd_opt(2026, 9, 6).unwrap()), utc_ms(2026, 9, 6, 4, 0));
    assert_eq!(clock::local(utc_ms(2026, 9, 6, 4, 0)), at(2026, 9, 6, 1, 0));

    // A zone the browser does not know: the device's own clock, not a crash.
    clock::set_zone(Mode::Desk, "Nowhere/Atlantis");
    let now = frontdesk::platform::now_ms();
    let device = chrono::DateTime::from_timestamp_millis(now).unwrap().with_timezone(&chrono::Local).naive_local();
    assert_eq!(clock::local(now), device);
    clock::set_zone(Mode::Desk, "");
}
