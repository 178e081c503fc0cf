//! Change Password: the current password (counted in the account's
//! password budget, like the pop-up), the new one twice. The new one must
//! pass the strength rule with the login and the old password as words an
//! attacker tries first. On success every other session of the account
//! ends, this one carries on under a new token, other browsers lose their
//! own password budget, and outstanding reset links stop working.

use super::caller::Caller;
use super::events;
use super::password::Lane;
use super::reauth;
use super::repo::{self, accounts::PasswordHash};
use super::session;
use super::strength::validate_strength;
use crate::error::{AppError, Reason};
use crate::types::SecurityEventKind;
use crate::validation::{validate_offered_password, validate_repeated_password};

/// The form's three fields, as typed.
pub struct Change {
    pub current: String,
    pub new: String,
    pub again: String,
}

pub async fn change(caller: &Caller, change: Change) -> Result<(), AppError> {
    let (state, session, account, meta) = caller.parts();
    let Change {
        current,
        new,
        again,
    } = change;
    // What needs no hash is judged first, so a form with a typo costs
    // no password attempt.
    validate_offered_password(&current).map_err(|e| e.for_field("current_password"))?;
    validate_new(&current, &new, &again)?;
    validate_strength(&new, &[&account.login, &current])
        .map_err(|e| e.for_field("new_password"))?;
    reauth::check_password(caller, current).await?;

    let hash = PasswordHash(state.passwords.admit(Lane::SignedIn)?.hash(new).await?);
    let browser = session.browser_token().await.map(|token| token.hash());
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let epoch = session::end_other_sessions(&mut tx, account).await?;
    repo::accounts::set_password_hash(&mut *tx, account.id, &hash).await?;
    repo::known_browsers::forget_others(&mut tx, account.id, browser.as_deref()).await?;
    repo::password_resets::delete_for(&mut tx, account.id).await?;
    let kind = SecurityEventKind::PasswordChanged;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    session.continue_and_commit(tx, account, epoch).await?;
    tracing::info!(account_id = account.id, "password changed");
    Ok(())
}

/// The new password's own rules: long enough, typed twice alike, not the
/// current one.
fn validate_new(current: &str, new: &str, again: &str) -> Result<(), AppError> {
    validate_repeated_password(new, again, NEW_FIELDS)?;
    if new == current {
        return Err(AppError::validation(
            "new_password",
            Reason::PasswordUnchanged,
        ));
    }
    Ok(())
}

/// The form's fields for the new password and its repetition.
const NEW_FIELDS: (&str, &str) = ("new_password", "new_password_again");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_password_is_judged_before_any_hash() {
        let old = "lantern quietly orbit marmalade";
        let new = "copper violin under moss";
        assert_eq!(validate_new(old, new, new), Ok(()));
        assert_eq!(
            validate_new(old, new, "copper violin under mos"),
            Err(AppError::validation(
                "new_password_again",
                Reason::PasswordMismatch
            ))
        );
        assert_eq!(
            validate_new(old, old, old),
            Err(AppError::validation(
                "new_password",
                Reason::PasswordUnchanged
            ))
        );
        assert_eq!(
            validate_new(old, "short", "short"),
            Err(AppError::validation(
                "new_password",
                Reason::PasswordTooShort
            ))
        );
    }
}
