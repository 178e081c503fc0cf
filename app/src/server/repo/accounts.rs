//! `accounts`: who can sign in. The password hash has its own type, which
//! is neither `Serialize` nor printed with its contents.

use sqlx::{Any, Executor};

use super::Conn;

/// An account as the server works with it (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub session_epoch: i64,
}

/// What the account's mail needs: to whom, in which language, and
/// whether the owner wants informational notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailProfile {
    pub login: String,
    pub email: Option<String>,
    pub language: String,
    pub informational: bool,
}

#[derive(sqlx::FromRow)]
struct MailProfileRow {
    login: String,
    email: Option<String>,
    language: String,
    mail_informational: i64,
}

impl MailProfileRow {
    fn into_profile(self) -> MailProfile {
        MailProfile {
            login: self.login,
            email: self.email,
            language: self.language,
            informational: self.mail_informational != 0,
        }
    }
}

pub async fn mail_profile<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<MailProfile>, sqlx::Error> {
    let row: Option<MailProfileRow> = sqlx::query_as(
        "SELECT login, email, language, mail_informational FROM accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(MailProfileRow::into_profile))
}

/// [`mail_profile`], read by an UPDATE of the row (as
/// [`lock_by_login_key`]), for a change of the address.
pub async fn lock_mail_profile(
    conn: &mut Conn,
    id: i64,
) -> Result<Option<MailProfile>, sqlx::Error> {
    let row: Option<MailProfileRow> = sqlx::query_as(
        "UPDATE accounts SET language = language WHERE id = $1
         RETURNING login, email, language, mail_informational",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(MailProfileRow::into_profile))
}

/// A stored argon2 hash in PHC form.
pub struct PasswordHash(pub String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

#[derive(sqlx::FromRow)]
struct WithHash {
    #[sqlx(flatten)]
    account: Account,
    password_hash: String,
}

/// Inserts an account, or answers `None` when `login_key` is taken: the
/// uniqueness check and the insert are one statement, so two sign-ups
/// racing for one login cannot both win.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    login: &str,
    login_key: &str,
    password_hash: &PasswordHash,
    now: i64,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO accounts (login, login_key, password_hash, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (login_key) DO NOTHING
         RETURNING id, login, session_epoch",
    )
    .bind(login)
    .bind(login_key)
    .bind(&password_hash.0)
    .bind(now)
    .fetch_optional(db)
    .await
}

pub async fn find_by_id<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as("SELECT id, login, session_epoch FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The account and its password hash, by login key.
pub async fn find_with_hash<'c>(
    db: impl Executor<'c, Database = Any>,
    login_key: &str,
) -> Result<Option<(Account, PasswordHash)>, sqlx::Error> {
    let row: Option<WithHash> = sqlx::query_as(
        "SELECT id, login, session_epoch, password_hash FROM accounts WHERE login_key = $1",
    )
    .bind(login_key)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.account, PasswordHash(row.password_hash))))
}

pub async fn set_password_hash<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    password_hash: &PasswordHash,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(&password_hash.0)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Moves the account's session epoch on from `expected`, answering the
/// new one, or `None` if it was no longer `expected` (compare-and-set).
pub async fn bump_session_epoch(
    conn: &mut Conn,
    id: i64,
    expected: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE accounts SET session_epoch = session_epoch + 1
         WHERE id = $1 AND session_epoch = $2 RETURNING session_epoch",
    )
    .bind(id)
    .bind(expected)
    .fetch_optional(conn)
    .await
}

/// The account `login_key` names, read by an UPDATE of its row: in a
/// transaction, the first statement is then a write, which waits for
/// SQLite's write lock instead of reading a snapshot that a write from
/// another process (the operator's commands run beside the servers) would
/// make stale; on PostgreSQL it holds the row.
pub async fn lock_by_login_key(
    conn: &mut Conn,
    login_key: &str,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE accounts SET session_epoch = session_epoch WHERE login_key = $1
         RETURNING id, login, session_epoch",
    )
    .bind(login_key)
    .fetch_optional(conn)
    .await
}

/// Moves the account's session epoch on, whatever it was: every session
/// of the account is dead (an operator's action, a password reset).
pub async fn end_all_sessions(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET session_epoch = session_epoch + 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the account; its sessions, second factor, recovery codes,
/// tokens, events, throttle rows, known browsers and reset links go with
/// it (`ON DELETE CASCADE`), in this one statement. Answers whether it
/// existed.
pub async fn delete(conn: &mut Conn, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM accounts WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(deleted == 1)
}

/// An account as the operator's `accounts` command lists it.
#[derive(Debug, sqlx::FromRow)]
pub struct Summary {
    pub login: String,
    pub created_at: i64,
    pub two_factor: i64,
    pub recovery_codes_left: i64,
    pub last_sign_in: Option<i64>,
    /// Consecutive failed passwords from unknown browsers (the hard cap).
    pub password_failures: i64,
    /// Consecutive failed second factors (their hard cap).
    pub second_factor_failures: i64,
    /// Failed passwords from unknown browsers after the window's start.
    pub recent_password_failures: i64,
    /// Failed second factors after their window's start.
    pub recent_code_failures: i64,
}

/// Every account, by login, with what the operator needs to know of it;
/// the windows start after `password_since` and `code_since`.
pub async fn summaries<'c>(
    db: impl Executor<'c, Database = Any>,
    password_since: i64,
    code_since: i64,
) -> Result<Vec<Summary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.login, a.created_at, a.password_failures, a.second_factor_failures,
             (SELECT COUNT(*) FROM two_factor WHERE account_id = a.id) AS two_factor,
             (SELECT COUNT(*) FROM recovery_codes
                  WHERE account_id = a.id AND used_at IS NULL) AS recovery_codes_left,
             (SELECT MAX(at) FROM security_events WHERE account_id = a.id AND kind IN
                  ('signed_in_with_password', 'signed_in_with_code',
                   'signed_in_with_recovery_code')) AS last_sign_in,
             (SELECT COUNT(*) FROM password_failures WHERE account_id = a.id
                  AND browser_id IS NULL AND failed_at > $1) AS recent_password_failures,
             (SELECT COUNT(*) FROM second_factor_failures WHERE account_id = a.id
                  AND failed_at > $2) AS recent_code_failures
         FROM accounts a ORDER BY a.login_key",
    )
    .bind(password_since)
    .bind(code_since)
    .fetch_all(db)
    .await
}

/// The account's WebAuthn user handle, given `fresh` if it has none yet
/// (the first security key or passkey); answers the one it has.
pub async fn webauthn_user_id(
    conn: &mut Conn,
    account_id: i64,
    fresh: &str,
) -> Result<String, sqlx::Error> {
    sqlx::query(
        "UPDATE accounts SET webauthn_user_id = $2 WHERE id = $1 AND webauthn_user_id IS NULL",
    )
    .bind(account_id)
    .bind(fresh)
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar("SELECT webauthn_user_id FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(conn)
        .await
}

/// The account whose WebAuthn user handle is `user_id`.
pub async fn by_webauthn_user_id<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: &str,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as("SELECT id, login, session_epoch FROM accounts WHERE webauthn_user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// The account whose address `email` is, compared without case.
pub async fn id_by_email<'c>(
    db: impl Executor<'c, Database = Any>,
    email: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM accounts WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(db)
        .await
}

/// Makes `email` the account's address (the unique index refuses one
/// another account has).
pub async fn set_email(conn: &mut Conn, id: i64, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET email = $1 WHERE id = $2")
        .bind(email)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The language the account's mail is written in.
pub async fn set_language(conn: &mut Conn, id: i64, language: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET language = $1 WHERE id = $2 AND language <> $1")
        .bind(language)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The account whose login key is `login_key`.
pub async fn id_by_login_key<'c>(
    db: impl Executor<'c, Database = Any>,
    login_key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM accounts WHERE login_key = $1")
        .bind(login_key)
        .fetch_optional(db)
        .await
}

/// Whether the owner wants the informational notices (new browser, token
/// created).
pub async fn set_mail_informational(
    conn: &mut Conn,
    id: i64,
    wanted: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET mail_informational = $1 WHERE id = $2")
        .bind(i64::from(wanted))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
