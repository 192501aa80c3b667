// Fuzz: the in-process MP4/MOV and Matroska/WebM header probes (issue 16, point 7), which read untrusted container
// structures inside the trainer's process. Every case: null (the probe steps aside for ffprobe) or a sane stream
// description, never an exception, a hang or a runaway allocation. The comparison with ffprobe is its own test
// below, because it needs an ffprobe binary.
import { describe, expect, it } from 'vitest';

import { fuzz, summary } from './harness.js';
import { findFfprobe } from './targets/video-headers.js';

describe('fuzz: in-process video header probes', () => {
  for (const [target, cases, budgetMs] of [
    ['mp4', 400, 15_000],
    ['matroska', 400, 15_000],
  ] as const) {
    it(`${target}: null or a sane result for every case, no exception, crash or hang`, async () => {
      const r = await fuzz(target, { cases, budgetMs });
      console.log(summary(r));
      expect(r.failures).toEqual([]);
      expect(r.ran).toBeGreaterThanOrEqual(Math.min(r.requested, 100)); // bounded by time, but never vacuous
    }, budgetMs + 60_000);
  }
});

// Where ffprobe accepts a mutated file and the in-process probe returns a result, both must agree on every field
// (the probes promise exactly ffprobe's values or null). This needs an ffprobe (`npm run setup` checks the npm one); without
// one the test is reported as skipped, with the reason in its name, never passed silently.
const ffprobe = findFfprobe();
const why = ffprobe ? '' : ' [SKIPPED: no ffprobe binary found (FFPROBE_PATH, beside ffmpeg, or on PATH)]';
describe('fuzz: in-process probes against ffprobe', () => {
  for (const [target, cases, budgetMs] of [
    ['mp4-vs-ffprobe', 150, 25_000],
    ['matroska-vs-ffprobe', 150, 25_000],
  ] as const) {
    it.skipIf(!ffprobe)(`${target}: where ffprobe reads the mutated file, the in-process result equals it${why}`, async () => {
      const r = await fuzz(target, { cases, budgetMs });
      console.log(summary(r));
      expect(r.failures).toEqual([]);
      expect(r.ran).toBeGreaterThanOrEqual(Math.min(r.requested, 50));
    }, budgetMs + 60_000);
  }
});
