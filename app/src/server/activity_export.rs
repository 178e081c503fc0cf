//! Download activity: every security event the account still has, as a
//! CSV file (RFC 4180, written by the `csv` crate), in the request's
//! language.
//!
//! A user agent is whatever the client sent, so a cell may begin with
//! `=`, `+`, `-` or `@`, which spreadsheets run as a formula (OWASP "CSV
//! injection"): such cells get a leading `'`, which shows as text.

use super::AppState;
use super::dates::rfc3339_of;
use super::repo;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::types::SecurityEventKind;

/// The file's name when downloaded.
pub const FILE_NAME: &str = "twofold-activity.csv";

pub async fn csv(state: &AppState, account_id: i64, lang: Lang) -> Result<String, AppError> {
    let rows = repo::events::all(&state.db.pool, account_id).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = ["time", "event", "kind", "times", "address", "browser", "by"]
        .map(|column| lang.t(&format!("activity.csv_{column}")));
    write(&mut out, &header)?;
    for row in rows {
        let Some(kind) = SecurityEventKind::parse(&row.kind) else {
            continue;
        };
        let by = lang.t(if kind.by_operator() {
            "activity.csv_operator"
        } else {
            "activity.csv_account"
        });
        write(
            &mut out,
            &[
                rfc3339_of(row.at),
                kind.label(lang),
                row.kind,
                row.repeats.to_string(),
                row.ip.unwrap_or_default(),
                row.user_agent.unwrap_or_default(),
                by,
            ],
        )?;
    }
    let bytes = out.into_inner().map_err(|error| {
        tracing::error!(%error, "activity file not written");
        AppError::Internal
    })?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}

fn write(out: &mut csv::Writer<Vec<u8>>, record: &[String]) -> Result<(), AppError> {
    out.write_record(record.iter().map(|cell| inert(cell).into_owned()))
        .map_err(|error| {
            tracing::error!(%error, "activity file not written");
            AppError::Internal
        })
}

/// `cell`, made to read as text in a spreadsheet.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_text() {
        assert_eq!(
            inert("=HYPERLINK(\"http://evil\")"),
            "'=HYPERLINK(\"http://evil\")"
        );
        assert_eq!(inert("+1"), "'+1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("Mozilla/5.0"), "Mozilla/5.0");
        assert_eq!(inert(""), "");
    }
}
