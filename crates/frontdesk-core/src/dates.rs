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
}
