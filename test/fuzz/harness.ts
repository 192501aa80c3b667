/**
 * The parent side of the fuzz suite: runs one target's cases in a child process (runner.ts) and turns what happened
 * into a report. A child that dies (a native crash, a V8 heap limit, an abort) is restarted after the case in
 * flight, which is recorded as a crash; a case that prints nothing for `caseTimeoutMs` is a hang (the child is
 * killed and restarted after it). Seeded and bounded: RARFT_FUZZ_SEED (default 16) picks the cases,
 * RARFT_FUZZ_CASES (default per target) how many, and a wall-clock budget per target stops early on a slow machine
 * (the report says how many ran). A failure names the seed and case index: RARFT_FUZZ_SEED=S RARFT_FUZZ_FROM=i
 * RARFT_FUZZ_CASES=1 reruns exactly that case.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO, runChildScript } from '../util/child-script.js';
import type { CaseResult } from './runner.js';

export interface FuzzOptions {
  /** Cases to run (RARFT_FUZZ_CASES overrides). */
  cases: number;
  /** Wall-clock budget for the whole target, child start-ups included. */
  budgetMs: number;
  /** A case printing nothing for this long is a hang. */
  caseTimeoutMs?: number;
  maxRssMb?: number;
  /** V8 heap limit of the child (MiB). */
  maxOldSpaceMb?: number;
}

export interface FuzzReport {
  target: string;
  seed: number;
  /** Cases asked for (options or RARFT_FUZZ_CASES). */
  requested: number;
  ran: number;
  ok: number;
  errors: number;
  failures: string[];
  seconds: number;
  /** Outcome counts per mutation mode, e.g. { "bytes:ok": 10, "json:error": 40 }. */
  modes: Record<string, number>;
}

export const fuzzSeed = () => Number(process.env.RARFT_FUZZ_SEED ?? 16);
const envInt = (name: string) => (process.env[name] !== undefined ? Number(process.env[name]) : undefined);

export async function fuzz(target: string, o: FuzzOptions): Promise<FuzzReport> {
  const seed = fuzzSeed();
  const first = envInt('RARFT_FUZZ_FROM') ?? 0;
  const total = envInt('RARFT_FUZZ_CASES') ?? o.cases;
  const caseTimeoutMs = o.caseTimeoutMs ?? 30_000;
  const t0 = Date.now();
  const deadline = t0 + o.budgetMs;
  const work = mkdtempSync(join(tmpdir(), `rarft-fuzz-${target}-`));
  const report: FuzzReport = { target, seed, requested: total, ran: 0, ok: 0, errors: 0, failures: [], seconds: 0, modes: {} };
  const repro = (i: number) => `seed ${seed} case ${i} (rerun: RARFT_FUZZ_SEED=${seed} RARFT_FUZZ_FROM=${i} RARFT_FUZZ_CASES=1)`;
  let start = first;
  try {
    while (start < first + total && Date.now() < deadline) {
      let inFlight = null as number | null;
      let finished = false as boolean;
      const onLine = (line: string) => {
        if (line.startsWith('S ')) inFlight = Number(line.slice(2));
        else if (line.startsWith('D ')) finished = true;
        else if (line.startsWith('R ')) {
          const r = JSON.parse(line.slice(line.indexOf('{'))) as CaseResult;
          inFlight = null;
          start = r.i + 1;
          report.ran++;
          report.modes[`${r.mode}:${r.outcome}`] = (report.modes[`${r.mode}:${r.outcome}`] ?? 0) + 1;
          if (r.outcome === 'ok') report.ok++;
          else if (r.outcome === 'error') report.errors++;
          else report.failures.push(`${target} ${repro(r.i)} [${r.mode}]: ${r.violation}`);
        }
      };
      const params = { target, seed, start, count: first + total - start, deadline, work, maxRssMb: o.maxRssMb ?? 1536 };
      const script = `
        import { runFuzzChild } from ${JSON.stringify(join(REPO, 'test', 'fuzz', 'runner.ts'))};
        await runFuzzChild(${JSON.stringify(params)});
      `;
      const child = await runChildScript(script, {
        onLine,
        idleTimeoutMs: caseTimeoutMs,
        timeoutMs: Math.max(10_000, deadline - Date.now() + caseTimeoutMs),
        maxOldSpaceMb: o.maxOldSpaceMb ?? 1024,
      });
      if (finished && child.code === 0) break;
      const how = child.idle ? `hang (no progress for ${caseTimeoutMs / 1000} s)` : child.timedOut ? 'budget timeout' : `crash (exit code ${child.code}, signal ${child.signal})`;
      const tail = child.stderr.trim().split('\n').slice(-8).join('\n');
      if (inFlight === null) {
        // died outside a case (start-up, base files) or was stopped between cases by the budget
        if (!child.timedOut) report.failures.push(`${target}: child process failed outside a case: ${how}\n${tail}`);
        break;
      }
      if (!(child.timedOut && !child.idle)) report.failures.push(`${target} ${repro(inFlight)}: ${how}\n${tail}`);
      report.ran++;
      start = inFlight + 1;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  report.seconds = Math.round((Date.now() - t0) / 100) / 10;
  return report;
}

/** One line for the test log: what ran and what came out. */
export function summary(r: FuzzReport): string {
  const modes = Object.entries(r.modes)
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `fuzz ${r.target}: seed ${r.seed}, ${r.ran} cases in ${r.seconds} s (${r.ok} accepted, ${r.errors} refused with a named error, ${r.failures.length} failures) [${modes}]`;
}
