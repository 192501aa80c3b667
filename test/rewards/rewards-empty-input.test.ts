// `rarft-train rewards` given nothing to score says so and fails, instead of printing nothing and exiting 0
// (issue 16, point 6).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runRewards } from '../../lib/cli/rewards-command.js';
import { DataError } from '../../lib/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'rarft-rewards-empty-'));

describe('rarft-train rewards with no input lines', () => {
  it('an empty file is a DataError naming it', async () => {
    const input = join(dir, 'empty.jsonl');
    writeFileSync(input, '');
    const err = await runRewards({ input, reward: ['format'], output: join(dir, 'out.jsonl') }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe(`${input}: no input lines (the file is empty): nothing to score`);
  });
  it('a file of blank lines too', async () => {
    const input = join(dir, 'blank.jsonl');
    writeFileSync(input, '\n  \n\n');
    await expect(runRewards({ input, reward: ['format'], output: join(dir, 'out2.jsonl') })).rejects.toThrow(/no input lines \(only blank lines\)/);
  });
});
