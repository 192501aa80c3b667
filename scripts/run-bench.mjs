#!/usr/bin/env node
// `npm run bench [suite...]`: runs bench/<suite>.bench.ts files one after another (each in its own process, so
// suites do not disturb each other) and leaves bench/results/<suite>.json behind.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const suites = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((s) => wanted.length === 0 || wanted.includes(s))
  .sort();
let failed = 0;
for (const s of suites) {
  process.stderr.write(`\n== bench ${s} ==\n`);
  const r = spawnSync(join(root, 'node_modules', '.bin', 'vite-node'), [join('bench', `${s}.bench.ts`)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`bench ${s} failed (exit ${r.status})\n`);
  }
}
process.exit(failed ? 1 : 0);
