/**
 * Decides whether a step must be skipped rather than applied. A NaN reward (a reward function that failed, or an
 * SBERT encode of an empty string) or a non-finite loss/grad norm would write NaN into every weight through Adam;
 * skipping the update and logging why keeps the run alive and the cause visible.
 */
export interface SkipReason {
  stage: 'prompt' | 'rewards' | 'loss' | 'grad_norm';
  reason: string;
}

/** `perReward`: each reward function's scores; `total`: the summed reward per completion. */
export function checkRewards(perReward: Readonly<Record<string, ArrayLike<number>>>, total?: ArrayLike<number>): SkipReason | null {
  for (const [name, values] of Object.entries(perReward)) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]))
        return { stage: 'rewards', reason: `reward "${name}" is ${values[i]} for completion ${i}` };
    }
  }
  if (total) {
    for (let i = 0; i < total.length; i++)
      if (!Number.isFinite(total[i])) return { stage: 'rewards', reason: `total reward is ${total[i]} for completion ${i}` };
  }
  return null;
}

export function checkLoss(loss: number): SkipReason | null {
  return Number.isFinite(loss) ? null : { stage: 'loss', reason: `loss is ${loss}` };
}

export function checkGradNorm(norm: number): SkipReason | null {
  return Number.isFinite(norm) ? null : { stage: 'grad_norm', reason: `gradient norm is ${norm} (gradients were left unscaled and the step not applied)` };
}

/**
 * max_prompt_length is enforced before generation: a prompt (text + video tokens) longer than the limit is skipped
 * with this reason. Truncating instead would cut video tokens out of the middle of the vision block and desync
 * M-RoPE positions, so skipping (and logging) is the only safe policy; lower video.total_pixels to fit.
 */
export function checkPromptLength(promptTokens: number, maxPromptLength: number): SkipReason | null {
  return promptTokens <= maxPromptLength
    ? null
    : { stage: 'prompt', reason: `prompt has ${promptTokens} tokens > max_prompt_length ${maxPromptLength}; lower video.total_pixels or raise max_prompt_length` };
}
