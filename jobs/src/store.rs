//! Opening the configured store from a job: the SQLite file under the data directory unless `database.url`
//! names another, migrated to the latest schema before use.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};

use cinepicks_store::Store;

use crate::context::Context;

/// File name of the default SQLite store, under the data directory.
pub const SQLITE_FILE: &str = "cinepicks.db";

/// The SQLite file used when `database.url` is empty.
pub fn default_sqlite_path(ctx: &Context) -> PathBuf {
    ctx.paths.root.join(SQLITE_FILE)
}

/// Opens and migrates the store.
pub async fn open(ctx: &Context) -> Result<Store> {
    let url = ctx.config.database.url.trim();
    let store = if url.is_empty() {
        let path = default_sqlite_path(ctx);
        std::fs::create_dir_all(&ctx.paths.root)
            .with_context(|| format!("creating the data directory {}", ctx.paths.root.display()))?;
        Store::open_sqlite(&path).await?
    } else {
        Store::open(url).await?
    };
    store.migrate().await.with_context(|| format!("migrating the store at {}", store.url()))?;
    Ok(store)
}

/// A single-threaded runtime for one job: the store's work is I/O-bound and sequential.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")
}

/// Runs `work` on the opened store, on a runtime of its own, then closes the store whatever `work` returned: the
/// way a command uses the store.
pub fn with_store<T>(ctx: &Context, work: impl AsyncFnOnce(&Store) -> Result<T>) -> Result<T> {
    runtime()?.block_on(async {
        let store = open(ctx).await?;
        let result = work(&store).await;
        store.close().await?;
        result
    })
}

/// Marks the runs of `job` a killed process left `running` as failed, and says so. On SQLite call it only while
/// holding the job's lock (`DataPaths::try_lock`), so that no live process is running them; on PostgreSQL the
/// store marks only the runs whose worker is gone.
pub async fn fail_abandoned_runs(store: &Store, job: &str, now: DateTime<Utc>) -> Result<u64> {
    let reason = "interrupted: the process running it stopped before it finished";
    let marked = store.fail_abandoned_runs(job, reason, now).await?;
    if marked > 0 {
        tracing::warn!(job, runs = marked, "runs left running by a stopped process marked failed");
    }
    Ok(marked)
}
