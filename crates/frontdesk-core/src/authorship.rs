//! Who wrote a change, in a form no other device can forge (issue 20).
//!
//! A device signs every chunk and snapshot it sends with its Ed25519 key (the one it proves at
//! Hello; `frontdesk_protocol::chunk_proof`). Its Automerge actors are bound to that key: each
//! starts with the key's [`tag`], then random bytes of its own (an actor is still unique per
//! run, or per standalone change). A device applies a chunk from the relay only if the signature
//! is the signer's and every actor in it carries the signer's tag, so a change under another
//! device's actor is refused everywhere, whoever sends it and whatever the relay says.

use frontdesk_protocol::Author;
use sha2::{Digest, Sha256};

/// Bytes of the key's hash every actor of the device starts with.
pub const TAG_LEN: usize = 8;

/// The tag of an Ed25519 public key: what its device's actors start with. 64 bits of SHA-256:
/// making a key whose tag is another's takes about 2^64 tries.
pub fn tag(key: &[u8]) -> [u8; TAG_LEN] {
    let digest = Sha256::new().chain_update(b"frontdesk actor v6\0").chain_update(key).finalize();
    let mut tag = [0; TAG_LEN];
    tag.copy_from_slice(&digest[..TAG_LEN]);
    tag
}

/// An actor of the device whose key has `tag`: the tag, then 8 of `random`'s bytes.
pub fn actor(tag: [u8; TAG_LEN], random: [u8; 16]) -> [u8; 16] {
    let mut actor = random;
    actor[..TAG_LEN].copy_from_slice(&tag);
    actor
}

/// Why a chunk is not taken as its signer's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthorshipError {
    #[error("not signed")]
    Unsigned,
    #[error("a change under another device's name")]
    ForeignActor,
    #[error("no Automerge chunk")]
    Unreadable,
}

/// The signer's key of `author`, if it has the shape of one (32 bytes, and a 64-byte signature).
pub fn signer(author: &Author) -> Result<[u8; 32], AuthorshipError> {
    match <[u8; 32]>::try_from(author.key.as_slice()) {
        Ok(key) if author.signature.len() == 64 => Ok(key),
        _ => Err(AuthorshipError::Unsigned),
    }
}

/// Checks that every change in `bytes` (opened, as Automerge reads them) is under an actor of
/// the device whose key is `key`.
pub fn check_actors(bytes: &[u8], key: &[u8; 32]) -> Result<(), AuthorshipError> {
    let tag = tag(key);
    let actors = crate::chunk::actors(bytes).map_err(|_| AuthorshipError::Unreadable)?;
    if actors.iter().all(|actor| actor.starts_with(&tag)) { Ok(()) } else { Err(AuthorshipError::ForeignActor) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::{ActorId, AutoCommit, ROOT, transaction::Transactable};

    fn change_by(actor: [u8; 16]) -> Vec<u8> {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(&actor[..]));
        doc.put(ROOT, "k", "v").unwrap();
        doc.commit();
        doc.save_after(&[])
    }

    #[test]
    fn a_change_is_its_signers_only_under_an_actor_bound_to_its_key() {
        let (mine, theirs) = ([1u8; 32], [2u8; 32]);
        assert_ne!(tag(&mine), tag(&theirs));
        let own = change_by(actor(tag(&mine), [9; 16]));
        assert_eq!(check_actors(&own, &mine), Ok(()));
        assert_eq!(check_actors(&own, &theirs), Err(AuthorshipError::ForeignActor));
        // An actor that merely starts like the key's bytes, not its tag, is nobody's.
        let mut lookalike = [0u8; 16];
        lookalike[..8].copy_from_slice(&mine[..8]);
        assert_eq!(check_actors(&change_by(lookalike), &mine), Err(AuthorshipError::ForeignActor));
        assert_eq!(check_actors(b"garbage", &mine), Err(AuthorshipError::Unreadable));
        // The random half is kept: two runs of one device have two actors.
        assert_ne!(actor(tag(&mine), [1; 16]), actor(tag(&mine), [2; 16]));
        assert_eq!(&actor(tag(&mine), [1; 16])[TAG_LEN..], &[1; 8]);
    }

    #[test]
    fn an_author_without_a_key_or_signature_of_the_right_size_is_unsigned() {
        assert_eq!(signer(&Author::default()), Err(AuthorshipError::Unsigned));
        assert_eq!(signer(&Author { key: vec![1; 32], signature: vec![2; 63] }), Err(AuthorshipError::Unsigned));
        assert_eq!(signer(&Author { key: vec![1; 32], signature: vec![2; 64] }), Ok([1; 32]));
    }
}
