/**
 * DAPO's dynamic sampling (Yu et al. 2025; verl's filter_groups): a group whose G rewards are all equal has zero
 * advantages under every scale_rewards, so it adds no policy gradient (only KL), only cost. Such groups are dropped
 * and replaced by groups of fresh prompts, generated in further rounds, so the optimizer step trains on the
 * configured number of informative groups whenever max_rounds allows.
 *
 * `dynamic_sampling.reward` names one reward function to judge by instead of the total (verl's filter_groups.metric):
 * e.g. refuse_iou, whose groups often agree on refusing while a continuous reward (explain_correction's SBERT
 * similarity) still differs a little in every completion, so the total is never exactly constant. Groups dropped
 * that way may still carry advantages from the other rewards; that is the trade the option makes.
 *
 * Per step, on every rank (target = this rank's prompts per step, W ranks):
 *   round 1: the step's own prompts; keep the informative groups (in draw order)
 *   while rounds < max_rounds and the largest shortfall over ranks S = max_r(target - kept_r) > 0:
 *     draw W·S more prompts from the data cursor (its draws and the sampling RNG's seeds are checkpointed, so a resume
 *     repeats them), this rank generating its contiguous share of S, and keep the informative ones
 *   every rank keeps its first `target` informative groups; a rank still short fills up with its earliest dropped
 *   groups (zero advantages, so they add only the KL term).
 * Every rank makes the same generate calls and ends with exactly `target` groups: with a sharded model generation and
 * the update are collectives. Surplus informative groups (a rank with a smaller shortfall than the largest) are
 * discarded. Alone (W = 1) a round draws exactly the shortfall.
 */

/** What dynamic sampling needs from a scored group: its G total rewards. */
export interface ScoredGroup {
  total: readonly number[];
}

/** True when all rewards of the group are equal: every advantage is 0 (the std is exactly 0). */
export function isZeroStdGroup(total: readonly number[]): boolean {
  return total.every((r) => r === total[0]);
}

/** Decides which groups dynamic sampling drops: zero std of the total, or of one named reward. */
export function uninformativeBy(reward: string | null): (g: ScoredGroup & { perReward: Readonly<Record<string, readonly number[]>> }) => boolean {
  if (reward === null) return (g) => isZeroStdGroup(g.total);
  return (g) => {
    const r = g.perReward[reward];
    if (!r) throw new RangeError(`dynamic_sampling.reward "${reward}" is not among the step's rewards (${Object.keys(g.perReward).join(', ')})`);
    return isZeroStdGroup(r);
  };
}

export interface DynamicSamplingOptions<G extends ScoredGroup> {
  /** Groups this rank trains on per step. */
  target: number;
  maxRounds: number;
  /** Ranks (each generates its share of every round). */
  world: number;
  /** Largest value over ranks (one all-reduce); identity in a single process. */
  maxOverRanks: (x: number) => Promise<number>;
  /**
   * Round 2, 3, …: draw `globalPrompts` new prompts (all ranks'), generate and score this rank's share. null = the
   * step must be skipped (agreed by all ranks, as for round 1).
   */
  round: (globalPrompts: number) => Promise<G[] | null>;
  /** Which groups to drop; default: zero std of the total (exactly the groups with all-zero advantages). */
  uninformative?: (g: G) => boolean;
}

export interface DynamicSamplingResult<G> {
  /** The groups to train on: `target` of them, informative first, in draw order. */
  groups: G[];
  /** Every group sampled this step, in draw order (what frac_reward_zero_std describes). */
  sampled: G[];
  /** Generation rounds used (1 = no refill). */
  rounds: number;
  /** Dropped-kind groups used to fill up after max_rounds. */
  filled: number;
  /** Fraction of the sampled groups the filter judged uninformative (= frac_reward_zero_std when it judges the total). */
  fracUninformative: number;
  /** Prompts drawn beyond the step's own, over all ranks. */
  extraPrompts: number;
}

/** Runs the refill rounds after the first; `first` is round 1's groups on this rank. null = skip the step. */
export async function sampleInformativeGroups<G extends ScoredGroup>(first: G[], o: DynamicSamplingOptions<G>): Promise<DynamicSamplingResult<G> | null> {
  if (!Number.isInteger(o.target) || o.target < 1) throw new RangeError(`dynamic sampling: target must be a positive integer, got ${o.target}`);
  if (!Number.isInteger(o.maxRounds) || o.maxRounds < 1) throw new RangeError(`dynamic sampling: max_rounds must be a positive integer, got ${o.maxRounds}`);
  const drop = o.uninformative ?? ((g: G) => isZeroStdGroup(g.total));
  const sampled = [...first];
  const informative = first.filter((g) => !drop(g));
  let rounds = 1;
  let extraPrompts = 0;
  while (rounds < o.maxRounds) {
    const shortfall = await o.maxOverRanks(Math.max(0, o.target - informative.length));
    if (shortfall <= 0) break;
    const more = await o.round(shortfall * o.world);
    if (!more) return null;
    rounds++;
    extraPrompts += shortfall * o.world;
    sampled.push(...more);
    informative.push(...more.filter((g) => !drop(g)));
  }
  const groups = informative.slice(0, o.target);
  const filled = o.target - groups.length;
  if (filled > 0) groups.push(...sampled.filter((g) => drop(g)).slice(0, filled));
  return { groups, sampled, rounds, filled, extraPrompts, fracUninformative: sampled.filter((g) => drop(g)).length / sampled.length };
}

/**
 * The reward metrics of everything sampled (before filtering), so they compare with a run without dynamic sampling:
 * reward, rewards/<fn>, reward_std (mean unbiased group std) and frac_reward_zero_std.
 */
export function sampledRewardMetrics(groups: readonly (ScoredGroup & { perReward: Readonly<Record<string, readonly number[]>> })[]): Record<string, number> {
  const out: Record<string, number> = {};
  const all = groups.flatMap((g) => [...g.total]);
  out.reward = mean(all);
  for (const name of Object.keys(groups[0]?.perReward ?? {})) out[`rewards/${name}`] = mean(groups.flatMap((g) => [...g.perReward[name]!]));
  out.reward_std = mean(groups.map((g) => unbiasedStd(g.total)));
  out.frac_reward_zero_std = groups.filter((g) => isZeroStdGroup(g.total)).length / groups.length;
  return out;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function unbiasedStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
