//! The quick form of `cargo xtask fuzz`, in every run of the test command: each fuzz target's
//! body (`fuzz/inputs.rs`, the same code libFuzzer drives) on valid seeds and on thousands of
//! mutations of them (bytes flipped, inserted, removed, duplicated, lengths cut), from a fixed
//! seed so a failure reproduces. No nightly toolchain needed; the long form finds new inputs.

#![cfg(not(target_arch = "wasm32"))]

#[path = "../../../fuzz/inputs.rs"]
mod inputs;

use frontdesk_core::check_in::{CheckIn, VisitReason};
use frontdesk_core::crypto::Sealable;
use frontdesk_core::ids::{EventId, VisitId};
use frontdesk_core::replica::Replica;
use frontdesk_core::visit_status::{StatusEvent, VisitStatus};
use frontdesk_protocol::{ChunkId, ClientMsg, ErrorCode, Role, ServerMsg};

/// Mutations of each seed, per target.
const MUTATIONS: usize = 20_000;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        let last = at.min(bytes.len().saturating_sub(1));
        match rng.below(7) {
            0 if !bytes.is_empty() => bytes[last] ^= 1 << rng.below(8),
            1 if !bytes.is_empty() => bytes[last] = rng.next() as u8,
            2 => bytes.insert(at, rng.next() as u8),
            3 if at < bytes.len() => {
                bytes.remove(at);
            }
            4 => bytes.truncate(at),
            5 if !bytes.is_empty() => {
                // An "interesting" value where a length or a count may sit.
                bytes[last] = [0x00, 0x7f, 0x80, 0xff][rng.below(4)];
            }
            _ => {
                let from = rng.below(bytes.len() + 1);
                let len = rng.below(16).min(bytes.len() - from);
                let piece = bytes[from..from + len].to_vec();
                bytes.splice(at..at, piece);
            }
        }
    }
    bytes
}

/// Runs `body` on each seed and its mutations; returns how many different inputs it was given
/// (each test asserts most mutations differ, so a mutator that stopped mutating fails).
fn run(seeds: &[Vec<u8>], body: fn(&[u8])) -> usize {
    let mut rng = Rng(0x5eed_f00d_cafe_d00d);
    let mut tried = std::collections::HashSet::new();
    for seed in seeds {
        body(seed);
        tried.insert(seed.clone());
        for _ in 0..MUTATIONS / seeds.len().max(1) {
            let input = mutate(seed, &mut rng);
            body(&input);
            tried.insert(input);
        }
    }
    tried.len()
}

fn check_in_chunk() -> Vec<u8> {
    let check_in =
        CheckIn::new(VisitId::from_random([3; 16]), "Ana Ruiz", VisitReason::WalkIn, "", "A-001".into(), 1_000, "k1")
            .unwrap();
    check_in.to_inbox_chunk([0; 8])
}

fn status_chunk() -> Vec<u8> {
    let mut replica = Replica::new([4; 16]);
    let event = StatusEvent::set(EventId::from_random([5; 16]), "visit", VisitStatus::Called, 2_000, "d1");
    replica.change("day/x", |d| event.record(d)).unwrap().1
}

#[test]
fn the_relays_decoder_holds_on_mutated_frames() {
    let seeds: Vec<Vec<u8>> = [
        ClientMsg::Hello { device: "d1".into(), protocol: 1, signature: vec![7; 64] },
        ClientMsg::Pair {
            code: "K7QM2XHD".into(),
            public_key: vec![3; 32],
            agreement_key: vec![4; 32],
            key_proof: vec![5; 32],
            protocol: 4,
        },
        ClientMsg::NewEpoch { scopes: vec![frontdesk_protocol::Scope::Inbox], first: false },
        ClientMsg::RenameDevice { device: "d1".into(), name: "Front desk".into() },
        ClientMsg::Subscribe { doc: "day/2026-11-26".into(), after_seq: 7 },
        ClientMsg::Watch { prefix: "inbox/2026-11-26/".into() },
        ClientMsg::Push {
            doc: "inbox/2026-11-26/k1".into(),
            chunk_id: ChunkId([9; 16]),
            bytes: check_in_chunk(),
            heads: vec![[4; 32]],
            signature: Default::default(),
        },
        ClientMsg::Checked { doc: "day/x".into(), covers_seq: 3, digest: [2; 32], ok: true },
        ClientMsg::Snapshot { doc: "day/x".into(), covers_seq: 3, bytes: vec![1, 2, 3], signature: Default::default() },
        ClientMsg::Rebase { doc: "clients".into(), after_seq: 3, bytes: vec![1, 2, 3], signature: vec![6; 64] },
        ClientMsg::Ping,
    ]
    .iter()
    .map(ClientMsg::encode)
    .collect();
    assert!(run(&seeds, inputs::relay_decode) > MUTATIONS / 2);
}

#[test]
fn the_sync_client_holds_on_mutated_frames_from_the_relay() {
    let frame = |m: ServerMsg| m.encode();
    let seeds = vec![
        inputs::join_frames(&[
            frame(ServerMsg::Chunk {
                doc: "day/2026-11-26".into(),
                seq: 4,
                bytes: status_chunk(),
                at_ms: 1,
                author: Default::default(),
            }),
            frame(ServerMsg::Synced { doc: "day/2026-11-26".into(), head: 4 }),
            frame(ServerMsg::DocExists { doc: "inbox/2026-11-26/k1".into() }),
            frame(ServerMsg::Chunk {
                doc: "inbox/2026-11-26/k1".into(),
                seq: 1,
                bytes: check_in_chunk(),
                at_ms: 2,
                author: Default::default(),
            }),
            frame(ServerMsg::Check {
                doc: "day/2026-11-26".into(),
                covers_seq: 4,
                bytes: status_chunk(),
                must_contain: vec![[3; 32]],
            }),
            frame(ServerMsg::Rebased {
                doc: "day/2026-11-26".into(),
                covers_seq: 5,
                bytes: status_chunk(),
                author: Default::default(),
            }),
            frame(ServerMsg::Error {
                code: frontdesk_protocol::ErrorCode::Rebased,
                doc: Some("day/2026-11-26".into()),
                message: String::new(),
            }),
        ]),
        // Sealed (issue 19): a day chunk, a check-in sealed to the inbox key, a snapshot.
        {
            let keys = inputs::fuzz_keys();
            let mut random = |buf: &mut [u8]| buf.fill(3);
            let day = "day/2026-11-26";
            let inbox = "inbox/2026-11-26/k1";
            let seal = |doc: &str, what, bytes: &[u8], random: &mut dyn FnMut(&mut [u8])| {
                keys.seal(doc, what, 1, "k1", bytes, random).expect("sealed")
            };
            inputs::join_frames(&[
                frame(ServerMsg::Chunk {
                    doc: day.into(),
                    seq: 1,
                    bytes: seal(day, Sealable::Chunk, &status_chunk(), &mut random),
                    at_ms: 1,
                    author: Default::default(),
                }),
                frame(ServerMsg::DocExists { doc: inbox.into() }),
                frame(ServerMsg::Chunk {
                    doc: inbox.into(),
                    seq: 1,
                    bytes: seal(inbox, Sealable::Drop, &check_in_chunk(), &mut random),
                    at_ms: 2,
                    author: Default::default(),
                }),
                frame(ServerMsg::Snapshot {
                    doc: day.into(),
                    covers_seq: 3,
                    bytes: seal(day, Sealable::Snapshot { covers_seq: 3 }, &status_chunk(), &mut random),
                    author: Default::default(),
                }),
            ])
        },
        inputs::join_frames(&[
            frame(ServerMsg::Snapshot {
                doc: "day/2026-11-26".into(),
                covers_seq: 9,
                bytes: status_chunk(),
                author: Default::default(),
            }),
            frame(ServerMsg::Ack { doc: "day/2026-11-26".into(), chunk_id: ChunkId([1; 16]), seq: 10 }),
            frame(ServerMsg::SnapshotStored { doc: "day/2026-11-26".into(), covers_seq: 9 }),
            frame(ServerMsg::Error { code: ErrorCode::Forbidden, doc: Some("clients".into()), message: "no".into() }),
            frame(ServerMsg::Welcome {
                device: "d".into(),
                name: "n".into(),
                role: Role::Kiosk,
                epochs: vec![frontdesk_protocol::Epoch { scope: frontdesk_protocol::Scope::Kiosk, epoch: 2 }],
                floors: vec![frontdesk_protocol::Epoch { scope: frontdesk_protocol::Scope::Kiosk, epoch: 2 }],
            }),
            frame(ServerMsg::Pong),
        ]),
    ];
    assert!(run(&seeds, inputs::client_frames) > MUTATIONS / 2);
}

#[test]
fn documents_hold_on_mutated_chunks() {
    let (inbox, day) = (check_in_chunk(), status_chunk());
    // The body splits its input in half: an inbox chunk, then a day chunk.
    let pad = |a: &[u8], b: &[u8]| {
        let n = a.len().max(b.len());
        let mut out = a.to_vec();
        out.resize(n, 0);
        let mut second = b.to_vec();
        second.resize(n, 0);
        out.extend(second);
        out
    };
    let seeds = vec![pad(&inbox, &day), pad(&day, &inbox)];
    assert!(run(&seeds, inputs::document_chunks) > MUTATIONS / 2);
}

#[test]
fn the_importers_hold_on_mutated_files() {
    let seeds = vec![
        "\u{feff}Name,Phone,Email,Notes\r\nAna Ruiz,+34 600 111 222,ana@example.com,\"Prefers \"\"mornings\"\"\r\nand email\"\r\n\r\nBruno,,\r\n"
            .as_bytes()
            .to_vec(),
        "Nombre;Precio;IVA %;Existencias\nCrema facial;12,50;21;30\nChampú;7;10;0\n".as_bytes().to_vec(),
    ];
    assert!(run(&seeds, inputs::csv_import) > MUTATIONS / 2);
}

#[test]
fn sealed_headers_hold_on_mutated_bytes() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("vectors/seal_v1.json")).expect("the sealing vectors");
    let seeds: Vec<Vec<u8>> = vectors["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            let hex = case["wire"].as_str().expect("wire");
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
        })
        .collect();
    assert!(seeds.len() >= 6);
    assert!(run(&seeds, inputs::sealed_header) > MUTATIONS / 2);
}

#[test]
fn the_frame_splitter_reads_what_join_frames_wrote() {
    let frames = vec![vec![1, 2, 3], vec![], vec![0xff; 300]];
    let joined = inputs::join_frames(&frames);
    let split: Vec<Vec<u8>> = inputs::frames(&joined).into_iter().map(<[u8]>::to_vec).collect();
    assert_eq!(split, frames);
}
