/**
 * num_iterations > 1 (TRL's μ): one rollout batch feeds μ optimizer updates. The batch (completions, scores, and the
 * old-policy and reference log-probs computed at generation time) is kept here between updates, and written into a
 * checkpoint taken in the middle of a cycle, so `--resume` replays exactly the same batch: regenerating it would need
 * the weights as they were when it was sampled.
 *
 * On disk (per rank, in the checkpoint folder): `rollout_buffer.rank<r>.safetensors` with each prompt's tokens and
 * log-probs, and in its metadata the draw that picked each of this rank's prompts (re-resolved on load: prompts and
 * videos are rebuilt from the data, not stored; with dynamic sampling they are not a contiguous share of one draw),
 * the remaining iterations, the texts and the scores. Format 1 (before dynamic sampling) stored the step's global
 * draws instead; it still loads.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { type ResolvedExample, type TrainingExample, resolveExample } from '../data/examples.js';
import { DataError } from '../errors.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import { type Tensor, dispose, keep, tidyAsync } from '../tensor/index.js';
import type { CursorTake } from './data-cursor.js';
import { rankShare } from './dist-context.js';
import { type GrpoStepResult, type PromptSource, type RolloutBatch, type ScoredRollout, collectRollouts, timeMetrics, updateFromRollouts } from './grpo-step.js';
import { type StepContext, preparePrompt } from './step-context.js';

export interface BufferedRollouts {
  /** The generation step's index (it keys the examples' per-step negative draws). */
  genStep: number;
  /** Updates still to take from this batch (μ right after generation). */
  itersLeft: number;
  batch: RolloutBatch;
}

/**
 * One optimizer step with num_iterations = μ: when the current batch is used up (or absent), take the next prompts and
 * collect a new one (a collection that must be skipped skips this step), then update on it. Returns the batch to keep
 * (the old one is disposed when replaced) and the step's metrics; samples only on the step that generated.
 */
export async function replayStep(
  ctx: StepContext,
  current: BufferedRollouts | null,
  o: { mu: number; step: number; lr: number; source: () => PromptSource },
): Promise<{ buffer: BufferedRollouts | null; result: GrpoStepResult }> {
  let buffer = current;
  let fresh = false;
  if (!buffer || buffer.itersLeft === 0) {
    disposeBuffer(buffer);
    buffer = null;
    const source = o.source();
    const got = await tidyAsync(async () => {
      const r = await collectRollouts(ctx, source, { replay: true });
      return r.ok ? { buf: keepBuffer({ genStep: o.step, itersLeft: o.mu, batch: r.batch }), skip: null } : { buf: null, skip: r.metrics };
    });
    if (!got.buf) return { buffer: null, result: { metrics: got.skip!, samples: [] } };
    buffer = got.buf;
    fresh = true;
  }
  const b = buffer;
  const m = await tidyAsync(() => updateFromRollouts(ctx, b.batch, o.lr));
  b.itersLeft--;
  const metrics = { ...m, ...timeMetrics(fresh ? b.batch.times : {}), 'rollout/iteration': o.mu - b.itersLeft };
  return { buffer: b, result: { metrics, samples: fresh ? b.batch.samples : [] } };
}

export const bufferFile = (dir: string, rank: number) => join(dir, `rollout_buffer.rank${rank}.safetensors`);
const stagingFile = (outputDir: string, rank: number) => join(outputDir, '.rollout-staging', `rollout_buffer.rank${rank}.safetensors`);

/**
 * Ranks other than 0: write this rank's batch where rank 0 will pick it up. Called before the checkpoint's collectives
 * (the weight gather), so the file is complete by the time rank 0 writes its checkpoint folder.
 */
export async function stageBuffer(outputDir: string, b: BufferedRollouts, rank: number, world: number): Promise<void> {
  mkdirSync(join(outputDir, '.rollout-staging'), { recursive: true });
  await saveBuffer(stagingFile(outputDir, rank), b, world);
}

/** Rank 0, inside the checkpoint's temp folder (renamed into place atomically afterwards): every rank's batch. */
export async function writeBuffers(dir: string, outputDir: string, b: BufferedRollouts, world: number): Promise<void> {
  await saveBuffer(bufferFile(dir, 0), b, world);
  for (let r = 1; r < world; r++) renameSync(stagingFile(outputDir, r), bufferFile(dir, r));
}

/** Takes the batch's tensors out of every scope: they live until disposeBuffer. */
export function keepBuffer(b: BufferedRollouts): BufferedRollouts {
  for (const r of b.batch.rollouts) for (const t of [r.tokens, r.oldLogps, r.refLogps]) if (t) keep(t);
  return b;
}

export function disposeBuffer(b: BufferedRollouts | null): void {
  if (!b) return;
  for (const r of b.batch.rollouts) dispose([r.tokens, r.oldLogps, r.refLogps]);
}

interface StoredRollout {
  lengths: number[];
  texts: string[];
  perReward: Record<string, number[]>;
  total: number[];
  hasOld: boolean;
  hasRef: boolean;
  /** Format 2: the draw that picked this prompt. */
  pick?: CursorTake;
}

export async function saveBuffer(file: string, b: BufferedRollouts, world: number): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  const stored: StoredRollout[] = b.batch.rollouts.map((r, k) => {
    tensors[`tokens.${k}`] = r.tokens;
    if (r.oldLogps) tensors[`old_logps.${k}`] = r.oldLogps;
    if (r.refLogps) tensors[`ref_logps.${k}`] = r.refLogps;
    if (!r.pick) throw new RangeError(`saveBuffer: rollout ${k} has no data-cursor draw to store`);
    return { lengths: r.lengths, texts: r.texts, perReward: r.perReward, total: r.total, hasOld: r.oldLogps !== null, hasRef: r.refLogps !== null, pick: r.pick };
  });
  const meta = {
    format: 'rarft-rollout-buffer/2',
    world,
    gen_step: b.genStep,
    iters_left: b.itersLeft,
    rollouts: stored,
    sampling: b.batch.sampling,
    times: b.batch.times,
    prefix_shared: b.batch.prefixShared,
  };
  await saveSafetensors(file, tensors, { buffer: JSON.stringify(meta) });
}

/** The buffer a mid-cycle checkpoint holds for this rank, or null if it was taken at a cycle boundary. */
export async function loadBuffer(dir: string, ctx: StepContext, examples: readonly TrainingExample[]): Promise<BufferedRollouts | null> {
  const rank = ctx.dist?.rank ?? 0;
  const world = ctx.dist?.world ?? 1;
  const file = bufferFile(dir, rank);
  if (!existsSync(file)) {
    if (existsSync(bufferFile(dir, 0)))
      throw new DataError(`this checkpoint holds a rollout batch (num_iterations) for other ranks than ${rank} of ${world}; resume with the world size that saved it`, { file });
    return null;
  }
  const { tensors, metadata } = await loadSafetensors(file, { device: ctx.device });
  try {
    const meta = JSON.parse(metadata.buffer ?? 'null') as {
      world: number;
      gen_step: number;
      iters_left: number;
      /** format 1: the generation step's global draws (this rank's share = its prompts) */
      picks?: CursorTake[];
      rollouts: StoredRollout[];
      sampling?: RolloutBatch['sampling'];
      times: Record<string, number>;
      prefix_shared: boolean;
    } | null;
    if (!meta) throw new DataError('not a rollout buffer (no "buffer" metadata)', { file });
    if (meta.world !== world)
      throw new DataError(`the rollout batch was saved by ${meta.world} rank(s); resume with that many, or from a checkpoint at a num_iterations boundary`, { file });
    const resolve = (p: CursorTake) => {
      const ex = examples[p.example];
      if (!ex) throw new DataError(`rollout buffer refers to example ${p.example}, the data has ${examples.length}`, { file });
      return resolveExample(ex, { seed: ctx.cfg.data_seed, epoch: p.epoch, step: meta.gen_step });
    };
    const myPicks: (CursorTake | null)[] = meta.rollouts.every((r) => r.pick) ? meta.rollouts.map((r) => r.pick!) : rankShare(meta.picks ?? [], ctx.dist);
    if (myPicks.length !== meta.rollouts.length) throw new DataError(`rollout buffer has ${meta.rollouts.length} prompts, this rank's share is ${myPicks.length}`, { file });
    const mine: ResolvedExample[] = myPicks.map((p) => resolve(p!));
    const rollouts: ScoredRollout[] = [];
    for (let k = 0; k < mine.length; k++) {
      const s = meta.rollouts[k]!;
      const tok = tensors.get(`tokens.${k}`) as Tensor<'int64'> | undefined;
      if (!tok) throw new DataError(`rollout buffer lacks tokens.${k}`, { file });
      const prompt = await preparePrompt(ctx, mine[k]!, ctx.cfg.num_generations);
      rollouts.push({
        prompt,
        tokens: keep(tok),
        lengths: s.lengths,
        texts: s.texts,
        example: mine[k]!,
        pick: myPicks[k]!,
        perReward: s.perReward,
        total: s.total,
        oldLogps: s.hasOld ? keep(tensors.get(`old_logps.${k}`) as Tensor<'float32'>) : null,
        refLogps: s.hasRef ? keep(tensors.get(`ref_logps.${k}`) as Tensor<'float32'>) : null,
      });
    }
    // a restored batch is never the generating step's, so its samples (written to completions.jsonl then) are not needed
    const samples = rollouts.map((r) => ({ task_type: r.example.taskType, problem: r.example.problem, video: r.example.videoPath, completions: r.texts, rewards: r.perReward, total: r.total }));
    return { genStep: meta.gen_step, itersLeft: meta.iters_left, batch: { rollouts, samples, times: meta.times, prefixShared: meta.prefix_shared, sampling: meta.sampling ?? null } };
  } finally {
    for (const [n, t] of tensors) if (!/^(tokens|old_logps|ref_logps)\.\d+$/.test(n)) t.dispose();
  }
}
