//! Several processes on one store: each announces itself as a [`Worker`], and takes named [`Lock`]s, so that
//! notifiers on several machines share a week's deliveries, one daemon leads, and the work of a process that died
//! is recognised as abandoned the moment it dies.
//!
//! On PostgreSQL these are advisory locks held by a connection of the worker's own, outside the pool: the server
//! releases them as soon as that connection ends, however the process ended (a kill, a crash, a lost machine
//! once TCP gives up). A worker's presence is the lock (`PRESENCE`, its id); a row it claimed ('sending'
//! deliveries, 'running' job runs) names that id, and [`worker_gone`] tells in SQL whether it is still held.
//! On SQLite (one machine, one file) every lock is granted at once and no presence is kept: the callers' lock
//! files in the data folder keep processes apart there.

use sea_orm::sqlx::{Connection, PgConnection};
use tokio::sync::Mutex;

use crate::connect::{Backend, Store};
use crate::error::{During, Result};

/// Advisory lock class of the workers' presence; the second key is the worker's id.
const PRESENCE: i32 = 7_224_003;
/// Advisory lock class of the named locks below; the second key tells them apart.
const NAMED: i32 = 7_224_004;

/// A lock that at most one worker of the store holds at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Applying migrations: two processes starting at once after an upgrade would both create the same tables.
    Migrations,
    /// Planning a week's deliveries (and the clean-ups before it): the others wait, then find it done.
    NotifyPlanning,
    /// The daemon that runs the scheduled chains; the other daemons wait to take over.
    DaemonLeader,
    /// One run of a scheduled job (`cinepicks run nightly` by hand while a daemon runs it).
    Job(&'static str),
}

impl Lock {
    fn key(self) -> i32 {
        match self {
            Lock::Migrations => 1,
            Lock::NotifyPlanning => 2,
            Lock::DaemonLeader => 3,
            // A stable hash of the name (FNV-1a) above the fixed keys: job names are few and distinct.
            Lock::Job(name) => {
                let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
                (hash >> 1) as i32 | 0x100
            }
        }
    }
}

/// One process working on the store: its id and host, and on PostgreSQL the connection holding its locks.
pub struct Worker {
    id: i32,
    host: String,
    connection: Option<Mutex<PgConnection>>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("id", &self.id).field("host", &self.host).finish_non_exhaustive()
    }
}

impl Store {
    /// Announces this process as a worker. On PostgreSQL it opens a connection of its own and takes its presence
    /// lock under a random id (drawn again in the unlikely case another live worker has it).
    pub async fn worker(&self) -> Result<Worker> {
        let host = host_and_process();
        if self.backend() != Backend::Postgres {
            return Ok(Worker { id: random_id(), host, connection: None });
        }
        let mut connection = dedicated_connection(self).await?;
        loop {
            let id = random_id();
            let taken: bool = sea_orm::sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
                .bind(PRESENCE)
                .bind(id)
                .fetch_one(&mut connection)
                .await
                .map_err(db_err)
                .during("announcing this worker")?;
            if taken {
                return Ok(Worker { id, host, connection: Some(Mutex::new(connection)) });
            }
        }
    }

    /// Takes `lock` on a connection of its own for the time of `work` (migrations: they run on the pool).
    pub(crate) async fn with_lock<T, F>(&self, lock: Lock, work: F) -> Result<T>
    where
        F: std::future::Future<Output = Result<T>>,
    {
        if self.backend() != Backend::Postgres {
            return work.await;
        }
        let worker = self.worker().await?;
        worker.lock(lock).await?;
        let result = work.await;
        worker.close().await;
        result
    }
}

impl Worker {
    /// The id rows claimed by this worker carry.
    pub fn id(&self) -> i32 {
        self.id
    }

    /// "host:pid", for job runs and logs.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Takes `lock` if no other worker holds it; true when taken (or already held by this worker).
    pub async fn try_lock(&self, lock: Lock) -> Result<bool> {
        let Some(connection) = &self.connection else { return Ok(true) };
        let mut connection = connection.lock().await;
        // Session locks stack: a worker that already holds it must not take it twice (one unlock would not free it).
        if self.holds(&mut connection, lock).await? {
            return Ok(true);
        }
        advisory(&mut connection, "SELECT pg_try_advisory_lock($1, $2)", lock, "taking").await
    }

    /// Waits until `lock` is free, then takes it.
    pub async fn lock(&self, lock: Lock) -> Result<()> {
        let Some(connection) = &self.connection else { return Ok(()) };
        let mut connection = connection.lock().await;
        if self.holds(&mut connection, lock).await? {
            return Ok(());
        }
        // The function returns nothing (void): the statement answers true once it has the lock.
        advisory(&mut connection, "SELECT pg_advisory_lock($1, $2) IS NOT NULL", lock, "waiting for").await.map(drop)
    }

    /// Releases `lock` (nothing when it is not held).
    pub async fn unlock(&self, lock: Lock) -> Result<()> {
        let Some(connection) = &self.connection else { return Ok(()) };
        let mut connection = connection.lock().await;
        if self.holds(&mut connection, lock).await? {
            advisory(&mut connection, "SELECT pg_advisory_unlock($1, $2)", lock, "releasing").await?;
        }
        Ok(())
    }

    /// Whether this worker's connection is still there (and so its presence and locks): false once the server
    /// or the network dropped it, after which the worker must stop claiming work.
    pub async fn alive(&self) -> bool {
        let Some(connection) = &self.connection else { return true };
        connection.lock().await.ping().await.is_ok()
    }

    /// Ends the presence and every lock (also what a process's death does).
    pub async fn close(self) {
        if let Some(connection) = self.connection {
            let _ = connection.into_inner().close().await;
        }
    }

    async fn holds(&self, connection: &mut PgConnection, lock: Lock) -> Result<bool> {
        sea_orm::sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() \
             AND classid = $1::oid AND objid = $2::oid AND objsubid = 2 AND granted)",
        )
        .bind(NAMED)
        .bind(lock.key())
        .fetch_one(connection)
        .await
        .map_err(db_err)
        .during(format!("checking the lock {lock:?}"))
    }
}

/// Runs `sql`, a call of an advisory-lock function on `($1, $2)` answering a boolean, on `lock`.
async fn advisory(connection: &mut PgConnection, sql: &'static str, lock: Lock, doing: &str) -> Result<bool> {
    sea_orm::sqlx::query_scalar(sql)
        .bind(NAMED)
        .bind(lock.key())
        .fetch_one(connection)
        .await
        .map_err(db_err)
        .during(format!("{doing} the lock {lock:?}"))
}

/// SQL (PostgreSQL) true when the worker whose id is in `column` holds no presence lock in this database any
/// more: its process ended, so what it claimed is abandoned. A NULL id (claimed before workers existed) is gone.
pub(crate) fn worker_gone(column: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = {PRESENCE}::oid \
         AND l.objid = ({column})::oid AND l.objsubid = 2 AND l.granted \
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
    )
}

/// sqlx's error as sea-orm's, so that `During` names what was being done.
fn db_err(error: sea_orm::sqlx::Error) -> sea_orm::DbErr {
    sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(error)))
}

/// A connection outside the pool (taken from it, then detached), so that its locks live exactly as long as it.
async fn dedicated_connection(store: &Store) -> Result<PgConnection> {
    let pooled = store
        .db()
        .get_postgres_connection_pool()
        .acquire()
        .await
        .map_err(db_err)
        .during("opening a connection for this worker")?;
    Ok(pooled.detach())
}

/// Ids are positive 31-bit numbers (an advisory lock key, an `integer` column).
fn random_id() -> i32 {
    rand::random_range(1..i32::MAX)
}

/// "host:pid": the machine's name (as the kernel knows it, else $HOSTNAME) and this process.
fn host_and_process() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".to_owned());
    format!("{host}:{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_distinct_and_stable() {
        let keys = [
            Lock::Migrations.key(),
            Lock::NotifyPlanning.key(),
            Lock::DaemonLeader.key(),
            Lock::Job("nightly").key(),
            Lock::Job("weekly_notify").key(),
        ];
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "{keys:?}");
        assert!(keys.iter().all(|k| *k > 0));
        assert_eq!(Lock::Job("nightly").key(), Lock::Job("nightly").key());
    }

    #[test]
    fn the_host_names_the_process() {
        let host = host_and_process();
        assert!(host.ends_with(&format!(":{}", std::process::id())), "{host}");
    }
}
