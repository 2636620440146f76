#!/usr/bin/env bash
# mk/deps.sh: installs what HSS needs and this machine lacks, asking for nothing. `make demo`,
# `make check` and .ci/run call it first. Debian packages come from .ci/apt/*.txt (one file per
# module, one package a line, # comments); npm packages from package-lock.json. As root it
# installs directly, otherwise through `sudo -n` when that works without a password, otherwise it
# stops and prints the one command to run. With nothing missing it only checks (about 0.1 s).
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(sed 's/#.*//' .ci/apt/*.txt | tr -s ' \t\n' '\n' | sed '/^$/d' | sort -u)
missing=()
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js and npm build the dashboard and drive the browser tests; the machine may bring its own.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "hss: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "hss: these Debian packages are missing and installing them needs root. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages: reinstall when package-lock.json is newer than the installed tree.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "hss: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
