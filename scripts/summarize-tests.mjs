// Prints one closing line over every runner's JSON report (Vitest passes and Playwright):
// "tests: N passed, N failed, N skipped", before it the ten slowest tests, and last the failed
// tests, each with the first line of its error (CI keeps only the end of the log, so that is where
// a failure must be named).
import fs from 'node:fs';

let passed = 0, failed = 0, skipped = 0;
const parts = [];
const durations = [];
const failures = [];
const firstLine = (text) => String(text ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).find(Boolean)?.slice(0, 300) ?? '(no message)';
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    parts.push(`${file}: missing`);
    failures.push(`${file}: the report is missing (the runner did not finish)`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof r.numPassedTests === 'number') {
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    parts.push(`${file.split('/').pop()}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    for (const f of r.testResults ?? []) {
      const name = f.name.split('/').slice(-2).join('/');
      for (const t of f.assertionResults ?? []) {
        durations.push([t.duration ?? 0, `${name} › ${t.title}`]);
        if (t.status === 'failed') failures.push(`${name} › ${t.title}: ${firstLine(t.failureMessages?.[0])}`);
      }
      // A file that failed outside any test (a hook, an import) has no failed assertion to name.
      if (f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed')) {
        failures.push(`${name}: ${firstLine(f.message)}`);
        failed += 1;
      }
    }
  } else {
    const s = r.stats ?? {};
    passed += s.expected ?? 0;
    failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
    skipped += s.skipped ?? 0;
    parts.push(`playwright: ${s.expected ?? 0} passed, ${s.unexpected ?? 0} failed`);
    const walk = (suite) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          for (const res of t.results ?? []) durations.push([res.duration ?? 0, `${spec.file} › ${spec.title}`]);
          const last = t.results?.at(-1);
          if (last && !['passed', 'skipped'].includes(last.status)) failures.push(`${spec.file}:${spec.line} › ${spec.title}: ${last.status}: ${firstLine(last.error?.message)}`);
        }
      }
      for (const s2 of suite.suites ?? []) walk(s2);
    };
    for (const s2 of r.suites ?? []) walk(s2);
    for (const e of r.errors ?? []) failures.push(`playwright: ${firstLine(e.message)}`);
  }
}
durations.sort((a, b) => b[0] - a[0]);
console.log('slowest tests:');
for (const [ms, name] of durations.slice(0, 10)) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
console.log(parts.join('; '));
if (failures.length) {
  console.log('failed:');
  for (const f of failures) console.log(`  ${f}`);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
