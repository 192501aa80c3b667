/**
 * The checkpoint folders of a run:
 *   output_dir/checkpoint-N/   model weights (the model's own save), optimizer.safetensors, trainer_state.json
 *   output_dir/latest          the name of the checkpoint to resume from ("checkpoint-N\n")
 * A checkpoint is written into a fresh `output_dir/.tmp-checkpoint-N-<pid>-<random>/` and renamed into place only once complete,
 * so a crash or a failed write never leaves a half checkpoint under a checkpoint-N name; `latest` is updated (also
 * by rename) after that. Rotation keeps `save_total_limit` checkpoints and never deletes the newest one or the one
 * `latest` names.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { DataError } from '../errors.js';
import { TRAINER_STATE_FILE } from './trainer-state.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const LATEST_FILE = 'latest';
const CKPT = /^checkpoint-(\d+)$/;
const TMP_PREFIX = '.tmp-checkpoint-';

export interface CheckpointInfo {
  name: string;
  step: number;
  path: string;
}

export const checkpointName = (step: number) => `checkpoint-${step}`;

/** Complete checkpoints (a checkpoint-N folder holding trainer_state.json), oldest step first. */
export function listCheckpoints(outputDir: string): CheckpointInfo[] {
  if (!existsSync(outputDir)) return [];
  const out: CheckpointInfo[] = [];
  for (const name of readdirSync(outputDir)) {
    const m = CKPT.exec(name);
    const path = join(outputDir, name);
    if (m && statSync(path).isDirectory() && existsSync(join(path, TRAINER_STATE_FILE))) out.push({ name, step: Number(m[1]), path });
  }
  return out.sort((a, b) => a.step - b.step);
}

function readLatestPointer(outputDir: string): string | null {
  const p = join(outputDir, LATEST_FILE);
  if (!existsSync(p)) return null;
  const name = readFileSync(p, 'utf8').trim();
  return CKPT.test(name) ? name : null;
}

/**
 * The checkpoint to resume from: the one `latest` names if it is complete, else the highest complete step
 * (`latest` wins because after a resume from an older checkpoint the highest step may belong to the abandoned run).
 */
export function findLatestCheckpoint(outputDir: string): CheckpointInfo | null {
  const all = listCheckpoints(outputDir);
  const pointer = readLatestPointer(outputDir);
  return all.find((c) => c.name === pointer) ?? all[all.length - 1] ?? null;
}

/**
 * Resolves `resume_from_checkpoint`: null -> start fresh; "latest" -> output_dir's latest checkpoint, or null when
 * there is none yet (a first launch with the same command); a path -> that checkpoint, which must be complete.
 */
export function resolveResume(resumeFrom: string | null, outputDir: string): CheckpointInfo | null {
  if (resumeFrom === null) return null;
  if (resumeFrom === 'latest') return findLatestCheckpoint(outputDir);
  const m = CKPT.exec(resumeFrom.replace(/\/+$/, '').split('/').pop() ?? '');
  if (!m || !existsSync(join(resumeFrom, TRAINER_STATE_FILE)))
    throw new DataError(`not a complete checkpoint folder (expected checkpoint-N/ with ${TRAINER_STATE_FILE})`, { file: resumeFrom, field: 'resume_from_checkpoint' });
  return { name: `checkpoint-${m[1]}`, step: Number(m[1]), path: resumeFrom };
}

/** Temp files of atomic writes (lib/util/atomic-write.ts: `<name>.tmp-<pid>-<hex>`) left by a crash. */
const TMP_FILE = /\.tmp-\d+-[0-9a-f]{12}$/;

/**
 * Removes temp folders and files left by a crash mid-save (call at startup, holding the run lock: no other process
 * may be saving). A symlink among them is removed itself, never followed.
 */
export function cleanStaleTemps(outputDir: string): string[] {
  if (!existsSync(outputDir)) return [];
  const removed = readdirSync(outputDir).filter((n) => n.startsWith(TMP_PREFIX) || TMP_FILE.test(n));
  for (const n of removed) rmSync(join(outputDir, n), { recursive: true, force: true });
  return removed;
}

/** Writes `output_dir/latest` atomically. */
export function writeLatestPointer(outputDir: string, name: string): void {
  writeFileAtomic(join(outputDir, LATEST_FILE), `${name}\n`);
}

/**
 * Deletes the oldest checkpoints beyond `limit`, sparing the newest and the one `latest` names (so with limit 1
 * both may survive). Returns the names deleted.
 */
export function rotateCheckpoints(outputDir: string, limit: number | null): string[] {
  if (limit === null) return [];
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`save_total_limit must be a positive integer or null, got ${limit}`);
  const all = listCheckpoints(outputDir);
  const keep = new Set<string>([...all.slice(-limit).map((c) => c.name)]);
  const pointer = readLatestPointer(outputDir);
  if (pointer) keep.add(pointer);
  const deleted: string[] = [];
  for (const c of all) {
    if (keep.has(c.name)) continue;
    rmSync(c.path, { recursive: true, force: true });
    deleted.push(c.name);
  }
  return deleted;
}

/**
 * After resuming from step N, checkpoints with a higher step belong to the run being replaced: they are renamed
 * to `checkpoint-M.abandoned-<time>` (kept for the user, but out of resume and rotation). Returns the new names.
 */
export function retireCheckpointsAfter(outputDir: string, step: number, now = new Date()): string[] {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const out: string[] = [];
  for (const c of listCheckpoints(outputDir)) {
    if (c.step <= step) continue;
    const to = `${c.name}.abandoned-${stamp}`;
    renameSync(c.path, join(outputDir, to));
    out.push(to);
  }
  return out;
}

export interface SaveCheckpointOptions {
  /** save_total_limit (null = keep all). */
  saveTotalLimit?: number | null;
}

/**
 * Saves checkpoint-`step`: `write(tmpDir)` must write everything (model, optimizer, trainer state last) into the
 * temp folder; on success it is renamed into place, `latest` is pointed at it, and old checkpoints are rotated.
 * If `write` throws, the temp folder is removed and the previous checkpoints and `latest` are untouched.
 */
export async function saveCheckpoint(outputDir: string, step: number, write: (dir: string) => Promise<void> | void, opts: SaveCheckpointOptions = {}): Promise<CheckpointInfo & { rotated: string[] }> {
  mkdirSync(outputDir, { recursive: true });
  const name = checkpointName(step);
  // a fresh folder of a random name (mkdtemp creates it exclusively): nothing already there is ever written into
  const tmp = mkdtempSync(join(outputDir, `${TMP_PREFIX}${step}-${process.pid}-`));
  try {
    await write(tmp);
    if (!existsSync(join(tmp, TRAINER_STATE_FILE))) throw new Error(`checkpoint writer did not write ${TRAINER_STATE_FILE}`);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const final = join(outputDir, name);
  if (existsSync(final)) {
    // re-saving the same step (e.g. after a resume): move the old one aside first, so there is never a moment
    // without a complete checkpoint-N, then drop it
    const old = join(outputDir, `${TMP_PREFIX}old-${step}-${process.pid}-${randomBytes(6).toString('hex')}`);
    renameSync(final, old);
    renameSync(tmp, final);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(tmp, final);
  }
  writeLatestPointer(outputDir, name);
  const rotated = rotateCheckpoints(outputDir, opts.saveTotalLimit ?? null);
  return { name, step, path: final, rotated };
}
