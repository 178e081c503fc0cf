//! How easy a new password is to guess, judged by zxcvbn (its frequency
//! lists hold the most common leaked passwords, names and words), with
//! the login and "twofold" as words an attacker would try first.

use zxcvbn::Score;

use crate::error::{AppError, Reason};

/// zxcvbn's scale: 3 is "safely unguessable: moderate protection from an
/// offline slow-hash scenario" (about 10^8 guesses or more).
pub const MINIMUM_SCORE: Score = Score::Three;

/// zxcvbn's work grows with the length; beyond this many characters a
/// password is judged by its beginning (which must then be strong alone).
const JUDGED_CHARS: usize = 100;

/// Refuses a new password that is too easy to guess, given what an
/// attacker would try first: the login, and for a change the old password
/// (`known`), besides "twofold".
pub fn validate_strength(password: &str, known: &[&str]) -> Result<(), AppError> {
    let judged: String = password.chars().take(JUDGED_CHARS).collect();
    let mut inputs = vec!["twofold"];
    inputs.extend(known.iter().map(|word| truncated(word)));
    if zxcvbn::zxcvbn(&judged, &inputs).score() < MINIMUM_SCORE {
        return Err(AppError::validation("password", Reason::PasswordWeak));
    }
    Ok(())
}

/// The first [`JUDGED_CHARS`] characters of `text`.
fn truncated(text: &str) -> &str {
    text.char_indices()
        .nth(JUDGED_CHARS)
        .map_or(text, |(end, _)| &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in [
            "password123",
            "qwertyuiop",
            "ana-twofold",
            "anapassword1",
            "twofold2026",
        ] {
            assert_eq!(
                validate_strength(weak, &["ana"]),
                Err(AppError::validation("password", Reason::PasswordWeak)),
                "{weak}"
            );
        }
    }

    #[test]
    fn unrelated_words_pass() {
        assert_eq!(
            validate_strength("lantern quietly orbit marmalade", &["ana"]),
            Ok(())
        );
        assert_eq!(validate_strength("V7#qk2!Lm9@zR4", &["ana"]), Ok(()));
    }

    #[test]
    fn a_new_password_close_to_the_old_one_is_refused() {
        let old = "lantern quietly orbit marmalade";
        assert_eq!(
            validate_strength("lantern quietly orbit marmalade!", &["ana"]),
            Ok(())
        );
        assert_eq!(
            validate_strength("lantern quietly orbit marmalade!", &["ana", old]),
            Err(AppError::validation("password", Reason::PasswordWeak))
        );
    }
}
