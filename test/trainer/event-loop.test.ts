// The library API keeps the event loop responsive while it trains: generation, log-probs, backward and the optimizer
// step run off the JS thread and the loop yields between steps, so a 10 ms timer keeps firing during every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { train } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, tinyConfig } from './fixture.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun();
  registerReward({ name: 'loop_chars', score: (cs) => cs.map((c) => c.length) });
});
afterAll(() => unregisterReward('loop_chars'));

describe('train() and the event loop', () => {
  it('a 10 ms timer fires repeatedly during every step, and the promise resolves with the run', async () => {
    const ticks: number[] = [];
    const steps: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 10);
    const t0 = performance.now();
    const r = await train(tinyConfig(run, 'loop', { max_steps: 3, reward_funcs: ['format', 'loop_chars'] }), {
      progress: null,
      log: () => {},
      onStep: () => steps.push(performance.now()),
    });
    clearInterval(timer);
    expect(r.globalStep).toBe(3);
    expect(steps).toHaveLength(3);
    const marks = [t0, ...steps];
    for (let i = 1; i < marks.length; i++) {
      const inside = ticks.filter((t) => t > marks[i - 1]! && t < marks[i]!).length;
      // a step that blocked the thread would let an interval fire at most once (Node does not queue missed ticks)
      expect(inside, `ticks during step ${i} (${(marks[i]! - marks[i - 1]!).toFixed(0)} ms)`).toBeGreaterThanOrEqual(5);
    }
  });
});
