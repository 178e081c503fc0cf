//! Data both sides see. Never a hash, a secret or a stored code.

use serde::{Deserialize, Serialize};

/// The signed-in account as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub login: String,
    pub two_factor_enabled: bool,
}
