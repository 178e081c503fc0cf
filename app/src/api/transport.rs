//! How the server functions travel, for every function alike: the
//! arguments form-encoded in a POST, the answer as JSON read from text, and
//! in the browser one shared exchange. It knows nothing of the domain: the
//! error type is a parameter (the app's is `AppError`).

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

use http::Method;
use server_fn::client::Client;
use server_fn::client::browser::BrowserClient;
use server_fn::codec::{IntoReq, Post, PostUrl};
use server_fn::error::{FromServerFnError, IntoAppError, ServerFnErrorErr};
use server_fn::request::browser::BrowserRequest;
use server_fn::response::ClientRes;
use server_fn::{Bytes, Http, Protocol, ServerFn};
use server_fn::{ContentType, Decodes, Encodes, Format, FormatType};

/// The dashboard's action for the server function `S`: a plain `Action` in
/// the browser, `ServerAction` on the server, where it also shows the error a
/// form posted without JavaScript came back with
/// (docs/wasm-budget.md#plain-actions-in-the-browser).
pub fn action<S>() -> Action<S, Result<S::Output, S::Error>>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
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

/// The answers of every server function: JSON in the body of a POST, read
/// from text as the island's props are (docs/wasm-budget.md#answers-parsed-from-text).
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

/// How the server functions travel: the arguments form-encoded in a POST
/// (server_fn's default `PostUrl`, so a form without JavaScript can post
/// them too) and the answer as JSON, read from text ([`Json`]).
///
/// On the server this is `Http<PostUrl, Json>` itself; in the browser every
/// call goes through one shared [`exchange`]
/// (docs/wasm-budget.md#one-exchange-for-every-server-function).
pub struct Rpc;

type Standard = Http<PostUrl, Json>;

impl<Input, Output, Server, E> Protocol<Input, Output, BrowserClient, Server, E> for Rpc
where
    Standard: Protocol<Input, Output, BrowserClient, Server, E>,
    Server: server_fn::server::Server<E>,
    Input: IntoReq<PostUrl, BrowserRequest, E> + Send,
    Output: DeserializeOwned + Send,
    E: FromServerFnError + Send,
{
    const METHOD: Method = <Standard as Protocol<Input, Output, BrowserClient, Server, E>>::METHOD;

    fn run_server<F, Fut>(
        request: Server::Request,
        server_fn: F,
    ) -> impl Future<Output = Result<Server::Response, E>> + Send
    where
        F: Fn(Input) -> Fut + Send,
        Fut: Future<Output = Result<Output, E>> + Send,
    {
        <Standard as Protocol<Input, Output, BrowserClient, Server, E>>::run_server(
            request, server_fn,
        )
    }

    fn run_client(path: &str, input: Input) -> impl Future<Output = Result<Output, E>> + Send {
        let request = input.into_req(path, JsonText::CONTENT_TYPE);
        async move {
            let text = exchange(request?).await?;
            serde_json::from_str(&text).map_err(|error| {
                ServerFnErrorErr::Deserialization(error.to_string()).into_app_error()
            })
        }
    }
}

/// Sends a server function's request and answers the text of its answer,
/// or the error the server answered (a 4xx or 5xx status carries the
/// error, `AppError`). Follows a redirect the way server_fn does
/// (SignOut's). Generic only over the error type, of which the app has
/// one, so it is compiled once.
fn exchange<E: FromServerFnError + Send>(
    request: BrowserRequest,
) -> Pin<Box<dyn Future<Output = Result<String, E>> + Send>> {
    Box::pin(async move {
        let response = <BrowserClient as Client<E>>::send(request).await?;
        let status = ClientRes::<E>::status(&response);
        if (400..=599).contains(&status) {
            let body = ClientRes::<E>::try_into_bytes(response).await?;
            return Err(E::de(body));
        }
        let location = ClientRes::<E>::location(&response);
        let redirected = (300..=399).contains(&status) || ClientRes::<E>::has_redirect(&response);
        let text = ClientRes::<E>::try_into_string(response).await?;
        if redirected {
            server_fn::redirect::call_redirect_hook(&location);
        }
        Ok(text)
    })
}
