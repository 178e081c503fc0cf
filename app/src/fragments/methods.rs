//! Settings > Account's table of two-factor methods, as the server
//! renders it.

use leptos::prelude::*;

use crate::i18n::Lang;
use crate::types::MethodView;

/// Every method of the account, with Rename and Remove on each. The
/// buttons carry the method's id (and Rename its name, Remove whether it
/// is the last) for the panel's one click handler.
#[component]
pub fn MethodTable(methods: Vec<MethodView>, lang: Lang) -> impl IntoView {
    let last = methods.len() == 1;
    view! {
        // Focusable, so that a keyboard can scroll it when it is wider
        // than a phone's screen.
        <table class="methods" tabindex="0">
            <caption>{lang.t("methods.yours")}</caption>
            <thead>
                <tr>
                    <th scope="col">{lang.t("methods.col_name")}</th>
                    <th scope="col">{lang.t("methods.col_kind")}</th>
                    <th scope="col">{lang.t("methods.col_added")}</th>
                    <th scope="col">{lang.t("methods.col_last_used")}</th>
                    <th scope="col">{lang.t("methods.col_actions")}</th>
                </tr>
            </thead>
            <tbody>
                {methods.into_iter().map(|method| {
                    let kind = method.kind.label(lang);
                    let shown = if method.name.is_empty() { kind.clone() } else { method.name.clone() };
                    let id = method.id.to_string();
                    view! {
                        <tr>
                            <td>{shown.clone()}</td>
                            <td>{kind}</td>
                            <td>{method.added_at}</td>
                            <td>{method.last_used_at.unwrap_or_else(|| lang.t("methods.never"))}</td>
                            <td class="row-actions">
                                <button type="button" class="secondary small"
                                    aria-label=lang.t_with("methods.rename_label", &[("name", &shown)])
                                    data-rename=id.clone() data-name=method.name>
                                    {lang.t("methods.rename")}
                                </button>
                                <button type="button" class="danger small"
                                    aria-label=lang.t_with("methods.remove_label", &[("name", &shown)])
                                    data-remove=id data-last=last.to_string()>
                                    {lang.t("methods.remove")}
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
