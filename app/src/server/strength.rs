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

/// Refuses a new password for `login` that is too easy to guess.
pub fn validate_strength(login: &str, password: &str) -> Result<(), AppError> {
    let judged: String = password.chars().take(JUDGED_CHARS).collect();
    if zxcvbn::zxcvbn(&judged, &[login, "twofold"]).score() < MINIMUM_SCORE {
        return Err(AppError::validation("password", Reason::PasswordWeak));
    }
    Ok(())
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
                validate_strength("ana", weak),
                Err(AppError::validation("password", Reason::PasswordWeak)),
                "{weak}"
            );
        }
    }

    #[test]
    fn unrelated_words_pass() {
        assert_eq!(
            validate_strength("ana", "lantern quietly orbit marmalade"),
            Ok(())
        );
        assert_eq!(validate_strength("ana", "V7#qk2!Lm9@zR4"), Ok(()));
    }
}
