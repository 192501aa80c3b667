/**
 * `npx rarft-train` with no arguments: the whole method on a laptop CPU in a few minutes.
 *  1. a tiny random Qwen2.5-VL-architecture checkpoint + word-level tokenizer (tiny-checkpoint.ts, tiny-tokenizer.ts);
 *  2. synthetic videos with known box spans, RA-RFT records with answerable and hard-irrelevant queries, held-out
 *     records on unseen videos (synthetic-dataset.ts);
 *  3. held-out refusal accuracy of the random model;
 *  4. supervised warm-up (stage sft) on the reference completions;
 *  5. GRPO from the warm-up checkpoint with the RA-RFT rewards;
 *  6. held-out refusal accuracy after each stage, and the GRPO reward's first vs last tenth, in demo_summary.json.
 * Every stage writes the usual run folder (metrics.jsonl, TensorBoard events, checkpoints, completions.jsonl).
 */
import { writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { loadavg } from 'node:os';

import type { Overrides } from '../config/load.js';
import type { ResolvedExample } from '../data/examples.js';
import { readRaRftRecords } from '../data/readers/rarft-records.js';
import type { RaRftRecord } from '../data/types.js';
import { type TrainResult, Trainer } from '../trainer/trainer.js';
import type { StepMetrics } from '../grpo/policy-update.js';
import { VideoInputCache, videoOptions } from '../trainer/video-inputs.js';
import { DEMO_ARCH, DEMO_SIZES, type DemoSizes, demoGrpoConfig, demoRewards, demoSftConfig } from './demo-config.js';
import { type HeldoutResult, heldoutRefusalAccuracy } from './heldout-eval.js';
import { type DemoScene, demoDomainTexts, referenceCompletion, writeDemoDataset } from './synthetic-dataset.js';
import { writeTinyCheckpoint } from './tiny-checkpoint.js';
import { buildTinyVocab } from './tiny-tokenizer.js';

export interface DemoOptions extends Partial<DemoSizes> {
  outputDir?: string;
  trainRecords?: number;
  heldoutRecords?: number;
  /** Config flags given on the command line: applied to the GRPO stage (and the shared ones to both). */
  overrides?: Overrides;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Progress line of the stages (null = none). */
  progress?: null | { tty?: boolean; intervalMs?: number };
}

export interface DemoSummary {
  outputDir: string;
  wallSeconds: number;
  loadAverage: number[];
  sft: { steps: number; firstLoss: number; lastLoss: number; seconds: number };
  grpo: { steps: number; rewards: string[]; rewardFirstTenth: number; rewardLastTenth: number; seconds: number; skipped: number };
  heldout: { before: HeldoutResult; afterSft: HeldoutResult; afterGrpo: HeldoutResult };
  stopped: 'completed' | 'aborted';
}

const QUERY = /^a (\w+) box appears$/;

/** Demo SFT targets: the reference completion for the example's query and its video's scene. */
function demoTarget(scenes: ReadonlyMap<string, DemoScene>) {
  return (ex: ResolvedExample): string => {
    const scene = scenes.get(ex.videoPath);
    const q = QUERY.exec(ex.problem.trim());
    if (!scene || !q) throw new Error(`demo target: unknown video ${ex.videoPath} or query "${ex.problem}"`);
    return referenceCompletion({ color: q[1]! }, scene);
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Mean of `key` over the first and the last tenth (at least one step each) of the steps that were not skipped. */
export function firstLastTenth(history: readonly StepMetrics[], key: string): [number, number] {
  const xs = history.filter((m) => m.skipped !== 1 && typeof m[key] === 'number').map((m) => m[key] as number);
  const k = Math.max(1, Math.floor(xs.length / 10));
  return [mean(xs.slice(0, k)), mean(xs.slice(-k))];
}

export async function runDemo(opts: DemoOptions = {}): Promise<DemoSummary> {
  const t0 = performance.now();
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const root = resolve(opts.outputDir ?? 'runs/demo');
  const sizes: DemoSizes = {
    sftSteps: opts.sftSteps ?? DEMO_SIZES.sftSteps,
    grpoSteps: opts.grpoSteps ?? DEMO_SIZES.grpoSteps,
    saveSteps: opts.saveSteps ?? DEMO_SIZES.saveSteps,
    seed: opts.seed ?? DEMO_SIZES.seed,
  };
  log(`demo: output ${root} (seed ${sizes.seed}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  // flags given by the user: output_dir / seed / save_steps / max_steps are demo-level; the rest go to the GRPO stage
  const { output_dir: _o, seed: _s, save_steps: _ss, max_steps: _m, ...rest } = opts.overrides ?? {};
  // first: missing SBERT weights stop the demo before any work, with the fix
  const rewards = demoRewards(Array.isArray(rest.reward_funcs) ? (rest.reward_funcs as string[]) : undefined);

  const vocab = buildTinyVocab(demoDomainTexts());
  const modelDir = await writeTinyCheckpoint(join(root, 'tiny-qwen2.5vl'), vocab, sizes.seed, DEMO_ARCH);
  log(`demo: tiny Qwen2.5-VL (vocab ${vocab.vocabSize}) written to ${modelDir}`);
  const ds = await writeDemoDataset(join(root, 'data'), { train: opts.trainRecords ?? 36, heldout: opts.heldoutRecords ?? 12, seed: sizes.seed });
  log(`demo: ${ds.train.length} training and ${ds.heldout.length} held-out synthetic videos in ${ds.videoRoot}`);
  const scenes = new Map([...ds.train, ...ds.heldout].map((s) => [join(ds.videoRoot, s.video), s]));
  const heldoutRecords: RaRftRecord[] = readRaRftRecords(ds.heldoutFile).records.map((r) => ({ ...r, videoPath: isAbsolute(r.videoPath) ? r.videoPath : join(ds.videoRoot, r.videoPath) }));

  const paths = { root, modelDir, trainFile: ds.trainFile, videoRoot: ds.videoRoot };
  // device and dtype (where and in what the model runs) go to both stages; the rest of the flags to the GRPO stage
  const hardware = Object.fromEntries(Object.entries(rest).filter(([k]) => k === 'device' || k === 'dtype'));
  const sftCfg = demoSftConfig(paths, vocab, sizes, hardware);
  const evalVideos = new VideoInputCache(videoOptions(sftCfg.video), join(root, 'video-cache'));
  const stopIds = sftCfg.stop_token_ids;
  const evalOpts = { maxNewTokens: 56, stopIds };
  try {
    const before = await heldoutRefusalAccuracy(modelDir, heldoutRecords, evalVideos, evalOpts);
    log(`demo: held-out refusal accuracy before training ${pct(before.refusalAccuracy)} (${before.queries} queries)`);

    let ts = performance.now();
    const sft: TrainResult = await new Trainer(sftCfg, {
      stage: 'sft', sftTarget: demoTarget(scenes), videoCacheDir: join(root, 'video-cache'), log, progress: opts.progress === undefined ? { intervalMs: 15000 } : opts.progress,
      ...(opts.signal ? { signal: opts.signal } : {}),
    }).train();
    const sftSeconds = (performance.now() - ts) / 1000;
    const sftModel = sft.lastCheckpoint?.path;
    if (!sftModel) throw new Error('the warm-up wrote no checkpoint');
    const afterSft = await heldoutRefusalAccuracy(sftModel, heldoutRecords, evalVideos, evalOpts);
    log(`demo: held-out refusal accuracy after the warm-up ${pct(afterSft.refusalAccuracy)}`);

    let grpo: TrainResult | null = null;
    let grpoSeconds = 0;
    let afterGrpo = afterSft;
    if (sft.stopped === 'completed') {
      ts = performance.now();
      const grpoCfg = demoGrpoConfig(paths, vocab, sizes, sftModel, rewards, rest);
      grpo = await new Trainer(grpoCfg, {
        stage: 'grpo', videoCacheDir: join(root, 'video-cache'), log, progress: opts.progress === undefined ? { intervalMs: 15000 } : opts.progress,
        ...(opts.signal ? { signal: opts.signal } : {}),
      }).train();
      grpoSeconds = (performance.now() - ts) / 1000;
      afterGrpo = await heldoutRefusalAccuracy(grpo.lastCheckpoint?.path ?? sftModel, heldoutRecords, evalVideos, evalOpts);
    }
    const [r0, r1] = grpo ? firstLastTenth(grpo.history, 'reward') : [NaN, NaN];
    const sftLoss = sft.history.filter((m) => typeof m.loss === 'number').map((m) => m.loss as number);
    const summary: DemoSummary = {
      outputDir: root,
      wallSeconds: (performance.now() - t0) / 1000,
      loadAverage: loadavg(),
      sft: { steps: sft.globalStep, firstLoss: sftLoss[0] ?? NaN, lastLoss: sftLoss[sftLoss.length - 1] ?? NaN, seconds: sftSeconds },
      grpo: { steps: grpo?.globalStep ?? 0, rewards, rewardFirstTenth: r0, rewardLastTenth: r1, seconds: grpoSeconds, skipped: grpo?.history.filter((m) => m.skipped === 1).length ?? 0 },
      heldout: { before, afterSft, afterGrpo },
      stopped: sft.stopped === 'completed' && grpo?.stopped === 'completed' ? 'completed' : 'aborted',
    };
    writeFileSync(join(root, 'demo_summary.json'), JSON.stringify(summary, null, 1));
    log(summaryLines(summary).join('\n'));
    return summary;
  } finally {
    evalVideos.dispose();
  }
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');

/** Held-out answerable and refusable accuracy both at least as good after GRPO as after the warm-up. */
export function grpoKeptBoth(h: DemoSummary['heldout']): boolean {
  return h.afterGrpo.answerableAccuracy >= h.afterSft.answerableAccuracy && h.afterGrpo.refusableAccuracy >= h.afterSft.refusableAccuracy;
}

/** The summary printed at the end of the demo: timing, warm-up loss, GRPO reward, held-out accuracy per stage. */
export function summaryLines(s: DemoSummary): string[] {
  const h = s.heldout;
  const answerable = h.before.answerableQueries;
  const row = (label: string, r: HeldoutResult, extra = '') =>
    `    ${label.padEnd(16)} answerable ${pct(r.answerableAccuracy).padStart(6)}, refusable ${pct(r.refusableAccuracy).padStart(6)}, overall ${pct(r.refusalAccuracy).padStart(6)}${extra}`;
  const delta = (a: number, b: number) => `${b >= a ? '+' : ''}${(100 * (b - a)).toFixed(1)}`;
  return [
    `demo ${s.stopped} in ${s.wallSeconds.toFixed(1)} s (load average ${s.loadAverage.map((x) => x.toFixed(2)).join(' ')})`,
    `  warm-up: ${s.sft.steps} steps, loss ${s.sft.firstLoss.toFixed(3)} -> ${s.sft.lastLoss.toFixed(3)} (${s.sft.seconds.toFixed(1)} s)`,
    `  GRPO (${s.grpo.rewards.join(' + ')}): ${s.grpo.steps} steps, mean reward first tenth ${s.grpo.rewardFirstTenth.toFixed(3)} -> last tenth ${s.grpo.rewardLastTenth.toFixed(3)} (${s.grpo.seconds.toFixed(1)} s, ${s.grpo.skipped} skipped)`,
    `  held-out accuracy (${h.before.queries} queries on unseen videos: ${answerable} answerable, ${h.before.queries - answerable} refusable):`,
    row('before training', h.before),
    row('after warm-up', h.afterSft),
    row('after GRPO', h.afterGrpo, `; mean IoU of the answered spans ${h.afterGrpo.meanIou.toFixed(3)}`),
    `  GRPO vs warm-up: answerable ${delta(h.afterSft.answerableAccuracy, h.afterGrpo.answerableAccuracy)} points, refusable ${delta(h.afterSft.refusableAccuracy, h.afterGrpo.refusableAccuracy)} points` +
      (grpoKeptBoth(h) ? ' (both at least as good)' : ' (one got worse)'),
    `  summary: ${join(s.outputDir, 'demo_summary.json')}`,
  ];
}
