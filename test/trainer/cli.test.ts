// `rarft-train --config FILE [--flags]`, `--stage sft` and `--resume`: the default action of the real program
// (lib/cli/train-program.ts), parsed from argv, trains and continues; subcommands keep their own options.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

import { trainProgram } from '../../lib/cli/train-program.js';
import { type TinyRun, makeTinyRun, readJsonl, tinyConfig } from './fixture.js';

let run: TinyRun;
let file: string;
beforeAll(async () => {
  run = await makeTinyRun();
  const { output_dir: _o, ...cfg } = tinyConfig(run, 'unused');
  file = join(run.root, 'run.yaml');
  writeFileSync(file, stringify(cfg));
});

async function cli(args: string[]): Promise<void> {
  const p = trainProgram();
  p.exitOverride();
  await p.parseAsync(['node', 'rarft-train', ...args]);
}

describe('rarft-train default action', () => {
  it('--config + flags trains; --resume continues from the latest checkpoint', async () => {
    const out = join(run.root, 'cli-grpo');
    const errs: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    try {
      await cli(['--config', file, '--output-dir', out, '--max-steps', '1', '--save-steps', '1']);
      await cli(['--config', file, '--output-dir', out, '--max-steps', '2', '--save-steps', '1', '--resume']);
      await cli(['--config', file, '--output-dir', join(run.root, 'cli-sft'), '--stage', 'sft', '--max-steps', '1']);
    } finally {
      process.stderr.write = write;
    }
    expect(readJsonl(join(out, 'metrics.jsonl')).map((r) => [r.step, r.stage])).toEqual([[1, 'grpo'], [2, 'grpo']]);
    expect(errs.join('')).toMatch(/resumed from .*checkpoint-1 at step 1/);
    expect(readJsonl(join(run.root, 'cli-sft', 'metrics.jsonl'))[0]).toMatchObject({ step: 1, stage: 'sft' });
  });

  it('a bad flag value is a usage error naming the flag; --stage without a config is refused', async () => {
    await expect(cli(['--config', file, '--num-generations', 'x'])).rejects.toThrow(/--num-generations: "x" is not a number/);
    await expect(cli(['--stage', 'sft'])).rejects.toThrow(/--stage and --resume need a --config/);
  });
});
