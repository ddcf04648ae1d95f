//! An iCalendar (RFC 5545) file for one booking, to send to the client or add to a calendar.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use crate::schedule::Booking;

/// What the event says besides the booking itself.
pub struct EventText<'a> {
    pub title: &'a str,
    pub location: &'a str,
    pub description: &'a str,
}

/// The `.ics` text of a booking. `instant` turns the business's wall-clock time into an instant
/// (UTC milliseconds) by the business's time zone — never the device's: a tablet set to another
/// zone must still send the time the client booked. `now_ms` stamps the file.
pub fn booking_event(
    booking: &Booking,
    text: &EventText<'_>,
    instant: impl Fn(NaiveDateTime) -> i64,
    now_ms: i64,
) -> Option<String> {
    let wall: NaiveDateTime = booking.day()?.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(booking.start_min));
    let start = DateTime::<Utc>::from_timestamp_millis(instant(wall))?.naive_utc();
    let end = start + Duration::minutes(i64::from(booking.duration_min));
    let stamp = DateTime::<Utc>::from_timestamp_millis(now_ms)?.naive_utc();
    let utc = |t: NaiveDateTime| t.format("%Y%m%dT%H%M%SZ").to_string();
    let status = if booking.state.holds_time() { "CONFIRMED" } else { "CANCELLED" };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Frontdesk//Frontdesk//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@frontdesk", booking.id),
        format!("DTSTAMP:{}", utc(stamp)),
        format!("DTSTART:{}", utc(start)),
        format!("DTEND:{}", utc(end)),
        format!("SUMMARY:{}", escape(text.title)),
        format!("LOCATION:{}", escape(text.location)),
        format!("DESCRIPTION:{}", escape(text.description)),
        format!("STATUS:{status}"),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    Some(lines.iter().map(|l| fold(l)).collect::<Vec<_>>().join(""))
}

/// Escapes a TEXT value: backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a UTF-8 character) and ends it with CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::BookingState;

    /// A business `hours` ahead of UTC (behind, if negative), all year.
    fn zone(hours: i64) -> impl Fn(NaiveDateTime) -> i64 {
        move |wall| wall.and_utc().timestamp_millis() - hours * 3_600_000
    }

    fn booking() -> Booking {
        Booking {
            id: "b1".into(),
            staff: "ruiz".into(),
            start_min: 10 * 60 + 30,
            duration_min: 45,
            ..Booking::sample("b1")
        }
    }

    #[test]
    fn an_event_is_valid_icalendar_in_utc() {
        let text = EventText {
            title: "Revisión, Dra. Ruiz; sala 2",
            location: "Clínica Sol — Calle Mayor 1, Madrid",
            description: "Código de confirmación: K7M4QX\nTraiga su tarjeta sanitaria y llegue diez minutos antes de la hora, por favor.",
        };
        let ics = booking_event(&booking(), &text, zone(1), 1_764_000_000_000).unwrap();
        // Every line ends in CRLF and holds at most 75 octets; continuation lines start with a space.
        assert!(ics.ends_with("\r\n"));
        for line in ics.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line:?}");
        }
        let unfolded = ics.replace("\r\n ", "");
        let lines: Vec<&str> = unfolded.split("\r\n").collect();
        assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
        assert!(lines.contains(&"DTSTART:20261130T093000Z"), "10:30 in Madrid (UTC+1) is 09:30 UTC");
        assert!(lines.contains(&"DTEND:20261130T101500Z"));
        assert!(lines.contains(&"UID:b1@frontdesk"));
        assert!(lines.contains(&"SUMMARY:Revisión\\, Dra. Ruiz\\; sala 2"));
        assert!(lines.iter().any(|l| l.starts_with("DESCRIPTION:Código de confirmación: K7M4QX\\nTraiga")));
        assert!(lines.iter().any(|l| l.starts_with("DTSTAMP:2025")));
        for needed in ["VERSION:2.0", "PRODID:", "BEGIN:VEVENT", "END:VEVENT", "END:VCALENDAR"] {
            assert!(lines.iter().any(|l| l.starts_with(needed)), "{needed}");
        }
        // Folding never splits a character.
        assert!(std::str::from_utf8(ics.as_bytes()).is_ok());
    }

    #[test]
    fn a_cancelled_booking_says_so() {
        let cancelled = Booking { state: BookingState::Cancelled, ..booking() };
        let text = EventText { title: "x", location: "", description: "" };
        assert!(booking_event(&cancelled, &text, zone(0), 0).unwrap().contains("STATUS:CANCELLED"));
        assert!(booking_event(&Booking { date: "soon".into(), ..booking() }, &text, zone(0), 0).is_none());
    }

    #[test]
    fn an_event_is_at_the_business_hour_whatever_zone_the_device_is_in() {
        // A New York business (UTC−5 in November) booked 09:00; whatever zone the tablet is set
        // to, the client's calendar gets 14:00 UTC: the core turns wall-clock times into instants
        // only through the business's zone it is given (it has no clock or zone of its own —
        // `tests/tidy_clock.rs` holds it to that).
        let nine = Booking { start_min: 9 * 60, duration_min: 30, ..booking() };
        let text = EventText { title: "x", location: "", description: "" };
        let ics = booking_event(&nine, &text, zone(-5), 0).unwrap();
        assert!(ics.contains("DTSTART:20261130T140000Z\r\n"), "{ics}");
        assert!(ics.contains("DTEND:20261130T143000Z\r\n"));
        // The same booking at a Madrid business (UTC+1) is six hours earlier.
        assert!(booking_event(&nine, &text, zone(1), 0).unwrap().contains("DTSTART:20261130T080000Z\r\n"));
        // The zone is asked about the booking's own wall-clock time (its offset that day).
        let asked = std::cell::Cell::new(None);
        booking_event(
            &nine,
            &text,
            |wall| {
                asked.set(Some(wall));
                0
            },
            0,
        )
        .unwrap();
        assert_eq!(asked.get().map(|w| w.to_string()), Some("2026-11-30 09:00:00".to_owned()));
    }
}
