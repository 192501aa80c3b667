// @suite native: the targets' children write a tiny checkpoint through the addon (targets/tiny-model.ts)
// Fuzz: the files the TypeScript readers parse (issue 16, point 7): tokenizer.json / tokenizer_config.json / chat
// templates, every annotation format, predictions files and the append-only JSONL logs read back on resume. Run in
// child processes like the native targets (a hang or a runaway allocation must not take vitest with it).
import { describe } from 'vitest';

import { fuzzTargets } from './fuzz-tests.js';

describe('fuzz: files read by the TypeScript side', () => {
  fuzzTargets(
    [
      ['tokenizer', 300, 20_000],
      ['annotations', 400, 15_000],
      ['predictions', 300, 15_000],
      ['jsonl-logs', 400, 15_000],
    ],
    'a named error or a correct result for every case, no crash or hang',
  );
});
