# cinepicks — the two commands of the README, plus the benchmarks.
#   make demo   set up what is missing, build, run the whole pipeline on generated demo data
#   make test   set up what is missing, then format check, clippy and every test
.PHONY: deps demo test bench-ingest bench-recommend

deps:
	@scripts/install-deps.sh

demo: deps
	cargo run --release -- demo

test: deps
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace

# Ingest speed and memory against Python polars on the same generated files (see README, Benchmarks).
bench-ingest: deps
	scripts/bench-ingest.sh $(SCALE)

# Recommender speed and memory against the issue's targets (see README, Benchmarks).
bench-recommend: deps
	scripts/bench-recommend.sh $(FILMS)
