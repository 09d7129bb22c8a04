#!/usr/bin/env bash
# Installs (as root) or names (otherwise) the Debian packages Terrace builds and tests with.
set -euo pipefail

packages=(pkg-config libcurl4-openssl-dev libssl-dev libjansson-dev libsqlite3-dev zlib1g-dev libre2-dev libpq-dev postgresql)
[ "${1:-}" = "--bench" ] && packages+=(wrk time)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then missing+=(python3-venv); fi

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Terrace needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
