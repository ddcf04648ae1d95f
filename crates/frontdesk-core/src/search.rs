//! Finding a client, an appointment or a call from what a person types: any case, with or
//! without accents, words in any order.

/// Text folded for matching: lower case, accents removed, punctuation turned into spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        out.push(c);
    }
    out
}

/// A query ready to match many records.
pub struct Query {
    words: Vec<String>,
    digits: String,
}

impl Query {
    /// `None` when there is nothing to look for (fewer than two characters).
    pub fn new(typed: &str) -> Option<Query> {
        let folded = fold(typed);
        let words: Vec<String> = folded.split_whitespace().map(str::to_owned).collect();
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        (folded.trim().chars().count() >= 2).then_some(Query { words, digits })
    }

    /// Whether every word typed starts a word in `fields` (so "ana gil" finds "Ana María Gil"),
    /// or the digits typed appear in a phone number or code among them.
    pub fn matches(&self, fields: &[&str]) -> bool {
        let haystack: Vec<String> =
            fields.iter().flat_map(|f| fold(f).split_whitespace().map(str::to_owned).collect::<Vec<_>>()).collect();
        let words_match = self.words.iter().all(|w| haystack.iter().any(|h| h.starts_with(w.as_str())));
        let digits_match = self.digits.len() >= 3
            && self.digits.len() * 2 >= self.words.concat().len()
            && fields.iter().any(|f| f.chars().filter(char::is_ascii_digit).collect::<String>().contains(&self.digits));
        words_match || digits_match
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_in_any_order_case_and_accent() {
        let q = Query::new("gil ANA").unwrap();
        assert!(q.matches(&["Ana María Gil", "600 111 222"]));
        assert!(Query::new("jose nunez").unwrap().matches(&["José Núñez"]));
        assert!(Query::new("mar").unwrap().matches(&["Ana María Gil"]));
        assert!(!Query::new("ana ruiz").unwrap().matches(&["Ana María Gil"]));
        assert!(!Query::new("aria").unwrap().matches(&["Ana María Gil"]), "words match from their start");
    }

    #[test]
    fn numbers_match_phones_and_codes_whatever_the_spacing() {
        assert!(Query::new("600111").unwrap().matches(&["Ana", "+34 600 111 222"]));
        assert!(Query::new("111 222").unwrap().matches(&["Ana", "+34 600 111 222"]));
        assert!(Query::new("k7m4").unwrap().matches(&["Ana", "K7M4QX"]));
        assert!(!Query::new("999").unwrap().matches(&["Ana", "+34 600 111 222"]));
    }

    #[test]
    fn too_little_to_search_for() {
        assert!(Query::new("a").is_none());
        assert!(Query::new("  ").is_none());
        assert!(Query::new("--").is_none());
    }
}
