//! Argon2id password hashing, off the async runtime and bounded.
//!
//! Each hash takes ~19 MiB and tens of milliseconds of one core, so hashes
//! run in `spawn_blocking` behind a semaphore sized to the cores: memory
//! stays bounded however many sign-ins arrive, and a request that waits too
//! long for its turn is told the server is busy instead of queueing forever.
//!
//! The hasher is shared fairly ([`Lane`]): an anonymous request (a sign-in
//! or sign-up) is admitted only while its source has fewer than
//! [`PER_SOURCE_IN_FLIGHT`] hashes queued or running, else answered 429 at
//! once, and while fewer than [`QUEUE_PER_SLOT`] per slot are queued, else
//! 503 at once. A signed-in session's password confirmation passes both
//! limits, so it waits behind at most the bounded queue, however many
//! anonymous requests arrive.
//!
//! The 19 MiB are reused from one hash to the next while sign-ins queue up:
//! allocating them afresh cost a fifth of the hashing time in page faults
//! and zeroing (measured with `perf` under 16 concurrent sign-ins). When
//! nothing waits, they are given back, so an idle server stays small.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// OWASP's argon2id minimum: m=19456 KiB, t=2, p=1.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

/// How long a request may wait for a hashing slot before it is refused.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(10);

/// Anonymous hashes one source may have queued or running at once.
pub const PER_SOURCE_IN_FLIGHT: usize = 4;

/// Anonymous hashes queued or running per hashing slot, at most.
pub const QUEUE_PER_SLOT: usize = 32;

pub struct Passwords {
    permits: Arc<Semaphore>,
    memory: Arc<Memory>,
    anonymous: Arc<Anonymous>,
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

fn current_params() -> Params {
    Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .expect("constant argon2 parameters are valid")
}

/// Argon2's working memory: at most one buffer per hashing slot, kept only
/// while requests are queued for a slot.
#[derive(Default)]
struct Memory {
    spare: Mutex<Vec<Vec<Block>>>,
    /// Requests waiting for a slot or hashing.
    queued: AtomicUsize,
}

impl Memory {
    fn take(&self) -> Vec<Block> {
        self.spare
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop()
            .unwrap_or_default()
    }

    /// Called once per queued request when its hash is done (or it gave
    /// up): the buffer is kept for a request still waiting, else every
    /// spare one is freed.
    fn give_back(&self, buffer: Option<Vec<Block>>) {
        let others = self.queued.fetch_sub(1, Ordering::AcqRel) - 1;
        let mut spare = self
            .spare
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match buffer {
            Some(buffer) if others > 0 && buffer.len() <= current_params().block_count() => {
                spare.push(buffer)
            }
            _ if others == 0 => spare.clear(),
            _ => {}
        }
    }
}

/// Argon2 of `password` with `salt`, `len` bytes long, in `memory` (grown
/// to the parameters' size if needed; its old contents do not matter, as
/// every block is written before it is read).
fn compute(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: Salt<'_>,
    len: usize,
    memory: &mut Vec<Block>,
) -> argon2::password_hash::Result<Output> {
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    let blocks = argon2.params().block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    Output::init_with(len, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])?)
    })
}

fn hash_blocking(password: &str, memory: &mut Vec<Block>) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let params = current_params();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let phc = compute(
        &argon2,
        password.as_bytes(),
        salt.as_salt(),
        Params::DEFAULT_OUTPUT_LEN,
        memory,
    )
    .and_then(|output| {
        Ok(PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params)?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        }
        .to_string())
    });
    phc.map_err(|error| {
        tracing::error!(%error, "argon2 hashing failed");
        AppError::Internal
    })
}

fn verify_blocking(password: &str, stored: &str, memory: &mut Vec<Block>) -> Verified {
    // Verification uses the parameters stored in the hash itself, so hashes
    // made with older parameters still verify.
    let parsed = PasswordHash::new(stored).and_then(|parsed| {
        let algorithm = Algorithm::try_from(parsed.algorithm)?;
        let version = parsed
            .version
            .map_or(Ok(Version::V0x13), Version::try_from)?;
        let params = Params::try_from(&parsed)?;
        Ok((parsed, algorithm, version, params))
    });
    let Ok((parsed, algorithm, version, params)) = parsed else {
        tracing::error!("stored password hash cannot be parsed");
        return Verified::No;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        tracing::error!("stored password hash has no salt or output");
        return Verified::No;
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    // `Output`'s equality is constant-time.
    match compute(&argon2, password.as_bytes(), salt, expected.len(), memory) {
        Ok(computed) if computed == expected => {}
        _ => return Verified::No,
    }
    let current = algorithm == Algorithm::Argon2id
        && params.m_cost() >= MEMORY_KIB
        && params.t_cost() >= ITERATIONS
        && params.p_cost() >= PARALLELISM;
    if current {
        Verified::Yes
    } else {
        Verified::YesRehash
    }
}

/// Whom a hash is for, and so which limits it passes.
#[derive(Debug, Clone, Copy)]
pub enum Lane<'a> {
    /// A sign-in or sign-up, from `source` (`RequestMeta::source`).
    Anonymous { source: &'a str },
    /// A signed-in session's password confirmation.
    SignedIn,
}

/// The anonymous hashes in flight: in all, and per source.
#[derive(Default)]
struct Anonymous {
    bound: usize,
    in_flight: Mutex<(usize, HashMap<String, usize>)>,
}

impl Anonymous {
    fn counts(&self) -> std::sync::MutexGuard<'_, (usize, HashMap<String, usize>)> {
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A request's admission to the hasher, held while it hashes (one or two
/// hashes: a verification and a rehash).
pub struct Admitted<'p> {
    passwords: &'p Passwords,
    anonymous: Option<String>,
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        let Some(source) = self.anonymous.take() else {
            return;
        };
        let mut counts = self.passwords.anonymous.counts();
        counts.0 -= 1;
        if let Some(count) = counts.1.get_mut(&source) {
            *count -= 1;
            if *count == 0 {
                counts.1.remove(&source);
            }
        }
    }
}

impl Admitted<'_> {
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.passwords
            .run(move |memory| hash_blocking(&password, memory))
            .await?
    }

    /// Verifies `password` against `stored`, or against a dummy hash when
    /// the account does not exist (the answer is then always `No`).
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<Verified, AppError> {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.passwords.dummy_hash.clone());
        let verified = self
            .passwords
            .run(move |memory| verify_blocking(&password, &hash, memory))
            .await?;
        Ok(if known { verified } else { Verified::No })
    }
}

impl Passwords {
    /// `parallel_hashes` is usually the number of cores.
    pub fn new(parallel_hashes: usize) -> Self {
        let slots = parallel_hashes.max(1);
        Self {
            permits: Arc::new(Semaphore::new(slots)),
            memory: Arc::default(),
            anonymous: Arc::new(Anonymous {
                bound: slots * QUEUE_PER_SLOT,
                in_flight: Mutex::default(),
            }),
            dummy_hash: hash_blocking("twofold dummy password for unknown logins", &mut Vec::new())
                .expect("hashing a constant succeeds"),
        }
    }

    /// Lets a request hash, or refuses it at once: `RateLimited` when its
    /// source has its share in flight, `Overloaded` when the queue is full.
    pub fn admit(&self, lane: Lane<'_>) -> Result<Admitted<'_>, AppError> {
        let Lane::Anonymous { source } = lane else {
            return Ok(Admitted {
                passwords: self,
                anonymous: None,
            });
        };
        let mut counts = self.anonymous.counts();
        if counts.0 >= self.anonymous.bound {
            tracing::warn!("password hashing queue full");
            return Err(AppError::Overloaded);
        }
        let of_source = counts.1.entry(source.to_owned()).or_default();
        if *of_source >= PER_SOURCE_IN_FLIGHT {
            return Err(AppError::RateLimited { retry_after: 1 });
        }
        *of_source += 1;
        counts.0 += 1;
        Ok(Admitted {
            passwords: self,
            anonymous: Some(source.to_owned()),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let queued = Queued::join(self.memory.clone());
        let permit = tokio::time::timeout(QUEUE_TIMEOUT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Overloaded)?
            .map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(move || {
            let mut buffer = queued.memory.take();
            let result = work(&mut buffer);
            // The buffer first, then the slot: the request that gets the
            // slot finds the buffer instead of allocating a third one.
            queued.leave(buffer);
            drop(permit);
            result
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "password hashing task failed");
            AppError::Internal
        })
    }
}

/// A request's place in the hashing queue: counted from before it waits
/// for a slot until its hash is done, or until it gives up waiting.
struct Queued {
    memory: Arc<Memory>,
    buffer: Option<Vec<Block>>,
}

impl Queued {
    fn join(memory: Arc<Memory>) -> Self {
        memory.queued.fetch_add(1, Ordering::AcqRel);
        Self {
            memory,
            buffer: None,
        }
    }

    fn leave(mut self, buffer: Vec<Block>) {
        self.buffer = Some(buffer);
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.memory.give_back(self.buffer.take());
    }
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    /// A buffer full of another hash's blocks, as a reused one is.
    fn dirty_memory() -> Vec<Block> {
        let mut memory = Vec::new();
        hash_blocking("some earlier password", &mut memory).unwrap();
        assert_eq!(memory.len(), current_params().block_count());
        memory
    }

    #[test]
    fn reused_memory_hashes_exactly_as_the_reference_implementation() {
        let ours = hash_blocking("correct horse battery", &mut dirty_memory()).unwrap();
        let reference = Argon2::default();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            reference
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        assert!(
            reference
                .verify_password(b"correct horse batterY", &parsed)
                .is_err()
        );

        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, current_params())
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        let mut memory = dirty_memory();
        assert_eq!(
            verify_blocking("correct horse battery", &theirs, &mut memory),
            Verified::Yes
        );
        assert_eq!(
            verify_blocking("correct horse batterY", &theirs, &mut memory),
            Verified::No
        );
    }

    #[test]
    fn working_memory_is_kept_only_while_requests_wait() {
        let memory = Arc::new(Memory::default());
        let first = Queued::join(memory.clone());
        let second = Queued::join(memory.clone());
        let third = Queued::join(memory.clone());
        first.leave(dirty_memory());
        assert_eq!(memory.spare.lock().unwrap().len(), 1, "two still queued");
        let reused = memory.take();
        assert_eq!(reused.len(), current_params().block_count());
        drop(third); // gave up waiting
        assert_eq!(memory.spare.lock().unwrap().len(), 0);
        second.leave(reused);
        assert_eq!(
            memory.spare.lock().unwrap().len(),
            0,
            "nothing waits: freed"
        );
        assert_eq!(memory.queued.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn an_idle_server_holds_no_working_memory() {
        let passwords = Arc::new(Passwords::new(1));
        let hashes: Vec<_> = (0..3)
            .map(|i| {
                let passwords = passwords.clone();
                tokio::spawn(async move {
                    passwords
                        .admit(Lane::SignedIn)
                        .unwrap()
                        .hash(format!("password {i}"))
                        .await
                })
            })
            .collect();
        for hash in hashes {
            hash.await.unwrap().unwrap();
        }
        assert_eq!(passwords.memory.spare.lock().unwrap().len(), 0);
        assert_eq!(passwords.memory.queued.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn hash_is_argon2id_with_the_required_parameters() {
        let passwords = Passwords::new(2);
        let hash = passwords
            .admit(Lane::SignedIn)
            .unwrap()
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
            .admit(Lane::SignedIn)
            .unwrap()
            .hash("correct horse battery".into())
            .await
            .unwrap();
        assert_eq!(
            passwords
                .admit(Lane::SignedIn)
                .unwrap()
                .verify("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap(),
            Verified::Yes
        );
        assert_eq!(
            passwords
                .admit(Lane::SignedIn)
                .unwrap()
                .verify("correct horse batterY".into(), Some(hash))
                .await
                .unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn same_password_gets_a_fresh_salt() {
        let passwords = Passwords::new(2);
        let a = passwords
            .admit(Lane::SignedIn)
            .unwrap()
            .hash("same password!".into())
            .await
            .unwrap();
        let b = passwords
            .admit(Lane::SignedIn)
            .unwrap()
            .hash("same password!".into())
            .await
            .unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn unknown_account_never_verifies_even_with_the_dummy_password() {
        let passwords = Passwords::new(1);
        let verdict = passwords
            .admit(Lane::SignedIn)
            .unwrap()
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
                .admit(Lane::SignedIn)
                .unwrap()
                .verify("legacy password".into(), Some(old.clone()))
                .await
                .unwrap(),
            Verified::YesRehash
        );
        assert_eq!(
            passwords
                .admit(Lane::SignedIn)
                .unwrap()
                .verify("wrong password".into(), Some(old))
                .await
                .unwrap(),
            Verified::No
        );
    }

    #[test]
    fn one_source_gets_a_few_hashes_and_the_queue_is_bounded() {
        let passwords = Passwords::new(1);
        let flood = Lane::Anonymous {
            source: "192.0.2.1",
        };
        let mine: Vec<_> = (0..PER_SOURCE_IN_FLIGHT)
            .map(|_| passwords.admit(flood).unwrap())
            .collect();
        assert_eq!(
            passwords.admit(flood).err(),
            Some(AppError::RateLimited { retry_after: 1 })
        );
        // Other sources fill the rest of the queue, then are turned away.
        let others: Vec<_> = (0..QUEUE_PER_SLOT - PER_SOURCE_IN_FLIGHT)
            .map(|i| {
                let source = format!("198.51.100.{i}");
                passwords
                    .admit(Lane::Anonymous { source: &source })
                    .unwrap()
            })
            .collect();
        let late = Lane::Anonymous {
            source: "203.0.113.9",
        };
        assert_eq!(passwords.admit(late).err(), Some(AppError::Overloaded));
        // A signed-in confirmation is never turned away.
        assert!(passwords.admit(Lane::SignedIn).is_ok());
        drop(mine);
        assert!(passwords.admit(flood).is_ok());
        drop(others);
        assert_eq!(passwords.anonymous.counts().0, 0);
        assert!(passwords.anonymous.counts().1.is_empty());
    }

    #[tokio::test]
    async fn a_full_queue_answers_overloaded_instead_of_waiting_forever() {
        let passwords = Passwords::new(1);
        // Hold the only permit, as a long-running hash would.
        let _held = passwords.permits.clone().acquire_owned().await.unwrap();
        tokio::time::pause();
        let err = passwords
            .admit(Lane::SignedIn)
            .unwrap()
            .hash("some password".into())
            .await
            .unwrap_err();
        assert_eq!(err, AppError::Overloaded);
    }
}
