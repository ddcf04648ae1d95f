//! Handing keys over in WebCrypto (issue 19, slice 3): given the vector's ephemeral key and nonce,
//! the browser makes exactly the envelopes the native ciphers make, opens theirs to the same keys,
//! and refuses an envelope under another auth secret, for another device or moved to another
//! record (the vectors: `crates/frontdesk-core/tests/vectors/envelope_v1.json`).

use frontdesk::webcrypto::{self, Held, With};
use frontdesk_core::crypto::{CryptoError, KeyRef, Op, Part};
use frontdesk_core::keys;
use frontdesk_protocol::sealed::Scope;
use serde_json::Value;
use wasm_bindgen_test::*;

const VECTORS: &str = include_str!("../../crates/frontdesk-core/tests/vectors/envelope_v1.json");

use super::{arr, unhex};

fn part(case: &Value) -> Part {
    Part::ALL.into_iter().find(|p| Some(p.as_str()) == case["part"].as_str()).expect("a part")
}

/// What a held key does with the case's probe: a secret seals it with the probe nonce (the same
/// bytes as natively), a private key opens the probe drop, a public key is the probe's bytes.
async fn probe_holds(held: &Held, case: &Value) -> bool {
    let probe = unhex(&case["probe"]);
    match held {
        Held::Secret(key) => {
            webcrypto::seal_with(key, &arr(&case["probe_nonce"]), b"probe aad", b"probe").await.unwrap() == probe
        }
        Held::Private(key, public) => {
            let op = Op::OpenFrom {
                key: KeyRef { scope: Scope::Inbox, epoch: 1 },
                aad: b"probe aad".to_vec(),
                sealed: probe,
            };
            webcrypto::run(op, With::Private(key.clone(), *public)).await.as_deref() == Ok(b"probe".as_slice())
        }
        Held::Public(public) => public[..] == probe[..],
    }
}

#[wasm_bindgen_test]
async fn webcrypto_makes_and_opens_the_native_envelopes() {
    let v: Value = serde_json::from_str(VECTORS).expect("vectors");
    let agreement_public: [u8; 32] = arr(&v["agreement_public"]);
    let agreement = webcrypto::import_private(&arr(&v["agreement_secret"]), false).await.unwrap();
    let auth = unhex(&v["auth"]);
    for case in v["cases"].as_array().unwrap() {
        let record = case["record"].as_str().unwrap();
        let aad = unhex(&case["aad"]);
        assert_eq!(aad, keys::envelope_aad(v["device"].as_str().unwrap(), record), "{record}");
        let envelope = unhex(&case["envelope"]);
        let ephemeral = webcrypto::import_private(&arr(&case["ephemeral_secret"]), false).await.unwrap();
        let made = webcrypto::wrap_with(
            &ephemeral,
            &arr(&case["ephemeral_public"]),
            &agreement_public,
            &auth,
            &arr(&case["nonce"]),
            &aad,
            &arr(&case["carried"]),
        )
        .await
        .unwrap();
        assert_eq!(made, envelope, "{record}: WebCrypto made another envelope");
        let part = part(case);
        let held =
            webcrypto::install(&agreement, &agreement_public, &auth, part, &aad, &envelope, false).await.unwrap();
        assert!(probe_holds(&held, case).await, "{record}: installed another key");
        // Another auth secret (a relay planting a key), another record, a flipped bit: refused.
        let refused = |r: Result<Held, CryptoError>| matches!(r, Err(CryptoError::Damaged));
        let other_auth = vec![0x62; 32];
        let install = |auth: Vec<u8>, aad: Vec<u8>, envelope: Vec<u8>| {
            let agreement = agreement.clone();
            async move { webcrypto::install(&agreement, &agreement_public, &auth, part, &aad, &envelope, false).await }
        };
        assert!(refused(install(other_auth, aad.clone(), envelope.clone()).await), "{record}: another auth");
        let moved = keys::envelope_aad("d3", record);
        assert!(refused(install(auth.clone(), moved, envelope.clone()).await), "{record}: another device");
        let mut flipped = envelope.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(refused(install(auth.clone(), aad.clone(), flipped).await), "{record}: a flipped bit");
    }
    let mac = webcrypto::mac(&unhex(&v["mac"]["auth"]), &unhex(&v["mac"]["data"])).await.unwrap();
    assert_eq!(mac, unhex(&v["mac"]["output"]));
    let derivation = &v["auth_derivation"];
    let op = keys::auth_op_with(
        derivation["code"].as_str().unwrap(),
        derivation["secret"].as_str().unwrap(),
        derivation["iterations"].as_u64().unwrap() as u32,
    );
    assert_eq!(webcrypto::run(op, With::Nothing).await.unwrap(), unhex(&derivation["output"]));
}

/// The whole hand-over in one browser: a manager's new keys (extractable) sealed to a device's
/// agreement key (not extractable) and installed there, working; a kiosk can be handed public
/// bytes only; nothing is sealed to a key of small order.
#[wasm_bindgen_test]
async fn keys_made_here_travel_by_envelope_and_work_where_installed() {
    let Held::Private(agreement, agreement_public) = webcrypto::generate(true, false).await.unwrap() else {
        panic!("not a pair")
    };
    let auth = [0x33; 32];
    let staff = webcrypto::generate(false, true).await.unwrap();
    let inbox = webcrypto::generate(true, true).await.unwrap();
    let aad = keys::envelope_aad("d9", "staff/1/secret");
    let envelope = webcrypto::wrap(&staff, false, &agreement_public, &auth, &aad).await.unwrap();
    let Held::Secret(installed) =
        webcrypto::install(&agreement, &agreement_public, &auth, Part::Secret, &aad, &envelope, false).await.unwrap()
    else {
        panic!("not a secret")
    };
    assert!(!installed.extractable(), "a staff device's keys cannot be read back");
    let Held::Secret(original) = &staff else { unreachable!() };
    let any = KeyRef { scope: Scope::Staff, epoch: 1 };
    let sealed = webcrypto::run(
        Op::Seal { key: any, aad: b"a".to_vec(), plaintext: b"Ana".to_vec() },
        With::Secret(original.clone()),
    )
    .await
    .unwrap();
    let open = Op::Open { key: any, aad: b"a".to_vec(), sealed };
    assert_eq!(webcrypto::run(open, With::Secret(installed)).await.unwrap(), b"Ana");
    // The inbox pair: its private half for staff, its public bytes for a kiosk.
    let Held::Private(_, inbox_public) = &inbox else { unreachable!() };
    for (public_only, part) in [(false, Part::Private), (true, Part::Public)] {
        let aad = keys::envelope_aad("d9", &format!("inbox/1/{}", part.as_str()));
        let envelope = webcrypto::wrap(&inbox, public_only, &agreement_public, &auth, &aad).await.unwrap();
        match webcrypto::install(&agreement, &agreement_public, &auth, part, &aad, &envelope, false).await.unwrap() {
            Held::Private(_, public) | Held::Public(public) => assert_eq!(&public, inbox_public, "{part:?}"),
            Held::Secret(_) => panic!("a secret from a pair"),
        }
    }
    let mut one = [0u8; 32];
    one[0] = 1;
    for low in [[0u8; 32], one] {
        assert_eq!(webcrypto::wrap(&staff, false, &low, &auth, &aad).await, Err(CryptoError::BadEphemeral));
    }
    // A key that is not extractable (a staff device's) cannot be sealed onward.
    let Held::Secret(plain) = webcrypto::generate(false, false).await.unwrap() else { unreachable!() };
    assert!(matches!(
        webcrypto::wrap(&Held::Secret(plain), false, &agreement_public, &auth, &aad).await,
        Err(CryptoError::Platform(_))
    ));
}

/// The recovery kit's identity in WebCrypto is the one the native ciphers derive from the same
/// kit (`a_kit_derives_the_same_identity_wherever_it_is_derived` in the core's
/// `tests/key_handover.rs` pins these bytes), and keys sealed to it open there.
#[wasm_bindgen_test]
async fn a_recovery_kit_derives_the_native_identity_and_opens_what_is_sealed_to_it() {
    let [agreement, auth] = keys::kit_ops("K7QM2XHD23456789ABCDEFGHJKMN");
    let secret: [u8; 32] = webcrypto::run(agreement, With::Nothing).await.unwrap().try_into().unwrap();
    let auth = webcrypto::run(auth, With::Nothing).await.unwrap();
    let Held::Private(identity, public) = webcrypto::identity(&secret).await.unwrap() else { panic!("not a pair") };
    assert_eq!(public, arr::<32>(&Value::from("b4d2a114fb24d5d76292b7005154c0b054068f40db9a6b1a8cb1f7f603737e4d")));
    assert_eq!(auth, unhex(&Value::from("c8ab74202514f79688440d7ec719d04f815f60866844449b12a5a904ea02b58a")));
    // A manager's key sealed to the kit opens with it as a manager's (extractable) key.
    let payroll = webcrypto::generate(false, true).await.unwrap();
    let aad = keys::envelope_aad(keys::RECOVERY, "manager/1/secret");
    let envelope = webcrypto::wrap(&payroll, false, &public, &auth, &aad).await.unwrap();
    let restored = webcrypto::install(&identity, &public, &auth, Part::Secret, &aad, &envelope, true).await.unwrap();
    let Held::Secret(restored) = restored else { panic!("not a secret") };
    assert!(restored.extractable(), "a restored manager's keys are sealed onward");
    // Another kit's identity opens nothing.
    let [other, other_auth] = keys::kit_ops("K7QM2XHD23456789ABCDEFGHJKMP");
    let other: [u8; 32] = webcrypto::run(other, With::Nothing).await.unwrap().try_into().unwrap();
    let other_auth = webcrypto::run(other_auth, With::Nothing).await.unwrap();
    let Held::Private(other, other_public) = webcrypto::identity(&other).await.unwrap() else { panic!("not a pair") };
    assert_eq!(
        webcrypto::install(&other, &other_public, &other_auth, Part::Secret, &aad, &envelope, true).await.err(),
        Some(CryptoError::Damaged)
    );
}
