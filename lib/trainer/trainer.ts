/**
 * The training loop (GRPO, or the supervised warm-up with stage 'sft') as a library object:
 *
 *   const t = new Trainer(config, { signal, onStep });
 *   t.on('step', (e) => …); t.on('checkpoint', (c) => …);
 *   const result = await t.train();
 *
 * Each step: take the next prompts from the data cursor -> resolve their per-step draws -> grpoStep/sftStep ->
 * LR from the schedule -> metrics (metrics.jsonl, TensorBoard, progress line, completions.jsonl) -> checkpoint every
 * save_steps and at the end. All heavy work is native and async, and the loop yields to the event loop between
 * steps, so timers, servers and signal handlers in the same process keep running.
 * Stopping: when `signal` aborts, the step in flight finishes, a checkpoint is written and train() resolves with
 * `stopped: 'aborted'` (nothing is lost; `--resume` continues exactly).
 * Resume: `resume_from_checkpoint` ('latest' or a folder) restores weights, optimizer moments, the sampling RNG, the
 * data cursor and the LR schedule position; checkpoints after it are retired and the logs truncated to it, so
 * N straight steps == k steps + resume + N-k steps, bit for bit on the CPU.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { TrainConfig } from '../config/schema.js';
import { saveConfig } from '../config/load.js';
import { type TrainingExample, resolveExample } from '../data/examples.js';
import { DataError } from '../errors.js';
import { TrainLogger, type TrainLoggerOptions } from '../logging/train-logger.js';
import type { MetricsRecord } from '../logging/metrics-jsonl.js';
import { getReward } from '../rewards/registry.js';
import type { SentenceEncoder } from '../rewards/sentence-encoder.js';
import { type Device, Generator, setDeterministic } from '../tensor/index.js';
import { loadTextTokenizer } from '../text/tokenizer.js';
import { type CheckpointInfo, cleanStaleTemps, resolveResume, retireCheckpointsAfter } from '../checkpoint/checkpoint-dir.js';
import { type LrScheduleSpec, lrAt, warmupStepsFor } from './lr-schedule.js';
import type { StepMetrics } from '../grpo/policy-update.js';
import { lockRunDir } from '../util/run-lock.js';
import { readTrainerState, restoreRng } from '../checkpoint/trainer-state.js';
import { BatchingEncoder } from './batching-encoder.js';
import { type DistContext, initTrainingDist } from './dist-context.js';
import { setupPolicy } from './policy-setup.js';
import { trainingDevice } from './training-device.js';
import { ExampleCursor } from './data-cursor.js';
import { type PromptDraw, type PromptSource, type RolloutSample, grpoStep } from './grpo-step.js';
import { type BufferedRollouts, disposeBuffer, loadBuffer, replayStep, stageBuffer, writeBuffers } from './rollout-buffer.js';
import { type Stage, checkpointStage, saveRunCheckpoint } from './run-checkpoint.js';
import { type SftTarget, defaultSftTarget, sftStep } from './sft-step.js';
import type { StepContext } from './step-context.js';
import { type TrainingData, loadTrainingData } from './training-data.js';
import { COMPLETIONS_FILE, appendCompletions, truncateCompletions } from './completions-log.js';
import { checkTrainInputs } from './input-checks.js';
import { UnreadableVideos, stopForUnreadableVideos } from './unreadable-videos.js';
import { VideoInputCache, videoOptions } from './video-inputs.js';

export interface TrainerOptions {
  stage?: Stage;
  /** Abort = finish the current step, save a checkpoint, resolve. */
  signal?: AbortSignal;
  /** Called after every step (same payload as the 'step' event). */
  onStep?: (e: StepEvent) => void;
  /** Sentence encoder for explain_correction; default: SBERT loaded on demand when a selected reward needs one. */
  encoder?: SentenceEncoder;
  /** SFT targets (default: from the data: span/NIL or explanation/correction). */
  sftTarget?: SftTarget;
  /** Progress line options for the logger (null = none). */
  progress?: TrainLoggerOptions['progress'];
  /** Decoded-frame cache folder (default <output_dir>/video-cache). */
  videoCacheDir?: string;
  /** Already-loaded training data (the demo passes what it built); default: read from config.datasets. */
  data?: TrainingData;
  /** Informational lines (default: stderr). */
  log?: (line: string) => void;
  /**
   * Multi-process context; default: from the environment (WORLD_SIZE > 1 under torchrun or `--nproc-per-node`),
   * null = single process. One given here is not destroyed by the trainer.
   */
  dist?: DistContext | null;
}

export interface StepEvent {
  step: number;
  totalSteps: number;
  stage: Stage;
  epoch: number;
  metrics: StepMetrics;
  /** The metrics.jsonl record this step closed, if it closed a logging window. */
  record: MetricsRecord | null;
  samples: RolloutSample[];
}

export interface TrainResult {
  stage: Stage;
  globalStep: number;
  totalSteps: number;
  stopped: 'completed' | 'aborted';
  lastCheckpoint: CheckpointInfo | null;
  outputDir: string;
  /** Every step's metrics of this session, in order (what 'step' events carried). */
  history: StepMetrics[];
}

export class Trainer extends EventEmitter {
  readonly cfg: TrainConfig;
  readonly opts: TrainerOptions;
  readonly stage: Stage;

  constructor(cfg: TrainConfig, opts: TrainerOptions = {}) {
    super();
    this.cfg = cfg;
    this.opts = opts;
    this.stage = opts.stage ?? 'grpo';
  }

  #log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  async train(): Promise<TrainResult> {
    const c = this.cfg;
    const stage = this.stage;
    // every input is checked before anything is created: a wrong model_path or bad data leaves no output_dir behind
    checkTrainInputs(c, stage);
    const resume = resolveResume(c.resume_from_checkpoint, c.output_dir);
    if (resume) {
      const was = checkpointStage(resume.path);
      if (was && was !== stage) throw new DataError(`checkpoint was written by stage "${was}", this run is stage "${stage}"`, { file: resume.path, field: 'resume_from_checkpoint' });
    }
    const data = this.opts.data ?? (await loadTrainingData(c, { log: (l) => this.#log(l) }));
    const dist = this.opts.dist !== undefined ? this.opts.dist : await initTrainingDist(c);
    const root = !dist || dist.rank === 0;
    mkdirSync(c.output_dir, { recursive: true });
    // prompts per optimizer step over all ranks: per_device_train_batch_size is per rank, as in HF/TRL
    const promptsPerStep = c.per_device_train_batch_size * c.gradient_accumulation_steps * (dist?.world ?? 1);
    // num_iterations: each rollout batch is used for that many optimizer steps (an epoch has that many more steps)
    const mu = stage === 'grpo' ? c.num_iterations : 1;
    const totalSteps = c.max_steps > 0 ? c.max_steps : Math.ceil((data.examples.length * c.num_train_epochs) / promptsPerStep) * mu;
    const warmupSteps = warmupStepsFor(totalSteps, c.warmup_steps, c.warmup_ratio);
    const sched: LrScheduleSpec = { type: c.lr_scheduler_type, peakLr: c.learning_rate, totalSteps, warmupSteps };

    const owned: { dispose(): void }[] = [];
    try {
      // one writer per run folder: rank 0 writes logs and checkpoints, and a second run is refused before it touches them
      if (root) owned.push({ dispose: lockRunDir(c.output_dir, { tool: 'rarft-train run', hint: 'use another output_dir or wait for it' }) });
      cleanStaleTemps(c.output_dir);
      const tokenizer = loadTextTokenizer(c.model_path);
      const padId = tokenizer.tokenId('<|endoftext|>');
      const eosId = tokenizer.tokenId('<|im_end|>');
      const device = trainingDevice(c, dist);
      if (c.full_determinism) setDeterministic(true);
      const policy = await setupPolicy(c, stage, resume?.path ?? c.model_path, dist, device);
      owned.push(policy);
      const { model, ref, optimizer } = policy;
      if (policy.unusedPatterns.length && root) this.#log(`warning: freeze/unfreeze patterns matched no parameter: ${policy.unusedPatterns.join(', ')}`);
      if (dist && policy.memory) {
        const m = policy.memory, mib = (b: number) => (b / 2 ** 20).toFixed(1);
        this.#log(
          `zero3 rank ${dist.rank}/${dist.world} on ${device} (collectives: ${dist.group.backend} on ${dist.group.device}): parameters ${mib(m.params)} MiB + optimizer state ${mib(m.optimizer)} MiB on this rank; ` +
            `one process would hold ${mib(m.unshardedParams)} + ${mib(m.unshardedOptimizer)} MiB (ratio ${((m.params + m.optimizer) / (m.unshardedParams + m.unshardedOptimizer)).toFixed(3)})`,
        );
      }

      const sampling = new Generator(c.seed);
      owned.push(sampling);
      let step = 0;
      let cursor = new ExampleCursor(data.examples.length, 0, 0, c.data_seed);
      if (resume) {
        const st = readTrainerState(resume.path);
        if (!c.save_only_model) await policy.restoreOptimizer(resume.path);
        if (st.rng.sampling) restoreRng(sampling, st.rng.sampling);
        cursor = ExampleCursor.from(data.examples.length, st.data_cursor);
        step = st.global_step;
        const retired = root ? retireCheckpointsAfter(c.output_dir, step) : [];
        if (retired.length) this.#log(`resume: retired later checkpoints ${retired.join(', ')}`);
        if (root) this.#log(`resumed from ${resume.path} at step ${step}`);
      }
      if (root) {
        saveConfig(c.output_dir, c);
        truncateCompletions(join(c.output_dir, COMPLETIONS_FILE), step);
      }

      const videos = new VideoInputCache(videoOptions(c.video), this.opts.videoCacheDir ?? join(c.output_dir, 'video-cache'));
      owned.push(videos);
      const encoder = stage === 'grpo' ? await this.#encoder(owned, device) : undefined;
      const unreadable = new UnreadableVideos(c.max_unreadable_videos);
      const ctx: StepContext = { cfg: c, device, model, ref, tokenizer, optimizer, videos, sampling, padId, dist, unreadableVideos: unreadable, ...(encoder ? { encoder } : {}) };
      // Rank 0 alone writes logs, completions and checkpoints; the other ranks' logger writes nothing.
      const logger = new TrainLogger({
        outputDir: c.output_dir,
        reportTo: root ? c.report_to : [],
        loggingSteps: c.logging_steps,
        totalSteps,
        startStep: step,
        stage,
        ...(this.opts.progress !== undefined ? { progress: this.opts.progress } : {}),
        ...(root ? {} : { progress: null }),
      });
      if (root) this.#log(
        `${stage}: ${data.examples.length} examples, ${totalSteps} steps of ${promptsPerStep} prompt(s)` +
          `${stage === 'grpo' ? ` x ${c.num_generations} completions` : ''}` +
          `${stage === 'grpo' && c.dynamic_sampling.enabled ? ` (dynamic sampling: zero-std groups replaced, up to ${c.dynamic_sampling.max_rounds} generation rounds)` : ''}` +
          `; ${policy.trainable.length} trainable / ${policy.frozen.length} frozen tensors` +
          `${dist ? `; ZeRO-3 over ${dist.world} ranks (${promptsPerStep / dist.world} prompt(s) each)` : ''}`,
      );
      this.emit('start', { stage, startStep: step, totalSteps, examples: data.examples.length });

      // num_iterations > 1: the batch being replayed (restored from a checkpoint taken mid-cycle)
      let buffered: BufferedRollouts | null = resume && mu > 1 ? await loadBuffer(resume.path, ctx, data.examples) : null;
      owned.push({ dispose: () => disposeBuffer(buffered) });
      const history: StepMetrics[] = [];
      let last: CheckpointInfo | null = null;
      let lastSaved = step;
      const save = async () => {
        lastSaved = step;
        // a batch still being replayed goes into the checkpoint (every rank's: the others stage theirs first)
        const midCycle = buffered !== null && buffered.itersLeft > 0 ? buffered : null;
        if (!root) {
          if (midCycle) await stageBuffer(c.output_dir, midCycle, dist!.rank, dist!.world);
          return policy.joinSave();
        }
        const writeExtra = async (dir: string) => {
          if (midCycle) await writeBuffers(dir, c.output_dir, midCycle, dist?.world ?? 1);
        };
        last = await saveRunCheckpoint(model, policy.writeOptimizer, tokenizer, c.model_path, {
          cfg: c, stage, step, epoch: cursor.progress, cursor: cursor.state(), rng: { sampling }, totalSteps, warmupSteps, metricsTail: logger.tail, writeExtra,
        });
        this.emit('checkpoint', last);
      };
      let stopped: TrainResult['stopped'] = 'completed';
      try {
        while (step < totalSteps) {
          // every rank stops at the same step (a lone rank leaving would strand the others in a collective)
          const abort = this.opts.signal?.aborted ?? false;
          if (dist ? await dist.anyTrue(abort) : abort) {
            stopped = 'aborted';
            break;
          }
          const t0 = performance.now();
          const lr = lrAt(sched, step);
          const takeExamples = (n = promptsPerStep): PromptDraw => {
            const picks = cursor.take(n);
            return { picks, examples: picks.map((p) => resolveExample(data.examples[p.example] as TrainingExample, { seed: c.data_seed, epoch: p.epoch, step })) };
          };
          // dynamic sampling's refill rounds draw further prompts from the same cursor (checkpointed: exact resume)
          const source = (): PromptSource => ({ first: takeExamples(), more: takeExamples });
          let metrics: StepMetrics = {};
          let samples: RolloutSample[] = [];
          if (stage === 'sft') metrics = await sftStep(ctx, takeExamples().examples, lr, this.opts.sftTarget ?? defaultSftTarget, eosId);
          else if (mu === 1) ({ metrics, samples } = await grpoStep(ctx, source(), lr));
          else {
            const r = await replayStep(ctx, buffered, { mu, step, lr, source });
            ({ metrics, samples } = r.result);
            buffered = r.buffer;
          }
          metrics['time/step'] = (performance.now() - t0) / 1000;
          const failedVideos = unreadable.takeStep();
          // on every skipped step (skips are agreed by all ranks, so every rank has the same keys to reduce)
          if (metrics.skipped === 1) metrics['data/unreadable_videos'] = failedVideos.length;
          if (dist) metrics = await dist.reduceMetrics(metrics);
          step++;
          history.push(metrics);
          for (const f of failedVideos)
            this.#log(`${dist ? `rank ${dist.rank}: ` : ''}step ${step}: skipped: ${f.message} (${unreadable.all.length} unreadable so far; the run stops past max_unreadable_videos = ${unreadable.limit})`);
          if (metrics.skipped === 1 && root && !failedVideos.length) this.#log(`step ${step}: skipped (${String(metrics.skip_reason)})`);
          const record = logger.logStep(step, metrics, { epoch: cursor.progress });
          if (samples.length && root) appendCompletions(join(c.output_dir, COMPLETIONS_FILE), step, samples);
          const ev: StepEvent = { step, totalSteps, stage, epoch: cursor.progress, metrics, record, samples };
          this.emit('step', ev);
          this.opts.onStep?.(ev);
          const tooManyBadVideos = dist ? await dist.anyTrue(unreadable.overLimit) : unreadable.overLimit;
          if (step % c.save_steps === 0 || step === totalSteps || tooManyBadVideos) await save();
          if (tooManyBadVideos) throw stopForUnreadableVideos(unreadable, last);
          await new Promise((r) => setImmediate(r)); // let timers / signal handlers run between steps
        }
        if (stopped === 'aborted' && step > lastSaved) await save();
      } finally {
        logger.close();
      }
      this.emit('end', { stage, step, stopped });
      return { stage, globalStep: step, totalSteps, stopped, lastCheckpoint: last, outputDir: c.output_dir, history };
    } finally {
      for (const o of owned.reverse()) o.dispose();
      if (dist && this.opts.dist === undefined) await dist.group.destroy();
    }
  }

  /** The reward encoder, wrapped to batch a step's pairs; an SBERT loaded here is added to `owned` (disposed at the end). */
  async #encoder(owned: { dispose(): void }[], device: Device): Promise<SentenceEncoder | undefined> {
    const needs = this.cfg.reward_funcs.filter((n) => getReward(n).needsEncoder);
    if (!needs.length) return undefined;
    if (this.opts.encoder) return new BatchingEncoder(this.opts.encoder);
    const { SbertEncoder } = await import('../sbert/encoder.js');
    try {
      const sbert = await SbertEncoder.load({ device });
      owned.push(sbert);
      return new BatchingEncoder(sbert);
    } catch (e) {
      throw new DataError(`reward ${needs.join(', ')} needs the SBERT weights (run \`npm run setup:sbert\`): ${(e as Error).message}`, { field: 'reward_funcs' });
    }
  }
}

/** `await train(config, { signal, onStep })`: the Trainer in one call. */
export async function train(cfg: TrainConfig, opts: TrainerOptions = {}): Promise<TrainResult> {
  return new Trainer(cfg, opts).train();
}
