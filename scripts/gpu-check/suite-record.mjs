// The `gpu` vitest suite's result for the check: counts, each test's state and time, the reasons for skips (the
// suite prints them), and the numbers the tests print ([gpu] ..., [qwen parity] ...). usage: node suite-record.mjs
// vitest.json suite.log out.json
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [jsonFile, logFile, out] = process.argv.slice(2);
const r = { ok: false, passed: 0, failed: 0, skipped: 0, tests: [], printed: [], skip_reasons: [] };
if (existsSync(jsonFile)) {
  const v = JSON.parse(readFileSync(jsonFile, 'utf8'));
  r.passed = v.numPassedTests ?? 0;
  r.failed = (v.numFailedTests ?? 0) + (v.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).length).length;
  r.skipped = (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  for (const f of v.testResults ?? [])
    for (const a of f.assertionResults ?? [])
      r.tests.push({ name: a.fullName, status: a.status, ms: Math.round(a.duration ?? 0), error: (a.failureMessages ?? []).join('\n').slice(0, 600) || undefined });
}
if (existsSync(logFile)) {
  const lines = readFileSync(logFile, 'utf8').split('\n');
  r.printed = [...new Set(lines.filter((l) => /^\[(gpu|qwen parity)\]/.test(l.trim())).map((l) => l.trim()))];
  r.skip_reasons = [...new Set(lines.filter((l) => l.includes('[gpu suite]')).map((l) => l.trim()))];
}
// on a GPU the suite must run; on the CPU (the check's own test) it skips, saying why
r.ok = r.failed === 0 && (r.passed > 0 || process.env.DEVICE === 'cpu');
writeFileSync(out, JSON.stringify(r, null, 1));
console.log(`suite: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
for (const t of r.tests.filter((x) => x.status === 'failed')) console.log(`FAILED ${t.name}\n${t.error}`);
if (!r.ok) process.exitCode = 1;
