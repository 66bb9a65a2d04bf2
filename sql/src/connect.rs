//! Opening the store: a SQLite file (WAL mode, foreign keys on) or a PostgreSQL database, and migrating it.

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::error::{Result, StoreError, redact_url};
use crate::migrations::Migrator;

/// Which database engine is behind the store; the bulk loader picks its fastest path per backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to the store, with the backend it talks to.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    url: String,
    /// The SQLite file, for migrations on a connection of their own.
    sqlite_path: Option<std::path::PathBuf>,
}

/// Writers wait this long for SQLite's single write lock before giving up (a publish holds it for seconds).
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(60);

impl Store {
    /// Opens `sqlite://PATH` or `postgres://…`; the password, if any, never appears in errors.
    pub async fn open(url: &str) -> Result<Self> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            return Self::open_sqlite(Path::new(path)).await;
        }
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::UnsupportedUrl { url: redact_url(url) });
        }
        let mut options = ConnectOptions::new(url.to_owned());
        options.max_connections(4).min_connections(0).sqlx_logging(false).connect_timeout(Duration::from_secs(10));
        without_reaper(&mut options);
        let db =
            Database::connect(options).await.map_err(|source| StoreError::Connect { url: redact_url(url), source })?;
        Ok(Self { db, backend: Backend::Postgres, url: redact_url(url), sqlite_path: None })
    }

    /// Opens (creating it if needed) a SQLite file in WAL mode, so readers never block the publishing writer.
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        Self::open_sqlite_pool(path, 4).await
    }

    async fn open_sqlite_pool(path: &Path, connections: u32) -> Result<Self> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let file = path.to_path_buf();
        let mut options = ConnectOptions::new(url.clone());
        options.max_connections(connections).min_connections(0).sqlx_logging(false).map_sqlx_sqlite_opts(move |o| {
            o.filename(&file)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // NORMAL is durable in WAL mode except for the last transactions on power loss, which a
                // re-run of the idempotent jobs restores; FULL would halve bulk-load speed.
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                // Deleted rows are overwritten, not left in free space: an erased customer's address must not
                // be readable in the file afterwards.
                .pragma("secure_delete", "ON")
        });
        without_reaper(&mut options);
        let db = Database::connect(options).await.map_err(|source| StoreError::Connect { url: url.clone(), source })?;
        Ok(Self { db, backend: Backend::Sqlite, url, sqlite_path: Some(path.to_path_buf()) })
    }

    /// Applies every pending migration; on PostgreSQL one process at a time (workers starting together after an
    /// upgrade would otherwise create the same tables at once).
    pub async fn migrate(&self) -> Result<()> {
        match self.migration_connection().await? {
            Some(one) => {
                let result = Migrator::up(&one.db, None).await;
                one.db.close().await.ok();
                result.map_err(StoreError::Migrate)
            }
            None => {
                let up = async { Migrator::up(&self.db, None).await.map_err(StoreError::Migrate) };
                self.with_lock(crate::coordination::Lock::Migrations, up).await
            }
        }
    }

    /// Rolls back every migration (tests of `down`, and `cinepicks store reset`-style tooling).
    pub async fn migrate_down_all(&self) -> Result<()> {
        self.migrate_down(None).await
    }

    /// Rolls back the last `steps` migrations, all when `None` (tests of a migration's data changes).
    pub async fn migrate_down(&self, steps: Option<u32>) -> Result<()> {
        match self.migration_connection().await? {
            Some(one) => {
                let result = Migrator::down(&one.db, steps).await;
                one.db.close().await.ok();
                result.map_err(StoreError::Migrate)
            }
            None => Migrator::down(&self.db, steps).await.map_err(StoreError::Migrate),
        }
    }

    /// SQLite migrations run outside a transaction, statement by statement; spread over a pool, a statement
    /// could run on a connection still reading an older schema snapshot (seen as "index … already exists"
    /// after a down and up). One dedicated connection sees every change it makes.
    async fn migration_connection(&self) -> Result<Option<Store>> {
        match &self.sqlite_path {
            Some(path) => Ok(Some(Self::open_sqlite_pool(path, 1).await?)),
            None => Ok(None),
        }
    }

    /// The migrations applied so far, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<String>> {
        let applied = Migrator::get_applied_migrations(&self.db).await.map_err(StoreError::Migrate)?;
        Ok(applied.iter().map(|m| m.name().to_owned()).collect())
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a deferred transaction that read first could not upgrade to writing after another writer committed,
    /// and would fail instead of waiting its turn.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        let sqlite_transaction_mode = match self.backend {
            Backend::Sqlite => Some(SqliteTransactionMode::Immediate),
            Backend::Postgres => None,
        };
        self.db
            .begin_with_options(TransactionOptions {
                isolation_level: None,
                access_mode: None,
                sqlite_transaction_mode,
            })
            .await
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn db_backend(&self) -> DbBackend {
        match self.backend {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    }

    /// The URL without its password, for messages.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn close(self) -> Result<()> {
        self.db.close().await.map_err(|source| StoreError::Db { doing: "closing the store".into(), source })
    }
}

/// No idle timeout and no maximum lifetime, so that sqlx starts no pool maintenance task. In sqlx-core 0.9.0
/// that task loops `num_idle()` times over `try_acquire` without ever yielding; when its idle counter wraps
/// below zero in a race with `release`, or the pool closes mid-loop, the loop spins a core for ever and the
/// runtime can never shut down. Seen here as a test process and a `serve` process at full CPU that SIGTERM
/// could not stop. Connections are still checked before each use (sqlx's `test_before_acquire`), so a
/// PostgreSQL restart is survived without recycling them.
fn without_reaper(options: &mut ConnectOptions) {
    options.idle_timeout(None::<Duration>).max_lifetime(None::<Duration>);
}
