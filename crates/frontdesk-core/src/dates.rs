//! Dates as records and document names write them: `2026-11-27` and `2026-11`.
//!
//! Written with `NaiveDate`'s `Display` and read by hand rather than with chrono's `strftime`
//! patterns: those bring chrono's pattern parser and formatter into every app that reads a date
//! (tens of KB of wasm), and records only ever hold this one form.

use chrono::{Datelike, NaiveDate};

/// `2026-11-27` → the date; `None` for anything else (also `2026-02-30`). One or two digits for
/// the month and the day are accepted, as chrono's `%m` and `%d` do.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && year.len() == 4 && digits(month, 2) && digits(day, 2)) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// `2026-11` for any day of November 2026.
pub fn month_key(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// The order a language writes a date's numbers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayOrder {
    /// `05/12/2026`: Spanish (and most of the world).
    DayFirst,
    /// `12/05/2026`: US English.
    MonthFirst,
}

/// A date as a person types it in their language: `05/12/2026` or `12/05/2026`.
pub fn write_typed(date: NaiveDate, order: DayOrder) -> String {
    let (first, second) = match order {
        DayOrder::DayFirst => (date.day(), date.month()),
        DayOrder::MonthFirst => (date.month(), date.day()),
    };
    format!("{first:02}/{second:02}/{:04}", date.year())
}

/// What a person typed as a date in their language: day and month in `order` with one or two
/// digits, separated by `/`, `-`, `.` or spaces, and a year of four digits or two (20xx); the
/// records' own `2026-12-05` is read too. `None` for anything else (also `31/02/2026`).
pub fn read_typed(text: &str, order: DayOrder) -> Option<NaiveDate> {
    let text = text.trim();
    if let Some(date) = parse_day(text) {
        return Some(date);
    }
    let parts: Vec<&str> = text.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()).collect();
    let [first, second, year] = parts[..] else { return None };
    let number = |s: &str, max: usize| -> Option<u32> {
        (s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let (first, second) = (number(first, 2)?, number(second, 2)?);
    let year = match year.len() {
        2 => 2000 + number(year, 2)? as i32,
        4 => number(year, 4)? as i32,
        _ => return None,
    };
    let (day, month) = match order {
        DayOrder::DayFirst => (first, second),
        DayOrder::MonthFirst => (second, first),
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_day_reads_back_what_display_writes() {
        for date in [d(2026, 11, 27), d(2027, 1, 1), d(2028, 2, 29), d(1999, 12, 31)] {
            assert_eq!(parse_day(&date.to_string()), Some(date));
            assert_eq!(date.to_string(), date.format("%Y-%m-%d").to_string());
        }
        assert_eq!(parse_day("2026-1-5"), Some(d(2026, 1, 5)));
        assert_eq!(parse_day(" 2026-11-27 "), Some(d(2026, 11, 27)));
    }

    #[test]
    fn anything_else_is_not_a_day() {
        for bad in [
            "",
            "2026",
            "2026-11",
            "2026-11-27-1",
            "2026-02-30",
            "26-11-27",
            "2026-13-01",
            "2026-11-x7",
            "+2026-11-27",
            "2026-011-27",
        ] {
            assert_eq!(parse_day(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_month_key_is_the_year_and_month() {
        assert_eq!(month_key(d(2026, 11, 27)), "2026-11");
        assert_eq!(month_key(d(2027, 1, 3)), "2027-01");
        assert_eq!(month_key(d(2027, 1, 3)), d(2027, 1, 3).format("%Y-%m").to_string());
    }

    #[test]
    fn a_typed_date_follows_the_language() {
        let date = d(2026, 12, 5);
        assert_eq!(write_typed(date, DayOrder::DayFirst), "05/12/2026");
        assert_eq!(write_typed(date, DayOrder::MonthFirst), "12/05/2026");
        for order in [DayOrder::DayFirst, DayOrder::MonthFirst] {
            for date in [d(2026, 1, 31), d(2028, 2, 29), d(2026, 12, 5), d(1999, 7, 4)] {
                assert_eq!(read_typed(&write_typed(date, order), order), Some(date));
            }
        }
        assert_eq!(read_typed("5/12/26", DayOrder::DayFirst), Some(date));
        assert_eq!(read_typed("5-12-2026", DayOrder::DayFirst), Some(date));
        assert_eq!(read_typed(" 5.12.2026 ", DayOrder::DayFirst), Some(date));
        assert_eq!(read_typed("12 5 2026", DayOrder::MonthFirst), Some(date));
        assert_eq!(read_typed("2026-12-05", DayOrder::MonthFirst), Some(date), "the records' form");
    }

    #[test]
    fn a_typed_date_that_is_not_one_is_refused() {
        for bad in [
            "",
            "5/12",
            "31/02/2026",
            "13/13/2026",
            "5/12/026",
            "5/12/20266",
            "x/12/2026",
            "5//2026",
            "1/2/3/2026",
            "005/12/2026",
        ] {
            assert_eq!(read_typed(bad, DayOrder::DayFirst), None, "{bad:?}");
        }
        assert_eq!(read_typed("25/12/2026", DayOrder::MonthFirst), None, "no 25th month");
    }
}
