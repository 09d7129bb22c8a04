# Sourced by the benchmark scripts: a work directory removed on exit, and
# `start_local_serve BIN NAME`, which starts `BIN local serve` on a free port over a fresh data
# directory in it and sets `server` (its pid) and `base` (its base URL), or exits naming NAME.
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_local_serve() {
  local bin=$1 name=$2
  "$bin" local serve --port 0 --json --data "$work/data" >"$work/serve.json" 2>"$work/serve.err" &
  server=$!
  for _ in $(seq 200); do
    [ -s "$work/serve.json" ] && break
    kill -0 "$server" 2>/dev/null || { echo "$name: terrace local serve exited: $(cat "$work/serve.err")" >&2; exit 1; }
    sleep 0.05
  done
  [ -s "$work/serve.json" ] || { echo "$name: terrace local serve printed no baseURL" >&2; exit 1; }
  base=$(python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["baseURL"])' <"$work/serve.json")
}
