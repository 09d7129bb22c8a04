#!/usr/bin/env bash
# Conformance tests: Google's official Python clients against a running `terrace local serve`.
#
#   scripts/conformance.sh [pytest args...]      e.g. scripts/conformance.sh -k pubsub -x
#
# Creates .venv (git-ignored) on first use and installs the pinned clients from PyPI; later runs
# reuse it. Builds nothing: the terrace binary comes from $TERRACE_BIN or .build/debug/terrace.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
PY="$VENV/bin/python"
# Pinned-ish: exact versions tested; bump together and rerun.
REQUIREMENTS=(
  "google-cloud-storage==3.17.1"
  "google-cloud-bigquery==3.47.0"
  "google-api-python-client==2.202.0"
  "google-auth==2.62.2"
  "google-auth-httplib2==0.4.4"
  "requests==2.34.2"
  "pytest==9.2.0"
  "cryptography==50.0.2"
)
STAMP="$VENV/.conformance-requirements"

TERRACE_BIN="${TERRACE_BIN:-$ROOT/.build/debug/terrace}"
if [[ ! -x "$TERRACE_BIN" ]]; then
  echo "conformance: no terrace binary at $TERRACE_BIN; build it first with swift build (or set TERRACE_BIN)." >&2
  exit 1
fi
export TERRACE_BIN

if [[ ! -x "$PY" ]]; then
  echo "conformance: creating $VENV" >&2
  if ! python3 -m venv "$VENV"; then
    rm -rf "$VENV"
    echo "conformance: python3 -m venv failed; on Debian install python3-venv (apt-get install python3-venv)." >&2
    exit 1
  fi
fi
if [[ ! -f "$STAMP" ]] || [[ "$(cat "$STAMP")" != "${REQUIREMENTS[*]}" ]]; then
  echo "conformance: installing ${REQUIREMENTS[*]}" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}"
  printf '%s' "${REQUIREMENTS[*]}" > "$STAMP"
fi

# The clients must never reach Google; the tests also refuse any non-loopback request.
export NO_GCE_CHECK=True
unset GOOGLE_APPLICATION_CREDENTIALS STORAGE_EMULATOR_HOST PUBSUB_EMULATOR_HOST BIGQUERY_EMULATOR_HOST || true

set +e
PYTHONDONTWRITEBYTECODE=1 "$PY" -m pytest Tests/Conformance -q "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
  echo "conformance: pytest collected no tests; that is a failure." >&2
  exit 1
fi
exit $status
