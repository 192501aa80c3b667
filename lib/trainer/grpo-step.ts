/**
 * One GRPO optimizer step over the step's prompts (rarft-reference §4.2–4.3):
 *   per prompt: video tensors -> prompt ids -> G sampled completions (KV-cache generate, seeded from the sampling
 *   RNG) -> decode (special tokens skipped)
 *   all prompts: rewards, scored concurrently so the SBERT pairs of the whole step go out as one batch
 *   -> policyUpdate with one micro-batch per prompt (each prompt's token-mean loss, averaged over prompts: what the
 *   reference's 8 ranks x 1 prompt gives after DeepSpeed's gradient averaging), policy and reference log-probs with
 *   the rollout's video timing unless `logprob_second_per_grid_ts` asks for the reference's 1.0 (§7.11).
 * A reward that fails or is not finite, or a prompt over max_prompt_length, skips the whole step with the reason in
 * the metrics; weights and optimizer state are untouched.
 */
import type { ResolvedExample } from '../data/examples.js';
import type { QwenVL } from '../qwen/qwen.js';
import { exampleToRewardFields } from '../data/examples.js';
import { RewardError, scoreCompletions } from '../rewards/registry.js';
import { fromTypedArray, noGradAsync, randint, tidyAsync, type Tensor } from '../tensor/index.js';
import { type PolicyUpdateInput, type StepMetrics, policyUpdate } from '../grpo/policy-update.js';
import { checkPromptLength } from '../grpo/step-guard.js';
import type { CursorTake } from './data-cursor.js';
import { rankShare } from './dist-context.js';
import { sampleInformativeGroups, sampledRewardMetrics, uninformativeBy } from './dynamic-sampling.js';
import { repeatedInputs } from './policy-inputs.js';
import type { PreparedPrompt, StepContext } from './step-context.js';
import { prepareOrSkip } from './unreadable-videos.js';

/** What the completions file records per prompt. */
export interface RolloutSample {
  task_type: string;
  problem: string;
  video: string;
  completions: string[];
  rewards: Record<string, readonly number[]>;
  total: readonly number[];
  /** Dynamic sampling only: whether the group was trained on (false: dropped, its rewards all equal). */
  trained?: boolean;
}

export interface GrpoStepResult {
  metrics: StepMetrics;
  samples: RolloutSample[];
}

interface Rollout {
  prompt: PreparedPrompt;
  tokens: Tensor<'int64'>;
  lengths: number[];
  texts: string[];
}

const now = () => performance.now() / 1000;

/** Video tensors + prompt ids for one example; a string says why the step must be skipped. */
async function prepare(ctx: StepContext, ex: ResolvedExample, t: Record<string, number>): Promise<PreparedPrompt | string> {
  const t0 = now();
  const prompt = await prepareOrSkip(ctx, ex, ctx.cfg.num_generations);
  t.video! += now() - t0;
  if (typeof prompt === 'string') return prompt;
  const tooLong = checkPromptLength(prompt.promptTokens, ctx.cfg.max_prompt_length);
  return tooLong ? `${tooLong.stage}: ${tooLong.reason}` : prompt;
}

/** G sampled completions of one prompt, decoded. `seed` comes from the checkpointed sampling RNG. */
async function rollout(ctx: StepContext, prompt: PreparedPrompt, seed: number, t: Record<string, number>): Promise<Rollout> {
  const c = ctx.cfg;
  const t0 = now();
  const settings = { maxNewTokens: c.max_completion_length, temperature: c.temperature, topK: c.top_k, topP: c.top_p, seed, stopIds: c.stop_token_ids, padId: ctx.padId, repetitionPenalty: c.repetition_penalty };
  // Prefix sharing: one prefill of the prompt (and one vision-tower pass), its KV cache forked G ways. An addon built
  // before the model offered it returns one row: then (and for the rest of the run) fall back to G identical rows.
  let g = ctx.prefixSharing !== false ? await ctx.model.generate(repeatedInputs({ ...prompt.rows, rows: 1 }, { withSpg: true }), { ...settings, numReturnSequences: c.num_generations }) : null;
  if (g && g.tokens.size(0) !== c.num_generations) g = null;
  ctx.prefixSharing = g !== null;
  g ??= await ctx.model.generate(repeatedInputs(prompt.rows, { withSpg: true }), settings);
  t.generate! += now() - t0;
  const lengths = Array.from(g.lengths.toArray() as BigInt64Array, Number);
  const flat = Array.from(g.tokens.toArray() as BigInt64Array, Number);
  const N = g.tokens.size(1);
  const cut = cutAtVisionTokens(flat, lengths, N, visionIds(ctx), ctx.padId);
  t.vision_token_cuts! += cut;
  const tokens = cut ? fromTypedArray(BigInt64Array.from(flat, (x) => BigInt(x)), [lengths.length, N], 'int64', ctx.device) : g.tokens;
  const texts = lengths.map((len, i) => (len ? ctx.tokenizer.decode(flat.slice(i * N, i * N + len), { skipSpecialTokens: true }) : ''));
  return { prompt, tokens, lengths, texts };
}

const visionIds = (ctx: StepContext) => {
  const m = ctx.model.config;
  return new Set([m.visionStartTokenId, m.visionEndTokenId, m.imageTokenId, m.videoTokenId]);
};

/**
 * A sampled vision placeholder (<|image_pad|>, <|video_pad|>, <|vision_start|>…) cannot be fed back: the log-prob
 * forward would look for image/video features for it (HF fails the same way). Only an untrained policy samples one.
 * Such a row is ended at that position with `padId` (a stop token), in place; returns how many rows were cut.
 */
export function cutAtVisionTokens(flat: number[], lengths: number[], N: number, vision: ReadonlySet<number>, padId: number): number {
  let cut = 0;
  for (let i = 0; i < lengths.length; i++) {
    for (let j = 0; j < lengths[i]!; j++) {
      if (!vision.has(flat[i * N + j]!)) continue;
      for (let k = j; k < N; k++) flat[i * N + k] = padId;
      lengths[i] = j + 1;
      cut++;
      break;
    }
  }
  return cut;
}

/** A prompt's completions with their scores: what a policy update consumes (and num_iterations > 1 replays). */
export interface ScoredRollout extends Rollout {
  example: ResolvedExample;
  /** The data cursor's draw that picked `example` (null for a batch restored from an old-format buffer). */
  pick: CursorTake | null;
  perReward: Record<string, number[]>;
  total: number[];
  /** num_iterations > 1: log-probs under the policy that sampled (old) and the reference, both [G, T]. */
  oldLogps: Tensor<'float32'> | null;
  refLogps: Tensor<'float32'> | null;
}

export interface RolloutBatch {
  rollouts: ScoredRollout[];
  /** Every group sampled (with dynamic sampling: the dropped ones too, `trained: false`). */
  samples: RolloutSample[];
  /**
   * Dynamic sampling: the reward metrics of every sampled group (before filtering; they replace the update's, which
   * see only the kept groups) and the dynamic_sampling/* counts. null without it.
   */
  sampling: StepMetrics | null;
  /** Seconds spent collecting (video, generate, reward, old/ref log-probs) and rows cut at vision tokens. */
  times: Record<string, number>;
  /** Whether generation forked one prefill per prompt (prefix sharing) for this batch. */
  prefixShared: boolean;
}

const sameTiming = (ctx: StepContext) => ctx.cfg.logprob_second_per_grid_ts === 'same_as_rollout';

/**
 * Per-token log-probs of a rollout's G completions under `model`: by default with the prompt computed once for the
 * group (QwenVL.groupLogprobs, same values and gradients), or as G full rows (`logprob_shared_prompt: false`).
 */
async function rolloutLogprobs(ctx: StepContext, model: QwenVL, r: Rollout, entropy: boolean): Promise<{ logprobs: Tensor<'float32'>; entropy?: Tensor<'float32'> }> {
  const withSpg = sameTiming(ctx);
  if (ctx.cfg.logprob_shared_prompt) return model.groupLogprobs(repeatedInputs({ ...r.prompt.rows, rows: 1 }, { withSpg }), r.tokens, { entropy });
  return model.logprobs(repeatedInputs(r.prompt.rows, { completion: r.tokens, withSpg }), r.tokens, { entropy });
}

/** A step's prompts as the data cursor drew them (all ranks'), resolved; `picks[i]` drew `examples[i]`. */
export interface PromptDraw {
  picks: readonly CursorTake[];
  examples: readonly ResolvedExample[];
}

/** The step's prompts, and (dynamic sampling) where more come from: the next `n` draws of the data cursor. */
export interface PromptSource {
  first: PromptDraw;
  more?: (n: number) => PromptDraw;
}

/**
 * One generation round: this rank's share of `draw` -> prompts -> G completions each -> rewards. Every rank draws the
 * seeds of ALL the draw's prompts, so N ranks sample exactly what one process would. A skip (prompt too long, a reward
 * failing) is agreed by all ranks, since generation is a collective for a sharded model.
 */
async function generateRound(ctx: StepContext, draw: PromptDraw, t: Record<string, number>): Promise<{ ok: true; rollouts: ScoredRollout[] } | { ok: false; metrics: StepMetrics }> {
  const c = ctx.cfg;
  // one 31-bit seed per prompt from the checkpointed generator: same step, same state -> same completions
  const allSeeds = draw.examples.map(() => Number(randint(0, 2 ** 31 - 1, [1], { generator: ctx.sampling }).item()));
  const examples = rankShare(draw.examples, ctx.dist);
  const picks = rankShare(draw.picks, ctx.dist);
  const seeds = rankShare(allSeeds, ctx.dist);
  const prompts: PreparedPrompt[] = [];
  let skipReason: string | null = null;
  for (const ex of examples) {
    const p = await prepare(ctx, ex, t);
    if (typeof p === 'string') {
      skipReason = p;
      break;
    }
    prompts.push(p);
  }
  // generation is a collective for a sharded model: every rank generates, or none does
  if (ctx.dist ? await ctx.dist.anyTrue(skipReason !== null) : skipReason)
    return { ok: false, metrics: { skipped: 1, skip_reason: skipReason ?? 'another rank skipped (a prompt too long or a video unreadable)', ...timeMetrics(t) } };
  const rolls: Rollout[] = [];
  for (let k = 0; k < prompts.length; k++) rolls.push(await rollout(ctx, prompts[k]!, seeds[k]!, t));
  const t0 = now();
  const weights = c.reward_weights ?? undefined;
  let scored;
  try {
    scored = await Promise.all(
      rolls.map((r, k) => scoreCompletions(c.reward_funcs, weights, r.texts, exampleToRewardFields(examples[k]!), ctx.encoder ? { encoder: ctx.encoder } : {})),
    );
  } catch (e) {
    // a NaN/throwing reward must not reach the advantages: skip the step, say which reward and why
    if (!(e instanceof RewardError)) throw e;
    if (ctx.dist) await ctx.dist.anyTrue(true);
    return { ok: false, metrics: { skipped: 1, skip_reason: `rewards: ${e.message}`, ...timeMetrics(t) } };
  }
  if (ctx.dist && (await ctx.dist.anyTrue(false))) return { ok: false, metrics: { skipped: 1, skip_reason: 'rewards: a reward failed on another rank', ...timeMetrics(t) } };
  t.reward! += now() - t0;
  const rollouts = rolls.map((r, k): ScoredRollout => {
    const perReward = Object.fromEntries(Object.entries(scored[k]!.perReward).map(([n, v]) => [n, [...v]]));
    return { ...r, example: examples[k]!, pick: picks[k] ?? null, perReward, total: [...scored[k]!.total], oldLogps: null, refLogps: null };
  });
  return { ok: true, rollouts };
}

const toSample = (r: ScoredRollout, trained?: boolean): RolloutSample => ({
  task_type: r.example.taskType,
  problem: r.example.problem,
  video: r.example.videoPath,
  completions: r.texts,
  rewards: r.perReward,
  total: r.total,
  ...(trained !== undefined ? { trained } : {}),
});

/**
 * Generation and scoring of one step's prompts (`source.first`, all ranks'; this rank takes its contiguous share).
 * With dynamic sampling, groups whose rewards all agree are replaced by fresh prompts from `source.more` in further
 * rounds (dynamic-sampling.ts). With `replay` (num_iterations > 1) the old-policy and reference log-probs of the kept
 * groups are computed now, once, for all the iterations that reuse the batch (as TRL does). Returns metrics with
 * `skipped: 1` when the step must be skipped (agreed by all ranks). Tensors are created in the caller's scope.
 */
export type Collected = { ok: true; batch: RolloutBatch } | { ok: false; metrics: StepMetrics };

export async function collectRollouts(ctx: StepContext, source: PromptSource, { replay = false } = {}): Promise<Collected> {
  const c = ctx.cfg;
  const t: Record<string, number> = { video: 0, generate: 0, reward: 0, vision_token_cuts: 0 };
  const first = await generateRound(ctx, source.first, t);
  if (!first.ok) return first;
  let rollouts = first.rollouts;
  let samples: RolloutSample[];
  let sampling: RolloutBatch['sampling'] = null;
  if (c.dynamic_sampling.enabled) {
    const more = source.more;
    if (!more) throw new RangeError('collectRollouts: dynamic_sampling needs a prompt source that can draw more prompts');
    let skipped: StepMetrics | null = null;
    const ds = await sampleInformativeGroups(rollouts, {
      target: rollouts.length,
      maxRounds: c.dynamic_sampling.max_rounds,
      world: ctx.dist?.world ?? 1,
      maxOverRanks: ctx.dist ? ctx.dist.max : async (x) => x,
      uninformative: uninformativeBy(c.dynamic_sampling.reward),
      round: async (n) => {
        const r = await generateRound(ctx, more(n), t);
        if (r.ok) return r.rollouts;
        skipped = r.metrics;
        return null;
      },
    });
    if (!ds) return { ok: false, metrics: skipped! };
    const kept = new Set(ds.groups);
    rollouts = ds.groups;
    samples = ds.sampled.map((r) => toSample(r, kept.has(r)));
    sampling = {
      ...sampledRewardMetrics(ds.sampled),
      'dynamic_sampling/rounds': ds.rounds,
      'dynamic_sampling/extra_prompts': ds.extraPrompts,
      'dynamic_sampling/filled': ds.filled,
      'dynamic_sampling/frac_dropped': ds.fracUninformative,
    };
  } else samples = rollouts.map((r) => toSample(r));

  if (replay) {
    for (const r of rollouts) {
      let t1 = now();
      r.oldLogps = await noGradAsync(async () => (await rolloutLogprobs(ctx, ctx.model, r, false)).logprobs);
      t.old_logprob = (t.old_logprob ?? 0) + now() - t1;
      if (ctx.ref && c.beta !== 0) {
        t1 = now();
        r.refLogps = await noGradAsync(async () => (await rolloutLogprobs(ctx, ctx.ref!, r, false)).logprobs);
        t.ref = (t.ref ?? 0) + now() - t1;
      }
    }
  }
  return { ok: true, batch: { rollouts, samples, times: t, prefixShared: ctx.prefixSharing === true, sampling } };
}

/** One optimizer update from a collected batch (each prompt one micro-batch), and the step's rollout metrics. */
export async function updateFromRollouts(ctx: StepContext, batch: RolloutBatch, lr: number): Promise<StepMetrics> {
  const c = ctx.cfg;
  const rolls = batch.rollouts;
  const micro: PolicyUpdateInput[] = rolls.map((r) => ({
    rewards: r.perReward,
    completionIds: r.tokens,
    oldLogps: r.oldLogps,
    forward: async () => {
      const out = await rolloutLogprobs(ctx, ctx.model, r, true);
      return { logps: out.logprobs, ...(out.entropy ? { entropy: out.entropy } : {}) };
    },
    ...(r.refLogps
      ? { refForward: async () => r.refLogps! }
      : ctx.ref
        ? { refForward: async () => (await rolloutLogprobs(ctx, ctx.ref!, r, false)).logprobs }
        : {}),
  }));
  const t0 = now();
  const m = await policyUpdate(
    micro,
    {
      numGenerations: c.num_generations,
      scaleRewards: c.scale_rewards,
      lossType: c.loss_type,
      beta: c.beta,
      epsilonLow: c.epsilon_low,
      epsilonHigh: c.epsilon_high,
      maxCompletionLength: c.max_completion_length,
      stopTokenIds: c.stop_token_ids,
      maxGradNorm: c.max_grad_norm,
      importanceSamplingLevel: c.importance_sampling_level,
      delta: c.delta,
      topEntropyQuantile: c.top_entropy_quantile,
      device: ctx.device,
      ...(ctx.dist ? { anyTrue: ctx.dist.anyTrue, sumOverRanks: ctx.dist.sum, worldSize: ctx.dist.world } : {}),
    },
    ctx.optimizer,
    lr,
  );
  const allLens = rolls.flatMap((r) => r.lengths);
  const clipped = rolls.flatMap((r) => r.lengths.map((len, i) => (len === r.tokens.size(1) && !endsWithStop(r, i, c.stop_token_ids) ? 1 : 0)));
  // with dynamic sampling the update saw only the kept groups: the reward metrics describe everything sampled
  // (comparable with a run without it), the kept groups' mean reward is logged on its own
  const sampled = batch.sampling ? { 'dynamic_sampling/reward_trained': m.reward ?? null, ...batch.sampling } : {};
  return {
    ...m,
    ...sampled,
    'time/policy_update': now() - t0,
    'completions/mean_length': allLens.reduce((a, b) => a + b, 0) / allLens.length,
    'completions/clipped_ratio': clipped.reduce((a: number, b) => a + b, 0) / clipped.length,
    prompt_tokens: rolls.reduce((a, r) => a + r.prompt.promptTokens, 0) / rolls.length,
    'rollout/prefix_shared': batch.prefixShared ? 1 : 0,
  };
}

/** One on-policy GRPO step (num_iterations = 1): collect, then update; every tensor is freed at the end. */
export async function grpoStep(ctx: StepContext, source: PromptSource, lr: number): Promise<GrpoStepResult> {
  return tidyAsync(async () => {
    const r = await collectRollouts(ctx, source);
    if (!r.ok) return { metrics: r.metrics, samples: [] };
    const m = await updateFromRollouts(ctx, r.batch, lr);
    return { metrics: { ...m, ...timeMetrics(r.batch.times) }, samples: r.batch.samples };
  });
}

/** Whether row i's last generated token is a stop token (a row cut by max_completion_length is not). */
function endsWithStop(r: Rollout, i: number, stops: readonly number[]): boolean {
  const len = r.lengths[i]!;
  if (!len) return false;
  const last = Number((r.tokens.select(0, i).select(0, len - 1)).item());
  return stops.includes(last);
}

export function timeMetrics(t: Record<string, number>): StepMetrics {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k === 'vision_token_cuts' ? 'completions/vision_token_cuts' : `time/${k}`, v]));
}
