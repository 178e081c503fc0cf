//! The named steps a session moves through: signing in, pending its
//! second factor, finishing it, carrying on after a change to the
//! account. Each writes the new record under a new token through
//! [`Session::move_on`] (on a caller's transaction, the `*_on` ones) or
//! [`Session::move_alone`].

use super::Session;
use super::record::{Moved, PENDING_SECONDS, Record, Stage};
use crate::error::AppError;
use crate::server::accounts::Account;
use crate::server::db::WriteTx;
use crate::server::repo::Conn;
use crate::types::ClockDrift;

impl Session {
    /// Signs `account` in on this session under a new token, on `conn`: a
    /// token seen before sign-in (by a network observer, or planted) is
    /// dead.
    pub async fn sign_in_on(&self, conn: &mut Conn, account: &Account) -> Result<Moved, AppError> {
        self.move_on(conn, Record::signed_in(account, self.now()), None)
            .await
    }

    /// [`Self::sign_in_on`], on its own.
    pub async fn sign_in(&self, account: &Account) -> Result<(), AppError> {
        self.move_alone(Record::signed_in(account, self.now()), None)
            .await
    }

    /// The password was right; the second factor is still to come. The
    /// session can do nothing but finish signing in, within ten minutes:
    /// written on `conn`, the transaction that counts the password right.
    pub async fn begin_pending_on(
        &self,
        conn: &mut Conn,
        account: &Account,
    ) -> Result<Moved, AppError> {
        let now = self.now();
        let record = Record {
            stage: Stage::Pending,
            expires_at: now + PENDING_SECONDS,
            ..Record::signed_in(account, now)
        };
        self.move_on(conn, record, None).await
    }

    /// Signs this pending session in under a new token on `conn`, the
    /// transaction that accepts the factor, noting the code's clock drift
    /// for the dashboard: the factor is spent if and only if the sign-in
    /// lands.
    pub async fn finish_pending_on(
        &self,
        conn: &mut Conn,
        account: &Account,
        clock_drift: Option<ClockDrift>,
    ) -> Result<Moved, AppError> {
        let record = Record {
            clock_drift,
            ..Record::signed_in(account, self.now())
        };
        self.move_on(conn, record, Some(Stage::Pending)).await
    }

    /// Carries this signed-in session on under a new token at
    /// `session_epoch`, on `conn`: the transaction of a change that ended
    /// the account's other sessions ([`end_other_sessions`]).
    pub async fn continue_on(
        &self,
        conn: &mut Conn,
        account: &Account,
        session_epoch: i64,
    ) -> Result<Moved, AppError> {
        let account = Account {
            session_epoch,
            ..account.clone()
        };
        let record = Record::signed_in(&account, self.now());
        self.move_on(conn, record, Some(Stage::SignedIn)).await
    }

    /// [`Self::continue_on`] in `tx`, which is then committed: the change
    /// and this session's move land together, and the client gets its new
    /// token.
    pub async fn continue_and_commit(
        &self,
        mut tx: WriteTx,
        account: &Account,
        session_epoch: i64,
    ) -> Result<(), AppError> {
        let moved = self.continue_on(&mut tx, account, session_epoch).await?;
        tx.commit().await?;
        self.adopt(moved).await;
        Ok(())
    }
}
