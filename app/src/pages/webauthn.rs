//! What the sign-in pages show of security keys and passkeys: a button
//! for the browser's prompt, hidden until `/webauthn.js` finds WebAuthn in
//! the browser (one without it sees nothing broken), a place for its
//! message, and the messages themselves, in the page's language, for the
//! script to show (`data-messages`).

use leptos::either::Either;
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::Lang;

/// Where `/webauthn.js` is served from (`public/`).
pub const SCRIPT: &str = "/webauthn.js";

/// Which ceremony the panel's button begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ceremony {
    /// Sign in with a passkey, on the sign-in page.
    PasskeySignIn,
    /// Use your security key, at the second step.
    SecondStep,
}

/// Whether Twofold can be a WebAuthn relying party at its public URL.
pub fn webauthn_on() -> bool {
    #[cfg(feature = "ssr")]
    return crate::server::AppState::from_context().webauthn.is_some();
    #[cfg(not(feature = "ssr"))]
    false
}

/// The messages the script may need, by the error kind it gets (and
/// `cancelled` for a prompt the person closed or that timed out).
fn messages(lang: Lang) -> String {
    let mut messages = serde_json::Map::new();
    for error in [
        AppError::SecurityKeyRefused,
        AppError::SecurityKeyCounterWentBack,
        AppError::CeremonyExpired,
        AppError::NoSecurityKey,
        AppError::WebauthnUnavailable,
        AppError::SecondFactorLocked,
        AppError::Unauthorized,
        AppError::Overloaded,
        AppError::Unavailable,
        AppError::Internal,
    ] {
        let kind = serde_json::to_value(&error).ok();
        let kind = kind.as_ref().and_then(|value| value["error"].as_str());
        if let Some(kind) = kind {
            messages.insert(kind.to_owned(), error.message(lang).into());
        }
    }
    let rate_limited = lang.t_with("errors.rate_limited", &[("seconds", "%{seconds}")]);
    messages.insert("rate_limited".into(), rate_limited.into());
    messages.insert("cancelled".into(), lang.t("webauthn.cancelled").into());
    messages.insert(
        "refused".into(),
        AppError::SecurityKeyRefused.message(lang).into(),
    );
    serde_json::Value::Object(messages).to_string()
}

/// The script's tag, with the page's nonce as every script of ours has
/// (its address alone would pass the policy's `'self'`).
#[component]
pub fn Script() -> impl IntoView {
    view! { <script src=SCRIPT defer nonce=leptos::nonce::use_nonce()></script> }
}

#[component]
pub fn WebAuthnPanel(ceremony: Ceremony, lang: Lang) -> impl IntoView {
    // The script finds its button by the attribute the ceremony names.
    let (name, button) = match ceremony {
        Ceremony::PasskeySignIn => (
            "sign-in",
            Either::Left(view! {
                <button type="button" class="secondary" hidden data-passkey="">
                    {lang.t("webauthn.passkey_sign_in")}
                </button>
            }),
        ),
        Ceremony::SecondStep => (
            "second-step",
            Either::Right(view! {
                <button type="button" class="secondary" hidden data-security-key="">
                    {lang.t("webauthn.use_security_key")}
                </button>
            }),
        ),
    };
    view! {
        <div class="webauthn stack" data-webauthn=name data-messages=messages(lang)>
            {button}
            // Hidden until the script has something to say: an empty alert
            // would be a second one beside the form's.
            <p class="form-error" role="alert" data-webauthn-error="" hidden></p>
        </div>
        <Script />
    }
}
