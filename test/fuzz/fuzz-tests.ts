/** The test every fuzz target gets (the targets' cases run in child processes: harness.ts). */
import { expect, it } from 'vitest';

import { fuzz, summary } from './harness.js';

/** A target's name, how many cases to run, and the wall-clock budget for all of them (ms). */
export type FuzzTarget = readonly [target: string, cases: number, budgetMs: number];

/**
 * One test per target, titled `<target>: <claim>`: no case may fail, and at least min(requested, `minRan`) must have
 * run (the budget bounds a run on a slow machine, but it is never vacuous). With `skip` (a reason) each test is
 * skipped, saying why.
 */
export function fuzzTargets(targets: readonly FuzzTarget[], claim: string, o: { minRan?: number; skip?: string | null } = {}): void {
  for (const [target, cases, budgetMs] of targets) {
    it(`${target}: ${claim}`, async (ctx) => {
      if (o.skip) ctx.skip(o.skip);
      const r = await fuzz(target, { cases, budgetMs });
      console.log(summary(r));
      expect(r.failures).toEqual([]);
      expect(r.ran).toBeGreaterThanOrEqual(Math.min(r.requested, o.minRan ?? 100));
    }, budgetMs + 60_000);
  }
}
