/**
 * One supervised (teacher-forced) step: cross-entropy of the reference completion given the prompt and video, via the
 * same chunked `logprobs` the GRPO loss uses (so the warm-up trains exactly the distribution GRPO samples from).
 * The target is `<target text><|im_end|>`: the stop token is learned too, so a warmed-up policy ends its answers.
 * Loss = mean over prompts of each prompt's token-mean NLL (the GRPO aggregation), then clip + AdamW.
 */
import type { ResolvedExample } from '../data/examples.js';
import { fromTypedArray, tidyAsync } from '../tensor/index.js';
import type { StepMetrics } from '../grpo/policy-update.js';
import { checkGradNorm, checkLoss, checkPromptLength } from '../grpo/step-guard.js';
import { rankShare } from './dist-context.js';
import { repeatedInputs } from './policy-inputs.js';
import type { StepContext } from './step-context.js';
import { prepareOrSkip } from './unreadable-videos.js';

/** The completion an SFT step trains on, given a resolved example. */
export type SftTarget = (ex: ResolvedExample) => string;

/**
 * Default targets from the data alone: the GT span with NIL for answerable examples; the GT explanation and the
 * record's answerable query (the GT correction) for refusals. The think block is left empty: the data has no
 * reasoning text, and inventing one would teach the model boilerplate.
 */
export const defaultSftTarget: SftTarget = (ex) => {
  const body = (s: string) => /<answer>([\s\S]*?)<\/answer>/.exec(s)?.[1]?.trim() ?? s.trim();
  if (ex.taskType === 'answerable') return `<think></think><answer>${body(ex.gtAnswers)}</answer><correction>NIL</correction>`;
  return `<think></think><answer>${body(ex.gtAnswers)}</answer><correction>${ex.answerableQuery ?? ''}</correction>`;
};

/** `stepExamples`: the whole step's (all ranks'); a multi-process run takes this rank's share (dist-context.ts). */
export async function sftStep(ctx: StepContext, stepExamples: readonly ResolvedExample[], lr: number, target: SftTarget, eosId: number): Promise<StepMetrics> {
  const examples = rankShare(stepExamples, ctx.dist);
  // every skip is agreed by all ranks before the next collective (a sharded forward/backward)
  const agree = (bad: boolean) => (ctx.dist ? ctx.dist.anyTrue(bad) : Promise.resolve(bad));
  const t = { video: 0, forward: 0, backward: 0 };
  const losses: number[] = [];
  let tokens = 0;
  ctx.optimizer.zeroGrad();
  for (const ex of examples) {
    const t0 = performance.now();
    const prompt = await prepareOrSkip(ctx, ex, 1);
    t.video += (performance.now() - t0) / 1000;
    const tooLong = typeof prompt === 'string' ? null : checkPromptLength(prompt.promptTokens, ctx.cfg.max_prompt_length);
    const bad = typeof prompt === 'string' ? prompt : tooLong ? `${tooLong.stage}: ${tooLong.reason}` : null;
    if (await agree(bad !== null) || typeof prompt === 'string') {
      ctx.optimizer.zeroGrad();
      return { skipped: 1, skip_reason: bad ?? 'another rank skipped (a prompt too long or a video unreadable)' };
    }
    const ids = [...ctx.tokenizer.encode(target(ex)), eosId];
    tokens += ids.length;
    const loss = await tidyAsync(async () => {
      const completion = fromTypedArray(BigInt64Array.from(ids, (x) => BigInt(x)), [1, ids.length], 'int64');
      let t1 = performance.now();
      const { logprobs } = await ctx.model.logprobs(repeatedInputs(prompt.rows, { completion, withSpg: ctx.cfg.logprob_second_per_grid_ts === 'same_as_rollout' }), completion);
      const nll = logprobs.mean().neg();
      t.forward += (performance.now() - t1) / 1000;
      const value = nll.item();
      if (await agree(!Number.isFinite(value))) return Number.isFinite(value) ? NaN : value;
      t1 = performance.now();
      await nll.div(examples.length).backward();
      t.backward += (performance.now() - t1) / 1000;
      return value;
    });
    losses.push(loss);
    const badLoss = checkLoss(loss);
    if (badLoss) {
      ctx.optimizer.zeroGrad();
      return { skipped: 1, skip_reason: Number.isNaN(loss) ? `${badLoss.stage}: loss is NaN (here or on another rank)` : `${badLoss.stage}: ${badLoss.reason}`, loss };
    }
  }
  const t0 = performance.now();
  const gradNorm = await ctx.optimizer.clipGradNorm(ctx.cfg.max_grad_norm);
  const badNorm = checkGradNorm(gradNorm);
  const base: StepMetrics = {
    loss: losses.reduce((a, b) => a + b, 0) / losses.length,
    grad_norm: Number.isFinite(gradNorm) ? gradNorm : null,
    target_tokens: tokens / examples.length,
    'time/video': t.video,
    'time/logprob': t.forward,
    'time/backward': t.backward,
  };
  if (badNorm) {
    ctx.optimizer.zeroGrad();
    return { ...base, skipped: 1, skip_reason: `${badNorm.stage}: ${badNorm.reason}` };
  }
  await ctx.optimizer.step(lr);
  ctx.optimizer.zeroGrad();
  return { ...base, learning_rate: lr, skipped: 0, 'time/update': (performance.now() - t0) / 1000 };
}
