/**
 * What every exact-resume test checks: a run stopped and resumed (the split run) ends exactly like the run that went
 * straight through, and the run really trained.
 */
import { join } from 'node:path';
import { expect } from 'vitest';

import { readJsonl, weightsOf } from './fixture.js';

/** Metrics of a run without wall times (which differ between any two runs). */
export const stableMetrics = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('time/')));

/**
 * The split run ended like the straight one: checkpoint-`steps`'s weights bit for bit, and every logged metric but wall
 * times, for steps 1..`steps`. Returns the straight run's final weights.
 */
export async function expectSameRun(straightDir: string, splitDir: string, steps = 4): Promise<Map<string, Float32Array>> {
  const a = await weightsOf(join(straightDir, `checkpoint-${steps}`, 'model.safetensors'));
  const b = await weightsOf(join(splitDir, `checkpoint-${steps}`, 'model.safetensors'));
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [n, w] of a) expect(Buffer.from(b.get(n)!.buffer).equals(Buffer.from(w.buffer)), n).toBe(true);
  const ma = readJsonl(join(straightDir, 'metrics.jsonl')).map(stableMetrics);
  const mb = readJsonl(join(splitDir, 'metrics.jsonl')).map(stableMetrics);
  expect(mb.map((r) => r.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
  expect(mb).toEqual(ma);
  return a;
}

/** The run trained: its final LM head differs from the one of the checkpoint it started from. */
export async function expectTrained(startModelDir: string, final: Map<string, Float32Array>): Promise<void> {
  const start = await weightsOf(join(startModelDir, 'model.safetensors'));
  const head = 'lm_head.weight';
  expect(Buffer.from(final.get(head)!.buffer).equals(Buffer.from(start.get(head)!.buffer))).toBe(false);
}
