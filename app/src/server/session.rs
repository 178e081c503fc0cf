//! Sessions: who is signed in, on this request.
//!
//! A session is a row of `sessions`, found by the SHA-256 of a random
//! 256-bit token that only the client holds (in the cookie, or as an API
//! bearer token): a copy of the table opens no session. The row names the
//! account and the account's session epoch when the session began; a row
//! whose epoch no longer matches the account's is dead, so bumping the
//! epoch ends every session of an account at once, on every process.
//!
//! After a correct password on an account with 2FA the session is only
//! *pending*: for ten minutes it names the account for the second step,
//! and nothing else accepts it. Each step (password, second factor,
//! password confirmation) moves the session to a new token in the one
//! statement that writes its new state. The second factor's step writes it
//! in the transaction that accepts the factor, so a code or a recovery code
//! is never spent without signing in.
//!
//! Writes happen when they are made, not when the request ends; the cookie
//! layer (in the server crate) only tells the browser which token this
//! handle ended with.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row};
use tokio::sync::Mutex;

use super::AppState;
use super::accounts::{self, Account};
use super::crypto::{random_token, token_hash};
use super::db::{Db, Uncommitted};
use super::two_factor::Changed;
use crate::error::AppError;
use crate::types::ClockDrift;

/// A session ends after this long without a request.
pub const IDLE_SECONDS: i64 = 12 * 60 * 60;

/// A pending sign-in must be finished within this time.
pub const PENDING_SECONDS: i64 = 10 * 60;

/// A used session's expiry moves on at most this often: one write per
/// session every few minutes, not one per request.
const EXTEND_EVERY_SECONDS: i64 = 5 * 60;

const TOKEN_BYTES: usize = 32;
const TOKEN_CHARS: usize = 43;

/// The secret a client holds: 256 random bits, base64url. Only its hash is
/// stored, and it is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    fn generate() -> Self {
        Self(random_token::<TOKEN_BYTES>())
    }

    /// A well-formed token, or `None`: anything else is never looked up.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != TOKEN_CHARS {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        (bytes.len() == TOKEN_BYTES).then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> Vec<u8> {
        token_hash(&self.0)
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The password was right; the second factor is still to come.
    Pending,
    SignedIn,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::SignedIn => "signed_in",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "signed_in" => Some(Self::SignedIn),
            _ => None,
        }
    }
}

fn drift_as_str(drift: ClockDrift) -> &'static str {
    match drift {
        ClockDrift::Ahead => "ahead",
        ClockDrift::Behind => "behind",
    }
}

fn drift_parse(text: &str) -> Option<ClockDrift> {
    match text {
        "ahead" => Some(ClockDrift::Ahead),
        "behind" => Some(ClockDrift::Behind),
        _ => None,
    }
}

/// What a live session says, with its account.
#[derive(Debug, Clone)]
struct Record {
    account: Account,
    stage: Stage,
    reauthenticated_at: Option<i64>,
    /// A note for the dashboard to show once: the code just accepted
    /// matched a neighbouring time step.
    clock_drift: Option<ClockDrift>,
    expires_at: i64,
}

impl Record {
    fn signed_in(account: &Account, now: i64) -> Self {
        Self {
            account: account.clone(),
            stage: Stage::SignedIn,
            reauthenticated_at: None,
            clock_drift: None,
            expires_at: now + IDLE_SECONDS,
        }
    }

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, AppError> {
        let stage: String = row.try_get("stage")?;
        let drift: Option<String> = row.try_get("clock_drift")?;
        Ok(Self {
            account: accounts::account_from(row)?,
            stage: Stage::parse(&stage).ok_or(AppError::Internal)?,
            reauthenticated_at: row.try_get("reauthenticated_at")?,
            clock_drift: drift.as_deref().and_then(drift_parse),
            expires_at: row.try_get("expires_at")?,
        })
    }
}

/// The live session of a token: unexpired, and of the account's current
/// epoch. Its account comes in the same statement.
const LOAD: &str = "SELECT a.id, a.login, a.session_epoch, s.stage, s.reauthenticated_at,
                           s.clock_drift, s.expires_at
                    FROM sessions s
                    JOIN accounts a ON a.id = s.account_id AND a.session_epoch = s.epoch
                    WHERE s.id_hash = $1 AND s.expires_at > $2";

/// The statements that write a session row take its values as $1..$7.
const INSERT: &str = "INSERT INTO sessions (id_hash, account_id, epoch, stage,
                          reauthenticated_at, clock_drift, expires_at)
                      VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// Moves the row of the token hashed in $8 to new values.
macro_rules! move_row {
    () => {
        "UPDATE sessions SET id_hash = $1, account_id = $2, epoch = $3, stage = $4,
             reauthenticated_at = $5, clock_drift = $6, expires_at = $7
         WHERE id_hash = $8"
    };
}
const MOVE: &str = move_row!();
/// `MOVE`, only if the row is still as the request read it.
const MOVE_AS_READ: &str = concat!(
    move_row!(),
    " AND stage = $9 AND epoch = $10 AND expires_at > $11"
);

/// `sql` with the values of `token`'s row bound as $1..$7.
fn with_row<'q>(sql: &'q str, token: &Token, record: &Record) -> Query<'q, Any, AnyArguments<'q>> {
    sqlx::query(sql)
        .bind(token.hash())
        .bind(record.account.id)
        .bind(record.account.session_epoch)
        .bind(record.stage.as_str())
        .bind(record.reauthenticated_at)
        .bind(record.clock_drift.map(drift_as_str))
        .bind(record.expires_at)
}

/// What the client must be told about its token when the request ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieChange {
    Keep,
    /// The token, and how many seconds the cookie should live.
    Set(Token, i64),
    Clear,
}

/// A session written in a caller's transaction, for this request once that
/// transaction has committed.
#[derive(Debug)]
struct Issued {
    token: Token,
    record: Record,
}

/// The row a new token takes over.
enum Replacing<'a> {
    /// A fresh sign-in: the presented token's row, whatever its state, if
    /// there is one; otherwise a new row.
    Whatever(Option<&'a Token>),
    /// This live session, as this request read it. If it moved to another
    /// token, ended or expired meanwhile, nothing is written and the
    /// request is refused: a rotation never revives a session, and two
    /// requests on one token cannot both carry it on.
    Live(&'a Token, &'a Record),
}

const FORGET_REAUTHENTICATION: &str =
    "UPDATE sessions SET reauthenticated_at = NULL WHERE id_hash = $1";
const FORGET_CLOCK_DRIFT: &str = "UPDATE sessions SET clock_drift = NULL WHERE id_hash = $1";

/// The request's session: shared by the cookie layer and the handlers.
#[derive(Clone)]
pub struct Session(Arc<Shared>);

struct Shared {
    app: AppState,
    state: Mutex<State>,
}

struct State {
    /// The token the client presented, or the one issued since.
    token: Option<Token>,
    /// `None` until looked up; then the live record, if there is one.
    record: Option<Option<Record>>,
    cookie: CookieChange,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session(..)")
    }
}

impl Session {
    /// The session of a presented cookie value, or a new, empty one. A
    /// malformed token is never looked up, and its cookie is cleared.
    pub fn new(app: &AppState, presented: Option<&str>) -> Self {
        let token = presented.and_then(Token::parse);
        let cookie = if presented.is_some() && token.is_none() {
            tracing::warn!("malformed session token refused");
            CookieChange::Clear
        } else {
            CookieChange::Keep
        };
        Self::with(app, token, cookie)
    }

    /// The session `token` names (an API bearer token, parsed), or a new,
    /// empty one.
    pub fn of_token(app: &AppState, token: Option<Token>) -> Self {
        Self::with(app, token, CookieChange::Keep)
    }

    fn with(app: &AppState, token: Option<Token>, cookie: CookieChange) -> Self {
        Self(Arc::new(Shared {
            app: app.clone(),
            state: Mutex::new(State {
                token,
                record: None,
                cookie,
            }),
        }))
    }

    /// The token the client holds once this request is done, if any.
    pub async fn token(&self) -> Option<Token> {
        self.0.state.lock().await.token.clone()
    }

    pub async fn cookie_change(&self) -> CookieChange {
        self.0.state.lock().await.cookie.clone()
    }

    /// The live record, looked up once per request. A session in use has
    /// its idle expiry moved on (every few minutes at most), and its cookie
    /// with it.
    ///
    /// The cookie of a token that names no live session is left alone: a
    /// request still carrying a token that another one has just replaced
    /// must not clear the new token from the browser. It opens nothing.
    async fn record(&self, state: &mut State) -> Result<Option<Record>, AppError> {
        if let Some(record) = &state.record {
            return Ok(record.clone());
        }
        let Some(token) = state.token.clone() else {
            state.record = Some(None);
            return Ok(None);
        };
        let now = self.0.app.clock.now();
        let row = sqlx::query(LOAD)
            .bind(token.hash())
            .bind(now)
            .fetch_optional(&self.0.app.db.pool)
            .await?;
        let mut record = row.as_ref().map(Record::from_row).transpose()?;
        if let Some(live) = &mut record
            && live.stage == Stage::SignedIn
            && live.expires_at - now < IDLE_SECONDS - EXTEND_EVERY_SECONDS
        {
            let _turn = self.0.app.db.write_turn().await;
            let extended = sqlx::query(
                "UPDATE sessions SET expires_at = $1 WHERE id_hash = $2 AND expires_at < $1",
            )
            .bind(now + IDLE_SECONDS)
            .bind(token.hash())
            .execute(&self.0.app.db.pool)
            .await?
            .rows_affected();
            // Not extended: another request moved it on or replaced it.
            if extended == 1 {
                live.expires_at = now + IDLE_SECONDS;
                state.cookie = CookieChange::Set(token, IDLE_SECONDS);
            }
        }
        state.record = Some(record.clone());
        Ok(record)
    }

    async fn live(&self, stage: Stage) -> Result<Record, AppError> {
        let mut state = self.0.state.lock().await;
        self.record(&mut state)
            .await?
            .filter(|record| record.stage == stage)
            .ok_or(AppError::Unauthorized)
    }

    /// This live session's token and record, as this request read them.
    async fn live_with_token(&self, stage: Stage) -> Result<(Token, Record), AppError> {
        let record = self.live(stage).await?;
        let token = self.token().await.ok_or(AppError::Unauthorized)?;
        Ok((token, record))
    }

    /// Writes `record` as this session under a new token, on `conn`, in
    /// place of `replacing`.
    async fn issue_on(
        conn: &mut AnyConnection,
        replacing: Replacing<'_>,
        record: Record,
        now: i64,
    ) -> Result<Issued, AppError> {
        let token = Token::generate();
        let moved = match replacing {
            Replacing::Whatever(None) => 0,
            Replacing::Whatever(Some(old)) => with_row(MOVE, &token, &record)
                .bind(old.hash())
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            Replacing::Live(old, was) => {
                let moved = with_row(MOVE_AS_READ, &token, &record)
                    .bind(old.hash())
                    .bind(was.stage.as_str())
                    .bind(was.account.session_epoch)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                if moved != 1 {
                    tracing::info!("session changed by another request; refused");
                    return Err(AppError::Unauthorized);
                }
                moved
            }
        };
        if moved == 0 {
            with_row(INSERT, &token, &record)
                .execute(&mut *conn)
                .await?;
        }
        Ok(Issued { token, record })
    }

    fn adopt(state: &mut State, issued: Issued) {
        let max_age = match issued.record.stage {
            Stage::Pending => PENDING_SECONDS,
            Stage::SignedIn => IDLE_SECONDS,
        };
        state.cookie = CookieChange::Set(issued.token.clone(), max_age);
        state.token = Some(issued.token);
        state.record = Some(Some(issued.record));
    }

    /// Writes `record` as this session under a new token, on its own: in
    /// place of the live session `was` (its token and record, as this
    /// request read them), or of whatever the presented token names.
    async fn replace(&self, record: Record, was: Option<(Token, Record)>) -> Result<(), AppError> {
        let mut state = self.0.state.lock().await;
        let replacing = match &was {
            Some((token, record)) => Replacing::Live(token, record),
            None => Replacing::Whatever(state.token.as_ref()),
        };
        let _turn = self.0.app.db.write_turn().await;
        let mut conn = self.0.app.db.pool.acquire().await?;
        let issued = Self::issue_on(&mut conn, replacing, record, self.0.app.clock.now()).await?;
        Self::adopt(&mut state, issued);
        Ok(())
    }

    /// Commits `change` with this live session moved to a new token as
    /// `record`, in the change's transaction: both land, or neither.
    async fn commit_with<T>(
        &self,
        stage: Stage,
        record: Record,
        mut change: Uncommitted<T>,
    ) -> Result<T, AppError> {
        let (token, was) = self.live_with_token(stage).await?;
        let replacing = Replacing::Live(&token, &was);
        let issued =
            Self::issue_on(&mut change.tx, replacing, record, self.0.app.clock.now()).await?;
        let value = change.commit().await?;
        Self::adopt(&mut *self.0.state.lock().await, issued);
        Ok(value)
    }

    /// Signs `account` in on this session, under a new token: a token seen
    /// before sign-in (by a network observer, or planted) is dead.
    pub async fn sign_in(&self, account: &Account) -> Result<(), AppError> {
        self.replace(Record::signed_in(account, self.0.app.clock.now()), None)
            .await
    }

    /// The password was right; the second factor is still to come. The
    /// session can do nothing but finish signing in, within ten minutes.
    pub async fn begin_pending(&self, account: &Account) -> Result<(), AppError> {
        let record = Record {
            stage: Stage::Pending,
            expires_at: self.0.app.clock.now() + PENDING_SECONDS,
            ..Record::signed_in(account, 0)
        };
        self.replace(record, None).await
    }

    /// Commits an accepted second factor with this pending session signed
    /// in under a new token (noting the code's clock drift for the
    /// dashboard), in the factor's transaction: the factor is spent if and
    /// only if the sign-in lands.
    pub async fn finish_pending<T>(
        &self,
        account: &Account,
        clock_drift: Option<ClockDrift>,
        accepted: Uncommitted<T>,
    ) -> Result<T, AppError> {
        let record = Record {
            clock_drift,
            ..Record::signed_in(account, self.0.app.clock.now())
        };
        self.commit_with(Stage::Pending, record, accepted).await
    }

    /// Commits `change`, which ended the account's other sessions, with
    /// this session carried on under a new token at the epoch the change
    /// set, in the change's transaction: both land, or neither.
    pub async fn continue_with<T>(
        &self,
        account: &Account,
        change: Uncommitted<Changed<T>>,
    ) -> Result<T, AppError> {
        let account = Account {
            session_epoch: change.value.session_epoch,
            ..account.clone()
        };
        let record = Record::signed_in(&account, self.0.app.clock.now());
        let changed = self.commit_with(Stage::SignedIn, record, change).await?;
        Ok(changed.value)
    }

    /// The signed-in account, or `Unauthorized` (a pending sign-in included).
    pub async fn current_account(&self) -> Result<Account, AppError> {
        Ok(self.live(Stage::SignedIn).await?.account)
    }

    /// The account of a pending sign-in, or `Unauthorized` if there is none
    /// or it expired.
    pub async fn pending_account(&self) -> Result<Account, AppError> {
        Ok(self.live(Stage::Pending).await?.account)
    }

    /// Records a successful password confirmation on this session, under a
    /// new token.
    pub async fn mark_reauthenticated(&self, now: i64) -> Result<(), AppError> {
        let (token, was) = self.live_with_token(Stage::SignedIn).await?;
        let record = Record {
            reauthenticated_at: Some(now),
            ..was.clone()
        };
        self.replace(record, Some((token, was))).await
    }

    /// Sensitive actions need a password confirmation on this very session
    /// within the last `max_age` seconds.
    pub async fn require_reauthenticated(&self, now: i64, max_age: i64) -> Result<(), AppError> {
        self.reauthenticated_at(now, max_age)
            .await?
            .map(|_| ())
            .ok_or(AppError::ReauthRequired)
    }

    /// When this session last confirmed the password, if that confirmation
    /// still unlocks sensitive actions: the one rule for the window.
    async fn reauthenticated_at(&self, now: i64, max_age: i64) -> Result<Option<i64>, AppError> {
        Ok(self
            .live(Stage::SignedIn)
            .await?
            .reauthenticated_at
            .filter(|at| *at <= now && now - at <= max_age))
    }

    /// Seconds left before sensitive actions lock again, or `None` if they
    /// are locked.
    pub async fn unlocked_for(&self, now: i64, max_age: i64) -> Result<Option<u32>, AppError> {
        Ok(self
            .reauthenticated_at(now, max_age)
            .await?
            .map(|at| max_age - (now - at))
            .filter(|left| *left > 0)
            .and_then(|left| u32::try_from(left).ok()))
    }

    /// Runs one of the `FORGET_` statements on this session's row, and
    /// `forget` on the record this request holds.
    async fn forget(&self, sql: &'static str, forget: fn(&mut Record)) -> Result<(), AppError> {
        let mut state = self.0.state.lock().await;
        let Some(token) = state.token.clone() else {
            return Ok(());
        };
        let _turn = self.0.app.db.write_turn().await;
        sqlx::query(sql)
            .bind(token.hash())
            .execute(&self.0.app.db.pool)
            .await?;
        if let Some(Some(record)) = &mut state.record {
            forget(record);
        }
        Ok(())
    }

    /// Lock now: sensitive actions need the password again.
    pub async fn lock(&self) -> Result<(), AppError> {
        self.live(Stage::SignedIn).await?;
        self.forget(FORGET_REAUTHENTICATION, |record| {
            record.reauthenticated_at = None
        })
        .await
    }

    /// The noted clock drift, forgotten as it is read. Only a note that is
    /// there is removed: every dashboard load would otherwise write.
    pub async fn take_clock_drift(&self) -> Result<Option<ClockDrift>, AppError> {
        let drift = self.live(Stage::SignedIn).await?.clock_drift;
        if drift.is_some() {
            self.forget(FORGET_CLOCK_DRIFT, |record| record.clock_drift = None)
                .await?;
        }
        Ok(drift)
    }

    /// Ends the session: its row is deleted and the cookie is cleared, so
    /// the token is refused from now on.
    pub async fn sign_out(&self) -> Result<(), AppError> {
        let mut state = self.0.state.lock().await;
        if let Some(token) = state.token.take() {
            let _turn = self.0.app.db.write_turn().await;
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(token.hash())
                .execute(&self.0.app.db.pool)
                .await?;
        }
        state.record = Some(None);
        state.cookie = CookieChange::Clear;
        Ok(())
    }
}

/// The request's session, put there by the cookie layer.
pub async fn from_request() -> Result<Session, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Session>().cloned())
        .ok_or_else(|| {
            tracing::error!("session layer missing");
            AppError::Internal
        })
}

/// Deletes the rows of dead sessions: expired, or ended by a change of the
/// account's epoch (they are refused already; this only keeps the table
/// small). Answers how many went.
pub async fn delete_dead(db: &Db, now: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1
             OR epoch <> (SELECT session_epoch FROM accounts WHERE id = sessions.account_id)",
    )
    .bind(now)
    .execute(&db.pool)
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_and_parse_back() {
        let token = Token::generate();
        assert_eq!(token.as_str().len(), TOKEN_CHARS);
        assert_eq!(Token::parse(token.as_str()), Some(token.clone()));
        assert_ne!(Token::generate(), token);
        assert_eq!(format!("{token:?}"), "Token(..)");
    }

    #[test]
    fn malformed_tokens_are_refused_before_any_lookup() {
        let good = Token::generate();
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
            assert_eq!(Token::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn stages_and_drifts_read_back_what_is_written() {
        for stage in [Stage::Pending, Stage::SignedIn] {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
        for drift in [ClockDrift::Ahead, ClockDrift::Behind] {
            assert_eq!(drift_parse(drift_as_str(drift)), Some(drift));
        }
        assert_eq!(Stage::parse("admin"), None);
    }
}
