# cinepicks — the two commands of the README, plus the benchmarks.
#   make demo   set up what is missing, build, run the whole pipeline on generated demo data
#   make test   set up what is missing, then format check, clippy and every test
.PHONY: deps demo test bench-ingest notebooks bench-analyze postgres bench-publish bench-recommend bench-notify

deps:
	@scripts/install-deps.sh

demo: deps
	cargo run --release -- demo

# The store tests run against SQLite and a real PostgreSQL server (installed and started when missing).
postgres:
	@scripts/postgres.sh

test: deps postgres
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace
	scripts/run-notebooks.sh

# Ingest speed and memory against Python polars on the same generated files (see README, Benchmarks).
bench-ingest: deps
	scripts/bench-ingest.sh $(SCALE)

# Execute the analyst notebooks (Python venv created on first use) against a fresh demo, or DATA=dir.
notebooks: deps
	scripts/run-notebooks.sh $(DATA)

# analyze on the lake of 1/10-scale generated data: wall time and peak RSS (see README, Benchmarks).
bench-analyze: deps
	scripts/bench-analyze.sh $(SCALE)

# Publish speed: neighbour rows per second into SQLite and PostgreSQL (see README, Benchmarks).
bench-publish: deps postgres
	cargo bench -p cinepicks-store --bench publish

# Recommender speed and memory against the issue's targets (see README, Benchmarks).
bench-recommend: deps
	scripts/bench-recommend.sh $(FILMS)

# Notifier speed: 100k subscribers to the file outboxes, and e-mails per second to a local SMTP server (see README).
bench-notify: deps
	scripts/bench-notify.sh $(SUBSCRIBERS) $(SMTP_MESSAGES)
