//! Storage: the only modules that name SQL. One module per table group;
//! each reads rows into `#[derive(sqlx::FromRow)]` structs and takes the
//! connection or transaction it runs on, so the services above choose
//! what lands together. The pool, the migrations and the write queue are
//! in `super::db`.
//!
//! Every statement uses `$N` placeholders, which SQLite and PostgreSQL
//! both accept, so each is written once.

pub mod access_tokens;
pub mod accounts;
pub mod ceremonies;
pub mod email_verifications;
pub mod events;
pub mod failures;
pub mod key_check;
pub mod known_browsers;
pub mod methods;
pub mod outbox;
pub mod password_failures;
pub mod password_resets;
pub mod recovery_codes;
pub mod reset_requests;
pub mod sessions;
pub mod two_factor;

/// A connection of either backend: the pool's, or a transaction's
/// (`&mut *tx`).
pub type Conn = sqlx::AnyConnection;
