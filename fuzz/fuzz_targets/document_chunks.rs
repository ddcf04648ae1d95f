//! A hostile chunk in an inbox or day document: applying it and reading the board must not panic.
#![no_main]

use frontdesk_core::check_in::check_ins;
use frontdesk_core::visit_status::status_events;
use frontdesk_core::{Replica, arrivals_board};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut replica = Replica::new([2; 16]);
    let (inbox, day) = data.split_at(data.len() / 2);
    let _ = replica.apply("inbox/x/k", inbox);
    let _ = replica.apply("day/x", day);
    let arrivals = replica.get("inbox/x/k").map(check_ins).unwrap_or_default();
    let events = replica.get("day/x").map(status_events).unwrap_or_default();
    let _ = arrivals_board(arrivals, &events, 0);
    let _ = replica.save("inbox/x/k");
});
