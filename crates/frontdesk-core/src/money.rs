//! Money: integer minor units of the site's currency, parsed from what a person types.

/// An amount someone typed could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("an amount is required")]
    Missing,
    #[error("not an amount")]
    Malformed,
    #[error("too many decimals for this currency")]
    TooPrecise,
    #[error("the amount cannot be negative")]
    Negative,
    #[error("the amount is too large")]
    TooLarge,
}

/// Digits after the decimal point for an ISO 4217 currency code.
pub fn decimals(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "CLP" | "PYG" | "ISK" | "VND" | "UGX" | "XAF" | "XOF" => 0,
        "BHD" | "KWD" | "OMR" | "TND" | "JOD" | "IQD" | "LYD" => 3,
        _ => 2,
    }
}

/// Whether `code` looks like an ISO 4217 code (three capital letters).
pub fn valid_currency(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Largest amount accepted anywhere (a billion in major units): far above any front-office
/// figure, far below where sums of many amounts could overflow.
const MAX_MAJOR: i64 = 1_000_000_000;

/// Reads a non-negative amount typed in either locale's style: `12.50`, `12,50`, `1,234.50`,
/// `1.234,50`, `1 234,5`. The last `.` or `,` followed by at most `decimals` digits is the
/// decimal separator; the others group thousands.
pub fn parse_amount(text: &str, currency: &str) -> Result<i64, MoneyError> {
    let places = decimals(currency);
    let cleaned: String = text.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    if cleaned.is_empty() {
        return Err(MoneyError::Missing);
    }
    if cleaned.starts_with('-') {
        return Err(MoneyError::Negative);
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(MoneyError::Malformed);
    }
    let last_sep = cleaned.rfind(['.', ',']);
    let (whole, fraction) = match last_sep {
        Some(at) => {
            let separator = cleaned.as_bytes()[at] as char;
            let fraction = &cleaned[at + 1..];
            // A separator that repeats ("1.234.567"), or one followed by three digits where the
            // currency has no three decimals ("1,234"), groups thousands: there is no fraction.
            if cleaned[..at].contains(separator) || (fraction.len() == 3 && places != 3) {
                (cleaned.as_str(), "")
            } else {
                (&cleaned[..at], fraction)
            }
        }
        None => (cleaned.as_str(), ""),
    };
    if fraction.len() > places as usize {
        return Err(MoneyError::TooPrecise);
    }
    let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() && fraction.is_empty() {
        return Err(MoneyError::Malformed);
    }
    // Groups of thousands must have three digits each.
    if whole.contains(['.', ',']) {
        let mut groups = whole.split(['.', ',']);
        let first = groups.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return Err(MoneyError::Malformed);
        }
    }
    if digits.len() > 10 {
        return Err(MoneyError::TooLarge);
    }
    let major: i64 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| MoneyError::Malformed)? };
    if major > MAX_MAJOR {
        return Err(MoneyError::TooLarge);
    }
    let scale = 10_i64.pow(places);
    let mut minor_part: i64 =
        if fraction.is_empty() { 0 } else { fraction.parse().map_err(|_| MoneyError::Malformed)? };
    minor_part *= 10_i64.pow(places - fraction.len() as u32);
    Ok(major * scale + minor_part)
}

/// Formats minor units as a plain number with the locale's decimal separator (`12.50` / `12,50`)
/// and thousands grouping (`1,234.50` / `1.234,50`); the currency symbol is the caller's.
pub fn format_amount(minor: i64, currency: &str, decimal_comma: bool) -> String {
    let places = decimals(currency);
    let scale = 10_i64.pow(places);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let (major, fraction) = (abs / scale as u64, abs % scale as u64);
    let digits = major.to_string();
    let group = if decimal_comma { '.' } else { ',' };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    if places == 0 {
        format!("{sign}{grouped}")
    } else {
        let point = if decimal_comma { ',' } else { '.' };
        format!("{sign}{grouped}{point}{fraction:0width$}", width = places as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_typed_in_either_style_are_read() {
        for (typed, minor) in [
            ("12", 1200),
            ("12.5", 1250),
            ("12,50", 1250),
            ("1,234.50", 123_450),
            ("1.234,50", 123_450),
            ("1 234,5", 123_450),
            ("1,234", 123_400),
            ("1.234", 123_400),
            ("0.99", 99),
            (",5", 50),
        ] {
            assert_eq!(parse_amount(typed, "EUR"), Ok(minor), "{typed}");
        }
        assert_eq!(parse_amount("1500", "JPY"), Ok(1500));
        assert_eq!(parse_amount("1.500", "KWD"), Ok(1500));
    }

    #[test]
    fn bad_amounts_say_why() {
        assert_eq!(parse_amount("  ", "EUR"), Err(MoneyError::Missing));
        assert_eq!(parse_amount("-3", "EUR"), Err(MoneyError::Negative));
        assert_eq!(parse_amount("12.345.6", "EUR"), Err(MoneyError::Malformed));
        assert_eq!(parse_amount("1,2,3", "EUR"), Err(MoneyError::Malformed));
        assert_eq!(parse_amount("ten", "EUR"), Err(MoneyError::Malformed));
        assert_eq!(parse_amount("1.5", "JPY"), Err(MoneyError::TooPrecise));
        assert_eq!(parse_amount("99999999999", "EUR"), Err(MoneyError::TooLarge));
        assert_eq!(parse_amount(".", "EUR"), Err(MoneyError::Malformed));
    }

    #[test]
    fn amounts_format_for_each_locale() {
        assert_eq!(format_amount(123_450, "EUR", true), "1.234,50");
        assert_eq!(format_amount(123_450, "USD", false), "1,234.50");
        assert_eq!(format_amount(5, "USD", false), "0.05");
        assert_eq!(format_amount(-1999, "USD", false), "-19.99");
        assert_eq!(format_amount(1_500_000, "JPY", false), "1,500,000");
    }

    #[test]
    fn formatting_then_parsing_gives_the_amount_back() {
        for minor in [0, 1, 99, 100, 123_456, 99_999_999] {
            for comma in [true, false] {
                assert_eq!(parse_amount(&format_amount(minor, "EUR", comma), "EUR"), Ok(minor));
            }
        }
    }
}
