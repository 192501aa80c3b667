// @suite native: each target runs in a child process that loads the addon (harness.ts; its imports are computed)
// Fuzz: the files the native addon parses (issue 16, point 7): safetensors headers and files, a checkpoint's
// config.json and model.safetensors.index.json. Each target runs in its own child process (harness.ts), so a native
// crash is a reported failure, not a dead test runner.
import { describe } from 'vitest';

import { fuzzTargets } from './fuzz-tests.js';

describe('fuzz: natively parsed files', () => {
  fuzzTargets(
    [
      ['safetensors', 400, 20_000],
      ['model-config', 300, 25_000],
      ['model-index', 300, 25_000],
    ],
    'a named error or a correct result for every case, no crash or hang',
  );
});
