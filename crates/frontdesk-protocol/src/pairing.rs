//! Pairing codes: eight characters a person reads off one screen and types on another.
//!
//! The alphabet leaves out what is easily mistaken for something else (0/O, 1/I/L) so a code read
//! aloud or off a small screen is typed right; 31⁸ ≈ 8.5 × 10¹¹ codes. The relay makes them (at
//! random) and keeps only their SHA-256; both sides read what a person typed with [`normalize`].

/// The characters a code is made of.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// How many characters a code has.
pub const LEN: usize = 8;

/// How long a code works after it is made, in seconds.
pub const LIFETIME_S: i64 = 10 * 60;

/// How many wrong codes may be tried while a code waits; past it, the code no longer works.
pub const MAX_WRONG_TRIES: u32 = 5;

/// What a person typed, as a code: upper case, without spaces or dashes, with lower-case letters
/// accepted. `None` if it is not eight characters of the alphabet.
pub fn normalize(typed: &str) -> Option<String> {
    let code: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// A code as shown to people: two groups of four (`K7QM 2XHD`).
pub fn display(code: &str) -> String {
    if code.len() == LEN && code.is_ascii() { format!("{} {}", &code[..4], &code[4..]) } else { code.to_owned() }
}

/// A code made of eight uniform draws: `draw(n)` returns a uniformly random number below `n`.
pub fn from_draws(mut draw: impl FnMut(usize) -> usize) -> String {
    (0..LEN).map(|_| ALPHABET[draw(ALPHABET.len()) % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_are_read_forgivingly_and_checked() {
        assert_eq!(normalize("k7qm-2xhd").as_deref(), Some("K7QM2XHD"));
        assert_eq!(normalize(" K7QM 2XHD ").as_deref(), Some("K7QM2XHD"));
        // Look-alikes are not part of the alphabet: a code never holds them.
        for bad in ["K7QM2XH0", "K7QM2XHI", "K7QM2XHL", "K7QM2XHO", "K7QM2XH1", "K7QM2XH", "K7QM2XHDD", "", "ÑÑÑÑÑÑÑÑ"]
        {
            assert_eq!(normalize(bad), None, "{bad}");
        }
        assert_eq!(display("K7QM2XHD"), "K7QM 2XHD");
    }

    #[test]
    fn codes_use_the_whole_alphabet_and_nothing_else() {
        let mut next = 0usize;
        let code = from_draws(|n| {
            next = (next + 7) % n;
            next
        });
        assert_eq!(normalize(&code).as_deref(), Some(code.as_str()));
        assert!(!ALPHABET.iter().any(|b| b"01ILO".contains(b)));
        let mut seen = std::collections::BTreeSet::new();
        let mut i = 0;
        for _ in 0..40 {
            seen.extend(
                from_draws(|n| {
                    i += 1;
                    i % n
                })
                .bytes(),
            );
        }
        assert_eq!(seen.len(), ALPHABET.len());
    }
}
