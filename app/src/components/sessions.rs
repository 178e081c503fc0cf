//! Settings > Sessions: every live session of the account (the server
//! renders the list, `fragments::SessionTable`, answered by
//! `sessions_html`), Sign out on each other one and Sign out all other
//! sessions, both after the password pop-up.

use leptos::prelude::*;

use super::browser::clicked_data;
use super::{ConfirmPasswordDialog, FormError, ServerHtml};
use crate::api::action;
use crate::api::sessions::{SignOutOtherSessions, SignOutSession, sessions_html};
use crate::fragments::SIGN_OUT;
use crate::i18n::use_lang;

/// What the password pop-up unlocks once the password is right.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ending {
    One(String),
    AllOthers,
}

#[component]
pub fn SessionsTab(#[prop(into)] on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let one = action::<SignOutSession>();
    let others = action::<SignOutOtherSessions>();
    let changed = RwSignal::new(0);
    Effect::new(move |_| {
        let versions = (one.version().get(), others.version().get());
        if versions != (0, 0) {
            changed.update(|n| *n += 1);
            on_change.run(());
        }
    });
    let error = Signal::derive(move || {
        one.value()
            .get()
            .and_then(Result::err)
            .or_else(|| others.value().get().and_then(Result::err))
    });
    let confirm_open = RwSignal::new(false);
    let ending = StoredValue::new(None::<Ending>);
    let ask_password = move |what: Ending| {
        ending.set_value(Some(what));
        confirm_open.set(true);
    };
    let on_confirmed = move |()| match ending.get_value() {
        Some(Ending::One(handle)) => {
            one.dispatch(SignOutSession { handle });
        }
        Some(Ending::AllOthers) => {
            others.dispatch(SignOutOtherSessions {});
        }
        None => {}
    };
    let on_list_click = move |event: leptos::ev::MouseEvent| {
        if let Some(handle) = clicked_data(&event, SIGN_OUT) {
            ask_password(Ending::One(handle));
        }
    };

    view! {
        <h3>{lang.t("sessions.heading")}</h3>
        <p class="hint">{lang.t("sessions.hint")}</p>
        <FormError error id="sessions-error" />
        <div on:click=on_list_click>
            <ServerHtml trigger=changed.into() fetch=sessions_html />
        </div>
        <div class="actions start">
            <button type="button" class="danger" on:click=move |_| ask_password(Ending::AllOthers)>
                {lang.t("sessions.sign_out_others")}
            </button>
        </div>
        <ConfirmPasswordDialog open=confirm_open on_confirmed />
    }
}
