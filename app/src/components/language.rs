//! The language switcher in the top bar: plain links, so it works without
//! JavaScript. `/language/{code}` remembers the choice in a cookie and
//! sends the person back to `next`, rendered in the new language.

use leptos::prelude::*;

use crate::i18n::{Lang, use_lang};

#[component]
pub fn LanguageSwitcher(
    /// The page to come back to (a path on this site).
    next: &'static str,
) -> impl IntoView {
    let current = use_lang();
    view! {
        <nav class="languages" aria-label=current.t("language.label")>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <a
                            class="standalone"
                            href=format!("/language/{}?next={}", lang.code(), encode_path(next))
                            hreflang=lang.code()
                            lang=lang.code()
                            aria-current=(lang == current).then_some("true")
                        >
                            {lang.native_name()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// Everything but unreserved characters and `/` is encoded in a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// `next` as a query value.
fn encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_paths_are_encoded_for_the_query() {
        assert_eq!(super::encode_path("/login"), "/login");
        assert_eq!(
            super::encode_path("/login/verify?method=recovery"),
            "/login/verify%3Fmethod%3Drecovery"
        );
    }
}
