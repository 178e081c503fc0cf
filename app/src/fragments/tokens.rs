//! The access tokens table, as the server renders it.

use leptos::either::Either;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::types::AccessTokenView;

/// The list as the server renders it. Each Revoke button carries its
/// token's id for the tab's click handler.
#[component]
pub fn TokenTable(tokens: Vec<AccessTokenView>, lang: Lang) -> impl IntoView {
    if tokens.is_empty() {
        return Either::Left(view! { <p class="hint">{lang.t("tokens.none")}</p> });
    }
    Either::Right(view! {
        <table class="tokens">
            <caption>{lang.t("tokens.yours")}</caption>
            <thead>
                <tr>
                    <th scope="col">{lang.t("tokens.col_name")}</th>
                    <th scope="col">{lang.t("tokens.scope")}</th>
                    <th scope="col">{lang.t("tokens.col_created")}</th>
                    <th scope="col">{lang.t("tokens.expires")}</th>
                    <th scope="col">{lang.t("tokens.col_last_used")}</th>
                    <th scope="col">{lang.t("tokens.col_status")}</th>
                </tr>
            </thead>
            <tbody>
                {tokens.into_iter().map(|token| {
                    let label = lang.t_with("tokens.revoke_label", &[("name", &token.name)]);
                    view! {
                        <tr>
                            <td>{token.name.clone()}</td>
                            <td>{token.scope.label(lang)}</td>
                            <td>{token.created_at}</td>
                            <td>{token.expires_at.unwrap_or_else(|| lang.t("tokens.never"))}</td>
                            <td>{token.last_used_at.unwrap_or_else(|| lang.t("tokens.never"))}</td>
                            <td>
                                {if token.active {
                                    Either::Left(view! {
                                        <button type="button" class="danger small" aria-label=label
                                            data-revoke=token.id.to_string()>
                                            {lang.t("tokens.revoke")}
                                        </button>
                                    })
                                } else {
                                    Either::Right(view! { <span class="hint">{lang.t("tokens.inactive")}</span> })
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    })
}
