#!/usr/bin/env bash
# Local BigQuery benchmark: 1,000,000 seeded order events as NDJSON gzip (~5% duplicate
# event_ids) and 50,000 customers, uploaded to `terrace local serve`'s Cloud Storage and loaded by
# BigQuery load jobs (timed: rows/s); then a group-by, a join and a window-function dedup through
# `jobs.query`, beside DuckDB (PyPI `duckdb`) loading the same files into a database file and
# running the same SQL. The results must be equal before any time is printed (a mismatch fails the
# script); the times are reported, not gated. The work is in scripts/bench_bigquery.py.
#
# Needs the release terrace (`make bench` builds it). BENCH_BQ_ROWS (1000000), BENCH_BQ_CUSTOMERS
# (50000), BENCH_BQ_RUNS (3, median reported) and BENCH_BQ_SEED change the workload.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TERRACE_BIN:-.build/release/terrace}
VENV=.venv-bench
DUCKDB_VERSION=1.5.6
ROWS=${BENCH_BQ_ROWS:-1000000}
CUSTOMERS=${BENCH_BQ_CUSTOMERS:-50000}
RUNS=${BENCH_BQ_RUNS:-3}
SEED=${BENCH_BQ_SEED:-20240101}

[ -x "$BIN" ] || { echo "bench-bigquery: $BIN is missing; build it with: swift build -c release --product terrace" >&2; exit 1; }
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/python" -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$DUCKDB_VERSION')" 2>/dev/null; then
  "$VENV/bin/pip" install -q "duckdb==$DUCKDB_VERSION"
fi

. scripts/local-serve.sh
start_local_serve "$BIN" bench-bigquery

"$VENV/bin/python" scripts/bench_bigquery.py --base-url "$base" --server-pid "$server" --work "$work" \
  --rows "$ROWS" --customers "$CUSTOMERS" --runs "$RUNS" --seed "$SEED"
