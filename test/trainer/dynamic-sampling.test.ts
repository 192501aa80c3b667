// Dynamic sampling's round logic (lib/trainer/dynamic-sampling.ts) on fake groups, no model: which groups are kept,
// how many prompts each refill round draws, the fill-up after max_rounds, the ranks' agreement on the shortfall, and
// the before-filtering reward metrics, all worked out by hand.
import { describe, expect, it } from 'vitest';

import { isZeroStdGroup, sampleInformativeGroups, sampledRewardMetrics, uninformativeBy } from '../../lib/trainer/dynamic-sampling.js';

interface G {
  id: string;
  total: number[];
  perReward: Record<string, number[]>;
}
const flat = (id: string, r = 1): G => ({ id, total: [r, r, r, r], perReward: { a: [r, r, r, r] } });
const spread = (id: string): G => ({ id, total: [0, 1, 0, 1], perReward: { a: [0, 1, 0, 1] } });
const alone = async (x: number) => x;

describe('isZeroStdGroup', () => {
  it('is true only when every reward equals the first', () => {
    expect(isZeroStdGroup([0.5, 0.5, 0.5])).toBe(true);
    expect(isZeroStdGroup([0.5, 0.5, 0.5000001])).toBe(false);
  });
});

describe('sampleInformativeGroups (one process)', () => {
  it('draws exactly the shortfall each round until the target is met, keeping draw order', async () => {
    // round 1: [s0, f1, f2] -> 1 informative of 3, short 2; round 2 draws 2: [f3, s4] -> short 1; round 3 draws 1: [s5]
    const script = [[flat('f3'), spread('s4')], [spread('s5')]];
    const asked: number[] = [];
    const r = await sampleInformativeGroups([spread('s0'), flat('f1'), flat('f2')], {
      target: 3, maxRounds: 5, world: 1, maxOverRanks: alone,
      round: async (n) => (asked.push(n), script.shift()!),
    });
    expect(asked).toEqual([2, 1]);
    expect(r!.rounds).toBe(3);
    expect(r!.extraPrompts).toBe(3);
    expect(r!.filled).toBe(0);
    expect(r!.groups.map((g) => g.id)).toEqual(['s0', 's4', 's5']);
    expect(r!.sampled.map((g) => g.id)).toEqual(['s0', 'f1', 'f2', 'f3', 's4', 's5']);
  });

  it('no refill when round 1 is all informative', async () => {
    let calls = 0;
    const r = await sampleInformativeGroups([spread('a'), spread('b')], { target: 2, maxRounds: 3, world: 1, maxOverRanks: alone, round: async () => (calls++, []) });
    expect(calls).toBe(0);
    expect(r!.rounds).toBe(1);
  });

  it('after max_rounds fills up with the earliest zero-std groups', async () => {
    // max_rounds 2: round 1 [f0, s1, f2] short 2, round 2 draws 2: [f3, f4] -> still short 2: fill with f0, f2
    const r = await sampleInformativeGroups([flat('f0'), spread('s1'), flat('f2')], {
      target: 3, maxRounds: 2, world: 1, maxOverRanks: alone, round: async () => [flat('f3'), flat('f4')],
    });
    expect(r!.rounds).toBe(2);
    expect(r!.filled).toBe(2);
    expect(r!.groups.map((g) => g.id)).toEqual(['s1', 'f0', 'f2']);
  });

  it('max_rounds 1 never draws more', async () => {
    const r = await sampleInformativeGroups([flat('f0')], { target: 1, maxRounds: 1, world: 1, maxOverRanks: alone, round: async () => { throw new Error('no'); } });
    expect(r!.groups.map((g) => g.id)).toEqual(['f0']);
    expect(r!.filled).toBe(1);
  });

  it('a round that must be skipped skips the step', async () => {
    expect(await sampleInformativeGroups([flat('f0')], { target: 1, maxRounds: 3, world: 1, maxOverRanks: alone, round: async () => null })).toBeNull();
  });
});

describe('sampleInformativeGroups over ranks', () => {
  it('every rank draws W × the largest shortfall and keeps exactly target groups', async () => {
    // 2 ranks, target 2. rank 0 round 1 [s, s] (short 0), rank 1 [f, f] (short 2): max 2 -> each round draws 4 prompts,
    // each rank generating 2. Rank 0 discards its surplus; rank 1 gets [s, f] (short 1) -> round 3 draws 2 (1 each).
    const shortfalls: number[][] = [[], []];
    const maxOf = (rank: number) => async (x: number) => {
      shortfalls[rank]!.push(x);
      return rank === 0 ? Math.max(x, [2, 1, 0][shortfalls[0]!.length - 1]!) : Math.max(x, 0);
    };
    const asked0: number[] = [];
    const r0 = await sampleInformativeGroups([spread('a'), spread('b')], {
      target: 2, maxRounds: 4, world: 2, maxOverRanks: maxOf(0), round: async (n) => (asked0.push(n), Array.from({ length: n / 2 }, (_, i) => spread(`x${asked0.length}${i}`))),
    });
    expect(asked0).toEqual([4, 2]);
    expect(r0!.groups.map((g) => g.id)).toEqual(['a', 'b']);
    expect(r0!.rounds).toBe(3);
    expect(r0!.extraPrompts).toBe(6);
    const rounds1 = [[spread('c'), flat('d')], [spread('e')]];
    const asked1: number[] = [];
    const r1 = await sampleInformativeGroups([flat('f'), flat('g')], {
      target: 2, maxRounds: 4, world: 2, maxOverRanks: maxOf(1), round: async (n) => (asked1.push(n), rounds1.shift()!),
    });
    expect(shortfalls[1]).toEqual([2, 1, 0]);
    expect(asked1).toEqual([4, 2]);
    expect(r1!.groups.map((g) => g.id)).toEqual(['c', 'e']);
    expect(r1!.rounds).toBe(r0!.rounds);
  });
});

describe('judging by one reward (dynamic_sampling.reward)', () => {
  // decision reward d agrees within the group, a continuous reward c does not: the total varies
  const g = (id: string, d: number[]): G => ({ id, total: d.map((x, i) => x + 0.01 * i), perReward: { d, c: [0, 0.01, 0.02, 0.03] } });
  it('drops groups whose named reward agrees, even when the total varies', async () => {
    const by = uninformativeBy('d');
    expect(by(g('x', [1, 1, 1, 1]))).toBe(true);
    expect(by(g('y', [1, 0, 1, 1]))).toBe(false);
    expect(uninformativeBy(null)(g('x', [1, 1, 1, 1]))).toBe(false); // the total differs
    expect(() => uninformativeBy('iou')(g('x', [1, 1, 1, 1]))).toThrow('dynamic_sampling.reward "iou" is not among the step\'s rewards (d, c)');
    const r = await sampleInformativeGroups([g('a', [1, 1, 1, 1]), g('b', [0, 1, 0, 0])], {
      target: 2, maxRounds: 2, world: 1, maxOverRanks: alone, uninformative: by, round: async (n) => (expect(n).toBe(1), [g('c', [0, 0, 1, 0])]),
    });
    expect(r!.groups.map((x) => x.id)).toEqual(['b', 'c']);
    expect(r!.fracUninformative).toBeCloseTo(1 / 3, 12);
  });
});

describe('sampledRewardMetrics', () => {
  it('describes every sampled group, before filtering', () => {
    // totals: [1,1,1,1] (std 0), [0,1,0,1] (std sqrt(1/3) = 0.577350), [3,3,3,3] (std 0)
    const m = sampledRewardMetrics([flat('f', 1), spread('s'), flat('g', 3)]);
    expect(m.reward).toBeCloseTo((4 + 2 + 12) / 12, 12);
    expect(m['rewards/a']).toBeCloseTo(1.5, 12);
    expect(m.reward_std).toBeCloseTo(Math.sqrt(1 / 3) / 3, 12);
    expect(m.frac_reward_zero_std).toBeCloseTo(2 / 3, 12);
  });
});
