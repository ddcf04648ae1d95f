//! The sealed format in WebCrypto (issue 19): the browser opens what the native ciphers sealed
//! and, given the same nonce and ephemeral key, seals exactly the same bytes — so either side
//! opens the other's (the vectors: `crates/frontdesk-core/tests/vectors/seal_v1.json`).

use frontdesk::webcrypto::{self, With};
use frontdesk_core::crypto::{CryptoError, KeyRef, Op, Sealable, opened, opening, sealing};
use frontdesk_protocol::sealed::Scope;
use serde_json::Value;
use wasm_bindgen_test::*;

const VECTORS: &str = include_str!("../../crates/frontdesk-core/tests/vectors/seal_v1.json");

use super::{arr, unhex};

/// Any key name: WebCrypto runs with the key material it is given.
const ANY: KeyRef = KeyRef { scope: Scope::Staff, epoch: 1 };

fn open_op(aad: &[u8], sealed: &[u8]) -> Op {
    Op::Open { key: ANY, aad: aad.to_vec(), sealed: sealed.to_vec() }
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
                let padded = webcrypto::run(opening.op.clone(), With::Secret(key.clone())).await.unwrap();
                assert_eq!(opened(&padded).unwrap(), plaintext, "{name}");
                // And sealed with a random nonce, as the device seals: it opens to the same.
                let fresh = webcrypto::run(sealing.op.clone(), With::Secret(key.clone())).await.unwrap();
                assert_ne!(sealing.clone().finish(&fresh), wire);
                let round = webcrypto::run(open_op(aad, &fresh), With::Secret(key.clone())).await.unwrap();
                assert_eq!(opened(&round).unwrap(), plaintext, "{name}");
                // One bit off anywhere in what WebCrypto opens, and it refuses.
                for at in [0, 11, 12, sealed.len() / 2, sealed.len() - 1] {
                    let mut bad = sealed.clone();
                    bad[at] ^= 0x01;
                    let result = webcrypto::run(open_op(open_aad, &bad), With::Secret(key.clone())).await;
                    assert_eq!(result, Err(CryptoError::Damaged), "{name} @{at}");
                }
                let mut bad_aad = open_aad.clone();
                bad_aad[20] ^= 0x01;
                let result = webcrypto::run(open_op(&bad_aad, sealed), With::Secret(key.clone())).await;
                assert_eq!(result, Err(CryptoError::Damaged), "{name}");
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
                let with = || With::Private(recipient.clone(), recipient_public);
                let padded = webcrypto::run(opening.op.clone(), with()).await.unwrap();
                assert_eq!(opened(&padded).unwrap(), plaintext, "{name}");
                // With the key random, as a kiosk seals: still opens, never the same bytes twice.
                let a = webcrypto::run(sealing.op.clone(), With::Public(recipient_public)).await.unwrap();
                let b = webcrypto::run(sealing.op.clone(), With::Public(recipient_public)).await.unwrap();
                assert_ne!(a, b);
                let open_from =
                    |sealed: &[u8]| Op::OpenFrom { key: ANY, aad: open_aad.clone(), sealed: sealed.to_vec() };
                for fresh in [a, b] {
                    let round = webcrypto::run(open_from(&fresh), with()).await.unwrap();
                    assert_eq!(opened(&round).unwrap(), plaintext, "{name}");
                }
                // Another recipient's key opens nothing; a low-order ephemeral key is refused.
                let stranger = webcrypto::import_private(&[0x77; 32], false).await.unwrap();
                assert_eq!(
                    webcrypto::run(open_from(sealed), With::Private(stranger.clone(), recipient_public)).await,
                    Err(CryptoError::Damaged),
                    "{name}"
                );
                let mut low_order = sealed.clone();
                low_order[..32].fill(0);
                assert_eq!(webcrypto::run(open_from(&low_order), with()).await, Err(CryptoError::Damaged), "{name}");
                assert_eq!(
                    webcrypto::run(sealing.op.clone(), With::Public([0; 32])).await,
                    Err(CryptoError::BadEphemeral)
                );
            }
            other => panic!("{name}: unexpected ops {other:?}"),
        }
    }
}

#[wasm_bindgen_test]
async fn webcrypto_seals_with_a_fresh_nonce_each_time() {
    let key = webcrypto::import_secret(&[9; 32], false).await.unwrap();
    let seal = || Op::Seal { key: ANY, aad: b"aad".to_vec(), plaintext: b"Ana Ruiz".to_vec() };
    let a = webcrypto::run(seal(), With::Secret(key.clone())).await.unwrap();
    let b = webcrypto::run(seal(), With::Secret(key.clone())).await.unwrap();
    assert_ne!(a[..12], b[..12]);
    assert_eq!(webcrypto::run(open_op(b"aad", &a), With::Secret(key.clone())).await.unwrap(), b"Ana Ruiz");
    assert_eq!(webcrypto::run(open_op(b"aae", &a), With::Secret(key.clone())).await, Err(CryptoError::Damaged));
    // An op without its key material is refused, not run with something else.
    assert!(matches!(webcrypto::run(seal(), With::Nothing).await, Err(CryptoError::Platform(_))));
}

#[wasm_bindgen_test]
async fn webcrypto_derives_the_native_pbkdf2_outputs() {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors");
    for case in vectors["derive"].as_array().unwrap() {
        let op = Op::Derive {
            password: case["password"].as_str().unwrap().as_bytes().to_vec(),
            salt: unhex(&case["salt"]),
            iterations: case["iterations"].as_u64().unwrap() as u32,
        };
        let out = webcrypto::run(op, With::Nothing).await.unwrap();
        assert_eq!(out, unhex(&case["output"]));
    }
}

/// The kiosk's lookup index (`frontdesk_core::lookup`): WebCrypto derives the entry's secret
/// with the product's iterations, seals the entry to the very bytes the native ciphers made, and
/// opens them; another code's secret opens nothing.
#[wasm_bindgen_test]
async fn webcrypto_derives_seals_and_opens_the_native_lookup_vector() {
    use frontdesk_core::lookup::{self, Found, Query, Secret};
    let vector: Value =
        serde_json::from_str(include_str!("../../crates/frontdesk-core/tests/vectors/lookup_v1.json")).expect("vector");
    let date: chrono::NaiveDate = vector["date"].as_str().unwrap().parse().unwrap();
    let salt = lookup::kdf_salt(vector["salt"].as_str().unwrap(), date);
    let password = lookup::password(Query::Code(vector["code"].as_str().unwrap())).unwrap();
    assert_eq!(vector["iterations"].as_u64(), Some(u64::from(lookup::ITERATIONS)));
    let secret = Secret(webcrypto::derive(&password, &salt, lookup::ITERATIONS).await.expect("derived"));
    assert_eq!(secret.0.to_vec(), unhex(&vector["secret"]));
    assert_eq!(secret.entry_key(), vector["entry"].as_str().unwrap());
    let plain = unhex(&vector["plain"]);
    let sealed = webcrypto::seal_raw(&secret.value_key(), &secret.nonce(&plain), &lookup::aad(date), &plain)
        .await
        .expect("sealed");
    assert_eq!(sealed, unhex(&vector["sealed"]), "every desk seals an entry to the same bytes");
    let opened = webcrypto::open_raw(&secret.value_key(), &lookup::aad(date), &sealed).await.expect("opened");
    assert_eq!(Found::decode(&opened).map(|f| f.host), Some("Dra. Ruiz".to_owned()));
    let other = Secret(webcrypto::derive(b"code\0ZZZZZZ", &salt, 1).await.expect("derived"));
    let refused = webcrypto::open_raw(&other.value_key(), &lookup::aad(date), &sealed).await;
    assert_eq!(refused.err(), Some(CryptoError::Damaged));
    let next_day = date.succ_opt().unwrap();
    let moved = webcrypto::open_raw(&secret.value_key(), &lookup::aad(next_day), &sealed).await;
    assert_eq!(moved.err(), Some(CryptoError::Damaged), "an entry moved to another day opens nothing");
}

/// PINs (`frontdesk_core::pin`): WebCrypto derives a PIN under several salts in one call, each
/// byte for byte what Python's hashlib made, with the product's rounds; the tag and the verifier
/// of the result are the vector's.
#[wasm_bindgen_test]
async fn webcrypto_derives_a_pin_under_every_salt_at_once_as_the_vector_says() {
    use frontdesk_core::pin;
    let vector: Value =
        serde_json::from_str(include_str!("../../crates/frontdesk-core/tests/vectors/pin_v1.json")).expect("vector");
    assert_eq!(vector["iterations"].as_u64(), Some(u64::from(pin::ITERATIONS)));
    let salts = [vector["salt"].as_str().unwrap(), vector["other_salt"].as_str().unwrap()];
    let typed = vector["pin"].as_str().unwrap();
    let derived = webcrypto::derive_many(&pin::password(typed), &salts, pin::ITERATIONS).await.expect("derived");
    assert_eq!(derived.len(), 2);
    assert_eq!(derived[0].to_vec(), unhex(&vector["derived"]));
    assert_eq!(derived[1].to_vec(), unhex(&vector["other_derived"]));
    assert_eq!(u64::from(pin::tag(&derived[0])), vector["tag"].as_u64().unwrap());
    let verifier = pin::Verifier::new(salts[0].to_owned(), &derived[0], "L".into());
    assert_eq!(verifier.verify, vector["verify"].as_str().unwrap());
    assert!(!verifier.matches(&derived[1]), "the PIN under another salt is not this person's");
    assert!(webcrypto::derive_many(b"1234", &[], 1).await.expect("nothing to derive").is_empty());
}
