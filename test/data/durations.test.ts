import { describe, expect, it } from 'vitest';
import { resolveDurations } from '../../lib/data/durations.js';
import { readRaRftRecords } from '../../lib/data/readers/rarft-records.js';
import { buildTrainingExamples } from '../../lib/data/examples.js';
import { sharedDataset } from './datasets-path.js';

describe('resolveDurations', () => {
  it('probes each distinct HI-TVGBench video once and then examples can be built', async () => {
    const { records } = readRaRftRecords(sharedDataset('rarft/hi_vtg_tvgbench.json'));
    const probed: string[] = [];
    const resolved = await resolveDurations(records, async (p) => {
      probed.push(p);
      return 100 + p.length;
    });
    expect(probed.length).toBe(462);
    expect(new Set(probed).size).toBe(462);
    expect(resolved.every((r) => r.duration === 100 + r.videoPath.length && !r.needsProbe)).toBe(true);
    expect(buildTrainingExamples(resolved).examples.length).toBe(1600);
  });

  it('leaves known durations alone and names the record when a probe fails or returns garbage', async () => {
    const { items } = readRaRftRecords(sharedDataset('rarft/human_anno.json'));
    const untouched = await resolveDurations(items, () => Promise.reject(new Error('never called')));
    expect(untouched).toEqual(items);
    const { records } = readRaRftRecords(sharedDataset('rarft/hi_vtg_tvgbench.json'));
    await expect(resolveDurations(records, () => Promise.reject(new Error('no such file')))).rejects.toThrow(
      /hi_vtg_tvgbench\.json, record 0, field "video": duration probe failed for dataset\/videos\/tvgbench\/v_6WQSZekz8vQ\.mp4: no such file/,
    );
    await expect(resolveDurations(records, async () => Number.NaN)).rejects.toThrow(/duration probe returned NaN/);
  });
});
