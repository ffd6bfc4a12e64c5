// Prints one closing line over every runner's JSON report (Vitest passes and Playwright):
// "tests: N passed, N failed, N skipped", and before it the ten slowest tests.
import fs from 'node:fs';

let passed = 0, failed = 0, skipped = 0;
const parts = [];
const durations = [];
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    parts.push(`${file}: missing`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof r.numPassedTests === 'number') {
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    parts.push(`${file.split('/').pop()}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    for (const f of r.testResults ?? []) for (const t of f.assertionResults ?? []) durations.push([t.duration ?? 0, `${f.name.split('/').slice(-2).join('/')} › ${t.title}`]);
  } else {
    const s = r.stats ?? {};
    passed += s.expected ?? 0;
    failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
    skipped += s.skipped ?? 0;
    parts.push(`playwright: ${s.expected ?? 0} passed, ${s.unexpected ?? 0} failed`);
    const walk = (suite) => {
      for (const spec of suite.specs ?? []) for (const t of spec.tests ?? []) for (const res of t.results ?? []) durations.push([res.duration ?? 0, `${spec.file} › ${spec.title}`]);
      for (const s2 of suite.suites ?? []) walk(s2);
    };
    for (const s2 of r.suites ?? []) walk(s2);
  }
}
durations.sort((a, b) => b[0] - a[0]);
console.log('slowest tests:');
for (const [ms, name] of durations.slice(0, 10)) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
console.log(parts.join('; '));
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
