//! The Content-Security-Policy of every page: only Twofold's own scripts
//! (the inline hydration scripts by this response's nonce, which
//! leptos_axum generates per request), styles, images and wasm; no
//! framing, plugins, `<base>` or form posts elsewhere.

use leptos::nonce::use_nonce;

/// The policy for a page whose inline scripts carry `nonce`.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; connect-src 'self'; \
         frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"
    )
}

/// Gives the page being rendered its policy, with this request's nonce.
pub fn set_for_this_page() {
    let (Some(nonce), Some(response)) = (
        use_nonce(),
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        tracing::error!("a page rendered without a nonce or response options: no CSP");
        return;
    };
    match http::HeaderValue::from_str(&policy(&nonce.to_string())) {
        Ok(value) => response.insert_header(http::header::CONTENT_SECURITY_POLICY, value),
        Err(_) => tracing::error!("the CSP is not a header value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_only_our_own_and_the_nonce() {
        let policy = policy("abc123");
        for directive in [
            "default-src 'none'",
            "script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.contains(directive), "{directive}");
        }
        assert!(!policy.contains("unsafe-inline"));
    }
}
