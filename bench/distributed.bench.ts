/**
 * Distributed bench (Gloo over 127.0.0.1, 2 processes via lib/distributed/launch):
 *   - all-gather / reduce-scatter throughput of 1, 16, 64 MB flat float32 buffers (GB/s of the full buffer);
 *   - ZeRO-3 step time of the test MLP (gather -> forward/backward -> reduce-scatter -> free -> AdamW on the shard)
 *     with 1 and 2 processes (the same global batch);
 *   - GRPO step time of the tiny Qwen2.5-VL through the Trainer, 1 process vs 2 (sharded model).
 * Writes bench/results/dist.json. On the shared 2-core box the numbers are lower bounds and noisy.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from '../lib/distributed/index.js';
import { registerReward } from '../lib/rewards/registry.js';
import { CHARS_REWARD } from '../test/distributed/workers/chars-reward.js';
import { makeTinyRun, tinyConfig } from '../test/trainer/fixture.js';
import { type BenchRecord, writeResults } from './write-results.js';

const root = join(import.meta.dirname, '..');
const viteNode = join(root, 'node_modules/.bin/vite-node');
const records: BenchRecord[] = [];

async function run(nproc: number, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const r = await launch({
    nprocPerNode: nproc,
    command: viteNode,
    args,
    env: { OMP_NUM_THREADS: '1', DIST_TIMEOUT_MS: '120000' },
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
    signal: AbortSignal.timeout(300_000),
  });
  if (!r.ok) throw new Error(`${r.message}\n${lines.join('\n')}`);
  return lines;
}

const bw = await run(2, [join(root, 'bench/distributed-worker.ts')]);
for (const l of bw) {
  const m = /^\[rank 0\] BW (.*)$/.exec(l);
  if (!m) continue;
  const r = JSON.parse(m[1]!) as { op: string; mb: number; ms: number; gbps: number };
  records.push({ name: `gloo ${r.op} ${r.mb} MB (2 procs, loopback)`, value: r.gbps, unit: 'GB/s', note: `${r.ms.toFixed(2)} ms per call` });
}

const STEPS = 40;
const scratch = mkdtempSync(join(tmpdir(), 'rarft-dist-bench-'));
for (const nproc of [1, 2]) {
  const lines = await run(nproc, [join(root, 'test/distributed/workers/mlp-worker.ts'), 'train', scratch, String(STEPS)]);
  const ms = Number(/^\[rank 0\] STEP_MS (.*)$/.exec(lines.find((l) => l.startsWith('[rank 0] STEP_MS')) ?? '')?.[1]);
  if (!Number.isFinite(ms)) throw new Error(`no STEP_MS from the ${nproc}-process run:\n${lines.join('\n')}`);
  records.push({ name: `ZeRO-3 MLP step, ${nproc} proc(s)`, value: ms, unit: 'ms', note: `595 params, global batch 8, mean of ${STEPS} steps` });
}

// The real thing: GRPO steps of the tiny Qwen2.5-VL through the Trainer, 1 process (plain AdamW) vs 2 processes
// (ZeRO-3: per-block gathers, recompute, reduce-scatter), same global batch (2 prompts x 4 completions, beta 0.04).
// Mean `time/step` of the steps after the first (warm-up: video decode into the cache, first allocations).
const QWEN_STEPS = 6;
const tiny = await makeTinyRun(4);
registerReward(CHARS_REWARD);
for (const nproc of [1, 2]) {
  const cfg = tinyConfig(tiny, `qwen-${nproc}`, { per_device_train_batch_size: 2 / nproc, max_steps: QWEN_STEPS, save_steps: 1000, top_k: 20, reward_funcs: ['format', 'refuse_iou', 'test_chars'], report_to: ['jsonl'] });
  const file = join(scratch, `qwen-${nproc}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  await run(nproc, [join(root, 'test/distributed/workers/trainer-worker.ts'), file]);
  const steps = readFileSync(join(cfg.output_dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  const times = steps.slice(1).map((r) => r['time/step']!);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  records.push({ name: `ZeRO-3 GRPO step, tiny Qwen2.5-VL, ${nproc} proc(s)`, value: mean * 1000, unit: 'ms', note: `global batch 2 prompts x 4 completions, mean of steps 2..${QWEN_STEPS}, ${nproc === 1 ? 'plain AdamW' : 'sharded model + ZeroOptimizer'}` });
}

rmSync(scratch, { recursive: true, force: true });
writeResults('dist', records);
