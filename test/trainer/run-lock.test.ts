// One writer per run folder (issue 16, point 3): a second `rarft-train` on the same output_dir is refused with a
// message naming the holder, before it touches anything; a lock left by a dead process is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { DataError } from '../../lib/errors.js';
import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { Trainer } from '../../lib/trainer/index.js';
import { lockRunDir } from '../../lib/util/run-lock.js';
import { type TinyRun, makeTinyRun, quiet, readJsonl, tinyConfig } from './fixture.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun();
});
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());

describe('rarft-train run lock', () => {
  it('a second run on the same output_dir is refused while the first trains; the first is not disturbed', async () => {
    let second: Promise<unknown> | null = null;
    // the first run's step-2 reward waits for the second run's outcome: the second starts while the first is mid-run
    // (bounded: were the second run not refused, it would call this reward too, and wait on itself)
    const settled = () => Promise.race([second, new Promise((r) => setTimeout(r, 5000))]);
    registerReward({ name: 'lock_wait', score: async (cs) => (second && (await settled()), cs.map(() => 0)) });
    const cfg = tinyConfig(run, 'locked', { max_steps: 3, save_steps: 1, reward_funcs: ['format', 'lock_wait'] });
    const first = new Trainer(cfg, quiet);
    first.on('step', (e: { step: number }) => {
      if (e.step === 1) second = new Trainer(cfg, quiet).train().then(() => 'trained', (err: unknown) => err);
    });
    const r = await first.train().finally(() => unregisterReward('lock_wait'));
    const err: unknown = await (second as Promise<unknown> | null);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(new RegExp(`run\\.lock: another rarft-train run \\(pid ${process.pid}\\) is writing to this folder; use another output_dir or wait for it`));
    expect(r.stopped).toBe('completed');
    expect(readJsonl(join(cfg.output_dir, 'metrics.jsonl')).map((m) => m.step)).toEqual([1, 2, 3]);
    expect(existsSync(join(cfg.output_dir, 'run.lock'))).toBe(false); // released at the end
    // and the folder can be trained in again once free
    const again = await new Trainer({ ...cfg, reward_funcs: ['format'], max_steps: 4, resume_from_checkpoint: 'latest' }, quiet).train();
    expect(again.globalStep).toBe(4);
  });

  it('a stale lock (its process is gone) is taken over', async () => {
    const cfg = tinyConfig(run, 'stale-lock', { max_steps: 1 });
    mkdirSync(cfg.output_dir, { recursive: true });
    writeFileSync(join(cfg.output_dir, 'run.lock'), `${deadPid()}\n${hostname()}\n\nrarft-train run\n`);
    const r = await new Trainer(cfg, quiet).train();
    expect(r.globalStep).toBe(1);
    expect(existsSync(join(cfg.output_dir, 'run.lock'))).toBe(false);
  });
});

describe('lockRunDir', () => {
  const opts = { tool: 'rarft-train run', hint: 'use another output_dir' };
  const dir = () => {
    const d = join(run.root, `lock-${Math.random().toString(16).slice(2)}`);
    mkdirSync(d);
    return d;
  };

  it('records pid, host, start time and command; release removes only its own lock', () => {
    const d = dir();
    const release = lockRunDir(d, opts);
    const [pid, host, started, command] = readFileSync(join(d, 'run.lock'), 'utf8').split('\n');
    expect([Number(pid), host, command]).toEqual([process.pid, hostname(), 'rarft-train run']);
    expect(started).toMatch(/^\d+$/);
    expect(() => lockRunDir(d, opts)).toThrow(/another rarft-train run \(pid \d+\) is writing to this folder/);
    release();
    expect(existsSync(join(d, 'run.lock'))).toBe(false);
  });

  it('a lock from another host is never taken over: the message names the host and the file to delete', () => {
    const d = dir();
    writeFileSync(join(d, 'run.lock'), `${deadPid()}\nsome-other-host\n123\nrarft-train run\n`);
    expect(() => lockRunDir(d, opts)).toThrow(/another rarft-train run \(pid \d+\) is writing to this folder on host some-other-host; use another output_dir; if that run is gone, delete .*run\.lock/);
  });

  it('a live pid with another start time is a reused pid: the lock is stale', () => {
    const d = dir();
    writeFileSync(join(d, 'run.lock'), `${process.pid}\n${hostname()}\n1\nrarft-train run\n`);
    const release = lockRunDir(d, opts);
    expect(readFileSync(join(d, 'run.lock'), 'utf8').split('\n')[2]).not.toBe('1');
    release();
  });
});
