#!/usr/bin/env bash
# Plan benchmark: `terrace plan` of 1,000 declared resources with no changes, against
# `terrace local serve`, beside its floor: the same GET requests at the same concurrency through
# the same transport (`terrace-get-floor`, Tests/Bench/GetFloor.swift), in a freshly started
# process too. Both are timed from outside (wall clock, median of BENCH_PLAN_RUNS runs taken in
# turn after one warm-up each) with their peak RSS; prints both, the ratio, and PASS/FAIL against
# the goals: plan within 1.5x of the floor, plan under 150 MB peak RSS.
#
# The declarations are Tests/TestStacks' `scaled` stack (groups of a bucket, a dataset, a topic,
# a subscription and an IAM grant on the topic, plus one service account), built into
# `terrace-fixture`; they are applied once before timing (not timed).
#
# Needs release builds of terrace, terrace-fixture and terrace-get-floor (`make bench` builds them).
# BENCH_PLAN_SCALE (1000), BENCH_PLAN_PARALLELISM (10), BENCH_PLAN_RUNS (5) change the workload;
# BENCH_PLAN_STRICT=1 exits 3 when a goal is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TERRACE_BIN:-.build/release/terrace}
FIXTURE=${TERRACE_FIXTURE_BIN:-.build/release/terrace-fixture}
FLOOR=${TERRACE_FLOOR_BIN:-.build/release/terrace-get-floor}
SCALE=${BENCH_PLAN_SCALE:-1000}
PARALLELISM=${BENCH_PLAN_PARALLELISM:-10}
RUNS=${BENCH_PLAN_RUNS:-5}
PROJECT=terrace-bench
GOAL_RATIO=1.5
GOAL_RSS_MB=150

for b in "$BIN" "$FIXTURE" "$FLOOR"; do
  [ -x "$b" ] || { echo "bench-plan: $b is missing; build it with: swift build -c release --product $(basename "$b")" >&2; exit 1; }
done
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
FIXTURE=$(cd "$(dirname "$FIXTURE")" && pwd)/$(basename "$FIXTURE")
FLOOR=$(cd "$(dirname "$FLOOR")" && pwd)/$(basename "$FLOOR")

. scripts/local-serve.sh

die() { echo "bench-plan: $*" >&2; exit 1; }

# The local cloud, on a free port, with a fresh data directory.
start_local_serve "$BIN" bench-plan

# The project: one environment declaring SCALE resources in a loop.
project=$work/project
mkdir -p "$project/environments"
cat >"$project/environments/bench.json" <<EOF
{"project": "$PROJECT", "region": "US", "endpoint": "$base", "state": "state/bench.json", "namePrefix": "bench",
 "labels": {"env": "bench"}, "variables": {"scale": $SCALE}}
EOF
cd "$project"

echo "bench-plan: applying $SCALE declared resources to $base (setup, not timed)..."
"$FIXTURE" apply --env bench --auto-approve --parallelism "$PARALLELISM" >"$work/apply.log" 2>&1 \
  || { tail -n 20 "$work/apply.log" >&2; die "the setup apply failed"; }
tail -n 1 "$work/apply.log"

# measure NAME CMD...: runs CMD once, its output to $work/NAME.out; sets `seconds`, `rss_kb`, `rc`.
# Wall clock around the process; peak RSS from outside (GNU time's %M, else wait4's ru_maxrss).
measure() {
  local name=$1; shift
  if [ -x /usr/bin/time ]; then
    local start=$EPOCHREALTIME end
    rc=0; /usr/bin/time -f '%M' -o "$work/$name.rss" "$@" >"$work/$name.out" 2>&1 || rc=$?
    end=$EPOCHREALTIME
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')
    rss_kb=$(tail -n 1 "$work/$name.rss")
  else
    read -r seconds rss_kb rc < <(python3 - "$work/$name.out" "$@" <<'PY'
import os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(out, 1); os.dup2(out, 2)
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
print(f"{time.perf_counter() - start:.4f} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
PY
)
  fi
}

plan_cmd=("$FIXTURE" plan --env bench --detailed-exitcode --parallelism "$PARALLELISM")
floor_cmd=("$FLOOR" --base "$base" --project "$PROJECT" --state "$project/state/bench.json" --concurrency "$PARALLELISM")

check_plan() { # the plan must have found nothing to change: exit 0 with --detailed-exitcode, "No changes."
  if [ "$rc" -ne 0 ] || ! grep -q "No changes" "$work/plan.out"; then
    tail -n 20 "$work/plan.out" >&2
    die "the plan did not report \"No changes.\" (exit $rc; 2 means it found changes): the benchmark is void"
  fi
}
check_floor() {
  [ "$rc" -eq 0 ] || { cat "$work/floor.out" >&2; die "terrace-get-floor failed (exit $rc)"; }
  floor_requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' "$work/floor.out")
  floor_inner=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$work/floor.out")
}

# One warm-up each, then RUNS of each in turn (so that drift on a shared machine hits both).
measure plan "${plan_cmd[@]}"; check_plan
measure floor "${floor_cmd[@]}"; check_floor
plan_s=(); plan_rss=(); floor_s=(); floor_rss=(); floor_in=()
for _ in $(seq "$RUNS"); do
  measure plan "${plan_cmd[@]}"; check_plan; plan_s+=("$seconds"); plan_rss+=("$rss_kb")
  measure floor "${floor_cmd[@]}"; check_floor; floor_s+=("$seconds"); floor_rss+=("$rss_kb"); floor_in+=("$floor_inner")
done
checked=$(sed -n 's/.*(\([0-9]*\) resources checked).*/\1/p' "$work/plan.out")

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }
plan_med=$(median "${plan_s[@]}"); floor_med=$(median "${floor_s[@]}")
plan_peak=$(maximum "${plan_rss[@]}"); floor_peak=$(maximum "${floor_rss[@]}")
ratio=$(awk -v a="$plan_med" -v b="$floor_med" 'BEGIN { printf "%.2f", a / b }')
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

printf '\nPlan of %s declared resources (%s checked), no changes, against terrace local serve\n' "$SCALE" "${checked:-?}"
printf '%s cores; wall clock of a fresh process, median of %s runs; peak RSS is the largest of the runs\n\n' "$(nproc)" "$RUNS"
printf '%-10s %9s %12s %9s %12s\n' run requests concurrency seconds "peak RSS MB"
printf '%-10s %9s %12s %9.3f %12s\n' plan "$floor_requests" "$PARALLELISM" "$plan_med" "$(mb "$plan_peak")"
printf '%-10s %9s %12s %9.3f %12s\n' "GET floor" "$floor_requests" "$PARALLELISM" "$floor_med" "$(mb "$floor_peak")"
printf '\nruns (s): plan %s; floor %s\n' "${plan_s[*]}" "${floor_s[*]}"
printf "the floor's requests alone (timed inside it), median: %.3f s\n" "$(median "${floor_in[@]}")"

verdict() { if [ "$1" -eq 1 ]; then echo PASS; else echo FAIL; fi; }
ok_ratio=$(awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN { print (r <= g) ? 1 : 0 }')
ok_rss=$(awk -v k="$plan_peak" -v g="$GOAL_RSS_MB" 'BEGIN { print (k / 1024 < g) ? 1 : 0 }')
printf '\nplan / floor: %sx (goal: at most %sx) %s\n' "$ratio" "$GOAL_RATIO" "$(verdict "$ok_ratio")"
printf 'plan peak RSS: %s MB (goal: under %s MB) %s\n' "$(mb "$plan_peak")" "$GOAL_RSS_MB" "$(verdict "$ok_rss")"
if [ "$ok_ratio$ok_rss" != 11 ] && [ "${BENCH_PLAN_STRICT:-0}" = 1 ]; then exit 3; fi
