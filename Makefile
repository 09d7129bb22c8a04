# Terrace: `make run` builds and runs the whole platform locally, `make test` runs every test, `make bench` measures.
SWIFT   ?= swift
BIN     := .build/debug/terrace
RELEASE := .build/release/terrace
ENV     ?= local

.PHONY: deps build run test test-swift conformance bench bench-medallion release clean

deps:
	@bash scripts/deps.sh

build: deps
	$(SWIFT) build --product terrace

release: deps
	$(SWIFT) build -c release --product terrace

# The main job: apply, bronze, deploy, silver and gold with tests on the embedded local cloud (`terrace up --env local`).
run: build
	$(BIN) up --env local

# One build serves both suites: `--build-tests` also builds the terrace binary the
# conformance tests drive. A crash prints the crashed thread's frames last (no registers or
# images after them), so the end of a CI log shows where it happened.
CRASH_REPORT := SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=crashed,registers=none,images=none

test: deps
	$(SWIFT) build --build-tests
	$(CRASH_REPORT) $(SWIFT) test --skip-build
	TERRACE_BIN=$(BIN) bash scripts/conformance.sh

test-swift: deps
	$(SWIFT) build --build-tests
	$(CRASH_REPORT) $(SWIFT) test --skip-build

conformance: build
	TERRACE_BIN=$(BIN) bash scripts/conformance.sh

# Storage throughput (scripts/bench.sh), then `plan` of 1,000 resources beside its GET floor
# (scripts/bench-plan.sh), then the local BigQuery beside DuckDB (scripts/bench-bigquery.sh),
# then bronze ingestion beside dlt (scripts/bench-bronze.sh), then the whole local medallion run
# beside dlt + dbt-duckdb (scripts/bench-medallion.sh).
# One `swift build` per product: `--product` names a single one.
bench:
	@bash scripts/deps.sh --bench
	$(SWIFT) build -c release --product terrace
	$(SWIFT) build -c release --product terrace-fixture
	$(SWIFT) build -c release --product terrace-get-floor
	TERRACE_BIN=$(RELEASE) bash scripts/bench.sh
	TERRACE_BIN=$(RELEASE) TERRACE_FIXTURE_BIN=$(RELEASE)-fixture TERRACE_FLOOR_BIN=$(RELEASE)-get-floor bash scripts/bench-plan.sh
	TERRACE_BIN=$(RELEASE) bash scripts/bench-bigquery.sh
	TERRACE_BIN=$(RELEASE) TERRACE_FIXTURE_BIN=$(RELEASE)-fixture bash scripts/bench-bronze.sh
	TERRACE_BIN=$(RELEASE) bash scripts/bench-medallion.sh

# The medallion benchmark alone (BENCH_MEDALLION_SCALE=10000 for a quick try).
bench-medallion:
	@bash scripts/deps.sh --bench
	$(SWIFT) build -c release --product terrace
	TERRACE_BIN=$(RELEASE) bash scripts/bench-medallion.sh

clean:
	rm -rf .build .terrace
