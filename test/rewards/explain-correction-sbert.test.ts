// @suite native: lib/sbert (the addon and the SBERT weights) is loaded through a computed specifier
/**
 * explain_correction end to end with the real SBERT model (lib/sbert, all-MiniLM-L6-v2) against the reference
 * computed by sentence-transformers (test/fixtures/rewards/sbert-explain-correction.json, made by
 * scripts/fixtures/rewards_sbert_reference.py on HI-Charades texts). Needs the native addon and the model weights,
 * like test/sbert/: CI must build the addon and provide the weights (`npm run setup:sbert`).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainCorrection, type RewardExample, type SentenceEncoder } from '../../lib/rewards/index.js';

interface Case extends RewardExample {
  completions: string[];
  explain_correction: number[];
  cosines: Array<{ completion: number; pair: string; cos: number }>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/rewards/sbert-explain-correction.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

// lib/sbert is loaded through a computed specifier so this area typechecks on its own; the test fails (it is not
// skipped) when the module, the addon or the weights are missing.
interface LoadedEncoder extends SentenceEncoder { dispose(): void }
const SBERT_MODULE = '../../lib/sbert/index.js';
let sbert: LoadedEncoder;
beforeAll(async () => {
  const { SbertEncoder } = (await import(SBERT_MODULE)) as { SbertEncoder: { load(): Promise<LoadedEncoder> } };
  sbert = await SbertEncoder.load();
}, 120_000);
afterAll(() => sbert?.dispose());

describe('explain_correction with all-MiniLM-L6-v2 matches the sentence-transformers reference', () => {
  it.each(fixture.cases.map((c, i) => [i, c.task_type, c] as const))('example %i (%s)', async (_i, _t, example) => {
    const got = await explainCorrection.score(example.completions, example, { encoder: sbert });
    expect(got).toHaveLength(example.explain_correction.length);
    for (const [k, expected] of example.explain_correction.entries()) {
      // float32 encoders on different kernels and batch paddings: measured max |diff| 1.7e-7 (2026-11-22)
      expect(Math.abs(got[k]! - expected), `completion ${k}: got ${got[k]}, reference ${expected}`).toBeLessThan(1e-6);
    }
  });

  it('the fixture covers distinct, non-trivial scores', () => {
    const all = fixture.cases.flatMap((c) => c.explain_correction);
    expect(new Set(all.map((x) => x.toFixed(3))).size).toBeGreaterThan(15);
    expect(fixture.cases.flatMap((c) => c.cosines).length).toBeGreaterThan(40);
  });
});
