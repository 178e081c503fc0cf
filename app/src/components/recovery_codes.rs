//! A set of recovery codes with Download and Copy, and the "I've saved the
//! data" checkbox that either of them ticks.

use leptos::prelude::*;

use super::browser::{copy_text, download_text};
use crate::types::RecoveryCodes;

#[component]
pub fn RecoveryCodesPanel(codes: RecoveryCodes, saved: RwSignal<bool>) -> AnyView {
    let notice = RwSignal::new(None::<&'static str>);
    let text = StoredValue::new(codes.file_text());
    let plain = StoredValue::new(codes.codes.join("\n"));

    let download = move |_| match download_text(RecoveryCodes::FILE_NAME, &text.get_value()) {
        Ok(()) => {
            saved.set(true);
            notice.set(Some("Downloaded twofold-recovery-codes.txt"));
        }
        Err(_) => notice.set(Some("The download failed. Copy the codes instead.")),
    };
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            match copy_text(&plain.get_value()).await {
                Ok(()) => {
                    saved.set(true);
                    notice.set(Some("Copied to the clipboard"));
                }
                Err(_) => notice.set(Some(
                    "Copying failed. Select the codes and copy them by hand.",
                )),
            }
        });
    };

    view! {
        <p class="set-name">{format!("Set {}, generated {}", codes.set_number, codes.generated_on)}</p>
        <ol class="codes" aria-label="Recovery codes">
            {codes.codes.iter().map(|code| view! { <li><code>{code.clone()}</code></li> }).collect_view()}
        </ol>
        <div class="actions start">
            <button type="button" class="secondary" on:click=download>"Download"</button>
            <button type="button" class="secondary" on:click=copy>"Copy"</button>
        </div>
        <p class="hint" role="status">{move || notice.get()}</p>
        <p class="saved">
            <input type="checkbox" id="saved-the-data" bind:checked=saved />
            <label for="saved-the-data">"I've saved the data"</label>
        </p>
    }
    .into_any()
}
