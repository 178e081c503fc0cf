//! The unlock a password confirmation gives one session: recorded on its
//! row, good for the operator's window, ended by Lock now.

use super::Session;
use super::record::{Record, Stage};
use crate::error::AppError;
use crate::server::repo::sessions::Note;

impl Session {
    /// Records a successful password confirmation on this session, under a
    /// new token.
    pub async fn mark_reauthenticated(&self, now: i64) -> Result<(), AppError> {
        let was = self.live(Stage::SignedIn).await?;
        let record = Record {
            reauthenticated_at: Some(now),
            ..was
        };
        self.move_alone(record, Some(Stage::SignedIn)).await
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

    /// Lock now: sensitive actions need the password again.
    pub async fn lock(&self) -> Result<(), AppError> {
        self.live(Stage::SignedIn).await?;
        self.forget(Note::Reauthentication).await
    }
}
