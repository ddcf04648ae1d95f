//! What a device can tell of chunk bytes before it trusts them: the heads a chunk declares to
//! the relay, and whether it would inflate past a limit (a decompression bomb) before Automerge
//! is given it.
//!
//! Bytes are a run of Automerge storage chunks: a 4-byte magic, a 4-byte checksum, a type byte,
//! a LEB128 length and that many bytes. A change chunk (type 1) is stored as is; a compressed
//! change (type 2) is raw DEFLATE of one; a document (type 0) lists its columns, each of which
//! may be DEFLATE-compressed. Only sizes are read here; Automerge parses the rest.

use std::collections::BTreeSet;
use std::io::Read;

use automerge::Change;
use frontdesk_protocol::Head;

/// The magic bytes every Automerge chunk starts with.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// The most bytes one apply may inflate to: past this a chunk or snapshot is refused unread. A
/// document is at most 64 MiB on the relay, and a day of a busy clinic is well under 1 MiB.
pub const MAX_INFLATED: u64 = 128 * 1024 * 1024;

/// Why bytes were refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChunkError {
    #[error("not an Automerge chunk")]
    Malformed,
    #[error("inflates past {limit} bytes")]
    TooBig { limit: u64 },
    #[error("a kind of chunk no device writes ({0})")]
    UnknownKind(u8),
}

/// One storage chunk: its type and its data.
struct Piece<'a> {
    kind: u8,
    data: &'a [u8],
    /// The whole chunk, header included.
    whole: &'a [u8],
}

fn leb128(input: &mut &[u8]) -> Result<u64, ChunkError> {
    let mut value: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = input.split_first().ok_or(ChunkError::Malformed)?;
        *input = rest;
        value |= u64::from(byte & 0x7f).checked_shl(shift).ok_or(ChunkError::Malformed)?;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(ChunkError::Malformed)
}

fn take<'a>(input: &mut &'a [u8], n: u64) -> Result<&'a [u8], ChunkError> {
    let n = usize::try_from(n).map_err(|_| ChunkError::Malformed)?;
    if n > input.len() {
        return Err(ChunkError::Malformed);
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

/// The storage chunks in `bytes`, in order.
fn pieces(bytes: &[u8]) -> Result<Vec<Piece<'_>>, ChunkError> {
    let mut input = bytes;
    let mut out = Vec::new();
    while !input.is_empty() {
        let start = input;
        if take(&mut input, 4)? != MAGIC {
            return Err(ChunkError::Malformed);
        }
        take(&mut input, 4)?; // checksum, checked by Automerge
        let kind = take(&mut input, 1)?[0];
        let len = leb128(&mut input)?;
        let data = take(&mut input, len)?;
        let whole = &start[..start.len() - input.len()];
        out.push(Piece { kind, data, whole });
    }
    Ok(out)
}

/// Inflates raw DEFLATE data without keeping it; `Err` once it passes `budget`.
fn inflated_len(data: &[u8], budget: u64) -> Result<u64, ChunkError> {
    // The same decoder type Automerge inflates with, so the wasm carries its code once.
    let mut decoder = flate2::bufread::DeflateDecoder::new(data);
    let mut buf = [0u8; 16 * 1024];
    let mut n: u64 = 0;
    loop {
        match decoder.read(&mut buf) {
            Ok(0) => return Ok(n),
            Ok(read) => n = n.saturating_add(read as u64),
            Err(_) => return Err(ChunkError::Malformed),
        }
        if n > budget {
            return Err(ChunkError::TooBig { limit: budget });
        }
    }
}

/// The columns a document lists: (spec, length) pairs.
fn columns(input: &mut &[u8]) -> Result<Vec<(u64, u64)>, ChunkError> {
    let count = leb128(input)?;
    if count > 1024 {
        return Err(ChunkError::Malformed);
    }
    (0..count).map(|_| Ok((leb128(input)?, leb128(input)?))).collect()
}

/// How large a document chunk's data is once its compressed columns are inflated.
fn document_len(data: &[u8], budget: u64) -> Result<u64, ChunkError> {
    let mut input = data;
    let actors = leb128(&mut input)?;
    for _ in 0..actors {
        let len = leb128(&mut input)?;
        take(&mut input, len)?;
    }
    let heads = leb128(&mut input)?;
    take(&mut input, heads.checked_mul(32).ok_or(ChunkError::Malformed)?)?;
    let mut cols = columns(&mut input)?;
    cols.extend(columns(&mut input)?);
    let mut total = data.len() as u64;
    for (spec, len) in cols {
        let column = take(&mut input, len)?;
        if spec & 0b1000 != 0 {
            total = total.saturating_add(inflated_len(column, budget.saturating_sub(total))?);
        }
        if total > budget {
            return Err(ChunkError::TooBig { limit: budget });
        }
    }
    Ok(total)
}

/// Checks that `bytes` are Automerge chunks that inflate to at most `limit` bytes in all, without
/// holding what they inflate to. Run before Automerge is given bytes from another device.
pub fn check_inflation(bytes: &[u8], limit: u64) -> Result<(), ChunkError> {
    let mut total: u64 = 0;
    for piece in pieces(bytes)? {
        let budget = limit.saturating_sub(total);
        let len = match piece.kind {
            0 => document_len(piece.data, budget)?,
            1 => piece.data.len() as u64,
            2 => inflated_len(piece.data, budget)?,
            other => return Err(ChunkError::UnknownKind(other)),
        };
        total = total.saturating_add(len);
        if total > limit {
            return Err(ChunkError::TooBig { limit });
        }
    }
    Ok(())
}

/// What [`walk`] calls with each change (or, `None`, each document's data).
type Each<'a> = dyn FnMut(Option<&Change>, &[u8]) -> Result<(), ChunkError> + 'a;

/// Walks the storage chunks of `bytes` (checked against a decompression bomb first): each change
/// (kinds 1 and 2) as Automerge parses it, and — if `documents` — each whole document's data
/// (kind 0); any other kind is refused. One walk for [`heads`] and [`actors`], so the wasm
/// carries it once.
fn walk(bytes: &[u8], documents: bool, each: &mut Each<'_>) -> Result<(), ChunkError> {
    check_inflation(bytes, MAX_INFLATED)?;
    for piece in pieces(bytes)? {
        match piece.kind {
            0 if documents => each(None, piece.data)?,
            1 | 2 => {
                let change = Change::try_from(piece.whole).map_err(|_| ChunkError::Malformed)?;
                each(Some(&change), piece.data)?;
            }
            other => return Err(ChunkError::UnknownKind(other)),
        }
    }
    Ok(())
}

/// The actors of `bytes` (Automerge chunks from another device): each change's author, and
/// every actor a document lists (a whole document sent as one chunk — a check-in, a punch, a
/// hand-over of keys — is written by one actor). Read without applying anything.
pub fn actors(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ChunkError> {
    let mut out = Vec::new();
    walk(bytes, true, &mut |change, data| {
        match change {
            Some(change) => out.push(change.actor_id().to_bytes().to_vec()),
            None => {
                let mut input = data;
                for _ in 0..leb128(&mut input)? {
                    let len = leb128(&mut input)?;
                    out.push(take(&mut input, len)?.to_vec());
                }
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// The changes of a chunk, in order (a whole document in it is not read: it is no one's change).
pub fn changes(bytes: &[u8]) -> Result<Vec<Change>, ChunkError> {
    let mut out = Vec::new();
    walk(bytes, false, &mut |change, _| {
        out.extend(change.cloned());
        Ok(())
    })?;
    Ok(out)
}

/// The heads of a chunk of changes: the hashes of its changes that no other change in it
/// depends on. A document holding these holds every change of the chunk (a change is only ever
/// held with everything it depends on).
pub fn heads(bytes: &[u8]) -> Result<Vec<Head>, ChunkError> {
    let mut hashes = Vec::new();
    let mut deps = BTreeSet::new();
    walk(bytes, false, &mut |change, _| {
        if let Some(change) = change {
            deps.extend(change.deps().iter().map(|d| d.0));
            hashes.push(change.hash().0);
        }
        Ok(())
    })?;
    Ok(hashes.into_iter().filter(|h| !deps.contains(h)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::{AutoCommit, ROOT, transaction::Transactable};

    #[test]
    fn a_chunk_declares_the_head_of_its_changes() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "a", 1).unwrap();
        doc.commit();
        let before = doc.get_heads();
        doc.put(ROOT, "b", 2).unwrap();
        doc.commit();
        doc.put(ROOT, "c", "x".repeat(2_000)).unwrap(); // large enough to be compressed
        doc.commit();
        let chunk = doc.save_after(&before);
        let declared = heads(&chunk).unwrap();
        assert_eq!(declared, doc.get_heads().iter().map(|h| h.0).collect::<Vec<_>>());
        assert!(heads(b"not automerge").is_err());
        assert!(heads(&doc.save()).is_err(), "a document is not a chunk of changes");
    }

    #[test]
    fn the_actors_of_changes_and_of_a_whole_document_are_read_without_applying_them() {
        let mut doc = AutoCommit::new().with_actor(automerge::ActorId::from(&[1u8; 16][..]));
        doc.put(ROOT, "a", 1).unwrap();
        doc.commit();
        let first = doc.get_heads();
        let mut other = doc.fork().with_actor(automerge::ActorId::from(&[2u8; 16][..]));
        other.put(ROOT, "b", "x".repeat(2_000)).unwrap(); // compressed
        other.commit();
        doc.merge(&mut other).unwrap();
        assert_eq!(actors(&doc.save_after(&first)).unwrap(), vec![vec![2u8; 16]]);
        let mut changes = actors(&doc.save_after(&[])).unwrap();
        changes.sort();
        assert_eq!(changes, vec![vec![1u8; 16], vec![2u8; 16]]);
        let mut listed = actors(&doc.save()).unwrap();
        listed.sort();
        assert_eq!(listed, vec![vec![1u8; 16], vec![2u8; 16]], "a document lists both");
        assert!(actors(b"not automerge").is_err());
    }

    #[test]
    fn honest_chunks_and_documents_pass_the_inflation_check() {
        let mut doc = AutoCommit::new();
        for n in 0..200 {
            doc.put(ROOT, format!("k{n}"), "some text that compresses ".repeat(20)).unwrap();
            doc.commit();
        }
        check_inflation(&doc.save(), MAX_INFLATED).unwrap();
        check_inflation(&doc.save_after(&[]), MAX_INFLATED).unwrap();
        assert_eq!(check_inflation(&doc.save(), 1_000), Err(ChunkError::TooBig { limit: 1_000 }));
        assert_eq!(check_inflation(&[0x85, 0x6f, 0x4a], MAX_INFLATED), Err(ChunkError::Malformed));
    }

    /// A compressed change chunk of `inflated` zero bytes: a few kilobytes on the wire.
    fn bomb(inflated: usize) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..inflated / zeros.len() {
            encoder.write_all(&zeros).unwrap();
        }
        let data = encoder.finish().unwrap();
        let mut chunk = MAGIC.to_vec();
        chunk.extend([0; 4]);
        chunk.push(2);
        let mut len = data.len() as u64;
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            chunk.push(if len == 0 { byte } else { byte | 0x80 });
            if len == 0 {
                break;
            }
        }
        chunk.extend(data);
        chunk
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_automerge_sees_it() {
        let bomb = bomb(256 << 20);
        assert!(bomb.len() < 512 * 1024, "a bomb of {} bytes", bomb.len());
        assert_eq!(check_inflation(&bomb, MAX_INFLATED), Err(ChunkError::TooBig { limit: MAX_INFLATED }));
        assert!(heads(&bomb).is_err());
    }
}
