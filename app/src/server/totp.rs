//! Time-based one-time passwords (RFC 6238) as Google Authenticator reads
//! them: SHA1, 6 digits, 30-second steps, a 20-byte secret.
//!
//! totp-rs computes the codes; this module decides which steps are
//! acceptable. Its own `check` only answers yes or no, and Twofold needs the
//! matched step (to refuse a replay, to tell a person that the phone's
//! clock is off), so candidates are compared here, in constant time.
//!
//! Window: the current step and one on each side (±30 s), the usual
//! tolerance for phone clocks and typing time (RFC 6238 §5.2).

use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};
use zeroize::Zeroizing;

use crate::error::AppError;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: usize = 6;
pub const SECRET_BYTES: usize = 20;
/// Steps accepted on each side of the current one.
pub const WINDOW: i64 = 1;

/// A TOTP secret. Its `Debug` never shows the bytes.
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    /// A fresh secret from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new(vec![0u8; SECRET_BYTES]);
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> Result<Self, AppError> {
        if bytes.len() != SECRET_BYTES {
            tracing::error!("stored TOTP secret has the wrong length");
            return Err(AppError::Internal);
        }
        Ok(Self(bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    // Never `Debug`-print the returned value: totp-rs derives `Debug` with
    // the secret inside.
    fn totp(&self) -> TOTP {
        TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            0,
            STEP_SECONDS as u64,
            self.0.to_vec(),
            None,
            String::new(),
        )
    }

    /// The code for a time step (step = unix time / 30).
    pub fn code_at_step(&self, step: i64) -> String {
        self.totp().generate((step.max(0) * STEP_SECONDS) as u64)
    }

    /// The key to type by hand: base32 without padding.
    pub fn base32(&self) -> String {
        self.totp().get_secret_base32()
    }

    /// The key in groups of four, as people type it.
    pub fn base32_grouped(&self) -> String {
        group(&self.base32(), 4)
    }

    /// `otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER`. A `:` in
    /// either name would break the label, so it is replaced, never refused.
    pub fn key_uri(&self, issuer: &str, account: &str) -> String {
        let issuer = sanitize_label(issuer);
        let account = sanitize_label(account);
        TOTP::new(
            Algorithm::SHA1,
            DIGITS,
            0,
            STEP_SECONDS as u64,
            self.0.to_vec(),
            Some(issuer),
            account,
        )
        .map(|totp| totp.get_url())
        .expect("a 20-byte secret, 6 digits and labels without ':' are valid")
    }

    /// The step within the window whose code equals `code`, if any. Every
    /// candidate is compared, in constant time, whatever matches first.
    pub fn matching_step(&self, code: &Code, now_unix: i64) -> Option<i64> {
        let current = step_of(now_unix);
        let mut found = None;
        for step in (current - WINDOW)..=(current + WINDOW) {
            let expected = self.code_at_step(step);
            if bool::from(expected.as_bytes().ct_eq(code.0.as_bytes())) && found.is_none() {
                found = Some(step);
            }
        }
        found
    }
}

pub fn step_of(unix: i64) -> i64 {
    unix.div_euclid(STEP_SECONDS)
}

fn sanitize_label(label: &str) -> String {
    let cleaned: String = label
        .chars()
        .map(|c| if c == ':' || c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "Twofold".to_owned()
    } else {
        cleaned.to_owned()
    }
}

fn group(text: &str, size: usize) -> String {
    text.as_bytes()
        .chunks(size)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A six-digit code as typed: spaces and dashes are dropped ("123 456"
/// pastes), anything else that is not exactly six ASCII digits is refused.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(..)")
    }
}

impl Code {
    pub fn parse(input: &str) -> Result<Self, AppError> {
        if input.len() > 64 {
            return Err(invalid_format());
        }
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}' | '\t'))
            .collect();
        if digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(invalid_format())
        }
    }
}

fn invalid_format() -> AppError {
    AppError::validation("code", crate::error::Reason::CodeFormat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(algorithm: Algorithm, seed: &[u8]) -> TOTP {
        TOTP::new_unchecked(algorithm, 8, 0, 30, seed.to_vec(), None, String::new())
    }

    #[test]
    fn rfc6238_appendix_b_known_answers() {
        let sha1 = rfc(Algorithm::SHA1, b"12345678901234567890");
        let sha256 = rfc(Algorithm::SHA256, b"12345678901234567890123456789012");
        let sha512 = rfc(
            Algorithm::SHA512,
            b"1234567890123456789012345678901234567890123456789012345678901234",
        );
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, a, b, c) in table {
            assert_eq!(sha1.generate(time), a, "SHA1 at {time}");
            assert_eq!(sha256.generate(time), b, "SHA256 at {time}");
            assert_eq!(sha512.generate(time), c, "SHA512 at {time}");
        }
    }

    #[test]
    fn rfc4226_appendix_d_known_answers_through_our_secret_type() {
        let secret =
            TotpSecret::from_bytes(Zeroizing::new(b"12345678901234567890".to_vec())).unwrap();
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            // A TOTP step is an HOTP counter.
            assert_eq!(
                secret.code_at_step(counter as i64),
                *code,
                "counter {counter}"
            );
        }
    }

    #[test]
    fn the_window_is_one_step_each_side_with_exact_boundaries() {
        // A fixed secret and time: deterministic, and the five codes around
        // the current step are distinct (checked below), so no match can be
        // a coincidence.
        let secret =
            TotpSecret::from_bytes(Zeroizing::new(b"12345678901234567890".to_vec())).unwrap();
        let now = 1_800_000_015; // 15 s into its step
        let current = step_of(now);
        let codes: Vec<String> = (-2..=2).map(|o| secret.code_at_step(current + o)).collect();
        let mut distinct = codes.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 5);

        let at = |offset: i64| Code::parse(&secret.code_at_step(current + offset)).unwrap();
        for offset in -1..=1 {
            assert_eq!(
                secret.matching_step(&at(offset), now),
                Some(current + offset)
            );
        }
        assert_eq!(secret.matching_step(&at(-2), now), None);
        assert_eq!(secret.matching_step(&at(2), now), None);

        // Boundaries: the previous step's code is good until the last second
        // of the current step and refused one second later.
        let last_second = (current + 1) * STEP_SECONDS - 1;
        assert_eq!(
            secret.matching_step(&at(-1), last_second),
            Some(current - 1)
        );
        assert_eq!(secret.matching_step(&at(-1), last_second + 1), None);
        // The step after next becomes acceptable exactly when the next begins.
        assert_eq!(secret.matching_step(&at(2), last_second), None);
        assert_eq!(
            secret.matching_step(&at(2), last_second + 1),
            Some(current + 2)
        );
    }

    #[test]
    fn key_uri_has_the_google_authenticator_shape() {
        let secret = TotpSecret::generate();
        let uri = secret.key_uri("Twofold", "ana.lima");
        assert_eq!(
            uri,
            format!(
                "otpauth://totp/Twofold:ana.lima?secret={}&issuer=Twofold",
                secret.base32()
            )
        );
        assert_eq!(
            secret.base32().len(),
            32,
            "20 bytes are 32 base32 characters"
        );
        assert!(!secret.base32().contains('='));
    }

    #[test]
    fn colons_in_names_never_break_the_uri() {
        let secret = TotpSecret::generate();
        let uri = secret.key_uri("Acme: Prod", "a:b");
        assert!(
            uri.starts_with("otpauth://totp/Acme%20%20Prod:a%20b?"),
            "{uri}"
        );
        assert_eq!(
            uri.matches(':').count(),
            2,
            "only the scheme's and the label's: {uri}"
        );
    }

    #[test]
    fn codes_are_parsed_strictly() {
        assert!(Code::parse("123456").is_ok());
        assert!(Code::parse("123 456").is_ok());
        assert!(Code::parse(" 123-456 ").is_ok());
        for bad in [
            "",
            "12345",
            "1234567",
            "12345a",
            "abcdef",
            "１２３４５６",
            "12 34 5",
            &"1".repeat(10_000),
        ] {
            assert!(Code::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_never_shows_secrets_or_codes() {
        let secret = TotpSecret::generate();
        assert!(!format!("{secret:?}").contains(&secret.base32()));
        assert_eq!(format!("{:?}", Code::parse("123456").unwrap()), "Code(..)");
    }

    #[test]
    fn grouped_key_is_in_fours() {
        let secret = TotpSecret::from_bytes(Zeroizing::new(vec![0u8; 20])).unwrap();
        assert_eq!(
            secret.base32_grouped(),
            "AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA"
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::Code;

        proptest! {
            /// Whatever is typed or pasted, parsing answers (no panic), and
            /// it accepts exactly six ASCII digits once separators are gone.
            #[test]
            fn any_input_parses_or_is_refused(input in "\\PC{0,80}") {
                let kept: String = input
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}' | '\t'))
                    .collect();
                let expected = input.len() <= 64
                    && kept.len() == 6
                    && kept.bytes().all(|b| b.is_ascii_digit());
                prop_assert_eq!(Code::parse(&input).is_ok(), expected);
            }

            /// Six digits survive any spacing a person or an app adds.
            #[test]
            fn six_digits_with_separators_are_accepted(
                digits in "[0-9]{6}",
                separators in proptest::collection::vec("[ \\t\u{a0}-]{0,2}", 7),
            ) {
                let mut typed = separators[0].clone();
                for (digit, separator) in digits.chars().zip(&separators[1..]) {
                    typed.push(digit);
                    typed.push_str(separator);
                }
                prop_assert_eq!(Code::parse(&typed).unwrap(), Code(digits));
            }
        }
    }
}
