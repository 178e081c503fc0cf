//! Settings > Account's email address: the address in use (or none), one
//! waiting for its link to be opened, **Add** / **Change** (the Account
//! tab's password pop-up first, then the address), and whether the
//! informational notices are mailed.

use leptos::prelude::*;

use super::{FormError, LoadedAccount, Modal, invalid};
use crate::api::action;
use crate::api::email::{RequestEmailChange, SetMailInformational};
use crate::i18n::use_lang;
use crate::validation::EMAIL_MAX;

#[component]
pub fn EmailPanel(
    account: LoadedAccount,
    /// Called after a link was sent or the notices changed: reloads the
    /// account.
    on_change: Callback<()>,
    /// Add / Change: asks for the password, which opens `open`.
    #[prop(into)]
    on_add: Callback<()>,
    /// The address pop-up, opened once the password is confirmed.
    open: RwSignal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let email = Memo::new(move |_| account.with(|account| account.email.clone()));
    let waiting = Memo::new(move |_| account.with(|account| account.email_waiting.clone()));
    let wanted = Memo::new(move |_| account.with(|account| account.mail_informational));
    let address = RwSignal::new(String::new());
    let request = action::<RequestEmailChange>();
    let notices = action::<SetMailInformational>();
    let error = Signal::derive(move || request.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if open.get() {
            request.value().set(None);
            address.set(String::new());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = request.value().get() {
            open.set(false);
            on_change.run(());
        }
    });
    Effect::new(move |_| {
        if notices.version().get() > 0 {
            on_change.run(());
        }
    });

    view! {
        <section class="email" aria-labelledby="email-title">
        <h3 id="email-title">{lang.t("email.heading")}</h3>
        <p>{move || email.get().unwrap_or_else(|| lang.t("email.none"))}</p>
        {move || waiting.get().map(|waiting| view! {
            <p class="notice" role="status">
                {lang.t_with("email.waiting", &[("address", &waiting)])}
            </p>
        })}
        <div class="actions start">
            <button type="button" class="secondary" on:click=move |_| on_add.run(())>
                {move || lang.t(if email.get().is_some() { "email.change" } else { "email.add" })}
            </button>
        </div>
        {move || email.get().is_some().then(|| view! {
            <p class="saved">
                <input type="checkbox" id="mail-informational" prop:checked=wanted
                    on:change=move |event| {
                        let wanted = event_target_checked(&event);
                        notices.dispatch(SetMailInformational { wanted });
                    } />
                <label for="mail-informational">{lang.t("email.informational")}</label>
            </p>
        })}
        </section>
        <Modal open labelled_by="email-dialog-title">
            // The server's check, in the page's language, rather than the
            // browser's own for type="email".
            <form class="stack" novalidate on:submit=move |event| {
                event.prevent_default();
                request.dispatch(RequestEmailChange { email: address.get_untracked() });
            }>
                <h2 id="email-dialog-title">{lang.t("email.heading")}</h2>
                <label for="email-address">{lang.t("email.label")}</label>
                <input id="email-address" type="email" autocomplete="email" required
                    maxlength=EMAIL_MAX bind:value=address
                    aria-describedby="email-hint email-error"
                    aria-invalid=invalid(error, "email") />
                <p id="email-hint" class="hint">{lang.t("email.hint")}</p>
                <FormError error id="email-error" />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>
                        {lang.t("common.cancel")}
                    </button>
                    <button type="submit" disabled=move || request.pending().get()>
                        {lang.t("email.send_link")}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
