/**
 * Policy-model costs on the CPU (fp32 weights, the machine's torch threads):
 *  - prefill / decode tokens/s on the committed tiny checkpoint (text, and a video prompt through the vision tower)
 *    and on a random ~0.5B config (Qwen2.5-0.5B text dims, 2-block vision tower) written to a temp dir at bench time;
 *  - peak memory of chunked `logprobs` vs full logits + log_softmax (0.5B, each mode in its own child process);
 *  - GRPO rollout time, G=8 with prefix sharing vs 8 separate calls (tiny + video; 0.5B + long text prompt).
 * Every note carries the 1-minute load average: the machine is shared, so absolute times drift with it.
 *
 * Run: node_modules/.bin/vite-node bench/qwen.bench.ts   → bench/results/qwen.json
 * QWEN_BENCH_QUICK=1 shrinks every size (a smoke run of the code paths, never written to the results file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { QwenVL } from '../lib/qwen/qwen.js';
import { logprobMemory } from './qwen/memory.js';
import { textPrompt, videoPrompt } from './qwen/inputs.js';
import { HALF_B_TEXT, SMALL_VISION, writeRandomCheckpoint } from './qwen/random-checkpoint.js';
import { rollout } from './qwen/rollout.js';
import { decode, prefill } from './qwen/throughput.js';
import { type BenchRecord, writeResults } from './write-results.js';

const QUICK = process.env.QWEN_BENCH_QUICK === '1';
const TINY = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'qwen', 'tiny');
const TINY_IDS = { visionStart: 1010, visionEnd: 1011, video: 1014 }; // tiny config.json
const records: BenchRecord[] = [];
const step = (s: string) => console.error(`[qwen bench] ${new Date().toISOString()} ${s}`);

// ---- tiny checkpoint (d=64, 2 layers, vocab 1024) ----
{
  step('tiny');
  const model = await QwenVL.load(TINY);
  // 8 frames of 224x224 -> grid (4, 16, 16) -> 256 video tokens, the tower's real windowed/full attention path
  const video = videoPrompt({ frames: QUICK ? 2 : 8, height: 224, width: 224, textBefore: 16, textAfter: 48, maxId: 1000, ids: TINY_IDS });
  const tag = `tiny (${model.parameterCount} params)`;
  records.push(...(await prefill(model, tag, textPrompt(8, 256, 1000), 5)));
  records.push(...(await prefill(model, tag, video, 5, `, 1 video of ${video.videoTokens} tokens (incl. vision tower)`)));
  records.push(...(await decode(model, tag, textPrompt(1, 64, 1000), 129, 3)));
  records.push(...(await decode(model, tag, textPrompt(8, 64, 1000), 129, 3)));
  records.push(...(await rollout(model, 'tiny + video', video, 8, 32, 3, true)));
  model.dispose();
}

// ---- random ~0.5B checkpoint ----
const dir = mkdtempSync(join(tmpdir(), 'rarft-qwen-bench-'));
try {
  step('writing the 0.5B checkpoint');
  const text = QUICK ? { ...HALF_B_TEXT, layers: 2 } : HALF_B_TEXT;
  await writeRandomCheckpoint(dir, TINY, text, SMALL_VISION);
  const model = await QwenVL.load(dir);
  const tag = `0.5B random fp32 (${(model.parameterCount / 1e6).toFixed(0)}M params)`;
  const maxId = 150000; // below the special-token range
  step('0.5B prefill/decode');
  records.push(...(await prefill(model, tag, textPrompt(4, QUICK ? 64 : 256, maxId), 2)));
  records.push(...(await decode(model, tag, textPrompt(1, 32, maxId), QUICK ? 9 : 33, 2)));
  records.push(...(await decode(model, tag, textPrompt(8, 32, maxId), QUICK ? 9 : 33, 2)));
  step('0.5B rollout');
  // the batched variant is left out here: it pays the same 8 prefills as the sequential calls (minutes on 2 cores)
  records.push(...(await rollout(model, '0.5B text-only', textPrompt(1, QUICK ? 200 : 2000, maxId), 8, 32, 1, false)));
  model.dispose();
  step('0.5B logprobs memory (child processes)');
  records.push(...logprobMemory(dir, '0.5B', 8, QUICK ? 40 : 200, 16, text.vocab, [64, 16]));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (QUICK) for (const r of records) console.log(`quick: ${r.name} = ${r.value.toPrecision(4)} ${r.unit} (${r.note ?? ''})`);
else writeResults('qwen', records);
