/** A reward with spread on an untrained model's completions (their length), so every GRPO step moves the weights. */
import type { RewardFunction } from '../../../lib/rewards/types.js';

export const CHARS_REWARD: RewardFunction = { name: 'test_chars', score: (cs) => cs.map((c) => c.length / 10) };
