// The demo pipeline end to end at a small size (the full run is measured in docs/demo.md and the README): tiny
// checkpoint -> synthetic videos and records -> held-out accuracy -> SFT -> GRPO from the SFT checkpoint with the
// reference's three rewards -> held-out accuracy, with every stage's run folder and the summary written.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { readRaRftRecords } from '../../lib/data/readers/rarft-records.js';
import { DEMO_REWARDS } from '../../lib/demo/demo-config.js';
import type { HeldoutResult } from '../../lib/demo/heldout-eval.js';
import { type DemoSummary, firstLastTenth, grpoKeptBoth, runDemo, summaryLines } from '../../lib/demo/run-demo.js';
import { hullIoU } from '../../lib/metrics/interval-iou.js';
import { classifyRelevanceByRule } from '../../lib/metrics/relevance.js';
import { SbertModelNotFoundError } from '../../lib/sbert/model-dir.js';

const jsonl = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('runDemo', () => {
  it('runs warm-up then GRPO with the three RA-RFT rewards and writes a consistent summary', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rarft-demo-')), 'demo');
    const lines: string[] = [];
    const s = await runDemo({ outputDir: out, sftSteps: 6, grpoSteps: 3, saveSteps: 2, trainRecords: 3, heldoutRecords: 2, progress: null, log: (l) => lines.push(l) });
    expect(s.stopped).toBe('completed');
    expect([s.sft.steps, s.grpo.steps, s.grpo.skipped]).toEqual([6, 3, 0]);
    expect(s.sft.lastLoss).toBeLessThan(s.sft.firstLoss);
    // the warm-up's first and last loss are the first and last logged ones
    const sftLosses = jsonl(join(out, 'sft', 'metrics.jsonl')).filter((m) => typeof m.loss === 'number').map((m) => m.loss as number);
    expect(sftLosses).toHaveLength(6);
    expect([s.sft.firstLoss, s.sft.lastLoss]).toEqual([sftLosses[0], sftLosses[5]]);

    // all three rewards by default (the SBERT weights come with `npm run setup`), each scored on every GRPO step
    expect(s.grpo.rewards).toEqual(['format', 'refuse_iou', 'explain_correction']);
    const metrics = jsonl(join(out, 'grpo', 'metrics.jsonl')).filter((m) => m.stage === 'grpo');
    expect(metrics).toHaveLength(3);
    // every step's logged means are those of its completions' own scores (2 prompts x 8 completions)
    type Sample = { rewards: Record<string, number[]>; total: number[] };
    const steps = jsonl(join(out, 'grpo', 'completions.jsonl')) as unknown as { step: number; samples: Sample[] }[];
    expect(steps.map((c) => c.step)).toEqual([1, 2, 3]);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const [i, m] of metrics.entries()) {
      const samples = steps[i]!.samples;
      expect(samples.flatMap((x) => x.total)).toHaveLength(16);
      const parts = DEMO_REWARDS.map((r) => m[`rewards/${r}`] as number);
      for (const [k, r] of DEMO_REWARDS.entries()) expect(parts[k]).toBeCloseTo(mean(samples.flatMap((x) => x.rewards[r]!)), 6);
      expect(m.reward).toBeCloseTo(mean(samples.flatMap((x) => x.total)), 6);
      expect(m.reward).toBeCloseTo(parts.reduce((a, b) => a + b, 0), 5); // the step reward is their sum
    }
    // explain_correction is the SBERT reward: it is not constant 0/1 on refusals, it scores the explanation's text
    expect(metrics.map((m) => m['rewards/explain_correction'] as number).some((v) => v > 0)).toBe(true);
    expect(s.grpo.rewardFirstTenth).toBeCloseTo(metrics[0]!.reward as number, 9);
    expect(s.grpo.rewardLastTenth).toBeCloseTo(metrics[2]!.reward as number, 9);

    // held-out accuracy: 2 unseen videos x (1 answerable + 1 refusable); every query's greedy answer is kept (4 < 6),
    // and re-classified, in the held-out file's order, they give each reported number
    const items = readRaRftRecords(join(out, 'data', 'heldout.json')).records.flatMap((r) => r.items.map((it) => ({ ...it, span: r.span })));
    expect(items.map((it) => it.relevant).sort()).toEqual([false, false, true, true]);
    for (const h of [s.heldout.before, s.heldout.afterSft, s.heldout.afterGrpo]) {
      expect([h.queries, h.answerableQueries]).toEqual([4, 2]);
      expect(h.examples.map((e) => [e.query, e.relevant])).toEqual(items.map((it) => [it.query, it.relevant]));
      const decided = h.examples.map((e, i) => {
        const d = classifyRelevanceByRule(e.output);
        return { label: e.relevant, right: d.relevant === e.relevant, iou: hullIoU(d.span, items[i]!.span!) };
      });
      const accuracy = (xs: typeof decided) => xs.filter((d) => d.right).length / xs.length;
      const answerable = decided.filter((d) => d.label);
      expect(h.refusalAccuracy).toBe(accuracy(decided));
      expect(h.answerableAccuracy).toBe(accuracy(answerable));
      expect(h.refusableAccuracy).toBe(accuracy(decided.filter((d) => !d.label)));
      expect(h.meanIou).toBeCloseTo(mean(answerable.map((d) => d.iou)), 12);
    }
    // what the README and docs/demo.md claim of every run, deterministic under the seed: the random model refuses
    // every query, and GRPO leaves both classes at least as good as the warm-up did (here, with 3 steps, unchanged)
    expect([s.heldout.before.answerableAccuracy, s.heldout.before.refusableAccuracy]).toEqual([0, 1]);
    expect(grpoKeptBoth(s.heldout)).toBe(true);

    const saved = JSON.parse(readFileSync(join(out, 'demo_summary.json'), 'utf8')) as DemoSummary;
    expect(saved.grpo).toEqual(s.grpo);
    expect(saved.heldout.afterGrpo.answerableAccuracy).toBe(s.heldout.afterGrpo.answerableAccuracy);
    for (const p of ['sft/checkpoint-6/model.safetensors', 'grpo/checkpoint-3/optimizer.safetensors', 'grpo/completions.jsonl', 'data/heldout.json'])
      expect(existsSync(join(out, p)), p).toBe(true);
    // GRPO started from the warm-up's checkpoint
    expect(readFileSync(join(out, 'grpo', 'config.yaml'), 'utf8')).toMatch(/model_path: .*sft\/checkpoint-6/);
    const text = lines.join('\n');
    expect(text).toContain(summaryLines(s).join('\n')); // the printed numbers are the returned ones
    expect(text).toMatch(/GRPO \(format \+ refuse_iou \+ explain_correction\): 3 steps/);
    expect(text).toMatch(/held-out accuracy \(4 queries on unseen videos: 2 answerable, 2 refusable\):/);
    expect(text).toMatch(/after warm-up +answerable +\d+\.\d%, refusable +\d+\.\d%/);
    expect(text).toMatch(/after GRPO +answerable +\d+\.\d%, refusable +\d+\.\d%/);
    expect(text).toContain(grpoKeptBoth(s.heldout) ? '(both at least as good)' : '(one got worse)');
  });

  it('without the SBERT weights it stops at once and says how to get them, or to leave the reward out', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rarft-demo-')), 'demo');
    const saved = process.env.RARFT_SBERT_MODEL;
    process.env.RARFT_SBERT_MODEL = join(out, 'no-such-model');
    try {
      const err = await runDemo({ outputDir: out, progress: null, log: () => {} }).then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(SbertModelNotFoundError);
      expect(err!.message).toMatch(/^the demo's explain_correction reward needs the SBERT weights/);
      expect(err!.message).toMatch(/npm run setup/);
      expect(err!.message).toMatch(/--reward-funcs format,refuse_iou/);
      expect(existsSync(join(out, 'tiny-qwen2.5vl'))).toBe(false); // nothing was done
    } finally {
      if (saved === undefined) delete process.env.RARFT_SBERT_MODEL;
      else process.env.RARFT_SBERT_MODEL = saved;
    }
  });

  it('firstLastTenth ignores skipped steps and uses at least one step per end', () => {
    const h = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((r) => ({ reward: r, skipped: 0 }));
    expect(firstLastTenth(h, 'reward')).toEqual([1.5, 19.5]);
    expect(firstLastTenth([{ reward: 5, skipped: 1 }, { reward: 2, skipped: 0 }, { reward: 4, skipped: 0 }], 'reward')).toEqual([2, 4]);
  });

  it('the summary says whether GRPO kept both held-out classes at least as good as the warm-up', () => {
    const res = (a: number, r: number): HeldoutResult => ({ queries: 24, answerableQueries: 12, refusalAccuracy: (a + r) / 2, answerableAccuracy: a, refusableAccuracy: r, meanIou: 0.3, examples: [] });
    const summary = (afterSft: HeldoutResult, afterGrpo: HeldoutResult): DemoSummary => ({
      outputDir: '/x', wallSeconds: 90, loadAverage: [1, 1, 1], stopped: 'completed',
      sft: { steps: 400, firstLoss: 5.7, lastLoss: 0.1, seconds: 60 },
      grpo: { steps: 80, rewards: [...DEMO_REWARDS], rewardFirstTenth: 2.3, rewardLastTenth: 2.5, seconds: 30, skipped: 0 },
      heldout: { before: res(0, 1), afterSft, afterGrpo },
    });
    const kept = summary(res(0.25, 1), res(0.75, 1));
    expect(grpoKeptBoth(kept.heldout)).toBe(true);
    const lines = summaryLines(kept).join('\n');
    expect(lines).toContain('held-out accuracy (24 queries on unseen videos: 12 answerable, 12 refusable):');
    expect(lines).toMatch(/after warm-up +answerable +25\.0%, refusable 100\.0%, overall +62\.5%/);
    expect(lines).toMatch(/after GRPO +answerable +75\.0%, refusable 100\.0%, overall +87\.5%; mean IoU/);
    expect(lines).toContain('GRPO vs warm-up: answerable +50.0 points, refusable +0.0 points (both at least as good)');
    const dropped = summary(res(0.25, 1), res(0.75, 0.9));
    expect(grpoKeptBoth(dropped.heldout)).toBe(false);
    expect(summaryLines(dropped).join('\n')).toContain('refusable -10.0 points (one got worse)');
  });
});
