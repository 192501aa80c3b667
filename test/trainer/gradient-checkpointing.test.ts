// The config's gradient_checkpointing reaches the model: recomputing layers in backward must give the same update
// as keeping the activations (same seed, same rollouts), bit for bit on CPU.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { QwenVL } from '../../lib/qwen/qwen.js';

import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';

import { Trainer } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, maxAbsDiff, tinyConfig, weightsOf } from './fixture.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun();
  // completions of an untrained model differ in length: a reward with spread, so the advantages are not all 0
  registerReward({ name: 'gc_chars', score: (cs) => cs.map((c) => c.length / 10) });
});
afterAll(() => unregisterReward('gc_chars'));

describe('gradient checkpointing in the trainer', () => {
  it('gives the same weights after a step with and without recomputation', async () => {
    const results = [];
    const spy = vi.spyOn(QwenVL.prototype, 'setGradientCheckpointing');
    for (const on of [false, true]) {
      const cfg = tinyConfig(run, `gc-${on}`, { max_steps: 1, gradient_checkpointing: on, reward_funcs: ['format', 'gc_chars'] });
      const r = await new Trainer(cfg, { progress: null, log: () => {} }).train();
      expect(r.stopped).toBe('completed');
      results.push(await weightsOf(join(cfg.output_dir, 'checkpoint-1', 'model.safetensors')));
    }
    // the flag reached the policy model each time (the reference model is never trained, so it is not switched)
    expect(spy.mock.calls.map((c) => c[0])).toEqual([false, true]);
    spy.mockRestore();
    const [off, on] = results as [Map<string, unknown>, Map<string, unknown>];
    const before = await weightsOf(join(run.modelDir, 'model.safetensors'));
    expect(maxAbsDiff(off.get('lm_head.weight') as never, before.get('lm_head.weight') as never)).toBeGreaterThan(0);
    for (const n of off.keys()) expect(maxAbsDiff(on.get(n) as never, off.get(n) as never), n).toBe(0);
  });
});
