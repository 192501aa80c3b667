/** LR schedules (hand values), freeze patterns and the step guards. */
import { describe, expect, it } from 'vitest';

import { makeFreezePredicate, partitionParams } from '../../lib/trainer/freeze.js';
import { lrAt, lrMultiplier, warmupStepsFor } from '../../lib/trainer/lr-schedule.js';
import { checkGradNorm, checkLoss, checkPromptLength, checkRewards } from '../../lib/grpo/step-guard.js';

describe('lr schedules', () => {
  it('linear, no warmup (the reference): peak at step 0, peak/T at the last step, 0 after', () => {
    const s = { type: 'linear' as const, peakLr: 1e-6, totalSteps: 4, warmupSteps: 0 };
    // (T - s)/T = 4/4, 3/4, 2/4, 1/4, 0
    expect([0, 1, 2, 3, 4].map((k) => lrAt(s, k))).toEqual([1e-6, 0.75e-6, 0.5e-6, 0.25e-6, 0]);
  });
  it('linear with 2 warmup steps of 10', () => {
    const s = { type: 'linear' as const, totalSteps: 10, warmupSteps: 2 };
    // warmup: 0/2, 1/2; then (10 - s)/8: s=2 -> 1, s=6 -> 0.5, s=10 -> 0
    expect([0, 1, 2, 6, 10].map((k) => lrMultiplier(s, k))).toEqual([0, 0.5, 1, 0.5, 0]);
  });
  it('cosine with warmup 2 of 10', () => {
    const s = { type: 'cosine' as const, totalSteps: 10, warmupSteps: 2 };
    // p = (s - 2)/8; s=4 -> p .25 -> .5(1 + cos(π/4)) = .5(1 + .70710678) = .85355339; s=6 -> .5; s=8 -> .14644661
    expect(lrMultiplier(s, 1)).toBe(0.5);
    expect(lrMultiplier(s, 2)).toBe(1);
    expect(lrMultiplier(s, 4)).toBeCloseTo(0.85355339, 8);
    expect(lrMultiplier(s, 6)).toBeCloseTo(0.5, 12);
    expect(lrMultiplier(s, 8)).toBeCloseTo(0.14644661, 8);
    expect(lrMultiplier(s, 10)).toBeCloseTo(0, 12);
  });
  it('constant, with and without warmup', () => {
    expect([0, 5, 99].map((k) => lrMultiplier({ type: 'constant', totalSteps: 10, warmupSteps: 0 }, k))).toEqual([1, 1, 1]);
    expect([0, 2, 4, 9].map((k) => lrMultiplier({ type: 'constant', totalSteps: 10, warmupSteps: 4 }, k))).toEqual([0, 0.5, 1, 1]);
  });
  it('warmup steps from a ratio round up, explicit steps win', () => {
    expect(warmupStepsFor(1875, 0, 0.03)).toBe(57); // 56.25 -> 57
    expect(warmupStepsFor(1875, 10, 0.03)).toBe(10);
    expect(warmupStepsFor(1875, 0, 0)).toBe(0);
  });
});

describe('freeze patterns', () => {
  const names = ['visual.patch_embed.proj.weight', 'visual.blocks.0.attn.qkv.weight', 'visual.merger.mlp.0.weight', 'model.layers.0.mlp.up_proj.weight', 'lm_head.weight'];
  it('the default freezes the vision tower except visual.merger (fix_vit)', () => {
    const isFrozen = makeFreezePredicate(['visual.*'], ['visual.merger.*']);
    expect(names.map(isFrozen)).toEqual([true, true, false, false, false]);
  });
  it('reports patterns that match nothing (typos)', () => {
    const r = partitionParams(names, ['visual.*', 'vision_tower.*'], ['visual.merger.*']);
    expect(r.frozen).toEqual(names.slice(0, 2));
    expect(r.trainable).toEqual(names.slice(2));
    expect(r.unusedPatterns).toEqual(['vision_tower.*']);
  });
  it('dots are literal, * spans dots', () => {
    const f = makeFreezePredicate(['model.layers.*.mlp.*']);
    expect(f('model.layers.12.mlp.up_proj.weight')).toBe(true);
    expect(f('model.layers.12.self_attn.q_proj.weight')).toBe(false);
    expect(f('modelXlayers.1.mlp.w')).toBe(false);
  });
});

describe('step guards', () => {
  it('a NaN reward skips the step and names the reward and completion', () => {
    expect(checkRewards({ format: [1, 1], explain_correction: [0.5, Number.NaN] })).toEqual({
      stage: 'rewards',
      reason: 'reward "explain_correction" is NaN for completion 1',
    });
    expect(checkRewards({ format: [1, 0] }, [1, Number.POSITIVE_INFINITY])!.reason).toBe('total reward is Infinity for completion 1');
    expect(checkRewards({ format: [1, 0] }, [1, 0])).toBeNull();
  });
  it('loss, grad norm and prompt length', () => {
    expect(checkLoss(Number.NaN)).toEqual({ stage: 'loss', reason: 'loss is NaN' });
    expect(checkLoss(-0.2)).toBeNull();
    expect(checkGradNorm(Number.POSITIVE_INFINITY)!.stage).toBe('grad_norm');
    expect(checkGradNorm(3.5)).toBeNull();
    expect(checkPromptLength(8192, 8192)).toBeNull();
    expect(checkPromptLength(9000, 8192)!.reason).toMatch(/9000 tokens > max_prompt_length 8192/);
  });
});
