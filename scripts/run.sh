#!/usr/bin/env bash
# `npm start`: everything a newcomer needs to see Opsdeck running on this machine. Installs what is
# missing (npm packages, Docker engine, local images), starts the demo stack when no stack is
# configured, builds Opsdeck when its sources changed, and serves it in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
PORT="${PORT:-3000}"
HOST="${OPSDECK_HOST:-127.0.0.1}"
export OPSDECK_DATA_DIR="${OPSDECK_DATA_DIR:-$PWD/.data}"

bash scripts/ensure-deps.sh
# The Docker already on this machine when one answers; else the project's own engine (Docker 26 +
# compose v2 in a network namespace, scripts/test-bed.sh), which Opsdeck then reaches by its socket.
if [ "${OPSDECK_ENGINE:-auto}" = bed ] || ! docker info >/dev/null 2>&1; then
  bash scripts/test-bed.sh up
  eval "$(bash scripts/test-bed.sh env)"
  export OPSDECK_ENGINE=bed
fi
OPSDECK_SKIP_BROWSER=1 bash scripts/setup-env.sh

if [ -z "${OPSDECK_CONFIG:-}" ] && [ ! -f opsdeck.yaml ]; then
  echo "[opsdeck] no opsdeck.yaml: starting the demo stack (project opsdeck-demo)"
  if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
  "${compose[@]}" -p opsdeck-demo -f examples/demo/compose.yml --env-file examples/demo/.env up -d
fi

# Rebuild only when something the build reads is newer than the last build.
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib server-actions instrumentation.ts next.config.mjs package-lock.json -newer .next/BUILD_ID -print -quit)" ]; then
  echo "[opsdeck] building (next build)…"
  { npx next build && node scripts/ascii-server-chunks.mjs; } > .next-build.log 2>&1 || { tail -40 .next-build.log; exit 1; }
  rm -f .next-build.log
fi

cat <<MSG

  Opsdeck is starting on  http://${HOST}:${PORT}
  Sign in as admin. The first start prints the admin's generated password below
  (or uses OPSDECK_ADMIN_PASSWORD when set). Data directory: ${OPSDECK_DATA_DIR}

MSG
export NEXTAUTH_URL="${NEXTAUTH_URL:-http://${HOST}:${PORT}}"
# node itself rather than npx, which would stay alive as a second Node process around the server;
# the V8 flag is the image's (Dockerfile CMD): a small young generation.
exec node --max-semi-space-size=2 node_modules/next/dist/bin/next start -p "$PORT" -H "$HOST"
