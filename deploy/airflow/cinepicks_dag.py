"""Airflow DAGs running cinepicks' stages instead of its daemon: one task per stage, each an idempotent CLI call.

Copy this file into the DAGs folder of an Airflow 2.x deployment where the `cinepicks` binary and its
configuration are installed. Secrets come from the worker's environment (CINEPICKS__DATABASE__URL, ...).
A failed stage stops the chain (the later tasks are upstream_failed), so publish never activates a model
whose chain failed: the previous one stays active, as with the daemon.
"""

from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

CINEPICKS = "cinepicks --log-format json --config /etc/cinepicks/production.yaml"
PARIS = pendulum.timezone("Europe/Paris")
DEFAULTS = {"retries": 2, "retry_delay": timedelta(minutes=10)}

with DAG(
    dag_id="cinepicks_nightly",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2026, 11, 1, tz=PARIS),
    catchup=False,  # like the daemon: only the latest missed run is worth doing
    max_active_runs=1,  # no overlap
    default_args=DEFAULTS,
) as nightly:
    stages = ["fetch", "ingest", "train", "analyze", "evaluate", "publish"]
    tasks = [
        BashOperator(task_id=stage, bash_command=f"{CINEPICKS} {stage}", execution_timeout=timedelta(hours=2))
        for stage in stages
    ]
    for upstream, downstream in zip(tasks, tasks[1:]):
        upstream >> downstream

with DAG(
    dag_id="cinepicks_weekly_notify",
    schedule="0 10 * * 3",
    start_date=pendulum.datetime(2026, 11, 1, tz=PARIS),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULTS,
) as weekly:
    # The ISO week of the run's logical date in Paris, so a retry on Thursday still sends Wednesday's week.
    BashOperator(
        task_id="notify",
        bash_command=CINEPICKS + " notify --week {{ logical_date.in_timezone('Europe/Paris').strftime('%G-W%V') }}",
    )
