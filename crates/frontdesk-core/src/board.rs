//! The arrivals board: today's check-ins in order, each with its current status and wait.

use crate::sorting::SortDyn;
use std::collections::{HashMap, HashSet};

use crate::check_in::{CheckIn, VisitReason};
use crate::visit_status::{StatusEvent, VisitStatus};

/// One line of the arrivals board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardEntry {
    pub check_in: CheckIn,
    pub status: VisitStatus,
    /// The event that set the current status (what an undo would cancel).
    pub last_event: Option<StatusEvent>,
    /// How long they waited before being called, or have waited so far (milliseconds).
    pub waited_ms: i64,
}

/// Builds the board from the day's check-ins and status events, as of `now_ms`.
///
/// Pure and order-independent: every device holding the same documents shows the same board.
/// An event cancelled by an undo counts as if it never happened; among the rest, the latest
/// (by time, then id) decides the status.
pub fn arrivals_board(
    check_ins: impl IntoIterator<Item = CheckIn>,
    events: &[StatusEvent],
    now_ms: i64,
) -> Vec<BoardEntry> {
    let undone: HashSet<&str> = events.iter().filter_map(|e| e.undoes.as_deref()).collect();
    let mut by_visit: HashMap<&str, Vec<&StatusEvent>> = HashMap::new();
    for event in events.iter().filter(|e| e.status.is_some() && !undone.contains(e.id.as_str())) {
        by_visit.entry(event.visit.as_str()).or_default().push(event);
    }
    let mut seen = HashSet::new();
    let mut board: Vec<BoardEntry> = check_ins
        .into_iter()
        .filter(|c| seen.insert(c.id.clone()))
        .map(|check_in| {
            let mut history = by_visit.remove(check_in.id.as_str()).unwrap_or_default();
            history.sort_dyn_by(|a, b| (a.at_ms, &a.id).cmp(&(b.at_ms, &b.id)));
            let last = history.last().copied();
            let status = last.and_then(|e| e.status).unwrap_or(VisitStatus::Waiting);
            // The wait ends when they are first called (or otherwise leave the queue).
            let left_queue = history.iter().find(|e| e.status != Some(VisitStatus::Waiting)).map(|e| e.at_ms);
            let until = if status == VisitStatus::Waiting { now_ms } else { left_queue.unwrap_or(now_ms) };
            BoardEntry { waited_ms: (until - check_in.at_ms).max(0), status, last_event: last.cloned(), check_in }
        })
        .collect();
    board.sort_dyn_by(|a, b| {
        (a.check_in.at_ms, &a.check_in.ticket, &a.check_in.id).cmp(&(
            b.check_in.at_ms,
            &b.check_in.ticket,
            &b.check_in.id,
        ))
    });
    board
}

/// How long visitors waited before being called in: the one definition of "average wait" that
/// the board and the reports both show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waits {
    /// Over visitors who were called in (with staff or done); `None` until someone was.
    pub average_ms: Option<i64>,
    pub longest_ms: Option<i64>,
}

/// The waits of `entries` (one day's board, or several days'). Only a wait that ended counts:
/// those still waiting would pull the figure towards the time of day it is read, and a no-show
/// never ended theirs.
pub fn waits<'a>(entries: impl IntoIterator<Item = &'a BoardEntry>) -> Waits {
    let ended: Vec<i64> = entries
        .into_iter()
        .filter(|e| matches!(e.status, VisitStatus::Called | VisitStatus::Done))
        .map(|e| e.waited_ms)
        .collect();
    if ended.is_empty() {
        return Waits::default();
    }
    Waits { average_ms: Some(ended.iter().sum::<i64>() / ended.len() as i64), longest_ms: ended.iter().copied().max() }
}

/// The visitors waiting in the lobby for the member of staff `staff_id`: matched on the id they
/// chose at the kiosk, never on a display name (two people may share one, a name may change).
pub fn waiting_for<'a>(board: &'a [BoardEntry], staff_id: &str) -> Vec<&'a BoardEntry> {
    if staff_id.is_empty() {
        return Vec::new();
    }
    board
        .iter()
        .filter(|e| {
            e.status == VisitStatus::Waiting
                && e.check_in.reason == VisitReason::SeeStaff
                && e.check_in.host.as_deref() == Some(staff_id)
        })
        .collect()
}

/// What a new arrival can expect: how many are waiting, and roughly how long the last people
/// called in had waited (the median of the last five, rounded up to 5 minutes). `None` until
/// someone has been called in today.
pub fn expected_wait(board: &[BoardEntry]) -> Option<(usize, u32)> {
    let waiting = board.iter().filter(|e| e.status == VisitStatus::Waiting).count();
    let mut seen: Vec<&BoardEntry> = board.iter().filter(|e| e.status != VisitStatus::Waiting).collect();
    seen.sort_dyn_by_key(|e| std::cmp::Reverse(e.check_in.at_ms));
    let mut waits: Vec<i64> = seen.iter().take(5).map(|e| e.waited_ms).collect();
    if waits.is_empty() {
        return None;
    }
    crate::sorting::SortDyn::sort_dyn_by(&mut waits[..], |a, b| a.cmp(b));
    let median_min = (waits[waits.len() / 2] as f64 / 60_000.0).ceil() as u32;
    Some((waiting, median_min.div_ceil(5).max(1) * 5))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{EventId, VisitId};

    fn arrival(n: u8, at_ms: i64) -> CheckIn {
        CheckIn::new(
            VisitId::from_random([n; 16]),
            &format!("Visitor {n}"),
            VisitReason::WalkIn,
            "",
            format!("A-{n:03}"),
            at_ms,
            "k",
        )
        .unwrap()
    }

    fn event(n: u8) -> EventId {
        EventId::from_random([n; 16])
    }

    #[test]
    fn the_expected_wait_follows_the_last_people_called_in() {
        let minute = 60_000;
        let entry = |n: u8, at_ms: i64, status: VisitStatus, waited_min: i64| BoardEntry {
            check_in: arrival(n, at_ms),
            status,
            last_event: None,
            waited_ms: waited_min * minute,
        };
        assert_eq!(expected_wait(&[entry(1, 0, VisitStatus::Waiting, 3)]), None, "nobody seen yet");
        let board = [
            entry(1, 0, VisitStatus::Done, 40),
            entry(2, 1, VisitStatus::Called, 12),
            entry(3, 2, VisitStatus::Done, 7),
            entry(4, 3, VisitStatus::NoShow, 11),
            entry(5, 4, VisitStatus::Waiting, 2),
            entry(6, 5, VisitStatus::Waiting, 1),
        ];
        // Waits of those seen: 40, 12, 7, 11 → median 12 → rounded up to 15.
        assert_eq!(expected_wait(&board), Some((2, 15)));
    }

    #[test]
    fn the_average_wait_counts_only_waits_that_ended() {
        let minute = 60_000;
        let entry = |n: u8, status: VisitStatus, waited_min: i64| BoardEntry {
            check_in: arrival(n, i64::from(n)),
            status,
            last_event: None,
            waited_ms: waited_min * minute,
        };
        assert_eq!(waits(&[entry(1, VisitStatus::Waiting, 30)]), Waits::default());
        let board = [
            entry(1, VisitStatus::Done, 10),
            entry(2, VisitStatus::Called, 20),
            entry(3, VisitStatus::Waiting, 90),
            entry(4, VisitStatus::NoShow, 60),
        ];
        assert_eq!(waits(&board), Waits { average_ms: Some(15 * minute), longest_ms: Some(20 * minute) });
    }

    fn to_see(n: u8, host: Option<&str>, detail: &str) -> BoardEntry {
        let check_in = CheckIn::new(
            VisitId::from_random([n; 16]),
            &format!("Visitor {n}"),
            VisitReason::SeeStaff,
            detail,
            format!("A-{n:03}"),
            i64::from(n),
            "k",
        )
        .unwrap()
        .with_host(host.map(str::to_owned));
        BoardEntry { check_in, status: VisitStatus::Waiting, last_event: None, waited_ms: 0 }
    }

    #[test]
    fn visitors_wait_for_the_staff_member_they_chose_not_for_a_name() {
        // Two members of staff called "Dr. Ruiz"; a visitor chose the second.
        let board = [to_see(1, Some("ruiz-2"), "Dr. Ruiz"), to_see(2, Some("ruiz-1"), "Dr. Ruiz")];
        let ids = |found: Vec<&BoardEntry>| found.iter().map(|e| e.check_in.ticket.clone()).collect::<Vec<_>>();
        assert_eq!(ids(waiting_for(&board, "ruiz-1")), vec!["A-002"]);
        assert_eq!(ids(waiting_for(&board, "ruiz-2")), vec!["A-001"]);
        // Renamed since (the check-in still says the old name): still theirs.
        let renamed = [to_see(3, Some("lopez"), "Ana López")];
        assert_eq!(ids(waiting_for(&renamed, "lopez")), vec!["A-003"]);
        // Someone typed a name with no one chosen: no tablet claims them; nor does a shared tablet.
        assert!(waiting_for(&[to_see(4, None, "Dr. Ruiz")], "ruiz-1").is_empty());
        assert!(waiting_for(&[to_see(5, Some(""), "")], "").is_empty());
        // Once called in, they are no longer waiting.
        let called = BoardEntry { status: VisitStatus::Called, ..to_see(6, Some("ruiz-1"), "Dr. Ruiz") };
        assert!(waiting_for(&[called], "ruiz-1").is_empty());
    }

    #[test]
    fn arrivals_are_in_check_in_order_and_wait_until_called() {
        let (a, b) = (arrival(1, 1_000), arrival(2, 500));
        let called = StatusEvent::set(event(1), &a.id, VisitStatus::Called, 61_000, "desk");
        let board = arrivals_board([a.clone(), b.clone()], &[called], 121_000);
        assert_eq!(board.iter().map(|e| e.check_in.id.clone()).collect::<Vec<_>>(), vec![b.id, a.id]);
        assert_eq!(board[0].status, VisitStatus::Waiting);
        assert_eq!(board[0].waited_ms, 120_500);
        assert_eq!(board[1].status, VisitStatus::Called);
        assert_eq!(board[1].waited_ms, 60_000);
    }

    #[test]
    fn an_undone_click_is_as_if_it_never_happened() {
        let a = arrival(1, 0);
        let called = StatusEvent::set(event(1), &a.id, VisitStatus::Called, 10, "desk");
        let no_show = StatusEvent::set(event(2), &a.id, VisitStatus::NoShow, 20, "desk");
        let undo = StatusEvent::undo(event(3), &no_show, 30, "desk");
        let board = arrivals_board([a], &[called.clone(), no_show, undo], 40);
        assert_eq!(board[0].status, VisitStatus::Called);
        assert_eq!(board[0].last_event.as_ref(), Some(&called));
    }

    #[test]
    fn the_same_check_in_seen_twice_is_listed_once() {
        let a = arrival(1, 0);
        assert_eq!(arrivals_board([a.clone(), a], &[], 5).len(), 1);
    }

    #[test]
    fn concurrent_status_changes_resolve_the_same_everywhere() {
        use automerge::AutoCommit;
        let a = arrival(1, 0);
        let mut tablet1 = AutoCommit::new();
        let mut tablet2 = tablet1.fork();
        StatusEvent::set(event(1), &a.id, VisitStatus::Called, 100, "tablet 1").record(&mut tablet1).unwrap();
        StatusEvent::set(event(2), &a.id, VisitStatus::Done, 100, "tablet 2").record(&mut tablet2).unwrap();
        tablet1.merge(&mut tablet2.clone()).unwrap();
        tablet2.merge(&mut tablet1.clone()).unwrap();
        let e1 = crate::visit_status::status_events(tablet1.document());
        let e2 = crate::visit_status::status_events(tablet2.document());
        assert_eq!(e1.len(), 2, "both clicks are kept");
        let s1 = arrivals_board([a.clone()], &e1, 200)[0].status;
        let s2 = arrivals_board([a], &e2, 200)[0].status;
        assert_eq!(s1, s2);
    }
}
