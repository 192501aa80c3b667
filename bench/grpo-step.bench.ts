/**
 * Seconds per phase of one GRPO step on the demo config (lib/demo): the demo's tiny Qwen2.5-VL (random weights, as
 * `writeTinyCheckpoint` makes it), tokenizer and synthetic videos are built in a temp folder, then a short GRPO run
 * goes through `Trainer` exactly as `npx rarft-train`'s GRPO stage does (2 prompts x G=8 completions of at most
 * max_completion_length tokens, beta 0.04, ViT frozen except the merger). The per-phase times are read back from its metrics.jsonl;
 * the first WARMUP steps (allocator and thread-pool warm-up) are left out of the means.
 *
 * It also dumps one step's inputs (prompt ids, mask, video tensors, sampled completion ids, rewards, advantages) to
 * <work>/step-inputs.safetensors, beside the tiny checkpoint, so scripts/compare/grpo_step_hf.py can time the SAME
 * step in HF transformers (outside CI). Work folder: $RARFT_GRPO_BENCH_DIR or <tmpdir>/rarft-grpo-step-bench.
 *
 * Run: npx vite-node bench/grpo-step.bench.ts   → bench/results/grpo-step.json
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { demoGrpoConfig, demoRewards, DEMO_SIZES } from '../lib/demo/demo-config.js';
import { demoDomainTexts, writeDemoDataset } from '../lib/demo/synthetic-dataset.js';
import { writeTinyCheckpoint } from '../lib/demo/tiny-checkpoint.js';
import { buildTinyVocab } from '../lib/demo/tiny-tokenizer.js';
import { getNumThreads } from '../lib/index.js';
import { Trainer } from '../lib/trainer/trainer.js';
import { videoOptions } from '../lib/trainer/video-inputs.js';
import { listVideoDir, runPreprocess } from '../lib/cli/preprocess-command.js';
import { type BenchRecord, writeResults } from './write-results.js';
import { dumpStepInputs } from './grpo-step-dump.js';

const WARMUP = 2;
const TIMED = 12;
const PHASES = ['video', 'generate', 'reward', 'logprob', 'ref', 'backward', 'update', 'step'] as const;

const work = process.env.RARFT_GRPO_BENCH_DIR ?? join(tmpdir(), 'rarft-grpo-step-bench');
rmSync(work, { recursive: true, force: true });
const load0 = loadavg();
const seed = DEMO_SIZES.seed;
const vocab = buildTinyVocab(demoDomainTexts());
const modelDir = await writeTinyCheckpoint(join(work, 'tiny-qwen2.5vl'), vocab, seed);
const ds = await writeDemoDataset(join(work, 'data'), { train: 36, heldout: 0, seed });

const rewards = demoRewards(); // the demo's: the reference's three (the SBERT weights come with `npm run setup`)
const paths = { root: work, modelDir, trainFile: ds.trainFile, videoRoot: ds.videoRoot };
// GRPO straight from the random tiny checkpoint (the demo starts from its warm-up): the HF script loads this same
// folder, and a random policy rarely stops early, so every step generates close to max_completion_length tokens
const cfg = demoGrpoConfig(paths, vocab, { ...DEMO_SIZES, grpoSteps: WARMUP + TIMED, saveSteps: 10_000 }, modelDir, rewards, { report_to: ['jsonl'] });
// Videos are decoded once, before training, as the reference does (preprocess_videos.sh; here `rarft-data
// preprocess`): time/video is then the cache-hit path (load the resized frames, patchify), and the HF script, which
// is handed the patchified tensors, is compared on the same footing. PREWARM=0 times cold decodes inside the step.
if (process.env.PREWARM !== '0') {
  const pre = await runPreprocess({ videos: listVideoDir(ds.videoRoot), cacheDir: join(work, 'video-cache'), jobs: 2, settings: videoOptions(cfg.video), stream: { write: () => true, isTTY: false } as never });
  if (pre.failed.length) throw new Error(`preprocess failed: ${JSON.stringify(pre.failed)}`);
}
const result = await new Trainer(cfg, { stage: 'grpo', videoCacheDir: join(work, 'video-cache'), progress: null, log: () => {} }).train();
if (result.globalStep !== WARMUP + TIMED) throw new Error(`GRPO run stopped at step ${result.globalStep}`);

const rows = readFileSync(join(cfg.output_dir, 'metrics.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Record<string, unknown>)
  .filter((r) => typeof r.step === 'number' && (r.step as number) > WARMUP);
if (rows.some((r) => r.skipped === 1)) throw new Error('a timed step was skipped: its phases would be missing');
const mean = (k: string) => rows.reduce((a, r) => a + Number(r[k] ?? 0), 0) / rows.length;

const dump = await dumpStepInputs(cfg, join(work, 'step-inputs.safetensors'), seed);
const load1 = loadavg();
const note =
  `demo config from the random tiny model, mean of ${rows.length} steps after ${WARMUP} warm-up; ${getNumThreads()} threads; ` +
  `2 prompts x G=${cfg.num_generations}, prompt ${mean('prompt_tokens').toFixed(0)} tokens, completion length ${mean('completion_length').toFixed(1)} ` +
  `(max ${cfg.max_completion_length}); rewards ${rewards.join('+')}; videos ${process.env.PREWARM !== '0' ? 'preprocessed before training (cache hits)' : 'decoded in the step (cold)'}; load average ${load0[0]!.toFixed(2)} -> ${load1[0]!.toFixed(2)}`;
const records: BenchRecord[] = PHASES.map((p) => ({ name: `grpo step time/${p}`, value: mean(`time/${p}`), unit: 's/step', note }));
writeResults('grpo-step', records);
console.log(`grpo-step: step inputs for scripts/compare/grpo_step_hf.py in ${dump}`);
