// A crash mid-write leaves a torn last line in an append-only log (issue 16, point 4): resume must go on, and a bad
// line anywhere else must be reported with the file and the line, not as a bare SyntaxError.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { DataError } from '../../lib/errors.js';
import { Trainer } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, quiet, readJsonl, tinyConfig } from './fixture.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun();
});

describe('torn log lines and resume', () => {
  it('a torn last line in completions.jsonl and metrics.jsonl does not block the resume', async () => {
    const cfg = tinyConfig(run, 'torn', { max_steps: 2, save_steps: 2 });
    await new Trainer(cfg, quiet).train();
    const completions = join(cfg.output_dir, 'completions.jsonl');
    const metrics = join(cfg.output_dir, 'metrics.jsonl');
    // what a kill -9 during step 3's writes leaves behind
    appendFileSync(completions, '{"step":3,"samples":[{"task_type":"answ');
    appendFileSync(metrics, '{"step":3,"lo');
    const r = await new Trainer({ ...cfg, max_steps: 3, resume_from_checkpoint: 'latest' }, quiet).train();
    expect(r.globalStep).toBe(3);
    expect(readJsonl(completions).map((l) => l.step)).toEqual([1, 2, 3]);
    expect(readJsonl(metrics).map((l) => l.step)).toEqual([1, 2, 3]);
  });

  it('a bad line that is not the last names the file and the line', async () => {
    const cfg = tinyConfig(run, 'corrupt', { max_steps: 2, save_steps: 2 });
    await new Trainer(cfg, quiet).train();
    const completions = join(cfg.output_dir, 'completions.jsonl');
    const lines = readFileSync(completions, 'utf8').split('\n');
    writeFileSync(completions, [lines[0], '{"step":2,"samp', ...lines.slice(1)].join('\n'));
    const err = await new Trainer({ ...cfg, max_steps: 3, resume_from_checkpoint: 'latest' }, quiet).train().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(new RegExp(`^${completions}: line 2: not valid JSON`));
  });
});
