import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/errors.js';
import { buildTrainingExamples, epochOrder, exampleToRewardFields, resolveExample, type TrainingExample } from '../../lib/data/examples.js';
import { readRaRftRecords } from '../../lib/data/readers/rarft-records.js';
import type { RaRftRecord } from '../../lib/data/types.js';
import type { RewardExample } from '../../lib/rewards/types.js';
import { sharedDataset } from './datasets-path.js';

/** A record with one answerable item and `n` refusables named r0..r{n-1}. */
function syntheticRecord(index: number, n: number): RaRftRecord {
  return {
    videoId: `v${index}`,
    videoPath: `/videos/v${index}.mp4`,
    queryText: `query ${index}`,
    span: [1, 2],
    duration: 10,
    needsProbe: false,
    items: [
      { query: ` query ${index} `, queryOrigin: null, answer: '<answer>1.0 to 2.0</answer>', correction: null, relevant: true, categories: [], hardness: 'original' },
      ...Array.from({ length: n }, (_, k) => ({
        query: `r${k}`,
        queryOrigin: null,
        answer: `<answer>because ${k}</answer>`,
        correction: null,
        relevant: false,
        categories: ['Object/ObjectExistence'],
        hardness: 'strong' as const,
      })),
    ],
    recordIndex: index,
    sourceFile: 'synthetic.json',
    pro: null,
  };
}

describe('buildTrainingExamples on HI-Charades', () => {
  const { records } = readRaRftRecords(sharedDataset('rarft/hi_vtg_charades.json'));

  it('1:1 gives one answerable and one refusable example per record (2194), 1:3 gives 4388', () => {
    const one = buildTrainingExamples(records).examples;
    expect(one.length).toBe(2194);
    expect(one.filter((e) => e.taskType === 'answerable').length).toBe(1097);
    const three = buildTrainingExamples(records, { refusablePerAnswerable: 3 }).examples;
    expect(three.length).toBe(4388);
    expect(three.filter((e) => e.taskType === 'refusable').length).toBe(3291);
  });

  it('maps record 0 to the reward fields of rarft-reference §4.1', () => {
    const [answerable, refusable] = buildTrainingExamples(records).examples as [TrainingExample, TrainingExample];
    const key = { seed: 42, epoch: 0, step: 0 };
    const a: RewardExample = exampleToRewardFields(resolveExample(answerable, key));
    expect(a).toMatchObject({
      task_type: 'answerable',
      problem: 'person runs to the window to look out.',
      gt_answers: '<answer>9.3 to 14.4</answer>',
      solution: [9.3, 14.4],
      durations: 27.25,
      answerable_query: null,
    });
    expect(a.refusable_queries).toMatch(/^<answer>I believe this query is entirely inappropriate for the video\./);
    const r: RewardExample = exampleToRewardFields(resolveExample(refusable, key));
    expect(r).toMatchObject({
      task_type: 'refusable',
      problem: 'person walks past the glass panel.',
      refusable_queries: '<answer>9.3 to 14.4</answer>',
      answerable_query: 'person runs to the window to look out.',
      solution: null,
      durations: 27.25,
    });
    expect(r.gt_answers).toBe(records[0]!.items[1]!.answer.trim());
  });
});

describe('incomplete records and missing durations are named', () => {
  it('SS-Charades: an AA record is an error naming file and record; skip keeps the 591 AR records', () => {
    const { records } = readRaRftRecords(sharedDataset('rarft/ss_vtg_charades.json'));
    const firstBad = records.find((r) => !r.items.some((i) => !i.relevant) || !r.items.some((i) => i.relevant))!;
    expect(() => buildTrainingExamples(records)).toThrow(DataError);
    expect(() => buildTrainingExamples(records)).toThrow(new RegExp(`ss_vtg_charades\\.json, record ${firstBad.recordIndex}, field "GRPO": record has no`));
    const { examples, skipped } = buildTrainingExamples(records, { incomplete: 'skip' });
    expect(examples.length).toBe(2 * 591);
    expect(skipped.length).toBe(582 + 428 + 413 + 105);
  });

  it('HI-TVGBench without probed durations is an error that says what to do', () => {
    const { records } = readRaRftRecords(sharedDataset('rarft/hi_vtg_tvgbench.json'));
    expect(() => buildTrainingExamples(records)).toThrow(/record 0, field "duration": record has no duration; resolve durations/);
  });
});

describe('per-step negative sampling (rarft-reference §7 items 3, 4)', () => {
  const records = Array.from({ length: 200 }, (_, i) => syntheticRecord(i, 5));

  it('keeps every refusable in the pool by default; poolSize limits it (the reference: 3)', () => {
    expect(buildTrainingExamples(records).examples[1]!.pool.map((p) => p.problem)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(buildTrainingExamples(records, { poolSize: 3 }).examples[1]!.pool.length).toBe(3);
  });

  it('a refusable example always has a non-empty query, in every epoch order (no column loss)', () => {
    const { examples } = buildTrainingExamples(records);
    for (let epoch = 0; epoch < 3; epoch++) {
      const order = epochOrder(examples.length, 42, epoch);
      order.forEach((k, step) => {
        const resolved = resolveExample(examples[k]!, { seed: 42, epoch, step });
        expect(resolved.problem.length).toBeGreaterThan(0);
      });
    }
  });

  it('draws are a pure function of (seed, epoch, step, record, slot): resumption recomputes them', () => {
    const { examples } = buildTrainingExamples(records, { refusablePerAnswerable: 3 });
    const firstRun = examples.map((e, step) => resolveExample(e, { seed: 7, epoch: 2, step }).poolIndex);
    const resumed = examples.map((e, step) => resolveExample(e, { seed: 7, epoch: 2, step }).poolIndex);
    expect(resumed).toEqual(firstRun);
    const otherSeed = examples.map((e, step) => resolveExample(e, { seed: 8, epoch: 2, step }).poolIndex);
    expect(otherSeed).not.toEqual(firstRun);
  });

  it('records in the same step draw independently, and the answerable contrast negative changes across steps', () => {
    const { examples } = buildTrainingExamples(records);
    const refusables = examples.filter((e) => e.taskType === 'refusable');
    const sameStep = new Set(refusables.map((e) => resolveExample(e, { seed: 42, epoch: 0, step: 5 }).poolIndex));
    expect(sameStep.size).toBe(5);
    const answerable = examples[0]!;
    const overSteps = new Set(Array.from({ length: 50 }, (_, step) => resolveExample(answerable, { seed: 42, epoch: 0, step }).refusableQueries));
    expect(overSteps.size).toBe(5);
  });

  it('the 1:3 slots of one record in one step are independent draws', () => {
    const { examples } = buildTrainingExamples(records, { refusablePerAnswerable: 3 });
    let allSame = 0;
    for (let r = 0; r < 200; r++) {
      const slots = examples.filter((e) => e.recordIndex === r && e.taskType === 'refusable');
      const picks = slots.map((e) => resolveExample(e, { seed: 1, epoch: 0, step: 0 }).poolIndex);
      if (new Set(picks).size === 1) allSame++;
    }
    // Independent uniform draws over 5: P(all three equal) = 1/25, so about 8 of 200.
    expect(allSame).toBeGreaterThan(0);
    expect(allSame).toBeLessThan(25);
  });

  it('pool indices are uniform over 20000 draws (chi-square, 4 dof, p > 0.001)', () => {
    const { examples } = buildTrainingExamples([syntheticRecord(0, 5)]);
    const counts = [0, 0, 0, 0, 0];
    for (let step = 0; step < 20000; step++) counts[resolveExample(examples[1]!, { seed: 42, epoch: 0, step }).poolIndex]!++;
    const chi2 = counts.reduce((s, c) => s + (c - 4000) ** 2 / 4000, 0);
    expect(chi2).toBeLessThan(18.47);
  });
});

describe('epochOrder', () => {
  it('is a permutation, reproducible, and different per epoch and per seed', () => {
    const a = epochOrder(1000, 42, 0);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(epochOrder(1000, 42, 0)).toEqual(a);
    expect(epochOrder(1000, 42, 1)).not.toEqual(a);
    expect(epochOrder(1000, 43, 0)).not.toEqual(a);
  });

  it('puts each index at each position about uniformly (10000 shuffles of 4)', () => {
    const counts = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    for (let epoch = 0; epoch < 10000; epoch++) epochOrder(4, 3, epoch).forEach((v, pos) => counts[pos]![v]!++);
    for (const row of counts) for (const c of row) expect(Math.abs(c - 2500)).toBeLessThan(200);
  });
});
