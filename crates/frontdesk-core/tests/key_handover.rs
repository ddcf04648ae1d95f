//! Handing the business's keys to a newly paired device (issue 19, slice 3) with the native
//! ciphers, as a manager's device and the new device would, and as an attacker would try it:
//! a relay without the pairing secret planting a key of its own, swapping the device's
//! agreement key, moving an envelope to another device or record; a kiosk offered a key that
//! reads inboxes.

#![cfg(not(target_arch = "wasm32"))]

use automerge::Automerge;
use frontdesk_core::crypto::native::{self, Keys};
use frontdesk_core::crypto::{CryptoError, KeyRef, Op, Part, Sealable};
use frontdesk_core::keys::{self, auth_op_with, envelope_aad, installs, proof_holds, proof_op, record, wraps};
use frontdesk_protocol::Role;
use frontdesk_protocol::sealed::Scope;

/// Iterations of the auth secret here (the product's 100,000 are only slower).
const ITERATIONS: u32 = 16;
const CODE: &str = "K7QM2XHD";
const SECRET: &str = "23456789ABCD";

/// A deterministic stand-in for a random source.
fn random(seed: u8) -> impl FnMut(&mut [u8]) {
    let mut state = u64::from(seed).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    move |buf: &mut [u8]| {
        for b in buf {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
    }
}

fn run(keys: &mut Keys, op: &Op, seed: u8) -> Result<Vec<u8>, CryptoError> {
    keys.run_mut(op, &mut random(seed))
}

/// A manager's device that set the business up: every scope's keys, of `epochs` epochs, made
/// with `Generate` as the set-up does.
fn manager(epochs: u32) -> Keys {
    let mut keys = Keys::default();
    for epoch in 1..=epochs {
        for scope in Scope::ALL {
            run(&mut keys, &Op::Generate { key: KeyRef { scope, epoch } }, epoch as u8 * 10 + scope as u8).unwrap();
        }
    }
    keys
}

/// A new device as it pairs: its agreement key, and its auth secret derived from the pairing
/// code and secret; returns its keys (none yet), agreement public key and proof.
fn new_device(seed: u8, secret: &str) -> (Keys, [u8; 32], Vec<u8>) {
    let mut keys = Keys::default();
    let auth = run(&mut keys, &auth_op_with(CODE, secret, ITERATIONS), 0).unwrap();
    let public = keys.set_device([seed; 32], auth.clone());
    let proof = run(&mut keys, &proof_op(&auth, &public), 0).unwrap();
    (keys, public, proof)
}

/// What the manager's device does once told a device paired with its code: derive the auth
/// secret from the pending code and secret, check the proof, and seal each key the role holds.
fn hand_over(
    manager: &mut Keys,
    device: &str,
    role: Role,
    agreement: &[u8; 32],
    proof: &[u8],
) -> Result<Vec<u8>, &'static str> {
    let auth = run(manager, &auth_op_with(CODE, SECRET, ITERATIONS), 0).unwrap();
    let expected = run(manager, &proof_op(&auth, agreement), 0).unwrap();
    if !proof_holds(&expected, proof) {
        return Err("the agreement key is not the one the device sent");
    }
    let held = manager.held();
    let envelopes: Vec<(String, Vec<u8>)> = wraps(device, role, agreement, &auth, &held)
        .into_iter()
        .enumerate()
        .map(|(i, (name, op))| (name, run(manager, &op, i as u8 + 100).expect("the manager seals what it holds")))
        .collect();
    Ok(keys::write_envelopes([9; 16], &envelopes).unwrap())
}

/// The device installs what its envelopes document holds; returns the keys it installed and
/// the errors of the envelopes that did not open.
fn install(device_keys: &mut Keys, device: &str, role: Role, doc_bytes: &[u8]) -> (Vec<KeyRef>, Vec<CryptoError>) {
    let doc = Automerge::load(doc_bytes).unwrap();
    let (mut installed, mut failed) = (Vec::new(), Vec::new());
    for (key, op) in installs(device, role, &doc, &device_keys.held()) {
        match run(device_keys, &op, 0) {
            Ok(_) => installed.push(key),
            Err(err) => failed.push(err),
        }
    }
    (installed, failed)
}

/// Whether `keys` open a chunk of `doc` sealed by `sealer`.
fn opens(keys: &Keys, sealer: &Keys, doc: &str, epoch: u32) -> bool {
    let what = if frontdesk_protocol::Area::of(doc).and_then(|a| a.scope()).is_some_and(|s| s.is_drop()) {
        Sealable::Drop
    } else {
        Sealable::Chunk
    };
    let wire = sealer.seal(doc, what, epoch, "m1", b"Ana Ruiz, 600 123 456", &mut random(77)).expect("sealed");
    keys.open(doc, &wire).is_ok()
}

#[test]
fn pairing_hands_a_staff_tablet_the_keys_staff_read_and_nothing_else() {
    let mut office = manager(1);
    let (mut tablet, agreement, proof) = new_device(5, SECRET);
    let envelopes = hand_over(&mut office, "d2", Role::Staff, &agreement, &proof).expect("the proof holds");
    let (installed, failed) = install(&mut tablet, "d2", Role::Staff, &envelopes);
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(installed.len(), 4, "kiosk, staff, inbox, clock: {installed:?}");
    for doc in ["day/2026-12-06", "clients", "kiosk", "inbox/2026-12-06/k1"] {
        assert!(opens(&tablet, &office, doc, 1), "a staff tablet reads {doc}");
    }
    for doc in ["payroll/2026-12", "timeclock/2026-12-06/k1", "keyring"] {
        assert!(!opens(&tablet, &office, doc, 1), "a staff tablet reads {doc}");
    }
    // It can seal a punch to the clock key it holds the public half of, and its check-ins open.
    let punch = tablet.seal("timeclock/2026-12-06/d2", Sealable::Drop, 1, "d2", b"in 09:00", &mut random(3)).unwrap();
    assert!(office.open("timeclock/2026-12-06/d2", &punch).is_ok());
    // Installing again finds nothing new to install.
    let doc = Automerge::load(&envelopes).unwrap();
    assert!(installs("d2", Role::Staff, &doc, &tablet.held()).is_empty());
}

/// Two recovery kits (28 characters of the code alphabet).
const KIT: &str = "K7QM2XHD23456789ABCDEFGHJKMN";
const OTHER_KIT: &str = "K7QM2XHD23456789ABCDEFGHJKMP";

/// The kit's identity as both sides derive it from the kit: keys holding the kit's agreement
/// and auth secrets (nothing else yet), the agreement key's public half, and the auth secret.
fn kit_identity(kit: &str) -> (Keys, [u8; 32], Vec<u8>) {
    let mut keys = Keys::default();
    let [agreement, auth] = keys::kit_ops_with(kit, ITERATIONS);
    let seed: [u8; 32] = run(&mut keys, &agreement, 0).unwrap().try_into().unwrap();
    let auth = run(&mut keys, &auth, 0).unwrap();
    let public = keys.set_device(seed, auth.clone());
    (keys, public, auth)
}

/// What a manager's device seals to the kit: every key it holds (a manager's share), as one
/// change of `envelopes/recovery`.
fn seal_to_kit(manager: &mut Keys, kit: &str) -> Vec<u8> {
    let (_, public, auth) = kit_identity(kit);
    let held = manager.held();
    let envelopes: Vec<(String, Vec<u8>)> = wraps(keys::RECOVERY, Role::Manager, &public, &auth, &held)
        .into_iter()
        .enumerate()
        .map(|(i, (name, op))| (name, run(manager, &op, i as u8 + 50).expect("the manager seals what it holds")))
        .collect();
    keys::write_envelopes([8; 16], &envelopes).unwrap()
}

#[test]
fn a_recovery_kit_restores_every_key_on_a_new_device_and_no_other_kit_does() {
    let mut office = manager(2);
    let envelopes = seal_to_kit(&mut office, KIT);
    let (mut restored, _, _) = kit_identity(KIT);
    let (installed, failed) = install(&mut restored, keys::RECOVERY, Role::Manager, &envelopes);
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(restored.held(), office.held(), "every key of every epoch");
    for doc in ["payroll/2026-12", "timeclock/2026-12-06/k1", "inbox/2026-12-06/k1", "clients", "kiosk"] {
        for epoch in [1, 2] {
            assert!(opens(&restored, &office, doc, epoch), "the restored device reads {doc} of epoch {epoch}");
        }
    }
    assert_eq!(installed.len(), office.held().len());

    // Another kit (one character off) opens nothing, and neither does the right kit when the
    // envelopes are offered as another device's (the relay copying them to a device it holds).
    let (mut wrong, _, _) = kit_identity(OTHER_KIT);
    let (installed, failed) = install(&mut wrong, keys::RECOVERY, Role::Manager, &envelopes);
    assert!(installed.is_empty(), "{installed:?}");
    assert!(failed.iter().all(|e| *e == CryptoError::Damaged), "{failed:?}");
    let (mut moved, _, _) = kit_identity(KIT);
    let (installed, _) = install(&mut moved, "d2", Role::Manager, &envelopes);
    assert!(installed.is_empty(), "envelopes moved to another device's name open nothing: {installed:?}");
}

#[test]
fn a_new_kit_made_with_a_rotation_leaves_the_old_kit_unable_to_open_later_epochs() {
    let mut office = manager(1);
    let old_envelopes = seal_to_kit(&mut office, KIT);
    // A new kit: every scope renewed, and the envelopes sealed to the new kit only.
    for scope in Scope::ALL {
        run(&mut office, &Op::Generate { key: KeyRef { scope, epoch: 2 } }, 200 + scope as u8).unwrap();
    }
    let new_envelopes = seal_to_kit(&mut office, OTHER_KIT);
    // Whoever holds the old kit and the relay's files tries every envelope ever written.
    let (mut old, _, _) = kit_identity(KIT);
    let (before, _) = install(&mut old, keys::RECOVERY, Role::Manager, &old_envelopes);
    let (after, failed) = install(&mut old, keys::RECOVERY, Role::Manager, &new_envelopes);
    assert_eq!(before.len(), Scope::ALL.len(), "the old kit opened what was sealed to it");
    assert!(after.is_empty() && !failed.is_empty(), "the old kit opens none of the new envelopes: {after:?}");
    for doc in ["payroll/2026-12", "inbox/2026-12-06/k1", "clients", "kiosk"] {
        assert!(opens(&old, &office, doc, 1), "{doc} of epoch 1 was the old kit's to open");
        assert!(!opens(&old, &office, doc, 2), "{doc} written after the new kit is closed to the old one");
    }
    let (mut new, _, _) = kit_identity(OTHER_KIT);
    let (installed, failed) = install(&mut new, keys::RECOVERY, Role::Manager, &new_envelopes);
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(installed.len(), 2 * Scope::ALL.len(), "the new kit opens both epochs");
}

#[test]
fn a_kiosk_is_handed_no_key_that_reads_a_visitor_or_a_punch() {
    let mut office = manager(3);
    let (mut kiosk, agreement, proof) = new_device(6, SECRET);
    let envelopes = hand_over(&mut office, "k1", Role::Kiosk, &agreement, &proof).unwrap();
    let doc = Automerge::load(&envelopes).unwrap();
    let mut records: Vec<String> = automerge::ReadDoc::keys(&doc, automerge::ROOT).collect();
    records.sort();
    assert_eq!(
        records,
        ["clock/3/public", "inbox/3/public", "kiosk/2/secret", "kiosk/3/secret"],
        "the newest two kiosk keys and the newest public keys, no private key"
    );
    let (installed, failed) = install(&mut kiosk, "k1", Role::Kiosk, &envelopes);
    assert!(failed.is_empty() && installed.len() == 4, "{installed:?} {failed:?}");
    assert!(opens(&kiosk, &office, "kiosk", 3));
    for doc in ["inbox/2026-12-06/k1", "timeclock/2026-12-06/k1", "day/2026-12-06"] {
        for epoch in 1..=3 {
            assert!(!opens(&kiosk, &office, doc, epoch), "a kiosk reads {doc} of epoch {epoch}");
        }
    }
    // A manager's mistake — an inbox's private key in a kiosk's envelopes — is not installed.
    let auth = run(&mut Keys::default(), &auth_op_with(CODE, SECRET, ITERATIONS), 0).unwrap();
    let inbox = KeyRef { scope: Scope::Inbox, epoch: 3 };
    let name = record(inbox, Part::Private);
    let op = Op::Wrap { key: inbox, part: Part::Private, to: agreement, auth, aad: envelope_aad("k1", &name) };
    let private = run(&mut office, &op, 1).unwrap();
    let doc = Automerge::load(&keys::write_envelopes([8; 16], &[(name, private)]).unwrap()).unwrap();
    assert!(installs("k1", Role::Kiosk, &doc, &[]).is_empty(), "a private key offered to a kiosk");
    assert_eq!(installs("k1", Role::Staff, &doc, &[]).len(), 1, "what a staff tablet would take");
}

#[test]
fn a_relay_without_the_pairing_secret_cannot_plant_a_key() {
    let (mut tablet, agreement, _) = new_device(5, SECRET);
    // The relay knows the device's agreement key (it stores it) and seals a key of its own to
    // it, under an auth secret from a guessed pairing secret.
    let mut relay = Keys::default();
    let planted = KeyRef { scope: Scope::Staff, epoch: 1 };
    run(&mut relay, &Op::Generate { key: planted }, 1).unwrap();
    let guessed = run(&mut relay, &auth_op_with(CODE, "ZZZZZZZZZZZZ", ITERATIONS), 0).unwrap();
    for auth in [guessed, vec![], vec![0; 32]] {
        let name = record(planted, Part::Secret);
        let op = Op::Wrap { key: planted, part: Part::Secret, to: agreement, auth, aad: envelope_aad("d2", &name) };
        let envelope = run(&mut relay, &op, 2).unwrap();
        let doc = keys::write_envelopes([7; 16], &[(name, envelope)]).unwrap();
        let (installed, failed) = install(&mut tablet, "d2", Role::Staff, &doc);
        assert!(installed.is_empty(), "a planted key was installed");
        assert_eq!(failed, vec![CryptoError::Damaged]);
    }
    assert!(tablet.held().is_empty());
}

#[test]
fn a_swapped_agreement_key_is_caught_before_anything_is_sealed_to_it() {
    let mut office = manager(1);
    let (_, _, proof) = new_device(5, SECRET);
    // The relay hands the manager its own agreement key with the device's proof, or with a
    // proof it made with a guessed secret.
    let relay_key = native::public_key(&[0x66; 32]);
    assert!(hand_over(&mut office, "d2", Role::Staff, &relay_key, &proof).is_err());
    let (_, relays_own, relays_proof) = new_device(0x66, "ZZZZZZZZZZZZ");
    assert!(hand_over(&mut office, "d2", Role::Staff, &relays_own, &relays_proof).is_err());
    assert!(hand_over(&mut office, "d2", Role::Staff, &relay_key, &[]).is_err(), "no proof is no proof");
}

#[test]
fn an_envelope_opens_only_for_its_device_and_in_its_record() {
    let mut office = manager(2);
    let (mut tablet, agreement, proof) = new_device(5, SECRET);
    let (mut other, other_agreement, other_proof) = new_device(6, SECRET);
    let mine = hand_over(&mut office, "d2", Role::Staff, &agreement, &proof).unwrap();
    let theirs = hand_over(&mut office, "d3", Role::Staff, &other_agreement, &other_proof).unwrap();
    // d3's envelopes served as d2's: sealed to another agreement key, and another device's AAD.
    let (installed, failed) = install(&mut tablet, "d2", Role::Staff, &theirs);
    assert!(installed.is_empty() && !failed.is_empty());
    // d2's own envelopes read as if they were d3's (the same secrets, another device in the AAD).
    let (installed, _) = install(&mut other, "d3", Role::Staff, &mine);
    assert!(installed.is_empty(), "an envelope opened under another device's name");
    // Envelopes moved to other records: an older epoch's as the newest, the staff key as the kiosk's.
    let doc = Automerge::load(&mine).unwrap();
    let get = |name: &str| match automerge::ReadDoc::get(&doc, automerge::ROOT, name).unwrap() {
        Some((automerge::Value::Scalar(v), _)) => match v.as_ref() {
            automerge::ScalarValue::Bytes(b) => b.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    let moved = keys::write_envelopes(
        [6; 16],
        &[("staff/2/secret".into(), get("staff/1/secret")), ("kiosk/2/secret".into(), get("staff/2/secret"))],
    )
    .unwrap();
    let (installed, failed) = install(&mut tablet, "d2", Role::Staff, &moved);
    assert!(installed.is_empty(), "a moved envelope opened: {installed:?}");
    assert_eq!(failed.len(), 2);
    // The real ones still install, every epoch of each scope.
    let (installed, failed) = install(&mut tablet, "d2", Role::Staff, &mine);
    assert!(failed.is_empty());
    assert_eq!(installed.len(), 7, "kiosk, staff, inbox of two epochs; the newest clock public key");
    assert!(opens(&tablet, &office, "day/2026-12-06", 1) && opens(&tablet, &office, "day/2026-12-06", 2));
}

#[test]
fn nothing_is_sealed_to_an_agreement_key_of_small_order() {
    let mut office = manager(1);
    let mut one = [0u8; 32];
    one[0] = 1;
    let auth = vec![5; 32];
    for to in [[0u8; 32], one] {
        let key = KeyRef { scope: Scope::Staff, epoch: 1 };
        let op =
            Op::Wrap { key, part: Part::Secret, to, auth: auth.clone(), aad: envelope_aad("d2", "staff/1/secret") };
        assert_eq!(run(&mut office, &op, 1), Err(CryptoError::BadEphemeral));
    }
}

#[test]
fn the_same_pairing_secret_gives_the_same_auth_secret_on_both_sides_and_no_other_does() {
    let derive =
        |code: &str, secret: &str| run(&mut Keys::default(), &auth_op_with(code, secret, ITERATIONS), 0).unwrap();
    assert_eq!(derive(CODE, SECRET), derive(CODE, SECRET));
    assert_ne!(derive(CODE, SECRET), derive(CODE, "23456789ABCE"));
    assert_ne!(derive(CODE, SECRET), derive("K7QM2XHE", SECRET), "the code is in the salt");
    assert_eq!(derive(CODE, SECRET).len(), 32);
    // The product's count is slow on purpose.
    let op = keys::auth_op(CODE, SECRET);
    assert!(matches!(op, Op::Derive { iterations, .. } if iterations >= 100_000), "{op:?}");
    // Debug output names keys, never bytes.
    assert!(!format!("{op:?}").contains(SECRET));
}

// ---------------------------------------------------------------- vectors

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cases of `envelope_v1.json`: fixed keys, ephemeral keys and nonces, so WebCrypto must
/// make exactly these envelopes (`tests/browser/keys.rs`) and open them to these keys. Each
/// carries a probe: what the key it holds seals (a secret key, with a fixed nonce) or opens (a
/// private key: a drop sealed to it), so the browser can show it installed the right key
/// without ever reading it.
fn envelope_vectors() -> serde_json::Value {
    use serde_json::json;
    let device = "d2";
    let agreement = [0x51; 32];
    let auth = [0x61; 32];
    let mut cases = Vec::new();
    for (n, (scope, part)) in
        [(Scope::Staff, Part::Secret), (Scope::Inbox, Part::Private), (Scope::Clock, Part::Public)]
            .into_iter()
            .enumerate()
    {
        let n = n as u8;
        let key = KeyRef { scope, epoch: 3 + u32::from(n) };
        let name = record(key, part);
        let aad = envelope_aad(device, &name);
        let secret = [0x31 + n; 32];
        let carried = if part == Part::Public { native::public_key(&secret) } else { secret };
        let (ephemeral, nonce) = ([0x71 + n; 32], [0x81 + n; 12]);
        let envelope =
            native::wrap_with(&ephemeral, &native::public_key(&agreement), &auth, &nonce, &aad, &carried).unwrap();
        let probe_nonce = [0x91 + n; 12];
        let probe = match part {
            Part::Secret => native::seal_with_nonce(&secret, &probe_nonce, b"probe aad", b"probe"),
            Part::Private => {
                native::seal_to_with(&[0xa1; 32], &native::public_key(&secret), &probe_nonce, b"probe aad", b"probe")
                    .unwrap()
            }
            Part::Public => carried.to_vec(),
        };
        cases.push(json!({
            "record": name,
            "part": part.as_str(),
            "aad": hex(&aad),
            "ephemeral_secret": hex(&ephemeral),
            "ephemeral_public": hex(&native::public_key(&ephemeral)),
            "nonce": hex(&nonce),
            "carried": hex(&carried),
            "envelope": hex(&envelope),
            "probe_nonce": hex(&probe_nonce),
            "probe": hex(&probe),
        }));
    }
    let data = b"frontdesk key proof v1\0 an agreement key";
    json!({
        "about": "Envelopes v1 (crates/frontdesk-core/src/keys.rs), made by crypto::native; checked by \
                  crates/frontdesk-core/tests/key_handover.rs and, in WebCrypto, by tests/browser/keys.rs. \
                  Regenerate only with a format change: FRONTDESK_WRITE_VECTORS=1 cargo test -p frontdesk-core --test key_handover",
        "device": device,
        "agreement_secret": hex(&agreement),
        "agreement_public": hex(&native::public_key(&agreement)),
        "auth": hex(&auth),
        "cases": cases,
        "mac": { "auth": hex(&auth), "data": hex(data), "output": hex(&native::mac(&auth, data)) },
        "auth_derivation": {
            "code": CODE,
            "secret": SECRET,
            "iterations": 1000,
            "output": hex(&run(&mut Keys::default(), &auth_op_with(CODE, SECRET, 1000), 0).unwrap()),
        },
    })
}

#[test]
fn the_envelope_vectors_are_what_the_native_ciphers_make_and_open() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/envelope_v1.json");
    let made = envelope_vectors();
    if std::env::var_os("FRONTDESK_WRITE_VECTORS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&made).unwrap() + "\n").unwrap();
    }
    let stored: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(stored, made, "the envelope format changed: the vectors no longer match");
    let unhex = |v: &serde_json::Value| -> Vec<u8> {
        let s = v.as_str().unwrap();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    };
    let agreement: [u8; 32] = unhex(&stored["agreement_secret"]).try_into().unwrap();
    let auth = unhex(&stored["auth"]);
    for case in stored["cases"].as_array().unwrap() {
        let key = native::unwrap(&agreement, &auth, &unhex(&case["aad"]), &unhex(&case["envelope"])).unwrap();
        assert_eq!(key.to_vec(), unhex(&case["carried"]));
        assert!(native::unwrap(&agreement, &[0x62; 32], &unhex(&case["aad"]), &unhex(&case["envelope"])).is_err());
    }
}

/// The kit's identity with the product's iterations, as `tests/browser/keys.rs` holds WebCrypto
/// to it: the same kit makes the same agreement key and auth secret in every browser and here.
const KIT_PUBLIC: &str = "b4d2a114fb24d5d76292b7005154c0b054068f40db9a6b1a8cb1f7f603737e4d";
const KIT_AUTH: &str = "c8ab74202514f79688440d7ec719d04f815f60866844449b12a5a904ea02b58a";

#[test]
fn a_kit_derives_the_same_identity_wherever_it_is_derived() {
    let mut keys = Keys::default();
    let [agreement, auth] = keys::kit_ops(KIT);
    let seed: [u8; 32] = run(&mut keys, &agreement, 0).unwrap().try_into().unwrap();
    let auth = run(&mut keys, &auth, 0).unwrap();
    let public = keys.set_device(seed, auth.clone());
    assert_eq!((hex(&public), hex(&auth)), (KIT_PUBLIC.to_owned(), KIT_AUTH.to_owned()));
}
