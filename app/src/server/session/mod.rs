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
//! password confirmation, a 2FA change) moves the session to a new token
//! in the one statement that writes its new state. A service that changes
//! the account moves the session in its own transaction (the `*_on`
//! methods), so a code or a recovery code is never spent without signing
//! in, and a change never lands without its session.
//!
//! Writes happen when they are made, not when the request ends; the cookie
//! layer (in the server crate) only tells the browser which token this
//! handle ended with. The named steps (sign in, pending, finish, carry on)
//! are in `steps.rs`; this module is the machinery they share.

mod browser;
mod notes;
mod record;
mod steps;
mod unlock;

use std::sync::Arc;

use tokio::sync::Mutex;

use browser::BrowserCookie;
use record::EXTEND_EVERY_SECONDS;
pub use record::{IDLE_SECONDS, Moved, PENDING_SECONDS};
use record::{Record, Replacing, Stage};

use super::AppState;
use super::accounts::Account;
use super::bearer::{BrowserToken, SessionToken};
use super::db::Db;
use super::events::RequestMeta;
use super::repo::sessions::Seen;
use super::repo::{self, Conn};
use crate::error::AppError;

/// What the client must be told about its token when the request ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieChange {
    Keep,
    /// The token, and how many seconds the cookie should live.
    Set(SessionToken, i64),
    Clear,
}

/// The request's session: shared by the cookie layer and the handlers.
#[derive(Clone)]
pub struct Session(Arc<Shared>);

struct Shared {
    app: AppState,
    /// Where the request came from: written down at sign-in and with each
    /// move of the idle expiry, for the Sessions tab.
    meta: RequestMeta,
    state: Mutex<State>,
}

struct State {
    /// The token the client presented, or the one issued since.
    token: Option<SessionToken>,
    /// `None` until looked up; then the live record, if there is one.
    record: Option<Option<Record>>,
    cookie: CookieChange,
    /// The browser's device cookie; `None` for an API client, which has
    /// no cookies.
    browser: Option<BrowserCookie>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session(..)")
    }
}

/// Moves the account's session epoch on, so every session but the one the
/// caller carries on (with the returned epoch, [`Session::continue_on`])
/// is dead, on every process.
///
/// Compare-and-set against the epoch the caller's session carries: if
/// another change ended this session meanwhile, this one fails instead of
/// reviving it.
pub async fn end_other_sessions(conn: &mut Conn, account: &Account) -> Result<i64, AppError> {
    repo::accounts::bump_session_epoch(conn, account.id, account.session_epoch)
        .await?
        .ok_or(AppError::Unauthorized)
}

impl Session {
    /// The session of a browser's cookies (the session's value and the
    /// device cookie's, if presented), or a new, empty one. A malformed
    /// token is never looked up, and its cookie is cleared.
    pub fn new(
        app: &AppState,
        presented: Option<&str>,
        browser: Option<&str>,
        meta: RequestMeta,
    ) -> Self {
        let token = presented.and_then(SessionToken::parse);
        let cookie = if presented.is_some() && token.is_none() {
            tracing::warn!("malformed session token refused");
            CookieChange::Clear
        } else {
            CookieChange::Keep
        };
        let browser = Some(BrowserCookie::presented(browser));
        Self::with(app, token, cookie, browser, meta)
    }

    /// The session `token` names (an API bearer token, parsed), or a new,
    /// empty one.
    pub fn of_token(app: &AppState, token: Option<SessionToken>, meta: RequestMeta) -> Self {
        Self::with(app, token, CookieChange::Keep, None, meta)
    }

    fn with(
        app: &AppState,
        token: Option<SessionToken>,
        cookie: CookieChange,
        browser: Option<BrowserCookie>,
        meta: RequestMeta,
    ) -> Self {
        Self(Arc::new(Shared {
            app: app.clone(),
            meta,
            state: Mutex::new(State {
                token,
                record: None,
                cookie,
                browser,
            }),
        }))
    }

    /// The device cookie the browser presented, if well formed.
    pub async fn browser_token(&self) -> Option<BrowserToken> {
        let state = self.0.state.lock().await;
        state.browser.as_ref()?.presented.clone()
    }

    /// A device cookie issued to the browser by this request's sign-in.
    pub async fn issued_browser_token(&self) -> Option<BrowserToken> {
        let state = self.0.state.lock().await;
        state.browser.as_ref()?.issued.clone()
    }

    /// The token the client holds once this request is done, if any.
    pub async fn token(&self) -> Option<SessionToken> {
        self.0.state.lock().await.token.clone()
    }

    pub async fn cookie_change(&self) -> CookieChange {
        self.0.state.lock().await.cookie.clone()
    }

    /// Whether this request found a live session (signed in or pending):
    /// what it answers is about that session, and no cache may keep it.
    pub async fn was_live(&self) -> bool {
        matches!(self.0.state.lock().await.record, Some(Some(_)))
    }

    fn now(&self) -> i64 {
        self.0.app.clock.now()
    }

    /// The session's use by this request, as the Sessions tab shows it.
    fn seen_now(&self, handle: String, now: i64) -> Seen {
        let meta = &self.0.meta;
        Seen {
            handle,
            last_used_at: now,
            ip: meta.ip.map(|ip| ip.to_canonical().to_string()),
            user_agent: meta.user_agent.clone(),
        }
    }

    /// The handle of this request's live session, if any: the row the
    /// Sessions tab marks "This browser".
    pub async fn handle(&self) -> Result<Option<String>, AppError> {
        let mut state = self.0.state.lock().await;
        Ok(self
            .record(&mut state)
            .await?
            .map(|record| record.seen.handle))
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
        let now = self.now();
        let db = &self.0.app.db;
        let oldest = now - self.0.app.settings.session_max_seconds;
        let row = repo::sessions::load(&db.pool, &token.hash(), now, oldest).await?;
        let mut record = row.map(Record::from_row).transpose()?;
        if let Some(live) = &mut record
            && live.stage == Stage::SignedIn
            && live.expires_at - now < IDLE_SECONDS - EXTEND_EVERY_SECONDS
        {
            let seen = self.seen_now(live.seen.handle.clone(), now);
            let _turn = db.write_turn().await;
            // Not extended: another request moved it on or replaced it.
            let expires_at = now + IDLE_SECONDS;
            if repo::sessions::extend(&db.pool, &token.hash(), expires_at, &seen).await? {
                live.expires_at = expires_at;
                live.seen = seen;
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

    /// Makes a session moved in a transaction that has committed this
    /// request's session: the client gets its token.
    pub async fn adopt(&self, moved: Moved) {
        let max_age = match moved.record.stage {
            Stage::Pending => PENDING_SECONDS,
            Stage::SignedIn => IDLE_SECONDS,
        };
        let mut state = self.0.state.lock().await;
        state.cookie = CookieChange::Set(moved.token.clone(), max_age);
        state.token = Some(moved.token);
        state.record = Some(Some(moved.record));
        if let (Some(cookie), Some(issued)) = (&mut state.browser, moved.browser) {
            cookie.issued = Some(issued);
        }
    }

    /// Writes `record` on `conn` under a new token, in place of what the
    /// presented token names (a fresh sign-in) or, with `stage`, of this
    /// live session as this request read it, which must be `record`'s
    /// account.
    ///
    /// A move never looks the session up: its caller may hold the write
    /// turn, which a lookup that extends the expiry would wait for. The
    /// request reads its session first (the guards in `api` do).
    ///
    /// A move that finishes a sign-in (to `SignedIn`, from no session or a
    /// pending one) remembers the browser for the account, issuing it a
    /// device cookie if it has none, and takes the failed sign-ins the
    /// dashboard is to tell of. A signed-in session carried on keeps when
    /// it signed in.
    async fn move_on(
        &self,
        conn: &mut Conn,
        mut record: Record,
        stage: Option<Stage>,
    ) -> Result<Moved, AppError> {
        let state = self.0.state.lock().await;
        let now = self.now();
        let replacing = match (stage, &state.record, &state.token) {
            (None, _, token) => Replacing::Whatever(token.as_ref()),
            (Some(_), None, _) => {
                tracing::error!("a session was moved before this request read it");
                return Err(AppError::Internal);
            }
            (Some(stage), Some(Some(was)), Some(token))
                if was.stage == stage && was.account.id == record.account.id =>
            {
                if stage == Stage::SignedIn {
                    record.signed_in_at = was.signed_in_at;
                }
                record.seen.handle.clone_from(&was.seen.handle);
                Replacing::Live(token, was)
            }
            (Some(_), Some(_), _) => return Err(AppError::Unauthorized),
        };
        record.seen = self.seen_now(std::mem::take(&mut record.seen.handle), now);
        let finishes_sign_in = record.stage == Stage::SignedIn && stage != Some(Stage::SignedIn);
        let issued = match (finishes_sign_in, &state.browser) {
            (true, Some(browser)) => {
                browser
                    .signed_in(conn, &mut record, &self.0.meta, now)
                    .await?
            }
            _ => None,
        };
        let mut moved = record::write(conn, replacing, record, now).await?;
        moved.browser = issued;
        Ok(moved)
    }

    /// `move_on` on a connection of its own, adopted at once.
    async fn move_alone(&self, record: Record, stage: Option<Stage>) -> Result<(), AppError> {
        if let Some(stage) = stage {
            // Read before the write turn is taken (see `move_on`).
            self.live(stage).await?;
        }
        let db = &self.0.app.db;
        let _turn = db.write_turn().await;
        let mut conn = db.pool.acquire().await?;
        let moved = self.move_on(&mut conn, record, stage).await?;
        self.adopt(moved).await;
        Ok(())
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

    /// Ends the session: its row is deleted and the cookie is cleared, so
    /// the token is refused from now on.
    pub async fn sign_out(&self) -> Result<(), AppError> {
        let mut state = self.0.state.lock().await;
        if let Some(token) = state.token.take() {
            let db = &self.0.app.db;
            let _turn = db.write_turn().await;
            repo::sessions::delete(&db.pool, &token.hash()).await?;
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

/// Deletes a batch of rows of dead sessions: expired, past the absolute
/// lifetime (`max_seconds` after they signed in), or ended by a change of
/// the account's epoch (they are refused already; this only keeps the
/// table small). Answers how many went.
pub async fn delete_dead(db: &Db, now: i64, max_seconds: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(repo::sessions::delete_dead(&db.pool, now, now - max_seconds, batch).await?)
}
