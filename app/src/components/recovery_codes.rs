//! A set of recovery codes with Download, Copy and Print, and the "I've
//! saved the data" checkbox that any of them ticks. The print stylesheet
//! prints only the login, the set name and date, and the codes.

use leptos::either::Either;
use leptos::prelude::*;

use super::browser::{copy_text, download_text, print};
use crate::api::two_factor::NoteRecoveryCodesDownloaded;
use crate::types::RecoveryCodes;

/// With `saved`, the panel shows the "I've saved the data" checkbox, which
/// Download and Copy tick (a new set); without it, just the codes (viewing).
#[component]
pub fn RecoveryCodesPanel(
    codes: RecoveryCodes,
    #[prop(optional)] saved: Option<RwSignal<bool>>,
) -> impl IntoView {
    let notice = RwSignal::new(None::<&'static str>);
    let text = StoredValue::new(codes.file_text());
    let plain = StoredValue::new(codes.unused_text());
    let noted = ServerAction::<NoteRecoveryCodesDownloaded>::new();

    let download = move |_| match download_text(RecoveryCodes::FILE_NAME, &text.get_value()) {
        Ok(()) => {
            if let Some(saved) = saved {
                saved.set(true);
            }
            notice.set(Some("Downloaded twofold-recovery-codes.txt"));
            noted.dispatch(NoteRecoveryCodesDownloaded {});
        }
        Err(_) => notice.set(Some("The download failed. Copy the codes instead.")),
    };
    let print_codes = move |_| match print() {
        Ok(()) => {
            if let Some(saved) = saved {
                saved.set(true);
            }
        }
        Err(_) => notice.set(Some("Printing failed. Download the codes instead.")),
    };
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            match copy_text(&plain.get_value()).await {
                Ok(()) => {
                    if let Some(saved) = saved {
                        saved.set(true);
                    }
                    notice.set(Some("Copied to the clipboard"));
                }
                Err(_) => notice.set(Some(
                    "Copying failed. Select the codes and copy them by hand.",
                )),
            }
        });
    };

    view! {
        <div class="printable">
        <p class="print-only">{format!("Twofold recovery codes for {}", codes.login)}</p>
        <p class="set-name">{format!("Set {}, generated {}", codes.set_number, codes.generated_on)}</p>
        <ol class="codes" aria-label="Recovery codes">
            {codes
                .codes
                .iter()
                .map(|entry| match &entry.used_at {
                    None => Either::Left(view! { <li><code>{entry.code.clone()}</code></li> }),
                    Some(used_at) => Either::Right(view! {
                        <li class="used">
                            <del><code>{entry.code.clone()}</code></del>
                            <span class="hint">{format!(" used {used_at}")}</span>
                        </li>
                    }),
                })
                .collect_view()}
        </ol>
        </div>
        <p class="codes-left">{format!("{} of {} codes left", codes.left(), codes.codes.len())}</p>
        <div class="actions start">
            <button type="button" class="secondary" on:click=download>"Download"</button>
            <button type="button" class="secondary" on:click=copy>"Copy"</button>
            <button type="button" class="secondary" on:click=print_codes>"Print"</button>
        </div>
        <p class="hint" role="status">{move || notice.get()}</p>
        {saved.map(|saved| view! {
            <p class="saved">
                <input type="checkbox" id="saved-the-data" bind:checked=saved />
                <label for="saved-the-data">"I've saved the data"</label>
            </p>
        })}
    }
}
