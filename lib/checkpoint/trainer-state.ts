/**
 * trainer_state.json: everything besides weights and optimizer moments that an exact resume needs: the step, the
 * (fractional) epoch, where the data order is, every RNG's state, the LR schedule, and the tail of the metrics
 * history (so a resumed run's progress line and averages continue). Validated on read: a hand-edited or foreign
 * file fails with the file and field named, not with an undefined deep in the trainer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

import { DataError } from '../errors.js';
import type { Generator } from '../tensor/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const TRAINER_STATE_FILE = 'trainer_state.json';

const trainerStateSchema = z.object({
  format: z.literal('rarft-trainer-state/1'),
  global_step: z.number().int().nonnegative(),
  epoch: z.number().nonnegative(),
  /** Where the next example comes from: the epoch being read, the position in its order, and the order's seed. */
  data_cursor: z.object({ epoch: z.number().int().nonnegative(), index: z.number().int().nonnegative(), seed: z.number().int() }).passthrough(),
  /** Generator states, base64 (Generator.getState()), by name (e.g. "sampling", "data"). */
  rng: z.record(z.string(), z.string()),
  scheduler: z.object({
    type: z.enum(['linear', 'cosine', 'constant']),
    peak_lr: z.number().positive(),
    total_steps: z.number().int().positive(),
    warmup_steps: z.number().int().nonnegative(),
  }),
  /** The last metrics records (newest last). */
  metrics_tail: z.array(z.record(z.string(), z.unknown())),
  saved_at: z.string(),
});

export type TrainerState = z.infer<typeof trainerStateSchema>;

export function encodeRng(gen: Generator): string {
  return Buffer.from(gen.getState()).toString('base64');
}

export function restoreRng(gen: Generator, b64: string): void {
  gen.setState(new Uint8Array(Buffer.from(b64, 'base64')));
}

export function writeTrainerState(dir: string, state: Omit<TrainerState, 'format' | 'saved_at'>): string {
  const full: TrainerState = { format: 'rarft-trainer-state/1', ...state, saved_at: new Date().toISOString() };
  trainerStateSchema.parse(full); // never write a file we could not read back
  const path = join(dir, TRAINER_STATE_FILE);
  writeFileAtomic(path, JSON.stringify(full, null, 1));
  return path;
}

export function readTrainerState(dir: string): TrainerState {
  const path = join(dir, TRAINER_STATE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataError(`cannot read trainer state: ${(err as Error).message}`, { file: path });
  }
  const r = trainerStateSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new DataError(i.message, { file: path, field: i.path.join('.') });
  }
  return r.data;
}
