//! The sealed format with the native ciphers (issue 19, slice 1): what is sealed opens, and only
//! where and as it was sealed. Attacks: every byte flipped, a chunk moved to another document, a
//! header relabelled (epoch, writer, `covers_seq`, kind), a drop opened with a kiosk's keys, a
//! low-order ephemeral key. The vectors in `tests/vectors/seal_v1.json` are checked here and by
//! WebCrypto in the browser tests (`tests/browser.rs`), so both platforms make the same bytes.

#![cfg(not(target_arch = "wasm32"))]

use frontdesk_core::crypto::native::{self, Keys};
use frontdesk_core::crypto::{CryptoError, KeyRef, Op, Sealable, opened, opening, sealing};
use frontdesk_protocol::sealed::{self, Header, Kind, NONCE_LEN, Scope, SealedError};
use proptest::prelude::*;
use serde_json::{Value, json};

/// A deterministic stand-in for a random source (splitmix64).
fn counter_random(seed: u64) -> impl FnMut(&mut [u8]) {
    let mut state = seed;
    move |buf: &mut [u8]| {
        for b in buf {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *b = (z ^ (z >> 31)) as u8;
        }
    }
}

fn key(scope: Scope, epoch: u32) -> KeyRef {
    KeyRef { scope, epoch }
}

/// A staff tablet's keys: staff and kiosk secrets, the inbox pair; a manager's add the rest.
fn staff_keys() -> Keys {
    let mut keys = Keys::default();
    keys.add_secret(key(Scope::Staff, 1), [0x11; 32]);
    keys.add_secret(key(Scope::Kiosk, 1), [0x22; 32]);
    keys.add_private(key(Scope::Inbox, 1), [0x33; 32]);
    keys.add_public(key(Scope::Clock, 1), native::public_key(&[0x44; 32]));
    keys
}

fn manager_keys() -> Keys {
    let mut keys = staff_keys();
    keys.add_secret(key(Scope::Manager, 1), [0x55; 32]);
    keys.add_private(key(Scope::Clock, 1), [0x44; 32]);
    keys
}

/// A kiosk: the kiosk's secret and the public halves it seals check-ins and punches to.
fn kiosk_keys() -> Keys {
    let mut keys = Keys::default();
    keys.add_secret(key(Scope::Kiosk, 1), [0x22; 32]);
    keys.add_public(key(Scope::Inbox, 1), native::public_key(&[0x33; 32]));
    keys.add_public(key(Scope::Clock, 1), native::public_key(&[0x44; 32]));
    keys
}

/// One document of every area, with what is written there.
const DOCS: [(&str, Sealable); 7] = [
    ("clients", Sealable::Chunk),
    ("day/2026-12-05", Sealable::Snapshot { covers_seq: 41 }),
    ("kiosk", Sealable::Chunk),
    ("payroll", Sealable::Chunk),
    ("inbox/2026-12-05/k1", Sealable::Drop),
    ("timeclock/2026-12-05/k1", Sealable::Drop),
    ("cardphoto/c1", Sealable::Snapshot { covers_seq: 2 }),
];

#[test]
fn what_a_device_seals_opens_with_the_same_keys_for_every_area() {
    let keys = manager_keys();
    let mut random = counter_random(1);
    for (doc, what) in DOCS {
        let plaintext = format!("Ana Ruiz, +34 600 111 222, {doc}").into_bytes();
        let wire = keys.seal(doc, what, 1, "a1b2c3d4e5f6", &plaintext, &mut random).unwrap();
        assert!(sealed::is_sealed(&wire));
        assert!(!wire.windows(8).any(|w| w == b"Ana Ruiz"), "{doc}: the name shows through");
        let (header, opened) = keys.open(doc, &wire).unwrap();
        assert_eq!(opened, plaintext, "{doc}");
        assert_eq!(header.device, "a1b2c3d4e5f6");
        assert_eq!(header.scope, frontdesk_protocol::Area::of(doc).unwrap().scope().unwrap());
        // Sealing the same plaintext twice gives different bytes (fresh nonce, fresh ephemeral key).
        let again = keys.seal(doc, what, 1, "a1b2c3d4e5f6", &plaintext, &mut random).unwrap();
        assert_ne!(again, wire, "{doc}");
    }
}

#[test]
fn every_byte_flipped_anywhere_stops_a_chunk_from_opening() {
    let keys = manager_keys();
    let mut random = counter_random(2);
    for (doc, what) in DOCS {
        let wire = keys.seal(doc, what, 1, "d1", b"Bruno Diaz owes 120.00", &mut random).unwrap();
        for at in 0..wire.len() {
            for bit in [0x01, 0x80] {
                let mut bad = wire.clone();
                bad[at] ^= bit;
                assert!(keys.open(doc, &bad).is_err(), "{doc}: byte {at} flipped ({bit:#x}) still opens");
            }
        }
        // Cut short or lengthened.
        assert!(keys.open(doc, &wire[..wire.len() - 1]).is_err());
        let mut longer = wire.clone();
        longer.push(0);
        assert!(keys.open(doc, &longer).is_err());
    }
}

#[test]
fn a_chunk_moved_to_another_document_does_not_open() {
    let keys = manager_keys();
    let mut random = counter_random(3);
    let moves = [
        ("day/2026-12-05", "day/2026-12-06", Sealable::Chunk),
        ("clients", "insurance", Sealable::Chunk),
        ("orders/2026-12", "invoices/2026-12", Sealable::Snapshot { covers_seq: 3 }),
        // A check-in copied into another kiosk's inbox, or another day's.
        ("inbox/2026-12-05/k1", "inbox/2026-12-05/k2", Sealable::Drop),
        ("inbox/2026-12-05/k1", "inbox/2026-12-06/k1", Sealable::Drop),
        ("timeclock/2026-12-05/k1", "timeclock/2026-12-05/d2", Sealable::Drop),
    ];
    for (from, to, what) in moves {
        let wire = keys.seal(from, what, 1, "d1", b"moved", &mut random).unwrap();
        assert_eq!(keys.open(to, &wire), Err(CryptoError::Damaged), "{from} → {to}");
    }
    // Into another area: refused before any cipher runs.
    let wire = keys.seal("clients", Sealable::Chunk, 1, "d1", b"x", &mut random).unwrap();
    assert_eq!(
        keys.open("payroll", &wire),
        Err(CryptoError::Sealed(SealedError::WrongScope { expected: Scope::Manager, found: Scope::Staff }))
    );
}

/// Rewrites a header in place, keeping the nonce and ciphertext.
fn relabel(wire: &[u8], change: impl FnOnce(&mut Header)) -> Vec<u8> {
    let parsed = sealed::parse(wire).unwrap();
    let mut header = parsed.header.clone();
    change(&mut header);
    let mut out = header.encode();
    out.extend_from_slice(&wire[parsed.header_len..]);
    out
}

#[test]
fn a_relabelled_header_does_not_open() {
    // Two epochs with the same key bytes: only the AAD can tell them apart.
    let mut keys = manager_keys();
    keys.add_secret(key(Scope::Staff, 2), [0x11; 32]);
    let mut random = counter_random(4);
    let snapshot = keys.seal("clients", Sealable::Snapshot { covers_seq: 9 }, 1, "d1", b"x", &mut random).unwrap();
    let chunk = keys.seal("clients", Sealable::Chunk, 1, "d1", b"x", &mut random).unwrap();
    assert!(keys.open("clients", &snapshot).is_ok() && keys.open("clients", &chunk).is_ok());
    let attacks: [(&str, Vec<u8>); 5] = [
        ("epoch", relabel(&chunk, |h| h.epoch = 2)),
        ("writer", relabel(&chunk, |h| h.device = "d2".into())),
        ("covers_seq", relabel(&snapshot, |h| h.kind = Kind::Snapshot { covers_seq: 10 })),
        ("snapshot as chunk", relabel(&snapshot, |h| h.kind = Kind::Chunk)),
        ("chunk as snapshot", relabel(&chunk, |h| h.kind = Kind::Snapshot { covers_seq: 0 })),
    ];
    for (what, wire) in attacks {
        assert_eq!(keys.open("clients", &wire), Err(CryptoError::Damaged), "{what}");
    }
    // A drop relabelled to the other kiosk in its header (the document still its own).
    let drop = keys.seal("inbox/2026-12-05/k1", Sealable::Drop, 1, "k1", b"x", &mut random).unwrap();
    let forged = relabel(&drop, |h| h.device = "k2".into());
    assert_eq!(keys.open("inbox/2026-12-05/k1", &forged), Err(CryptoError::Damaged));
    // A drop's ephemeral key swapped for another valid one.
    let other = native::public_key(&[0x77; 32]);
    let forged = relabel(&drop, |h| h.kind = Kind::Drop { ephemeral: other });
    assert_eq!(keys.open("inbox/2026-12-05/k1", &forged), Err(CryptoError::Damaged));
}

#[test]
fn a_kiosk_seals_check_ins_and_punches_it_cannot_open() {
    let kiosk = kiosk_keys();
    let (staff, manager) = (staff_keys(), manager_keys());
    let mut random = counter_random(5);
    let check_in = kiosk.seal("inbox/2026-12-05/k1", Sealable::Drop, 1, "k1", b"Ana Ruiz", &mut random).unwrap();
    let punch = kiosk.seal("timeclock/2026-12-05/k1", Sealable::Drop, 1, "k1", b"pin", &mut random).unwrap();
    assert_eq!(kiosk.open("inbox/2026-12-05/k1", &check_in), Err(CryptoError::NoKey(key(Scope::Inbox, 1))));
    assert_eq!(kiosk.open("timeclock/2026-12-05/k1", &punch), Err(CryptoError::NoKey(key(Scope::Clock, 1))));
    assert_eq!(staff.open("inbox/2026-12-05/k1", &check_in).unwrap().1, b"Ana Ruiz");
    // Punches are the managers' to read.
    assert_eq!(staff.open("timeclock/2026-12-05/k1", &punch), Err(CryptoError::NoKey(key(Scope::Clock, 1))));
    assert_eq!(manager.open("timeclock/2026-12-05/k1", &punch).unwrap().1, b"pin");
    // The kiosk reads its own document, and nothing staff write.
    let staff_chunk = staff.seal("clients", Sealable::Chunk, 1, "d1", b"Ana", &mut random).unwrap();
    assert_eq!(kiosk.open("clients", &staff_chunk), Err(CryptoError::NoKey(key(Scope::Staff, 1))));
    let kiosk_doc = staff.seal("kiosk", Sealable::Chunk, 1, "d1", b"services", &mut random).unwrap();
    assert_eq!(kiosk.open("kiosk", &kiosk_doc).unwrap().1, b"services");
    // And a kiosk cannot write a shared document it holds no key for.
    assert_eq!(
        kiosk.seal("clients", Sealable::Chunk, 1, "k1", b"x", &mut random),
        Err(CryptoError::NoKey(key(Scope::Staff, 1)))
    );
    // The wrong epoch is a missing key, not damage: the reader waits for it.
    assert_eq!(
        staff.seal("clients", Sealable::Chunk, 2, "d1", b"x", &mut random),
        Err(CryptoError::NoKey(key(Scope::Staff, 2)))
    );
}

#[test]
fn a_low_order_ephemeral_or_recipient_key_is_refused() {
    let staff = staff_keys();
    let mut random = counter_random(6);
    let drop = staff.seal("inbox/2026-12-05/k1", Sealable::Drop, 1, "k1", b"x", &mut random).unwrap();
    // The identity point and a point of order 8 make an all-zero shared secret.
    let order8 = {
        let mut p = [0u8; 32];
        p[..8].copy_from_slice(&[0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae]);
        p[8..16].copy_from_slice(&[0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a]);
        p[16..24].copy_from_slice(&[0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd]);
        p[24..].copy_from_slice(&[0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00]);
        p
    };
    for point in [[0u8; 32], order8] {
        let forged = relabel(&drop, |h| h.kind = Kind::Drop { ephemeral: point });
        assert_eq!(staff.open("inbox/2026-12-05/k1", &forged), Err(CryptoError::BadEphemeral));
        let mut planted = Keys::default();
        planted.add_public(key(Scope::Inbox, 1), point);
        assert_eq!(
            planted.seal("inbox/2026-12-05/k1", Sealable::Drop, 1, "k1", b"x", &mut random),
            Err(CryptoError::BadEphemeral)
        );
    }
}

#[test]
fn padding_hides_how_long_a_name_is() {
    let keys = staff_keys();
    let mut random = counter_random(7);
    let short = keys.seal("clients", Sealable::Chunk, 1, "d1", b"Al", &mut random).unwrap();
    let long = keys.seal("clients", Sealable::Chunk, 1, "d1", &[b'x'; 200], &mut random).unwrap();
    assert_eq!(short.len(), long.len());
    let snap_a = keys.seal("clients", Sealable::Snapshot { covers_seq: 1 }, 1, "d1", &[1; 10], &mut random).unwrap();
    let snap_b = keys.seal("clients", Sealable::Snapshot { covers_seq: 1 }, 1, "d1", &[1; 4000], &mut random).unwrap();
    assert_eq!(snap_a.len(), snap_b.len());
}

#[test]
fn key_bytes_and_plaintexts_stay_out_of_debug_output() {
    let keys = manager_keys();
    let shown = format!("{keys:?}");
    assert!(shown.contains("Staff") && !shown.contains("17, 17") && !shown.contains("0x11"), "{shown}");
    let op = sealing("clients", Sealable::Chunk, 1, "d1", b"Ana Ruiz").unwrap().op;
    let shown = format!("{op:?}");
    assert!(!shown.contains("65, 110, 97") && !shown.contains("Ana"), "{shown}");
    let derive = Op::Derive { password: b"123456".to_vec(), salt: vec![1], iterations: 3 };
    assert!(!format!("{derive:?}").contains("49, 50"));
}

fn kinds() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Chunk),
        any::<u64>().prop_map(|covers_seq| Kind::Snapshot { covers_seq }),
        any::<[u8; 32]>().prop_map(|ephemeral| Kind::Drop { ephemeral }),
    ]
}

proptest! {
    #[test]
    fn any_header_reads_back_as_written(
        kind in kinds(),
        scope in prop::sample::select(Scope::ALL.to_vec()),
        epoch in any::<u32>(),
        device in "[a-z0-9_-]{1,64}",
        nonce in any::<[u8; NONCE_LEN]>(),
        body in prop::collection::vec(any::<u8>(), 16..64),
    ) {
        let header = Header { kind, scope, epoch, device };
        let mut wire = header.encode();
        wire.extend_from_slice(&nonce);
        wire.extend_from_slice(&body);
        let parsed = sealed::parse(&wire).unwrap();
        prop_assert_eq!(&parsed.header, &header);
        prop_assert_eq!(parsed.nonce, nonce);
        prop_assert_eq!(parsed.ciphertext, &body[..]);
    }

    #[test]
    fn any_plaintext_round_trips_and_no_other_key_opens_it(
        plaintext in prop::collection::vec(any::<u8>(), 0..3000),
        other in any::<[u8; 32]>(),
        seed in any::<u64>(),
    ) {
        let keys = manager_keys();
        let mut random = counter_random(seed);
        for (doc, what) in DOCS {
            let wire = keys.seal(doc, what, 1, "d1", &plaintext, &mut random).unwrap();
            prop_assert_eq!(&keys.open(doc, &wire).unwrap().1, &plaintext);
            let mut stranger = Keys::default();
            for scope in Scope::ALL {
                stranger.add_secret(key(scope, 1), other);
                stranger.add_private(key(scope, 1), other);
            }
            prop_assert!(stranger.open(doc, &wire).is_err());
        }
    }
}

// ---------------------------------------------------------------- vectors

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cases of `seal_v1.json`: fixed keys, nonces and ephemeral keys, so both platforms must
/// make exactly these bytes.
fn vectors() -> Value {
    let cases = [
        ("a staff chunk", "clients", Sealable::Chunk, 3, "a1b2c3d4e5f6", "client/c1 Ana Ruiz +34 600 111 222"),
        ("an empty chunk", "day/2026-12-05", Sealable::Chunk, 0, "d1", ""),
        ("a kiosk snapshot", "kiosk", Sealable::Snapshot { covers_seq: 77 }, 1, "d1", "Clínica Sol · Limpieza 45,00 €"),
        ("a manager chunk", "payroll", Sealable::Chunk, 4_000_000_000, "m1", "rate/s1 12.50"),
        ("a check-in", "inbox/2026-12-05/k1", Sealable::Drop, 2, "k1", "{\"name\":\"Ana Ruiz\"}"),
        ("a punch", "timeclock/2026-12-05/k1", Sealable::Drop, 5, "k1", "in 08:59"),
    ];
    let mut out = Vec::new();
    for (n, (name, doc, what, epoch, device, text)) in cases.into_iter().enumerate() {
        let n = n as u8;
        let secret = [0x40 + n; 32];
        let nonce = [0x90 + n; NONCE_LEN];
        let ephemeral = [0xa0 + n; 32];
        let sealing = sealing(doc, what, epoch, device, text.as_bytes()).unwrap();
        let (sealed, mut case) = match &sealing.op {
            Op::Seal { aad, plaintext, .. } => {
                (native::seal_with_nonce(&secret, &nonce, aad, plaintext), json!({ "key": hex(&secret) }))
            }
            Op::SealTo { aad, plaintext, .. } => {
                let recipient = native::public_key(&secret);
                (
                    native::seal_to_with(&ephemeral, &recipient, &nonce, aad, plaintext).unwrap(),
                    json!({
                        "recipient_secret": hex(&secret),
                        "recipient_public": hex(&recipient),
                        "ephemeral_secret": hex(&ephemeral),
                        "ephemeral_public": hex(&native::public_key(&ephemeral)),
                    }),
                )
            }
            other => unreachable!("{other:?}"),
        };
        let wire = sealing.finish(&sealed);
        let (what, covers_seq) = match what {
            Sealable::Chunk => ("chunk", None),
            Sealable::Snapshot { covers_seq } => ("snapshot", Some(covers_seq)),
            Sealable::Drop => ("drop", None),
        };
        let fields = case.as_object_mut().unwrap();
        for (k, v) in [
            ("name", json!(name)),
            ("doc", json!(doc)),
            ("what", json!(what)),
            ("covers_seq", json!(covers_seq)),
            ("epoch", json!(epoch)),
            ("device", json!(device)),
            ("plaintext", json!(text)),
            ("nonce", json!(hex(&nonce))),
            ("wire", json!(hex(&wire))),
        ] {
            fields.insert(k.into(), v);
        }
        out.push(case);
    }
    let derive = |password: &str, salt: &[u8], iterations: u32| {
        json!({
            "password": password,
            "salt": hex(salt),
            "iterations": iterations,
            "output": hex(&native::derive(password.as_bytes(), salt, iterations)),
        })
    };
    json!({
        "about": "Sealed format v1 (crates/frontdesk-protocol/src/sealed.rs), made by crypto::native; \
                  checked by crates/frontdesk-core/tests/sealing.rs and, in WebCrypto, by tests/browser.rs. \
                  Regenerate only with a format change: FRONTDESK_WRITE_VECTORS=1 cargo test -p frontdesk-core --test sealing",
        "cases": out,
        "derive": [derive("123456", &[7; 16], 1), derive("code\u{0}K7QM2X", b"salt 2026-12-05", 1000)],
    })
}

#[test]
fn the_vectors_are_what_the_native_ciphers_make_and_open() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/seal_v1.json");
    let made = vectors();
    if std::env::var_os("FRONTDESK_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(&made).unwrap() + "\n").unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(stored, made, "the sealed format changed: the vectors no longer match");
    // And each opens with its key through the core's own path.
    let unhex = |s: &Value| -> [u8; 32] {
        let s = s.as_str().unwrap();
        let bytes: Vec<u8> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect();
        bytes.try_into().unwrap()
    };
    for case in stored["cases"].as_array().unwrap() {
        let doc = case["doc"].as_str().unwrap();
        let wire_hex = case["wire"].as_str().unwrap();
        let wire: Vec<u8> =
            (0..wire_hex.len()).step_by(2).map(|i| u8::from_str_radix(&wire_hex[i..i + 2], 16).unwrap()).collect();
        let opening = opening(doc, &wire).unwrap();
        let padded = match &opening.op {
            Op::Open { aad, sealed, .. } => native::open(&unhex(&case["key"]), aad, sealed).unwrap(),
            Op::OpenFrom { aad, sealed, .. } => {
                native::open_from(&unhex(&case["recipient_secret"]), aad, sealed).unwrap()
            }
            other => unreachable!("{other:?}"),
        };
        assert_eq!(opened(&padded).unwrap(), case["plaintext"].as_str().unwrap().as_bytes());
    }
}

/// The kiosk's lookup index (`frontdesk_core::lookup`): one entry, made natively.
mod lookup_vector {
    use frontdesk_core::crypto::native;
    use frontdesk_core::lookup::{Found, ITERATIONS, Query, Secret, aad, kdf_salt, password};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `tests/vectors/lookup_v1.json`: an entry derived with the product's iterations and sealed,
    /// as `tests/browser/sealing.rs` holds WebCrypto to it (desks and kiosks in any browser, and
    /// native devices, must make and open the same entries).
    #[test]
    fn the_lookup_vector_is_what_the_native_ciphers_make() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let salt = "00112233445566778899aabbccddeeff";
        let password = password(Query::Code("K7M-4QX")).unwrap();
        let plain = Found {
            booking: "b1".into(),
            start_min: 615,
            service_en: "Check-up".into(),
            service_es: "Revisión".into(),
            host: "Dra. Ruiz".into(),
        }
        .encode();
        let s = Secret(native::derive(&password, &kdf_salt(salt, date), ITERATIONS));
        let sealed = native::seal_with_nonce(&s.value_key(), &s.nonce(&plain), &aad(date), &plain);
        let made = format!(
            "{{\n  \"date\": \"{date}\",\n  \"salt\": \"{salt}\",\n  \"code\": \"K7M-4QX\",\n  \"iterations\": {ITERATIONS},\n  \"plain\": \"{}\",\n  \"secret\": \"{}\",\n  \"entry\": \"{}\",\n  \"sealed\": \"{}\"\n}}\n",
            hex(&plain),
            hex(&s.0),
            s.entry_key(),
            hex(&sealed)
        );
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/lookup_v1.json");
        if std::env::var_os("FRONTDESK_WRITE_VECTORS").is_some() {
            std::fs::write(&path, &made).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            made,
            "the index format changed: the vector no longer matches"
        );
    }
}
