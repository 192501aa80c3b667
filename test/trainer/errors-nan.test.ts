// Bad input fails before any training with the file, record and field named; a NaN reward skips the step with the
// reason logged (metrics.jsonl's skip_reason, skipped_steps) and leaves the weights untouched.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../lib/config/load.js';
import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { Trainer } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, maxAbsDiff, quiet, readJsonl, tinyConfig, weightsOf } from './fixture.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun();
  registerReward({ name: 'test_nan', score: (cs) => cs.map((_, i) => (i === 2 ? NaN : 1)) });
});
afterAll(() => unregisterReward('test_nan'));

describe('bad input', () => {
  it('a bad config field names the file and the field', () => {
    const file = join(run.root, 'bad.yaml');
    writeFileSync(file, `model_path: ${run.modelDir}\noutput_dir: /tmp/x\nnum_generations: 1\ndatasets:\n  - { path: a.json, video_root: v }\n`);
    expect(() => loadConfig({ file })).toThrow(new RegExp(`${file}, field "num_generations"`));
    writeFileSync(file, `model_path: ${run.modelDir}\noutput_dir: /tmp/x\ndatasets:\n  - { path: a.json }\n`);
    expect(() => loadConfig({ file })).toThrow(/field "datasets\[0\]\.video_root"/);
  });

  it('a bad dataset row names the file, the record and the field', async () => {
    const rows = JSON.parse((await import('node:fs')).readFileSync(run.trainFile, 'utf8')) as Record<string, unknown>[];
    const broken = join(run.root, 'broken.json');
    writeFileSync(broken, JSON.stringify([rows[0], { ...rows[1], GRPO: 'oops' }]));
    const cfg = tinyConfig(run, 'bad-data', { datasets: [{ path: broken, format: 'rarft', video_root: run.videoRoot }] });
    await expect(new Trainer(cfg, quiet).train()).rejects.toThrow(new RegExp(`${broken}, record 1, field "GRPO"`));
    writeFileSync(broken, JSON.stringify([rows[0], { ...rows[1], video: 'missing.mp4' }]));
    await expect(new Trainer(cfg, quiet).train()).rejects.toThrow(new RegExp(`missing\\.mp4: video file does not exist \\(${broken} record 1\\)`));
    const vtg = tinyConfig(run, 'bad-format', { datasets: [{ path: run.trainFile, format: 'charades_sta', video_root: run.videoRoot }] });
    await expect(new Trainer(vtg, quiet).train()).rejects.toThrow(/field "datasets\[0\]\.format": format "charades_sta" has no refusable queries/);
  });
});

describe('NaN reward', () => {
  it('skips the step with the reason in metrics.jsonl; weights are unchanged', async () => {
    const cfg = tinyConfig(run, 'nan', { max_steps: 2, save_steps: 1, reward_funcs: ['format', 'test_nan'] });
    const r = await new Trainer(cfg, quiet).train();
    expect(r.history.map((m) => m.skipped)).toEqual([1, 1]);
    expect(String(r.history[0]!.skip_reason)).toMatch(/^rewards: reward "test_nan" returned NaN for completion 2/);
    const rec = readJsonl(join(cfg.output_dir, 'metrics.jsonl'));
    expect(rec[0]).toMatchObject({ step: 1, skipped_steps: 1 });
    expect(String(rec[0]!.skip_reason)).toMatch(/test_nan/);
    const before = await weightsOf(join(run.modelDir, 'model.safetensors'));
    const after = await weightsOf(join(cfg.output_dir, 'checkpoint-2', 'model.safetensors'));
    for (const [n, w] of before) expect(maxAbsDiff(after.get(n)!, w), n).toBe(0);
  });
});
