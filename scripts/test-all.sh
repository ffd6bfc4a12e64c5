#!/usr/bin/env bash
# The one test command: sets up what a fresh machine lacks, then typecheck, lint, unit and
# integration tests (Vitest, against the real Docker engine and PostgreSQL), and e2e (Playwright in
# Debian's Chromium). Leftover test containers are removed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p .cache/reports

bash scripts/ensure-deps.sh
bash scripts/setup-env.sh
bash scripts/setup-env.sh --cleanup-tests
trap 'bash scripts/setup-env.sh --cleanup-tests >/dev/null 2>&1 || true' EXIT

echo "[opsdeck] typecheck"; npx tsc --noEmit
echo "[opsdeck] lint"; npx eslint . --max-warnings=0
echo "[opsdeck] unit and integration tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/reports/vitest.json
echo "[opsdeck] production build"; npx next build > .cache/reports/next-build.log 2>&1 || { tail -50 .cache/reports/next-build.log; exit 1; }
echo "[opsdeck] end-to-end tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=.cache/reports/playwright.json npx playwright test --reporter=list,json
node scripts/summarize-tests.mjs .cache/reports/vitest.json .cache/reports/playwright.json
