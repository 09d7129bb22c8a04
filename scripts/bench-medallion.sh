#!/usr/bin/env bash
# Medallion benchmark: the whole local platform run (`terrace`: apply, bronze, deploy, silver and
# gold with their data tests, on the `local` environment's embedded local cloud) over the sample
# shop at 1,000,000 cart line items, then dlt (PyPI `dlt[duckdb]`) ingesting the same shop from
# `terrace local serve` into DuckDB and dbt-duckdb (bench/dbt_shop) building the same models, one
# after the other. The gold tables must agree (row counts and a content hash per table) before
# wall times, peak memory, ratios and the goals are printed. The work is in
# scripts/bench_medallion.py. BENCH_MEDALLION_SCALE (1000000) sizes the shop;
# BENCH_MEDALLION_ARGS=--terrace-only skips the peers.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TERRACE_BIN:-.build/release/terrace}
VENV=.venv-bench
SCALE=${BENCH_MEDALLION_SCALE:-1000000}

[ -x "$BIN" ] || { echo "bench-medallion: $BIN is missing; build it with: swift build -c release --product terrace" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-medallion: GNU time measures peak memory; install it with: bash scripts/deps.sh --bench" >&2; exit 1; }
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# dbt-duckdb's newest release fetches a wheel from outside the registries; these pins install here (../shared/PEERS.md).
"$VENV/bin/python" -c "import dlt, duckdb, dbt.adapters.duckdb" 2>/dev/null \
  || "$VENV/bin/pip" install -q "dlt[duckdb]" "dbt-core>=1.10,<1.11" "dbt-duckdb>=1.9,<1.10"

. scripts/local-serve.sh  # $work, removed on exit; the script starts its own `terrace local serve`

"$VENV/bin/python" scripts/bench_medallion.py --bin "$BIN" --dbt "$VENV/bin/dbt" --work "$work" --scale "$SCALE" ${BENCH_MEDALLION_ARGS:-}
