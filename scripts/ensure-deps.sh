#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[opsdeck] installing npm dependencies…"
  # `npm install` rather than `npm ci`: this npm writes lock files without other platforms'
  # optional packages, which `npm ci` then rejects as out of sync. Versions still come from the lock.
  npm install --no-audit --no-fund --loglevel=error
fi
