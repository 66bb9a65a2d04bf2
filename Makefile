# cinepicks — the two commands of the README, plus the benchmarks.
#   make demo   set up what is missing, build, run the whole pipeline on generated demo data
#   make test   set up what is missing, then format check, clippy and every test
.PHONY: deps demo test lint chromium bench-ingest notebooks bench-analyze postgres bench-publish bench-recommend bench-notify bench-notify-workers bench-popularity bench-serve

deps:
	@scripts/install-deps.sh

demo: deps
	cargo run --release -- demo

# The store tests run against SQLite and a real PostgreSQL server (installed and started when missing).
postgres:
	@scripts/postgres.sh

# The browser tests drive Debian's Chromium (installed when missing).
chromium:
	@scripts/install-chromium.sh

# CINEPICKS_PYTHON: the project venv's Python (with the xgboost package), which the popularity tests use to
# check that Python XGBoost loads the saved models and predicts exactly as cinepicks does, and the object storage
# test to serve S3 (moto) and read the shared lake with Spark and DuckDB; CINEPICKS_SPARK_JARS: Spark's s3a jars.
#
# Clippy runs as the compiler of the workspace's own crates during the test build, with the lints and
# `-D warnings` of `cargo clippy --workspace --all-targets -- -D warnings` (how cargo-clippy itself drives
# clippy-driver): a separate `cargo clippy` would compile every dependency a second time in check mode, a third
# of a cold CI run on two cores. `make lint` runs the plain command.
CLIPPY_AS_COMPILER = RUSTC_WORKSPACE_WRAPPER="$$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)" \
	CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
test: deps postgres chromium
	cargo fmt --all --check
	$(CLIPPY_AS_COMPILER) cargo test --workspace --all-targets --no-run
	$(CLIPPY_AS_COMPILER) CINEPICKS_PYTHON="$$(scripts/python-env.sh)/bin/python" \
		CINEPICKS_SPARK_JARS="$$(scripts/spark.sh)" cargo test --workspace
	$(CLIPPY_AS_COMPILER) scripts/run-notebooks.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

# Ingest speed and memory against Python polars on the same generated files (see docs/benchmarks.md).
bench-ingest: deps
	scripts/bench-ingest.sh $(SCALE)

# Execute the analyst notebooks (Python venv created on first use) against a fresh demo, or DATA=dir.
notebooks: deps
	scripts/run-notebooks.sh $(DATA)

# analyze on the lake of 1/10-scale generated data: wall time and peak RSS (see docs/benchmarks.md).
bench-analyze: deps
	scripts/bench-analyze.sh $(SCALE)

# Publish speed: neighbour rows per second into SQLite and PostgreSQL (see docs/benchmarks.md).
bench-publish: deps postgres
	cargo bench -p cinepicks-store --bench publish

# Recommender speed and memory against the issue's targets (see docs/benchmarks.md).
bench-recommend: deps
	scripts/bench-recommend.sh $(FILMS)

# Notifier speed: 100k subscribers to the file outboxes, and e-mails per second to a local SMTP server (see docs/benchmarks.md).
bench-notify: deps
	scripts/bench-notify.sh $(SUBSCRIBERS) $(SMTP_MESSAGES)

bench-notify-workers: deps
	scripts/bench-notify-workers.sh $(SUBSCRIBERS)

# Web server latency with wrk on loopback against the demo store (see docs/benchmarks.md).
bench-serve: deps
	scripts/bench-serve.sh $(DURATION)

# Popularity model: XGBoost fit on the 1/10-scale IMDb-format lake and one prediction (see docs/benchmarks.md).
bench-popularity: deps
	scripts/bench-popularity.sh $(SCALE)
