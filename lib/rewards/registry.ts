/**
 * Rewards by name (the reference's `--reward_funcs` registry) and the weighted sum the trainer optimises (§4.3).
 *
 * Built-ins: `format`, `refuse_iou`, `explain_correction` (the reference set, its default) and the variants
 * `refuse_iou_clamped`, `refuse_iou_plain`, `explain_correction_nil_token`, `explain_correction_paper`.
 * Users add their own with `registerReward` (see docs/rewards.md).
 */
import { explainCorrection, explainCorrectionNilToken, explainCorrectionPaper } from './explain-correction.js';
import { formatReward } from './format.js';
import { refuseIou, refuseIouClamped, refuseIouPlain } from './refuse-iou.js';
import type { RewardContext, RewardExample, RewardFunction } from './types.js';

/** The reference trainer's default `--reward_funcs`. */
export const REFERENCE_REWARDS: readonly string[] = ['format', 'refuse_iou', 'explain_correction'];

const BUILT_IN: readonly RewardFunction[] = [
  formatReward,
  refuseIou,
  refuseIouClamped,
  refuseIouPlain,
  explainCorrection,
  explainCorrectionNilToken,
  explainCorrectionPaper,
];

const registry = new Map<string, RewardFunction>(BUILT_IN.map((reward) => [reward.name, reward]));

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Adds a custom reward under `reward.name`. Names are unique: registering a taken name throws rather than silently
 * replacing a built-in (unregister it first to override on purpose).
 */
export function registerReward(reward: RewardFunction): void {
  if (!reward || typeof reward.score !== 'function') throw new TypeError('registerReward: expected { name, score(...) }');
  if (!NAME.test(reward.name)) throw new TypeError(`registerReward: invalid reward name ${JSON.stringify(reward.name)}`);
  if (registry.has(reward.name)) throw new Error(`registerReward: a reward named "${reward.name}" is already registered`);
  registry.set(reward.name, reward);
}

/** Removes a reward (built-in or custom); returns whether it existed. */
export function unregisterReward(name: string): boolean {
  return registry.delete(name);
}

export function getReward(name: string): RewardFunction {
  const reward = registry.get(name);
  if (!reward) throw new Error(`unknown reward "${name}"; registered: ${rewardNames().join(', ')}`);
  return reward;
}

export function rewardNames(): string[] {
  return [...registry.keys()];
}

/** Per-reward scores (by name, in the requested order) and the weighted total per completion. */
export interface ScoredCompletions {
  readonly perReward: Readonly<Record<string, readonly number[]>>;
  readonly total: readonly number[];
}

export interface ScoreOptions {
  /**
   * 'float64' (default): plain JS numbers. 'float32': what the reference trainer does — each reward list is stored
   * in a float32 tensor and the row is summed in float32, left to right (torch's order for a few columns, checked
   * against torch in test/rewards/registry.test.ts). Use it for bit-parity of the advantages with the reference.
   */
  precision?: 'float64' | 'float32';
}

/**
 * Scores the completions of one example with each named reward and sums them: total_i = Σ_k w_k · r_k,i.
 * Weights default to 1 (the reference's unweighted sum). A reward that throws, returns the wrong count or a
 * non-finite number fails the call with an error naming the reward: a NaN must never reach the advantages.
 */
export async function scoreCompletions(
  names: readonly string[],
  weights: readonly number[] | undefined,
  completions: readonly string[],
  example: RewardExample,
  ctx: RewardContext = {},
  options: ScoreOptions = {},
): Promise<ScoredCompletions> {
  if (weights && weights.length !== names.length) {
    throw new Error(`${weights.length} reward weights for ${names.length} rewards (${names.join(', ')})`);
  }
  if (new Set(names).size !== names.length) throw new Error(`a reward is listed twice: ${names.join(', ')}`);
  const rewards = names.map(getReward);
  for (const [k, reward] of rewards.entries()) {
    const weight = weights?.[k] ?? 1;
    if (!Number.isFinite(weight)) throw new Error(`reward "${reward.name}": weight ${weight} is not a finite number`);
    if (reward.needsEncoder && !ctx.encoder) {
      throw new Error(`reward "${reward.name}" needs a sentence encoder (SBERT weights), but none was provided`);
    }
  }

  const round = options.precision === 'float32' ? Math.fround : (x: number) => x;
  const perReward: Record<string, readonly number[]> = {};
  const total = new Array<number>(completions.length).fill(0);
  for (const [k, reward] of rewards.entries()) {
    const scores = (await runReward(reward, completions, example, ctx)).map(round);
    perReward[reward.name] = scores;
    const weight = weights?.[k] ?? 1;
    for (let i = 0; i < completions.length; i++) total[i] = round(total[i]! + round(weight * scores[i]!));
  }
  return { perReward, total };
}

async function runReward(
  reward: RewardFunction,
  completions: readonly string[],
  example: RewardExample,
  ctx: RewardContext,
): Promise<number[]> {
  let scores: unknown;
  try {
    scores = await reward.score(completions, example, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RewardError(reward.name, `threw: ${message}`, { cause: error });
  }
  if (!Array.isArray(scores) || scores.length !== completions.length) {
    const got = Array.isArray(scores) ? `${scores.length} scores` : typeof scores;
    throw new RewardError(reward.name, `returned ${got} for ${completions.length} completions`);
  }
  const bad = scores.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad >= 0) throw new RewardError(reward.name, `returned ${String(scores[bad])} for completion ${bad}`);
  return scores as number[];
}

/** A reward that failed or produced an unusable value; `reward` names it. */
export class RewardError extends Error {
  override name = 'RewardError';
  constructor(
    readonly reward: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`reward "${reward}" ${message}`, options);
  }
}
