// The CLI's signal path: the first SIGINT/SIGTERM aborts the run's controller (the step in flight finishes, a
// checkpoint is written, train() resolves 'aborted'); a second one exits at once with 130/143. Signals are
// delivered with process.emit, which runs the installed handlers exactly as a real signal would.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';

import { abortOnSignals } from '../../lib/cli/train-command.js';
import { Trainer } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, readJsonl, tinyConfig } from './fixture.js';

let run: TinyRun;
let rewardCalls = 0;
beforeAll(async () => {
  run = await makeTinyRun();
  // the signal arrives in the middle of step 2 (while its rewards are being computed)
  registerReward({
    name: 'signal_midstep',
    score: (cs) => {
      if (++rewardCalls === 2) process.emit('SIGINT', 'SIGINT');
      return cs.map(() => 0);
    },
  });
});
afterAll(() => unregisterReward('signal_midstep'));
afterEach(() => vi.restoreAllMocks());

describe('SIGINT / SIGTERM', () => {
  it('SIGINT during step 2 of 5: step 2 completes, checkpoint-2 is written, the run resolves aborted', async () => {
    const cfg = tinyConfig(run, 'sigint', { max_steps: 5, save_steps: 100, reward_funcs: ['format', 'signal_midstep'] });
    const ctl = new AbortController();
    const lines: string[] = [];
    const off = abortOnSignals(ctl, (l) => lines.push(l));
    try {
      const r = await new Trainer(cfg, { progress: null, log: () => {}, signal: ctl.signal }).train();
      expect(r.stopped).toBe('aborted');
      expect(r.globalStep).toBe(2);
      expect(r.lastCheckpoint?.name).toBe('checkpoint-2');
      expect(existsSync(join(cfg.output_dir, 'checkpoint-2', 'trainer_state.json'))).toBe(true);
      expect(readJsonl(join(cfg.output_dir, 'metrics.jsonl')).map((x) => x.step)).toEqual([1, 2]);
      expect(lines.join('')).toMatch(/SIGINT: finishing the current step, then saving a checkpoint/);
    } finally {
      off();
    }
  });

  it('a second signal exits immediately (130 for SIGINT, 143 for SIGTERM); handlers are removed afterwards', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const before = process.listenerCount('SIGTERM');
    const ctl = new AbortController();
    const off = abortOnSignals(ctl, () => {});
    process.emit('SIGTERM', 'SIGTERM');
    expect(ctl.signal.aborted).toBe(true);
    expect(exit).not.toHaveBeenCalled();
    process.emit('SIGTERM', 'SIGTERM');
    expect(exit).toHaveBeenCalledWith(143);
    off();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
