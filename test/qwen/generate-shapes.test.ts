// Rollout-speed options of generate (GPU defaults, forced here on the CPU): bucketed fixed-shape KV buffers (decode
// attends over the whole reserved buffer, so shapes do not depend on the prompt length), the periodic stop check
// (one host sync every k steps, result cut to what a per-step check gives) and the static decode step (fixed tensor
// addresses: what a CUDA graph replays). All must leave tokens, lengths and log-probs exactly as the plain step with
// exact capacity and a check every step gives them, for every sampling setting.
import { describe, expect, it } from 'vitest';

import type { GenerateOptions } from '../../lib/qwen/qwen.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { batchInputs, floats, ints, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();

const GPU_LIKE: GenerateOptions[] = [
  { kvBucket: 256, stopCheckEvery: 8 },
  { kvBucket: 64, stopCheckEvery: 3, staticDecode: false },
  { kvBucket: 1000, stopCheckEvery: 16 },
  { kvBucket: 1, stopCheckEvery: 1, staticDecode: true },
];

async function same(o: GenerateOptions): Promise<void> {
  const inputs = batchInputs(tiny.refs);
  const base = await tiny.model.generate(inputs, { ...o, kvBucket: 1, stopCheckEvery: 1, staticDecode: false });
  for (const g of GPU_LIKE) {
    const r = await tiny.model.generate(inputs, { ...o, ...g });
    expect(r.tokens.shape, JSON.stringify(g)).toEqual(base.tokens.shape);
    expect(ints(r.tokens), JSON.stringify(g)).toEqual(ints(base.tokens));
    expect(ints(r.lengths)).toEqual(ints(base.lengths));
    const a = floats(r.logprobs), b = floats(base.logprobs);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
    expect(m, JSON.stringify(g)).toBeLessThan(1e-5);
  }
}

describe('generate with GPU rollout settings on the CPU', () => {
  it('greedy, 12 tokens', () => same({ maxNewTokens: 12 }));
  it('sampled with temperature, top-k and top-p, seeded', () => same({ maxNewTokens: 12, temperature: 1.2, topK: 40, topP: 0.9, seed: 4 }));
  it('repetition penalty and prefix sharing (3 per prompt)', () => same({ maxNewTokens: 10, temperature: 1.0, repetitionPenalty: 1.3, numReturnSequences: 3, seed: 9 }));

  it('rows that all stop early: the result is cut to the longest row, as a per-step check cuts it', async () => {
    const inputs = batchInputs(tiny.refs);
    const greedy = await tiny.model.generate(inputs, { maxNewTokens: 12 });
    const t = ints(greedy.tokens);
    // stop on each row's 2nd and 3rd greedy token: both rows end within 3 steps, long before 12
    const stops = [t[1]!, t[12 + 2]!];
    await same({ maxNewTokens: 12, stopIds: stops, padId: 1002 });
    const r = await tiny.model.generate(inputs, { maxNewTokens: 12, stopIds: stops, padId: 1002, stopCheckEvery: 8 });
    expect(r.tokens.shape[1]).toBe(Math.max(...ints(r.lengths)));
    expect(r.tokens.shape[1]).toBeLessThanOrEqual(3);
  });

  it('refuses negative settings', async () => {
    await expect(tiny.model.generate(batchInputs(tiny.refs), { maxNewTokens: 2, kvBucket: -1 })).rejects.toThrow(/kvBucket and stopCheckEvery/);
  });
});
