//! What each fuzz target does with its input. The targets in `fuzz_targets/` call these under
//! libFuzzer (`cargo xtask fuzz`), and the core's `fuzz_inputs` test calls them on seeds and
//! thousands of mutations of them in every run of the test command.

use frontdesk_core::check_in::check_ins;
use frontdesk_core::device::{self, DeviceCore, Start};
use frontdesk_core::import;
use frontdesk_core::schedule::Stamp;
use frontdesk_core::visit_status::status_events;
use frontdesk_core::{Replica, SyncEvent, arrivals_board};
use frontdesk_protocol::sealed;
use frontdesk_protocol::{ClientMsg, Role, ServerMsg, valid_doc_name};

/// What the relay does with a frame from a device: decode it and check the names in it.
pub fn relay_decode(frame: &[u8]) {
    if let Ok(msg) = ClientMsg::decode(frame) {
        match &msg {
            ClientMsg::Subscribe { doc, .. }
            | ClientMsg::Push { doc, .. }
            | ClientMsg::Snapshot { doc, .. }
            | ClientMsg::Checked { doc, .. }
            | ClientMsg::Rebase { doc, .. }
            | ClientMsg::WhenStored { doc, .. } => {
                let _ = valid_doc_name(doc);
            }
            ClientMsg::Watch { prefix } => {
                let _ = valid_doc_name(prefix);
            }
            ClientMsg::PairPreview { code, .. } | ClientMsg::Pair { code, .. } => {
                let _ = frontdesk_protocol::pairing::normalize(code);
            }
            // Rules off the wire are checked before the relay takes them, and rule any name.
            ClientMsg::SetRetention { retention } => {
                if retention.check().is_ok() {
                    let _ = retention.days(frontdesk_protocol::Area::Messages);
                }
            }
            ClientMsg::Hello { .. }
            | ClientMsg::Ping
            | ClientMsg::CreatePairing { .. }
            | ClientMsg::ListDevices
            | ClientMsg::RenameDevice { .. }
            | ClientMsg::RevokeDevice { .. }
            | ClientMsg::NewEpoch { .. } => {}
        }
        // Whatever decodes must encode back to an equal message.
        assert_eq!(ClientMsg::decode(&msg.encode()).as_ref(), Ok(&msg));
    }
}

/// Splits fuzz input into frames: each is a 2-byte little-endian length and that many bytes
/// (the last takes what is left).
pub fn frames(mut data: &[u8]) -> Vec<&[u8]> {
    let mut frames = Vec::new();
    while data.len() >= 2 {
        let len = u16::from_le_bytes([data[0], data[1]]) as usize;
        let rest = &data[2..];
        let (frame, after) = rest.split_at(len.min(rest.len()));
        frames.push(frame);
        data = after;
    }
    frames
}

/// The same framing, to build inputs.
pub fn join_frames(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for frame in frames {
        out.extend((frame.len() as u16).to_le_bytes());
        out.extend(frame);
    }
    out
}

/// What a device does with frames from the relay: the device core after a Welcome, fed any
/// frames, with every save it asks for carried out (and every other one failing, so the
/// storage-full paths run too).
pub fn client_frames(data: &[u8]) {
    let keys = fuzz_keys();
    let (mut core, _) = DeviceCore::start(Start {
        device: "d".into(),
        signer: [1; 32],
        seed: [1; 16],
        docs: Vec::new(),
        outbox: Vec::new(),
        written_ahead: Vec::new(),
        follow: vec!["day/2026-11-26".to_owned()],
        watch: vec!["inbox/2026-11-26/".to_owned()],
        keys: keys.held(),
    });
    core.handle(SyncEvent::Tick, 0, 0.5);
    core.handle(SyncEvent::Opened, 0, 0.5);
    let welcome =
        ServerMsg::Welcome { device: "d".into(), name: "n".into(), role: Role::Staff, epochs: vec![], floors: vec![] }
            .encode();
    core.handle(SyncEvent::Frame(welcome), 0, 0.5);
    let mut saves = 0u32;
    for (i, frame) in frames(data).into_iter().enumerate() {
        let mut effects = core.handle(SyncEvent::Frame(frame.to_vec()), i as i64, 0.5);
        effects.extend(core.flush());
        while let Some(effect) = effects.pop() {
            match effect {
                device::Effect::Save { id, .. } => {
                    saves += 1;
                    let result = if saves.is_multiple_of(2) { Ok(()) } else { Err(device::StorageError::Full) };
                    effects.extend(core.saved(id, result));
                }
                // Sealed bytes (issue 19) are opened with the keys the device holds.
                device::Effect::Crypto { id, op } => {
                    let result = keys.run(&op, &mut |buf: &mut [u8]| buf.fill(7));
                    effects.extend(core.crypto_done(id, result));
                }
                _ => {}
            }
        }
    }
    let _ = core.status();
}

/// The keys of the device `client_frames` drives: the staff key and the inbox pair, epoch 1.
pub fn fuzz_keys() -> frontdesk_core::crypto::native::Keys {
    use frontdesk_core::crypto::KeyRef;
    let mut keys = frontdesk_core::crypto::native::Keys::default();
    keys.add_secret(KeyRef { scope: sealed::Scope::Staff, epoch: 1 }, [0x53; 32]);
    keys.add_private(KeyRef { scope: sealed::Scope::Inbox, epoch: 1 }, [0x49; 32]);
    keys
}

/// A hostile chunk in an inbox or day document: applying it and reading the board must not panic.
pub fn document_chunks(data: &[u8]) {
    let mut replica = Replica::new([2; 16]);
    let (inbox, day) = data.split_at(data.len() / 2);
    let _ = replica.apply("inbox/x/k", inbox);
    let _ = replica.apply("day/x", day);
    let arrivals = replica.get("inbox/x/k").map(check_ins).unwrap_or_default();
    let events = replica.get("day/x").map(status_events).unwrap_or_default();
    let _ = arrivals_board(arrivals, &events, 0);
    let _ = replica.save("inbox/x/k");
}

/// A hostile file given to the client and product importers: any bytes give a preview or a file
/// error, never a panic.
pub fn csv_import(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let stamp = Stamp { by: "fuzz".into(), at_ms: 0 };
    let mut n = 0u32;
    let _ = import::clients(
        &text,
        || {
            n += 1;
            (n.to_string(), "C".into())
        },
        &stamp,
    );
    let _ = import::products(&text, "EUR", || "p".into());
}

/// What the relay and a device do with bytes that claim to be sealed (issue 19): take the header
/// apart, check it against documents of every scope, make the op that would open it, and take
/// padding off.
pub fn sealed_header(bytes: &[u8]) {
    if let Ok(parsed) = sealed::parse(bytes) {
        // What parses is exactly the header it encodes back to, then the nonce and ciphertext.
        assert_eq!(parsed.header.encode(), &bytes[..parsed.header_len]);
        assert_eq!(parsed.header_len + sealed::NONCE_LEN + parsed.ciphertext.len(), bytes.len());
        for doc in ["clients", "kiosk", "payroll", "inbox/2026-12-05/k1", "timeclock/2026-12-05/d1"] {
            let fits = parsed.header.fits(doc).is_ok();
            match frontdesk_core::crypto::opening(doc, bytes) {
                Ok(opening) => {
                    assert!(fits);
                    let key = opening.op.key().expect("opening needs a key");
                    assert_eq!((key.scope, key.epoch), (parsed.header.scope, parsed.header.epoch));
                }
                Err(_) => assert!(!fits),
            }
        }
    }
    if let Ok(plaintext) = sealed::unpad(bytes) {
        assert!(plaintext.len() + 4 <= bytes.len());
    }
}
