// Unreadable training videos (issue 16, point 2). Before step 1 every video is probed and all bad ones are reported
// at once, each with its annotation file and record, before anything is written. A video that still fails mid-run
// skips its step (counted in the metrics and logged with the record) and the run goes on; past
// max_unreadable_videos the trainer writes a checkpoint and stops.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { DataError } from '../../lib/errors.js';
import { Trainer } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, readJsonl, tinyConfig } from './fixture.js';

let run: TinyRun;
let rows: Record<string, unknown>[];
beforeAll(async () => {
  run = await makeTinyRun(3);
  rows = JSON.parse(readFileSync(run.trainFile, 'utf8')) as Record<string, unknown>[];
});

describe('unreadable training videos', () => {
  it('are all reported before step 1, with file and record, and nothing is written', async () => {
    const good = join(run.videoRoot, String(rows[0]!.video));
    writeFileSync(join(run.videoRoot, 'zero.mp4'), '');
    writeFileSync(join(run.videoRoot, 'truncated.mp4'), readFileSync(good).subarray(0, 600));
    writeFileSync(join(run.videoRoot, 'notvideo.mp4'), 'this is a text file, not a video\n'.repeat(40));
    const file = join(run.root, 'bad-videos.json');
    writeFileSync(file, JSON.stringify([rows[0], { ...rows[1], video: 'zero.mp4' }, { ...rows[2], video: 'truncated.mp4' }, { ...rows[0], video: 'notvideo.mp4' }, { ...rows[1], video: 'zero.mp4' }]));
    const cfg = tinyConfig(run, 'bad-videos-precheck', { datasets: [{ path: file, format: 'rarft', video_root: run.videoRoot }] });
    const err = await new Trainer(cfg, { progress: null, log: () => {} }).train().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/3 of 4 training video\(s\) cannot be read/);
    expect(msg).toContain(`zero.mp4: video file is empty (${file} records 1, 4)`);
    expect(msg).toMatch(new RegExp(`truncated\\.mp4: .+ \\(${file} record 2\\)`));
    expect(msg).toMatch(new RegExp(`notvideo\\.mp4: .+ \\(${file} record 3\\)`));
    expect(existsSync(cfg.output_dir)).toBe(false);
  });

  it('a video that fails mid-run skips its steps, is counted and logged with its record; the run completes', async () => {
    const cfg = tinyConfig(run, 'bad-video-midrun', { max_steps: 6, save_steps: 100 });
    const victim = join(run.videoRoot, String(rows[1]!.video));
    const saved = readFileSync(victim);
    const lines: string[] = [];
    const t = new Trainer(cfg, { progress: null, log: (l) => lines.push(l) });
    // the start-up probe has passed; the file breaks before its first decode
    t.on('start', () => writeFileSync(victim, 'broken after the start-up check'));
    try {
      const r = await t.train();
      expect(r.stopped).toBe('completed');
      expect(r.globalStep).toBe(6);
      // one epoch of 6 examples: the record's answerable and refusable examples both hit the broken video
      const skipped = r.history.filter((m) => m.skipped === 1);
      expect(skipped).toHaveLength(2);
      for (const m of skipped) {
        expect(m['data/unreadable_videos']).toBe(1);
        expect(String(m.skip_reason)).toContain(`${run.trainFile}, record 1, field "video": cannot read video ${victim}`);
      }
      expect(r.history.filter((m) => m.skipped !== 1)).toHaveLength(4);
      const logged = lines.filter((l) => l.includes('unreadable so far'));
      expect(logged).toHaveLength(2);
      expect(logged[0]).toMatch(new RegExp(`step \\d: skipped: ${run.trainFile}, record 1, field "video": cannot read video ${victim}: .*\\(1 unreadable so far; the run stops past max_unreadable_videos = 10\\)`));
      const metrics = readJsonl(join(cfg.output_dir, 'metrics.jsonl'));
      expect(metrics.filter((m) => m['data/unreadable_videos'] === 1)).toHaveLength(2);
    } finally {
      writeFileSync(victim, saved);
    }
  });

  it('past max_unreadable_videos the run writes a checkpoint, then stops naming the videos', async () => {
    const cfg = tinyConfig(run, 'bad-video-limit', { max_steps: 6, save_steps: 100, max_unreadable_videos: 0 });
    const victim = join(run.videoRoot, String(rows[1]!.video));
    const saved = readFileSync(victim);
    const t = new Trainer(cfg, { progress: null, log: () => {} });
    t.on('start', () => writeFileSync(victim, 'broken after the start-up check'));
    let step = 0;
    t.on('step', (e: { step: number }) => (step = e.step));
    try {
      const err = await t.train().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DataError);
      expect((err as Error).message).toMatch(/1 videos failed to decode during training, more than max_unreadable_videos = 0/);
      expect((err as Error).message).toContain(`${run.trainFile}, record 1, field "video": cannot read video ${victim}`);
      const ckpt = join(cfg.output_dir, `checkpoint-${step}`);
      expect((err as Error).message).toContain(`the work so far is saved in ${ckpt}`);
      expect(existsSync(join(ckpt, 'trainer_state.json'))).toBe(true);
      expect(readFileSync(join(cfg.output_dir, 'latest'), 'utf8').trim()).toBe(`checkpoint-${step}`);
      expect(existsSync(join(cfg.output_dir, 'run.lock'))).toBe(false);
    } finally {
      writeFileSync(victim, saved);
    }
  });
});
