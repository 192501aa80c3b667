/** TrainLogger: windows of logging_steps, skip accounting, both sinks, resume truncation and the TB restart marker. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { readMetrics } from '../../lib/logging/metrics-jsonl.js';
import { TrainLogger } from '../../lib/logging/train-logger.js';
import { readEventFile } from './event-reader.js';

const tbFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.')).sort().map((f) => join(dir, f));

describe('TrainLogger', () => {
  it('averages over logging_steps, writes the last step, and keeps skips visible', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rarft-tl-'));
    const lines: string[] = [];
    const log = new TrainLogger({ outputDir: dir, reportTo: ['jsonl', 'tensorboard'], loggingSteps: 2, totalSteps: 5, progress: { stream: { write: (s: string) => (lines.push(s), true) }, tty: false, intervalMs: 0 } });
    expect(log.logStep(1, { loss: 1, reward: 2, skipped: 0 }, { epoch: 0.1 })).toBeNull();
    expect(log.logStep(2, { loss: 3, reward: 4, skipped: 0 }, { epoch: 0.2 })).toEqual({ step: 2, stage: 'train', loss: 2, reward: 3, epoch: 0.15000000000000002, skipped_steps: 0 });
    log.logStep(3, { reward: 1, skipped: 1, skip_reason: 'rewards: reward "a" is NaN for completion 0' });
    log.logStep(4, { loss: 5, reward: 3, skipped: 0 });
    log.logStep(5, { loss: 7, reward: 5, skipped: 0 }); // last step closes a partial window
    log.close();
    const recs = readMetrics(join(dir, 'metrics.jsonl'));
    expect(recs).toEqual([
      { step: 2, stage: 'train', loss: 2, reward: 3, epoch: 0.15000000000000002, skipped_steps: 0 },
      { step: 4, stage: 'train', reward: 2, loss: 5, skipped_steps: 1, skip_reason: 'rewards: reward "a" is NaN for completion 0' },
      { step: 5, stage: 'train', loss: 7, reward: 5, skipped_steps: 0 },
    ]);
    expect(log.tail.map((r) => r.step)).toEqual([2, 4, 5]);
    const evs = readEventFile(tbFiles(dir)[0]!);
    expect(evs.slice(1).map((e) => [e.step, e.scalars.reward, e.scalars.skipped_steps])).toEqual([[2, 3, 0], [4, 2, 1], [5, 5, 0]]);
    // the progress line shows the window's means
    expect(lines.filter((l) => l.includes('step 4/5'))[0]).toContain('reward 2');
  });
  it('on resume drops metrics.jsonl lines after the checkpoint and marks the TB restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rarft-tl-'));
    const a = new TrainLogger({ outputDir: dir, reportTo: ['jsonl', 'tensorboard'], loggingSteps: 1, totalSteps: 10, progress: null });
    for (let s = 1; s <= 5; s++) a.logStep(s, { loss: s });
    a.close();
    const b = new TrainLogger({ outputDir: dir, reportTo: ['jsonl', 'tensorboard'], loggingSteps: 1, totalSteps: 10, startStep: 3, progress: null });
    b.logStep(4, { loss: 40 });
    b.close();
    expect(readMetrics(join(dir, 'metrics.jsonl')).map((r) => [r.step, r.loss])).toEqual([[1, 1], [2, 2], [3, 3], [4, 40]]);
    const files = tbFiles(dir);
    expect(files.length).toBe(2);
    const second = readEventFile(files[files.length - 1]!);
    expect(second[1]).toMatchObject({ step: 4, sessionStatus: 1 });
    expect(second[2]).toMatchObject({ step: 4, scalars: { loss: 40 } });
  });
  it('report_to selects the sinks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rarft-tl-'));
    const l = new TrainLogger({ outputDir: dir, reportTo: ['tensorboard'], loggingSteps: 1, totalSteps: 1, progress: null });
    l.logStep(1, { loss: 1 });
    l.close();
    expect(readdirSync(dir).some((f) => f === 'metrics.jsonl')).toBe(false);
    expect(tbFiles(dir).length).toBe(1);
    expect(() => new TrainLogger({ outputDir: dir, reportTo: [], loggingSteps: 0, totalSteps: 1 })).toThrow(/logging_steps/);
  });
});
