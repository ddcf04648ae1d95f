//! Supervising reception (the `staffing` document): who is on the desk when (shifts for the
//! week), and the tasks a supervisor hands out ("call back this client", "prepare room 4") with a
//! due time and a done state, shown on the assignee's tablet.

use crate::sorting::SortDyn;
use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{Duration, NaiveDate};

use crate::records;
use crate::schedule::Stamp;
use crate::site::{Site, format_time, parse_time};

/// One person on the desk for part of one day.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Shift {
    pub id: String,
    pub staff: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub from_min: u32,
    pub to_min: u32,
    pub made_by: String,
    /// Taken off the rota (kept, so a removal made on one tablet is not undone by another).
    pub removed: bool,
}

impl Shift {
    pub fn label(&self) -> String {
        format!("{}–{}", format_time(self.from_min), format_time(self.to_min))
    }
}

/// A job handed to someone.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub assignee: String,
    /// `YYYY-MM-DD` and minute of the day it is due, or empty / 0.
    pub due_date: String,
    pub due_min: u32,
    pub made_by: String,
    pub made_ms: i64,
    pub done_by: String,
    pub done_ms: i64,
}

impl Task {
    pub fn is_open(&self) -> bool {
        self.done_ms == 0
    }

    /// Whether it is past due at `date`, minute `now_min`.
    pub fn overdue(&self, date: NaiveDate, now_min: u32) -> bool {
        let today = date.to_string();
        self.is_open()
            && !self.due_date.is_empty()
            && (self.due_date < today || (self.due_date == today && self.due_min < now_min))
    }
}

/// Why a shift or a task is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffingError {
    #[error("choose who")]
    NoOne,
    #[error("not a time")]
    BadTime,
    #[error("the shift ends before it starts")]
    Inverted,
    #[error("that person already has a shift then")]
    Overlap,
    #[error("say what is to be done")]
    TitleMissing,
    #[error("the task is too long")]
    TitleTooLong,
}

/// A shift as typed: who, which day, from and to (`HH:MM`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftForm<'a> {
    pub staff: &'a str,
    pub date: NaiveDate,
    pub from: &'a str,
    pub to: &'a str,
}

/// Checks a shift against the person's other shifts that day.
pub fn plan_shift(
    site: &Site,
    shifts: &[Shift],
    form: &ShiftForm<'_>,
    id: String,
    stamp: &Stamp,
) -> Result<Shift, StaffingError> {
    let ShiftForm { staff, date, from, to } = *form;
    if site.staff_member(staff).is_none() {
        return Err(StaffingError::NoOne);
    }
    let (from_min, to_min) = match (parse_time(from), parse_time(to)) {
        (Some(f), Some(t)) => (f, t),
        _ => return Err(StaffingError::BadTime),
    };
    if to_min <= from_min {
        return Err(StaffingError::Inverted);
    }
    let day = date.to_string();
    if shifts
        .iter()
        .any(|s| !s.removed && s.staff == staff && s.date == day && s.from_min < to_min && from_min < s.to_min)
    {
        return Err(StaffingError::Overlap);
    }
    Ok(Shift { id, staff: staff.to_owned(), date: day, from_min, to_min, made_by: stamp.by.clone(), removed: false })
}

/// Checks a task (`due` is `HH:MM` on `due_date`, or empty for no due time).
pub fn plan_task(
    site: &Site,
    title: &str,
    assignee: &str,
    due_date: Option<NaiveDate>,
    due: &str,
    id: String,
    stamp: &Stamp,
) -> Result<Task, StaffingError> {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return Err(StaffingError::TitleMissing);
    }
    if title.chars().count() > 200 {
        return Err(StaffingError::TitleTooLong);
    }
    if site.staff_member(assignee).is_none() {
        return Err(StaffingError::NoOne);
    }
    let (due_date, due_min) = match (due_date, due.trim()) {
        (None, _) => (String::new(), 0),
        (Some(d), "") => (d.to_string(), 24 * 60 - 1),
        (Some(d), t) => (d.to_string(), parse_time(t).ok_or(StaffingError::BadTime)?),
    };
    Ok(Task {
        id,
        title,
        assignee: assignee.to_owned(),
        due_date,
        due_min,
        made_by: stamp.by.clone(),
        made_ms: stamp.at_ms,
        done_by: String::new(),
        done_ms: 0,
    })
}

/// The task marked done (or, with `None`, open again: an undo).
pub fn set_done(task: &Task, stamp: Option<&Stamp>) -> Task {
    match stamp {
        Some(s) => Task { done_by: s.by.clone(), done_ms: s.at_ms.max(1), ..task.clone() },
        None => Task { done_by: String::new(), done_ms: 0, ..task.clone() },
    }
}

const SHIFT: &str = "shift";
const TASK: &str = "task";

pub fn put_shift(doc: &mut AutoCommit, shift: &Shift) -> Result<(), String> {
    records::put(doc, SHIFT, &shift.id, shift)
}

pub fn put_task(doc: &mut AutoCommit, task: &Task) -> Result<(), String> {
    records::put(doc, TASK, &task.id, task)
}

pub fn shifts(doc: &Automerge) -> Vec<Shift> {
    let mut all: Vec<Shift> = records::all::<Shift>(doc, SHIFT).into_iter().filter(|s| !s.removed).collect();
    all.sort_dyn_by(|a, b| (&a.date, a.from_min, &a.staff).cmp(&(&b.date, b.from_min, &b.staff)));
    all
}

pub fn tasks(doc: &Automerge) -> Vec<Task> {
    let mut all: Vec<Task> = records::all(doc, TASK);
    all.sort_dyn_by(|a, b| {
        let key = |t: &Task| (t.due_date.is_empty(), t.due_date.clone(), t.due_min, t.made_ms);
        key(a).cmp(&key(b))
    });
    all
}

/// Who is on the desk on `date` at minute `now_min`.
pub fn on_desk(shifts: &[Shift], date: NaiveDate, now_min: u32) -> Vec<String> {
    let day = date.to_string();
    let mut ids: Vec<String> = shifts
        .iter()
        .filter(|s| s.date == day && s.from_min <= now_min && now_min < s.to_min)
        .map(|s| s.staff.clone())
        .collect();
    ids.dedup();
    ids
}

/// The seven dates of the week starting `monday`.
pub fn week_of(monday: NaiveDate) -> [NaiveDate; 7] {
    std::array::from_fn(|i| monday + Duration::days(i as i64))
}

/// Open tasks for `staff`, soonest due first.
pub fn open_for<'a>(tasks: &'a [Task], staff: &str) -> Vec<&'a Task> {
    tasks.iter().filter(|t| t.is_open() && t.assignee == staff).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{StaffMember, StaffRole};

    fn site() -> Site {
        let mut site = Site::default();
        for (id, name) in [("ana", "Ana"), ("luis", "Luis")] {
            site.staff.push(StaffMember {
                id: id.into(),
                name: name.into(),
                role: StaffRole::Reception,
                hours: Vec::new(),
                active: true,
            });
        }
        site
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn stamp() -> Stamp {
        Stamp { by: "Supervisor".into(), at_ms: 5 }
    }

    #[test]
    fn shifts_are_checked_and_say_who_is_on_the_desk() {
        let s = site();
        let mut all = Vec::new();
        assert_eq!(
            plan_shift(
                &s,
                &all,
                &ShiftForm { staff: "nobody", date: day(), from: "09:00", to: "13:00" },
                "x".into(),
                &stamp()
            ),
            Err(StaffingError::NoOne)
        );
        assert_eq!(
            plan_shift(
                &s,
                &all,
                &ShiftForm { staff: "ana", date: day(), from: "9", to: "13:00" },
                "x".into(),
                &stamp()
            ),
            Err(StaffingError::BadTime)
        );
        assert_eq!(
            plan_shift(
                &s,
                &all,
                &ShiftForm { staff: "ana", date: day(), from: "13:00", to: "09:00" },
                "x".into(),
                &stamp()
            ),
            Err(StaffingError::Inverted)
        );
        all.push(
            plan_shift(
                &s,
                &all,
                &ShiftForm { staff: "ana", date: day(), from: "09:00", to: "13:00" },
                "1".into(),
                &stamp(),
            )
            .unwrap(),
        );
        assert_eq!(
            plan_shift(
                &s,
                &all,
                &ShiftForm { staff: "ana", date: day(), from: "12:00", to: "15:00" },
                "x".into(),
                &stamp()
            ),
            Err(StaffingError::Overlap)
        );
        all.push(
            plan_shift(
                &s,
                &all,
                &ShiftForm { staff: "ana", date: day(), from: "13:00", to: "15:00" },
                "2".into(),
                &stamp(),
            )
            .unwrap(),
        );
        all.push(
            plan_shift(
                &s,
                &all,
                &ShiftForm { staff: "luis", date: day(), from: "12:00", to: "20:00" },
                "3".into(),
                &stamp(),
            )
            .unwrap(),
        );
        assert_eq!(on_desk(&all, day(), 12 * 60 + 30), vec!["ana".to_owned(), "luis".to_owned()]);
        assert_eq!(on_desk(&all, day(), 15 * 60), vec!["luis".to_owned()]);
        assert!(on_desk(&all, day().succ_opt().unwrap(), 12 * 60).is_empty());
        assert_eq!(all[0].label(), "09:00–13:00");
    }

    #[test]
    fn tasks_are_handed_out_done_and_undone() {
        let s = site();
        assert_eq!(plan_task(&s, "  ", "ana", None, "", "t".into(), &stamp()), Err(StaffingError::TitleMissing));
        assert_eq!(plan_task(&s, "Call back", "x", None, "", "t".into(), &stamp()), Err(StaffingError::NoOne));
        assert_eq!(
            plan_task(&s, "Call back", "ana", Some(day()), "25:00", "t".into(), &stamp()),
            Err(StaffingError::BadTime)
        );
        let task = plan_task(&s, "Call back  Ana Gil", "ana", Some(day()), "15:00", "t".into(), &stamp()).unwrap();
        assert_eq!(task.title, "Call back Ana Gil");
        assert!(task.overdue(day(), 15 * 60 + 1));
        assert!(!task.overdue(day(), 14 * 60));
        let mut doc = AutoCommit::new();
        put_task(&mut doc, &task).unwrap();
        let later = plan_task(&s, "Prepare room 4", "ana", None, "", "u".into(), &stamp()).unwrap();
        put_task(&mut doc, &later).unwrap();
        let all = tasks(doc.document());
        assert_eq!(open_for(&all, "ana").iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["t", "u"]);
        let done = set_done(&task, Some(&Stamp { by: "Ana".into(), at_ms: 9 }));
        put_task(&mut doc, &done).unwrap();
        let all = tasks(doc.document());
        assert_eq!(open_for(&all, "ana").len(), 1);
        assert!(!done.overdue(day(), 23 * 60));
        put_task(&mut doc, &set_done(&done, None)).unwrap();
        assert_eq!(open_for(&tasks(doc.document()), "ana").len(), 2);
    }
}
