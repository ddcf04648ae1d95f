//! The business's keys handed from device to device (#19, `docs/design/encryption.md` §5–6):
//! which keys each role holds, the envelopes that carry them, and the proof that a pairing
//! device's key agreement key is the one it sent.
//!
//! # Who holds what
//!
//! | role | kiosk scope | staff scope | manager scope | inbox pair | clock pair |
//! |---|---|---|---|---|---|
//! | kiosk | secret (newest two epochs) | — | — | public (newest) | public (newest) |
//! | staff | secret | secret | — | private | public (newest) |
//! | manager | secret | secret | secret | private | private |
//!
//! A kiosk can seal a check-in to the inbox key and read nothing any visitor left; staff read
//! check-ins but not punches; managers read everything.
//!
//! # Pairing
//!
//! The manager's device draws a pairing secret ([`pairing_secret`]) beside the code; it travels
//! only in the pairing link or QR, never to the relay. Both sides derive the device's **auth
//! secret** from it ([`auth_op`]: PBKDF2, so the proof below is no cheap test of guesses). The
//! new device sends its X25519 agreement key with a MAC of it under the auth secret
//! ([`proof_op`]); the manager's device checks that MAC before it seals anything to that key —
//! a relay that swapped the key is caught there — and then seals each key the role holds into an
//! envelope ([`wraps`]), written to `envelopes/<device>` ([`write_envelopes`]). The envelope's
//! key mixes the auth secret into the X25519 agreement, so only a holder of the auth secret
//! (the device, the managers) can make an envelope the device accepts: the relay cannot plant
//! a key. The device opens what it finds there ([`installs`]).
//!
//! # The keyring
//!
//! Every device a manager's tablet vouched for — its role, agreement key and auth secret, and
//! which keys it was sent — is a record of the `keyring` document ([`Vouched`]), which only
//! managers read and which is sealed under the manager scope's key. So every manager's tablet,
//! not only the one that made the pairing code, hands a device the keys it lacks, and a
//! revocation's new keys reach every device any manager vouched for (and the recovery kit).
//! Its records are flat root keys, so two tablets handing keys over at once merge.
//!
//! # The recovery kit
//!
//! If every device of a business is lost, the printed kit restores it. The kit is a secret of
//! [`KIT_LEN`] characters ([`kit_secret`], ≈ 138 bits) that is shown once and kept on paper only.
//! Both halves of a device's identity are derived from it ([`kit_ops`]: an X25519 agreement
//! key's secret and an auth secret), and a manager's device hands the kit every key a manager
//! holds, as to a manager's device called [`RECOVERY`]: envelopes in `envelopes/recovery`,
//! which only managers may read. A new manager's device (paired by the operator) that is given
//! the kit derives the same identity and installs them. Neither the paper alone (the envelopes
//! are on the relay, for managers only) nor the relay alone (it lacks the kit) opens anything.

use automerge::{AutoCommit, ReadDoc, ScalarValue, Value, transaction::Transactable};
use frontdesk_protocol::sealed::{PUBLIC_LEN, Scope};
use frontdesk_protocol::{Role, pairing};

use crate::crypto::{KeyRef, Op, Part};

/// The HKDF info of an envelope's key.
pub const ENVELOPE_INFO: &[u8] = b"frontdesk envelope v1";
const ENVELOPE_AAD: &[u8] = b"frontdesk envelope v1\0";
const PROOF_LABEL: &[u8] = b"frontdesk key proof v1\0";
const AUTH_SALT: &[u8] = b"frontdesk device auth v1\0";
/// PBKDF2 iterations of the auth secret: the pairing secret's ≈ 59 bits, each guess this slow,
/// are far out of reach of a relay holding the proof.
pub const AUTH_ITERATIONS: u32 = 100_000;
/// Characters of a pairing secret (of the pairing code's alphabet: ≈ 59 bits).
pub const SECRET_LEN: usize = 12;
/// Epochs of the kiosk scope a kiosk holds: today's kiosk document may be sealed under the one
/// before a rotation.
const KIOSK_EPOCHS: usize = 2;

/// The device name envelopes to the recovery kit are sealed under: `envelopes/recovery`
/// ([`frontdesk_protocol::access::RECOVERY_ENVELOPES`]). It holds what a manager holds.
pub const RECOVERY: &str = "recovery";
/// Characters of a recovery kit (of the pairing code's alphabet: ≈ 138 bits).
pub const KIT_LEN: usize = 28;
/// PBKDF2 iterations of the kit's identity: the kit needs none to be out of reach, but a kit
/// partly read over someone's shoulder leaves fewer characters to guess, each guess this slow.
pub const KIT_ITERATIONS: u32 = 100_000;
const KIT_AGREEMENT_SALT: &[u8] = b"frontdesk recovery agreement v1\0";
const KIT_AUTH_SALT: &[u8] = b"frontdesk recovery auth v1\0";

/// What `role` holds of each scope.
pub fn holds(role: Role) -> &'static [(Scope, Part)] {
    match role {
        Role::Kiosk => &[(Scope::Kiosk, Part::Secret), (Scope::Inbox, Part::Public), (Scope::Clock, Part::Public)],
        Role::Staff => &[
            (Scope::Kiosk, Part::Secret),
            (Scope::Staff, Part::Secret),
            (Scope::Inbox, Part::Private),
            (Scope::Clock, Part::Public),
        ],
        Role::Manager => &[
            (Scope::Kiosk, Part::Secret),
            (Scope::Staff, Part::Secret),
            (Scope::Manager, Part::Secret),
            (Scope::Inbox, Part::Private),
            (Scope::Clock, Part::Private),
        ],
    }
}

/// The scopes a device of `role` could read with what it held (public keys read nothing): the
/// scopes whose keys are renewed when such a device is revoked.
pub fn readable(role: Role) -> Vec<Scope> {
    holds(role).iter().filter(|(_, part)| *part != Part::Public).map(|(scope, _)| *scope).collect()
}

/// `len` characters of the pairing code's alphabet from `draw(n)` (uniform in `0..n`; the
/// platform's random source).
fn draw_secret(len: usize, mut draw: impl FnMut(usize) -> usize) -> String {
    (0..len).map(|_| pairing::ALPHABET[draw(pairing::ALPHABET.len()) % pairing::ALPHABET.len()] as char).collect()
}

/// A secret of `len` characters as typed or carried in a link: upper-cased, spaces and dashes
/// dropped; `None` unless it is `len` characters of the alphabet.
fn read_typed(typed: &str, len: usize) -> Option<String> {
    let secret: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (secret.len() == len && secret.bytes().all(|b| pairing::ALPHABET.contains(&b))).then_some(secret)
}

/// A fresh pairing secret from `draw(n)` (uniform in `0..n`; the platform's random source).
pub fn pairing_secret(draw: impl FnMut(usize) -> usize) -> String {
    draw_secret(SECRET_LEN, draw)
}

/// Reads a pairing secret as typed or carried in a link ([`SECRET_LEN`] characters).
pub fn read_secret(typed: &str) -> Option<String> {
    read_typed(typed, SECRET_LEN)
}

/// Reads what a person typed or a link carried: the pairing code alone (8 characters), or the
/// code followed by the pairing secret (20), spaces and dashes anywhere. `None` for anything
/// else. Only the code ever goes to the relay.
pub fn split_pairing(typed: &str) -> Option<(String, Option<String>)> {
    let all: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    if all.len() == pairing::LEN + SECRET_LEN && all.is_ascii() {
        let (code, secret) = all.split_at(pairing::LEN);
        return Some((pairing::normalize(code)?, Some(read_secret(secret)?)));
    }
    Some((pairing::normalize(&all)?, None))
}

/// A fresh recovery kit from `draw(n)` (uniform in `0..n`; the platform's random source).
pub fn kit_secret(draw: impl FnMut(usize) -> usize) -> String {
    draw_secret(KIT_LEN, draw)
}

/// Reads a kit as typed ([`KIT_LEN`] characters; spaces and dashes dropped, any case).
pub fn read_kit(typed: &str) -> Option<String> {
    read_typed(typed, KIT_LEN)
}

/// A kit (or a pairing secret) as it is printed and read out: groups of four.
pub fn show_groups(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// The two ops that derive the kit's identity: the secret of its X25519 agreement key, then
/// its auth secret (each 32 bytes).
pub fn kit_ops(kit: &str) -> [Op; 2] {
    kit_ops_with(kit, KIT_ITERATIONS)
}

/// [`kit_ops`] with another iteration count (tests).
pub fn kit_ops_with(kit: &str, iterations: u32) -> [Op; 2] {
    let derive = |salt: &[u8]| Op::Derive { password: kit.as_bytes().to_vec(), salt: salt.to_vec(), iterations };
    [derive(KIT_AGREEMENT_SALT), derive(KIT_AUTH_SALT)]
}

/// The op that derives a device's auth secret from the pairing code and secret.
pub fn auth_op(code: &str, secret: &str) -> Op {
    auth_op_with(code, secret, AUTH_ITERATIONS)
}

/// [`auth_op`] with another iteration count (tests).
pub fn auth_op_with(code: &str, secret: &str, iterations: u32) -> Op {
    let mut salt = AUTH_SALT.to_vec();
    salt.extend_from_slice(code.as_bytes());
    Op::Derive { password: secret.as_bytes().to_vec(), salt, iterations }
}

/// The op whose result is the device's proof of its agreement key (sent with `Pair`, checked
/// by the manager's device).
pub fn proof_op(auth: &[u8], agreement_key: &[u8]) -> Op {
    Op::Mac { auth: auth.to_vec(), data: proof_data(agreement_key) }
}

/// What the proof is a MAC of: a label and the agreement key.
pub fn proof_data(agreement_key: &[u8]) -> Vec<u8> {
    let mut data = PROOF_LABEL.to_vec();
    data.extend_from_slice(agreement_key);
    data
}

/// Whether `proof` (as the relay relayed it) is the MAC `expected` the manager's device
/// computed: the same 32 bytes, compared without an early exit.
pub fn proof_holds(expected: &[u8], proof: &[u8]) -> bool {
    expected.len() == 32 && proof.len() == 32 && expected.iter().zip(proof).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The record of `envelopes/<device>` that holds `part` of `key`: `<scope>/<epoch>/<part>`.
pub fn record(key: KeyRef, part: Part) -> String {
    format!("{}/{}/{}", key.scope, key.epoch, part.as_str())
}

/// Reads a record name back.
pub fn parse_record(name: &str) -> Option<(KeyRef, Part)> {
    let mut segments = name.split('/');
    let (scope, epoch, part) = (segments.next()?, segments.next()?, segments.next()?);
    let scope = Scope::ALL.into_iter().find(|s| s.as_str() == scope)?;
    let epoch: u32 = epoch.parse().ok().filter(|e| *e > 0)?;
    let part = Part::ALL.into_iter().find(|p| p.as_str() == part)?;
    let key = KeyRef { scope, epoch };
    // One name per key: `07` or `+7` would hold the same key under a second record.
    (segments.next().is_none() && record(key, part) == name).then_some((key, part))
}

/// The AAD of an envelope: it binds the device it is sealed to and the record it sits in, so an
/// envelope moved to another record or device does not open.
pub fn envelope_aad(device: &str, record: &str) -> Vec<u8> {
    let mut aad = ENVELOPE_AAD.to_vec();
    aad.push(device.len().min(u8::MAX as usize) as u8);
    aad.extend_from_slice(&device.as_bytes()[..device.len().min(u8::MAX as usize)]);
    aad.extend_from_slice(record.as_bytes());
    aad
}

/// The envelopes a device of `role` gets from the keys `held` here: each as its record and the
/// op that seals it to `agreement_key` under `auth`. Secret and private keys of every epoch
/// held (a kiosk's, the newest two); public keys of the newest epoch only (a kiosk seals to
/// the newest). A key this device does not hold is not handed over.
pub fn wraps(
    device: &str,
    role: Role,
    agreement_key: &[u8; PUBLIC_LEN],
    auth: &[u8],
    held: &[KeyRef],
) -> Vec<(String, Op)> {
    let mut out = Vec::new();
    for &(scope, part) in holds(role) {
        let mut epochs: Vec<u32> = held.iter().filter(|k| k.scope == scope).map(|k| k.epoch).collect();
        epochs.sort_unstable_by(|a, b| b.cmp(a));
        let keep = match (role, part) {
            (_, Part::Public) => 1,
            (Role::Kiosk, _) => KIOSK_EPOCHS,
            _ => epochs.len(),
        };
        for epoch in epochs.into_iter().take(keep) {
            let key = KeyRef { scope, epoch };
            let name = record(key, part);
            let aad = envelope_aad(device, &name);
            out.push((name, Op::Wrap { key, part, to: *agreement_key, auth: auth.to_vec(), aad }));
        }
    }
    out
}

/// Writes sealed envelopes into a fresh change of `envelopes/<device>` by `actor` (a standalone
/// change: the manager's device never reads that document); returns its bytes.
pub fn write_envelopes(actor: [u8; 16], envelopes: &[(String, Vec<u8>)]) -> Result<Vec<u8>, automerge::AutomergeError> {
    let mut doc = AutoCommit::new().with_actor(automerge::ActorId::from(&actor[..]));
    put_envelopes(&mut doc, envelopes)?;
    Ok(doc.save())
}

/// Puts sealed envelopes into an envelopes document held here (the recovery kit's, which
/// managers follow).
pub fn put_envelopes(doc: &mut AutoCommit, envelopes: &[(String, Vec<u8>)]) -> Result<(), automerge::AutomergeError> {
    for (name, envelope) in envelopes {
        doc.put(automerge::ROOT, name.as_str(), ScalarValue::Bytes(envelope.clone()))?;
    }
    Ok(())
}

/// The envelopes in `envelopes/<device>` this device of `role` does not hold yet: each as the
/// key it would install and the op that installs it. A record of another shape, a part the
/// role does not hold (a private key offered to a kiosk), or a value that is not bytes is left
/// alone.
pub fn installs(device: &str, role: Role, doc: &impl ReadDoc, held: &[KeyRef]) -> Vec<(KeyRef, Op)> {
    let mut out = Vec::new();
    for name in doc.keys(automerge::ROOT) {
        let Some((key, part)) = parse_record(&name) else { continue };
        if held.contains(&key) || !holds(role).contains(&(key.scope, part)) {
            continue;
        }
        let Ok(Some((Value::Scalar(value), _))) = doc.get(automerge::ROOT, name.as_str()) else { continue };
        let ScalarValue::Bytes(envelope) = value.as_ref() else { continue };
        let aad = envelope_aad(device, &name);
        out.push((key, Op::Install { key, part, envelope: envelope.clone(), aad }));
    }
    out
}

/// A device a manager's tablet vouched for, as the keyring keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vouched {
    pub id: String,
    pub role: Role,
    /// Its X25519 agreement key (envelopes are sealed to it).
    pub agreement: [u8; PUBLIC_LEN],
    /// Its auth secret (envelopes to it are made with it).
    pub auth: Vec<u8>,
    /// The records already sealed to it (`<scope>/<epoch>/<part>`).
    pub sent: Vec<String>,
}

// The keyring's records, each a key of the document's root (flat, so two tablets writing a
// record neither has seen merge field by field instead of one whole map replacing the other):
// `vouched/<id>` → agreement key, `role/<id>`, `auth/<id>`, `sent/<id>/<record>` → true.
const VOUCHED: &str = "vouched/";
const ROLE: &str = "role/";
const AUTH: &str = "auth/";
const SENT: &str = "sent/";

/// Every device the keyring holds; a record of another shape is left out.
pub fn read_vouched(doc: &impl ReadDoc) -> Vec<Vouched> {
    let names: Vec<String> = doc.keys(automerge::ROOT).collect();
    let mut out = Vec::new();
    for name in &names {
        let Some(id) = name.strip_prefix(VOUCHED) else { continue };
        let role = match doc.get(automerge::ROOT, format!("{ROLE}{id}").as_str()) {
            Ok(Some((Value::Scalar(v), _))) => v.as_str().and_then(|r| r.parse::<Role>().ok()),
            _ => None,
        };
        let agreement = crate::records::root_bytes(doc, name).and_then(|b| <[u8; PUBLIC_LEN]>::try_from(b).ok());
        let (Some(role), Some(agreement), Some(auth)) =
            (role, agreement, crate::records::root_bytes(doc, &format!("{AUTH}{id}")))
        else {
            continue;
        };
        let prefix = format!("{SENT}{id}/");
        let sent = names.iter().filter_map(|n| n.strip_prefix(prefix.as_str())).map(str::to_owned).collect();
        out.push(Vouched { id: id.to_owned(), role, agreement, auth, sent });
    }
    out
}

/// Keeps `v` in the keyring (replacing a record of the same id, adding to what it was sent).
pub fn put_vouched(doc: &mut AutoCommit, v: &Vouched) -> Result<(), automerge::AutomergeError> {
    doc.put(automerge::ROOT, format!("{VOUCHED}{}", v.id).as_str(), ScalarValue::Bytes(v.agreement.to_vec()))?;
    doc.put(automerge::ROOT, format!("{ROLE}{}", v.id).as_str(), v.role.as_str())?;
    doc.put(automerge::ROOT, format!("{AUTH}{}", v.id).as_str(), ScalarValue::Bytes(v.auth.clone()))?;
    put_sent(doc, &v.id, &v.sent)
}

fn put_sent(doc: &mut AutoCommit, id: &str, sent: &[String]) -> Result<(), automerge::AutomergeError> {
    for record in sent {
        let key = format!("{SENT}{id}/{record}");
        if doc.get(automerge::ROOT, key.as_str())?.is_none() {
            doc.put(automerge::ROOT, key.as_str(), true)?;
        }
    }
    Ok(())
}

/// Notes what was sealed to `id` — only if the keyring still holds `id` with this agreement key
/// (a device forgotten meanwhile, or a kit replaced, is not brought back). Whether it was noted.
pub fn record_sent(
    doc: &mut AutoCommit,
    id: &str,
    agreement: &[u8; PUBLIC_LEN],
    sent: &[String],
) -> Result<bool, automerge::AutomergeError> {
    if crate::records::root_bytes(doc, &format!("{VOUCHED}{id}")).as_deref() != Some(&agreement[..]) {
        return Ok(false);
    }
    put_sent(doc, id, sent)?;
    Ok(true)
}

/// Forgets a device (revoked, or the recovery kit being replaced): nothing is sealed to it again.
pub fn forget_vouched(doc: &mut AutoCommit, id: &str) -> Result<(), automerge::AutomergeError> {
    let sent = format!("{SENT}{id}/");
    let keys: Vec<String> = doc
        .keys(automerge::ROOT)
        .filter(|k| {
            k.strip_prefix(VOUCHED).or(k.strip_prefix(ROLE)).or(k.strip_prefix(AUTH)) == Some(id)
                || k.starts_with(&sent)
        })
        .collect();
    for key in keys {
        doc.delete(automerge::ROOT, key.as_str())?;
    }
    Ok(())
}

/// What a manager's tablet does with one vouched device when the relay lists its devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handing {
    /// Seal it the keys it lacks.
    HandOver,
    /// The relay lists it revoked: forget it for good (it must never be sealed a key again).
    Forget,
    /// The relay lists it with another agreement key or role than the keyring holds: a forged
    /// record or a forged list — nothing is sealed to either.
    Refuse,
    /// This tablet itself, or a device the relay does not list: nothing.
    Nothing,
}

/// Decides what a hand-over does with `v` (this tablet is `this`) given the relay's `listed`
/// devices. The recovery kit is listed by no relay: it is handed every key.
pub fn handing(v: &Vouched, this: &str, listed: &[frontdesk_protocol::DeviceInfo]) -> Handing {
    if v.id == this {
        return Handing::Nothing;
    }
    if v.id == RECOVERY {
        return Handing::HandOver;
    }
    match listed.iter().find(|d| d.id == v.id) {
        Some(info) if info.revoked => Handing::Forget,
        Some(info) if info.agreement_key != v.agreement || info.role != v.role => Handing::Refuse,
        Some(_) => Handing::HandOver,
        None => Handing::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forged_list_or_record_redirects_no_key() {
        let info = |id: &str, role, agreement: [u8; PUBLIC_LEN], revoked| frontdesk_protocol::DeviceInfo {
            id: id.into(),
            name: id.into(),
            role,
            paired_at_ms: 0,
            last_seen_ms: 0,
            revoked,
            agreement_key: agreement.to_vec(),
            key_proof: vec![1; 32],
        };
        let desk =
            Vouched { id: "d2".into(), role: Role::Staff, agreement: [4; PUBLIC_LEN], auth: vec![5; 32], sent: vec![] };
        let listed = |i| [info("d2", Role::Staff, [4; PUBLIC_LEN], false), i];
        let other = info("d3", Role::Staff, [6; PUBLIC_LEN], false);
        assert_eq!(handing(&desk, "m1", &listed(other.clone())), Handing::HandOver);
        // The relay lists the device with its own key, or as a manager (to be sealed more).
        assert_eq!(handing(&desk, "m1", &[info("d2", Role::Staff, [9; PUBLIC_LEN], false)]), Handing::Refuse);
        assert_eq!(handing(&desk, "m1", &[info("d2", Role::Manager, [4; PUBLIC_LEN], false)]), Handing::Refuse);
        // A keyring record forged to another key, the list untouched.
        let forged = Vouched { agreement: [9; PUBLIC_LEN], ..desk.clone() };
        assert_eq!(handing(&forged, "m1", &listed(other.clone())), Handing::Refuse);
        assert_eq!(handing(&desk, "m1", &[info("d2", Role::Staff, [4; PUBLIC_LEN], true)]), Handing::Forget);
        assert_eq!(handing(&desk, "m1", &[other]), Handing::Nothing, "not listed");
        assert_eq!(
            handing(&desk, "d2", &listed(info("d3", Role::Staff, [6; PUBLIC_LEN], false))),
            Handing::Nothing,
            "itself"
        );
        let kit = Vouched { id: RECOVERY.into(), role: Role::Manager, ..desk };
        assert_eq!(handing(&kit, "m1", &[]), Handing::HandOver, "the kit is listed by no relay");
    }

    #[test]
    fn the_keyring_keeps_vouched_devices_and_two_tablets_writing_at_once_merge() {
        let tablet = Vouched {
            id: "d2".into(),
            role: Role::Staff,
            agreement: [4; PUBLIC_LEN],
            auth: vec![5; 32],
            sent: vec!["staff/1/secret".into()],
        };
        let kit = Vouched { id: RECOVERY.into(), role: Role::Manager, ..tablet.clone() };
        // Two tablets each write a record the other has not seen yet: both survive the merge.
        let mut one = AutoCommit::new();
        let mut two = AutoCommit::new();
        put_vouched(&mut one, &tablet).unwrap();
        put_vouched(&mut two, &kit).unwrap();
        one.merge(&mut two).unwrap();
        assert_eq!(read_vouched(&one).len(), 2);
        // Each hands the device a key at once: both are listed after.
        let mut two = one.fork();
        assert!(record_sent(&mut one, "d2", &[4; PUBLIC_LEN], &["kiosk/1/secret".into()]).unwrap());
        assert!(record_sent(&mut two, "d2", &[4; PUBLIC_LEN], &["inbox/1/private".into()]).unwrap());
        one.merge(&mut two).unwrap();
        let read = read_vouched(&one);
        let d2 = read.iter().find(|v| v.id == "d2").unwrap();
        let mut sent = d2.sent.clone();
        sent.sort();
        assert_eq!(sent, ["inbox/1/private", "kiosk/1/secret", "staff/1/secret"]);
        assert_eq!((d2.role, d2.agreement, d2.auth.clone()), (Role::Staff, [4; PUBLIC_LEN], vec![5; 32]));
        // What was sent to a record with another key, or to one forgotten, is not noted (nor
        // does it bring the record back).
        assert!(!record_sent(&mut one, RECOVERY, &[9; PUBLIC_LEN], &["staff/2/secret".into()]).unwrap());
        forget_vouched(&mut one, "d2").unwrap();
        assert!(!record_sent(&mut one, "d2", &[4; PUBLIC_LEN], &["staff/2/secret".into()]).unwrap());
        assert_eq!(read_vouched(&one).iter().map(|v| v.id.as_str()).collect::<Vec<_>>(), [RECOVERY]);
        assert!(one.keys(automerge::ROOT).all(|k| !k.contains("d2")), "nothing of it is left");
        // A record of another shape is left out.
        one.put(automerge::ROOT, "vouched/d9", "nonsense").unwrap();
        assert_eq!(read_vouched(&one).len(), 1);
    }

    #[test]
    fn revoking_a_device_renews_every_key_it_could_read_with() {
        assert_eq!(readable(Role::Kiosk), [Scope::Kiosk]);
        assert_eq!(readable(Role::Staff), [Scope::Kiosk, Scope::Staff, Scope::Inbox]);
        assert_eq!(readable(Role::Manager), [Scope::Kiosk, Scope::Staff, Scope::Manager, Scope::Inbox, Scope::Clock]);
    }

    #[test]
    fn a_kiosk_holds_no_key_that_reads_an_inbox_or_a_time_clock() {
        let kiosk = holds(Role::Kiosk);
        assert!(kiosk.iter().all(|&(scope, part)| part != Part::Private || !scope.is_drop()));
        assert!(!kiosk.iter().any(|&(scope, _)| matches!(scope, Scope::Staff | Scope::Manager)));
        assert!(!holds(Role::Staff).contains(&(Scope::Clock, Part::Private)), "staff read no punches");
        assert!(!holds(Role::Staff).iter().any(|&(scope, _)| scope == Scope::Manager));
        assert_eq!(holds(Role::Manager).len(), Scope::ALL.len(), "managers hold every scope");
        for role in [Role::Kiosk, Role::Staff, Role::Manager] {
            for &(scope, part) in holds(role) {
                assert_eq!(part == Part::Secret, !scope.is_drop(), "{role}: {scope} as {part:?}");
            }
        }
    }

    #[test]
    fn records_read_back_and_nothing_else_does() {
        let key = KeyRef { scope: Scope::Inbox, epoch: 7 };
        assert_eq!(record(key, Part::Private), "inbox/7/private");
        assert_eq!(parse_record("inbox/7/private"), Some((key, Part::Private)));
        for bad in [
            "inbox/7",
            "inbox/0/private",
            "inbox/+7/private",
            "inbox/07/private",
            "inbox/x/private",
            "inbox/7/private/x",
            "lobby/7/secret",
            "",
        ] {
            assert_eq!(parse_record(bad), None, "{bad}");
        }
    }

    #[test]
    fn pairing_secrets_are_read_forgivingly_and_checked() {
        let secret = pairing_secret(|n| n - 1);
        assert_eq!(secret.len(), SECRET_LEN);
        assert_eq!(read_secret(&secret), Some(secret.clone()));
        assert_eq!(read_secret(" 2345-6789 abcd ").as_deref(), Some("23456789ABCD"));
        assert_eq!(read_secret("23456789ABC"), None, "too short");
        assert_eq!(read_secret("23456789ABC0"), None, "0 is no character of the alphabet");
    }

    #[test]
    fn a_code_is_read_with_or_without_its_secret() {
        assert_eq!(split_pairing("k7qm-2xhd"), Some(("K7QM2XHD".into(), None)));
        assert_eq!(
            split_pairing("K7QM 2XHD · 2345 6789 ABCD".replace('·', "").as_str()),
            Some(("K7QM2XHD".into(), Some("23456789ABCD".into())))
        );
        assert_eq!(split_pairing("K7QM2XHD23456789ABCD"), Some(("K7QM2XHD".into(), Some("23456789ABCD".into()))));
        assert_eq!(split_pairing("K7QM2XHD2345"), None, "a secret cut short");
        assert_eq!(split_pairing("K7QM2XHD23456789ABC0"), None, "0 is no character of the alphabet");
        assert_eq!(split_pairing("ÁÁÁÁÁÁÁÁÁÁ"), None);
    }

    #[test]
    fn recovery_kits_are_long_read_forgivingly_and_checked() {
        assert_eq!(doc_name_of_recovery(), frontdesk_protocol::access::RECOVERY_ENVELOPES);
        let kit = kit_secret(|n| n / 2);
        assert_eq!(kit.len(), KIT_LEN);
        assert!((KIT_LEN as f64) * (pairing::ALPHABET.len() as f64).log2() > 128.0, "at least 128 bits");
        let shown = show_groups(&kit);
        assert_eq!(shown.len(), KIT_LEN + KIT_LEN / 4 - 1, "{shown}");
        assert_eq!(read_kit(&shown.to_lowercase()), Some(kit.clone()));
        assert_eq!(read_kit(&kit[1..]), None, "a character short");
        assert_eq!(read_kit(&format!("{}O", &kit[1..])), None, "O is no character of the alphabet");
        let [agreement, auth] = kit_ops(&kit);
        assert_ne!(agreement, auth, "two different secrets");
        assert!(matches!(agreement, Op::Derive { iterations: KIT_ITERATIONS, .. }));
    }

    fn doc_name_of_recovery() -> String {
        crate::doc_name::envelopes(RECOVERY)
    }

    #[test]
    fn a_proof_holds_only_for_the_same_bytes() {
        assert!(proof_holds(&[3; 32], &[3; 32]));
        assert!(!proof_holds(&[3; 32], &[3; 31]));
        let mut other = [3; 32];
        other[31] = 4;
        assert!(!proof_holds(&[3; 32], &other));
        assert!(!proof_holds(&[], &[]), "no proof is no proof");
    }
}
