//! The browser's device cookie as a session sees it: the token the browser
//! presented, and at a finished sign-in the browser remembered for the
//! account (`known_browsers`), with a new token issued if it had none.

use super::record::Record;
use crate::error::AppError;
use crate::server::bearer::BrowserToken;
use crate::server::events::RequestMeta;
use crate::server::mail::{self, MailKind};
use crate::server::password_attempts;
use crate::server::repo::{self, Conn};

/// The device cookie a browser presented, and one issued to it since.
#[derive(Default)]
pub(super) struct BrowserCookie {
    pub(super) presented: Option<BrowserToken>,
    pub(super) issued: Option<BrowserToken>,
}

impl BrowserCookie {
    /// The cookie's value as presented; a malformed one counts as none.
    pub(super) fn presented(value: Option<&str>) -> Self {
        Self {
            presented: value.and_then(BrowserToken::parse),
            issued: None,
        }
    }

    /// A sign-in of `record`'s account finished, in `conn`'s transaction:
    /// this browser is remembered for the account, and the failed sign-ins
    /// since the last one go on the record for the dashboard. Answers the
    /// new token to issue, if the browser had none (the cookie is set only
    /// once the transaction commits, `Session::adopt`). A browser that
    /// never signed in to the account before is told of by mail.
    pub(super) async fn signed_in(
        &self,
        conn: &mut Conn,
        record: &mut Record,
        meta: &RequestMeta,
        now: i64,
    ) -> Result<Option<BrowserToken>, AppError> {
        let account_id = record.account.id;
        let (token, issued) = match &self.presented {
            Some(token) => (token.clone(), None),
            None => {
                let new = BrowserToken::generate();
                (new.clone(), Some(new))
            }
        };
        if !repo::known_browsers::is_known(conn, account_id, &token.hash()).await? {
            mail::notify(conn, account_id, MailKind::NewBrowser, meta, now).await?;
        }
        repo::known_browsers::remember(conn, account_id, &token.hash(), now).await?;
        record.failed_sign_ins = password_attempts::take_failed_sign_ins(conn, account_id).await?;
        Ok(issued)
    }
}
