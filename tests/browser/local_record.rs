//! What a device keeps in localStorage (`local_record`): the JSON serde_json wrote before
//! still reads back — settings, the kiosk's queue numbers, chunks written ahead, the time zone —
//! and what is damaged is refused, not half read.

use frontdesk::i18n::Lang;
use frontdesk::local_record::{self, LocalRecord};
use frontdesk::settings::{self, DeviceSettings, Mode};
use frontdesk::storage::OutboxEntry;
use frontdesk_core::check_in::TicketCounter;
use frontdesk_protocol::ChunkId;
use wasm_bindgen_test::*;

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn settings_written_before_read_back_without_their_stale_keys() {
    let key = "frontdesk.desk";
    let old = r#"{"token":"t","device":"d-1","name":"Front \"token\": desk","relay":"wss://attacker.example/sync","lang":"Es","role":"staff","owner":"ana","storage_notice_seen":true}"#;
    storage().set_item(key, old).unwrap();
    let settings = DeviceSettings::load(Mode::Desk).expect("paired settings");
    assert_eq!(
        settings,
        DeviceSettings {
            device: "d-1".into(),
            name: "Front \"token\": desk".into(),
            lang: Lang::Es,
            role: "staff".into(),
            owner: "ana".into(),
            storage_notice_seen: true,
        }
    );
    // Loading dropped the stale keys from what is kept, and kept the rest.
    let kept = storage().get_item(key).unwrap().unwrap();
    assert!(!kept.contains("attacker") && !kept.contains("\"t\""), "{kept}");
    assert_eq!(DeviceSettings::load(Mode::Desk), Some(settings));

    // Only `device` is needed; a device id that is not a string is no device.
    storage().set_item(key, r#"{"device":"d-2"}"#).unwrap();
    let bare = DeviceSettings::load(Mode::Desk).expect("a device");
    assert_eq!((bare.lang, bare.name.as_str(), bare.storage_notice_seen), (Lang::En, "", false));
    for damaged in [r#"{"device":7}"#, r#"{"name":"Desk"}"#, "[1,2]", "not json", r#""d-3""#] {
        storage().set_item(key, damaged).unwrap();
        assert_eq!(DeviceSettings::load(Mode::Desk), None, "{damaged}");
        assert_eq!(DeviceSettings::lang(Mode::Desk), Lang::En, "{damaged}");
    }
    storage().remove_item(key).unwrap();
}

#[wasm_bindgen_test]
fn the_kiosks_queue_numbers_survive_and_a_damaged_counter_starts_over() {
    let key = "frontdesk.kiosk.ticket";
    storage().set_item(key, r#"{"date":"2026-12-08","last":41,"letter":"B"}"#).unwrap();
    let counter = settings::ticket_counter();
    assert_eq!(counter, TicketCounter { date: "2026-12-08".into(), last: 41, letter: Some('B') });
    // Saved before letters were chosen: no letter.
    storage().set_item(key, r#"{"date":"2026-12-08","last":3}"#).unwrap();
    assert_eq!(settings::ticket_counter().letter, None);
    assert_eq!(settings::ticket_counter().last, 3);
    for damaged in [
        r#"{"date":"2026-12-08","last":3,"letter":"AB"}"#,
        r#"{"date":"2026-12-08","last":-1}"#,
        r#"{"date":"2026-12-08","last":2.5}"#,
        r#"{"last":3}"#,
        "{",
    ] {
        storage().set_item(key, damaged).unwrap();
        assert_eq!(settings::ticket_counter(), TicketCounter::default(), "{damaged}");
    }
    let next = TicketCounter { date: "2026-12-09".into(), last: 1, letter: Some('Ñ') };
    settings::save_ticket_counter(&next);
    assert_eq!(settings::ticket_counter(), next);
    settings::save_ticket_counter(&TicketCounter { letter: None, ..next.clone() });
    assert_eq!(storage().get_item(key).unwrap().unwrap(), r#"{"date":"2026-12-09","last":1,"letter":null}"#);
    storage().remove_item(key).unwrap();
}

#[wasm_bindgen_test]
fn chunks_written_ahead_come_back_whole_and_damaged_ones_are_left_out() {
    let every_byte: Vec<u8> = (0..=255).collect();
    let entry =
        OutboxEntry { id: ChunkId([7; 16]), doc: "inbox/2026-12-08/k1".into(), bytes: every_byte, order: 1.5e12 };
    assert!(frontdesk::spill::put(Mode::Kiosk, &entry));
    // As serde_json wrote one before.
    let old_id = ChunkId([8; 16]);
    let old = r#"{"doc":"inbox/2026-12-08/k1","bytes":[1,2,3],"order":1733650000000.25}"#;
    storage().set_item(&format!("frontdesk.kiosk.spill.{old_id}"), old).unwrap();
    for (i, damaged) in [
        r#"{"doc":"x","bytes":[256],"order":1}"#,
        r#"{"doc":"x","bytes":[-1],"order":1}"#,
        r#"{"doc":"x","bytes":[1.5],"order":1}"#,
        r#"{"doc":"x","bytes":"AQID","order":1}"#,
        r#"{"bytes":[1],"order":1}"#,
        r#"{"doc":"x","bytes":[1]}"#,
    ]
    .iter()
    .enumerate()
    {
        storage().set_item(&format!("frontdesk.kiosk.spill.{}", ChunkId([20 + i as u8; 16])), damaged).unwrap();
    }
    let mut back = frontdesk::spill::all(Mode::Kiosk);
    back.sort_by_key(|a| a.id);
    assert_eq!(
        back,
        vec![
            entry.clone(),
            OutboxEntry {
                id: old_id,
                doc: "inbox/2026-12-08/k1".into(),
                bytes: vec![1, 2, 3],
                order: 1_733_650_000_000.25
            },
        ]
    );
    // The desk's own chunks are apart.
    assert!(frontdesk::spill::all(Mode::Desk).is_empty());
    let keys: Vec<String> = (0..storage().length().unwrap())
        .filter_map(|i| storage().key(i).unwrap())
        .filter(|k| k.contains(".spill."))
        .collect();
    for key in keys {
        storage().remove_item(&key).unwrap();
    }
}

#[wasm_bindgen_test]
fn the_zone_and_a_record_read_back_as_written() {
    storage().set_item("test.zone", r#""Europe/Madrid""#).unwrap();
    assert_eq!(local_record::read_text("test.zone").as_deref(), Some("Europe/Madrid"));
    assert!(local_record::write_text("test.zone", "America/Santiago \"quoted\""));
    assert_eq!(local_record::read_text("test.zone").as_deref(), Some("America/Santiago \"quoted\""));
    storage().set_item("test.zone", "Europe/Madrid").unwrap();
    assert_eq!(local_record::read_text("test.zone"), None, "not JSON");
    storage().remove_item("test.zone").unwrap();

    let record = LocalRecord::default().with("n", 4_294_967_295u32).with("t", "é").with("f", false);
    let again = LocalRecord::parse(&record.to_json()).expect("an object");
    assert_eq!(
        (again.count("n"), again.text("t").as_deref(), again.flag("f")),
        (Some(u32::MAX), Some("é"), Some(false))
    );
    assert_eq!(LocalRecord::parse(r#"{"n":4294967296}"#).unwrap().count("n"), None);
    assert!(LocalRecord::parse("null").is_none() && LocalRecord::parse("3").is_none());
}
