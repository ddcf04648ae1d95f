//! The sealed format in WebCrypto (issue 19): the browser opens what the native ciphers sealed
//! and, given the same nonce and ephemeral key, seals exactly the same bytes — so either side
//! opens the other's (the vectors: `crates/frontdesk-core/tests/vectors/seal_v1.json`).

use frontdesk::webcrypto;
use frontdesk_core::crypto::{CryptoError, Op, Sealable, opened, opening, sealing};
use serde_json::Value;
use wasm_bindgen_test::*;

const VECTORS: &str = include_str!("../../crates/frontdesk-core/tests/vectors/seal_v1.json");

fn unhex(value: &Value) -> Vec<u8> {
    let s = value.as_str().expect("a hex string");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

fn arr<const N: usize>(value: &Value) -> [u8; N] {
    unhex(value).try_into().expect("the right length")
}

fn sealable(case: &Value) -> Sealable {
    match case["what"].as_str() {
        Some("chunk") => Sealable::Chunk,
        Some("snapshot") => Sealable::Snapshot { covers_seq: case["covers_seq"].as_u64().expect("covers_seq") },
        Some("drop") => Sealable::Drop,
        other => panic!("unknown kind {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn webcrypto_makes_and_opens_the_native_vectors_byte_for_byte() {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors");
    let cases = vectors["cases"].as_array().expect("cases");
    assert!(cases.len() >= 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let doc = case["doc"].as_str().unwrap();
        let plaintext = case["plaintext"].as_str().unwrap().as_bytes();
        let wire = unhex(&case["wire"]);
        let nonce: [u8; 12] = arr(&case["nonce"]);
        let epoch = case["epoch"].as_u64().unwrap() as u32;
        let sealing = sealing(doc, sealable(case), epoch, case["device"].as_str().unwrap(), plaintext).unwrap();
        let opening = opening(doc, &wire).unwrap();
        match (&sealing.op, &opening.op) {
            (Op::Seal { aad, plaintext: padded, .. }, Op::Open { aad: open_aad, sealed, .. }) => {
                let key = webcrypto::import_secret(&arr(&case["key"]), false).await.unwrap();
                let made = webcrypto::seal_with(&key, &nonce, aad, padded).await.unwrap();
                assert_eq!(sealing.clone().finish(&made), wire, "{name}: WebCrypto sealed other bytes");
                let padded = webcrypto::open(&key, open_aad, sealed).await.unwrap();
                assert_eq!(opened(&padded).unwrap(), plaintext, "{name}");
                // One bit off anywhere in what WebCrypto opens, and it refuses.
                for at in [0, 11, 12, sealed.len() / 2, sealed.len() - 1] {
                    let mut bad = sealed.clone();
                    bad[at] ^= 0x01;
                    assert_eq!(webcrypto::open(&key, open_aad, &bad).await, Err(CryptoError::Damaged), "{name} @{at}");
                }
                let mut bad_aad = open_aad.clone();
                bad_aad[20] ^= 0x01;
                assert_eq!(webcrypto::open(&key, &bad_aad, sealed).await, Err(CryptoError::Damaged), "{name}");
            }
            (Op::SealTo { aad, plaintext: padded, .. }, Op::OpenFrom { aad: open_aad, sealed, .. }) => {
                let recipient_public: [u8; 32] = arr(&case["recipient_public"]);
                let ephemeral = webcrypto::import_private(&arr(&case["ephemeral_secret"]), false).await.unwrap();
                let made = webcrypto::seal_to_with(
                    &ephemeral,
                    &arr(&case["ephemeral_public"]),
                    &recipient_public,
                    &nonce,
                    aad,
                    padded,
                )
                .await
                .unwrap();
                assert_eq!(sealing.clone().finish(&made), wire, "{name}: WebCrypto sealed other bytes");
                let recipient = webcrypto::import_private(&arr(&case["recipient_secret"]), false).await.unwrap();
                let padded = webcrypto::open_from(&recipient, &recipient_public, open_aad, sealed).await.unwrap();
                assert_eq!(opened(&padded).unwrap(), plaintext, "{name}");
                // With the key random, as a kiosk seals: still opens, never the same bytes twice.
                let a = webcrypto::seal_to(&recipient_public, aad, padded.as_slice()).await.unwrap();
                let b = webcrypto::seal_to(&recipient_public, aad, padded.as_slice()).await.unwrap();
                assert_ne!(a, b);
                for fresh in [a, b] {
                    let round = webcrypto::open_from(&recipient, &recipient_public, aad, &fresh).await.unwrap();
                    assert_eq!(opened(&round).unwrap(), plaintext, "{name}");
                }
                // Another recipient's key opens nothing; a low-order ephemeral key is refused.
                let stranger = webcrypto::import_private(&[0x77; 32], false).await.unwrap();
                assert_eq!(
                    webcrypto::open_from(&stranger, &recipient_public, open_aad, sealed).await,
                    Err(CryptoError::Damaged),
                    "{name}"
                );
                let mut low_order = sealed.clone();
                low_order[..32].fill(0);
                assert_eq!(
                    webcrypto::open_from(&recipient, &recipient_public, open_aad, &low_order).await,
                    Err(CryptoError::Damaged),
                    "{name}"
                );
                assert_eq!(webcrypto::seal_to(&[0; 32], aad, b"x").await, Err(CryptoError::BadEphemeral));
            }
            other => panic!("{name}: unexpected ops {other:?}"),
        }
    }
}

#[wasm_bindgen_test]
async fn webcrypto_seals_with_a_fresh_nonce_each_time() {
    let key = webcrypto::import_secret(&[9; 32], false).await.unwrap();
    let a = webcrypto::seal(&key, b"aad", b"Ana Ruiz").await.unwrap();
    let b = webcrypto::seal(&key, b"aad", b"Ana Ruiz").await.unwrap();
    assert_ne!(a[..12], b[..12]);
    assert_eq!(webcrypto::open(&key, b"aad", &a).await.unwrap(), b"Ana Ruiz");
    assert_eq!(webcrypto::open(&key, b"aae", &a).await, Err(CryptoError::Damaged));
}

#[wasm_bindgen_test]
async fn webcrypto_derives_the_native_pbkdf2_outputs() {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors");
    for case in vectors["derive"].as_array().unwrap() {
        let out = webcrypto::pbkdf2(
            case["password"].as_str().unwrap().as_bytes(),
            &unhex(&case["salt"]),
            case["iterations"].as_u64().unwrap() as u32,
        )
        .await
        .unwrap();
        assert_eq!(out, unhex(&case["output"]));
    }
}
