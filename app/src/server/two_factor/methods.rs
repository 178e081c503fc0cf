//! The account's two-factor methods as a list: naming, listing and
//! removing them. Removing the last one is turning 2FA off
//! ([`super::setup::disable_in`]), so an account never has 2FA on with
//! nothing to pass it.

use super::setup::disable_in;
use crate::error::AppError;
use crate::server::AppState;
use crate::server::caller::Caller;
use crate::server::dates::date_time_of;
use crate::server::events;
use crate::server::repo;
use crate::types::{MethodKind, MethodView, SecurityEventKind};
use crate::validation::validate_method_name;

/// One of the account's methods, as stored (never its secret).
pub struct Method {
    pub id: i64,
    pub kind: MethodKind,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl Method {
    /// The method a row stores; `None` (and an error logged) for a kind
    /// this version does not know.
    pub fn of_row(row: repo::methods::MethodRow) -> Option<Self> {
        let Some(kind) = MethodKind::parse(&row.kind) else {
            tracing::error!(method_id = row.id, "two-factor method of an unknown kind");
            return None;
        };
        Some(Self {
            id: row.id,
            kind,
            name: row.name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        })
    }
}

/// The account's methods, oldest first (the API's `GetAccount` lists them).
pub async fn of_account(state: &AppState, account_id: i64) -> Result<Vec<Method>, AppError> {
    let rows = repo::methods::list(&state.db.pool, account_id).await?;
    Ok(rows.into_iter().filter_map(Method::of_row).collect())
}

/// The account's methods as Settings lists them.
pub async fn list(caller: &Caller) -> Result<Vec<MethodView>, AppError> {
    let methods = of_account(&caller.state, caller.account.id).await?;
    Ok(methods
        .into_iter()
        .map(|method| MethodView {
            id: method.id,
            kind: method.kind,
            name: method.name,
            added_at: date_time_of(method.created_at),
            last_used_at: method.last_used_at.map(date_time_of),
        })
        .collect())
}

/// Gives one of the account's methods a new name.
pub async fn rename(caller: &Caller, method_id: i64, name: &str) -> Result<(), AppError> {
    let (state, _, account, meta) = caller.parts();
    let name = validate_method_name(name)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !repo::methods::rename(&mut tx, account.id, method_id, name).await? {
        return Err(AppError::MethodNotFound);
    }
    let kind = SecurityEventKind::TwoFactorMethodRenamed;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one of the account's methods; the last one turns 2FA off
/// with it (its codes, other sessions), as Disable does. The account row
/// is locked first: two tabs removing the last two methods at once leave
/// one, or none with 2FA off, never none with 2FA on.
pub async fn remove(caller: &Caller, method_id: i64) -> Result<(), AppError> {
    let (state, _, account, meta) = caller.parts();
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    repo::failures::lock_consecutive(&mut tx, account.id).await?;
    let held = repo::methods::list(&mut *tx, account.id).await?;
    if !held.iter().any(|method| method.id == method_id) {
        return Err(AppError::MethodNotFound);
    }
    if held.len() == 1 {
        return disable_in(tx, caller).await;
    }
    repo::methods::remove(&mut tx, account.id, method_id).await?;
    let kind = SecurityEventKind::TwoFactorMethodRemoved;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    tx.commit().await?;
    tracing::info!(
        account_id = account.id,
        method_id,
        "two-factor method removed"
    );
    Ok(())
}
