// Temp files are never written through a planted link (issue 16, point 5). Each atomic writer used to write a
// predictable temp name (`latest.tmp`, `<file>.tmp-<pid>`) with a plain open, which follows a symlink placed there:
// the trainer would overwrite the link's target. Here a symlink to a victim file is planted at every such name, the
// writer runs, and the victim must be unchanged (and the write must still land where it belongs).
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { saveConfig } from '../../lib/config/load.js';
import { writeReferencePredictions } from '../../lib/eval/reference-predictions.js';
import { writeJsonAtomic } from '../../lib/eval/run-manifest.js';
import { saveSafetensors } from '../../lib/io/safetensors.js';
import { MetricsWriter } from '../../lib/logging/metrics-jsonl.js';
import { QwenVL } from '../../lib/qwen/qwen.js';
import { tensor } from '../../lib/tensor/index.js';
import { cleanStaleTemps, saveCheckpoint } from '../../lib/checkpoint/checkpoint-dir.js';
import { type TrainerState, writeTrainerState } from '../../lib/checkpoint/trainer-state.js';
import { Trainer } from '../../lib/trainer/index.js';
import { makeTinyRun, tinyConfig } from '../trainer/fixture.js';

const VICTIM_TEXT = 'precious data that must not be overwritten\n';
const tmp = () => mkdtempSync(join(tmpdir(), 'rarft-links-'));

/** A victim file outside `dir`, and symlinks to it at each of `names` inside `dir`. */
function plant(dir: string, names: string[]): string {
  const victim = join(tmp(), 'victim.txt');
  writeFileSync(victim, VICTIM_TEXT);
  mkdirSync(dir, { recursive: true });
  for (const n of names) symlinkSync(victim, join(dir, n));
  return victim;
}

const state = (step: number): Omit<TrainerState, 'format' | 'saved_at'> => ({
  global_step: step,
  epoch: 0,
  data_cursor: { epoch: 0, index: step, seed: 42 },
  rng: {},
  scheduler: { type: 'linear', peak_lr: 1e-6, total_steps: 100, warmup_steps: 0 },
  metrics_tail: [],
});

describe('atomic writers never follow a planted symlink', () => {
  it('latest (the issue case: <output_dir>/latest.tmp) and trainer_state.json', async () => {
    const out = tmp();
    const victim = plant(out, ['latest.tmp', `latest.tmp-${process.pid}`]);
    await saveCheckpoint(out, 5, (dir) => {
      symlinkSync(victim, join(dir, 'trainer_state.json.tmp'));
      writeTrainerState(dir, state(5));
    });
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect(readFileSync(join(out, 'latest'), 'utf8')).toBe('checkpoint-5\n');
    expect(JSON.parse(readFileSync(join(out, 'checkpoint-5', 'trainer_state.json'), 'utf8')).global_step).toBe(5);
  });

  it('config.yaml, metrics.jsonl (resume truncation), the eval run manifest and the reference predictions file', () => {
    const dir = tmp();
    const victim = plant(dir, [`config.yaml.tmp-${process.pid}`, `metrics.jsonl.tmp-${process.pid}`, `run.json.tmp-${process.pid}`, `inference_results_merged.json.tmp-${process.pid}`]);
    saveConfig(dir, { output_dir: dir } as never);
    writeFileSync(join(dir, 'metrics.jsonl'), '{"step":1}\n{"step":2}\n');
    new MetricsWriter(join(dir, 'metrics.jsonl'), { truncateAfterStep: 1 }).close();
    writeJsonAtomic(join(dir, 'run.json'), { ok: true });
    writeReferencePredictions(dir, []);
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect(readFileSync(join(dir, 'inference_results_merged.json'), 'utf8').trim()).toBe('[]');
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe('{"step":1}\n');
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toEqual({ ok: true });
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toMatch(/output_dir: /);
  });

  it('native writers: safetensors files and a saved model\'s config.json', async () => {
    const dir = tmp();
    const victim = plant(dir, [`weights.safetensors.tmp-${process.pid}`, 'config.json.tmp']);
    await saveSafetensors(join(dir, 'weights.safetensors'), { x: tensor([1, 2, 3]) });
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
    const run = await makeTinyRun(1);
    const model = await QwenVL.load(run.modelDir, { dtype: 'float32', device: 'cpu' });
    try {
      await model.save(dir);
    } finally {
      model.dispose();
    }
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(run.modelDir, 'config.json'), 'utf8')));
    // the planted links are still links (not replaced by the writers' temp files) and no temp file is left
    expect(lstatSync(join(dir, 'config.json.tmp')).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).filter((n) => /\.tmp-\d+-[0-9a-f]+$/.test(n))).toEqual([]);
  });

  it('a training run with links planted at the old temp names leaves their target alone', async () => {
    const run = await makeTinyRun(2);
    const cfg = tinyConfig(run, 'planted', { max_steps: 2, save_steps: 1 });
    const victim = plant(cfg.output_dir, ['latest.tmp', `config.yaml.tmp-${process.pid}`]);
    const r = await new Trainer(cfg, { progress: null, log: () => {} }).train();
    expect(r.lastCheckpoint?.name).toBe('checkpoint-2');
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect(readFileSync(join(cfg.output_dir, 'latest'), 'utf8')).toBe('checkpoint-2\n');
  });

  it('stale temp files of the fresh-name kind are cleaned at start-up (a link among them is removed, not followed)', () => {
    const out = tmp();
    const victim = plant(out, ['latest.tmp-123-0123456789ab']);
    writeFileSync(join(out, 'metrics.jsonl.tmp-77-aaaaaaaaaaaa'), 'partial');
    expect(cleanStaleTemps(out).sort()).toEqual(['latest.tmp-123-0123456789ab', 'metrics.jsonl.tmp-77-aaaaaaaaaaaa']);
    expect(readdirSync(out)).toEqual([]);
    expect(existsSync(victim)).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
  });
});
