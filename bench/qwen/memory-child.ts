/**
 * One log-prob + backward pass in its own process, so its peak RSS is its own: `vite-node memory-child.ts <dir> <mode>
 * <B> <T> <promptLen> <chunk>`, mode = 'chunked' (model.logprobs) or 'full' (forward logits -> log_softmax -> gather).
 * Prints one line `RESULT {json}`.
 *
 * Peak: the load itself (mmap + converted copies) can peak above what the pass reaches, so the high-water mark is
 * reset after load (`echo 5 > /proc/self/clear_refs`, Linux ≥ 4.0) and VmHWM is read after the pass; ru_maxrss is
 * reported too (it is not reset, so it is only meaningful when it exceeds the load peak).
 *
 * Only model.norm.weight requires grad: the backward then runs through the LM head (d logits, recomputed per chunk in
 * the chunked path) into the final hidden states, which is exactly where the two paths differ, without the decoder's
 * activation memory (identical in both) diluting the difference.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { QwenVL } from '../../lib/qwen/qwen.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { textPrompt } from './inputs.js';

function statusKb(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`/proc/self/status has no ${field}`);
  return Number(m[1]);
}

const [dir, mode, Bs, Ts, Ps, Cs] = process.argv.slice(2);
if (!dir || (mode !== 'chunked' && mode !== 'full')) throw new Error('usage: memory-child.ts <dir> <chunked|full> <B> <T> <promptLen> <chunk>');
const B = Number(Bs), T = Number(Ts), P = Number(Ps), chunk = Number(Cs);

const model = await QwenVL.load(dir);
const names = model.parameterNames();
const params = model.parameters();
const normW = params[names.indexOf('model.norm.weight')]!.requiresGrad_(true);
const inputs = textPrompt(B, P + T, 150000, 3);
const completion = inputs.inputIds.narrow(1, P, T) as Tensor<'int64'>;

const rssLoadedKb = statusKb('VmRSS');
const hwmLoadKb = statusKb('VmHWM');
writeFileSync('/proc/self/clear_refs', '5');
const hwmResetKb = statusKb('VmHWM');

const t0 = performance.now();
let lpSum: number;
if (mode === 'chunked') {
  const { logprobs } = await model.logprobs(inputs, completion, { chunk });
  const loss = logprobs.sum();
  lpSum = loss.item();
  await loss.backward();
} else {
  const logits = await model.forward(inputs);
  // position P-1+k predicts completion token k (same convention as model.logprobs); fp32 like the chunked path
  const lp = logits.narrow(1, P - 1, T).to('float32').logSoftmax(-1).gather(-1, completion.unsqueeze(-1)).squeeze(-1);
  const loss = lp.sum();
  lpSum = loss.item();
  await loss.backward();
}
const seconds = (performance.now() - t0) / 1000;
const peakKb = statusKb('VmHWM');
const grad = normW.grad;
if (!grad) throw new Error('no gradient reached model.norm.weight');
const gradNorm = grad.norm().item();

console.log('RESULT ' + JSON.stringify({ mode, B, T, P, chunk, seconds, lpSum, gradNorm, rssLoadedKb, hwmLoadKb, hwmResetKb, peakKb, maxRssKb: process.resourceUsage().maxRSS }));
model.dispose();
