import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  REFERENCE_REWARDS,
  RewardError,
  getReward,
  registerReward,
  rewardNames,
  scoreCompletions,
  unregisterReward,
  type RewardExample,
} from '../../lib/rewards/index.js';
import { TableEncoder } from './fake-encoder.js';

const answerable: RewardExample = {
  task_type: 'answerable',
  solution: [6.22, 16.19],
  durations: 30,
  gt_answers: '<answer>6.22 to 16.19</answer>',
  refusable_queries: '<answer>The video does not show a dog.</answer>',
  answerable_query: null,
  problem: 'a person opens the fridge',
};
const REFUSAL = 'The video does not contain a relevant segment: nobody cooks.';
const QUERY = 'a person opens the fridge';
const refusable: RewardExample = {
  ...answerable,
  task_type: 'refusable',
  solution: null,
  gt_answers: '<answer>The video shows a person opening a fridge, not cooking.</answer>',
  refusable_queries: '<answer>6.22 to 16.19</answer>',
  answerable_query: QUERY,
  problem: 'a person cooks',
};

const custom: string[] = [];
afterEach(() => {
  for (const name of custom.splice(0)) unregisterReward(name);
});
function register(reward: Parameters<typeof registerReward>[0]) {
  registerReward(reward);
  custom.push(reward.name);
}

describe('spec §1.4: total reward', () => {
  it('a perfect answerable completion scores 1 + 1 + ((1 − 0)/2 + 1) = 3.5', async () => {
    const completion = '<think>x</think>\n<answer>6.22 to 16.19</answer>\n<correction>NIL</correction>';
    const encoder = new TableEncoder([
      ['6.22 to 16.19', '6.22 to 16.19', 1],
      ['6.22 to 16.19', 'The video does not show a dog.', 0],
    ]);
    const { perReward, total } = await scoreCompletions(REFERENCE_REWARDS, undefined, [completion], answerable, { encoder });
    expect(perReward).toEqual({ format: [1], refuse_iou: [1], explain_correction: [1.5] });
    expect(total).toEqual([3.5]);
  });

  it('a perfect refusal scores 1 + 1 + ((cos_gt − cos_rej)/2 + (cos_c + 1)/2), about 3.3', async () => {
    const completion = `<think>x</think> <answer>${REFUSAL}</answer> <correction>${QUERY}</correction>`;
    const encoder = new TableEncoder([
      [REFUSAL, 'The video shows a person opening a fridge, not cooking.', 0.8],
      [REFUSAL, '6.22 to 16.19', 0.1],
      [QUERY, QUERY, 0.9],
    ]);
    const { total } = await scoreCompletions(REFERENCE_REWARDS, undefined, [completion], refusable, { encoder });
    expect(total[0]).toBeCloseTo(1 + 1 + (0.8 - 0.1) / 2 + (0.9 + 1) / 2, 12);
    expect(total[0]).toBeGreaterThan(3.2);
    expect(total[0]).toBeLessThan(3.4);
  });

  it('weights scale each reward in the sum; per-reward arrays stay unweighted', async () => {
    const completions = [
      '<think>x</think><answer>5.70 to 14.71</answer><correction>NIL</correction>',
      '<think>x</think><answer>5.70 to 14.71</answer>',
    ];
    const { perReward, total } = await scoreCompletions(['format', 'refuse_iou'], [2, 0.5], completions, answerable);
    expect(perReward.format).toEqual([1, 0]);
    expect(total[0]).toBeCloseTo(2 + 0.5 * 0.756078, 6);
    expect(total[1]).toBeCloseTo(0.5 * 0.756078, 6);
  });
});

describe("precision: 'float32' reproduces the reference's float32 reward tensor", () => {
  const torch = JSON.parse(readFileSync(new URL('../fixtures/rewards/float32-sum.json', import.meta.url), 'utf8')) as {
    rewards: number[][];
    per_func_float32: number[][];
    total_float32: number[];
  };
  it('per-reward values and totals equal torch float32 results bit for bit', async () => {
    const names = ['fixed_0', 'fixed_1', 'fixed_2'];
    names.forEach((name, k) => register({ name, score: (c) => c.map((_, i) => torch.rewards[i]![k]!) }));
    const completions = torch.rewards.map(() => 'x');
    const f32 = await scoreCompletions(names, undefined, completions, answerable, {}, { precision: 'float32' });
    names.forEach((name, k) => expect(f32.perReward[name]).toEqual(torch.per_func_float32.map((row) => row[k])));
    expect(f32.total).toEqual(torch.total_float32);
    const f64 = await scoreCompletions(names, undefined, completions, answerable);
    expect(f64.total.filter((x, i) => x !== torch.total_float32[i]).length).toBeGreaterThan(torch.rewards.length / 2);
  });
});

describe('registry', () => {
  it('has the reference rewards and the variants', () => {
    expect(rewardNames()).toEqual(expect.arrayContaining([
      'format', 'refuse_iou', 'explain_correction', 'refuse_iou_clamped', 'refuse_iou_plain',
      'explain_correction_nil_token', 'explain_correction_paper',
    ]));
    expect(getReward('explain_correction').needsEncoder).toBe(true);
    expect(() => getReward('correction')).toThrow(/unknown reward "correction"; registered: format, /);
  });

  it('runs a custom sync or async reward and sums it with the built-ins', async () => {
    register({ name: 'length_penalty', score: (completions) => completions.map((c) => -c.length / 100) });
    register({
      name: 'mentions_query',
      score: async (completions, example) => completions.map((c) => (example.problem && c.includes('fridge') ? 1 : 0)),
    });
    const completions = ['<think>fridge</think><answer>a</answer><correction>b</correction>'];
    const { perReward, total } = await scoreCompletions(['format', 'length_penalty', 'mentions_query'], undefined, completions, answerable);
    expect(perReward.length_penalty).toEqual([-completions[0]!.length / 100]);
    expect(perReward.mentions_query).toEqual([1]);
    expect(total[0]).toBeCloseTo(1 - completions[0]!.length / 100 + 1, 12);
  });

  it('rejects duplicate and malformed names', () => {
    expect(() => registerReward({ name: 'format', score: () => [] })).toThrow(/already registered/);
    expect(() => registerReward({ name: 'has space', score: () => [] })).toThrow(/invalid reward name/);
    expect(() => registerReward({ name: 'x' } as never)).toThrow(/expected \{ name, score/);
  });

  it('a NaN, a thrown error or a wrong count surfaces with the reward name', async () => {
    register({ name: 'nan_reward', score: (c) => c.map(() => NaN) });
    register({ name: 'throws_reward', score: () => { throw new Error('boom'); } });
    register({ name: 'short_reward', score: async () => [1] });
    const two = ['a', 'b'];
    await expect(scoreCompletions(['nan_reward'], undefined, two, answerable)).rejects.toThrow('reward "nan_reward" returned NaN for completion 0');
    await expect(scoreCompletions(['throws_reward'], undefined, two, answerable)).rejects.toThrow('reward "throws_reward" threw: boom');
    await expect(scoreCompletions(['short_reward'], undefined, two, answerable)).rejects.toBeInstanceOf(RewardError);
    await expect(scoreCompletions(['short_reward'], undefined, two, answerable)).rejects.toThrow('returned 1 scores for 2 completions');
  });

  it('checks weights, duplicates and the encoder before scoring', async () => {
    await expect(scoreCompletions(['format', 'refuse_iou'], [1], ['x'], answerable)).rejects.toThrow(/1 reward weights for 2 rewards/);
    await expect(scoreCompletions(['format'], [NaN], ['x'], answerable)).rejects.toThrow(/weight NaN is not a finite number/);
    await expect(scoreCompletions(['format', 'format'], undefined, ['x'], answerable)).rejects.toThrow(/listed twice/);
    await expect(scoreCompletions(['explain_correction'], undefined, ['x'], answerable)).rejects.toThrow(
      /reward "explain_correction" needs a sentence encoder/,
    );
  });
});
