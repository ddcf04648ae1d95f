//! What a device does with frames from the relay: the sync client's state machine, fed any bytes.
#![no_main]

use frontdesk_core::{Effect, Replica, SyncClient, SyncEvent};
use frontdesk_protocol::{Role, ServerMsg};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut client = SyncClient::new("t".into(), vec![("day/2026-11-26".to_owned(), 3)], Vec::new());
    client.watch("inbox/2026-11-26/");
    client.handle(SyncEvent::Tick, 0, 0.5);
    client.handle(SyncEvent::Opened, 0, 0.5);
    let welcome = ServerMsg::Welcome { device: "d".into(), name: "n".into(), role: Role::Staff }.encode();
    client.handle(SyncEvent::Frame(welcome), 0, 0.5);
    let mut replica = Replica::new([1; 16]);
    // Split the input into frames at 0xFF bytes.
    for (i, frame) in data.split(|b| *b == 0xFF).enumerate() {
        for effect in client.handle(SyncEvent::Frame(frame.to_vec()), i as i64, 0.5) {
            if let Effect::Apply { doc, bytes, .. } = effect {
                let _ = replica.apply(&doc, &bytes);
            }
        }
    }
    let _ = client.status();
});
