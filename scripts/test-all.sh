#!/usr/bin/env bash
# The one test command: sets up what a fresh machine lacks, then typecheck, lint, unit and
# integration tests (Vitest, against a real Docker engine and PostgreSQL), a second smaller Vitest
# pass of the compose-driving tests with compose v1, a swarm pass on a three-node cluster, and e2e (Playwright in Debian's Chromium).
#
# The engine is always the project's own test bed (scripts/test-bed.sh): Docker 26 + compose v2 in
# a network namespace with no route out, a registry on 127.0.0.1:5000 inside it. Tests, Opsdeck and
# Chromium run on this machine's own network and reach the engine through its unix socket.
# Leftover test containers are removed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 OPSDECK_ENGINE=bed
mkdir -p .cache/reports
rm -f .cache/reports/*.json

bash scripts/ensure-deps.sh
bash scripts/setup-env.sh
eval "$(bash scripts/test-bed.sh env)"
bash scripts/test-bed.sh check
bash scripts/setup-env.sh --cleanup-tests
trap 'bash scripts/setup-env.sh --cleanup-tests >/dev/null 2>&1 || true' EXIT

echo "[opsdeck] typecheck"; npx tsc --noEmit
echo "[opsdeck] lint"; npx eslint . --max-warnings=0
echo "[opsdeck] unit and integration tests (compose v2, docker $(docker version --format '{{.Server.Version}}'))"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/reports/vitest.json || status=1
echo "[opsdeck] compose v1 pass: the tests that drive compose, with docker-compose $(docker-compose version --short)"
OPSDECK_COMPOSE=v1 npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/reports/vitest-compose-v1.json \
  tests/integration/seed-prod.test.ts tests/integration/deploy.test.ts tests/integration/upgrade.test.ts \
  tests/integration/docker-stack.test.ts tests/integration/demo-stack.test.ts || status=1
echo "[opsdeck] swarm pass: a three-node Swarm (scripts/swarm-bed.sh), the swarm tests, the cluster taken down"
if bash scripts/swarm-bed.sh up; then
  (eval "$(bash scripts/swarm-bed.sh env)" && npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/reports/vitest-swarm.json tests/integration/swarm.test.ts) || status=1
else
  status=1
fi
bash scripts/swarm-bed.sh down || status=1
echo "[opsdeck] production build"; npx next build > .cache/reports/next-build.log 2>&1 || { tail -50 .cache/reports/next-build.log; exit 1; }
echo "[opsdeck] end-to-end tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=.cache/reports/playwright.json npx playwright test --reporter=list,json || status=1
node scripts/summarize-tests.mjs .cache/reports/vitest.json .cache/reports/vitest-compose-v1.json .cache/reports/vitest-swarm.json .cache/reports/playwright.json || status=1
exit $status
