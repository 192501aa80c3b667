/** StepPlan: step counts, per-epoch reshuffles, rank slices, padding, and resume through the data cursor. */
import { describe, expect, it } from 'vitest';

import { StepPlan } from '../../lib/trainer/epoch-sampler.js';

const base = { numExamples: 10, perDeviceBatch: 1, gradAccum: 1, worldSize: 2, epochs: 3, maxSteps: -1, seed: 42 };

describe('StepPlan', () => {
  it('counts steps like the reference (5000 examples, 8 ranks x 1 -> 625 per epoch, 1875 in 3 epochs)', () => {
    const p = new StepPlan({ ...base, numExamples: 5000, worldSize: 8 });
    expect([p.promptsPerStep, p.stepsPerEpoch, p.totalSteps]).toEqual([8, 625, 1875]);
    expect(new StepPlan({ ...base, maxSteps: 7 }).totalSteps).toBe(7);
    // 10 examples, 2 per step -> 5 steps per epoch; 3 examples per step -> ceil(10/3) = 4
    expect(new StepPlan(base).stepsPerEpoch).toBe(5);
    expect(new StepPlan({ ...base, worldSize: 3 }).stepsPerEpoch).toBe(4);
    expect(new StepPlan(base).epochAt(7)).toBe(1.4);
  });
  it('every epoch is a permutation, reshuffled per epoch, reproducible per seed', () => {
    const p = new StepPlan(base);
    const e0 = Array.from(p.order(0));
    const e1 = Array.from(p.order(1));
    expect([...e0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...e1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e1).not.toEqual(e0);
    expect(Array.from(new StepPlan(base).order(1))).toEqual(e1);
    expect(Array.from(new StepPlan({ ...base, seed: 43 }).order(0))).not.toEqual(e0);
  });
  it('ranks take interleaved, disjoint prompts; one epoch covers every example once', () => {
    const p = new StepPlan(base);
    const seen: number[] = [];
    for (let s = 0; s < p.stepsPerEpoch; s++) {
      const r0 = p.examplesFor(s, 0).flat();
      const r1 = p.examplesFor(s, 1).flat();
      const order = p.order(0);
      expect([r0[0], r1[0]]).toEqual([order[2 * s], order[2 * s + 1]]);
      seen.push(...r0, ...r1);
    }
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('pads the last step of an epoch from the start of the same order (DistributedSampler)', () => {
    const p = new StepPlan({ ...base, worldSize: 1, perDeviceBatch: 4 }); // 10 examples, 4 per step: 3 steps, last = 8, 9, 0, 1
    const o = p.order(0);
    expect(p.examplesFor(2)).toEqual([[o[8], o[9], o[0], o[1]]]);
    expect(p.examplesFor(3)).toEqual([[p.order(1)[0], p.order(1)[1], p.order(1)[2], p.order(1)[3]]]); // epoch 1 starts fresh
  });
  it('gradient accumulation splits a rank\'s share into micro-batches', () => {
    const p = new StepPlan({ ...base, worldSize: 2, perDeviceBatch: 1, gradAccum: 2, numExamples: 8 });
    const o = p.order(0);
    // P = 4 prompts per step: micro-batch k, rank r takes o[(k·1 + 0)·2 + r]
    expect(p.examplesFor(0, 0)).toEqual([[o[0]], [o[2]]]);
    expect(p.examplesFor(0, 1)).toEqual([[o[1]], [o[3]]]);
  });
  it('resumes from a cursor, including exactly at an epoch boundary (verl#7401)', () => {
    const p = new StepPlan(base);
    // after 5 steps (all of epoch 0) the cursor points at epoch 1, index 0, and 10 of 15 steps remain
    const cursor = p.cursorAt(5);
    expect(cursor).toEqual({ epoch: 1, index: 0, seed: 42 });
    const resumed = new StepPlan(base);
    const step = resumed.stepOf(JSON.parse(JSON.stringify(cursor)));
    expect(step).toBe(5);
    expect(resumed.totalSteps - step).toBe(10);
    expect(resumed.examplesFor(step, 1)).toEqual(p.examplesFor(5, 1));
    expect(resumed.stepOf(p.cursorAt(7))).toBe(7);
    expect(() => new StepPlan({ ...base, seed: 1 }).stepOf(cursor)).toThrow(/data_seed 42, this run uses 1/);
    expect(() => new StepPlan({ ...base, worldSize: 4 }).stepOf({ epoch: 0, index: 2, seed: 42 })).toThrow(/step boundary of 4 prompts/);
  });
});
