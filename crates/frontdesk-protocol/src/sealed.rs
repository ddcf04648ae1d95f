//! The sealed wire format: what a document chunk looks like once it is encrypted (issue 19).
//!
//! Pure layout, no cipher code: the header a device writes in front of an AES-256-GCM
//! ciphertext, the additional data (AAD) that binds the ciphertext to its document and header,
//! and the padding that hides the length of what was sealed. The relay reads headers (to refuse a
//! chunk sealed for another area or by another device) and never the ciphertext; the device core
//! builds headers and asks its platform to seal and open (`frontdesk_core::crypto`).
//!
//! ```text
//! off  size  field
//!   0    4   magic FD 5E A1 01 (never Automerge's 85 6F 4A 83: sealed and legacy bytes differ)
//!   4    1   kind: 1 chunk, 2 snapshot, 3 drop (sealed to a public key)
//!   5    1   scope: which key family (`Scope`); must be the document's area's scope
//!   6    4   epoch, u32 little-endian
//!  10  1+n   writer device id (length, then ASCII)
//!   …    8   covers_seq, u64 little-endian           (snapshots only)
//!   …   32   ephemeral X25519 public key             (drops only)
//!   …   12   nonce
//!   …    …   AES-256-GCM ciphertext and 16-byte tag, of `u32 length ‖ plaintext ‖ zero padding`
//! ```
//!
//! AAD = `"frontdesk seal v1\0" ‖ u8 length ‖ document name ‖ every header byte before the nonce`,
//! so a chunk copied to another document, or relabelled to another epoch, writer or `covers_seq`,
//! no longer opens.

use std::fmt;

use crate::area::Area;

/// The first four bytes of every sealed chunk, snapshot and drop.
pub const MAGIC: [u8; 4] = [0xFD, 0x5E, 0xA1, 0x01];
/// AES-GCM's nonce.
pub const NONCE_LEN: usize = 12;
/// AES-GCM's tag.
pub const TAG_LEN: usize = 16;
/// An X25519 public key (a drop's ephemeral key).
pub const PUBLIC_LEN: usize = 32;
/// Chunks and drops are padded to a multiple of this many bytes…
pub const CHUNK_BLOCK: usize = 256;
/// …and snapshots to a multiple of this.
pub const SNAPSHOT_BLOCK: usize = 4096;
/// The longest writer device id a header may carry.
pub const MAX_DEVICE_LEN: usize = 64;
/// The info of the HKDF that turns a drop's X25519 shared secret into its AES key.
pub const DROP_INFO: &[u8] = b"frontdesk drop v1";
const AAD_LABEL: &[u8] = b"frontdesk seal v1\0";
/// The length prefix inside the padded plaintext.
const LEN_PREFIX: usize = 4;

/// Which family of keys seals a document: a pure function of its area ([`Area::scope`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    /// What a kiosk may read (the kiosk's documents): kiosks, staff and managers hold it.
    Kiosk,
    /// Everything staff read: the business profile, days, clients, money, rota.
    Staff,
    /// What only managers read: payroll.
    Manager,
    /// Check-ins, sealed by a kiosk to a public key whose private half only staff hold.
    Inbox,
    /// Punches, sealed to a public key whose private half only managers hold.
    Clock,
}

impl Scope {
    pub const ALL: [Scope; 5] = [Scope::Kiosk, Scope::Staff, Scope::Manager, Scope::Inbox, Scope::Clock];

    const fn byte(self) -> u8 {
        match self {
            Scope::Kiosk => 1,
            Scope::Staff => 2,
            Scope::Manager => 3,
            Scope::Inbox => 4,
            Scope::Clock => 5,
        }
    }

    fn from_byte(b: u8) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.byte() == b)
    }

    /// Whether the scope's documents are drop boxes, sealed to a public key (write-only for
    /// their writers) rather than under a shared secret key.
    pub const fn is_drop(self) -> bool {
        matches!(self, Scope::Inbox | Scope::Clock)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Kiosk => "kiosk",
            Scope::Staff => "staff",
            Scope::Manager => "manager",
            Scope::Inbox => "inbox",
            Scope::Clock => "clock",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Area {
    /// The keys that seal the area's documents; `None` for [`Area::Envelopes`], which is never sealed
    /// (its values are envelopes, each sealed to its one device).
    pub const fn scope(self) -> Option<Scope> {
        Some(match self {
            Area::Envelopes => return None,
            Area::Kiosk => Scope::Kiosk,
            Area::Inbox => Scope::Inbox,
            Area::Timeclock => Scope::Clock,
            Area::Payroll | Area::Keyring => Scope::Manager,
            Area::Site
            | Area::Day
            | Area::Messages
            | Area::Stays
            | Area::Rooms
            | Area::Clients
            | Area::Catalog
            | Area::Orders
            | Area::Invoices
            | Area::Insurance
            | Area::CardPhoto
            | Area::Staffing => Scope::Staff,
        })
    }
}

/// What a sealed piece of bytes is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A document chunk (changes), under the scope's secret key.
    Chunk,
    /// A snapshot of a whole document covering the relay's chunks up to `covers_seq`.
    Snapshot { covers_seq: u64 },
    /// A chunk sealed to a public key with a fresh ephemeral key (check-ins, punches).
    Drop { ephemeral: [u8; PUBLIC_LEN] },
}

impl Kind {
    const fn byte(self) -> u8 {
        match self {
            Kind::Chunk => 1,
            Kind::Snapshot { .. } => 2,
            Kind::Drop { .. } => 3,
        }
    }

    /// The padding block of what this kind seals.
    pub const fn block(self) -> usize {
        match self {
            Kind::Snapshot { .. } => SNAPSHOT_BLOCK,
            Kind::Chunk | Kind::Drop { .. } => CHUNK_BLOCK,
        }
    }
}

/// Everything in front of the nonce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: Kind,
    pub scope: Scope,
    pub epoch: u32,
    /// The device that sealed it; the relay checks it is the one pushing it.
    pub device: String,
}

/// Why bytes are not a sealed chunk the reader can use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealedError {
    #[error("not sealed (no sealed header)")]
    NotSealed,
    #[error("the sealed header is cut short")]
    Truncated,
    #[error("unknown sealed kind {0}")]
    UnknownKind(u8),
    #[error("unknown key scope {0}")]
    UnknownScope(u8),
    #[error("the writer's device id is not valid")]
    BadDevice,
    #[error("sealed for the {found} keys, but the document is in the {expected} scope")]
    WrongScope { expected: Scope, found: Scope },
    #[error("a {scope} document cannot hold this kind of sealed bytes")]
    WrongKind { scope: Scope },
    #[error("the document name is not valid")]
    BadDocument,
    #[error("sealed by another device than the one sending it")]
    WrongWriter,
    #[error("a snapshot sent as a chunk, a chunk as a snapshot, or a snapshot of other coverage")]
    WrongPlace,
    #[error("the padding is damaged")]
    BadPadding,
    #[error("sealed under {scope} epoch {epoch}, below the floor {floor} (a device was revoked since)")]
    StaleEpoch { scope: Scope, epoch: u32, floor: u32 },
    #[error("not sealed, in the {scope} scope, which seals (a key epoch is numbered for it)")]
    Unsealed { scope: Scope },
    #[error("sealed under {scope} epoch {epoch}, which is not numbered yet (the newest is {newest})")]
    FutureEpoch { scope: Scope, epoch: u32, newest: u32 },
}

/// A valid writer id in a header: what the relay issues (12 hex digits), or a test's `d1`.
pub fn valid_device(device: &str) -> bool {
    (1..=MAX_DEVICE_LEN).contains(&device.len())
        && device.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b))
}

impl Header {
    /// The header's bytes: everything before the nonce. A drop's ends with its ephemeral key.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.encode_before_ephemeral();
        if let Kind::Drop { ephemeral } = self.kind {
            out.extend_from_slice(&ephemeral);
        }
        out
    }

    /// The header's bytes without a drop's ephemeral key, which the platform draws while
    /// sealing (and appends to the header and to the AAD).
    pub fn encode_before_ephemeral(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(10 + 1 + self.device.len() + 8);
        out.extend_from_slice(&MAGIC);
        out.push(self.kind.byte());
        out.push(self.scope.byte());
        out.extend_from_slice(&self.epoch.to_le_bytes());
        debug_assert!(valid_device(&self.device), "{:?}", self.device);
        out.push(self.device.len() as u8);
        out.extend_from_slice(self.device.as_bytes());
        if let Kind::Snapshot { covers_seq } = self.kind {
            out.extend_from_slice(&covers_seq.to_le_bytes());
        }
        out
    }

    /// The AAD of this header in document `doc`.
    pub fn aad(&self, doc: &str) -> Vec<u8> {
        let mut aad = aad_start(doc);
        aad.extend_from_slice(&self.encode());
        aad
    }

    /// The AAD without a drop's ephemeral key (the platform appends it once drawn).
    pub fn aad_before_ephemeral(&self, doc: &str) -> Vec<u8> {
        let mut aad = aad_start(doc);
        aad.extend_from_slice(&self.encode_before_ephemeral());
        aad
    }

    /// Whether this header may seal a document of `doc`'s name: the scope is the area's, and the
    /// kind fits the scope (drop boxes hold only drops, other documents no drops).
    pub fn fits(&self, doc: &str) -> Result<(), SealedError> {
        let area = Area::of(doc).filter(|_| crate::valid_doc_name(doc)).ok_or(SealedError::BadDocument)?;
        let expected = area.scope().ok_or(SealedError::BadDocument)?;
        if self.scope != expected {
            return Err(SealedError::WrongScope { expected, found: self.scope });
        }
        if self.scope.is_drop() != matches!(self.kind, Kind::Drop { .. }) {
            return Err(SealedError::WrongKind { scope: self.scope });
        }
        Ok(())
    }
}

fn aad_start(doc: &str) -> Vec<u8> {
    debug_assert!(doc.len() <= u8::MAX as usize);
    let mut aad = Vec::with_capacity(AAD_LABEL.len() + 1 + doc.len() + 48);
    aad.extend_from_slice(AAD_LABEL);
    aad.push(doc.len().min(u8::MAX as usize) as u8);
    aad.extend_from_slice(&doc.as_bytes()[..doc.len().min(u8::MAX as usize)]);
    aad
}

/// Sealed bytes, taken apart (borrowing the ciphertext).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed<'a> {
    pub header: Header,
    /// The bytes the header took (so `&bytes[..header_len]` is `header.encode()`).
    pub header_len: usize,
    pub nonce: [u8; NONCE_LEN],
    /// Ciphertext followed by the tag (at least the tag's 16 bytes).
    pub ciphertext: &'a [u8],
}

/// Whether `bytes` start like sealed bytes (rather than a legacy plain Automerge chunk).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// The scope and epoch sealed bytes name, read without taking the rest apart; `None` for bytes
/// not sealed (or cut short, or of no known scope).
pub fn scope_epoch(bytes: &[u8]) -> Option<(Scope, u32)> {
    let rest = bytes.strip_prefix(&MAGIC)?;
    let scope = Scope::from_byte(*rest.get(1)?)?;
    Some((scope, u32::from_le_bytes(rest.get(2..6)?.try_into().ok()?)))
}

/// Takes sealed bytes apart. Checks the layout only: whether it fits its document is
/// [`Header::fits`], whether it is genuine is for the cipher.
pub fn parse(bytes: &[u8]) -> Result<Sealed<'_>, SealedError> {
    if !is_sealed(bytes) {
        return Err(if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
            SealedError::Truncated
        } else {
            SealedError::NotSealed
        });
    }
    let mut r = Reader { bytes, at: MAGIC.len() };
    let kind_byte = r.byte()?;
    let scope_byte = r.byte()?;
    let scope = Scope::from_byte(scope_byte).ok_or(SealedError::UnknownScope(scope_byte))?;
    let epoch = u32::from_le_bytes(r.array()?);
    let device_len = r.byte()? as usize;
    let device = std::str::from_utf8(r.take(device_len)?).map_err(|_| SealedError::BadDevice)?;
    if !valid_device(device) {
        return Err(SealedError::BadDevice);
    }
    let kind = match kind_byte {
        1 => Kind::Chunk,
        2 => Kind::Snapshot { covers_seq: u64::from_le_bytes(r.array()?) },
        3 => Kind::Drop { ephemeral: r.array()? },
        other => return Err(SealedError::UnknownKind(other)),
    };
    let header_len = r.at;
    let nonce = r.array()?;
    let ciphertext = &bytes[r.at..];
    if ciphertext.len() < TAG_LEN {
        return Err(SealedError::Truncated);
    }
    Ok(Sealed { header: Header { kind, scope, epoch, device: device.to_owned() }, header_len, nonce, ciphertext })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SealedError> {
        let end = self.at.checked_add(n).filter(|&end| end <= self.bytes.len()).ok_or(SealedError::Truncated)?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn byte(&mut self) -> Result<u8, SealedError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], SealedError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }
}

/// What the relay checks of bytes `device` sends for `doc` — as a chunk (`snapshot: None`) or as
/// a snapshot covering `snapshot` — without reading them: sealed bytes must be sealed for the
/// document's scope, by that device, as what they are sent as, under an epoch no lower than the
/// scope's floor in `floors` (what a revoked device held must open nothing stored afterwards).
/// Bytes that are not sealed pass only in a document whose scope has no key epoch in `epochs`
/// yet (written before the business turned encryption on, or in the `envelopes` area, which has
/// no scope): once a scope seals, nothing in the clear is stored in it.
pub fn check_sent(
    doc: &str,
    device: &str,
    bytes: &[u8],
    snapshot: Option<u64>,
    epochs: &[crate::Epoch],
    floors: &[crate::Epoch],
) -> Result<(), SealedError> {
    if !is_sealed(bytes) {
        return match crate::area::Area::of(doc).and_then(crate::area::Area::scope) {
            Some(scope) if crate::Epoch::of(epochs, scope) > 0 => Err(SealedError::Unsealed { scope }),
            _ => Ok(()),
        };
    }
    let header = parse(bytes)?.header;
    header.fits(doc)?;
    if header.device != device {
        return Err(SealedError::WrongWriter);
    }
    let floor = crate::Epoch::of(floors, header.scope);
    if header.epoch < floor {
        return Err(SealedError::StaleEpoch { scope: header.scope, epoch: header.epoch, floor });
    }
    // A key for an epoch nobody numbered was not made by a manager through the relay: a device
    // sealing under it would hold every other device's cursor at a gap for a key that never comes.
    let newest = crate::Epoch::of(epochs, header.scope);
    if header.epoch > newest {
        return Err(SealedError::FutureEpoch { scope: header.scope, epoch: header.epoch, newest });
    }
    match (header.kind, snapshot) {
        (Kind::Snapshot { covers_seq }, Some(sent)) if covers_seq == sent => Ok(()),
        (Kind::Chunk | Kind::Drop { .. }, None) => Ok(()),
        _ => Err(SealedError::WrongPlace),
    }
}

/// `u32 length ‖ plaintext ‖ zeros`, to a multiple of `block` bytes.
pub fn pad(plaintext: &[u8], block: usize) -> Vec<u8> {
    assert!(block > LEN_PREFIX, "a block holds at least the length");
    let len = u32::try_from(plaintext.len()).expect("a sealed plaintext is under 4 GiB");
    let total = (LEN_PREFIX + plaintext.len()).div_ceil(block) * block;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(plaintext);
    out.resize(total, 0);
    out
}

/// The plaintext inside padding made by [`pad`]; the padding must be zeros.
pub fn unpad(padded: &[u8]) -> Result<&[u8], SealedError> {
    let len_bytes: [u8; LEN_PREFIX] =
        padded.get(..LEN_PREFIX).ok_or(SealedError::BadPadding)?.try_into().expect("four bytes");
    let len = u32::from_le_bytes(len_bytes) as usize;
    let body = &padded[LEN_PREFIX..];
    if len > body.len() || body[len..].iter().any(|&b| b != 0) {
        return Err(SealedError::BadPadding);
    }
    Ok(&body[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(kind: Kind) -> Header {
        Header { kind, scope: Scope::Staff, epoch: 7, device: "a1b2c3d4e5f6".into() }
    }

    #[test]
    fn every_area_has_the_scope_its_readers_need() {
        use crate::area::Readers;
        for area in Area::ALL {
            let Some(scope) = area.scope() else {
                assert_eq!(area, Area::Envelopes, "only envelopes are never sealed");
                continue;
            };
            // Who holds the scope's reading key must be exactly who may read the area.
            match area.readers() {
                Readers::OwnDevice => unreachable!("{area}: only the keys area is read by its device alone"),
                Readers::Everyone => assert_eq!(scope, Scope::Kiosk, "{area}"),
                Readers::Staff => assert!(matches!(scope, Scope::Staff | Scope::Inbox), "{area}"),
                Readers::Manager => assert!(matches!(scope, Scope::Manager | Scope::Clock), "{area}"),
            }
            // Drop boxes, and only they, are sealed to a public key.
            let drop_box = matches!(area.writers(), crate::area::Writers::OwnDevice | crate::area::Writers::OwnKiosk);
            assert_eq!(scope.is_drop(), drop_box, "{area}");
        }
    }

    #[test]
    fn a_header_reads_back_as_written_with_its_nonce_and_ciphertext() {
        for kind in [Kind::Chunk, Kind::Snapshot { covers_seq: u64::MAX - 3 }, Kind::Drop { ephemeral: [9; 32] }] {
            let h = header(kind);
            let mut wire = h.encode();
            wire.extend_from_slice(&[4; NONCE_LEN]);
            wire.extend_from_slice(&[5; 40]);
            let sealed = parse(&wire).unwrap();
            assert_eq!(sealed.header, h);
            assert_eq!(&wire[..sealed.header_len], &h.encode()[..]);
            assert_eq!(sealed.nonce, [4; NONCE_LEN]);
            assert_eq!(sealed.ciphertext, &[5; 40][..]);
        }
    }

    #[test]
    fn the_drop_header_is_the_header_before_its_key_then_the_key() {
        let h = header(Kind::Drop { ephemeral: [3; 32] });
        let mut joined = h.encode_before_ephemeral();
        joined.extend_from_slice(&[3; 32]);
        assert_eq!(joined, h.encode());
        let mut aad = h.aad_before_ephemeral("inbox/2026-12-05/k1");
        aad.extend_from_slice(&[3; 32]);
        assert_eq!(aad, h.aad("inbox/2026-12-05/k1"));
    }

    #[test]
    fn the_aad_differs_with_the_document_and_every_header_field() {
        let h = header(Kind::Snapshot { covers_seq: 4 });
        let base = h.aad("clients");
        assert_ne!(base, h.aad("clientz"));
        assert_ne!(header(Kind::Chunk).aad("day/2026-12-05"), header(Kind::Chunk).aad("day/2026-12-06"));
        let variants = [
            Header { epoch: 8, ..h.clone() },
            Header { device: "a1b2c3d4e5f7".into(), ..h.clone() },
            Header { kind: Kind::Snapshot { covers_seq: 5 }, ..h.clone() },
            Header { scope: Scope::Manager, ..h.clone() },
            Header { kind: Kind::Chunk, ..h.clone() },
        ];
        for v in variants {
            assert_ne!(v.aad("clients"), base, "{v:?}");
        }
        // A name that would run into the header cannot be confused with a shorter one.
        assert_ne!(header(Kind::Chunk).aad("ab"), {
            let mut a = aad_start("a");
            a.push(b'b');
            a.extend_from_slice(&header(Kind::Chunk).encode());
            a
        });
    }

    #[test]
    fn legacy_automerge_bytes_and_short_or_strange_headers_are_refused() {
        assert_eq!(parse(&[0x85, 0x6f, 0x4a, 0x83, 1, 2, 3]), Err(SealedError::NotSealed));
        assert_eq!(parse(&[]), Err(SealedError::Truncated));
        assert_eq!(parse(&MAGIC[..2]), Err(SealedError::Truncated));
        let mut wire = header(Kind::Chunk).encode();
        wire.extend_from_slice(&[0; NONCE_LEN + TAG_LEN]);
        assert!(parse(&wire).is_ok());
        for cut in 0..wire.len() {
            assert!(parse(&wire[..cut]).is_err(), "cut at {cut}");
        }
        let mut bad = wire.clone();
        bad[4] = 9;
        assert_eq!(parse(&bad), Err(SealedError::UnknownKind(9)));
        let mut bad = wire.clone();
        bad[5] = 0;
        assert_eq!(parse(&bad), Err(SealedError::UnknownScope(0)));
        let mut bad = wire.clone();
        bad[11] = b'A';
        assert_eq!(parse(&bad), Err(SealedError::BadDevice));
        let mut bad = wire.clone();
        bad[10] = 0;
        assert!(parse(&bad).is_err());
    }

    #[test]
    fn a_header_fits_only_its_areas_scope_and_kind() {
        let chunk = |scope| Header { scope, ..header(Kind::Chunk) };
        let drop = |scope| Header { scope, ..header(Kind::Drop { ephemeral: [1; 32] }) };
        assert_eq!(chunk(Scope::Staff).fits("day/2026-12-05"), Ok(()));
        assert_eq!(chunk(Scope::Kiosk).fits("kiosk"), Ok(()));
        assert_eq!(chunk(Scope::Manager).fits("payroll"), Ok(()));
        assert_eq!(drop(Scope::Inbox).fits("inbox/2026-12-05/k1"), Ok(()));
        assert_eq!(drop(Scope::Clock).fits("timeclock/2026-12-05/k1"), Ok(()));
        assert_eq!(
            chunk(Scope::Staff).fits("payroll"),
            Err(SealedError::WrongScope { expected: Scope::Manager, found: Scope::Staff })
        );
        assert_eq!(
            chunk(Scope::Inbox).fits("inbox/2026-12-05/k1"),
            Err(SealedError::WrongKind { scope: Scope::Inbox })
        );
        assert_eq!(drop(Scope::Staff).fits("clients"), Err(SealedError::WrongKind { scope: Scope::Staff }));
        assert_eq!(chunk(Scope::Staff).fits("nowhere"), Err(SealedError::BadDocument));
        assert_eq!(chunk(Scope::Staff).fits("day/../clients"), Err(SealedError::BadDocument));
    }

    #[test]
    fn the_relay_takes_sealed_bytes_only_from_their_writer_for_their_place() {
        let sealed = |kind, scope, device: &str| {
            let mut wire = Header { kind, scope, epoch: 1, device: device.into() }.encode();
            wire.extend_from_slice(&[0; NONCE_LEN + TAG_LEN]);
            wire
        };
        let chunk = sealed(Kind::Chunk, Scope::Staff, "d1");
        let e = [crate::Epoch { scope: Scope::Staff, epoch: 1 }, crate::Epoch { scope: Scope::Inbox, epoch: 1 }];
        assert_eq!(check_sent("clients", "d1", &chunk, None, &e, &[]), Ok(()));
        assert_eq!(check_sent("clients", "d2", &chunk, None, &e, &[]), Err(SealedError::WrongWriter));
        assert_eq!(check_sent("clients", "d1", &chunk, Some(3), &e, &[]), Err(SealedError::WrongPlace));
        assert!(matches!(check_sent("payroll", "d1", &chunk, None, &e, &[]), Err(SealedError::WrongScope { .. })));
        // Envelopes are plain Automerge; sealed bytes there are nobody's.
        assert_eq!(check_sent("envelopes/d2", "d1", &chunk, None, &e, &[]), Err(SealedError::BadDocument));
        let snapshot = sealed(Kind::Snapshot { covers_seq: 3 }, Scope::Staff, "d1");
        assert_eq!(check_sent("clients", "d1", &snapshot, Some(3), &e, &[]), Ok(()));
        assert_eq!(check_sent("clients", "d1", &snapshot, Some(4), &e, &[]), Err(SealedError::WrongPlace));
        assert_eq!(check_sent("clients", "d1", &snapshot, None, &e, &[]), Err(SealedError::WrongPlace));
        let drop = sealed(Kind::Drop { ephemeral: [5; 32] }, Scope::Inbox, "k1");
        assert_eq!(check_sent("inbox/2026-12-05/k1", "k1", &drop, None, &e, &[]), Ok(()));
        assert_eq!(check_sent("inbox/2026-12-05/k1", "k2", &drop, None, &e, &[]), Err(SealedError::WrongWriter));
        // Not sealed: passes (what was written before encryption); cut short: refused.
        assert_eq!(check_sent("clients", "d2", b"\x85\x6f\x4a\x83 plain", None, &[], &[]), Ok(()));
        assert_eq!(check_sent("clients", "d1", &chunk[..12], None, &e, &[]), Err(SealedError::Truncated));
        // An epoch nobody numbered: refused, in a scope with epochs and in one without.
        let ahead = Err(SealedError::FutureEpoch { scope: Scope::Staff, epoch: 1, newest: 0 });
        assert_eq!(check_sent("clients", "d1", &chunk, None, &[], &[]), ahead);
        let mut next = Header { kind: Kind::Chunk, scope: Scope::Staff, epoch: 2, device: "d1".into() }.encode();
        next.extend_from_slice(&[0; NONCE_LEN + TAG_LEN]);
        let ahead = Err(SealedError::FutureEpoch { scope: Scope::Staff, epoch: 2, newest: 1 });
        assert_eq!(check_sent("clients", "d1", &next, None, &e, &[]), ahead);
    }

    #[test]
    fn the_scope_and_epoch_read_alone_are_the_headers() {
        for kind in [Kind::Chunk, Kind::Snapshot { covers_seq: 7 }, Kind::Drop { ephemeral: [3; 32] }] {
            let header = Header { kind, scope: Scope::Clock, epoch: 0x0102_0304, device: "d1".into() };
            let mut wire = header.encode();
            wire.extend_from_slice(&[0; NONCE_LEN + TAG_LEN]);
            assert_eq!(scope_epoch(&wire), Some((Scope::Clock, 0x0102_0304)));
            assert_eq!(scope_epoch(&wire[..MAGIC.len() + 5]), None, "cut short");
        }
        assert_eq!(scope_epoch(b"\x85\x6f\x4a\x83 plain"), None);
    }

    #[test]
    fn below_its_scopes_floor_nothing_is_taken_and_other_scopes_are_untouched() {
        let sealed = |kind, scope, epoch| {
            let mut wire = Header { kind, scope, epoch, device: "d1".into() }.encode();
            wire.extend_from_slice(&[0; NONCE_LEN + TAG_LEN]);
            wire
        };
        let floors = [crate::Epoch { scope: Scope::Staff, epoch: 3 }];
        let e = [crate::Epoch { scope: Scope::Staff, epoch: 4 }, crate::Epoch { scope: Scope::Manager, epoch: 1 }];
        let stale = Err(SealedError::StaleEpoch { scope: Scope::Staff, epoch: 2, floor: 3 });
        assert_eq!(check_sent("clients", "d1", &sealed(Kind::Chunk, Scope::Staff, 2), None, &e, &floors), stale);
        let snapshot = sealed(Kind::Snapshot { covers_seq: 9 }, Scope::Staff, 2);
        assert_eq!(check_sent("clients", "d1", &snapshot, Some(9), &e, &floors), stale);
        assert_eq!(check_sent("clients", "d1", &sealed(Kind::Chunk, Scope::Staff, 3), None, &e, &floors), Ok(()));
        assert_eq!(check_sent("clients", "d1", &sealed(Kind::Chunk, Scope::Staff, 4), None, &e, &floors), Ok(()));
        // A scope without a floor takes any epoch; bytes not sealed pass as before (slice 8).
        assert_eq!(check_sent("payroll", "d1", &sealed(Kind::Chunk, Scope::Manager, 1), None, &e, &floors), Ok(()));
        assert_eq!(check_sent("clients", "d1", b"\x85\x6f\x4a\x83 plain", None, &[], &floors), Ok(()));
    }

    #[test]
    fn once_a_scope_seals_nothing_in_the_clear_is_taken_in_it() {
        let plain = b"\x85\x6f\x4a\x83 plain";
        let epochs = [crate::Epoch { scope: Scope::Staff, epoch: 1 }, crate::Epoch { scope: Scope::Inbox, epoch: 2 }];
        let unsealed = |scope| Err(SealedError::Unsealed { scope });
        assert_eq!(check_sent("clients", "d1", plain, None, &epochs, &[]), unsealed(Scope::Staff));
        assert_eq!(check_sent("clients", "d1", plain, Some(4), &epochs, &[]), unsealed(Scope::Staff), "a snapshot");
        assert_eq!(check_sent("inbox/2026-12-06/k1", "k1", plain, None, &epochs, &[]), unsealed(Scope::Inbox));
        // A scope not numbered yet, and the envelopes (no scope), still take plain Automerge.
        assert_eq!(check_sent("payroll/2026-12", "d1", plain, None, &epochs, &[]), Ok(()));
        assert_eq!(check_sent("envelopes/d2", "m1", plain, None, &epochs, &[]), Ok(()));
    }

    #[test]
    fn padding_hides_the_length_and_comes_off_exactly() {
        for len in [0, 1, 251, 252, 253, 1000, 5000] {
            let pt: Vec<u8> = (0..len).map(|i| (i % 251) as u8 + 1).collect();
            for block in [CHUNK_BLOCK, SNAPSHOT_BLOCK] {
                let padded = pad(&pt, block);
                assert_eq!(padded.len() % block, 0);
                assert!(padded.len() >= pt.len() + 4 && padded.len() < pt.len() + 4 + block);
                assert_eq!(unpad(&padded), Ok(&pt[..]));
            }
        }
        assert_eq!(pad(b"", CHUNK_BLOCK).len(), CHUNK_BLOCK);
        let mut padded = pad(b"hello", CHUNK_BLOCK);
        *padded.last_mut().unwrap() = 1;
        assert_eq!(unpad(&padded), Err(SealedError::BadPadding));
        let mut padded = pad(b"hello", CHUNK_BLOCK);
        padded[0] = 255;
        assert_eq!(unpad(&padded), Err(SealedError::BadPadding));
        assert_eq!(unpad(&[1, 0]), Err(SealedError::BadPadding));
    }
}
