/**
 * Optimizer and logging costs: AdamW.step over 16M parameters (4 tensors of 4M) in fp32 (in place) and in bf16
 * (fp32 master + moments, bf16 rewrite), clipGradNorm over the same gradients, and the per-record cost of the
 * metrics.jsonl (fsync'd) and TensorBoard writers. CPU, the machine's threads.
 *
 * Run: npx vite-node bench/optim.bench.ts   → bench/results/optim.json
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';

import { Generator, getNumThreads, randn, tidyAsync } from '../lib/index.js';
import { MetricsWriter } from '../lib/logging/metrics-jsonl.js';
import { TensorBoardWriter } from '../lib/logging/tensorboard.js';
import { AdamW } from '../lib/optim/index.js';
import { type BenchRecord, writeResults } from './write-results.js';

/** Mean latency (ms) of a finished task; an errored task fails the suite rather than recording nothing. */
function meanMs(task: { name: string; result: { state: string } }): number {
  const r = task.result as { state: string; latency?: { mean: number }; error?: unknown };
  if (r.state !== 'completed' || !r.latency) throw new Error(`bench task ${task.name}: ${r.state} ${String(r.error ?? '')}`);
  return r.latency.mean;
}

const records: BenchRecord[] = [];
const g = new Generator(0);
const PER = 4 * 1024 * 1024;
const N_PARAMS = 4 * PER;

for (const dtype of ['float32', 'bfloat16'] as const) {
  const params = Object.fromEntries(
    Array.from({ length: 4 }, (_, i) => [`p${i}`, randn([PER], { generator: g, dtype }).requiresGrad_()]),
  );
  // gradients once (step leaves them in place, so every timed step sees the same grads)
  for (const p of Object.values(params)) await tidyAsync(async () => p.mul(randn([PER], { generator: g, dtype })).sum().backward());
  const opt = new AdamW(params);
  const bench = new Bench({ time: 4000, warmupTime: 500 });
  bench.add(`adamw step ${dtype}`, async () => {
    await opt.step(1e-6);
  });
  bench.add(`clipGradNorm ${dtype}`, async () => {
    await opt.clipGradNorm(1e9);
  });
  await bench.run();
  for (const t of bench.tasks) {
    const ms = meanMs(t);
    records.push({ name: `${t.name}, 16.8M params`, value: ms, unit: 'ms/call', note: `${((ms * 1e6) / N_PARAMS).toFixed(2)} ns/param, ${getNumThreads()} threads` });
  }
  opt.dispose();
  for (const p of Object.values(params)) p.dispose();
}

const dir = mkdtempSync(join(tmpdir(), 'rarft-bench-'));
const mw = new MetricsWriter(join(dir, 'metrics.jsonl'));
const tb = new TensorBoardWriter(dir);
const rec = { step: 1, stage: 'train', loss: -0.1, reward: 1.5, reward_std: 0.9, 'rewards/format_reward': 1, 'rewards/refuse_iou_reward': 0.4, 'rewards/explain_correction_reward': 0.1, kl: 0.01, completion_length: 120, generation_entropy: 0.8, learning_rate: 1e-6, grad_norm: 0.3, epoch: 0.01 };
const io = new Bench({ time: 1500 });
io.add('metrics.jsonl write (fsync) of a 14-key record', () => mw.write(rec));
io.add('tensorboard event with 12 scalars', () => tb.addScalars(1, rec as unknown as Record<string, number>));
await io.run();
for (const t of io.tasks) records.push({ name: t.name, value: meanMs(t) * 1000, unit: 'us/record' });
mw.close();
tb.close();

writeResults('optim', records);
