// The launcher and env plumbing with plain `node -e` workers (no libtorch: fast): torchrun env per rank, rank-prefixed
// output, a failing worker named with its exit code while the others are stopped, argv splitting, env validation.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistEnvError, NoDistBackendError, launch, launchCommand, readDistEnv, relaunchIfRequested, splitLaunchArgs } from '../../lib/distributed/index.js';

const node = process.execPath;

describe('launch', () => {
  it('gives each worker the torchrun env and prefixes its lines with the rank', async () => {
    const lines: string[] = [];
    const r = await launch({
      nprocPerNode: 3,
      command: node,
      args: ['-e', "const e=process.env; console.log([e.RANK,e.WORLD_SIZE,e.LOCAL_RANK,e.LOCAL_WORLD_SIZE,e.MASTER_ADDR,e.MASTER_PORT].join(' ')); console.error('err line')"],
      stdout: (l) => lines.push(l),
      stderr: (l) => lines.push(l),
      signal: AbortSignal.timeout(20_000),
    });
    expect(r.ok).toBe(true);
    expect(r.exitCode).toBe(0);
    expect(r.masterPort).toBeGreaterThan(0);
    for (const k of [0, 1, 2]) {
      expect(lines).toContain(`[rank ${k}] ${k} 3 ${k} 3 127.0.0.1 ${r.masterPort}`);
      expect(lines).toContain(`[rank ${k}] err line`);
    }
  });

  it('when a worker exits non-zero, stops the others and reports its rank and code', async () => {
    const r = await launch({
      nprocPerNode: 2,
      command: node,
      // rank 0 would end on its own after 60 s with code 9: only the launcher's SIGTERM ends it sooner
      args: ['-e', "if (process.env.RANK === '1') { setTimeout(() => process.exit(3), 200) } else { setTimeout(() => process.exit(9), 60_000) }"],
      stdout: () => {},
      stderr: () => {},
      killGraceMs: 1000,
    });
    // no timing window: rank 0 ended by the launcher's SIGTERM (not by itself), for the reason the message names
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(3);
    expect(r.failed).toMatchObject({ rank: 1, code: 3, signal: null });
    expect(r.exits.find((e) => e.rank === 0)?.signal).toBe('SIGTERM');
    expect(r.message).toMatch(/^rarft launch: worker rank 1 \(pid \d+\) exited with code 3; stopped the other 1 worker\(s\)$/);
  });

  it('a worker that ignores SIGTERM is SIGKILLed after the grace period', async () => {
    const r = await launch({
      nprocPerNode: 2,
      command: node,
      args: ['-e', "process.on('SIGTERM', () => {}); if (process.env.RANK === '0') setTimeout(() => process.exit(2), 300); setInterval(() => {}, 1000)"],
      stdout: () => {},
      stderr: () => {},
      killGraceMs: 500,
      signal: AbortSignal.timeout(20_000),
    });
    expect(r.failed).toMatchObject({ rank: 0, code: 2 });
    expect(r.exits.find((e) => e.rank === 1)?.signal).toBe('SIGKILL');
  });

  it('an unstartable command is reported, not thrown', async () => {
    const r = await launch({ nprocPerNode: 1, command: '/nonexistent/rarft-worker', stdout: () => {}, stderr: () => {} });
    expect(r.ok).toBe(false);
    expect(r.failed?.code).toBe(127);
  });
});

describe('launch flags and env', () => {
  it('splits --nproc-per-node and friends out of argv', () => {
    expect(splitLaunchArgs(['--config', 'a.yaml', '--nproc-per-node', '2', '--master-port=29555', '--lr', '1e-6'])).toEqual({
      flags: { nprocPerNode: 2, masterPort: 29555 },
      rest: ['--config', 'a.yaml', '--lr', '1e-6'],
    });
    expect(splitLaunchArgs(['--config', 'a.yaml'])).toEqual({ flags: null, rest: ['--config', 'a.yaml'] });
    expect(() => splitLaunchArgs(['--nproc-per-node', 'two'])).toThrow(/must be a non-negative integer, got 'two'/);
    expect(() => splitLaunchArgs(['--nproc-per-node'])).toThrow(/needs a value/);
    expect(launchCommand(['/usr/bin/node', '/x/rarft-train.js', 'train', '--nproc-per-node', '4'], ['--enable-source-maps'])).toEqual({
      nprocPerNode: 4,
      command: '/usr/bin/node',
      args: ['--enable-source-maps', '/x/rarft-train.js', 'train'],
    });
  });

  it('reads the torchrun env and names a bad or missing variable', () => {
    expect(readDistEnv({})).toEqual({ rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, masterAddr: '127.0.0.1', masterPort: 29500 });
    expect(readDistEnv({ RANK: '3', WORLD_SIZE: '4', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '10.0.0.1', MASTER_PORT: '1234' })).toEqual({
      rank: 3, worldSize: 4, localRank: 1, localWorldSize: 2, masterAddr: '10.0.0.1', masterPort: 1234,
    });
    expect(() => readDistEnv({ WORLD_SIZE: '2', MASTER_ADDR: 'h', MASTER_PORT: '1' })).toThrow(DistEnvError);
    expect(() => readDistEnv({ WORLD_SIZE: '2', MASTER_ADDR: 'h', MASTER_PORT: '1' })).toThrow(/RANK is not set/);
    expect(() => readDistEnv({ WORLD_SIZE: '2', RANK: '2', MASTER_ADDR: 'h', MASTER_PORT: '1' })).toThrow(/RANK=2 is outside \[0, 1\]/);
    expect(() => readDistEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_PORT: '1' })).toThrow(/MASTER_ADDR is not set/);
    expect(() => readDistEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_ADDR: 'h', MASTER_PORT: 'x' })).toThrow(/MASTER_PORT='x'/);
  });
});

describe('relaunchIfRequested (the rarft-train --nproc-per-node path)', () => {
  it('with an addon built without Gloo (or NCCL): one line saying so, before any worker starts', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'rarft-relaunch-')), 'started');
    // the "workers" would leave a file: none may be started
    const argv = [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`, '--nproc-per-node', '2'];
    const none = { backends: () => ({ gloo: false, nccl: false }) };
    const err = await relaunchIfRequested(argv, {}, none).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(NoDistBackendError);
    expect(err!.message).not.toContain('\n');
    expect(err!.message).toMatch(/^--nproc-per-node 2: this build of the native addon has no process-group backend \(built without Gloo: RARFT_WITHOUT_GLOO=1\); run `npm run setup && npm run build`/);
    expect(existsSync(marker)).toBe(false);
    // NCCL alone (a CUDA build made without Gloo) can still form GPU groups; a worker (RANK set) is never stopped
    expect(await relaunchIfRequested([process.execPath, '-e', '0', '--nproc-per-node', '1'], {}, { backends: () => ({ gloo: false, nccl: true }) })).toBe(0);
    expect(await relaunchIfRequested(argv, { RANK: '0', WORLD_SIZE: '2' }, none)).toBeNull();
  });

  it('asks the addon by default: this build (made after `npm run setup`) has Gloo', async () => {
    expect(await relaunchIfRequested([process.execPath, '-e', '0', '--nproc-per-node', '1'], {})).toBe(0);
  });

  it('re-runs the script as N workers with the other args intact and forwards SIGINT to all of them', async () => {
    const { spawn } = await import('node:child_process');
    const root = join(import.meta.dirname, '../..');
    const child = spawn(join(root, 'node_modules/.bin/vite-node'), [join(root, 'test/distributed/workers/relaunch-main.ts'), '--nproc-per-node', '2', '--config', 'x.yaml'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let out = '';
    let sent = false;
    const onData = (d: Buffer) => {
      out += d;
      if (!sent && out.includes('[rank 0] ready') && out.includes('[rank 1] ready')) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    clearTimeout(killer);
    expect(out).toContain('[rank 0] ready 0/2 local 0 args=--config x.yaml');
    expect(out).toContain('[rank 1] ready 1/2 local 1 args=--config x.yaml');
    expect(out).toContain('[rank 0] got SIGINT');
    expect(out).toContain('[rank 1] got SIGINT');
    expect(out).toMatch(/rarft launch: interrupted by SIGINT, forwarded to 2 worker\(s\); exits: rank 0 exited with code 130, rank 1 exited with code 130/);
    expect(code).toBe(130);
  });
});
