// @suite native: the targets' children write a tiny checkpoint through the addon (targets/tiny-model.ts)
// Fuzz: the files the TypeScript readers parse (issue 16, point 7): tokenizer.json / tokenizer_config.json / chat
// templates, every annotation format, predictions files and the append-only JSONL logs read back on resume. Run in
// child processes like the native targets (a hang or a runaway allocation must not take vitest with it).
import { describe, expect, it } from 'vitest';

import { fuzz, summary } from './harness.js';

describe('fuzz: files read by the TypeScript side', () => {
  for (const [target, cases, budgetMs] of [
    ['tokenizer', 300, 20_000],
    ['annotations', 400, 15_000],
    ['predictions', 300, 15_000],
    ['jsonl-logs', 400, 15_000],
  ] as const) {
    it(`${target}: a named error or a correct result for every case, no crash or hang`, async () => {
      const r = await fuzz(target, { cases, budgetMs });
      console.log(summary(r));
      expect(r.failures).toEqual([]);
      expect(r.ran).toBeGreaterThanOrEqual(Math.min(r.requested, 100)); // bounded by time, but never vacuous
    }, budgetMs + 60_000);
  }
});
