//! Use your security key: the second sign-in step answered by one of the
//! account's security keys or passkeys. The ceremony is begun for the
//! pending session and bound to it; its answer goes through the same gate
//! as a code (`two_factor::second_step`): the throttle, the hard cap, one
//! transaction in which the credential's counter moves on exactly when
//! the sign-in lands.

use webauthn_rs::prelude::{
    Credential, PublicKeyCredential, SecurityKey, SecurityKeyAuthentication,
};

use super::ceremony::{self, BeganBy, Purpose};
use super::{
    CeremonyStart, counter_went_back, credential_of, parse_response, refused, relying_party, start,
    stored,
};
use crate::error::AppError;
use crate::server::AppState;
use crate::server::accounts::Account;
use crate::server::db::WriteTx;
use crate::server::repo;
use crate::server::session::Session;

/// Who may answer: the pending session that asked, for its account.
async fn began_by(session: &Session, account: &Account) -> Result<BeganBy, AppError> {
    Ok(BeganBy {
        account_id: Some(account.id),
        session: session.handle().await?,
    })
}

/// The browser's options for asking any of the account's security keys
/// and passkeys, and the ceremony's handle.
pub async fn begin(state: &AppState, session: &Session) -> Result<CeremonyStart, AppError> {
    let account = session.pending_account().await?;
    let rp = relying_party(state)?.webauthn();
    let rows = repo::methods::credentials(&state.db.pool, account.id).await?;
    if rows.is_empty() {
        return Err(AppError::NoSecurityKey);
    }
    let keys = rows
        .iter()
        .map(|row| credential_of(row).map(SecurityKey::from))
        .collect::<Result<Vec<_>, _>>()?;
    let (options, authentication) = rp
        .start_securitykey_authentication(&keys)
        .map_err(refused)?;
    let began = began_by(session, &account).await?;
    let now = state.clock.now();
    let handle = ceremony::store(
        &state.db,
        Purpose::SecondStep,
        &began,
        None,
        &authentication,
        now,
    )
    .await?;
    start(&options, &handle)
}

/// A ceremony taken for its answer, before the attempt's transaction.
pub struct Answer {
    authentication: SecurityKeyAuthentication,
    /// The browser's answer, or why it cannot be one (counted as a failed
    /// attempt).
    response: Result<PublicKeyCredential, AppError>,
}

/// Takes this session's ceremony `handle` (it is spent whatever follows)
/// and reads the browser's answer. A ceremony that expired, was answered
/// already or is another session's is no attempt: start again.
pub async fn take(
    state: &AppState,
    session: &Session,
    account: &Account,
    handle: &str,
    response: &str,
) -> Result<Answer, AppError> {
    let began = began_by(session, account).await?;
    let now = state.clock.now();
    let authentication =
        ceremony::take(&state.db, handle, Purpose::SecondStep, &began, now).await?;
    Ok(Answer {
        authentication,
        response: parse_response(response),
    })
}

/// Checks the answer inside the attempt's transaction: the outer result
/// is for failures of our own, the inner one the refusal to record. On
/// success the credential's counter and last use are written in `tx`.
pub async fn check(
    state: &AppState,
    tx: &mut WriteTx,
    account_id: i64,
    answer: Answer,
    now: i64,
) -> Result<Result<(), AppError>, AppError> {
    let rp = relying_party(state)?.webauthn();
    let response = match answer.response {
        Ok(response) => response,
        Err(error) => return Ok(Err(error)),
    };
    let result = match rp.finish_securitykey_authentication(&response, &answer.authentication) {
        Ok(result) => result,
        Err(error) => return Ok(Err(refused(error))),
    };
    // The library allowed only the account's credentials; find which.
    for row in repo::methods::credentials(&mut **tx, account_id).await? {
        let credential = credential_of(&row)?;
        if credential.cred_id != *result.cred_id() {
            continue;
        }
        // The library judged the counter against the copy taken when the
        // ceremony began; a clone may have signed in since.
        if counter_went_back(credential.counter, result.counter()) {
            return Ok(Err(AppError::SecurityKeyCounterWentBack));
        }
        let mut key = SecurityKey::from(credential);
        key.update_credential(&result);
        let updated = stored(&Credential::from(key))?;
        if !repo::methods::record_use(tx, row.id, &row.credential, &updated, now).await? {
            // Another sign-in with this key landed meanwhile.
            return Ok(Err(AppError::SecurityKeyRefused));
        }
        return Ok(Ok(()));
    }
    // Removed while the browser asked.
    Ok(Err(AppError::SecurityKeyRefused))
}
