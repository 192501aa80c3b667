/**
 * Prefill and decode tokens/s through `generate` (greedy, no stop ids, so every row runs the full length).
 * Prefill = a generate call with maxNewTokens 1 (prompt forward + one last-position LM head, what a rollout pays);
 * decode = (B·(N−1) tokens) / (t(N new) − t(1 new)) on the same prompt, i.e. the KV-cache steps alone.
 */
import type { QwenInputs, QwenVL } from '../../lib/qwen/qwen.js';
import type { BenchRecord } from '../write-results.js';
import { ctx, timeCalls } from './timing.js';

function fullLength(n: number) {
  return (g: { tokens: { shape: readonly number[] } }): void => {
    if (g.tokens.shape[1] !== n) throw new Error(`generate stopped early: ${g.tokens.shape[1]} of ${n} tokens`);
  };
}

export async function prefill(model: QwenVL, label: string, p: QwenInputs, reps: number, extra = ''): Promise<BenchRecord[]> {
  const [B, L] = p.inputIds.shape as [number, number];
  const t = await timeCalls(() => model.generate(p, { maxNewTokens: 1 }), reps, 1, fullLength(1));
  return [{ name: `${label} prefill B=${B} L=${L}${extra}`, value: (B * L) / t.mean, unit: 'tokens/s', note: `${(t.mean * 1000).toFixed(1)} ms/call; ${ctx(t)}` }];
}

export async function decode(model: QwenVL, label: string, p: QwenInputs, newTokens: number, reps: number): Promise<BenchRecord[]> {
  const [B, L] = p.inputIds.shape as [number, number];
  const one = await timeCalls(() => model.generate(p, { maxNewTokens: 1 }), reps, 1, fullLength(1));
  const many = await timeCalls(() => model.generate(p, { maxNewTokens: newTokens }), reps, 0, fullLength(newTokens));
  const steps = many.mean - one.mean;
  if (!(steps > 0)) throw new Error(`${label} decode: t(${newTokens} new) ${many.mean} s ≤ t(1 new) ${one.mean} s (timing noise swamps decode)`);
  return [{
    name: `${label} decode B=${B} prompt ${L}, ${newTokens} new`,
    value: (B * (newTokens - 1)) / steps,
    unit: 'tokens/s',
    note: `${((steps / (newTokens - 1)) * 1000).toFixed(2)} ms/step for ${B} rows; t(1 new) ${one.mean.toFixed(3)} s, t(${newTokens} new) ${many.mean.toFixed(3)} s; ${ctx(many)}`,
  }];
}
