#!/usr/bin/env node
// `npm test [-- vitest args]`: runs vitest (every project unless `--project NAME` narrows it: unit, native,
// multiprocess, gpu; see test/suites.ts) and ends with one line `N passed, N failed[, N skipped]`, which CI reads.
// Before that line: every skipped test with why, every project that could not run here with why, and every file or
// suite that failed as a whole.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'rarft-test-'));
const out = join(dir, 'summary.json');
const r = spawnSync(
  join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--reporter=default', `--reporter=${join(root, 'scripts', 'lib', 'vitest-summary.mjs')}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, RARFT_TEST_SUMMARY: out } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const s = JSON.parse(readFileSync(out, 'utf8'));
  ({ passed, failed } = s);
  skipped = s.skipped.length;
  const lines = [];
  for (const [suite, why] of Object.entries(s.suiteSkips)) lines.push(`project ${suite} skipped: ${why}`);
  for (const t of s.skipped) lines.push(`skipped: |${t.project}| ${t.file} > ${t.name}\n    why: ${t.reason}`);
  for (const e of s.fileErrors) lines.push(`failed as a whole: |${e.project}| ${e.file} > ${e.suite}: ${e.error}`);
  if (s.unhandledErrors) lines.push(`${s.unhandledErrors} unhandled error(s) (see above)`);
  if (lines.length) console.log(`\n${lines.join('\n')}\n`);
} else {
  failed = 1; // vitest died before reporting
}
rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
