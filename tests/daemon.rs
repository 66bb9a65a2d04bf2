//! The scheduler daemon on a real SQLite store with test stages: overlap, failures, catch-up, shutdown and the
//! real binary's signals and exit codes.

use crate::common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::bail;
use chrono::Utc;
use cinepicks::config::Config;
use cinepicks_domain::{Channel, DeliveryStatus, JobStatus};
use cinepicks_jobs::context::{Context, Metrics};
use cinepicks_jobs::daemon::chain::{ScheduledJob, Stage};
use cinepicks_jobs::daemon::runner::{Outcome, Runner};
use cinepicks_jobs::daemon::schedule::Schedule;
use cinepicks_jobs::daemon::{ShutdownError, serve};
use cinepicks_store::entities::job_run;
use cinepicks_store::sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;

fn context(data: &Path, grace_secs: u64) -> Context {
    let mut config = Config::embedded_default().jobs;
    config.data_dir = data.to_path_buf();
    config.schedule.grace_period_secs = grace_secs;
    Context::new(config, false)
}

fn job(name: &'static str, cron: &str, stages: Vec<Stage>) -> ScheduledJob {
    ScheduledJob { name, schedule: Schedule::new(&cron.parse().unwrap(), chrono_tz::Europe::Paris), stages }
}

/// A stage that counts its runs and reports the count.
fn counting(name: &'static str, counter: &Arc<AtomicUsize>) -> Stage {
    let counter = counter.clone();
    Stage::new(name, move |_, _| {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let mut m = Metrics::default();
        m.insert("count", n);
        Ok(m)
    })
}

/// A stage that blocks until `gate` holds a value, then writes `file` through a temporary name, as every job does.
fn gated_writer(name: &'static str, gate: &Arc<AtomicUsize>, started: &Arc<AtomicUsize>, file: &str) -> Stage {
    let (gate, started, file) = (gate.clone(), started.clone(), file.to_owned());
    Stage::new(name, move |ctx, _| {
        started.fetch_add(1, Ordering::SeqCst);
        let tmp = ctx.paths.root.join(format!(".{file}.tmp"));
        std::fs::write(&tmp, "half")?;
        while gate.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::fs::write(&tmp, "complete")?;
        std::fs::rename(&tmp, ctx.paths.root.join(&file))?;
        Ok(Metrics::default())
    })
}

async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..500 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn job_runs(ctx: &Context) -> Vec<job_run::Model> {
    let store = cinepicks_jobs::store::open(ctx).await.unwrap();
    job_run::Entity::find().order_by_asc(job_run::Column::Id).all(store.db()).await.unwrap()
}

/// A schedule that will not fire during a test (midnight on 1 January), so only catch-up runs happen.
const YEARLY: &str = "0 0 0 1 1 *";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlapping_tick_is_skipped_and_leaves_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), 5);
    let (gate, started) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let nightly = job("nightly", YEARLY, vec![gated_writer("slow", &gate, &started, "out.txt")]);
    let store = cinepicks_jobs::store::open(&ctx).await.unwrap();
    let runner = Runner::new(ctx.clone(), store.clone(), store.worker().await.unwrap());

    let first_slot = Utc::now() - chrono::Duration::days(1);
    let first = tokio::spawn({
        let (runner, nightly) = (runner.clone(), nightly.clone());
        async move { runner.run(&nightly, first_slot).await.unwrap() }
    });
    wait_for("the first run to start", || started.load(Ordering::SeqCst) == 1).await;
    let second = runner.run(&nightly, Utc::now()).await.unwrap();
    assert_eq!(second, Outcome::Skipped);

    gate.store(1, Ordering::SeqCst);
    assert_eq!(first.await.unwrap(), Outcome::Succeeded);
    assert_eq!(started.load(Ordering::SeqCst), 1, "the skipped tick ran nothing");
    let rows = job_runs(&ctx).await;
    assert_eq!(rows.len(), 1, "one row, for the run that ran");
    assert_eq!(rows[0].status, JobStatus::Succeeded);
    assert_eq!(rows[0].logical_key, nightly.schedule.logical_key(first_slot));
    assert!(rows[0].metrics.as_ref().unwrap()["slow"]["seconds"].is_number());

    // Once the first run is over, the job is free again.
    gate.store(1, Ordering::SeqCst);
    assert_eq!(runner.run(&nightly, Utc::now()).await.unwrap(), Outcome::Succeeded);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_stage_stops_the_chain_and_a_retry_of_the_same_slot_reuses_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), 5);
    let (before, after) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let fail = Arc::new(AtomicUsize::new(1));
    let failing = {
        let fail = fail.clone();
        Stage::new("train", move |_, _| {
            if fail.load(Ordering::SeqCst) == 1 {
                bail!("lake/ratings.parquet: column rating missing");
            }
            Ok(Metrics::default())
        })
    };
    let nightly = job("nightly", YEARLY, vec![counting("ingest", &before), failing, counting("publish", &after)]);
    let store = cinepicks_jobs::store::open(&ctx).await.unwrap();
    let runner = Runner::new(ctx.clone(), store.clone(), store.worker().await.unwrap());
    let slot = nightly.schedule.latest_at_or_before(Utc::now()).unwrap();

    let outcome = runner.run(&nightly, slot).await.unwrap();
    assert!(matches!(outcome, Outcome::Failed { stage: "train", .. }), "{outcome:?}");
    assert_eq!((before.load(Ordering::SeqCst), after.load(Ordering::SeqCst)), (1, 0), "publish never ran");
    let rows = job_runs(&ctx).await;
    assert_eq!(rows[0].status, JobStatus::Failed);
    let error = rows[0].error.as_deref().unwrap();
    assert!(error.contains("stage train failed") && error.contains("column rating missing"), "{error}");
    assert!(!runner.succeeded(&nightly, slot).await.unwrap());

    fail.store(0, Ordering::SeqCst);
    assert_eq!(runner.run(&nightly, slot).await.unwrap(), Outcome::Succeeded);
    let rows = job_runs(&ctx).await;
    assert_eq!(rows.len(), 1, "the retry is the same logical run");
    assert_eq!((rows[0].status.as_str(), rows[0].attempts, rows[0].error.as_deref()), ("succeeded", 2, None));
    assert_eq!(after.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_run_is_caught_up_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), 5);
    let runs = Arc::new(AtomicUsize::new(0));
    let nightly = job("nightly", YEARLY, vec![counting("work", &runs)]);

    for start in 1..=3 {
        let watched = runs.clone();
        let shutdown = async move {
            // Give a catch-up the time to start, then stop once nothing is running.
            tokio::time::sleep(Duration::from_millis(700)).await;
            while watched.load(Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            "test"
        };
        serve(ctx.clone(), vec![nightly.clone()], true, shutdown).await.unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1, "after start {start}, the missed run ran exactly once");
    }
    let rows = job_runs(&ctx).await;
    assert_eq!(rows.len(), 1);
    let slot = nightly.schedule.latest_at_or_before(Utc::now()).unwrap();
    assert_eq!(rows[0].logical_key, nightly.schedule.logical_key(slot), "caught up under the missed slot's key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_fires_each_tick_of_a_seconds_schedule_once() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), 5);
    let runs = Arc::new(AtomicUsize::new(0));
    let every_two_seconds = job("tick", "*/2 * * * * *", vec![counting("work", &runs)]);
    let watched = runs.clone();
    let shutdown = async move {
        while watched.load(Ordering::SeqCst) < 3 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        "test"
    };
    let metrics =
        tokio::time::timeout(Duration::from_secs(30), serve(ctx.clone(), vec![every_two_seconds], false, shutdown))
            .await
            .expect("three ticks within 30 s")
            .unwrap();
    assert!(metrics.get("runs_succeeded").unwrap().as_u64().unwrap() >= 2);
    let rows = job_runs(&ctx).await;
    assert!(rows.len() >= 3, "{rows:?}");
    let keys: Vec<&str> = rows.iter().map(|r| r.logical_key.as_str()).collect();
    let mut unique = keys.clone();
    unique.dedup();
    assert_eq!(keys, unique, "each slot ran once");
    for key in keys {
        let second: u32 = key[17..19].parse().unwrap();
        assert_eq!(second % 2, 0, "{key} is not a slot of */2");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shutdown_during_a_stage_lets_it_finish_and_stops_before_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), 30);
    let (gate, started) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let later = Arc::new(AtomicUsize::new(0));
    let nightly =
        job("nightly", YEARLY, vec![gated_writer("train", &gate, &started, "model.txt"), counting("publish", &later)]);
    let (watched, gate_opener) = (started.clone(), gate.clone());
    let shutdown = async move {
        while watched.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The signal arrives while train runs; train then finishes within the grace period.
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            gate_opener.store(1, Ordering::SeqCst);
        });
        "SIGTERM"
    };
    let err = serve(ctx.clone(), vec![nightly], true, shutdown).await.unwrap_err();
    let shutdown = err.downcast_ref::<ShutdownError>().expect("a shutdown error");
    assert_eq!(shutdown.exit_code(), 3, "{err}");
    assert_eq!(std::fs::read_to_string(dir.path().join("model.txt")).unwrap(), "complete");
    assert_eq!(later.load(Ordering::SeqCst), 0, "publish did not start after the signal");
    let rows = job_runs(&ctx).await;
    assert_eq!(rows[0].status, JobStatus::Cancelled);
    assert!(rows[0].error.as_deref().unwrap().contains("before stage publish"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_outliving_the_grace_period_is_abandoned_without_publishing_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), 1);
    let (gate, started) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let nightly = job("nightly", YEARLY, vec![gated_writer("train", &gate, &started, "model.txt")]);
    let watched = started.clone();
    let shutdown = async move {
        while watched.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        "SIGTERM"
    };
    let err = serve(ctx.clone(), vec![nightly], true, shutdown).await.unwrap_err();
    assert_eq!(err.downcast_ref::<ShutdownError>().map(ShutdownError::exit_code), Some(4), "{err}");
    assert!(!dir.path().join("model.txt").exists(), "no half-written output under the final name");
    let rows = job_runs(&ctx).await;
    assert_eq!(rows[0].status, JobStatus::Failed);
    assert!(rows[0].error.as_deref().unwrap().contains("grace period"), "{:?}", rows[0].error);
    gate.store(1, Ordering::SeqCst); // lets the abandoned thread end
}

#[test]
fn the_binary_exits_cleanly_on_sigterm_and_status_shows_the_schedules() {
    let dir = tempfile::tempdir().unwrap();
    let mut daemon = std::process::Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["daemon", "--no-catch-up"])
        .env_remove("CINEPICKS_CONFIG")
        .spawn()
        .expect("starting the daemon");
    // The store is created at start; wait for it, then send SIGTERM.
    for _ in 0..300 {
        if dir.path().join("cinepicks.db").exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    let pid = daemon.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = daemon.wait().unwrap();
    assert_eq!(status.code(), Some(0), "nothing was running: a clean stop");

    let out = common::cinepicks_ok(dir.path(), &["status"]);
    assert!(out.contains("nightly") && out.contains("never run"), "{out}");
    assert!(out.contains("next  20"), "the next run is shown: {out}");
    let prometheus = common::cinepicks_ok(dir.path(), &["status", "--format", "prometheus"]);
    assert!(prometheus.contains("# TYPE cinepicks_job_next_run_timestamp_seconds gauge"), "{prometheus}");
    assert!(prometheus.contains("cinepicks_job_next_run_timestamp_seconds{job=\"nightly\"}"), "{prometheus}");
}

#[test]
fn run_retries_the_latest_slot_and_reports_the_failed_stage() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing to ingest: the chain fails at its first stage, with the reason.
    let out = common::cinepicks(dir.path(), &["run", "nightly"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stage ingest failed"), "{stderr}");
    let out = common::cinepicks(dir.path(), &["run", "nightly"]);
    assert_eq!(out.status.code(), Some(1));
    let status = common::cinepicks_ok(dir.path(), &["status"]);
    assert!(status.contains("last  failed") && status.contains("attempt 2"), "{status}");
    // The machine and process of the latest attempt are named.
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert!(status.contains(&format!(" on {}:", host.trim())), "{status}");
    let unknown = common::cinepicks(dir.path(), &["run", "weekly"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("the jobs are: nightly, weekly_notify"));
}

#[test]
fn the_deployment_examples_call_commands_the_cli_accepts() {
    use clap::Parser;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifests = std::fs::read_to_string(root.join("deploy/kubernetes/cronjobs.yaml")).unwrap();
    let mut commands = 0;
    for doc in serde_yaml_ng::Deserializer::from_str(&manifests) {
        let doc = serde_yaml_ng::Value::deserialize(doc).unwrap();
        let containers = &doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"];
        for container in containers.as_sequence().unwrap() {
            let args: Vec<String> = serde_yaml_ng::from_value(container["args"].clone()).unwrap();
            let argv = std::iter::once("cinepicks".to_owned()).chain(args.clone());
            cinepicks::cli::Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            commands += 1;
        }
    }
    assert_eq!(commands, 2, "the nightly chain and the weekly send");

    for unit in ["cinepicks.service", "cinepicks-web.service"] {
        let unit = std::fs::read_to_string(root.join("deploy/systemd").join(unit)).unwrap();
        let exec = unit.lines().find_map(|l| l.strip_prefix("ExecStart=")).unwrap();
        cinepicks::cli::Cli::try_parse_from(exec.split_whitespace().map(|a| a.rsplit('/').next().unwrap()))
            .unwrap_or_else(|e| panic!("{exec}: {e}"));
    }

    let dag = root.join("deploy/airflow/cinepicks_dag.py");
    let parse = "import ast, sys; ast.parse(open(sys.argv[1]).read())";
    let compiled = std::process::Command::new("python3").args(["-c", parse]).arg(&dag).status().unwrap();
    assert!(compiled.success(), "the Airflow DAG is valid Python");
}

/// Files a stopped writer may leave: `.name.tmp` (lake, marts, JSON) and `.unfinished-*` run folders.
fn half_written(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tmp") || name.starts_with(".unfinished-") {
            found.push(path.clone());
        }
        if path.is_dir() {
            half_written(&path, found);
        }
    }
}

/// The real daemon on generated data with schedules two and three seconds apart, killed (SIGKILL) at moments
/// spread over its chain, with a stretch where the MovieLens input is gone so that a stage fails; then run once
/// more and stopped cleanly. Afterwards nothing is half-written, no run is left `running`, the active model is
/// a complete run that answers, and every sent e-mail has its file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_moments_the_daemon_leaves_consistent_state() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    common::cinepicks_ok(data, &["generate", "--scale", "0.002"]);
    let csv = data.join("customers.csv");
    let mut rows = String::from("name,email,phone,locale,likes,consent,genres\n");
    for i in 1..=4 {
        rows.push_str(&format!("Client {i},client{i}@example.org,,fr,,email,Drama\n"));
    }
    std::fs::write(&csv, rows).unwrap();
    common::cinepicks_ok(data, &["customers", "import", csv.to_str().unwrap()]);
    let daemon = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_cinepicks"))
            .arg("--data-dir")
            .arg(data)
            .arg("daemon")
            .env_remove("CINEPICKS_CONFIG")
            .env("CINEPICKS_UNSUBSCRIBE_SECRET", "daemon test secret, not a real one")
            .env("CINEPICKS__SCHEDULE__NIGHTLY", "*/2 * * * * *")
            .env("CINEPICKS__SCHEDULE__WEEKLY_NOTIFY", "*/3 * * * * *")
            // Long enough for a stage to finish after the final SIGTERM on a quiet machine (the kills before it
            // are SIGKILL: no grace there); on a loaded one the stage is abandoned, which is an orderly stop too.
            .env("CINEPICKS__SCHEDULE__GRACE_PERIOD_SECS", "60")
            // The models' quality is not under test here: light settings keep each chain short, so that the
            // kills land in every stage and the final chain ends within the wait on a loaded machine.
            .env("CINEPICKS__POPULARITY__FOLDS", "0")
            .env("CINEPICKS__POPULARITY__TREES__ROUNDS", "30")
            .env("CINEPICKS__AUDIENCE__TREES__ROUNDS", "20")
            .env("CINEPICKS__RECOMMEND__EVALUATION__FOLDS", "0")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starting the daemon")
    };
    let movielens = data.join("raw/movielens");
    let away = data.join("raw/movielens.away");
    // Milliseconds before each kill: early (store, catch-up), mid-chain (ingest, train), late (analyze, publish,
    // notify), spread rather than drawn so that a failure can be replayed; the fifth start, without MovieLens,
    // lives long enough for its chain to reach the stage that fails even on a slow machine.
    for (i, ms) in [700u64, 5_300, 2_100, 3_000, 14_000, 1_400, 6_600, 4_200, 11_000].into_iter().enumerate() {
        if i == 3 {
            std::fs::rename(&movielens, &away).unwrap();
        }
        if i == 5 {
            std::fs::rename(&away, &movielens).unwrap();
        }
        let mut child = daemon();
        std::thread::sleep(Duration::from_millis(ms));
        child.kill().unwrap();
        child.wait().unwrap();
    }

    // A last start recovers, runs the chain and the send, and is stopped cleanly.
    let since = Utc::now();
    let mut child = daemon();
    let ctx = context(data, 30);
    let done = |runs: &[job_run::Model], job: &str| {
        runs.iter().any(|r| r.job == job && r.status == JobStatus::Succeeded && r.started_at >= since)
    };
    // Up to fifteen minutes: the chain shares the two cores with the other end-to-end tests of the binary, and a
    // loaded CI machine has been seen to run it five times slower than a quiet one.
    for _ in 0..9000 {
        let runs = job_runs(&ctx).await;
        if done(&runs, "nightly") && runs.iter().any(|r| r.job == "weekly_notify" && r.status == JobStatus::Succeeded) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let code = child.wait().unwrap().code();
    // 0 or 3: stopped between two chains or two stages; 4: the next chain, started at once by the two-second
    // schedule, had a stage that outlived the grace period (seen on a loaded machine) and was abandoned. All three
    // are orderly stops whose state the checks below must find consistent; a crash or a signal death is not.
    assert!(matches!(code, Some(0) | Some(3) | Some(4)), "an orderly stop: {code:?}");

    let runs = job_runs(&ctx).await;
    assert!(done(&runs, "nightly"), "{runs:#?}");
    assert!(runs.iter().all(|r| r.status != JobStatus::Running), "a run left running: {runs:#?}");
    let failed_with = |prefix: &str| {
        runs.iter().any(|r| {
            r.job == "nightly"
                && r.status == JobStatus::Failed
                && r.error.as_deref().is_some_and(|e| e.starts_with(prefix))
        })
    };
    assert!(failed_with("interrupted"), "no kill landed inside a chain: {runs:#?}");
    // Without MovieLens the lake has no ratings: the chain stops at the stage that needs them.
    assert!(failed_with("stage "), "the stretch without MovieLens made no stage fail: {runs:#?}");
    let mut leftovers = Vec::new();
    for sub in ["lake", "marts", "models", "outbox", "evaluations"] {
        half_written(&data.join(sub), &mut leftovers);
    }
    assert!(leftovers.is_empty(), "half-written outputs: {leftovers:?}");
    for run in std::fs::read_dir(data.join("models")).unwrap().flatten() {
        assert!(run.path().join("run.json").exists(), "an incomplete run folder: {}", run.path().display());
    }

    let store = cinepicks_jobs::store::open(&ctx).await.unwrap();
    let active = store.active_run().await.unwrap().expect("an active model");
    assert!(data.join("models").join(&active.run_id).join("run.json").exists(), "{active:?}");
    let deliveries = cinepicks_store::entities::delivery::Entity::find().all(store.db()).await.unwrap();
    for d in deliveries.iter().filter(|d| d.status == DeliveryStatus::Sent) {
        let eml = data.join("outbox/email").join(&d.iso_week).join(format!("{}.eml", d.customer_id));
        assert!(eml.exists(), "sent but no file: {}", eml.display());
    }
    let sent_files = walk_count(&data.join("outbox/email"), |p| p.extension().is_some_and(|e| e == "eml"));
    assert_eq!(
        sent_files,
        deliveries.iter().filter(|d| d.status == DeliveryStatus::Sent && d.channel == Channel::Email).count()
    );
    let films = store.all_films().await.unwrap();
    let out = common::cinepicks_ok(data, &["recommend", &films[0].film_id]);
    assert!(out.lines().count() > 1, "the active model answers: {out}");
}

fn walk_count(dir: &Path, keep: impl Fn(&Path) -> bool + Copy) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .map(|p| if p.is_dir() { walk_count(&p, keep) } else { usize::from(keep(&p)) })
        .sum()
}

/// A `cinepicks daemon` on the PostgreSQL store `url` with its own data folder (as on its own machine), sending
/// the week's (empty) picks every two seconds.
fn daemon_on(url: &str, data: &Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .arg("--data-dir")
        .arg(data)
        .args(["daemon", "--no-catch-up"])
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS__DATABASE__URL", url)
        .env("CINEPICKS__SCHEDULE__WEEKLY_NOTIFY", "*/2 * * * * *")
        .env("CINEPICKS__SCHEDULE__NIGHTLY", YEARLY)
        .env("CINEPICKS_UNSUBSCRIBE_SECRET", "a test secret long enough")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starting the daemon")
}

/// The weekly send's runs, with the process that ran each (host names end in ":pid").
async fn weekly_runs(store: &cinepicks_store::Store) -> Vec<job_run::Model> {
    use cinepicks_store::sea_orm::{ColumnTrait, QueryFilter};
    job_run::Entity::find()
        .filter(job_run::Column::Job.eq("weekly_notify"))
        .order_by_asc(job_run::Column::LogicalKey)
        .all(store.db())
        .await
        .unwrap()
}

fn ran_by(run: &job_run::Model, daemon: &std::process::Child) -> bool {
    run.host.as_deref().is_some_and(|h| h.ends_with(&format!(":{}", daemon.id())))
}

/// Two daemons on one PostgreSQL store: the first leads and runs every tick, the second waits; the leader killed,
/// the second runs the next ticks. No tick is ever run by both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_daemons_on_postgres_elect_one_leader_and_the_other_takes_over_when_it_dies() {
    let db = common::store::TestDb::migrated(common::store::Kind::Postgres).await;
    let (first_dir, second_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut first = daemon_on(&db.url, first_dir.path());
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !weekly_runs(&db.store).await.iter().any(|r| ran_by(r, &first) && r.status == JobStatus::Succeeded) {
        assert!(std::time::Instant::now() < deadline, "the first daemon ran no tick");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut second = daemon_on(&db.url, second_dir.path());
    // The follower's store is ready (and its timer ticking) well before the leader's next two runs end.
    let before = weekly_runs(&db.store).await.len();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while weekly_runs(&db.store).await.len() < before + 3 {
        assert!(std::time::Instant::now() < deadline, "the leader stopped ticking");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let runs = weekly_runs(&db.store).await;
    assert!(!runs.iter().any(|r| ran_by(r, &second)), "the follower ran a tick while the leader lived: {runs:#?}");

    first.kill().unwrap(); // SIGKILL: its connection, and the leader's lock with it, end now
    first.wait().unwrap();
    let killed_at = Utc::now();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let taken_over = loop {
        let runs = weekly_runs(&db.store).await;
        if let Some(run) = runs.into_iter().find(|r| ran_by(r, &second) && r.status == JobStatus::Succeeded) {
            break run;
        }
        assert!(std::time::Instant::now() < deadline, "the second daemon never took over");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Its first run is the slot of the next tick after the kill (two seconds apart; one more if the kill fell
    // while that tick was being handed out), whatever time the run itself took on a loaded machine.
    let slot = chrono::DateTime::parse_from_rfc3339(&taken_over.logical_key).unwrap().with_timezone(&Utc);
    assert!(slot - killed_at <= chrono::Duration::seconds(4), "took over at {slot}, killed at {killed_at}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(std::process::Command::new("kill").args(["-TERM", &second.id().to_string()]).status().unwrap().success());
    assert_eq!(second.wait().unwrap().code(), Some(0));

    let runs = weekly_runs(&db.store).await;
    // Only the slot the leader died in may have been started twice, the second time by the new leader.
    let twice: Vec<&job_run::Model> = runs.iter().filter(|r| r.attempts > 1).collect();
    assert!(twice.len() <= 1 && twice.iter().all(|r| r.attempts == 2 && ran_by(r, &second)), "{runs:#?}");
    assert!(runs.iter().all(|r| r.status != JobStatus::Running), "a run left running: {runs:#?}");
    // Each daemon's runs form one stretch: the first's, then the second's.
    let hosts: Vec<bool> = runs.iter().map(|r| ran_by(r, &second)).collect();
    assert!(hosts.windows(2).all(|w| w[0] <= w[1]), "{runs:#?}");
    assert!(runs.iter().filter(|r| ran_by(r, &second)).count() >= 2, "{runs:#?}");
}
