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
use sqlx::{Any, AnyPool, Connection, Database, Executor, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

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
    /// Begins a transaction that writes. Hold the answered turn until the
    /// transaction is committed or dropped.
    pub async fn begin_write(&self) -> Result<(WriteTurn, Transaction<'static, Any>), sqlx::Error> {
        let place = self.writes.enter().await;
        Ok((place, self.pool.begin().await?))
    }

    /// The turn for a single writing statement outside a transaction.
    pub async fn write_turn(&self) -> WriteTurn {
        self.writes.enter().await
    }
}

/// SQLite lets one transaction write at a time, and the others wait in its
/// busy handler, which sleeps in steps of up to 100 ms: with 16 concurrent
/// 2FA sign-ins, one in a hundred took 430 ms. This process's writers
/// queue here instead, in turn and without sleeping (the session store's
/// writes too). PostgreSQL locks rows itself: there is no queue.
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

/// The URL of the SQLite file inside `data_dir`, creating the directory.
pub fn sqlite_url_in(data_dir: &Path) -> Result<String, String> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create data directory {}: {e}", data_dir.display()))?;
    let dir = data_dir
        .canonicalize()
        .map_err(|e| format!("cannot resolve data directory {}: {e}", data_dir.display()))?;
    let file = dir.join("twofold.db");
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

/// Opens the pool, applies the migrations and returns the session store on
/// the same database.
///
/// `acquire_timeout` bounds how long a request waits for a connection
/// (including reconnecting to a database that went away) before it fails
/// as unavailable instead of hanging.
pub async fn connect(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> Result<(Db, Sessions), sqlx::Error> {
    install_default_drivers();
    let backend =
        Backend::of_url(url).map_err(|message| sqlx::Error::Configuration(message.into()))?;
    match backend {
        Backend::Sqlite => {
            // WAL lets readers proceed during a write; it is a property of the
            // file, so set it once before the pools open. The 5 s busy
            // timeout is sqlx's default for every connection.
            let options = SqliteConnectOptions::from_str(url)?
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true);
            let typed = pool_options(max_connections, acquire_timeout)
                .connect_with(options)
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
            let store = SqliteStore::new(typed);
            store.migrate().await?;
            let writes = WriteQueue::for_backend(backend);
            let sessions = Sessions::Sqlite(store, writes.clone());
            Ok((
                Db {
                    pool,
                    backend,
                    writes,
                },
                sessions,
            ))
        }
        Backend::Postgres => {
            let typed = pool_options(max_connections.div_ceil(4).max(2), acquire_timeout)
                .connect(url)
                .await?;
            let pool = pool_options(max_connections, acquire_timeout)
                .connect(url)
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            let store = PostgresStore::new(typed);
            store.migrate().await?;
            let writes = WriteQueue::for_backend(backend);
            Ok((
                Db {
                    pool,
                    backend,
                    writes,
                },
                Sessions::Postgres(store),
            ))
        }
    }
}

/// The tower-sessions store for whichever backend is in use. The sqlx store
/// crate has one type per backend; this enum lets the rest of the app name
/// one type. On SQLite, its writes take their turn in the write queue.
#[derive(Debug, Clone)]
pub enum Sessions {
    Sqlite(SqliteStore, WriteQueue),
    Postgres(PostgresStore),
}

#[async_trait::async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store, writes) => {
                let _turn = writes.enter().await;
                store.create(record).await
            }
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store, writes) => {
                let _turn = writes.enter().await;
                store.save(record).await
            }
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(store, _) => store.load(id).await,
            Self::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store, writes) => {
                let _turn = writes.enter().await;
                store.delete(id).await
            }
            Self::Postgres(store) => store.delete(id).await,
        }
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
