//! Signing up and the two sign-in steps, shared by the browser (server
//! functions, cookie sessions) and the JSON API (bearer sessions): one
//! implementation, so the throttling, replay and race rules cannot diverge.

use super::AppState;
use super::accounts::{self, Account, PasswordHash};
use super::email_address;
use super::events::{self, RequestMeta};
use super::password::{Lane, Verified};
use super::password_attempts::{self, Purpose};
use super::repo::{self, password_failures::Attempt};
use super::session::Session;
use super::strength::validate_strength;
use super::two_factor::{self, second_step};
use crate::error::{AppError, Reason};
use crate::i18n::Lang;
use crate::types::SecurityEventKind;
use crate::validation::{
    validate_login, validate_new_password, validate_offered_login, validate_offered_password,
};

pub use second_step::SecondFactor;
/// Step two: the account comes from the pending session, never from the
/// request; on success the session is signed in under a new token, in the
/// transaction that spends the factor (`two_factor::second_step`).
pub use second_step::verify as second_factor_step;

/// Where the password step left the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordStep {
    SignedIn,
    SecondFactorRequired,
}

/// What a sign-up form brings.
pub struct SignUp<'a> {
    pub login: &'a str,
    pub password: String,
    /// Optional unless the operator requires one (`--require-email`); it
    /// counts once its confirmation link is opened.
    pub email: Option<&'a str>,
    /// The language the account's mail is written in.
    pub lang: Lang,
}

/// Creates an account and signs this session in to it; an address given
/// is sent its confirmation link.
pub async fn sign_up(
    state: &AppState,
    session: &Session,
    form: SignUp<'_>,
    meta: &RequestMeta,
) -> Result<Account, AppError> {
    if !state.settings.sign_up_open {
        return Err(AppError::SignUpClosed);
    }
    let SignUp {
        login,
        password,
        email,
        lang,
    } = form;
    let login = validate_login(login)?;
    let email = match email.map(str::trim).filter(|email| !email.is_empty()) {
        Some(email) => Some(email_address::validate_email(email)?),
        None if state.settings.require_email => {
            return Err(AppError::validation("email", Reason::EmailRequired));
        }
        None => None,
    };
    validate_new_password(&password)?;
    validate_strength(&password, &[login])?;
    if let Some(email) = &email {
        email_address::ensure_free(&mut *state.db.pool.acquire().await?, email, None).await?;
    }
    let source = meta.source();
    let hashing = state.passwords.admit(Lane::Anonymous { source: &source })?;
    let hash = PasswordHash(hashing.hash(password).await?);
    let account = accounts::create(state, login, &hash)
        .await?
        .ok_or(AppError::LoginTaken)?;
    session.sign_in(&account).await?;
    tracing::info!(account_id = account.id, "account created");
    if let Some(address) = &email {
        let link = email_address::Link {
            account_id: account.id,
            login: &account.login,
            address,
            lang,
        };
        let mut tx = state.db.begin_write().await?;
        link.send(&mut tx, state, meta).await?;
        tx.commit().await?;
    }
    Ok(account)
}

/// Step one: login and password. Unknown logins and wrong passwords get
/// the same answer after the same work; attempts past a budget
/// (`password_attempts`) are refused before any hash. On success the
/// session gets a new id and is signed in, or only pending when the
/// account has 2FA.
pub async fn password_step(
    state: &AppState,
    session: &Session,
    login: &str,
    password: String,
    meta: &RequestMeta,
) -> Result<PasswordStep, AppError> {
    let login = validate_offered_login(login)?;
    validate_offered_password(&password)?;
    // A source this process just saw with its budget spent is refused
    // before any query, after a pause (`source_hints`), unless the browser
    // is one an account knows (its budget is its own).
    let source = meta.source();
    if session.browser_token().await.is_none()
        && let Some(refusal) = state.source_hints.refuse(&source, state.clock.now()).await
    {
        return Err(refusal);
    }

    // A login sign-up could never have accepted (a NUL byte, a space...)
    // names no account: it is not looked up (PostgreSQL refuses NUL in
    // text) and is answered like any unknown login, after the same work.
    let found = match validate_login(login) {
        Ok(login) => accounts::find_with_hash(state, login).await?,
        Err(_) => None,
    };
    let (account, stored) = match found {
        Some((account, hash)) => (Some(account), Some(hash.0)),
        None => (None, None),
    };
    let hashing = state.passwords.admit(Lane::Anonymous { source: &source })?;
    let attempt = Attempt {
        account_id: account.as_ref().map(|account| account.id),
        browser_id: known_browser(state, session, account.as_ref()).await?,
        source,
    };
    let now = state.clock.now();
    let hints = &state.source_hints;
    let reserved =
        password_attempts::reserve(&state.db, hints, attempt, Purpose::SignIn, meta, now).await?;
    let verdict = hashing.verify(password.clone(), stored).await?;
    let Some(account) = account.filter(|_| verdict != Verified::No) else {
        reserved.failed(&state.db, meta, now).await?;
        tracing::info!("sign-in refused");
        return Err(AppError::InvalidCredentials);
    };
    if verdict == Verified::YesRehash {
        let hash = PasswordHash(hashing.hash(password).await?);
        let _turn = state.db.write_turn().await;
        repo::accounts::set_password_hash(&state.db.pool, account.id, &hash).await?;
        tracing::info!(
            account_id = account.id,
            "password rehashed with current parameters"
        );
    }
    let pending = two_factor::status(state, account.id).await?.enabled;
    // The session, the attempt's success and the sign-in's event land
    // together.
    let mut tx = state.db.begin_write().await?;
    reserved.succeeded(&mut tx).await?;
    if pending {
        let moved = session.begin_pending_on(&mut tx, &account).await?;
        tx.commit().await?;
        session.adopt(moved).await;
        tracing::info!(
            account_id = account.id,
            "password accepted, second factor required"
        );
        return Ok(PasswordStep::SecondFactorRequired);
    }
    let moved = session.sign_in_on(&mut tx, &account).await?;
    let kind = SecurityEventKind::SignedInWithPassword;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    tx.commit().await?;
    session.adopt(moved).await;
    tracing::info!(account_id = account.id, "signed in with password only");
    Ok(PasswordStep::SignedIn)
}

/// The id of this browser among `account`'s known browsers, if it is one.
pub async fn known_browser(
    state: &AppState,
    session: &Session,
    account: Option<&Account>,
) -> Result<Option<i64>, AppError> {
    let (Some(account), Some(token)) = (account, session.browser_token().await) else {
        return Ok(None);
    };
    Ok(repo::known_browsers::find(&state.db.pool, account.id, &token.hash()).await?)
}
