//! The bearer secrets clients hold: session tokens (cookie or API) and
//! personal access tokens. Each carries enough random bits that its
//! SHA-256 is what is stored and looked up; none is ever printed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `N` random bytes from the OS, base64url without padding.
fn random_text<const N: usize>() -> String {
    let mut random = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut random);
    URL_SAFE_NO_PAD.encode(random)
}

/// How a bearer secret is stored and looked up.
pub fn stored_hash(secret: &str) -> Vec<u8> {
    <Sha256 as Digest>::digest(secret.as_bytes()).to_vec()
}

const SESSION_TOKEN_BYTES: usize = 32;
const SESSION_TOKEN_CHARS: usize = 43;

/// A session's secret: 256 random bits, base64url.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn generate() -> Self {
        Self(random_text::<SESSION_TOKEN_BYTES>())
    }

    /// A well-formed token, or `None`: anything else is never looked up.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != SESSION_TOKEN_CHARS {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        (bytes.len() == SESSION_TOKEN_BYTES).then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> Vec<u8> {
        stored_hash(&self.0)
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

/// A secret shaped like a session token (256 random bits, base64url,
/// stored as its SHA-256) that names something else: its own type, so one
/// kind is never taken for another, and a `Debug` that prints no value.
macro_rules! token_like_a_session {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(SessionToken);

        impl $name {
            pub fn generate() -> Self {
                Self(SessionToken::generate())
            }

            /// A well-formed one, or `None`.
            pub fn parse(text: &str) -> Option<Self> {
                SessionToken::parse(text).map(Self)
            }

            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            pub fn hash(&self) -> Vec<u8> {
                self.0.hash()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }
    };
}

token_like_a_session! {
    /// A browser's device cookie (`known_browsers`), naming a browser
    /// rather than a session.
    BrowserToken
}

token_like_a_session! {
    /// The secret in a password reset link (`/reset/<token>`).
    ResetToken
}

token_like_a_session! {
    /// The secret in an email address's confirmation link
    /// (`/verify-email/<token>`).
    EmailToken
}

token_like_a_session! {
    /// The handle of a WebAuthn ceremony, which the browser sends back
    /// with its answer; stored as its SHA-256, so the database alone
    /// cannot finish a ceremony.
    CeremonyHandle
}

/// What every personal access token begins with, so that it is told from
/// a session token at a glance (and by secret scanners).
pub const ACCESS_TOKEN_PREFIX: &str = "twofold_pat_";
const ACCESS_TOKEN_RANDOM_BYTES: usize = 24;
const ACCESS_TOKEN_MAX_CHARS: usize = 128;

/// A new personal access token: the prefix and 192 random bits.
pub fn new_access_token() -> String {
    format!(
        "{ACCESS_TOKEN_PREFIX}{}",
        random_text::<ACCESS_TOKEN_RANDOM_BYTES>()
    )
}

/// Whether `text` could be an access token at all; anything else is
/// refused without a lookup.
pub fn is_access_token(text: &str) -> bool {
    text.starts_with(ACCESS_TOKEN_PREFIX) && text.len() <= ACCESS_TOKEN_MAX_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_tokens_are_256_random_bits_and_parse_back() {
        let token = SessionToken::generate();
        assert_eq!(token.as_str().len(), SESSION_TOKEN_CHARS);
        assert_eq!(SessionToken::parse(token.as_str()), Some(token.clone()));
        assert_ne!(SessionToken::generate(), token);
        assert_eq!(format!("{token:?}"), "SessionToken(..)");
    }

    #[test]
    fn malformed_session_tokens_are_refused_before_any_lookup() {
        let good = SessionToken::generate();
        let mut longer = good.as_str().to_owned();
        longer.push('A');
        for bad in [
            "",
            "short",
            &longer,
            &good.as_str()[1..],
            &format!("{}=", &good.as_str()[1..]),
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        ] {
            assert_eq!(SessionToken::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn access_tokens_carry_the_prefix_and_192_bits() {
        let token = new_access_token();
        assert!(is_access_token(&token));
        assert_eq!(token.len(), ACCESS_TOKEN_PREFIX.len() + 32);
        assert_ne!(new_access_token(), token);
        assert!(!is_access_token(SessionToken::generate().as_str()));
        assert!(!is_access_token(&format!("{token}{}", "x".repeat(128))));
    }
}
