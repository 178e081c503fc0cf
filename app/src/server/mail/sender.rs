//! The sender: every process runs one. It claims due mails from the
//! outbox under a lease (so two processes never send one mail), sends each,
//! and marks it sent; a mail server that is down or slow is tried again
//! with a growing pause, for a day, after which the failure is recorded in
//! the account's activity. A process killed after the change committed
//! leaves its mail due: another sender, or this one after a restart, sends
//! it. A process killed between sending and marking may send that one mail
//! again once its lease runs out; it carries the same Message-ID.

use std::time::Duration;

use super::compose::{self, Written};
use super::notify::{Details, MailKind};
use super::transport::SendError;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::server::AppState;
use crate::server::crypto::Purpose;
use crate::server::db::Db;
use crate::server::events;
use crate::server::repo::{self, outbox::Claimed};
use crate::server::request_meta::RequestMeta;
use crate::types::SecurityEventKind;

/// How long a sender holds a claimed mail: far longer than one SMTP
/// conversation may take (`--smtp-timeout`, at most a minute).
pub const LEASE_SECONDS: i64 = 10 * 60;

/// A mail not out a day after it was written is given up on.
pub const GIVE_UP_SECONDS: i64 = 24 * 60 * 60;

/// How often each process looks for due mail.
pub const POLL: Duration = Duration::from_secs(1);

/// Mails claimed at once.
const BATCH: i64 = 20;

/// For as long as the process runs, sends what is due.
pub async fn send_forever(state: AppState) {
    let mut every = tokio::time::interval(POLL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        send_due(&state).await;
    }
}

/// Sends every mail due now; answers how many went out.
pub async fn send_due(state: &AppState) -> usize {
    let mut sent = 0;
    loop {
        let now = state.clock.now();
        let claimed = {
            let _turn = state.db.write_turn().await;
            repo::outbox::claim(
                &state.db.pool,
                state.db.backend,
                now,
                now + LEASE_SECONDS,
                BATCH,
            )
            .await
        };
        let batch = match claimed {
            Ok(batch) if batch.is_empty() => return sent,
            Ok(batch) => batch,
            Err(error) => {
                tracing::warn!(%error, "mail outbox not reachable; trying again soon");
                return sent;
            }
        };
        for mail in batch {
            if deliver(state, mail).await {
                sent += 1;
            }
        }
    }
}

/// Deletes a batch of mails sent or given up on before `before`.
pub async fn delete_done(db: &Db, before: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(repo::outbox::delete_done(&db.pool, before, batch).await?)
}

/// The pause before the `attempts + 1`th try: 30 seconds, doubling, at
/// most an hour.
pub fn backoff(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    (30 * 2_i64.pow(doublings)).min(60 * 60)
}

async fn deliver(state: &AppState, mail: Claimed) -> bool {
    let message = written(state, &mail)
        .and_then(|written| written.message(&state.mailer.from, &mail.recipient, &mail.message_id));
    let message = match message {
        Ok(message) => message,
        Err(reason) => {
            give_up(state, &mail, &reason).await;
            return false;
        }
    };
    match state.mailer.send(message).await {
        Ok(()) => {
            let now = state.clock.now();
            let _turn = state.db.write_turn().await;
            if let Err(error) = repo::outbox::mark_sent(&state.db.pool, mail.id, now).await {
                tracing::error!(%error, mail_id = mail.id, "mail sent but not marked sent");
            }
            tracing::info!(mail_id = mail.id, kind = %mail.kind, "mail sent");
            true
        }
        Err(SendError::Permanent(reason)) => {
            give_up(state, &mail, &reason).await;
            false
        }
        Err(SendError::Transient(reason)) => {
            let now = state.clock.now();
            if now - mail.created_at >= GIVE_UP_SECONDS {
                give_up(state, &mail, &reason).await;
                return false;
            }
            let due_at = now + backoff(mail.attempts);
            tracing::warn!(mail_id = mail.id, %reason, due_at, "mail server did not take the mail; trying again later");
            let _turn = state.db.write_turn().await;
            if let Err(error) =
                repo::outbox::retry_at(&state.db.pool, mail.id, due_at, &reason).await
            {
                tracing::error!(%error, mail_id = mail.id, "mail retry not recorded; its lease will run out");
            }
            false
        }
    }
}

/// The words of a claimed mail, with its link opened.
fn written(state: &AppState, mail: &Claimed) -> Result<Written, String> {
    let kind = MailKind::parse(&mail.kind).ok_or_else(|| format!("unknown kind {}", mail.kind))?;
    let lang = Lang::from_tag(&mail.language).unwrap_or_default();
    let details: Details =
        serde_json::from_str(&mail.details).map_err(|e| format!("details: {e}"))?;
    let link = match (&mail.sealed_link, mail.account_id) {
        (None, _) => None,
        (Some(sealed), Some(account_id)) => {
            let opened = state
                .vault
                .open(Purpose::MailLink, account_id, sealed)
                .map_err(|_| "link does not open".to_owned())?;
            Some(String::from_utf8(opened.to_vec()).map_err(|_| "link not text".to_owned())?)
        }
        (Some(_), None) => return Err("the account was deleted".to_owned()),
    };
    Ok(compose::write(kind, lang, &details, link.as_deref()))
}

/// The mail will not go out: marked so, and (when its account still
/// exists) recorded in the activity, in one transaction.
async fn give_up(state: &AppState, mail: &Claimed, reason: &str) {
    tracing::warn!(mail_id = mail.id, kind = %mail.kind, %reason, "mail given up on");
    let now = state.clock.now();
    let recorded = async {
        let mut tx = state.db.begin_write().await?;
        repo::outbox::mark_failed(&mut tx, mail.id, now, reason).await?;
        if let Some(account_id) = mail.account_id {
            let kind = SecurityEventKind::MailNotDelivered;
            events::record(&mut tx, account_id, kind, &RequestMeta::default(), now).await?;
        }
        tx.commit().await?;
        Ok::<_, AppError>(())
    };
    if let Err(error) = recorded.await {
        tracing::error!(
            ?error,
            mail_id = mail.id,
            "giving up on a mail not recorded; its lease will run out"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_up_to_an_hour() {
        let pauses: Vec<i64> = (1..=10).map(backoff).collect();
        assert_eq!(pauses, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }
}
