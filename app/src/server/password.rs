//! Argon2id password hashing, off the async runtime and bounded.
//!
//! Each hash takes ~19 MiB and tens of milliseconds of one core, so hashes
//! run in `spawn_blocking` behind a semaphore sized to the cores: memory
//! stays bounded however many sign-ins arrive, and a request that waits too
//! long for its turn is told the server is busy instead of queueing forever.

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// OWASP's argon2id minimum: m=19456 KiB, t=2, p=1.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

/// How long a request may wait for a hashing slot before it is refused.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when the login is unknown, so that the answer takes
    /// as long as for a known login with a wrong password.
    dummy_hash: String,
}

/// What a successful or failed verification tells the caller.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// The password is right but was hashed with older parameters: store
    /// the hash again with the current ones.
    YesRehash,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "argon2 hashing failed");
            AppError::Internal
        })
}

fn verify_blocking(password: &str, stored: &str) -> Verified {
    let Ok(parsed) = PasswordHash::new(stored) else {
        tracing::error!("stored password hash cannot be parsed");
        return Verified::No;
    };
    // Verification uses the parameters stored in the hash itself, so hashes
    // made with older parameters still verify.
    if argon2()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Verified::No;
    }
    let current = parsed.algorithm == argon2::ARGON2ID_IDENT
        && Params::try_from(&parsed).is_ok_and(|p| {
            p.m_cost() >= MEMORY_KIB && p.t_cost() >= ITERATIONS && p.p_cost() >= PARALLELISM
        });
    if current {
        Verified::Yes
    } else {
        Verified::YesRehash
    }
}

impl Passwords {
    /// `parallel_hashes` is usually the number of cores.
    pub fn new(parallel_hashes: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(parallel_hashes.max(1))),
            dummy_hash: hash_blocking("twofold dummy password for unknown logins")
                .expect("hashing a constant succeeds"),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(QUEUE_TIMEOUT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Overloaded)?
            .map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "password hashing task failed");
            AppError::Internal
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Verifies `password` against `stored`, or against a dummy hash when
    /// the account does not exist (the answer is then always `No`).
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<Verified, AppError> {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.clone());
        let verified = self.run(move || verify_blocking(&password, &hash)).await?;
        Ok(if known { verified } else { Verified::No })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_is_argon2id_with_the_required_parameters() {
        let passwords = Passwords::new(2);
        let hash = passwords
            .hash("correct horse battery".into())
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(!hash.contains("correct horse"));
    }

    #[tokio::test]
    async fn verify_accepts_the_right_password_only() {
        let passwords = Passwords::new(2);
        let hash = passwords
            .hash("correct horse battery".into())
            .await
            .unwrap();
        assert_eq!(
            passwords
                .verify("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap(),
            Verified::Yes
        );
        assert_eq!(
            passwords
                .verify("correct horse batterY".into(), Some(hash))
                .await
                .unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn same_password_gets_a_fresh_salt() {
        let passwords = Passwords::new(2);
        let a = passwords.hash("same password!".into()).await.unwrap();
        let b = passwords.hash("same password!".into()).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn unknown_account_never_verifies_even_with_the_dummy_password() {
        let passwords = Passwords::new(1);
        let verdict = passwords
            .verify("twofold dummy password for unknown logins".into(), None)
            .await
            .unwrap();
        assert_eq!(verdict, Verified::No);
    }

    #[tokio::test]
    async fn older_parameters_verify_and_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let old = weak
            .hash_password(b"legacy password", &salt)
            .unwrap()
            .to_string();
        let passwords = Passwords::new(1);
        assert_eq!(
            passwords
                .verify("legacy password".into(), Some(old.clone()))
                .await
                .unwrap(),
            Verified::YesRehash
        );
        assert_eq!(
            passwords
                .verify("wrong password".into(), Some(old))
                .await
                .unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn a_full_queue_answers_overloaded_instead_of_waiting_forever() {
        let passwords = Passwords::new(1);
        // Hold the only permit, as a long-running hash would.
        let _held = passwords.permits.clone().acquire_owned().await.unwrap();
        tokio::time::pause();
        let err = passwords.hash("some password".into()).await.unwrap_err();
        assert_eq!(err, AppError::Overloaded);
    }
}
