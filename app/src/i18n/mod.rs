//! English and Bahasa Indonesia. The texts live in `app/locales/*.yml`,
//! files a translator can edit; rust-i18n compiles them into the server.
//! The server picks the language of each request (the `twofold_lang`
//! cookie the switcher sets, then `Accept-Language`, then English) and
//! renders in it. The dashboard island gets the language and that
//! language's texts as props ([`Texts`]), so the page never flashes the
//! other language and the wasm carries neither catalogue nor rust-i18n
//! (docs/wasm-budget.md#texts-sent-as-a-prop). Every sentence built from
//! data is in `wording.rs`.

mod wording;

use std::borrow::Cow;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Id,
}

impl Lang {
    pub const ALL: [Self; 2] = [Self::En, Self::Id];
    /// Remembers the switcher's choice.
    pub const COOKIE: &'static str = "twofold_lang";

    /// The BCP 47 tag, as in `<html lang>` and the locale files' names.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Id => "id",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Id => "Bahasa Indonesia",
        }
    }

    /// From a language tag such as `id`, `id-ID` or `en-GB` (`in` is the
    /// old code for Indonesian).
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "id" | "in" => Some(Self::Id),
            _ => None,
        }
    }

    /// The language of ours an `Accept-Language` header prefers most (by
    /// quality; the first listed among equals).
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        Self::best_of(accept_language.split(','))
    }

    /// The preferred language among `Accept-Language` entries
    /// (`id-ID;q=0.9`).
    fn best_of<'a>(entries: impl Iterator<Item = &'a str>) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for entry in entries {
            let mut parts = entry.split(';');
            let Some(lang) = parts.next().and_then(Self::from_tag) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .unwrap_or(0.0);
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// The switcher's choice in a `Cookie` header.
    pub fn from_cookie_header(cookies: &str) -> Option<Self> {
        cookies.split(';').find_map(|cookie| {
            let (name, value) = cookie.trim().split_once('=')?;
            (name == Self::COOKIE)
                .then(|| Self::from_tag(value))
                .flatten()
        })
    }

    /// A request's language: the switcher's cookie, then `Accept-Language`,
    /// then English.
    #[cfg(feature = "ssr")]
    /// Reads the headers in place (every request of the API pays for it):
    /// no copies, each header possibly sent more than once.
    pub fn of_request(headers: &http::HeaderMap) -> Self {
        crate::server::cookie_headers(headers)
            .find_map(|cookies| Self::from_cookie_header(&cookies))
            .or_else(|| {
                Self::best_of(
                    headers
                        .get_all(http::header::ACCEPT_LANGUAGE)
                        .into_iter()
                        .filter_map(|value| value.to_str().ok())
                        .flat_map(|value| value.split(',')),
                )
            })
            .unwrap_or_default()
    }

    /// The text for `key`.
    #[cfg(feature = "ssr")]
    pub fn t(self, key: &str) -> String {
        crate::_rust_i18n_try_translate(self.code(), key)
            .map_or_else(|| key.to_owned(), |text| text.into_owned())
    }

    /// The text for `key`; in the browser, from the texts the island was
    /// given, which are its page's language.
    #[cfg(not(feature = "ssr"))]
    pub fn t(self, key: &str) -> String {
        let _ = self;
        ISLAND_TEXTS
            .with_borrow(|texts| {
                let at = texts.binary_search_by(|(k, _)| k.as_ref().cmp(key)).ok()?;
                Some(texts[at].1.clone().into_owned())
            })
            .unwrap_or_else(|| key.to_owned())
    }

    /// The text for `key` with each `%{name}` placeholder filled, in one
    /// pass: a value that itself contains `%{...}` is left as it is.
    pub fn t_with(self, key: &str, args: &[(&str, &str)]) -> String {
        let template = self.t(key);
        let mut filled = String::with_capacity(template.len());
        let mut rest = template.as_str();
        while let Some(start) = rest.find("%{") {
            filled.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let named = after.find('}').and_then(|end| {
                let value = args.iter().find(|(name, _)| *name == &after[..end])?.1;
                Some((value, end))
            });
            match named {
                Some((value, end)) => {
                    filled.push_str(value);
                    rest = &after[end + 1..];
                }
                None => {
                    filled.push_str("%{");
                    rest = after;
                }
            }
        }
        filled.push_str(rest);
        filled
    }
}

/// The texts only the server uses: JSON errors' and mail's.
#[cfg(feature = "ssr")]
const SERVER_ONLY: [&str; 2] = ["api.", "mail."];

/// One language's texts, sent with the island (the [`SERVER_ONLY`] ones
/// stay on the server), sorted by key for a binary search in
/// the browser (docs/wasm-budget.md#texts-sent-as-a-prop). The server lends
/// its compiled-in texts; the browser owns what it read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Texts(Vec<(Cow<'static, str>, Cow<'static, str>)>);

#[cfg(not(feature = "ssr"))]
thread_local! {
    static ISLAND_TEXTS: std::cell::RefCell<Vec<(Cow<'static, str>, Cow<'static, str>)>> =
        std::cell::RefCell::default();
}

impl Texts {
    #[cfg(feature = "ssr")]
    pub fn of(lang: Lang) -> Self {
        let mut texts: Vec<_> = crate::_rust_i18n_backend()
            .messages_for_locale(lang.code())
            .unwrap_or_default()
            .into_iter()
            .filter(|(key, _)| !SERVER_ONLY.iter().any(|only| key.starts_with(only)))
            .collect();
        // Sorted by key, for the browser's binary search.
        texts.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Self(texts)
    }

    /// Only the server holds the catalogues.
    #[cfg(not(feature = "ssr"))]
    pub fn of(_lang: Lang) -> Self {
        Self::default()
    }

    /// Makes these the texts `Lang::t` answers in the browser. The server
    /// renders from its catalogues and keeps nothing.
    pub fn install(self) {
        #[cfg(not(feature = "ssr"))]
        ISLAND_TEXTS.set(self.0);
    }
}

/// The language of the page being rendered: provided per request on the
/// server, and by the island's prop in the browser.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// On the server, the language of the request being rendered.
#[cfg(feature = "ssr")]
pub fn request_lang() -> Lang {
    use_context::<http::request::Parts>()
        .map(|parts| Lang::of_request(&parts.headers))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_our_preferred_language() {
        assert_eq!(Lang::negotiate("id-ID,id;q=0.9,en;q=0.8"), Some(Lang::Id));
        assert_eq!(Lang::negotiate("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::negotiate("fr-FR, id;q=0.5, en;q=0.7"), Some(Lang::En));
        assert_eq!(Lang::negotiate("de, in;q=0.2"), Some(Lang::Id));
        assert_eq!(Lang::negotiate("en;q=0, id;q=0.1"), Some(Lang::Id));
        assert_eq!(Lang::negotiate("fr, de"), None);
        assert_eq!(Lang::negotiate(""), None);
        assert_eq!(Lang::negotiate("id;q=nonsense"), None);
    }

    #[test]
    fn the_cookie_names_the_choice() {
        assert_eq!(
            Lang::from_cookie_header("id=1; twofold_lang=id; other=en"),
            Some(Lang::Id)
        );
        assert_eq!(Lang::from_cookie_header("twofold_lang=xx"), None);
        assert_eq!(Lang::from_cookie_header("lang=id"), None);
    }

    #[test]
    fn a_cookie_that_is_not_ascii_does_not_hide_the_choice() {
        // UTF-8 and Latin-1 bytes, as browsers send another site's cookie.
        for header in [
            &b"theme=caf\xc3\xa9; twofold_lang=id"[..],
            b"theme=caf\xe9; twofold_lang=id",
        ] {
            let mut headers = http::HeaderMap::new();
            headers.insert(
                http::header::COOKIE,
                http::HeaderValue::from_bytes(header).unwrap(),
            );
            headers.insert(
                http::header::ACCEPT_LANGUAGE,
                http::HeaderValue::from_static("en"),
            );
            assert_eq!(Lang::of_request(&headers), Lang::Id);
        }
    }

    #[test]
    fn placeholders_are_filled_in_both_languages() {
        assert_eq!(
            Lang::En.t_with("dashboard.welcome", &[("login", "ana")]),
            "Welcome, ana"
        );
        assert_eq!(
            Lang::Id.t_with("dashboard.welcome", &[("login", "ana")]),
            "Selamat datang, ana"
        );
    }

    /// Every key is in both languages, and every key the code names exists.
    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_kept() {
        let fill = |args: &[(&str, &str)]| Lang::En.t_with("dashboard.welcome", args);
        assert_eq!(fill(&[("login", "%{login}")]), "Welcome, %{login}");
        assert_eq!(fill(&[("other", "x")]), "Welcome, %{login}");
    }

    #[test]
    fn the_island_gets_one_language_without_the_api_texts() {
        let texts = Texts::of(Lang::Id).0;
        let welcome = texts.iter().find(|(key, _)| key == "dashboard.welcome");
        assert_eq!(welcome.unwrap().1, "Selamat datang, %{login}");
        assert!(texts.iter().any(|(key, _)| key.starts_with("validation.")));
        assert!(texts.iter().all(|(key, _)| !key.starts_with("api.")));
        // The browser finds a text by binary search: sorted, each key once.
        assert!(texts.windows(2).all(|pair| pair[0].0 < pair[1].0));
        let english = Texts::of(Lang::En).0;
        assert_eq!(english.len(), texts.len());
    }

    #[test]
    fn both_languages_have_every_key() {
        let keys = |lang: Lang| -> std::collections::BTreeSet<String> {
            crate::_rust_i18n_backend()
                .messages_for_locale(lang.code())
                .unwrap_or_else(|| panic!("no {} texts", lang.code()))
                .into_iter()
                .map(|(key, _)| key.into_owned())
                .collect()
        };
        let english = keys(Lang::En);
        let indonesian = keys(Lang::Id);
        let only_en: Vec<_> = english.difference(&indonesian).collect();
        let only_id: Vec<_> = indonesian.difference(&english).collect();
        assert!(only_en.is_empty(), "missing in id.yml: {only_en:?}");
        assert!(only_id.is_empty(), "missing in en.yml: {only_id:?}");
        for key in &english {
            assert!(
                !Lang::Id.t(key).trim().is_empty(),
                "{key} is empty in id.yml"
            );
        }

        // Keys written in the source of both crates: every string literal
        // that starts with a section of the locale files (`"errors.…"`,
        // `"api.…"`), and `validation.<reason>` for every reason.
        let sections: std::collections::BTreeSet<&str> = english
            .iter()
            .filter_map(|key| key.split('.').next())
            .collect();
        let mut used: std::collections::BTreeSet<String> = crate::error::Reason::ALL
            .iter()
            .map(|reason| format!("validation.{}", reason.as_str()))
            .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack = vec![root.join("src"), root.join("../server/src")];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            // Each quote may open a key: read up to the next quote.
            for (at, _) in source.match_indices('"') {
                let rest = &source[at + 1..];
                let Some(end) = rest.find('"') else { continue };
                let literal = &rest[..end];
                let is_key = literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
                // A prefix such as `"api."` names no key.
                if is_key
                    && !literal.ends_with('.')
                    && let Some((section, _)) = literal.split_once('.')
                    && sections.contains(section)
                {
                    used.insert(literal.to_owned());
                }
            }
        }
        assert!(used.len() > 100, "found only {} keys", used.len());
        let unknown: Vec<_> = used.difference(&english).collect();
        assert!(
            unknown.is_empty(),
            "used but not in the locale files: {unknown:?}"
        );
    }
}
