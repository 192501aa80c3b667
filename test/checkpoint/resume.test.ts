/**
 * Exact resume, end to end on the 4-armed bandit (see bandit.test.ts): a run of 12 steps is compared with a run
 * that saves checkpoint-6 (weights via saveSafetensors standing in for model.save, optimizer.safetensors,
 * trainer_state.json with the sampling RNG and the LR schedule), "crashes", and resumes from `latest` in fresh
 * objects. The final weights and every logged metric after the resume must equal the uninterrupted run's bit for
 * bit; metrics.jsonl must hold each step once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadSafetensors, saveSafetensors } from '../../lib/io/safetensors.js';
import { MetricsWriter, readMetrics } from '../../lib/logging/metrics-jsonl.js';
import { AdamW } from '../../lib/optim/index.js';
import { Generator, type Tensor, multinomial, noGrad, tidy, zeros } from '../../lib/tensor/index.js';
import { resolveResume, saveCheckpoint } from '../../lib/checkpoint/checkpoint-dir.js';
import { lrAt } from '../../lib/trainer/lr-schedule.js';
import { loadOptimizerState, saveOptimizerState } from '../../lib/checkpoint/optimizer-checkpoint.js';
import { policyUpdate } from '../../lib/grpo/policy-update.js';
import { encodeRng, readTrainerState, restoreRng, writeTrainerState } from '../../lib/checkpoint/trainer-state.js';

const TOTAL = 12;
const HYPER = { betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0.01 };
const SCHED = { type: 'linear' as const, peakLr: 0.05, totalSteps: TOTAL, warmupSteps: 2 };
const SETTINGS = { numGenerations: 8, scaleRewards: 'group' as const, lossType: 'rarft_token_mean' as const, beta: 0, epsilonLow: 0.2, epsilonHigh: 0.2, maxCompletionLength: 1, stopTokenIds: [151645], maxGradNorm: 1 };

async function train(out: string, opts: { stopAfter?: number; saveAt?: number; resume?: boolean }): Promise<number[]> {
  let logits: Tensor<'float32'> = zeros([4]).requiresGrad_();
  let opt = new AdamW({ logits }, HYPER);
  const gen = new Generator(42);
  let start = 0;
  if (opts.resume) {
    const ck = resolveResume('latest', out)!;
    const st = readTrainerState(ck.path);
    const { tensors } = await loadSafetensors(join(ck.path, 'model.safetensors'));
    logits.dispose();
    opt.dispose();
    logits = tidy(() => tensors.get('logits')!.clone()).requiresGrad_() as Tensor<'float32'>;
    tensors.get('logits')!.dispose();
    opt = new AdamW({ logits }, HYPER);
    await loadOptimizerState(ck.path, opt, HYPER);
    restoreRng(gen, st.rng.sampling!);
    start = st.global_step;
  }
  const metrics = new MetricsWriter(join(out, 'metrics.jsonl'), opts.resume ? { truncateAfterStep: start } : {});
  for (let step = start; step < (opts.stopAfter ?? TOTAL); step++) {
    const answers = noGrad(() => tidy(() => multinomial(logits.softmax(0), 8, { replacement: true, generator: gen })));
    const a = Array.from(answers.toArray(), Number);
    const m = await policyUpdate(
      {
        rewards: { hit: a.map((x) => (x === 2 ? 1 : 0)) },
        completionIds: tidy(() => answers.unsqueeze(1)) as Tensor<'int64'>,
        forward: async () => ({ logps: logits.logSoftmax(0).gather(0, answers).unsqueeze(1) }),
      },
      SETTINGS,
      opt,
      lrAt(SCHED, step),
    );
    answers.dispose();
    const stable = Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('time/'))); // timings differ run to run
    metrics.write({ step: step + 1, stage: 'train', ...stable });
    if (step + 1 === opts.saveAt)
      await saveCheckpoint(out, step + 1, async (dir) => {
        await saveSafetensors(join(dir, 'model.safetensors'), { logits });
        await saveOptimizerState(dir, opt, HYPER);
        writeTrainerState(dir, {
          global_step: step + 1, epoch: 0, data_cursor: { epoch: 0, index: step + 1, seed: 42 }, rng: { sampling: encodeRng(gen) },
          scheduler: { type: SCHED.type, peak_lr: SCHED.peakLr, total_steps: TOTAL, warmup_steps: SCHED.warmupSteps }, metrics_tail: [],
        });
      }, { saveTotalLimit: 2 });
  }
  metrics.close();
  const w = tidy(() => Array.from(logits.toArray() as Float32Array));
  opt.dispose();
  gen.dispose();
  return w;
}

describe('resume', () => {
  it('a run resumed from checkpoint-6 ends bit-identical to an uninterrupted run', async () => {
    const straight = mkdtempSync(join(tmpdir(), 'rarft-resume-a-'));
    const resumed = mkdtempSync(join(tmpdir(), 'rarft-resume-b-'));
    const want = await train(straight, {});
    await train(resumed, { saveAt: 6, stopAfter: 9 }); // "crash" after step 9: steps 7-9 are logged but not checkpointed
    const got = await train(resumed, { resume: true });
    expect(got).toEqual(want);
    expect(want[2]!).toBeGreaterThan(want[0]!); // it did learn something: answer 2's logit leads
    const a = readMetrics(join(straight, 'metrics.jsonl'));
    const b = readMetrics(join(resumed, 'metrics.jsonl'));
    expect(b.map((r) => r.step)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1)); // 7-9 replaced, not doubled
    expect(b).toEqual(a);
  });
});
