//! Recovery codes: ten per set, each 16 characters from an alphabet without
//! look-alikes (no 0/o, 1/i/l), shown in groups of four. 16 characters of
//! 31 symbols carry 79 bits, above the 64 the security bar asks for.

use rand::Rng;
use zeroize::Zeroizing;

use crate::error::AppError;

pub const CODES_PER_SET: usize = 10;
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const LENGTH: usize = 16;
const GROUP: usize = 4;

/// A recovery code in its normalized form (lower case, no separators).
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(Zeroizing<String>);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(..)")
    }
}

impl RecoveryCode {
    fn generate(rng: &mut impl Rng) -> Self {
        let code: String = (0..LENGTH)
            .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
            .collect();
        Self(Zeroizing::new(code))
    }

    /// Reads a code as a person types it: any case, with or without the
    /// dashes or spaces between groups.
    pub fn parse(input: &str) -> Result<Self, AppError> {
        if input.len() > 128 {
            return Err(invalid_format());
        }
        let code: String = input
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\t' | '\u{a0}'))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(Self(Zeroizing::new(code)))
        } else {
            Err(invalid_format())
        }
    }

    pub fn normalized(&self) -> &str {
        &self.0
    }

    /// `abcd-efgh-jkmn-pqrs`, as shown and downloaded.
    pub fn display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(GROUP)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

fn invalid_format() -> AppError {
    AppError::validation("recovery_code", crate::error::Reason::RecoveryCodeFormat)
}

/// A fresh set of distinct codes from the operating system's CSPRNG.
pub fn generate_set() -> Vec<RecoveryCode> {
    let mut rng = rand::rngs::OsRng;
    let mut codes: Vec<RecoveryCode> = Vec::with_capacity(CODES_PER_SET);
    while codes.len() < CODES_PER_SET {
        let code = RecoveryCode::generate(&mut rng);
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_ten_distinct_well_formed_codes() {
        let set = generate_set();
        assert_eq!(set.len(), 10);
        for code in &set {
            assert_eq!(code.normalized().len(), 16);
            assert!(code.normalized().bytes().all(|b| ALPHABET.contains(&b)));
            let shown = code.display();
            assert_eq!(shown.len(), 19);
            assert_eq!(shown.matches('-').count(), 3);
        }
        let mut unique: Vec<_> = set.iter().map(|c| c.normalized().to_owned()).collect();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
    }

    #[test]
    fn codes_carry_at_least_64_bits() {
        let bits = (ALPHABET.len() as f64).log2() * LENGTH as f64;
        assert!(bits >= 64.0, "{bits}");
    }

    #[test]
    fn the_alphabet_has_no_look_alikes() {
        for confusable in b"01ilo" {
            assert!(!ALPHABET.contains(confusable), "{}", *confusable as char);
        }
    }

    #[test]
    fn parse_accepts_what_people_type() {
        let code = generate_set().remove(0);
        let shown = code.display();
        assert_eq!(RecoveryCode::parse(&shown).unwrap(), code);
        assert_eq!(RecoveryCode::parse(&shown.to_uppercase()).unwrap(), code);
        assert_eq!(RecoveryCode::parse(&shown.replace('-', " ")).unwrap(), code);
        assert_eq!(RecoveryCode::parse(code.normalized()).unwrap(), code);
    }

    #[test]
    fn parse_refuses_malformed_codes() {
        for bad in [
            "",
            "abcd",
            "abcd-efgh-jkmn-pqr",
            "abcd-efgh-jkmn-pqrst",
            "0bcd-efgh-jkmn-pqrs",
            "ａbcd-efgh-jkmn-pqrs",
        ] {
            assert!(RecoveryCode::parse(bad).is_err(), "{bad:?}");
        }
        assert!(RecoveryCode::parse(&"a".repeat(10_000)).is_err());
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::{ALPHABET, LENGTH, RecoveryCode};

        proptest! {
            /// Any input parses or is refused; what is accepted is always a
            /// normalized code of the alphabet.
            #[test]
            fn any_input_parses_or_is_refused(input in "\\PC{0,160}") {
                if let Ok(code) = RecoveryCode::parse(&input) {
                    prop_assert_eq!(code.normalized().len(), LENGTH);
                    prop_assert!(code.normalized().bytes().all(|b| ALPHABET.contains(&b)));
                }
            }

            /// A code as shown, in any case and with any grouping, reads
            /// back as itself.
            #[test]
            fn shown_codes_read_back_in_any_case(
                code in "[23456789abcdefghjkmnpqrstuvwxyz]{16}",
                upper in proptest::collection::vec(any::<bool>(), 16),
                spaced in any::<bool>(),
            ) {
                let shown = RecoveryCode::parse(&code).unwrap().display();
                let mut letters = upper.iter();
                let typed: String = shown
                    .chars()
                    .map(|c| match c {
                        '-' if spaced => ' ',
                        c if *letters.next().unwrap_or(&false) => c.to_ascii_uppercase(),
                        c => c,
                    })
                    .collect();
                let read = RecoveryCode::parse(&typed).unwrap();
                prop_assert_eq!(read.normalized(), code.as_str());
            }
        }
    }
}
