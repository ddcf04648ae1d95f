//! What the relay does with a frame from a device: decode it and check the names in it.
#![no_main]

use frontdesk_protocol::{ClientMsg, valid_doc_name};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|frame: &[u8]| {
    if let Ok(msg) = ClientMsg::decode(frame) {
        match &msg {
            ClientMsg::Subscribe { doc, .. } | ClientMsg::Push { doc, .. } | ClientMsg::Snapshot { doc, .. } => {
                let _ = valid_doc_name(doc);
            }
            ClientMsg::Watch { prefix } => {
                let _ = valid_doc_name(prefix);
            }
            ClientMsg::Hello { .. } | ClientMsg::Ping => {}
        }
        // Whatever decodes must encode back to an equal message.
        assert_eq!(ClientMsg::decode(&msg.encode()).as_ref(), Ok(&msg));
    }
});
