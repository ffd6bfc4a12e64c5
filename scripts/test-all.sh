#!/usr/bin/env bash
# The one test command: sets up what a fresh machine lacks, then typecheck, lint and the production
# build (beside the set-up), unit and integration tests (Vitest, against real Docker engines and
# PostgreSQL), a second smaller Vitest pass of the compose-driving tests with compose v1, beside it a
# swarm pass on a three-node cluster, and e2e (Playwright in Debian's Chromium).
#
# The engines are the project's own test beds (scripts/test-bed.sh): Docker 26 + compose v2, each in a
# network namespace with no route out, a registry on 127.0.0.1:5000 inside it. Vitest runs on two of
# them, "opsdeck" and "lane2", one worker each (tests/support/bed-per-worker.ts), so two test files run
# at once without sharing an engine; OPSDECK_TEST_LANES=1 keeps to one engine and one file at a time.
# Tests, Opsdeck and Chromium run on this machine's own network and reach the engines through their
# unix sockets. Leftover test containers are removed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 OPSDECK_ENGINE=bed
REPORTS=.cache/reports
mkdir -p "$REPORTS"
rm -f "$REPORTS"/*.json
say() { printf '[opsdeck +%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
LANES=${OPSDECK_TEST_LANES:-2}
[[ $LANES == 1 || $LANES == 2 ]] || { echo "OPSDECK_TEST_LANES must be 1 or 2" >&2; exit 2; }

bash scripts/ensure-deps.sh
# Typecheck, lint and the production build need only the npm packages: they run while the machine
# is set up (packages, engines, images), which waits mostly on downloads and disks.
say "typecheck, lint and production build, beside the set-up (log: $REPORTS/checks.log)"
(
  set -e
  echo "== typecheck"; npx tsc --noEmit
  echo "== lint"; npx eslint . --max-warnings=0
  echo "== production build"; npx next build; node scripts/ascii-server-chunks.mjs
) >"$REPORTS/checks.log" 2>&1 &
checks=$!
bash scripts/setup-env.sh
eval "$(bash scripts/test-bed.sh env)"
bash scripts/test-bed.sh check
BEDS=opsdeck
if [[ $LANES == 2 ]]; then
  say "second engine for Vitest (bed lane2)"
  bash scripts/test-bed.sh up lane2
  bash scripts/test-bed.sh check lane2
  BEDS=opsdeck,lane2
fi
cleanup() {
  local b
  for b in ${BEDS//,/ }; do OPSDECK_TEST_BED=$b bash scripts/setup-env.sh --cleanup-tests || true; done
}
cleanup
trap 'cleanup >/dev/null 2>&1; bash scripts/test-bed.sh down lane2 >/dev/null 2>&1 || true' EXIT
if ! wait $checks; then
  tail -80 "$REPORTS/checks.log"
  say "typecheck, lint or build failed (whole log: $REPORTS/checks.log)"
  exit 1
fi
say "typecheck, lint and build passed"

# The swarm pass has engines of its own (swarm1..3) and spends most of its time waiting on Swarm
# (monitor windows, health checks, a rollback): it runs beside the Vitest passes. Every
# tests/integration/swarm*.test.ts is its (the main pass leaves them out: vitest.config.mts).
say "swarm pass (a three-node Swarm, scripts/swarm-bed.sh) beside the Vitest passes (log: $REPORTS/swarm.log)"
(
  rc=0
  if bash scripts/swarm-bed.sh up; then
    (eval "$(bash scripts/swarm-bed.sh env)" && OPSDECK_TEST_BEDS='' npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest-swarm.json" tests/integration/swarm*.test.ts) || rc=1
    # The Swarm stack's pages in Chromium, on the same cluster (playwright.swarm.config.ts: its own server and port).
    (eval "$(bash scripts/swarm-bed.sh env)" && E2E_PORT=3230 PLAYWRIGHT_JSON_OUTPUT_NAME=$REPORTS/playwright-swarm.json npx playwright test -c playwright.swarm.config.ts --reporter=list,json) || rc=1
  else
    rc=1
  fi
  bash scripts/swarm-bed.sh down || rc=1
  exit $rc
) >"$REPORTS/swarm.log" 2>&1 &
swarm=$!
status=0
say "unit and integration tests (compose v2, docker $(docker version --format '{{.Server.Version}}'), engines: $BEDS)"
OPSDECK_TEST_BEDS=$BEDS npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest.json" || status=1

say "compose v1 pass: the tests that drive compose, with docker-compose $(docker-compose version --short)"
OPSDECK_COMPOSE=v1 OPSDECK_TEST_BEDS=$BEDS npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest-compose-v1.json" \
  tests/integration/seed-prod.test.ts tests/integration/deploy.test.ts tests/integration/upgrade.test.ts \
  tests/integration/docker-stack.test.ts tests/integration/demo-stack.test.ts || status=1
wait $swarm || status=1
say "swarm pass output:"
cat "$REPORTS/swarm.log"
# E2E uses the default engine only.
[[ $LANES == 2 ]] && { OPSDECK_TEST_BED=lane2 bash scripts/setup-env.sh --cleanup-tests >/dev/null 2>&1 || true; bash scripts/test-bed.sh down lane2 || true; BEDS=opsdeck; }

say "end-to-end tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=$REPORTS/playwright.json npx playwright test --reporter=list,json || status=1
say "done; the summary:"
node scripts/summarize-tests.mjs "$REPORTS/vitest.json" "$REPORTS/vitest-compose-v1.json" "$REPORTS/vitest-swarm.json" "$REPORTS/playwright-swarm.json" "$REPORTS/playwright.json" || status=1
exit $status
