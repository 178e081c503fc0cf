//! Server functions: thin wrappers that authorize, validate, call the
//! domain code in `crate::server` and map its errors for the wire.

pub mod auth;
pub mod tokens;
pub mod two_factor;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use server_fn::codec::Post;
use server_fn::{Bytes, ServerFn};
use server_fn::{ContentType, Decodes, Encodes, Format, FormatType};

use crate::error::AppError;

/// The dashboard's action for the server function `S`.
///
/// `ServerAction::new` also starts with the error a form posted without
/// JavaScript came back with (`?__err=`), which the router provides. The
/// router renders pages on the server only: in the browser the island has
/// none, so that decoder (with base64) was compiled into the wasm and never
/// ran. On the server this is `ServerAction`, which still shows that error
/// in a page rendered after such a post (sign-out without JavaScript).
pub fn action<S>() -> Action<S, Result<S::Output, AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    #[cfg(feature = "ssr")]
    {
        *ServerAction::<S>::new()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Action::new(|input: &S| S::run_on_client(input.clone()))
    }
}

/// The answers of every server function: JSON in the body of a POST, as
/// server_fn's own `Json`, but read from text. The island reads its props
/// from text too, so a type the browser receives both ways (the account)
/// is parsed by one copy of serde_json's code instead of two (one for
/// text, one for bytes).
pub type Json = Post<JsonText>;

pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(value).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = String;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(|error| error.to_string())?;
        serde_json::from_str(text).map_err(|error| error.to_string())
    }
}

#[cfg(feature = "ssr")]
mod context {
    use crate::server::session::Session;

    use crate::error::AppError;
    use crate::server::accounts::Account;
    use crate::server::{AppState, session};

    /// The state, the session and its signed-in account, or `Unauthorized`.
    pub async fn signed_in() -> Result<(AppState, Session, Account), AppError> {
        let state = AppState::from_context();
        let session = session::from_request().await?;
        let account = session.current_account().await?;
        Ok((state, session, account))
    }
}

#[cfg(feature = "ssr")]
pub(crate) use context::signed_in;
