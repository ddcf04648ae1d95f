//! The relay's receive time of a drop box's records, as a manager's desk keeps it: a record is
//! stamped with the time of the chunk that first brought it, and a kiosk that rewrites its own
//! punch afterwards (to backdate it) can neither refresh that time nor hide the rewrite.
// The native ciphers check the signatures (`crypto::native`): not built for wasm.
#![cfg(not(target_arch = "wasm32"))]

use automerge::AutoCommit;
use chrono::NaiveDate;
use frontdesk_core::payroll::{self, HeldPunch, Punch, PunchKind};
use frontdesk_core::{DeviceCore, doc_name};
use frontdesk_protocol::Role;

mod support;

const H: i64 = 3_600_000;
/// 2026-12-05 00:00 UTC.
const DAY: i64 = 1_764_892_800_000;

fn clock() -> String {
    doc_name::timeclock(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), "k1")
}

/// A manager's desk that follows the kiosk's time clock and `also`.
fn manager(also: &str) -> DeviceCore {
    support::online(vec![clock(), also.to_owned()], "Manager", Role::Manager)
}

fn deliver(core: &mut DeviceCore, doc: &str, seq: u64, bytes: Vec<u8>, at_ms: i64) {
    support::deliver(core, support::chunk_by(3, doc, seq, bytes, at_ms));
}

fn punch(id: &str, at_ms: i64) -> Punch {
    Punch { id: id.into(), kind: PunchKind::In, pin: payroll::pin_hash("s", "1111"), at_ms, candidates: None }
}

/// The punches the desk holds, with their receipts, as the timesheet reads them.
fn held(core: &mut DeviceCore) -> Vec<HeldPunch> {
    let doc = clock();
    let punches = payroll::punches(core.doc(&doc).expect("the time clock is held"));
    punches
        .into_iter()
        .map(|punch| {
            let received_ms = core.received(&doc, &format!("punch/{}", punch.id));
            HeldPunch { punch, received_ms }
        })
        .collect()
}

#[test]
fn a_rewritten_punch_keeps_the_time_the_relay_first_had_it_and_the_backdating_shows() {
    let mut desk = manager("day/2026-12-05");
    // 12:00 by the relay: a punch the kiosk says it took at 11:58.
    let first = payroll::punch_chunk(&punch("a", DAY + 12 * H - 120_000), support::actor_of(3, [1; 16]));
    deliver(&mut desk, &clock(), 1, first.clone(), DAY + 12 * H);
    assert_eq!(desk.received(&clock(), "punch/a"), Some(DAY + 12 * H));

    // 13:00 by the relay: the kiosk rewrites that punch to say 08:00.
    let mut kiosk =
        AutoCommit::load(&first).unwrap().with_actor(automerge::ActorId::from(&support::actor_of(3, [1; 16])[..]));
    let before = kiosk.get_heads();
    payroll::put_punch(&mut kiosk, &punch("a", DAY + 8 * H)).unwrap();
    deliver(&mut desk, &clock(), 2, kiosk.save_after(&before), DAY + 13 * H);
    let punches = held(&mut desk);
    assert_eq!(punches.len(), 1);
    assert_eq!(punches[0].punch.at_ms, DAY + 8 * H, "the rewrite took effect in the document");
    assert_eq!(punches[0].received_ms, Some(DAY + 12 * H), "a rewrite does not refresh the receipt");
    // The timesheet counts its own time, and shows how far it is from when the relay had it.
    assert_eq!(punches[0].at_ms(), DAY + 8 * H);
    assert_eq!(punches[0].skew().map(|s| (s.claimed_ms, s.received_ms)), Some((DAY + 8 * H, DAY + 12 * H)));

    // Rewritten to the future instead, it still counts no later than the relay first had it.
    let before = kiosk.get_heads();
    payroll::put_punch(&mut kiosk, &punch("a", DAY + 20 * H)).unwrap();
    deliver(&mut desk, &clock(), 3, kiosk.save_after(&before), DAY + 14 * H);
    let punches = held(&mut desk);
    assert_eq!(punches[0].at_ms(), DAY + 12 * H);

    // A new punch in a later chunk gets that chunk's time.
    deliver(
        &mut desk,
        &clock(),
        4,
        payroll::punch_chunk(&punch("b", DAY + 15 * H), support::actor_of(3, [2; 16])),
        DAY + 15 * H,
    );
    assert_eq!(desk.received(&clock(), "punch/b"), Some(DAY + 15 * H));
    assert_eq!(desk.received(&clock(), "punch/a"), Some(DAY + 12 * H));
}

#[test]
fn only_drop_boxes_are_stamped() {
    let day = "day/2026-12-05";
    let mut desk = manager(day);
    let mut doc = AutoCommit::new().with_actor(automerge::ActorId::from(&support::actor_of(3, [4; 16])[..]));
    payroll::put_punch(&mut doc, &punch("x", DAY)).unwrap();
    deliver(&mut desk, day, 1, doc.save(), DAY + H);
    assert!(desk.doc(day).is_some(), "the chunk was applied");
    assert_eq!(desk.received(day, "punch/x"), None, "a shared document's records carry no receipt");
}
