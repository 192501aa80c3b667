/**
 * Which examples each optimizer step trains on, as a pure function of (seed, step), so resume is exact.
 * Every epoch visits all N examples in its own shuffled order (Fisher–Yates with a PRNG keyed on data_seed and the
 * epoch, like the reference's per-epoch reshuffle). One optimizer step consumes P = world_size × per_device_batch ×
 * grad_accum prompts; rank r's micro-batch m takes its slice of them. When N is not a multiple of P, the epoch's last
 * step is filled from the start of the same epoch's order, as torch's DistributedSampler pads, so every step has full
 * batches and the step count per epoch is ceil(N / P).
 * The plan also answers "how many steps in total" (epochs or max_steps) and the fractional epoch to log.
 */
import { mulberry32 } from '../data/prng.js';

export interface StepPlanOptions {
  numExamples: number;
  perDeviceBatch: number;
  gradAccum: number;
  worldSize: number;
  epochs: number;
  /** -1 = run `epochs` epochs. */
  maxSteps: number;
  seed: number;
}

export interface DataCursor {
  epoch: number;
  /** Position in that epoch's order of the next example. */
  index: number;
  seed: number;
}

export class StepPlan {
  readonly promptsPerStep: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly #o: StepPlanOptions;
  #cache: { epoch: number; order: Uint32Array } | null = null;

  constructor(o: StepPlanOptions) {
    for (const k of ['numExamples', 'perDeviceBatch', 'gradAccum', 'worldSize', 'epochs'] as const)
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`StepPlan: ${k} must be a positive integer, got ${o[k]}`);
    this.#o = o;
    this.promptsPerStep = o.worldSize * o.perDeviceBatch * o.gradAccum;
    this.stepsPerEpoch = Math.ceil(o.numExamples / this.promptsPerStep);
    this.totalSteps = o.maxSteps > 0 ? o.maxSteps : this.stepsPerEpoch * o.epochs;
  }

  /** The example order of `epoch` (a permutation of 0..N-1). */
  order(epoch: number): Uint32Array {
    if (this.#cache?.epoch === epoch) return this.#cache.order;
    const n = this.#o.numExamples;
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    // key the stream on (seed, epoch): every epoch reshuffles, the same seed reproduces
    const rand = mulberry32(Math.imul(this.#o.seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35));
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    this.#cache = { epoch, order };
    return order;
  }

  /** The fractional epoch after `stepsDone` optimizer steps (what the reference logs as `epoch`). */
  epochAt(stepsDone: number): number {
    return stepsDone / this.stepsPerEpoch;
  }

  /** Where step `step` (0-based) starts reading. */
  cursorAt(step: number): DataCursor {
    return { epoch: Math.floor(step / this.stepsPerEpoch), index: (step % this.stepsPerEpoch) * this.promptsPerStep, seed: this.#o.seed };
  }

  /** The step a saved cursor resumes at; throws if it was made with another plan (seed or batch geometry changed). */
  stepOf(cursor: DataCursor): number {
    if (cursor.seed !== this.#o.seed) throw new RangeError(`data cursor was saved with data_seed ${cursor.seed}, this run uses ${this.#o.seed}`);
    if (cursor.index % this.promptsPerStep !== 0 || cursor.index / this.promptsPerStep >= this.stepsPerEpoch)
      throw new RangeError(`data cursor index ${cursor.index} does not fall on a step boundary of ${this.promptsPerStep} prompts per step (batch size or world size changed?)`);
    return cursor.epoch * this.stepsPerEpoch + cursor.index / this.promptsPerStep;
  }

  /**
   * Example ids for step `step` (0-based), for `rank`, as `gradAccum` micro-batches of `perDeviceBatch` each.
   * Ranks interleave within each micro-batch (rank r takes every worldSize-th prompt), as DistributedSampler does.
   */
  examplesFor(step: number, rank = 0): number[][] {
    const { worldSize: W, perDeviceBatch: B, gradAccum: K, numExamples: N } = this.#o;
    if (rank < 0 || rank >= W) throw new RangeError(`rank ${rank} out of range for world size ${W}`);
    const { epoch, index } = this.cursorAt(step);
    const order = this.order(epoch);
    const out: number[][] = [];
    for (let k = 0; k < K; k++) {
      const mb: number[] = [];
      for (let b = 0; b < B; b++) mb.push(order[(index + (k * B + b) * W + rank) % N]!);
      out.push(mb);
    }
    return out;
  }
}
