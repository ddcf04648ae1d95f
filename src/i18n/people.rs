//! Words of the time clock and payroll in English and Spanish (both in one place per message,
//! so one missing does not compile).

use frontdesk_core::payroll::{CloseError, FixError, PinError, RateError};
use frontdesk_core::staffing::StaffingError;

use super::{Lang, money_error_text};

messages! {
    PeopleMsg in people {
        PayrollTab => payroll_tab,
        PayRates => pay_rates,
        Hourly => hourly,
        OvertimeAfter => overtime_after,
        OvertimePct => overtime_pct,
        NewPin => new_pin,
        Save => save,
        NoPin => no_pin,
        PinSet => pin_set,
        PinAgain => pin_again,
        NoStaffYet => no_staff_yet,
        Timesheets => timesheets,
        From => from,
        To => to,
        Regular => regular,
        Overtime => overtime,
        Gross => gross,
        OpenPunch => open_punch,
        OutWithoutIn => out_without_in,
        Unrecognised => unrecognised,
        UnrecognisedLead => unrecognised_lead,
        PunchedIn => punched_in,
        PunchedOut => punched_out,
        Fix => fix,
        AddClockOut => add_clock_out,
        AddClockIn => add_clock_in,
        LeaveOut => leave_out,
        Time => time,
        Reason => reason,
        SaveFix => save_fix,
        ClosePeriod => close_period,
        ClosedPeriods => closed_periods,
        DownloadCsv => download_csv,
        OnTheClock => on_the_clock,
        NobodyIn => nobody_in,
        StillIn => still_in,
        Name => name,
        Currency => currency,
        Fixed => fixed,
        NoShifts => no_shifts,
        PeriodClosed => period_closed,
        ReportsTab => reports_tab,
        Last7 => last7,
        Last30 => last30,
        Visits => visits,
        AverageWait => average_wait,
        LongestWait => longest_wait,
        NoShows => no_shows,
        VisitsPerDay => visits_per_day,
        VisitsPerHour => visits_per_hour,
        RevenueByService => revenue_by_service,
        TakingsByMethod => takings_by_method,
        ProductsLabel => products_label,
        RoomsLabel => rooms_label,
        OtherLabel => other_label,
        Bookings => bookings,
        Metric => metric,
        TeamTab => team_tab,
        OnDeskNow => on_desk_now,
        NobodyOnDesk => nobody_on_desk,
        MyTasks => my_tasks,
        NewTask => new_task,
        WhatToDo => what_to_do,
        ForWhom => for_whom,
        DueToday => due_today,
        HandOut => hand_out,
        AllTasks => all_tasks,
        NoTasks => no_tasks,
        MarkDone => mark_done,
        TaskDone => task_done,
        Overdue => overdue,
        Rota => rota,
        PreviousWeek => previous_week,
        NextWeek => next_week,
        AddShift => add_shift,
        RemoveShift => remove_shift,
        Who => who,
        Day => day,
        OpenClaims => open_claims,
        Value => value,
    }
}

pub fn pin_error_text(error: &PinError, lang: Lang) -> &'static str {
    match error {
        PinError::Malformed => tr!(lang, pin_error.malformed),
        PinError::Taken => tr!(lang, pin_error.taken),
        PinError::Unknown => tr!(lang, pin_error.unknown),
        PinError::SameAsOld => tr!(lang, pin_error.same_as_old),
        PinError::NotReady => tr!(lang, pin_error.not_ready),
    }
}

pub fn rate_error_text(error: &RateError, lang: Lang) -> String {
    match error {
        RateError::Hourly(e) => money_error_text(*e, lang).to_owned(),
        RateError::BadThreshold => tr!(lang, rate_error.bad_threshold).into(),
        RateError::BadOvertimePct => tr!(lang, rate_error.bad_overtime_pct).into(),
        RateError::Pin(e) => pin_error_text(e, lang).to_owned(),
    }
}

pub fn fix_error_text(error: &FixError, lang: Lang) -> &'static str {
    match error {
        FixError::NoReason => tr!(lang, fix_error.no_reason),
        FixError::ReasonTooLong => tr!(lang, fix_error.reason_too_long),
        FixError::BadTime => tr!(lang, fix_error.bad_time),
    }
}

pub fn close_error_text(error: &CloseError, lang: Lang) -> String {
    match error {
        CloseError::Inverted => tr!(lang, close_error.inverted).into(),
        CloseError::OpenPunches(count) => tr!(lang, close_error.open_punches, count = *count),
        CloseError::Overlaps => tr!(lang, close_error.overlaps).into(),
    }
}

pub fn staffing_error_text(error: &StaffingError, lang: Lang) -> &'static str {
    use StaffingError::*;
    match error {
        NoOne => tr!(lang, staffing_error.no_one),
        BadTime => tr!(lang, staffing_error.bad_time),
        Inverted => tr!(lang, staffing_error.inverted),
        Overlap => tr!(lang, staffing_error.overlap),
        TitleMissing => tr!(lang, staffing_error.title_missing),
        TitleTooLong => tr!(lang, staffing_error.title_too_long),
    }
}
