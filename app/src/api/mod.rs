//! Server functions: thin wrappers that authorize, validate, call the
//! domain code in `crate::server` and map its errors for the wire.

pub mod auth;
pub mod tokens;
pub mod two_factor;

use serde::Serialize;
use serde::de::DeserializeOwned;
use server_fn::Bytes;
use server_fn::codec::Post;
use server_fn::{ContentType, Decodes, Encodes, Format, FormatType};

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
