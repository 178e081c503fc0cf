//! The Sessions tab: every live session of the account, browser and API
//! alike, pending ones included, and signing them out. A session signed
//! out here is refused at once on every process: its row is gone (one),
//! or its epoch is old (all others).

use super::caller::Caller;
use super::dates::date_time_of;
use super::events;
use super::repo;
use super::session;
use crate::error::{AppError, Reason};
use crate::types::{SecurityEventKind, SessionView};

/// The account's live sessions, the latest used first.
pub async fn list(caller: &Caller) -> Result<Vec<SessionView>, AppError> {
    let (state, session, account, _) = caller.parts();
    let current = session.handle().await?;
    let now = state.clock.now();
    let oldest = now - state.settings.session_max_seconds;
    let rows = repo::sessions::list(&state.db.pool, account, now, oldest).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (browser, system) = describe(row.seen.user_agent.as_deref());
            SessionView {
                current: current.as_deref() == Some(row.seen.handle.as_str()),
                pending: row.stage == "pending",
                began_at: date_time_of(row.signed_in_at),
                last_used_at: date_time_of(row.seen.last_used_at),
                address: row.seen.ip,
                browser,
                system,
                handle: row.seen.handle,
            }
        })
        .collect())
}

/// Ends one other session of the account. A handle that names no live
/// session of this account (ended already, or someone else's) is
/// `SessionNotFound`; this session's own is `SessionCurrent` (Sign out
/// ends it).
pub async fn sign_out(caller: &Caller, handle: &str) -> Result<(), AppError> {
    let (state, session, account, meta) = caller.parts();
    if session.handle().await?.as_deref() == Some(handle) {
        return Err(AppError::validation("session", Reason::SessionCurrent));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // A handle is never empty (rows written by a process from before
    // handles get '' until they move): '' names no session.
    if handle.is_empty() || !repo::sessions::delete_by_handle(&mut tx, account, handle, now).await?
    {
        return Err(AppError::SessionNotFound);
    }
    let kind = SecurityEventKind::SessionSignedOut;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    tx.commit().await?;
    tracing::info!(
        account_id = account.id,
        "a session signed out from the list"
    );
    Ok(())
}

/// Ends every session of the account but this one, which carries on under
/// a new token.
pub async fn sign_out_others(caller: &Caller) -> Result<(), AppError> {
    let (state, session, account, meta) = caller.parts();
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let epoch = session::end_other_sessions(&mut tx, account).await?;
    let kind = SecurityEventKind::OtherSessionsSignedOut;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    session.continue_and_commit(tx, account, epoch).await?;
    tracing::info!(account_id = account.id, "other sessions signed out");
    Ok(())
}

/// The browser (with its major version) and the system a user agent
/// names, by woothee's patterns; `None` for what it does not know.
pub fn describe(user_agent: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(parsed) = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua)) else {
        return (None, None);
    };
    let known = |text: &str| !text.is_empty() && text != woothee::woothee::VALUE_UNKNOWN;
    let browser = known(parsed.name).then(|| {
        match parsed
            .version
            .split('.')
            .next()
            .filter(|major| known(major))
        {
            Some(major) => format!("{} {major}", parsed.name),
            None => parsed.name.to_owned(),
        }
    });
    let system = known(parsed.os).then(|| parsed.os.to_owned());
    (browser, system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_described_in_words() {
        let chromium = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 \
                        (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(
            describe(Some(chromium)),
            (Some("Chrome 131".into()), Some("Linux".into()))
        );
        let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) \
                       Gecko/20100101 Firefox/133.0";
        assert_eq!(
            describe(Some(firefox)),
            (Some("Firefox 133".into()), Some("Windows 10".into()))
        );
        assert_eq!(describe(Some("curl/8.5.0")).1, None);
        assert_eq!(describe(None), (None, None));
    }
}
