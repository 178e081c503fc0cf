//! The database: SQLite by default, PostgreSQL when the URL says so.
//!
//! Queries go through one `AnyPool` and use `$N` placeholders, which both
//! backends accept, so there is one code path wherever the SQL is the same.
//! Schemas differ slightly (identity columns, blob types), hence one
//! migrations folder per backend.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::install_default_drivers;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Any, AnyPool, ConnectOptions, Connection, Database, Executor, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::error::AppError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err("DATABASE_URL must start with sqlite:, postgres:// or postgresql://".into())
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    writes: WriteQueue,
}

impl Db {
    /// Begins a transaction that writes, in this process's write turn
    /// (held until the transaction is committed or dropped).
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = self.writes.enter().await;
        Ok(WriteTx {
            tx: self.pool.begin().await?,
            _turn: turn,
        })
    }

    /// The turn for a single writing statement outside a transaction.
    pub async fn write_turn(&self) -> WriteTurn {
        self.writes.enter().await
    }
}

/// A writing transaction and its write turn. It derefs to the connection
/// the repo's functions take; dropped uncommitted, it rolls back.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: WriteTurn,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// SQLite lets one transaction write at a time, and the others wait in its
/// busy handler, which sleeps in steps of up to 100 ms: with 16 concurrent
/// 2FA sign-ins, one in a hundred took 430 ms. This process's writers
/// queue here instead, in turn and without sleeping (the sessions' writes
/// too). PostgreSQL locks rows itself: there is no queue.
#[derive(Clone, Debug, Default)]
pub struct WriteQueue(Option<Arc<Mutex<()>>>);

/// A writer's turn; the next one's comes when this is dropped.
pub struct WriteTurn {
    _held: Option<OwnedMutexGuard<()>>,
}

impl WriteQueue {
    fn for_backend(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self(Some(Arc::default())),
            Backend::Postgres => Self(None),
        }
    }

    async fn enter(&self) -> WriteTurn {
        match &self.0 {
            Some(queue) => WriteTurn {
                _held: Some(queue.clone().lock_owned().await),
            },
            None => WriteTurn { _held: None },
        }
    }
}

/// The SQLite file's name in the data directory.
pub const SQLITE_FILE: &str = "twofold.db";

/// The URL of the SQLite file inside `data_dir`, creating the directory.
pub fn sqlite_url_in(data_dir: &Path) -> Result<String, String> {
    super::private_files::create_dir(data_dir)?;
    let dir = data_dir
        .canonicalize()
        .map_err(|e| format!("cannot resolve data directory {}: {e}", data_dir.display()))?;
    let file = dir.join(SQLITE_FILE);
    // Created here, owner-only, before SQLite would create it with the
    // umask's permissions; its journal files take the same.
    match super::private_files::create_file(&file) {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(format!("cannot create {}: {error}", file.display())),
    }
    let path = file
        .to_str()
        .filter(|p| !p.contains(['?', '#']))
        .ok_or_else(|| {
            format!(
                "unsupported characters in data directory path {}",
                dir.display()
            )
        })?;
    Ok(format!("sqlite://{path}?mode=rwc"))
}

/// How long a pooled connection may sit idle before it is checked with a
/// ping when next handed out.
const TRUSTED_IDLE: Duration = Duration::from_secs(1);

/// Pool settings shared by every pool.
///
/// sqlx pings each connection when it goes back to the pool, and by
/// default again when it is handed out: two extra round trips per query
/// (to the SQLite connection's worker thread, or to PostgreSQL). The second
/// ping only catches a connection that broke while idle, so it is kept for
/// connections idle longer than `TRUSTED_IDLE`: a database restarted under
/// a busy server costs at most the queries already on their way.
fn pool_options<DB: Database>(max_connections: u32, acquire_timeout: Duration) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(acquire_timeout)
        .test_before_acquire(false)
        .before_acquire(|conn: &mut DB::Connection, meta| {
            Box::pin(async move {
                if meta.idle_for > TRUSTED_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// Opens the pool and applies the migrations.
///
/// `acquire_timeout` bounds how long a request waits for a connection
/// (including reconnecting to a database that went away) before it fails
/// as unavailable instead of hanging.
pub async fn connect(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> Result<Db, sqlx::Error> {
    install_default_drivers();
    let backend =
        Backend::of_url(url).map_err(|message| sqlx::Error::Configuration(message.into()))?;
    let pool = match backend {
        Backend::Sqlite => {
            // WAL lets readers proceed during a write; it is a property of the
            // file, so it is set once, before the pool opens. The 5 s busy
            // timeout is sqlx's default for every connection.
            SqliteConnectOptions::from_str(url)?
                .journal_mode(SqliteJournalMode::Wal)
                .connect()
                .await?
                .close()
                .await?;
            let pool = pool_options::<Any>(max_connections, acquire_timeout)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            pool
        }
        Backend::Postgres => {
            let pool = pool_options(max_connections, acquire_timeout)
                .connect(url)
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            pool
        }
    };
    Ok(Db {
        pool,
        backend,
        writes: WriteQueue::for_backend(backend),
    })
}

/// Database failures are logged with their details and reach the
/// client only as `Unavailable` (the database cannot be reached: try
/// again) or `Internal` (anything else).
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            tracing::warn!(%error, "database unavailable");
            Self::Unavailable
        } else {
            tracing::error!(%error, "database error");
            Self::Internal
        }
    }
}

/// Errors that say the database is down, restarting or too busy, not
/// that the request or our code is wrong.
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // PostgreSQL: connection exceptions (08), operator
            // intervention such as a shutdown (57). SQLite: busy (5)
            // and locked (6) past the busy timeout.
            code.starts_with("08") || code.starts_with("57") || code == "5" || code == "6"
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn sqlite_writers_take_turns_and_postgres_ones_do_not_queue() {
        let sqlite = WriteQueue::for_backend(Backend::Sqlite);
        let first = sqlite.enter().await;
        let waiting = tokio::time::timeout(Duration::from_millis(50), sqlite.enter()).await;
        assert!(waiting.is_err(), "a second writer waits for the first");
        let next = tokio::spawn({
            let sqlite = sqlite.clone();
            async move { sqlite.enter().await }
        });
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), next)
            .await
            .expect("the next writer gets its turn")
            .unwrap();

        let postgres = WriteQueue::for_backend(Backend::Postgres);
        let _first = postgres.enter().await;
        tokio::time::timeout(Duration::from_millis(50), postgres.enter())
            .await
            .expect("PostgreSQL locks rows itself: no queue");
    }
}
