/**
 * GRPO rollout cost for G completions of one prompt: (a) one generate with numReturnSequences G (vision + prefill once,
 * KV cache forked), (b) G sequential single-sequence generate calls, (c) one batched call of the prompt repeated G
 * times (vision + prefill G times, decode batched). Sampling (temperature 1, seed 1 in every call), no stop ids.
 */
import type { QwenInputs, QwenVL } from '../../lib/qwen/qwen.js';
import type { BenchRecord } from '../write-results.js';
import { repeatPrompt } from './inputs.js';
import { ctx, timeCalls } from './timing.js';

export async function rollout(model: QwenVL, label: string, p: QwenInputs, G: number, newTokens: number, reps: number, withBatched: boolean): Promise<BenchRecord[]> {
  const opts = { maxNewTokens: newTokens, temperature: 1, seed: 1 };
  const rows = (n: number) => (g: { tokens: { shape: readonly number[] } }): void => {
    if (g.tokens.shape[0] !== n || g.tokens.shape[1] !== newTokens) throw new Error(`${label}: got tokens [${g.tokens.shape.join(', ')}], expected [${n}, ${newTokens}]`);
  };
  const L = p.inputIds.shape[1]!;
  const what = `G=${G}, prompt ${L} tokens, ${newTokens} new`;
  const shared = await timeCalls(() => model.generate(p, { ...opts, numReturnSequences: G }), reps, 1, rows(G));
  const separate = await timeCalls(async () => {
    for (let g = 0; g < G - 1; g++) rows(1)(await model.generate(p, opts));
    return model.generate(p, opts);
  }, reps, 0, rows(1));
  const out: BenchRecord[] = [
    { name: `${label} rollout ${what}: numReturnSequences (prefix sharing)`, value: shared.mean, unit: 's', note: ctx(shared) },
    { name: `${label} rollout ${what}: ${G} sequential calls`, value: separate.mean, unit: 's', note: ctx(separate) },
    { name: `${label} rollout speed-up, prefix sharing vs ${G} sequential calls`, value: separate.mean / shared.mean, unit: 'x', note: `target ≥ 3x; ${ctx()}` },
  ];
  if (withBatched) {
    const rep = repeatPrompt(p, G);
    const batched = await timeCalls(() => model.generate(rep, opts), reps, 0, rows(G));
    out.push(
      { name: `${label} rollout ${what}: one batch of the prompt repeated ${G}x`, value: batched.mean, unit: 's', note: ctx(batched) },
      { name: `${label} rollout speed-up, prefix sharing vs repeated-prompt batch`, value: batched.mean / shared.mean, unit: 'x', note: ctx() },
    );
  }
  return out;
}
