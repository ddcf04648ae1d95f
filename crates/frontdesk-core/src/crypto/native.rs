//! The operations of [`super::Op`] on RustCrypto and dalek, for native code: the simulation, the
//! benches, fuzzing and the canary. Never built for wasm (the browser runs the same operations
//! in WebCrypto, `src/webcrypto.js`); the test vectors in `tests/vectors/seal_v1.json` hold both
//! to the same bytes.

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};

use super::{CryptoError, KeyRef, Op, Part, Sealable, opened, opening, sealing};
use crate::keys::ENVELOPE_INFO;
use frontdesk_protocol::sealed::{DROP_INFO, Header, NONCE_LEN, PUBLIC_LEN, TAG_LEN};

/// 32 bytes of key material.
pub type KeyBytes = [u8; 32];

/// AES-256-GCM with the nonce given: `nonce ‖ ciphertext ‖ tag`.
pub fn seal_with_nonce(key: &KeyBytes, nonce: &[u8; NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(&(*key).into());
    let ciphertext = cipher
        .encrypt(&Nonce::from(*nonce), Payload { msg: plaintext, aad })
        .expect("AES-GCM seals anything under 64 GiB");
    let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
    out.extend_from_slice(nonce);
    out.extend_from_slice(&ciphertext);
    out
}

/// Opens `nonce ‖ ciphertext ‖ tag`.
pub fn open(key: &KeyBytes, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Damaged);
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce");
    Aes256Gcm::new(&(*key).into())
        .decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad })
        .map_err(|_| CryptoError::Damaged)
}

/// The public half of an X25519 secret.
pub fn public_key(secret: &KeyBytes) -> KeyBytes {
    PublicKey::from(&StaticSecret::from(*secret)).to_bytes()
}

/// The AES key of a drop: HKDF-SHA256 of the X25519 shared secret, salted with both public keys.
fn drop_key(
    ours: &KeyBytes,
    theirs: &KeyBytes,
    ephemeral: &KeyBytes,
    recipient: &KeyBytes,
) -> Result<KeyBytes, CryptoError> {
    let shared = StaticSecret::from(*ours).diffie_hellman(&PublicKey::from(*theirs));
    // A low-order point gives an all-zero secret anyone can compute (WebCrypto refuses it too).
    if !shared.was_contributory() {
        return Err(CryptoError::BadEphemeral);
    }
    let mut salt = [0u8; 2 * PUBLIC_LEN];
    salt[..PUBLIC_LEN].copy_from_slice(ephemeral);
    salt[PUBLIC_LEN..].copy_from_slice(recipient);
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&salt), shared.as_bytes())
        .expand(DROP_INFO, &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 length");
    Ok(key)
}

/// Seals to `recipient` with the ephemeral secret and nonce given: `e.pub ‖ nonce ‖ ciphertext ‖ tag`,
/// AAD `aad ‖ e.pub`.
pub fn seal_to_with(
    ephemeral: &KeyBytes,
    recipient: &KeyBytes,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let ephemeral_public = public_key(ephemeral);
    let key = drop_key(ephemeral, recipient, &ephemeral_public, recipient)?;
    let mut full_aad = aad.to_vec();
    full_aad.extend_from_slice(&ephemeral_public);
    let mut out = ephemeral_public.to_vec();
    out.extend_from_slice(&seal_with_nonce(&key, nonce, &full_aad, plaintext));
    Ok(out)
}

/// Opens `e.pub ‖ nonce ‖ ciphertext ‖ tag` with the recipient's secret.
pub fn open_from(recipient: &KeyBytes, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < PUBLIC_LEN + NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Damaged);
    }
    let ephemeral: KeyBytes = sealed[..PUBLIC_LEN].try_into().expect("32 bytes");
    let key = drop_key(recipient, &ephemeral, &ephemeral, &public_key(recipient))?;
    let mut full_aad = aad.to_vec();
    full_aad.extend_from_slice(&ephemeral);
    open(&key, &full_aad, &sealed[PUBLIC_LEN..])
}

/// An envelope's AES key: HKDF-SHA256 of the X25519 shared secret followed by the device's
/// auth secret, salted with both public keys.
fn envelope_key(
    ours: &KeyBytes,
    theirs: &KeyBytes,
    ephemeral: &KeyBytes,
    recipient: &KeyBytes,
    auth: &[u8],
) -> Result<KeyBytes, CryptoError> {
    let shared = StaticSecret::from(*ours).diffie_hellman(&PublicKey::from(*theirs));
    if !shared.was_contributory() {
        return Err(CryptoError::BadEphemeral);
    }
    let mut ikm = shared.as_bytes().to_vec();
    ikm.extend_from_slice(auth);
    let mut salt = [0u8; 2 * PUBLIC_LEN];
    salt[..PUBLIC_LEN].copy_from_slice(ephemeral);
    salt[PUBLIC_LEN..].copy_from_slice(recipient);
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&salt), &ikm)
        .expand(ENVELOPE_INFO, &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 length");
    Ok(key)
}

/// Seals 32 key bytes to the device whose agreement key is `to`, under its `auth` secret, with
/// the ephemeral secret and nonce given: `e.pub ‖ nonce ‖ ciphertext ‖ tag`, AAD `aad ‖ e.pub`.
pub fn wrap_with(
    ephemeral: &KeyBytes,
    to: &KeyBytes,
    auth: &[u8],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    key: &KeyBytes,
) -> Result<Vec<u8>, CryptoError> {
    let ephemeral_public = public_key(ephemeral);
    let k = envelope_key(ephemeral, to, &ephemeral_public, to, auth)?;
    let mut full_aad = aad.to_vec();
    full_aad.extend_from_slice(&ephemeral_public);
    let mut out = ephemeral_public.to_vec();
    out.extend_from_slice(&seal_with_nonce(&k, nonce, &full_aad, key));
    Ok(out)
}

/// Opens an envelope sealed to the holder of `agreement` and `auth`: the 32 key bytes.
pub fn unwrap(agreement: &KeyBytes, auth: &[u8], aad: &[u8], envelope: &[u8]) -> Result<KeyBytes, CryptoError> {
    if envelope.len() < PUBLIC_LEN + NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Damaged);
    }
    let ephemeral: KeyBytes = envelope[..PUBLIC_LEN].try_into().expect("32 bytes");
    let k = envelope_key(agreement, &ephemeral, &ephemeral, &public_key(agreement), auth)?;
    let mut full_aad = aad.to_vec();
    full_aad.extend_from_slice(&ephemeral);
    let key = open(&k, &full_aad, &envelope[PUBLIC_LEN..])?;
    key.try_into().map_err(|_| CryptoError::Damaged)
}

/// Whether `signature` is `key`'s Ed25519 signature of `message` (strict, as the relay checks).
pub fn verify(key: &KeyBytes, message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(key) else { return false };
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else { return false };
    key.verify_strict(message, &signature).is_ok()
}

/// HMAC-SHA256 of `data` under `auth`.
pub fn mac(auth: &[u8], data: &[u8]) -> KeyBytes {
    use hmac::{KeyInit as _, Mac as _};
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(auth).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// PBKDF2-HMAC-SHA256, 32 bytes.
pub fn derive(password: &[u8], salt: &[u8], iterations: u32) -> KeyBytes {
    pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(password, salt, iterations)
}

/// The keys one native device holds, by [`KeyRef`]. Debug shows which keys, never their bytes.
#[derive(Clone, Default)]
pub struct Keys {
    /// AES-256 keys of the shared scopes.
    secret: BTreeMap<KeyRef, KeyBytes>,
    /// X25519 secrets of drop scopes (staff: inbox; managers: clock too).
    private: BTreeMap<KeyRef, KeyBytes>,
    /// X25519 public keys of drop scopes (what a kiosk holds: it can seal, not open).
    public: BTreeMap<KeyRef, KeyBytes>,
    /// The device's own X25519 agreement secret (envelopes are sealed to its public half).
    agreement: Option<KeyBytes>,
    /// The device's auth secret (from its pairing secret), which envelopes to it are made with.
    auth: Option<Vec<u8>>,
    /// The device's own Ed25519 key (what it proves at Hello, and signs its chunks with).
    signing: Option<ed25519_dalek::SigningKey>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("secret", &self.secret.keys().collect::<Vec<_>>())
            .field("private", &self.private.keys().collect::<Vec<_>>())
            .field("public", &self.public.keys().collect::<Vec<_>>())
            .field("agreement", &self.agreement.is_some())
            .field("auth", &self.auth.is_some())
            .field("signing", &self.signing.is_some())
            .finish()
    }
}

impl Keys {
    pub fn add_secret(&mut self, key: KeyRef, bytes: KeyBytes) {
        self.secret.insert(key, bytes);
    }

    /// An X25519 secret (and so its public half).
    pub fn add_private(&mut self, key: KeyRef, secret: KeyBytes) {
        self.public.insert(key, public_key(&secret));
        self.private.insert(key, secret);
    }

    pub fn add_public(&mut self, key: KeyRef, public: KeyBytes) {
        self.public.insert(key, public);
    }

    /// This device's agreement secret and auth secret (what a paired device holds); returns
    /// the agreement key's public half, what it sends with `Pair`.
    pub fn set_device(&mut self, agreement: KeyBytes, auth: Vec<u8>) -> KeyBytes {
        self.agreement = Some(agreement);
        self.auth = Some(auth);
        public_key(&agreement)
    }

    /// This device's Ed25519 key, from its 32 secret bytes; returns the public half (what the
    /// relay registers, and what its actors' tag is made from).
    pub fn set_signing(&mut self, secret: KeyBytes) -> KeyBytes {
        let key = ed25519_dalek::SigningKey::from_bytes(&secret);
        let public = key.verifying_key().to_bytes();
        self.signing = Some(key);
        public
    }

    /// The bytes of `part` of `key`, if held (what [`Op::Wrap`] seals).
    fn part(&self, key: KeyRef, part: Part) -> Option<KeyBytes> {
        match part {
            Part::Secret => self.secret.get(&key),
            Part::Private => self.private.get(&key),
            Part::Public => self.public.get(&key),
        }
        .copied()
    }

    /// Runs an op, [`Op::Generate`] and [`Op::Install`] included (they keep a key).
    pub fn run_mut(&mut self, op: &Op, random: &mut dyn FnMut(&mut [u8])) -> Result<Vec<u8>, CryptoError> {
        match op {
            Op::Generate { key } => {
                let mut bytes = [0u8; 32];
                random(&mut bytes);
                if key.scope.is_drop() {
                    self.add_private(*key, bytes);
                    Ok(public_key(&bytes).to_vec())
                } else {
                    self.add_secret(*key, bytes);
                    Ok(Vec::new())
                }
            }
            Op::Install { key, part, envelope, aad } => {
                let (Some(agreement), Some(auth)) = (self.agreement.as_ref(), self.auth.as_deref()) else {
                    return Err(CryptoError::Platform("this device was not paired with a pairing secret".into()));
                };
                if (*part == Part::Secret) == key.scope.is_drop() {
                    return Err(CryptoError::Damaged);
                }
                let bytes = unwrap(agreement, auth, aad, envelope)?;
                match part {
                    Part::Secret => self.add_secret(*key, bytes),
                    Part::Private => self.add_private(*key, bytes),
                    Part::Public => self.add_public(*key, bytes),
                }
                Ok(Vec::new())
            }
            _ => self.run(op, random),
        }
    }

    /// Every key held, as the core knows them (`device::Start::keys`).
    pub fn held(&self) -> Vec<super::KeyRef> {
        let mut held: Vec<KeyRef> = self.secret.keys().chain(self.public.keys()).copied().collect();
        held.sort();
        held.dedup();
        held
    }

    /// Whether this device can open what `key` sealed.
    pub fn can_open(&self, key: KeyRef) -> bool {
        if key.scope.is_drop() { self.private.contains_key(&key) } else { self.secret.contains_key(&key) }
    }

    /// Runs an op, drawing nonces and ephemeral keys from `random`.
    pub fn run(&self, op: &Op, random: &mut dyn FnMut(&mut [u8])) -> Result<Vec<u8>, CryptoError> {
        let secret = |key: &KeyRef| self.secret.get(key).ok_or(CryptoError::NoKey(*key));
        match op {
            Op::Seal { key, aad, plaintext } => {
                let mut nonce = [0u8; NONCE_LEN];
                random(&mut nonce);
                Ok(seal_with_nonce(secret(key)?, &nonce, aad, plaintext))
            }
            Op::Open { key, aad, sealed } => open(secret(key)?, aad, sealed),
            Op::SealTo { key, aad, plaintext } => {
                let recipient = self.public.get(key).ok_or(CryptoError::NoKey(*key))?;
                let (mut ephemeral, mut nonce) = ([0u8; 32], [0u8; NONCE_LEN]);
                random(&mut ephemeral);
                random(&mut nonce);
                seal_to_with(&ephemeral, recipient, &nonce, aad, plaintext)
            }
            Op::OpenFrom { key, aad, sealed } => {
                open_from(self.private.get(key).ok_or(CryptoError::NoKey(*key))?, aad, sealed)
            }
            Op::Derive { password, salt, iterations } => Ok(derive(password, salt, *iterations).to_vec()),
            Op::Mac { auth, data } => Ok(mac(auth, data).to_vec()),
            Op::Wrap { key, part, to, auth, aad } => {
                let bytes = self.part(*key, *part).ok_or(CryptoError::NoKey(*key))?;
                let (mut ephemeral, mut nonce) = ([0u8; 32], [0u8; NONCE_LEN]);
                random(&mut ephemeral);
                random(&mut nonce);
                wrap_with(&ephemeral, to, auth, &nonce, aad, &bytes)
            }
            Op::Sign { message } => {
                use ed25519_dalek::Signer;
                let key = self.signing.as_ref().ok_or_else(|| CryptoError::Platform("no signing key".into()))?;
                Ok(key.sign(message).to_bytes().to_vec())
            }
            Op::Verify { key, message, signature } => {
                verify(key, message, signature).then(Vec::new).ok_or(CryptoError::Damaged)
            }
            Op::Generate { .. } | Op::Install { .. } => {
                Err(CryptoError::Platform("keeping a key needs `Keys::run_mut`".into()))
            }
        }
    }

    /// Seals `plaintext` of `doc` as `device` with the keys of `epoch`, the nonce (and a drop's
    /// ephemeral key) drawn from `random` — the caller's: the core reads no random source.
    pub fn seal(
        &self,
        doc: &str,
        what: Sealable,
        epoch: u32,
        device: &str,
        plaintext: &[u8],
        random: &mut dyn FnMut(&mut [u8]),
    ) -> Result<Vec<u8>, CryptoError> {
        let sealing = sealing(doc, what, epoch, device, plaintext)?;
        let sealed = self.run(&sealing.op, random)?;
        Ok(sealing.finish(&sealed))
    }

    /// Opens sealed bytes of `doc`: its header and plaintext.
    pub fn open(&self, doc: &str, wire: &[u8]) -> Result<(Header, Vec<u8>), CryptoError> {
        let opening = opening(doc, wire)?;
        let padded = self.run(&opening.op, &mut |_| unreachable!("opening draws no random bytes"))?;
        Ok((opening.header, opened(&padded)?))
    }
}
