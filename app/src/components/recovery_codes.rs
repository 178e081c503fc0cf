//! A set of recovery codes with Download, Copy and Print, and the "I've
//! saved the data" checkbox that any of them ticks. The print stylesheet
//! prints only the login, the set name and date, and the codes.

use leptos::either::Either;
use leptos::prelude::*;

use super::browser::{copy_text, download_text, print};
use crate::api::recovery::note_recovery_codes_downloaded;
use crate::i18n::use_lang;
use crate::types::RecoveryCodes;

/// With `saved`, the panel shows the "I've saved the data" checkbox, which
/// Download, Copy and Print tick (a new set); without it, just the codes
/// (viewing).
#[component]
pub fn RecoveryCodesPanel(
    codes: RecoveryCodes,
    #[prop(optional)] saved: Option<RwSignal<bool>>,
) -> impl IntoView {
    let lang = use_lang();
    // What the last Download, Copy or Print did (empty until then).
    let notice = RwSignal::new(String::new());
    let text = StoredValue::new(codes.file_text(lang));
    let plain = StoredValue::new(codes.unused_text());
    let mark_saved = move || {
        if let Some(saved) = saved {
            saved.set(true);
        }
    };
    let say = move |key: &str| notice.set(lang.t(key));

    let download = move |_| match download_text(RecoveryCodes::FILE_NAME, &text.get_value()) {
        Ok(()) => {
            mark_saved();
            notice.set(lang.t_with("codes.downloaded", &[("file", RecoveryCodes::FILE_NAME)]));
            // For the security activity; the download happened either way.
            leptos::task::spawn_local(async {
                let _ = note_recovery_codes_downloaded().await;
            });
        }
        Err(_) => say("codes.download_failed"),
    };
    let print_codes = move |_| match print() {
        Ok(()) => mark_saved(),
        Err(_) => say("codes.print_failed"),
    };
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            match copy_text(&plain.get_value()).await {
                Ok(()) => {
                    mark_saved();
                    say("codes.copied");
                }
                Err(_) => say("codes.copy_failed"),
            }
        });
    };

    let left = lang.t_with(
        "codes.left",
        &[
            ("left", &codes.left().to_string()),
            ("total", &codes.codes.len().to_string()),
        ],
    );
    view! {
        <div class="printable">
        <p class="print-only">{lang.t_with("codes.print_title", &[("login", &codes.login)])}</p>
        <p class="set-name">{codes.set_name(lang)}</p>
        <ol class="codes" aria-label=lang.t("codes.list_label")>
            {codes
                .codes
                .iter()
                .map(|entry| match &entry.used_at {
                    None => Either::Left(view! { <li><code>{entry.code.clone()}</code></li> }),
                    Some(used_at) => Either::Right(view! {
                        <li class="used">
                            <del><code>{entry.code.clone()}</code></del>
                            <span class="hint">" " {lang.t_with("codes.used", &[("at", used_at)])}</span>
                        </li>
                    }),
                })
                .collect_view()}
        </ol>
        </div>
        <p class="codes-left">{left}</p>
        <div class="actions start">
            <button type="button" class="secondary" on:click=download>{lang.t("codes.download")}</button>
            <button type="button" class="secondary" on:click=copy>{lang.t("codes.copy")}</button>
            <button type="button" class="secondary" on:click=print_codes>{lang.t("codes.print")}</button>
        </div>
        <p class="hint" role="status">{move || notice.get()}</p>
        {saved.map(|saved| view! {
            <p class="saved">
                <input type="checkbox" id="saved-the-data" bind:checked=saved />
                <label for="saved-the-data">{lang.t("codes.saved")}</label>
            </p>
        })}
    }
}
