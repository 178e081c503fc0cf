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

/// Percent-encodes what a query value may not hold as is.
fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
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
