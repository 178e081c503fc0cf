//! The notes a session's dashboard shows once (the clock drift of the code
//! that signed it in, the failed sign-ins before it), forgotten as read.

use super::Session;
use super::record::Stage;
use crate::error::AppError;
use crate::server::repo;
use crate::server::repo::sessions::Note;
use crate::types::ClockDrift;

impl Session {
    /// The noted clock drift, forgotten as it is read. Only a note that is
    /// there is removed: every dashboard load would otherwise write.
    pub async fn take_clock_drift(&self) -> Result<Option<ClockDrift>, AppError> {
        let drift = self.live(Stage::SignedIn).await?.clock_drift;
        if drift.is_some() {
            self.forget(Note::ClockDrift).await?;
        }
        Ok(drift)
    }

    /// The failed sign-ins before this session's, forgotten as they are
    /// read (like the clock drift).
    pub async fn take_failed_sign_ins(&self) -> Result<Option<u32>, AppError> {
        let count = self.live(Stage::SignedIn).await?.failed_sign_ins;
        if count.is_some() {
            self.forget(Note::FailedSignIns).await?;
        }
        Ok(count)
    }

    /// This session's row, and the record this request holds, stop saying
    /// `note`.
    pub(super) async fn forget(&self, note: Note) -> Result<(), AppError> {
        let mut state = self.0.state.lock().await;
        let Some(token) = state.token.clone() else {
            return Ok(());
        };
        let db = &self.0.app.db;
        let _turn = db.write_turn().await;
        repo::sessions::forget(&db.pool, &token.hash(), note).await?;
        if let Some(Some(record)) = &mut state.record {
            match note {
                Note::Reauthentication => record.reauthenticated_at = None,
                Note::ClockDrift => record.clock_drift = None,
                Note::FailedSignIns => record.failed_sign_ins = None,
            }
        }
        Ok(())
    }
}
