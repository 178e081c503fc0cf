//! A request from a signed-in account, as the services that change the
//! account take it: what they work with, and the session they carry on.
//! The guards in `api` build it from the session they have just read, so
//! `account` is that session's account.

use super::AppState;
use super::accounts::Account;
use super::events::RequestMeta;
use super::session::Session;

pub struct Caller {
    pub state: AppState,
    pub session: Session,
    pub account: Account,
    /// Where the request came from, for the security activity.
    pub meta: RequestMeta,
}

impl Caller {
    /// Every part, borrowed, for a service that uses them all.
    pub fn parts(&self) -> (&AppState, &Session, &Account, &RequestMeta) {
        (&self.state, &self.session, &self.account, &self.meta)
    }
}
