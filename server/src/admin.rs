//! `server admin ...`: the operator's commands (`app::server::operator`),
//! each a line on stdout and exit code 0, or a message on stderr and exit
//! code 1 with nothing changed.

use std::process::ExitCode;

use app::server::dates::date_time_of;
use app::server::operator::{self, AccountSummary, OperatorError};
use app::server::password_reset::LINK_SECONDS;

use crate::config::{Admin, Config};

pub async fn run(config: &Config, command: &Admin) -> ExitCode {
    // The server creates its SQLite file on first run; the operator's
    // commands never do: a mistyped --data-dir is an error, not an empty
    // database.
    if config.database_url.is_none() {
        let file = config.data_dir.join(app::server::db::SQLITE_FILE);
        if !file.is_file() {
            eprintln!(
                "error: no Twofold database at {} (set --data-dir or DATABASE_URL to the server's)",
                file.display()
            );
            return ExitCode::FAILURE;
        }
    }
    let state = match crate::state(config).await {
        Ok(state) => state,
        Err(error) => {
            eprintln!("error: cannot open the database: {error}");
            return ExitCode::FAILURE;
        }
    };
    let link = |token: app::server::bearer::ResetToken| {
        format!("{}/reset/{}", config.public_url, token.as_str())
    };
    let valid = format!("valid for {} minutes, once", LINK_SECONDS / 60);
    let done: Result<String, OperatorError> = async {
        Ok(match command {
            Admin::Accounts => table(&operator::accounts(&state).await?),
            Admin::Unlock { login } => {
                let account = operator::unlock(&state, login).await?;
                format!(
                    "unlocked {}: password and second-factor throttles cleared",
                    account.login
                )
            }
            Admin::ResetTwoFactor { login } => {
                let account = operator::reset_two_factor(&state, login).await?;
                format!(
                    "reset two-factor authentication of {}: secret and recovery codes removed, sessions ended",
                    account.login
                )
            }
            Admin::SignOut { login, tokens } => {
                let out = operator::sign_out(&state, login, *tokens).await?;
                let revoked = out
                    .tokens
                    .map(|count| format!(", {} access {} revoked", count, plural(count, "token")))
                    .unwrap_or_default();
                format!(
                    "signed out {}: {} {} ended{revoked}",
                    out.account.login,
                    out.sessions,
                    plural(out.sessions, "session"),
                )
            }
            Admin::ResetLink { login } => {
                let token = operator::reset_link(&state, login).await?;
                format!("reset link for {} ({valid}): {}", login.trim(), link(token))
            }
            Admin::CreateAccount { login } => {
                let token = operator::create_account(&state, login).await?;
                format!(
                    "created {}; its first password is set at ({valid}): {}",
                    login.trim(),
                    link(token)
                )
            }
        })
    }
    .await;
    match done {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn plural(count: u64, word: &str) -> String {
    if count == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// A header and one line per account, in aligned columns.
fn table(accounts: &[AccountSummary]) -> String {
    let header = [
        "LOGIN",
        "CREATED",
        "2FA",
        "CODES LEFT",
        "LAST SIGN-IN",
        "ACCESS",
    ]
    .map(str::to_owned);
    let rows = accounts.iter().map(|account| {
        [
            account.login.clone(),
            date_time_of(account.created_at),
            if account.two_factor { "on" } else { "off" }.to_owned(),
            if account.two_factor {
                account.recovery_codes_left.to_string()
            } else {
                "-".to_owned()
            },
            account
                .last_sign_in
                .map_or_else(|| "never".to_owned(), date_time_of),
            account.access.as_str().to_owned(),
        ]
    });
    let lines: Vec<[String; 6]> = std::iter::once(header).chain(rows).collect();
    let widths: Vec<usize> = (0..6)
        .map(|column| {
            lines
                .iter()
                .map(|line| line[column].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    lines
        .iter()
        .map(|line| {
            line.iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:width$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
