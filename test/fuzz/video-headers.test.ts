// Fuzz: the in-process MP4/MOV and Matroska/WebM header probes (issue 16, point 7), which read untrusted container
// structures inside the trainer's process. Every case: null (the probe steps aside for ffprobe) or a sane stream
// description, never an exception, a hang or a runaway allocation. The comparison with ffprobe is its own test
// below, because it needs an ffprobe binary.
import { describe } from 'vitest';

import { fuzzTargets } from './fuzz-tests.js';
import { findFfprobe } from './targets/video-headers.js';

describe('fuzz: in-process video header probes', () => {
  fuzzTargets(
    [
      ['mp4', 400, 15_000],
      ['matroska', 400, 15_000],
    ],
    'null or a sane result for every case, no exception, crash or hang',
  );
});

// Where ffprobe accepts a mutated file and the in-process probe returns a result, both must agree on every field
// (the probes promise exactly ffprobe's values or null). This needs an ffprobe (`npm run setup` checks the npm one);
// without one the tests are skipped with the reason (`npm test` prints it), never passed silently.
describe('fuzz: in-process probes against ffprobe', () => {
  fuzzTargets(
    [
      ['mp4-vs-ffprobe', 150, 25_000],
      ['matroska-vs-ffprobe', 150, 25_000],
    ],
    'where ffprobe reads the mutated file, the in-process result equals it',
    { minRan: 50, skip: findFfprobe() ? null : 'no ffprobe binary found (FFPROBE_PATH, beside ffmpeg, or on PATH)' },
  );
});
