/**
 * Checkpoint folders: atomic save (an injected failure mid-write leaves nothing half-written), rotation by
 * save_total_limit sparing the newest and `latest`, latest detection and resume resolution, trainer_state with
 * RNG states, and the optimizer's safetensors round trip.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { AdamW } from '../../lib/optim/index.js';
import { Generator, rand, tensor, tidy, tidyAsync } from '../../lib/tensor/index.js';
import {
  cleanStaleTemps,
  findLatestCheckpoint,
  listCheckpoints,
  resolveResume,
  retireCheckpointsAfter,
  rotateCheckpoints,
  saveCheckpoint,
  writeLatestPointer,
} from '../../lib/checkpoint/checkpoint-dir.js';
import { OPTIMIZER_FILE, loadOptimizerState, saveOptimizerState } from '../../lib/checkpoint/optimizer-checkpoint.js';
import { type TrainerState, encodeRng, readTrainerState, restoreRng, writeTrainerState } from '../../lib/checkpoint/trainer-state.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rarft-ckpt-'));
const state = (step: number): Omit<TrainerState, 'format' | 'saved_at'> => ({
  global_step: step,
  epoch: step / 10,
  data_cursor: { epoch: 0, index: step, seed: 42 },
  rng: {},
  scheduler: { type: 'linear', peak_lr: 1e-6, total_steps: 100, warmup_steps: 0 },
  metrics_tail: [{ step, loss: 0.1 }],
});
const writer = (step: number) => (dir: string) => {
  writeFileSync(join(dir, 'model.safetensors'), `weights ${step}`);
  writeTrainerState(dir, state(step));
};
const names = (dir: string) => readdirSync(dir).sort();

describe('saveCheckpoint', () => {
  it('renames a complete temp folder into checkpoint-N and points latest at it', async () => {
    const out = tmp();
    const info = await saveCheckpoint(out, 50, writer(50));
    expect(info.name).toBe('checkpoint-50');
    expect(names(out)).toEqual(['checkpoint-50', 'latest']);
    expect(readFileSync(join(out, 'latest'), 'utf8')).toBe('checkpoint-50\n');
    expect(names(info.path)).toEqual(['model.safetensors', 'trainer_state.json']);
  });
  it('a failure mid-write leaves no half checkpoint and keeps the previous latest', async () => {
    const out = tmp();
    await saveCheckpoint(out, 50, writer(50));
    const failing = (dir: string) => {
      writeFileSync(join(dir, 'model.safetensors'), 'partial');
      throw new Error('disk full (injected)');
    };
    await expect(saveCheckpoint(out, 100, failing)).rejects.toThrow('disk full (injected)');
    expect(names(out)).toEqual(['checkpoint-50', 'latest']); // no checkpoint-100, no temp folder
    expect(findLatestCheckpoint(out)!.step).toBe(50);
    // a writer that forgets trainer_state.json is a failure too
    await expect(saveCheckpoint(out, 100, (d) => writeFileSync(join(d, 'x'), ''))).rejects.toThrow(/did not write trainer_state\.json/);
    expect(names(out)).toEqual(['checkpoint-50', 'latest']);
  });
  it('a crash mid-write (temp folder left behind) is ignored, then cleaned up', async () => {
    const out = tmp();
    await saveCheckpoint(out, 50, writer(50));
    mkdirSync(join(out, '.tmp-checkpoint-100-999'));
    writeFileSync(join(out, '.tmp-checkpoint-100-999', 'model.safetensors'), 'half');
    expect(listCheckpoints(out).map((c) => c.name)).toEqual(['checkpoint-50']);
    expect(findLatestCheckpoint(out)!.name).toBe('checkpoint-50');
    expect(cleanStaleTemps(out)).toEqual(['.tmp-checkpoint-100-999']);
    expect(names(out)).toEqual(['checkpoint-50', 'latest']);
  });
  it('a checkpoint-N folder without trainer_state.json is not a checkpoint', () => {
    const out = tmp();
    mkdirSync(join(out, 'checkpoint-7'));
    expect(listCheckpoints(out)).toEqual([]);
    expect(findLatestCheckpoint(out)).toBeNull();
  });
  it('re-saving the same step replaces it', async () => {
    const out = tmp();
    await saveCheckpoint(out, 50, writer(50));
    await saveCheckpoint(out, 50, (d) => {
      writeFileSync(join(d, 'model.safetensors'), 'new');
      writeTrainerState(d, state(50));
    });
    expect(readFileSync(join(out, 'checkpoint-50', 'model.safetensors'), 'utf8')).toBe('new');
    expect(names(out)).toEqual(['checkpoint-50', 'latest']);
  });
});

describe('rotation', () => {
  it('keeps save_total_limit newest checkpoints', async () => {
    const out = tmp();
    const rotated: string[][] = [];
    for (const s of [50, 100, 150, 200, 250]) rotated.push((await saveCheckpoint(out, s, writer(s), { saveTotalLimit: 3 })).rotated);
    expect(rotated).toEqual([[], [], [], ['checkpoint-50'], ['checkpoint-100']]);
    expect(listCheckpoints(out).map((c) => c.step)).toEqual([150, 200, 250]);
  });
  it('never deletes the newest or the one latest names, even with limit 1', async () => {
    const out = tmp();
    for (const s of [50, 100, 150]) await saveCheckpoint(out, s, writer(s));
    writeLatestPointer(out, 'checkpoint-50'); // e.g. the user pinned an earlier checkpoint
    expect(rotateCheckpoints(out, 1)).toEqual(['checkpoint-100']);
    expect(listCheckpoints(out).map((c) => c.name)).toEqual(['checkpoint-50', 'checkpoint-150']);
  });
  it('null keeps everything; a bad limit is an error', async () => {
    const out = tmp();
    for (const s of [1, 2, 3]) await saveCheckpoint(out, s, writer(s), { saveTotalLimit: null });
    expect(listCheckpoints(out).length).toBe(3);
    expect(() => rotateCheckpoints(out, 0)).toThrow(/positive integer or null/);
  });
});

describe('latest detection and resume', () => {
  it('orders by step number, not by name (checkpoint-100 after checkpoint-50)', async () => {
    const out = tmp();
    for (const s of [100, 50]) await saveCheckpoint(out, s, writer(s));
    expect(listCheckpoints(out).map((c) => c.step)).toEqual([50, 100]);
  });
  it('prefers the latest pointer; falls back to the highest step when it is missing or dangling', async () => {
    const out = tmp();
    for (const s of [50, 100]) await saveCheckpoint(out, s, writer(s));
    writeLatestPointer(out, 'checkpoint-50');
    expect(findLatestCheckpoint(out)!.step).toBe(50);
    writeLatestPointer(out, 'checkpoint-75'); // does not exist
    expect(findLatestCheckpoint(out)!.step).toBe(100);
  });
  it('resolveResume: null, "latest" (none yet -> fresh start), a path, a bad path', async () => {
    const out = tmp();
    expect(resolveResume(null, out)).toBeNull();
    expect(resolveResume('latest', out)).toBeNull();
    await saveCheckpoint(out, 50, writer(50));
    expect(resolveResume('latest', out)!.step).toBe(50);
    expect(resolveResume(join(out, 'checkpoint-50') + '/', out)!.step).toBe(50);
    expect(() => resolveResume(join(out, 'checkpoint-60'), out)).toThrow(/checkpoint-60, field "resume_from_checkpoint": not a complete checkpoint/);
  });
  it('resuming from an older checkpoint retires the abandoned later ones', async () => {
    const out = tmp();
    for (const s of [50, 100, 150]) await saveCheckpoint(out, s, writer(s));
    const retired = retireCheckpointsAfter(out, 50, new Date('2026-01-02T03:04:05.000Z'));
    expect(retired).toEqual(['checkpoint-100.abandoned-2026-01-02T03-04-05-000Z', 'checkpoint-150.abandoned-2026-01-02T03-04-05-000Z']);
    expect(listCheckpoints(out).map((c) => c.step)).toEqual([50]);
  });
});

describe('trainer_state.json', () => {
  it('round-trips, and restoring the RNG state replays the same random numbers', () => {
    const dir = tmp();
    const gen = new Generator(42);
    tidy(() => rand([3], { generator: gen })); // advance it
    const s = { ...state(7), rng: { sampling: encodeRng(gen) } };
    const next = tidy(() => Array.from(rand([4], { generator: gen }).toArray() as Float32Array));
    writeTrainerState(dir, s);
    const back = readTrainerState(dir);
    expect(back).toMatchObject({ ...s, format: 'rarft-trainer-state/1' });
    const gen2 = new Generator(1234);
    restoreRng(gen2, back.rng.sampling!);
    expect(tidy(() => Array.from(rand([4], { generator: gen2 }).toArray() as Float32Array))).toEqual(next);
    gen.dispose();
    gen2.dispose();
  });
  it('a broken file names the file and field', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'trainer_state.json'), JSON.stringify({ format: 'rarft-trainer-state/1', global_step: -1 }));
    expect(() => readTrainerState(dir)).toThrow(/trainer_state\.json, field "global_step"/);
  });
});

describe('optimizer.safetensors', () => {
  it('round-trips AdamW state (bf16 masters, int64 step scalars) and checks hyperparameters', async () => {
    const dir = tmp();
    const hyper = { betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0 };
    const w = tensor([1, -0.5, 0.25], { dtype: 'bfloat16' }).requiresGrad_();
    const a = new AdamW({ w });
    await tidyAsync(async () => w.mul(tensor([0.5, 1, -2], { dtype: 'bfloat16' })).sum().backward());
    await a.step(1e-2);
    await saveOptimizerState(dir, a, hyper);
    expect(existsSync(join(dir, OPTIMIZER_FILE))).toBe(true);
    const w2 = tensor([1, -0.5, 0.25], { dtype: 'bfloat16' }).requiresGrad_();
    const b = new AdamW({ w: w2 });
    await loadOptimizerState(dir, b, hyper);
    expect(b.info()[0]!.step).toBe(1);
    const sa = a.exportState();
    const sb = b.exportState();
    for (const k of Object.keys(sa)) expect(sb[k]!.toArray()).toEqual(sa[k]!.toArray());
    expect(tidy(() => w2.float().toArray())).toEqual(tidy(() => w.float().toArray())); // rewritten from the master
    await expect(loadOptimizerState(dir, b, { ...hyper, eps: 1e-6 })).rejects.toThrow(/optimizer\.safetensors, field "eps": saved eps is 1e-8, this run uses 0\.000001/);
    await expect(loadOptimizerState(tmp(), b, hyper)).rejects.toThrow(/no optimizer state in this checkpoint/);
    a.dispose();
    b.dispose();
  });
});
