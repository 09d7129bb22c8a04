#!/usr/bin/env bash
# Bronze ingestion benchmark: 1,000,000 generated cart line items served as pre-generated JSON
# pages by a fixture server; `terrace run` (the release terrace-fixture, whose test stack
# declares the `line_items` source) lands and loads them into `terrace local serve`'s lake and
# BigQuery, then dlt (PyPI `dlt[duckdb]`) loads the same pages into DuckDB. The loads must agree
# (count and content hash) before records/s, peak memory and the ratio are printed. The work is
# in scripts/bench_bronze.py. BENCH_BRONZE_RECORDS (1000000) and BENCH_BRONZE_SEED change it.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TERRACE_BIN:-.build/release/terrace}
FIXTURE=${TERRACE_FIXTURE_BIN:-.build/release/terrace-fixture}
VENV=.venv-bench
RECORDS=${BENCH_BRONZE_RECORDS:-1000000}
SEED=${BENCH_BRONZE_SEED:-20240101}

for b in "$BIN" "$FIXTURE"; do
  [ -x "$b" ] || { echo "bench-bronze: $b is missing; build it with: swift build -c release --product $(basename "$b")" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench-bronze: GNU time measures peak memory; install it with: bash scripts/deps.sh --bench" >&2; exit 1; }
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import dlt, duckdb" 2>/dev/null || "$VENV/bin/pip" install -q "dlt[duckdb]"

. scripts/local-serve.sh
start_local_serve "$BIN" bench-bronze

"$VENV/bin/python" scripts/bench_bronze.py --fixture-bin "$FIXTURE" --base-url "$base" --work "$work" --records "$RECORDS" --seed "$SEED" \
  --server-pid "$server" ${BENCH_BRONZE_ARGS:-}
