//! Pairing: one-time codes that let a device register its own public key, and the proof of that
//! key at every Hello.
//!
//! A code is made by a manager's device (or `frontdesk-relay pair`) and read off its screen;
//! only its SHA-256 is stored. A device asks what a code would pair ([`ClientMsg::PairPreview`])
//! and then pairs with it, sending the public half of a key pair it made and cannot export
//! ([`ClientMsg::Pair`]). Every try counts against its address ([`AddressLimits`]); a code
//! matching none counts against every code waiting (see the store).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, VerifyingKey};
use frontdesk_protocol::{ClientMsg, Head, PairRefusal, PairReply, Role, ServerMsg, pairing};
use sha2::{Digest, Sha256};

use crate::rate::RateLimit;
use crate::relay::Relay;
use crate::store::{PairingKeys, PairingOffer, PublicKey};

/// The SHA-256 of a code as the store keeps it.
pub fn code_hash(code: &str) -> Head {
    Sha256::digest(code.as_bytes()).into()
}

/// A fresh code of uniform random characters (from the operating system's generator).
pub fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    pairing::from_draws(|n| rng.random_range(0..n))
}

/// Makes a code for `offer` and stores it; returns the code, which is not kept anywhere.
pub async fn create(
    relay_store: &dyn crate::store::Store,
    offer: PairingOffer,
    now_ms: i64,
) -> Result<String, crate::store::StoreError> {
    let code = new_code();
    relay_store.create_pairing(code_hash(&code), offer, now_ms).await?;
    Ok(code)
}

/// The offer a new code makes: `role` and `name`, shown as `business`, for ten minutes.
pub fn offer(role: Role, name: String, business: String, created_by: String, now_ms: i64) -> PairingOffer {
    PairingOffer { role, name, business, created_by, expires_at_ms: now_ms + pairing::LIFETIME_S * 1000 }
}

/// The length of a key proof: an HMAC-SHA256.
pub const PROOF_LEN: usize = 32;

/// Whether `key` is an X25519 public key a secret can be agreed with: 32 bytes, and not a point
/// of small order (with which any private key agrees on a secret everyone can compute).
pub fn agreement_key_usable(key: &[u8]) -> bool {
    let Ok(bytes) = <[u8; 32]>::try_from(key) else { return false };
    let ours = x25519_dalek::StaticSecret::from(rand::random::<[u8; 32]>());
    ours.diffie_hellman(&x25519_dalek::PublicKey::from(bytes)).was_contributory()
}

/// Whether `signature` is `key`'s Ed25519 signature of the Hello proof for `device` and `nonce`
/// (strict verification: no malleable or small-order forms).
pub fn proves(key: &PublicKey, device: &str, nonce: &[u8; 32], signature: &[u8]) -> bool {
    signed(key, &frontdesk_protocol::hello_proof(device, nonce), signature)
}

/// Whether `signature` is `key`'s Ed25519 signature of `message` (strict: no malleable or
/// small-order forms).
pub fn signed(key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(key) else { return false };
    let Ok(signature) = Signature::from_slice(signature) else { return false };
    key.verify_strict(message, &signature).is_ok()
}

/// Pairing tries per address: a burst, then one more every `every`.
pub struct AddressLimits {
    burst: u32,
    every: Duration,
    tries: Mutex<HashMap<IpAddr, RateLimit>>,
}

/// Most addresses remembered at once; past it the ones with a full bucket are forgotten.
const MAX_ADDRESSES: usize = 10_000;

impl AddressLimits {
    pub fn new(burst: u32, every: Duration) -> AddressLimits {
        AddressLimits { burst, every, tries: Mutex::new(HashMap::new()) }
    }

    /// Takes a try for `addr`; `Err(seconds to wait)` when it has none left.
    pub fn take(&self, addr: IpAddr, now: Instant) -> Result<(), u32> {
        let per_sec = 1.0 / self.every.as_secs_f64().max(0.001);
        let Ok(mut tries) = self.tries.lock() else { return Err(60) };
        if tries.len() >= MAX_ADDRESSES && !tries.contains_key(&addr) {
            tries.retain(|_, limit| !limit.full(now));
        }
        if tries.len() >= MAX_ADDRESSES && !tries.contains_key(&addr) {
            return Err(self.every.as_secs().max(1) as u32);
        }
        let limit = tries.entry(addr).or_insert_with(|| RateLimit::with_rate(per_sec, self.burst, now));
        if limit.take(now) { Ok(()) } else { Err(self.every.as_secs().max(1) as u32) }
    }
}

/// The address a pairing try counts against: the socket peer's IP (behind a proxy, the proxy's —
/// see the README).
pub fn address_of(peer_addr: &str) -> IpAddr {
    peer_addr
        .parse::<std::net::SocketAddr>()
        .map(|a| a.ip())
        .or_else(|_| peer_addr.parse::<IpAddr>())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// Who made the codes printed by `frontdesk-relay pair` (no device: the operator).
pub const OPERATOR: &str = "cli";

/// Whether `code` is a working manager's code the operator made on the command line.
async fn operator_manager_code(relay: &Relay, code: &str, now_ms: i64) -> bool {
    let hash = code_hash(&pairing::normalize(code).unwrap_or_default());
    matches!(relay.store.preview_pairing(hash, now_ms).await, Ok(Ok(offer)) if offer.created_by == OPERATOR && offer.role == Role::Manager)
}

/// Answers a pairing socket's one request.
pub async fn answer(relay: &Relay, msg: ClientMsg, peer_addr: &str) -> PairReply {
    let refused = |why| PairReply::Refused { why };
    if let Err(retry_after_s) = relay.pairing_limits.take(address_of(peer_addr), Instant::now()) {
        tracing::warn!(%peer_addr, "pairing refused: too many tries from this address");
        return refused(PairRefusal::TooManyTries { retry_after_s });
    }
    let now_ms = chrono::Utc::now().timestamp_millis();
    let (code, keys) = match msg {
        ClientMsg::PairPreview { code, .. } => (code, None),
        ClientMsg::Pair { code, public_key, agreement_key, key_proof, .. } => {
            let Ok(public_key) = PublicKey::try_from(public_key.as_slice()) else {
                return refused(PairRefusal::BadKey);
            };
            // Not a point, or one of small order (a "key" any signature could match).
            if VerifyingKey::from_bytes(&public_key).map_or(true, |k| k.is_weak()) {
                return refused(PairRefusal::BadKey);
            }
            if !(key_proof.is_empty() || key_proof.len() == PROOF_LEN) {
                return refused(PairRefusal::BadKey);
            }
            if agreement_key.is_empty() || key_proof.is_empty() {
                // A device that cannot be given keys — no agreement key, or no proof a manager's
                // tablet could vouch for it with — is of no use where documents are sealed.
                match relay.store.epochs().await {
                    Ok(epochs) if epochs.is_empty() => {}
                    // The operator's manager codes (set-up, and restoring with the recovery kit
                    // once every device is lost): such a device gets its keys from the kit.
                    Ok(_) if !agreement_key.is_empty() && operator_manager_code(relay, &code, now_ms).await => {}
                    Ok(_) => {
                        tracing::warn!(%peer_addr, "pairing refused: the business seals, and the device could not be given keys");
                        let why =
                            if agreement_key.is_empty() { PairRefusal::BadKey } else { PairRefusal::KeyCheckNeeded };
                        return refused(why);
                    }
                    Err(err) => {
                        tracing::error!(%err, "pairing failed");
                        return refused(PairRefusal::Unknown);
                    }
                }
            }
            if !agreement_key.is_empty() && !agreement_key_usable(&agreement_key) {
                tracing::warn!(%peer_addr, "pairing refused: the key agreement key is not a usable X25519 key");
                return refused(PairRefusal::BadKey);
            }
            (code, Some(PairingKeys { public_key, agreement_key, key_proof }))
        }
        _ => return refused(PairRefusal::Unknown),
    };
    let code = &code;
    // What is not a code counts as a wrong one (the same answer, the same effect).
    let hash = code_hash(&pairing::normalize(code).unwrap_or_default());
    match keys {
        None => match settled(relay.store.preview_pairing(hash, now_ms).await, "pairing preview", peer_addr) {
            Ok(offer) => PairReply::Offer {
                business: offer.business,
                role: offer.role,
                name: offer.name,
                expires_at_ms: offer.expires_at_ms,
            },
            Err(why) => refused(why),
        },
        Some(keys) => match settled(relay.store.redeem_pairing(hash, keys, now_ms).await, "pairing", peer_addr) {
            Ok((device, offer)) => {
                tracing::info!(device = %device.id, name = %device.name, role = %device.role, created_by = %offer.created_by, %peer_addr, "device paired");
                // The manager's device that made the code seals the business's keys to it.
                let reply = frontdesk_protocol::AdminReply::Paired { device: device.info() }.to_bytes();
                let frame: crate::hub::Frame = ServerMsg::Admin { reply }.encode().into();
                relay.hub.to_manager(&offer.created_by, frame);
                PairReply::Paired { device: device.id, name: device.name, role: device.role, business: offer.business }
            }
            Err(why) => refused(why),
        },
    }
}

/// A store's answer to a pairing try, with the refusal logged (`what` it was, from where); a
/// storage failure is said to the device as an unknown code.
fn settled<T>(
    result: Result<Result<T, PairRefusal>, crate::store::StoreError>,
    what: &str,
    peer_addr: &str,
) -> Result<T, PairRefusal> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(why)) => {
            tracing::warn!(%peer_addr, ?why, "{what} refused");
            Err(why)
        }
        Err(err) => {
            tracing::error!(%err, "{what} failed");
            Err(PairRefusal::Unknown)
        }
    }
}

/// A device as a native client holds it (tests, the load generator): its id and its Ed25519
/// signing key. (A browser holds its key in WebCrypto, where page script cannot read it.)
#[derive(Clone)]
pub struct Credential {
    pub id: String,
    key: ed25519_dalek::SigningKey,
}

impl Credential {
    /// A fresh key, not yet registered.
    pub fn key() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&rand::random())
    }

    /// Registers a device with a fresh key in `store` (no code: for tests and load generators).
    pub async fn register(
        store: &dyn crate::store::Store,
        name: &str,
        role: Role,
    ) -> Result<Credential, crate::store::StoreError> {
        let key = Credential::key();
        let id = store.add_device(name, role, key.verifying_key().to_bytes()).await?;
        Ok(Credential { id, key })
    }

    /// Registers a device whose key is made from `secret` (a test or bench that made changes
    /// under the actors of that key beforehand, as the seed generator does).
    pub async fn register_with(
        store: &dyn crate::store::Store,
        name: &str,
        role: Role,
        secret: [u8; 32],
    ) -> Result<Credential, crate::store::StoreError> {
        let key = ed25519_dalek::SigningKey::from_bytes(&secret);
        let id = store.add_device(name, role, key.verifying_key().to_bytes()).await?;
        Ok(Credential { id, key })
    }

    /// Registers `n` devices at once.
    pub async fn register_many(
        store: &dyn crate::store::Store,
        n: usize,
        role: Role,
    ) -> Result<Vec<Credential>, crate::store::StoreError> {
        let keys: Vec<_> = (0..n).map(|_| Credential::key()).collect();
        let names: Vec<String> = (0..n).map(|i| format!("{role} {}", i + 1)).collect();
        let wanted: Vec<(&str, Role, PublicKey)> =
            keys.iter().zip(&names).map(|(k, name)| (name.as_str(), role, k.verifying_key().to_bytes())).collect();
        let ids = store.add_devices(&wanted).await?;
        Ok(ids.into_iter().zip(keys).map(|(id, key)| Credential { id, key }).collect())
    }

    /// A credential for `id` with `key` (a device paired with a code by a native client).
    pub fn new(id: String, key: ed25519_dalek::SigningKey) -> Credential {
        Credential { id, key }
    }

    /// The Hello that answers the challenge `nonce`.
    pub fn hello(&self, nonce: &[u8; 32]) -> ClientMsg {
        ClientMsg::Hello {
            device: self.id.clone(),
            protocol: frontdesk_protocol::PROTOCOL_VERSION,
            signature: self.sign(&frontdesk_protocol::hello_proof(&self.id, nonce)),
        }
    }

    /// The public half of the key (what the relay registered).
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The key's signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        use ed25519_dalek::Signer;
        self.key.sign(message).to_bytes().to_vec()
    }

    /// This device as the author of `bytes` pushed as a chunk of `doc`: its public key and its
    /// signature of the chunk's proof (what a device sends, and what the relay serves).
    pub fn author(&self, doc: &str, bytes: &[u8]) -> frontdesk_protocol::Author {
        use sha2::Digest;
        let digest: [u8; 32] = sha2::Sha256::digest(bytes).into();
        frontdesk_protocol::Author {
            key: self.key.verifying_key().to_bytes().to_vec(),
            signature: self.sign(&frontdesk_protocol::chunk_proof(doc, &digest)),
        }
    }

    /// `msg` signed by this device, if it is a push, a snapshot or a re-base with no signature
    /// yet.
    pub fn signed(&self, msg: ClientMsg) -> ClientMsg {
        use sha2::Digest;
        match msg {
            ClientMsg::Push { doc, chunk_id, bytes, heads, signature } if signature.is_empty() => {
                let signature = self.author(&doc, &bytes).signature;
                ClientMsg::Push { doc, chunk_id, bytes, heads, signature }
            }
            ClientMsg::Snapshot { doc, covers_seq, bytes, signature } if signature.is_empty() => {
                let digest: [u8; 32] = sha2::Sha256::digest(&bytes).into();
                let signature = self.sign(&frontdesk_protocol::snapshot_proof(&doc, covers_seq, &digest));
                ClientMsg::Snapshot { doc, covers_seq, bytes, signature }
            }
            ClientMsg::Rebase { doc, after_seq, bytes, signature } if signature.is_empty() => {
                let digest: [u8; 32] = sha2::Sha256::digest(&bytes).into();
                let covers_seq = after_seq.saturating_add(1);
                let signature = self.sign(&frontdesk_protocol::rebase_proof(&doc, covers_seq, &digest));
                ClientMsg::Rebase { doc, after_seq, bytes, signature }
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_a_burst_then_waits() {
        let limits = AddressLimits::new(3, Duration::from_secs(10));
        let (a, b) = (address_of("10.0.0.1:5000"), address_of("10.0.0.2:5000"));
        let t0 = Instant::now();
        assert!((0..3).all(|_| limits.take(a, t0).is_ok()));
        assert_eq!(limits.take(a, t0), Err(10));
        assert!(limits.take(b, t0).is_ok(), "another address is not held to it");
        assert!(limits.take(a, t0 + Duration::from_secs(11)).is_ok(), "one more try after the wait");
        assert_eq!(address_of("[::1]:80"), "::1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_signature_proves_only_its_device_and_nonce() {
        use ed25519_dalek::{Signer, SigningKey};
        let key = SigningKey::from_bytes(&[7; 32]);
        let public = key.verifying_key().to_bytes();
        let nonce = [1; 32];
        let signature = key.sign(&frontdesk_protocol::hello_proof("d1", &nonce)).to_bytes();
        assert!(proves(&public, "d1", &nonce, &signature));
        assert!(!proves(&public, "d2", &nonce, &signature), "another device");
        assert!(!proves(&public, "d1", &[2; 32], &signature), "another challenge (a replay)");
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key().to_bytes();
        assert!(!proves(&other, "d1", &nonce, &signature), "another key");
        assert!(!proves(&public, "d1", &nonce, &signature[..63]), "a cut signature");
        assert!(!proves(&[0; 32], "d1", &nonce, &[0; 64]), "an all-zero key and signature");
    }

    #[test]
    fn an_agreement_key_of_small_order_or_wrong_length_is_refused() {
        let secret = x25519_dalek::StaticSecret::from([3; 32]);
        assert!(agreement_key_usable(x25519_dalek::PublicKey::from(&secret).as_bytes()));
        assert!(!agreement_key_usable(&[0; 32]), "the identity");
        let mut one = [0; 32];
        one[0] = 1;
        assert!(!agreement_key_usable(&one), "a point of order 4");
        assert!(!agreement_key_usable(&[5; 31]), "too short");
        assert!(!agreement_key_usable(&[]), "none");
    }
}
