//! What several test files of the core start from.

use frontdesk_core::device::Start;
use frontdesk_core::{DeviceCore, SyncEvent};
use frontdesk_protocol::{Role, ServerMsg};

/// A device core with nothing stored, following `follow`, connected and welcomed by the relay
/// as `device` with `role`.
pub fn online(follow: Vec<String>, device: &str, role: Role) -> DeviceCore {
    let (mut core, _) = DeviceCore::start(Start {
        device: "d".into(),
        seed: [7; 16],
        docs: Vec::new(),
        outbox: Vec::new(),
        written_ahead: Vec::new(),
        follow,
        watch: Vec::new(),
        keys: Vec::new(),
    });
    core.handle(SyncEvent::Tick, 0, 0.5);
    core.handle(SyncEvent::Opened, 0, 0.5);
    let welcome =
        ServerMsg::Welcome { device: device.into(), name: device.into(), role, epochs: vec![], floors: vec![] };
    core.handle(SyncEvent::Frame(welcome.encode()), 0, 0.5);
    core
}
