import { DataError } from '../errors.js';
import { hashKey, mulberry32, permutation, randomIndex } from './prng.js';
import type { RaRftRecord, Span } from './types.js';

/** One (query, GT answer) pair a refusable example can be trained on. */
export interface RefusableQuery {
  problem: string;
  gtAnswers: string;
}

interface ExampleBase {
  recordIndex: number;
  sourceFile: string;
  videoPath: string;
  duration: number;
  /** The record's refusable pool; answerable examples draw their contrast negative from it too. */
  pool: RefusableQuery[];
}

/** Trains the answer span of the record's first answerable item. */
export interface AnswerableExample extends ExampleBase {
  taskType: 'answerable';
  problem: string;
  gtAnswers: string;
  solution: Span;
}

/**
 * Trains a refusal. The query is not fixed: it is drawn from `pool` at every step (`resolveExample`). `slot` numbers
 * the refusable examples of one record (0..ratio-1) so that, at a 1:3 ratio, the three draws of a step are independent.
 */
export interface RefusableExample extends ExampleBase {
  taskType: 'refusable';
  slot: number;
  /** The record's answerable query: the GT correction. */
  answerableQuery: string;
  /** The answerable item's `<answer>S to E</answer>` (the reference passes it as `refusable_queries`). */
  answerableAnswer: string;
}

export type TrainingExample = AnswerableExample | RefusableExample;

export interface BuildExamplesOptions {
  /** Refusable examples per answerable one (the reference: 1; the paper's data: 3). Default 1. */
  refusablePerAnswerable?: number;
  /**
   * How many refusable items of each record form its pool, in file order. Default: all of them (the reference keeps
   * only the first 3 for refusable examples, §7 item 4).
   */
  poolSize?: number;
  /** 'error' (default): a record without an answerable or a refusable item is a DataError; 'skip': leave it out. */
  incomplete?: 'error' | 'skip';
}

export interface BuiltExamples {
  examples: TrainingExample[];
  /** Records left out by `incomplete: 'skip'`, with the reason. */
  skipped: { recordIndex: number; sourceFile: string; reason: string }[];
}

/**
 * Training examples per rarft-reference §4.1 with §7 items 3–5 fixed: every refusable example keeps its pool (no column
 * loss), negatives are drawn per step rather than once, every refusable item can be drawn, and the ratio is a setting.
 * Records need a duration (refuse_iou uses it): call `resolveDurations` with the video probe first.
 * Order: for each record, its answerable example then its refusable examples; shuffle per epoch with `epochOrder`.
 */
export function buildTrainingExamples(records: readonly RaRftRecord[], options: BuildExamplesOptions = {}): BuiltExamples {
  const ratio = options.refusablePerAnswerable ?? 1;
  if (!Number.isInteger(ratio) || ratio < 0) throw new Error(`refusablePerAnswerable must be a non-negative integer, got ${ratio}`);
  const poolSize = options.poolSize ?? Infinity;
  if (!(poolSize >= 1)) throw new Error(`poolSize must be at least 1, got ${poolSize}`);
  const examples: TrainingExample[] = [];
  const skipped: BuiltExamples['skipped'] = [];
  for (const record of records) {
    const where = { file: record.sourceFile, record: record.recordIndex };
    const positive = record.items.find((i) => i.relevant);
    const refusables = record.items.filter((i) => !i.relevant);
    const problem = !positive ? 'has no answerable (r=true) item' : refusables.length === 0 ? 'has no refusable (r=false) item' : null;
    if (problem) {
      if (options.incomplete === 'skip') {
        skipped.push({ recordIndex: record.recordIndex, sourceFile: record.sourceFile, reason: problem });
        continue;
      }
      throw new DataError(`record ${problem}; training needs both`, { ...where, field: 'GRPO' });
    }
    if (record.span === null) throw new DataError('answerable record has no timestamp', { ...where, field: 'timestamp' });
    if (record.duration === null) {
      throw new DataError('record has no duration; resolve durations (resolveDurations with a video probe) before building examples', {
        ...where,
        field: 'duration',
      });
    }
    const pool = refusables.slice(0, poolSize).map((i) => ({ problem: i.query.trim(), gtAnswers: i.answer.trim() }));
    const base = { recordIndex: record.recordIndex, sourceFile: record.sourceFile, videoPath: record.videoPath, duration: record.duration, pool };
    examples.push({ ...base, taskType: 'answerable', problem: positive!.query.trim(), gtAnswers: positive!.answer.trim(), solution: record.span });
    for (let slot = 0; slot < ratio; slot++) {
      examples.push({ ...base, taskType: 'refusable', slot, answerableQuery: positive!.query.trim(), answerableAnswer: positive!.answer });
    }
  }
  return { examples, skipped };
}

/** The example order of one epoch: a permutation seeded by (seed, epoch), so any epoch can be recomputed on resume. */
export function epochOrder(exampleCount: number, seed: number, epoch: number): number[] {
  return permutation(exampleCount, mulberry32(hashKey(seed, epoch, DOMAIN_SHUFFLE)));
}

/** When an example is used: the draws depend on these and nothing else (no hidden stream state). */
export interface DrawKey {
  seed: number;
  epoch: number;
  /** The optimizer step (global_step) at which the example is trained. */
  step: number;
}

/** An example with its per-step query/negative drawn: what one GRPO step trains on. */
export interface ResolvedExample {
  taskType: 'answerable' | 'refusable';
  problem: string;
  gtAnswers: string;
  /** Answerable: the drawn contrast negative's explanation. Refusable: the answerable item's answer text. */
  refusableQueries: string;
  /** Refusable: the original answerable query (GT correction). Answerable: null. */
  answerableQuery: string | null;
  solution: Span | null;
  videoPath: string;
  duration: number;
  recordIndex: number;
  /** The annotation file the record came from (names it when the example's video fails). */
  sourceFile?: string;
  /** Index into the record's pool of the drawn query or negative. */
  poolIndex: number;
}

/**
 * Draws the refusable query (refusable examples) or the contrast negative (answerable examples) for one step, from a
 * PRNG keyed by (seed, epoch, step, record, slot). Every rank and every resumed run gets the same draw for the same
 * key, and different records in the same step draw independently (the reference used one slot per step for all).
 */
export function resolveExample(example: TrainingExample, key: DrawKey): ResolvedExample {
  const slot = example.taskType === 'refusable' ? example.slot + 1 : 0;
  const next = mulberry32(hashKey(key.seed, key.epoch, key.step, example.recordIndex, slot, DOMAIN_NEGATIVE));
  const poolIndex = randomIndex(next, example.pool.length);
  const drawn = example.pool[poolIndex]!;
  const common = { videoPath: example.videoPath, duration: example.duration, recordIndex: example.recordIndex, sourceFile: example.sourceFile, poolIndex };
  if (example.taskType === 'answerable') {
    return {
      ...common,
      taskType: 'answerable',
      problem: example.problem,
      gtAnswers: example.gtAnswers,
      refusableQueries: drawn.gtAnswers,
      answerableQuery: null,
      solution: example.solution,
    };
  }
  return {
    ...common,
    taskType: 'refusable',
    problem: drawn.problem,
    gtAnswers: drawn.gtAnswers,
    refusableQueries: example.answerableAnswer,
    answerableQuery: example.answerableQuery,
    solution: null,
  };
}

/** Separate hash domains so the shuffle and the negative draws never share a seed. */
const DOMAIN_SHUFFLE = 1;
const DOMAIN_NEGATIVE = 2;

/**
 * The keyword fields the reward functions receive (rarft-reference §1.0), named as in the reference so the rewards
 * module can be checked against it. `durations` is the video length in seconds.
 */
export interface RewardFields {
  task_type: 'answerable' | 'refusable';
  problem: string;
  solution: Span | null;
  durations: number;
  gt_answers: string;
  refusable_queries: string;
  answerable_query: string | null;
  video_path: string;
}

export function exampleToRewardFields(example: ResolvedExample): RewardFields {
  return {
    task_type: example.taskType,
    problem: example.problem,
    solution: example.solution,
    durations: example.duration,
    gt_answers: example.gtAnswers,
    refusable_queries: example.refusableQueries,
    answerable_query: example.answerableQuery,
    video_path: example.videoPath,
  };
}
