//! HTML fragments the server renders for the dashboard's read-only lists
//! (answered by server functions in `api`, put in place by
//! `components::ServerHtml`): their view code stays on the server
//! (docs/wasm-budget.md). Both sides may import this module; the views
//! themselves exist only on the server.

#[cfg(feature = "ssr")]
mod activity;
#[cfg(feature = "ssr")]
mod methods;
#[cfg(feature = "ssr")]
mod sessions;
#[cfg(feature = "ssr")]
mod tokens;

#[cfg(feature = "ssr")]
pub use activity::ActivityList;
#[cfg(feature = "ssr")]
pub use methods::MethodTable;
#[cfg(feature = "ssr")]
pub use sessions::SessionTable;
#[cfg(feature = "ssr")]
pub use tokens::TokenTable;

/// What a Revoke button in the tokens table carries: the token's id, for
/// the Access tokens tab's one click handler.
pub const REVOKE: &str = "data-revoke";

/// What a Sign out button in the sessions table carries: the session's
/// handle, for the Sessions tab's one click handler.
pub const SIGN_OUT: &str = "data-sign-out";

/// What the methods table's buttons carry, for the panel's one click
/// handler: Rename the method's id (and `data-name` its name), Remove its
/// id (and `data-last` whether it is the account's only one).
pub const RENAME_METHOD: &str = "data-rename";
pub const METHOD_NAME: &str = "data-name";
pub const REMOVE_METHOD: &str = "data-remove";
pub const LAST_METHOD: &str = "data-last";

/// Renders a view to HTML, for a `ServerHtml` panel.
#[cfg(feature = "ssr")]
pub fn render(view: impl leptos::prelude::IntoView) -> String {
    use leptos::prelude::RenderHtml;
    view.into_view().to_html()
}
