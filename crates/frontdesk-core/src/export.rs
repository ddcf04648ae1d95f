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

fn field(value: &str) -> String {
    // A leading = + - @ makes a spreadsheet run the cell as a formula: keep it text.
    let value = if value.starts_with(['=', '+', '@']) || (value.starts_with('-') && value.parse::<f64>().is_err()) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
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
}
