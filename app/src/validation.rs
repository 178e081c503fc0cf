//! Input rules shared by the browser (early hints) and the server (the
//! authority). Both sides call the same functions.

use crate::error::{AppError, Reason};

pub const LOGIN_MIN: usize = 3;
pub const LOGIN_MAX: usize = 64;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 1024;
/// A personal access token's name.
pub const TOKEN_NAME_MAX: usize = 64;
/// A two-factor method's name ("Work phone", "Blue YubiKey").
pub const METHOD_NAME_MAX: usize = 64;
/// The longest email address (RFC 5321's path limit, less its brackets).
pub const EMAIL_MAX: usize = 254;
/// How many two-factor methods one account may hold.
pub const METHODS_MAX: usize = 20;

/// A login is 3-64 characters of ASCII letters, digits, `.`, `_`, `-`, `@`.
/// Logins are compared exactly as typed after trimming surrounding spaces.
pub fn validate_login(login: &str) -> Result<&str, AppError> {
    let login = login.trim();
    let len = login.chars().count();
    if !(LOGIN_MIN..=LOGIN_MAX).contains(&len) {
        return Err(AppError::validation("login", Reason::LoginLength));
    }
    if !login
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(AppError::validation("login", Reason::LoginCharacters));
    }
    Ok(login)
}

/// Passwords are taken as typed (no trimming); length is counted in
/// characters so that non-ASCII passwords are measured as people see them.
pub fn validate_new_password(password: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err(AppError::validation("password", Reason::PasswordTooShort));
    }
    if len > PASSWORD_MAX {
        return Err(AppError::validation("password", Reason::PasswordTooLong));
    }
    Ok(())
}

/// A new password typed twice, into the fields `fields` names (the
/// password's, its repetition's): [`validate_new_password`], and the two
/// alike.
pub fn validate_repeated_password(
    password: &str,
    again: &str,
    fields: (&str, &str),
) -> Result<(), AppError> {
    validate_new_password(password).map_err(|e| e.for_field(fields.0))?;
    if password != again {
        return Err(AppError::validation(fields.1, Reason::PasswordMismatch));
    }
    Ok(())
}

/// A name the owner gives (an access token, a two-factor method):
/// trimmed, 1 to `max` characters, no control characters.
pub fn validate_name(name: &str, max: usize) -> Option<&str> {
    let name = name.trim();
    let fits = !name.is_empty() && name.chars().count() <= max;
    (fits && !name.chars().any(char::is_control)).then_some(name)
}

/// A two-factor method's new name.
pub fn validate_method_name(name: &str) -> Result<&str, AppError> {
    validate_name(name, METHOD_NAME_MAX)
        .ok_or_else(|| AppError::validation("name", Reason::MethodName))
}

/// A login offered at sign-in: only emptiness and the upper bound are
/// checked. Anything else is looked up as typed and simply not found, so
/// the answer is the same as for any unknown login.
pub fn validate_offered_login(login: &str) -> Result<&str, AppError> {
    let login = login.trim();
    if login.is_empty() {
        return Err(AppError::validation("login", Reason::LoginEmpty));
    }
    if login.chars().count() > LOGIN_MAX {
        return Err(AppError::validation("login", Reason::LoginTooLong));
    }
    Ok(login)
}

/// A password offered at sign-in: only the upper bound is checked, so an
/// oversized input is refused before any hashing work.
pub fn validate_offered_password(password: &str) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::validation("password", Reason::PasswordEmpty));
    }
    if password.chars().count() > PASSWORD_MAX {
        return Err(AppError::validation("password", Reason::PasswordTooLong));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_accepts_the_allowed_alphabet_and_trims() {
        assert_eq!(validate_login("  ana.b_c-d@x  ").unwrap(), "ana.b_c-d@x");
        assert!(validate_login("abc").is_ok());
        assert!(validate_login(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn login_refuses_bad_length_and_characters() {
        for bad in [
            "",
            "ab",
            &"a".repeat(65),
            "has space",
            "semi;colon",
            "ünï",
            "tab\tx",
            "a:b",
        ] {
            let err = validate_login(bad).unwrap_err();
            assert_eq!(err.field(), Some("login"), "{bad:?}");
        }
    }

    #[test]
    fn names_are_trimmed_bounded_and_printable() {
        assert_eq!(validate_method_name("  Blue key ").unwrap(), "Blue key");
        assert!(validate_method_name(&"é".repeat(METHOD_NAME_MAX)).is_ok());
        for bad in ["", "   ", "tab\there", &"a".repeat(METHOD_NAME_MAX + 1)] {
            let err = validate_method_name(bad).unwrap_err();
            assert_eq!(
                err,
                AppError::validation("name", Reason::MethodName),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn new_password_bounds_count_characters() {
        assert!(validate_new_password("123456789").is_err());
        assert!(validate_new_password("1234567890").is_ok());
        assert!(validate_new_password(&"é".repeat(1024)).is_ok());
        assert!(validate_new_password(&"é".repeat(1025)).is_err());
        // Ten characters that are more than ten bytes are long enough.
        assert!(validate_new_password("ééééééééé").is_err());
        assert!(validate_new_password("éééééééééé").is_ok());
    }

    #[test]
    fn offered_login_refuses_only_empty_and_oversized() {
        assert_eq!(validate_offered_login("  ana ").unwrap(), "ana");
        assert_eq!(
            validate_offered_login("no such;login").unwrap(),
            "no such;login"
        );
        assert!(validate_offered_login("   ").is_err());
        assert!(validate_offered_login(&"a".repeat(65)).is_err());
    }

    #[test]
    fn offered_password_refuses_empty_and_oversized() {
        assert!(validate_offered_password("").is_err());
        assert!(validate_offered_password("short").is_ok());
        assert!(validate_offered_password(&"x".repeat(1025)).is_err());
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            /// Any login parses or is refused with a message for the login
            /// field; an accepted one obeys every rule.
            #[test]
            fn any_login_is_accepted_only_by_the_rules(input in "\\PC{0,80}") {
                match validate_login(&input) {
                    Ok(login) => {
                        prop_assert_eq!(login, input.trim());
                        prop_assert!((LOGIN_MIN..=LOGIN_MAX).contains(&login.len()));
                        prop_assert!(login.chars().all(|c| c.is_ascii_alphanumeric() || ".-_@".contains(c)));
                    }
                    Err(error) => prop_assert_eq!(error.field(), Some("login")),
                }
                match validate_offered_login(&input) {
                    Ok(login) => prop_assert!(!login.is_empty() && login.chars().count() <= LOGIN_MAX),
                    Err(error) => prop_assert_eq!(error.field(), Some("login")),
                }
            }

            #[test]
            fn any_password_is_measured_in_characters(input in "\\PC{0,1100}") {
                let len = input.chars().count();
                prop_assert_eq!(
                    validate_new_password(&input).is_ok(),
                    (PASSWORD_MIN..=PASSWORD_MAX).contains(&len)
                );
                prop_assert_eq!(
                    validate_offered_password(&input).is_ok(),
                    (1..=PASSWORD_MAX).contains(&len)
                );
            }
        }
    }
}
