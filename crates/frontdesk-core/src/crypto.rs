//! Encryption as the core sees it (issue 19, `docs/design/encryption.md`): which key seals what,
//! the header and additional data of every sealed piece, and the operations a platform runs —
//! never the cipher itself, and never key material.
//!
//! The core names keys by [`KeyRef`] (a scope and an epoch); the platform holds them: the browser
//! as non-extractable WebCrypto keys (`src/webcrypto.rs`), native code (the simulation, benches,
//! fuzzing, the canary) in a [`native::Keys`] table on RustCrypto and dalek. To seal, the core asks
//! [`sealing`] for the bytes that go in front and an [`Op`], the platform runs the op, and
//! [`Sealing::finish`] joins the two; to open, [`opening`] checks the header against the document
//! and makes the op, and [`opened`] takes the padding off what the platform returns.
//!
//! | op | the platform does | returns |
//! |---|---|---|
//! | `Seal` | AES-256-GCM under the scope's secret key, a random 96-bit nonce | `nonce ‖ ciphertext ‖ tag` |
//! | `Open` | the reverse | the padded plaintext |
//! | `SealTo` | a fresh X25519 key pair `e`; `k = HKDF-SHA256(X25519(e, P), salt = e.pub ‖ P, info = "frontdesk drop v1")`; AES-256-GCM under `k` with AAD `aad ‖ e.pub`; forgets `e` | `e.pub ‖ nonce ‖ ciphertext ‖ tag` |
//! | `OpenFrom` | the same `k` from the scope's private key and `e.pub` | the padded plaintext |
//! | `Derive` | PBKDF2-HMAC-SHA256 | 32 bytes |
//! | `Mac` | HMAC-SHA256 under `auth` | 32 bytes |
//! | `Generate` | a fresh key for `key` (AES-256, or an X25519 pair for a drop scope), kept | the public half of a pair; nothing for AES |
//! | `Wrap` | an envelope of `part` of `key` to a device (`keys::ENVELOPE_INFO`): a fresh X25519 `e`; `k = HKDF-SHA256(X25519(e, A) ‖ auth, salt = e.pub ‖ A, info)`; AES-256-GCM of the 32 key bytes under `k`, AAD `aad ‖ e.pub` | `e.pub ‖ nonce ‖ ciphertext ‖ tag` |
//! | `Install` | opens an envelope sealed to this device (its own agreement key and auth secret) and keeps the key | nothing |
//! | `Sign` | Ed25519 under the device's own key (its Hello proofs, chunks and snapshots) | the 64-byte signature |
//! | `Verify` | Ed25519 verification of `signature` by `key` | nothing, or `Damaged` |

use frontdesk_protocol::area::Area;
use frontdesk_protocol::sealed::{self, Header, Kind, PUBLIC_LEN, Scope, SealedError};

#[cfg(not(target_arch = "wasm32"))]
pub mod native;

/// One key a device may hold: the scope's key of one epoch. For drop scopes (`Inbox`, `Clock`)
/// it names an X25519 key pair; for the others an AES-256 key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyRef {
    pub scope: Scope,
    pub epoch: u32,
}

/// What of a key an envelope carries: a scope's secret key, a drop scope's private key (and so
/// its public half), or only a drop scope's public key (a kiosk seals check-ins to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    Secret,
    Private,
    Public,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Secret, Part::Private, Part::Public];

    pub const fn as_str(self) -> &'static str {
        match self {
            Part::Secret => "secret",
            Part::Private => "private",
            Part::Public => "public",
        }
    }
}

impl std::fmt::Display for KeyRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} key of epoch {}", self.scope, self.epoch)
    }
}

/// What the core asks its platform to compute (see the table above).
#[derive(Clone, PartialEq, Eq)]
pub enum Op {
    Seal {
        key: KeyRef,
        aad: Vec<u8>,
        plaintext: Vec<u8>,
    },
    Open {
        key: KeyRef,
        aad: Vec<u8>,
        sealed: Vec<u8>,
    },
    /// `aad` is everything before the ephemeral key; the platform appends the key it draws.
    SealTo {
        key: KeyRef,
        aad: Vec<u8>,
        plaintext: Vec<u8>,
    },
    OpenFrom {
        key: KeyRef,
        aad: Vec<u8>,
        sealed: Vec<u8>,
    },
    Derive {
        password: Vec<u8>,
        salt: Vec<u8>,
        iterations: u32,
    },
    Mac {
        auth: Vec<u8>,
        data: Vec<u8>,
    },
    Generate {
        key: KeyRef,
    },
    /// `to` is the device's agreement key; `auth` the secret only it and managers hold.
    Wrap {
        key: KeyRef,
        part: Part,
        to: [u8; PUBLIC_LEN],
        auth: Vec<u8>,
        aad: Vec<u8>,
    },
    Install {
        key: KeyRef,
        part: Part,
        envelope: Vec<u8>,
        aad: Vec<u8>,
    },
    /// `message` is a chunk's or snapshot's proof (`frontdesk_protocol::chunk_proof`).
    Sign {
        message: Vec<u8>,
    },
    Verify {
        key: [u8; 32],
        message: Vec<u8>,
        signature: Vec<u8>,
    },
}

impl Op {
    /// The key the op needs, if any.
    pub fn key(&self) -> Option<KeyRef> {
        match self {
            Op::Seal { key, .. } | Op::Open { key, .. } | Op::SealTo { key, .. } | Op::OpenFrom { key, .. } => {
                Some(*key)
            }
            Op::Generate { key } | Op::Wrap { key, .. } | Op::Install { key, .. } => Some(*key),
            Op::Derive { .. } | Op::Mac { .. } | Op::Sign { .. } | Op::Verify { .. } => None,
        }
    }
}

// Plaintexts and passwords stay out of logs and panic messages.
impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Op::Seal { key, plaintext, .. } => write!(f, "Seal({key}, {} bytes)", plaintext.len()),
            Op::Open { key, sealed, .. } => write!(f, "Open({key}, {} bytes)", sealed.len()),
            Op::SealTo { key, plaintext, .. } => write!(f, "SealTo({key}, {} bytes)", plaintext.len()),
            Op::OpenFrom { key, sealed, .. } => write!(f, "OpenFrom({key}, {} bytes)", sealed.len()),
            Op::Derive { iterations, .. } => write!(f, "Derive({iterations} iterations)"),
            Op::Mac { data, .. } => write!(f, "Mac({} bytes)", data.len()),
            Op::Generate { key } => write!(f, "Generate({key})"),
            Op::Wrap { key, part, .. } => write!(f, "Wrap({key}, {})", part.as_str()),
            Op::Install { key, part, .. } => write!(f, "Install({key}, {})", part.as_str()),
            Op::Sign { message } => write!(f, "Sign({} bytes)", message.len()),
            Op::Verify { message, .. } => write!(f, "Verify({} bytes)", message.len()),
        }
    }
}

/// Why something could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("this device holds no {0}")]
    NoKey(KeyRef),
    /// A wrong key, a flipped bit, a chunk moved to another document or relabelled: AES-GCM
    /// cannot tell these apart, and neither can the reader.
    #[error("the sealed bytes do not open: damaged, moved or not sealed with this key")]
    Damaged,
    /// A drop sealed to a public key with a degenerate (low-order) ephemeral key.
    #[error("the drop's ephemeral key is not a usable X25519 key")]
    BadEphemeral,
    /// Bytes from the relay without a signature, or with one their signer's key does not make.
    #[error("not signed by the device the relay names")]
    BadSignature,
    #[error(transparent)]
    Sealed(#[from] SealedError),
    #[error("the platform's cryptography failed: {0}")]
    Platform(String),
}

/// What a piece of plaintext becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sealable {
    Chunk,
    Snapshot {
        covers_seq: u64,
    },
    /// A check-in or a punch, sealed to a public key.
    Drop,
}

/// Half of a sealed piece: the header in front, and the op whose result follows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealing {
    pub prefix: Vec<u8>,
    pub op: Op,
}

impl Sealing {
    /// The sealed bytes: the prefix, then what the platform returned for the op.
    pub fn finish(self, sealed: &[u8]) -> Vec<u8> {
        let mut wire = self.prefix;
        wire.extend_from_slice(sealed);
        wire
    }
}

/// How `plaintext` of document `doc` is sealed by `device` with the keys of `epoch`: the scope
/// is the document's area's, the plaintext is padded, and the AAD binds document and header.
pub fn sealing(doc: &str, what: Sealable, epoch: u32, device: &str, plaintext: &[u8]) -> Result<Sealing, SealedError> {
    let scope = Area::of(doc).and_then(Area::scope).ok_or(SealedError::BadDocument)?;
    if !sealed::valid_device(device) {
        return Err(SealedError::BadDevice);
    }
    let kind = match what {
        Sealable::Chunk => Kind::Chunk,
        Sealable::Snapshot { covers_seq } => Kind::Snapshot { covers_seq },
        // The ephemeral key is the platform's to draw; nothing reads this placeholder.
        Sealable::Drop => Kind::Drop { ephemeral: [0; PUBLIC_LEN] },
    };
    let header = Header { kind, scope, epoch, device: device.to_owned() };
    header.fits(doc)?;
    let key = KeyRef { scope, epoch };
    let plaintext = sealed::pad(plaintext, kind.block());
    let (prefix, op) = match what {
        Sealable::Drop => {
            (header.encode_before_ephemeral(), Op::SealTo { key, aad: header.aad_before_ephemeral(doc), plaintext })
        }
        _ => (header.encode(), Op::Seal { key, aad: header.aad(doc), plaintext }),
    };
    Ok(Sealing { prefix, op })
}

/// Sealed bytes of `doc`, checked against it and ready to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    pub header: Header,
    pub op: Op,
}

/// Reads the header of `wire` (sealed bytes of document `doc`) and makes the op that opens it.
/// Refuses a header made for another area's keys, or a kind its document cannot hold.
pub fn opening(doc: &str, wire: &[u8]) -> Result<Opening, SealedError> {
    let parsed = sealed::parse(wire)?;
    parsed.header.fits(doc)?;
    let key = KeyRef { scope: parsed.header.scope, epoch: parsed.header.epoch };
    let op = match parsed.header.kind {
        Kind::Drop { .. } => Op::OpenFrom {
            key,
            aad: parsed.header.aad_before_ephemeral(doc),
            // The ephemeral key, the nonce and the ciphertext, as `SealTo` returned them.
            sealed: wire[parsed.header_len - PUBLIC_LEN..].to_vec(),
        },
        _ => Op::Open { key, aad: parsed.header.aad(doc), sealed: wire[parsed.header_len..].to_vec() },
    };
    Ok(Opening { header: parsed.header, op })
}

/// The plaintext in what the platform returned for an `Open`/`OpenFrom`.
pub fn opened(padded: &[u8]) -> Result<Vec<u8>, CryptoError> {
    Ok(sealed::unpad(padded)?.to_vec())
}
