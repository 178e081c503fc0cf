//! English and Bahasa Indonesia. The texts live in `app/locales/*.yml`,
//! files a translator can edit; rust-i18n compiles them into both the
//! server and the wasm. The server picks the language of each request (the
//! `twofold_lang` cookie the switcher sets, then `Accept-Language`, then
//! English) and renders in it; the dashboard island gets it as a prop, so
//! the page never flashes the other language.

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
        let values = |name| {
            headers
                .get_all(name)
                .into_iter()
                .filter_map(|value| value.to_str().ok())
        };
        values(http::header::COOKIE)
            .find_map(Self::from_cookie_header)
            .or_else(|| {
                Self::best_of(values(http::header::ACCEPT_LANGUAGE).flat_map(|v| v.split(',')))
            })
            .unwrap_or_default()
    }

    /// The text for `key`.
    pub fn t(self, key: &str) -> String {
        crate::_rust_i18n_try_translate(self.code(), key)
            .map_or_else(|| key.to_owned(), |text| text.into_owned())
    }

    /// The text for `key` with its `%{name}` placeholders filled.
    pub fn t_with(self, key: &str, args: &[(&str, &str)]) -> String {
        let names: Vec<&str> = args.iter().map(|(name, _)| *name).collect();
        let values: Vec<String> = args.iter().map(|(_, value)| (*value).to_owned()).collect();
        rust_i18n::replace_patterns(&self.t(key), &names, &values)
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

        // Keys written in the source: `.t("…")`, `.t_with("…"` and
        // `validation(field, "reason")`.
        let mut used = std::collections::BTreeSet::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for marker in [".t(\"", ".t_with(\"", "t(lang, \""] {
                for (at, _) in source.match_indices(marker) {
                    let rest = &source[at + marker.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key.contains('.') && !key.contains(' ') {
                        used.insert(key.to_owned());
                    }
                }
            }
            for (at, _) in source.match_indices("AppError::validation(\"") {
                // The second argument is the reason: `validation.<reason>`.
                let mut quoted = source[at..].split('"').skip(1).step_by(2);
                let (_field, reason) = (quoted.next().unwrap(), quoted.next().unwrap());
                used.insert(format!("validation.{reason}"));
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
