/**
 * The fuzz child (started by harness.ts through vite-node): builds the target's base inputs, then runs cases
 * start, start+1, … until `count` or the deadline, printing "S i" before and "R i {json}" after each case, and "D n"
 * at the end. Pipes are synchronous on Linux, so the parent always knows which case was in flight if this process
 * dies. Allowed outcomes per case: success (and the target's check passes), or a DataError / TorchError / RangeError
 * naming one of the case's files; anything else is reported as a violation with the error.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { DataError } from '../../lib/errors.js';
import { TorchError } from '../../lib/native/errors.js';
import { caseRng } from './mutate.js';
import type { FuzzCase, FuzzTarget } from './target.js';
import { loadTarget } from './targets/index.js';

export interface ChildParams {
  target: string;
  seed: number;
  start: number;
  count: number;
  deadline: number;
  work: string;
  /** Resident memory (MiB) above which a case counts as an unbounded allocation. */
  maxRssMb: number;
}

export interface CaseResult {
  i: number;
  mode: string;
  outcome: 'ok' | 'error' | 'violation';
  error?: string;
  violation?: string;
  rssMb: number;
  ms: number;
}

const ALLOWED = (e: unknown) => e instanceof DataError || e instanceof TorchError || e instanceof RangeError;

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return `non-Error thrown: ${String(e).slice(0, 300)}`;
  return `${e.name}: ${e.message.slice(0, 500)}${e instanceof DataError || e instanceof TorchError ? '' : `\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`}`;
}

export async function runFuzzChild(p: ChildParams): Promise<void> {
  const target = (await loadTarget(p.target)) as FuzzTarget<unknown, FuzzCase>;
  const baseDir = join(p.work, 'base');
  mkdirSync(baseDir, { recursive: true });
  const base = await target.setup(baseDir);
  let done = 0;
  for (let i = p.start; i < p.start + p.count && Date.now() < p.deadline; i++) {
    process.stdout.write(`S ${i}\n`);
    const dir = join(p.work, `case-${i}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const t0 = performance.now();
    const c = await target.make(caseRng(p.seed, p.target, i), base, dir);
    const r: CaseResult = { i, mode: c.mode, outcome: 'ok', rssMb: 0, ms: 0 };
    try {
      const out = await target.run(c);
      if (target.tag) r.mode = `${c.mode}/${target.tag(out)}`;
      const bad = target.check ? await target.check(c, out) : null;
      if (bad) Object.assign(r, { outcome: 'violation', violation: `wrong result: ${bad}` });
    } catch (e) {
      const named = e instanceof Error && c.names.some((n) => e.message.includes(n));
      if (ALLOWED(e) && named) Object.assign(r, { outcome: 'error', error: describeError(e).slice(0, 200) });
      else Object.assign(r, { outcome: 'violation', violation: `${ALLOWED(e) ? 'error does not name the file' : 'not a DataError/TorchError/RangeError'}: ${describeError(e)}` });
    }
    r.ms = Math.round(performance.now() - t0);
    r.rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
    if (r.rssMb > p.maxRssMb && r.outcome !== 'violation') Object.assign(r, { outcome: 'violation', violation: `resident memory ${r.rssMb} MiB after the case (limit ${p.maxRssMb} MiB)` });
    process.stdout.write(`R ${i} ${JSON.stringify(r)}\n`);
    rmSync(dir, { recursive: true, force: true });
    done++;
  }
  process.stdout.write(`D ${done}\n`);
}
