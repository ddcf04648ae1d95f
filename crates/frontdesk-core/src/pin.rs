//! PINs that a stolen kiosk or tablet cannot give away (#19, `docs/design/encryption.md` §10).
//!
//! A PIN is four to eight digits: whatever a device holds that tells a right PIN from a wrong one
//! lets a copy of it try all of them. So the devices that take PINs hold only **10 bits** of each:
//! - every person has their own random salt, and `H = PBKDF2-SHA256(PIN, salt, 20 000)`;
//! - the kiosk document (`pinlist/<list id>`, no names) and the `site` document (`signin/<staff>`)
//!   keep the salt and the **tag**, 10 bits of `SHA-256("pin tag\0" ‖ H)`;
//! - only the manager's `payroll` keeps the **verifier**, `SHA-256("pin verify\0" ‖ H)`.
//!
//! A copy of a kiosk or tablet narrows a 4-digit PIN to about ten candidates (a million-PIN
//! space of 6 digits to about a thousand) however much it computes: nothing on it says which.
//! A wrong PIN passes offline about once in 1,024 per person listed; a punch carries every
//! candidate `(list id, H)` whose tag matched, sealed to the manager, whose desk keeps those that
//! verify and lists the rest as unrecognised. The derivation runs in the browser's WebCrypto
//! (`webcrypto::derive_many`: every listed salt in one call).

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, Automerge, ROOT};
use autosurgeon::{Hydrate, Reconcile};
use sha2::{Digest, Sha256};

use crate::records;

/// PBKDF2 rounds per person per PIN typed: a kiosk with 30 people derives 30 of them at once in
/// a few hundred milliseconds. More would not protect what a device holds (10 bits are 10 bits);
/// they slow an attack on the manager's `payroll` alone, whose holders can reset PINs anyway.
pub const ITERATIONS: u32 = 20_000;
const _: () = assert!(ITERATIONS >= 20_000);

/// The tag's width: a copy leaves 1 in 2^10 PINs per person.
pub const TAG_BITS: u32 = 10;

/// `H`: a PIN derived under one person's salt.
pub type Derived = [u8; 32];

/// What a kiosk or tablet holds of a person's PIN: their salt and the tag.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Listed {
    /// Their random id in the kiosk's list (the kiosk knows no names); a tablet's sign-in list
    /// keeps it with the staff id it belongs to.
    pub who: String,
    /// 16 random bytes in hex; its ASCII is the PBKDF2 salt.
    pub salt: String,
    pub tag: u32,
}

/// What the manager's payroll holds of a person's PIN.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Verifier {
    pub salt: String,
    pub tag: u32,
    /// `SHA-256("pin verify\0" ‖ H)`, first 16 bytes in hex.
    pub verify: String,
    /// The person's random id in the kiosk's list (the kiosk knows no names).
    pub list: String,
}

/// A fresh salt from the caller's random bytes.
pub fn new_salt(random: [u8; 16]) -> String {
    frontdesk_protocol::hex16(&random)
}

/// The PBKDF2 password of a typed PIN (already checked to be digits).
pub fn password(pin: &str) -> Vec<u8> {
    pin.as_bytes().to_vec()
}

/// The tag of `H`.
pub fn tag(h: &Derived) -> u32 {
    let d = Sha256::new().chain_update(b"pin tag\0").chain_update(h).finalize();
    (u32::from(d[0]) << 8 | u32::from(d[1])) >> (16 - TAG_BITS)
}

fn verify_of(h: &Derived) -> String {
    let d = Sha256::new().chain_update(b"pin verify\0").chain_update(h).finalize();
    frontdesk_protocol::hex16(d[..16].try_into().expect("16 of 32 bytes"))
}

impl Verifier {
    /// The verifier of `H` derived under `salt`, listed as `list`.
    pub fn new(salt: String, h: &Derived, list: String) -> Verifier {
        Verifier { salt, tag: tag(h), verify: verify_of(h), list }
    }

    /// Whether `H` is this person's PIN derived under their salt.
    pub fn matches(&self, h: &Derived) -> bool {
        verify_of(h) == self.verify
    }

    /// What the kiosk and the tablets hold.
    pub fn listed(&self) -> Listed {
        Listed { who: self.list.clone(), salt: self.salt.clone(), tag: self.tag }
    }
}

/// Who a typed PIN may be: a listed person whose tag the PIN's `H` under their salt matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Their list id.
    pub who: String,
    pub derived: Derived,
}

/// The candidates among `listed`, given `derived[i]` = the PIN under `listed[i]`'s salt.
pub fn candidates(listed: &[Listed], derived: &[Derived]) -> Vec<Candidate> {
    listed
        .iter()
        .zip(derived)
        .filter(|(l, h)| tag(h) == l.tag)
        .map(|(l, h)| Candidate { who: l.who.clone(), derived: *h })
        .collect()
}

/// Candidates as a punch carries them: `list:H` (hex) separated by commas.
pub fn encode_candidates(candidates: &[Candidate]) -> String {
    candidates.iter().map(|c| format!("{}:{}", c.who, hex(&c.derived))).collect::<Vec<_>>().join(",")
}

/// The most candidates a punch may carry: more than any business lists people.
pub const MOST_CANDIDATES: usize = 256;

/// What [`encode_candidates`] wrote. Nothing when it is not what a clock writes — a malformed
/// pair, more than [`MOST_CANDIDATES`], or two for one person: a forged punch trying several
/// PINs for someone at once counts for nobody.
pub fn decode_candidates(text: &str) -> Vec<Candidate> {
    let pairs: Option<Vec<Candidate>> = text
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| {
            let (who, h) = c.split_once(':')?;
            Some(Candidate { who: who.to_owned(), derived: unhex(h)? })
        })
        .collect();
    let pairs = pairs.unwrap_or_default();
    let people: std::collections::BTreeSet<&str> = pairs.iter().map(|c| c.who.as_str()).collect();
    if people.len() != pairs.len() || pairs.len() > MOST_CANDIDATES { Vec::new() } else { pairs }
}

fn hex(h: &Derived) -> String {
    let (a, b) = h.split_at(16);
    frontdesk_protocol::hex16(a.try_into().expect("16 bytes"))
        + &frontdesk_protocol::hex16(b.try_into().expect("16 bytes"))
}

fn unhex(text: &str) -> Option<Derived> {
    let (a, b) = (text.get(..32)?, text.get(32..)?);
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&frontdesk_protocol::parse_hex16(a)?);
    out[16..].copy_from_slice(&frontdesk_protocol::parse_hex16(b)?);
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// The kiosk document's list

const LIST: &str = "pinlist";

/// The kiosk document's list.
pub fn list(kiosk: &Automerge) -> Vec<Listed> {
    records::all::<Listed>(kiosk, LIST)
}

fn by_who(listed: Vec<Listed>) -> BTreeMap<String, Listed> {
    listed.into_iter().map(|l| (l.who.clone(), l)).collect()
}

/// Makes the kiosk document list exactly `wanted` (by list id).
pub fn publish_list(kiosk: &mut AutoCommit, wanted: &BTreeMap<String, Listed>) -> Result<(), String> {
    let now = by_who(list(kiosk.document()));
    for gone in now.keys().filter(|k| !wanted.contains_key(*k)) {
        kiosk.delete(ROOT, records::key(LIST, gone).as_str()).map_err(|e| e.to_string())?;
    }
    for (id, entry) in wanted.iter().filter(|(k, v)| now.get(*k) != Some(v)) {
        records::put(kiosk, LIST, id, entry)?;
    }
    Ok(())
}

/// Whether the kiosk document lists exactly `wanted`.
pub fn list_is(kiosk: &Automerge, wanted: &BTreeMap<String, Listed>) -> bool {
    by_who(list(kiosk)) == *wanted
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::crypto::native;

    fn h(pin: &str, salt: &str, iterations: u32) -> Derived {
        native::derive(&password(pin), salt.as_bytes(), iterations)
    }

    #[test]
    fn a_copy_of_the_list_leaves_about_a_thousandth_of_the_pins_per_person_and_always_the_right_one() {
        // Thirty people with 4-digit PINs; one round instead of 20,000 (the tag's width is what
        // is measured, not the KDF's cost).
        let people: Vec<(String, String, Listed)> = (0..30u8)
            .map(|n| {
                let salt = new_salt([n; 16]);
                let pin = format!("{:04}", (u32::from(n) * 337 + 1234) % 10_000);
                let listed = Listed { who: format!("L{n}"), salt: salt.clone(), tag: tag(&h(&pin, &salt, 1)) };
                (pin, salt, listed)
            })
            .collect();
        let mut total = 0;
        for (pin, salt, listed) in &people {
            let left: Vec<String> =
                (0..10_000).map(|n| format!("{n:04}")).filter(|p| tag(&h(p, salt, 1)) == listed.tag).collect();
            assert!(left.contains(pin), "the right PIN always passes");
            assert!(left.len() < 40, "{} of 10,000 PINs left for one person", left.len());
            total += left.len();
        }
        let mean = total as f64 / 30.0;
        assert!((5.0..=16.0).contains(&mean), "about 10,000 / 1,024 PINs left per person, got {mean}");
    }

    #[test]
    fn a_wrong_pin_is_a_candidate_about_once_in_a_thousand_and_never_verifies() {
        let salt = new_salt([3; 16]);
        let right = h("4321", &salt, 1);
        let v = Verifier::new(salt.clone(), &right, "L1".into());
        assert!(v.matches(&right));
        let listed = [v.listed()];
        assert_eq!(candidates(&listed, &[right]).len(), 1);
        let mut passed = 0;
        for n in 0..10_000 {
            let pin = format!("{n:04}");
            if pin == "4321" {
                continue;
            }
            let wrong = h(&pin, &salt, 1);
            assert!(!v.matches(&wrong), "{pin} verified");
            passed += candidates(&listed, &[wrong]).len();
        }
        assert!((1..=30).contains(&passed), "{passed} wrong PINs passed the tag");
    }

    #[test]
    fn candidates_round_trip_and_malformed_ones_are_left_out() {
        let c =
            vec![Candidate { who: "L1".into(), derived: [7; 32] }, Candidate { who: "L2".into(), derived: [200; 32] }];
        assert_eq!(decode_candidates(&encode_candidates(&c)), c);
        assert!(decode_candidates("").is_empty());
        assert_eq!(decode_candidates("L1:zz,L3:00,L2:").len(), 0);
        let half = encode_candidates(&c[..1]);
        assert!(decode_candidates(&format!("{half},xx")).is_empty(), "one malformed pair: none");
        // A forged punch naming one person twice (two guesses at their PIN) names nobody.
        let twice = [c[0].clone(), Candidate { who: "L1".into(), derived: [8; 32] }];
        assert!(decode_candidates(&encode_candidates(&twice)).is_empty());
        let many: Vec<Candidate> =
            (0..=MOST_CANDIDATES).map(|n| Candidate { who: format!("L{n}"), derived: [1; 32] }).collect();
        assert!(decode_candidates(&encode_candidates(&many)).is_empty());
    }

    #[test]
    fn the_kiosk_list_holds_salts_and_tags_only() {
        let mut kiosk = AutoCommit::new();
        let salt = new_salt([9; 16]);
        let v = Verifier::new(salt.clone(), &h("123456", &salt, 1), "L9".into());
        let wanted: BTreeMap<String, Listed> = [("L9".to_string(), v.listed())].into();
        publish_list(&mut kiosk, &wanted).unwrap();
        assert!(list_is(kiosk.document(), &wanted));
        let bytes = kiosk.save();
        assert!(!bytes.windows(v.verify.len()).any(|w| w == v.verify.as_bytes()), "no verifier on the kiosk");
        publish_list(&mut kiosk, &BTreeMap::new()).unwrap();
        assert!(list(kiosk.document()).is_empty());
    }

    #[test]
    fn the_pin_vector_holds_the_products_rounds() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/pin_v1.json")).expect("the vector is JSON");
        let iterations = u32::try_from(v["iterations"].as_u64().unwrap()).unwrap();
        assert_eq!(iterations, ITERATIONS);
        let salt = v["salt"].as_str().unwrap();
        let derived = h(v["pin"].as_str().unwrap(), salt, iterations);
        assert_eq!(hex(&derived), v["derived"].as_str().unwrap());
        assert_eq!(u64::from(tag(&derived)), v["tag"].as_u64().unwrap());
        assert_eq!(verify_of(&derived), v["verify"].as_str().unwrap());
    }
}
