// SIGTERM stops `rarft-train` the way SIGINT does (finish the step, save, exit), with the conventional status
// 128 + 15 = 143 rather than SIGINT's 130 (issue 16, point 6).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { trainProgram } from '../../lib/cli/train-program.js';
import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { type TinyRun, makeTinyRun, tinyConfig } from './fixture.js';

let run: TinyRun;
let calls = 0;
let signal: NodeJS.Signals = 'SIGTERM';
beforeAll(async () => {
  run = await makeTinyRun();
  registerReward({ name: 'signal_once', score: (cs) => (++calls === 1 && process.emit(signal, signal), cs.map(() => 0)) });
});
afterAll(() => unregisterReward('signal_once'));

async function trainWithSignal(sig: NodeJS.Signals, out: string): Promise<number | undefined> {
  signal = sig;
  calls = 0;
  const { output_dir: _o, ...cfg } = tinyConfig(run, 'unused', { reward_funcs: ['format', 'signal_once'], max_steps: 3, save_steps: 100 });
  const file = join(run.root, `${out}.yaml`);
  writeFileSync(file, stringify(cfg));
  const p = trainProgram();
  p.exitOverride();
  const before = process.exitCode;
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await p.parseAsync(['node', 'rarft-train', '--config', file, '--output-dir', join(run.root, out)]);
    return process.exitCode as number | undefined;
  } finally {
    process.stderr.write = write;
    process.exitCode = before;
  }
}

describe('rarft-train exit status after a stop signal', () => {
  it('SIGTERM: 143', async () => {
    expect(await trainWithSignal('SIGTERM', 'term')).toBe(143);
  });
  it('SIGINT: 130', async () => {
    expect(await trainWithSignal('SIGINT', 'int')).toBe(130);
  });
});
