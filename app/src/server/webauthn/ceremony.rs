//! A WebAuthn ceremony between its two halves: the state webauthn-rs
//! needs to check the browser's answer (the challenge, the credentials it
//! may come from), stored in the database so that any process can finish
//! what another began. A ceremony is taken once: the first answer deletes
//! it, right or wrong, so a challenge is never answered twice. It is
//! useless after [`LIFETIME_SECONDS`], and bound to what began it: the
//! account and the session, where there is one.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::server::bearer::CeremonyHandle;
use crate::server::db::Db;
use crate::server::repo::{self, ceremonies::NewCeremony};

/// How long the browser has to answer: its prompt times out first (five
/// minutes, webauthn-rs's default).
pub const LIFETIME_SECONDS: i64 = 6 * 60;

/// What a ceremony is for; an answer to one is no answer to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    AddSecurityKey,
    AddPasskey,
    SecondStep,
    PasskeySignIn,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::AddSecurityKey => "add_security_key",
            Self::AddPasskey => "add_passkey",
            Self::SecondStep => "second_step",
            Self::PasskeySignIn => "passkey_sign_in",
        }
    }
}

/// Who began a ceremony: the account and the session (its handle), where
/// there are ones. An answer must come from the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeganBy {
    pub account_id: Option<i64>,
    pub session: Option<String>,
}

/// How many ceremonies nobody signed in may keep open from one source (an
/// IPv4 address or an IPv6 /64) at once: a sign-in page opened many times
/// is fine; a script begging for challenges does not fill the table.
pub const OPEN_PER_SOURCE: i64 = 60;

/// And one account, for the ceremonies no session began (an API caller
/// adding a key).
pub const OPEN_PER_ACCOUNT: i64 = 10;

/// Stores `state` for `purpose`; answers the handle the browser sends
/// back with its answer. What a user can call at will writes within
/// bounds:
/// - a session keeps one ceremony open for each purpose, the latest: a
///   new one replaces it (Try again), so whoever holds a pending sign-in
///   of the account cannot use up room the owner's own sessions need;
/// - an account keeps [`OPEN_PER_ACCOUNT`] open that no session began;
/// - a ceremony begun by nobody signed in names its `source`, which may
///   keep [`OPEN_PER_SOURCE`].
pub async fn store<T: Serialize>(
    db: &Db,
    purpose: Purpose,
    began_by: &BeganBy,
    source: Option<&str>,
    state: &T,
    now: i64,
) -> Result<CeremonyHandle, AppError> {
    let handle = CeremonyHandle::generate();
    let state = serde_json::to_string(state).map_err(|error| {
        tracing::error!(%error, "WebAuthn ceremony state not serialisable");
        AppError::Internal
    })?;
    let mut tx = db.begin_write().await?;
    let full = match (&began_by.session, began_by.account_id, source) {
        (Some(session), _, _) => {
            repo::ceremonies::delete_of_session(&mut tx, session, purpose.as_str()).await?;
            false
        }
        (None, Some(account_id), _) => {
            repo::ceremonies::open_for(&mut tx, account_id, now).await? >= OPEN_PER_ACCOUNT
        }
        (None, None, Some(source)) => {
            repo::ceremonies::open_from(&mut tx, source, now).await? >= OPEN_PER_SOURCE
        }
        (None, None, None) => false,
    };
    if full {
        tracing::warn!(?purpose, "too many open WebAuthn ceremonies refused");
        let retry_after = LIFETIME_SECONDS as u64;
        return Err(AppError::RateLimited { retry_after });
    }
    let ceremony = NewCeremony {
        handle_hash: &handle.hash(),
        purpose: purpose.as_str(),
        account_id: began_by.account_id,
        bound_to: began_by.session.as_deref(),
        source,
        state: &state,
        expires_at: now + LIFETIME_SECONDS,
    };
    repo::ceremonies::insert(&mut tx, &ceremony).await?;
    tx.commit().await?;
    Ok(handle)
}

/// Takes the ceremony `handle` names, if it is one for `purpose`, begun
/// by `began_by`, and not expired; it is deleted whatever the answer
/// (committed at once, before the answer is judged). A handle that names
/// nothing (mistyped, answered already, swept) and one past its time are
/// the same to the person: start again.
pub async fn take<T: DeserializeOwned>(
    db: &Db,
    handle: &str,
    purpose: Purpose,
    began_by: &BeganBy,
    now: i64,
) -> Result<T, AppError> {
    let handle = CeremonyHandle::parse(handle).ok_or(AppError::CeremonyExpired)?;
    let row = {
        let _turn = db.write_turn().await;
        let mut conn = db.pool.acquire().await?;
        repo::ceremonies::take(&mut conn, &handle.hash()).await?
    };
    let row = row.ok_or(AppError::CeremonyExpired)?;
    let theirs = BeganBy {
        account_id: row.account_id,
        session: row.bound_to,
    };
    if row.purpose != purpose.as_str() || &theirs != began_by {
        tracing::warn!(?purpose, "WebAuthn answer for another ceremony refused");
        return Err(AppError::CeremonyExpired);
    }
    if row.expires_at <= now {
        return Err(AppError::CeremonyExpired);
    }
    serde_json::from_str(&row.state).map_err(|error| {
        tracing::error!(%error, "stored WebAuthn ceremony state unreadable");
        AppError::Internal
    })
}

/// Deletes up to `batch` ceremonies that expired before `now`.
pub async fn delete_expired(db: &Db, now: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    let mut conn = db.pool.acquire().await?;
    Ok(repo::ceremonies::delete_expired(&mut conn, now, batch).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db;

    async fn sqlite(dir: &tempfile::TempDir) -> Db {
        let url = db::sqlite_url_in(dir.path()).unwrap();
        db::connect(&url, 2, std::time::Duration::from_secs(5))
            .await
            .unwrap()
    }

    fn anonymous() -> BeganBy {
        BeganBy {
            account_id: None,
            session: None,
        }
    }

    #[tokio::test]
    async fn a_ceremony_is_taken_once_for_its_own_purpose_before_it_expires() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(&dir).await;
        let now = 1_800_000_000;
        let anyone = anonymous();
        let state = vec!["challenge".to_owned()];
        let handle = store(&db, Purpose::PasskeySignIn, &anyone, None, &state, now)
            .await
            .unwrap();
        let taken: Vec<String> = take(
            &db,
            handle.as_str(),
            Purpose::PasskeySignIn,
            &anyone,
            now + 1,
        )
        .await
        .unwrap();
        assert_eq!(taken, state);
        let again = take::<Vec<String>>(
            &db,
            handle.as_str(),
            Purpose::PasskeySignIn,
            &anyone,
            now + 2,
        );
        assert_eq!(
            again.await.unwrap_err(),
            AppError::CeremonyExpired,
            "taken once"
        );

        let late = store(&db, Purpose::PasskeySignIn, &anyone, None, &state, now)
            .await
            .unwrap();
        let taken = take::<Vec<String>>(
            &db,
            late.as_str(),
            Purpose::PasskeySignIn,
            &anyone,
            now + LIFETIME_SECONDS,
        );
        assert_eq!(
            taken.await.unwrap_err(),
            AppError::CeremonyExpired,
            "expired"
        );

        let other = store(&db, Purpose::SecondStep, &anyone, None, &state, now)
            .await
            .unwrap();
        let taken = take::<Vec<String>>(&db, other.as_str(), Purpose::PasskeySignIn, &anyone, now);
        assert_eq!(
            taken.await.unwrap_err(),
            AppError::CeremonyExpired,
            "another purpose"
        );
        let retried = take::<Vec<String>>(&db, other.as_str(), Purpose::SecondStep, &anyone, now);
        assert!(retried.await.is_err(), "a wrong answer spent it too");

        let mismatched =
            take::<Vec<String>>(&db, "not a handle", Purpose::SecondStep, &anyone, now);
        assert_eq!(mismatched.await.unwrap_err(), AppError::CeremonyExpired);
    }

    #[tokio::test]
    async fn a_ceremony_answers_only_the_session_that_began_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(&dir).await;
        let now = 1_800_000_000;
        let mine = BeganBy {
            account_id: None,
            session: Some("session-a".into()),
        };
        let theirs = BeganBy {
            session: Some("session-b".into()),
            ..mine.clone()
        };
        let handle = store(&db, Purpose::SecondStep, &mine, None, &1u8, now)
            .await
            .unwrap();
        let taken = take::<u8>(&db, handle.as_str(), Purpose::SecondStep, &theirs, now);
        assert_eq!(taken.await.unwrap_err(), AppError::CeremonyExpired);

        let handle = store(&db, Purpose::SecondStep, &mine, None, &2u8, now)
            .await
            .unwrap();
        assert_eq!(
            take::<u8>(&db, handle.as_str(), Purpose::SecondStep, &mine, now)
                .await
                .unwrap(),
            2
        );
    }

    #[tokio::test]
    async fn one_source_keeps_a_bounded_number_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(&dir).await;
        let now = 1_800_000_000;
        let anyone = anonymous();
        let source = Some("192.0.2.7");
        for _ in 0..OPEN_PER_SOURCE {
            store(&db, Purpose::PasskeySignIn, &anyone, source, &0u8, now)
                .await
                .unwrap();
        }
        let refused = store(&db, Purpose::PasskeySignIn, &anyone, source, &0u8, now).await;
        assert!(
            matches!(refused, Err(AppError::RateLimited { .. })),
            "{refused:?}"
        );
        let elsewhere = store(
            &db,
            Purpose::PasskeySignIn,
            &anyone,
            Some("192.0.2.8"),
            &0u8,
            now,
        );
        assert!(elsewhere.await.is_ok(), "another source is not held back");
        let later = now + LIFETIME_SECONDS;
        let again = store(&db, Purpose::PasskeySignIn, &anyone, source, &0u8, later);
        assert!(again.await.is_ok(), "expired ones do not count");
    }

    async fn account(db: &Db) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO accounts (login, login_key, password_hash, created_at)
             VALUES ('ana', 'ana', 'not a hash', 0) RETURNING id",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn a_session_keeps_only_its_latest_ceremony_of_each_purpose() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(&dir).await;
        let now = 1_800_000_000;
        let mine = BeganBy {
            account_id: Some(account(&db).await),
            session: Some("session".into()),
        };
        let other_purpose = store(&db, Purpose::AddPasskey, &mine, None, &0u8, now)
            .await
            .unwrap();
        let mut handles = Vec::new();
        for n in 0..=OPEN_PER_ACCOUNT {
            let handle = store(&db, Purpose::SecondStep, &mine, None, &n, now);
            handles.push(handle.await.expect("never refused: it replaces"));
        }
        let latest = handles.pop().unwrap();
        for older in handles {
            let taken = take::<i64>(&db, older.as_str(), Purpose::SecondStep, &mine, now);
            assert_eq!(taken.await.unwrap_err(), AppError::CeremonyExpired);
        }
        let taken = take::<i64>(&db, latest.as_str(), Purpose::SecondStep, &mine, now);
        assert_eq!(taken.await.unwrap(), OPEN_PER_ACCOUNT);
        let kept = take::<u8>(&db, other_purpose.as_str(), Purpose::AddPasskey, &mine, now);
        assert!(kept.await.is_ok(), "another purpose's ceremony is kept");
    }

    #[tokio::test]
    async fn one_account_keeps_a_bounded_number_open_without_a_session() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(&dir).await;
        let now = 1_800_000_000;
        let account_id = account(&db).await;
        let api = BeganBy {
            account_id: Some(account_id),
            session: None,
        };
        for _ in 0..OPEN_PER_ACCOUNT {
            store(&db, Purpose::AddSecurityKey, &api, None, &0u8, now)
                .await
                .unwrap();
        }
        let refused = store(&db, Purpose::AddSecurityKey, &api, None, &0u8, now).await;
        assert!(
            matches!(refused, Err(AppError::RateLimited { .. })),
            "{refused:?}"
        );
        let browser = BeganBy {
            account_id: Some(account_id),
            session: Some("session".into()),
        };
        let owner = store(&db, Purpose::AddSecurityKey, &browser, None, &0u8, now).await;
        assert!(owner.is_ok(), "a session's own ceremony is not held back");
    }

    #[tokio::test]
    async fn the_sweep_deletes_only_expired_ceremonies() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(&dir).await;
        let now = 1_800_000_000;
        let anyone = anonymous();
        store(
            &db,
            Purpose::SecondStep,
            &anyone,
            None,
            &1u8,
            now - LIFETIME_SECONDS - 1,
        )
        .await
        .unwrap();
        let live = store(&db, Purpose::SecondStep, &anyone, None, &2u8, now)
            .await
            .unwrap();
        assert_eq!(delete_expired(&db, now, 10).await.unwrap(), 1);
        let taken = take::<u8>(&db, live.as_str(), Purpose::SecondStep, &anyone, now);
        assert_eq!(taken.await.unwrap(), 2);
    }
}
