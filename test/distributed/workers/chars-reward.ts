/** Rewards the multi-process trainer tests register in this process and in every worker. */
import type { RewardFunction } from '../../../lib/rewards/types.js';

/** Spread on an untrained model's completions (their length), so every GRPO step moves the weights. */
export const CHARS_REWARD: RewardFunction = { name: 'test_chars', score: (cs) => cs.map((c) => c.length / 10) };

/** Constant on refusable prompts (their groups have zero reward std, so dynamic sampling drops them), else by length. */
export const ZERO_STD_ON_REFUSABLE: RewardFunction = {
  name: 'test_zero_std_refusable',
  score: (cs, ex) => cs.map((c) => (ex.task_type === 'refusable' ? 0.5 : c.length / 10)),
};
