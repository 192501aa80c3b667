/**
 * One GRPO optimizer update from scored completions, model-agnostic: the model is reached only through the
 * `forward` / `refForward` callbacks, so the same code drives Qwen2.5-VL and the bandit test.
 *   rewards -> (NaN check) -> weighted total -> group advantages -> completion mask -> policy log-probs
 *   -> (reference log-probs, only when beta != 0) -> loss -> (finite check) -> backward -> clip -> (finite check) -> step
 * Gradient accumulation: pass one input per micro-batch; each micro-batch's loss is divided by their count and
 * back-propagated before the next forward (so only one graph is alive), then one clip + step. Every micro-batch's
 * rewards are checked before any forward runs.
 * A failed check skips the update (gradients dropped, weights and optimizer state untouched) and the returned
 * metrics say why (`skipped: 1`, `skip_reason`), so the trainer logs it and moves on.
 * loss_type dapo normalises by the active tokens of the whole step: every micro-batch's completion mask is counted
 * (and, in a multi-process run, summed over ranks with one all-reduce) before the first forward, so all ranks agree on
 * the normaliser before any backward.
 * Metric names are the reference's (§4.6) plus TRL's clip ratios, entropy and frac_reward_zero_std; with several
 * micro-batches each metric is the mean over them.
 */
import type { UpdateOptimizer } from '../distributed/zero-optimizer.js';
import { type Device, type Tensor, noGradAsync, tensor, tidy, tidyAsync } from '../tensor/index.js';
import { type ScaleRewards, groupAdvantages } from './advantages.js';
import { completionMask } from './completion-mask.js';
import { highEntropyMask } from './entropy-mask.js';
import { type LossType, dapoNormaliser } from './loss-types.js';
import { type ImportanceSamplingLevel, policyLoss } from './policy-loss.js';
import { type SkipReason, checkGradNorm, checkLoss, checkRewards } from './step-guard.js';
import { meanOfSequenceMeans } from './token-stats.js';

export interface PolicyUpdateSettings {
  numGenerations: number;
  scaleRewards: ScaleRewards;
  lossType: LossType;
  beta: number;
  epsilonLow: number;
  epsilonHigh: number;
  maxCompletionLength: number;
  stopTokenIds: readonly number[];
  maxGradNorm: number;
  /** 'token' (default) or 'sequence' (GSPO), see policy-loss.ts. */
  importanceSamplingLevel?: ImportanceSamplingLevel;
  /** Two-sided clip bound for negative advantages (policy-loss.ts); null/absent = none. */
  delta?: number | null;
  /** Keep the policy-gradient term on each completion's top q of tokens by entropy (entropy-mask.ts); default 1 = all. */
  topEntropyQuantile?: number;
  /** Where the policy's log-probs are: the advantages built from the rewards go there too. Default cpu. */
  device?: Device;
  /**
   * Multi-process runs: true on every rank when any rank passes true (lib/trainer/dist-context.ts). Skips are agreed
   * through it BEFORE a backward, since a sharded backward is a collective that all ranks must run. Absent = alone.
   */
  anyTrue?: (flag: boolean) => Promise<boolean>;
  /** Multi-process runs: the sum of `x` over all ranks (one all-reduce); dapo's global token count. Absent = alone. */
  sumOverRanks?: (x: number) => Promise<number>;
  /** Ranks whose gradients are averaged (dapo's normaliser undoes that mean). Default 1. */
  worldSize?: number;
}

export interface PolicyUpdateInput {
  /** Each reward function's scores for the B completions (prompt-major: G consecutive completions per prompt). */
  rewards: Readonly<Record<string, ArrayLike<number>>>;
  /** Weight per reward function (missing = 1). */
  weights?: Readonly<Record<string, number>> | null;
  /** Generated ids [B, T] (completion part), for the mask. */
  completionIds: Tensor<'int64'>;
  /** Policy forward with grad: per-token log-probs [B, T] of the generated ids, and optionally entropies [B, T]. */
  forward: () => Promise<{ logps: Tensor<'float32'>; entropy?: Tensor<'float32'> }>;
  /** Reference forward (called without grad, and only when beta != 0): per-token log-probs [B, T]. */
  refForward?: () => Promise<Tensor<'float32'>>;
  /** Rollout-time log-probs for num_iterations > 1 (omit for on-policy). */
  oldLogps?: Tensor<'float32'> | null;
}

export type StepMetrics = Record<string, number | string | null>;

const mean = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : NaN;
};

/** Validates one micro-batch and returns its weighted total reward per completion. */
function totals(input: PolicyUpdateInput, k: number): Float64Array {
  const names = Object.keys(input.rewards);
  const where = k > 0 ? ` (micro-batch ${k})` : '';
  if (!names.length) throw new RangeError(`policyUpdate: no rewards${where}`);
  const B = input.rewards[names[0]!]!.length;
  for (const n of names)
    if (input.rewards[n]!.length !== B) throw new RangeError(`policyUpdate: reward "${n}" has ${input.rewards[n]!.length} scores, "${names[0]}" has ${B}${where}`);
  if (input.completionIds.size(0) !== B) throw new RangeError(`policyUpdate: ${input.completionIds.size(0)} completions but ${B} rewards${where}`);
  const total = new Float64Array(B);
  for (const n of names) {
    const w = input.weights?.[n] ?? 1;
    const r = input.rewards[n]!;
    for (let i = 0; i < B; i++) total[i] = total[i]! + w * r[i]!;
  }
  return total;
}

/** Σ m / Σ m over the tokens of `weights` 0/1 [B, T] (the token mean TRL logs as `entropy`). */
function tokenMean(perToken: Tensor<'float32'>, weights: Tensor<'float32'>): number {
  return tidy(() => perToken.mul(weights).sum().div(weights.sum().clamp(1)).item());
}

/**
 * dapo's N̄: the active tokens of every micro-batch on this rank, summed over ranks (a collective every rank reaches
 * at the same point, after the agreed reward check and before any forward), over ranks × micro-batches.
 */
async function globalTokenNormaliser(micro: readonly PolicyUpdateInput[], s: PolicyUpdateSettings): Promise<number> {
  let local = 0;
  for (const m of micro) local += tidy(() => completionMask(m.completionIds, s.stopTokenIds).sum().item());
  const global = s.sumOverRanks ? await s.sumOverRanks(local) : local;
  return dapoNormaliser(global, s.worldSize ?? 1, micro.length);
}

/**
 * Forward, loss and backward of one micro-batch (loss scaled by 1/count); returns its metrics and the raw loss.
 * `skipped` is set (and no backward runs) when the loss is not finite here or, in a multi-process run, on any rank.
 */
async function microStep(
  input: PolicyUpdateInput,
  total: Float64Array,
  s: PolicyUpdateSettings,
  count: number,
  tokenNormaliser: number | undefined,
): Promise<StepMetrics & { skipped?: number }> {
  return tidyAsync(async () => {
    const m: StepMetrics = {};
    for (const [n, r] of Object.entries(input.rewards)) m[`rewards/${n}`] = mean(r);
    m.reward = mean(total);
    const { advantages, rewardStd, fracRewardZeroStd } = groupAdvantages(tensor(Array.from(total), { device: s.device ?? 'cpu' }), s.numGenerations, s.scaleRewards);
    m.reward_std = rewardStd;
    m.frac_reward_zero_std = fracRewardZeroStd;
    const mask = completionMask(input.completionIds, s.stopTokenIds);
    m.completion_length = tidy(() => mask.sum(1).mean().item());

    let t0 = performance.now();
    const { logps, entropy } = await input.forward();
    m['time/logprob'] = (performance.now() - t0) / 1000;
    if (entropy) {
      m.generation_entropy = meanOfSequenceMeans(entropy, mask);
      m.entropy = tokenMean(entropy, mask);
    }
    const q = s.topEntropyQuantile ?? 1;
    let entropyMask: Tensor<'float32'> | null = null;
    if (q < 1) {
      if (!entropy) throw new RangeError('policyUpdate: top_entropy_quantile < 1 needs the forward to return per-token entropies');
      entropyMask = highEntropyMask(entropy, mask, q);
      m['entropy/trained_token_fraction'] = tidy(() => entropyMask!.sum().div(mask.sum()).item());
      m['entropy/trained_mean'] = tokenMean(entropy, entropyMask);
    }
    let refLogps: Tensor<'float32'> | null = null;
    if (s.beta !== 0) {
      if (!input.refForward) throw new RangeError('policyUpdate: beta != 0 needs refForward');
      t0 = performance.now();
      refLogps = await noGradAsync(() => input.refForward!());
      m['time/ref'] = (performance.now() - t0) / 1000;
    }
    const { loss, metrics } = policyLoss(
      { logps, oldLogps: input.oldLogps ?? null, refLogps, advantages, mask, entropyMask },
      {
        lossType: s.lossType,
        beta: s.beta,
        epsilonLow: s.epsilonLow,
        epsilonHigh: s.epsilonHigh,
        maxCompletionLength: s.maxCompletionLength,
        importanceSamplingLevel: s.importanceSamplingLevel ?? 'token',
        delta: s.delta ?? null,
        ...(tokenNormaliser !== undefined ? { tokenNormaliser } : {}),
      },
    );
    m.loss = loss.item();
    if (metrics.kl !== null) m.kl = metrics.kl;
    m['clip_ratio/low_mean'] = metrics.clipRatioLow;
    m['clip_ratio/high_mean'] = metrics.clipRatioHigh;
    m['clip_ratio/region_mean'] = metrics.clipRatioRegion;
    if (metrics.clipRatioDelta !== null) m['clip_ratio/delta_mean'] = metrics.clipRatioDelta;
    const bad = !Number.isFinite(m.loss);
    if (s.anyTrue ? await s.anyTrue(bad) : bad) return { ...m, skipped: 1 }; // the caller skips; no backward of a NaN
    t0 = performance.now();
    await (count > 1 ? loss.div(count) : loss).backward();
    m['time/backward'] = (performance.now() - t0) / 1000;
    return m;
  });
}

export async function policyUpdate(
  input: PolicyUpdateInput | readonly PolicyUpdateInput[],
  s: PolicyUpdateSettings,
  optimizer: UpdateOptimizer,
  lr: number,
): Promise<StepMetrics> {
  const micro = Array.isArray(input) ? (input as readonly PolicyUpdateInput[]) : [input as PolicyUpdateInput];
  if (!micro.length) throw new RangeError('policyUpdate: no micro-batches');
  const all: StepMetrics[] = [];
  const merged = (): StepMetrics => {
    // mean over micro-batches of each numeric metric; times are summed (wall time of the whole update)
    const out: StepMetrics = {};
    const keys = new Set(all.flatMap((m) => Object.keys(m)));
    for (const k of keys) {
      const vs = all.map((m) => m[k]).filter((v): v is number => typeof v === 'number');
      out[k] = k.startsWith('time/') ? vs.reduce((a, b) => a + b, 0) : mean(vs);
    }
    return out;
  };
  const skip = (r: SkipReason): StepMetrics => {
    optimizer.zeroGrad();
    return { ...merged(), skipped: 1, skip_reason: `${r.stage}: ${r.reason}` };
  };

  const tots = micro.map((m, k) => totals(m, micro.length > 1 ? k + 1 : 0));
  let badRewards: SkipReason | null = null;
  for (let k = 0; k < micro.length && !badRewards; k++) {
    const bad = checkRewards(micro[k]!.rewards, tots[k]);
    if (bad) {
      for (const [n, r] of Object.entries(micro[k]!.rewards)) all.push({ [`rewards/${n}`]: mean(r) });
      badRewards = micro.length > 1 ? { ...bad, reason: `${bad.reason} (micro-batch ${k + 1})` } : bad;
    }
  }
  if (s.anyTrue ? await s.anyTrue(badRewards !== null) : badRewards) return skip(badRewards ?? { stage: 'rewards', reason: 'a reward is not finite on another rank' });

  const tokenNormaliser = s.lossType === 'dapo' ? await globalTokenNormaliser(micro, s) : undefined;
  optimizer.zeroGrad();
  for (let k = 0; k < micro.length; k++) {
    const { skipped, ...m } = await microStep(micro[k]!, tots[k]!, s, micro.length, tokenNormaliser);
    all.push(m);
    if (skipped) return skip(checkLoss(m.loss as number) ?? { stage: 'loss', reason: 'the loss is not finite on another rank' });
  }
  const out = merged();
  const t0 = performance.now();
  const gradNorm = await optimizer.clipGradNorm(s.maxGradNorm);
  out.grad_norm = Number.isFinite(gradNorm) ? gradNorm : null;
  const badNorm = checkGradNorm(gradNorm);
  if (badNorm) {
    optimizer.zeroGrad();
    return { ...out, skipped: 1, skip_reason: `${badNorm.stage}: ${badNorm.reason}` };
  }
  await optimizer.step(lr);
  optimizer.zeroGrad();
  out['time/update'] = (performance.now() - t0) / 1000;
  out.learning_rate = lr;
  out.skipped = 0;
  return out;
}
