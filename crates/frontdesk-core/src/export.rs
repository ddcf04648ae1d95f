//! Files for spreadsheets: CSV that opens correctly in Excel, LibreOffice and Numbers.
//!
//! UTF-8 with a byte-order mark (so Excel reads "Núñez" as written), CRLF line ends, and every
//! field that holds a comma, a semicolon, a quote or a line break quoted (quotes doubled).

/// The rows as CSV text.
pub fn csv(rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Whether a spreadsheet could take the cell for a formula (OWASP's CSV injection guidance): it
/// starts with = + - @, or with a tab or a carriage return, also after leading white space (some
/// spreadsheets trim it when they import). A negative number (`-5`, `-1.5`) is a number.
fn formula_like(value: &str) -> bool {
    let head = value.trim_start();
    let lead = &value[..value.len() - head.len()];
    lead.contains(['\t', '\r'])
        || head.starts_with(['=', '+', '@'])
        || (head.starts_with('-') && head.parse::<f64>().is_err())
}

fn field(value: &str) -> String {
    // A cell a spreadsheet would run as a formula is kept as text.
    let value = if formula_like(value) { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', ';', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_accents_survive() {
        let rows = vec![
            vec!["Name".to_owned(), "Gross".to_owned()],
            vec!["José Núñez, hijo".to_owned(), "1.234,50".to_owned()],
            vec!["Ana \"la jefa\"".to_owned(), "-5".to_owned()],
            vec!["=HYPERLINK(\"x\")".to_owned(), "line\nbreak".to_owned()],
        ];
        let text = csv(&rows);
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(
            &text[3..],
            "Name,Gross\r\n\"José Núñez, hijo\",\"1.234,50\"\r\n\"Ana \"\"la jefa\"\"\",-5\r\n\"'=HYPERLINK(\"\"x\"\")\",\"line\nbreak\"\r\n"
        );
    }

    #[test]
    fn every_formula_start_is_kept_as_text() {
        // = + - @ TAB CR at the start, and each of them after leading spaces or a line break.
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            for lead in ["", " ", "   ", "\n", " \u{a0}"] {
                let cell = format!("{lead}{start}cmd|' /C calc'!A0");
                assert!(formula_like(&cell), "{cell:?} was not caught");
                let out = field(&cell);
                let unquoted = out.strip_prefix('"').unwrap_or(&out);
                assert!(unquoted.starts_with('\''), "{cell:?} became {out:?}");
            }
        }
        assert_eq!(field("\t=1+1"), "'\t=1+1");
        assert_eq!(field("\r=1+1"), "\"'\r=1+1\"");
        assert_eq!(field("\t5"), "'\t5");
        assert_eq!(field(" =SUM(A1)"), "' =SUM(A1)");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("+34 600 000 000"), "'+34 600 000 000");
        assert_eq!(field("-HYPERLINK(1)"), "'-HYPERLINK(1)");
    }

    #[test]
    fn numbers_and_plain_text_stay_as_they_are() {
        for cell in ["-5", "-1.5", " -5", "5", "Ana", "a=b", "x-y", "", "   ", "1\t2", "Ana @ desk"] {
            assert!(!formula_like(cell), "{cell:?} was taken for a formula");
        }
        assert_eq!(field("-5"), "-5");
        assert_eq!(field(" -5"), " -5");
    }
}
