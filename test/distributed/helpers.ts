/** Running distributed workers from tests: bounded in time, killed at the end, output captured per rank. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, launch, type LaunchResult, workerEnv } from '../../lib/distributed/index.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const VITE_NODE = join(ROOT, 'node_modules/.bin/vite-node');
export const WORKER = join(ROOT, 'test/distributed/workers/mlp-worker.ts');

export function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'rarft-dist-'));
}

/** Lines a worker printed, by rank (launch prefixes them with `[rank N] `). */
export function linesOf(lines: string[], rank: number, tag: string): string[] {
  const p = `[rank ${rank}] ${tag} `;
  return lines.filter((l) => l.startsWith(p)).map((l) => l.slice(p.length));
}

/** The MLP worker under lib/distributed/launch with a hard deadline (`deadlineHit`: it was the deadline that stopped them). */
export async function launchWorkers(mode: string, nproc: number, opts: { outDir?: string; steps?: number; timeoutMs?: number; deadlineMs?: number } = {}): Promise<{ result: LaunchResult; lines: string[]; deadlineHit: boolean }> {
  const lines: string[] = [];
  const signal = AbortSignal.timeout(opts.deadlineMs ?? 90_000);
  const result = await launch({
    nprocPerNode: nproc,
    command: VITE_NODE,
    args: [WORKER, mode, opts.outDir ?? tmp(), String(opts.steps ?? 5)],
    env: { DIST_TIMEOUT_MS: String(opts.timeoutMs ?? 20000), OMP_NUM_THREADS: '1' },
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
    signal,
    killGraceMs: 2000,
  });
  return { result, lines, deadlineHit: signal.aborted };
}

export interface RankRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  ms: number;
}

/** Spawns ranks directly (no launcher, so a dead peer is NOT cleaned up for the survivor): each is SIGKILLed at the
 * deadline if still running. Resolves when all have exited. */
export async function spawnRanks(mode: string, nproc: number, opts: { timeoutMs: number; deadlineMs: number; only?: number[]; killRestAfterRank0?: boolean }): Promise<RankRun[]> {
  const port = await freePort();
  const children: ChildProcess[] = [];
  const t0 = performance.now();
  const ranks = opts.only ?? Array.from({ length: nproc }, (_, r) => r);
  const runs = ranks.map((rank) => {
    const env = { ...process.env, OMP_NUM_THREADS: '1', DIST_TIMEOUT_MS: String(opts.timeoutMs), ...workerEnv({ rank, worldSize: nproc, localRank: rank, localWorldSize: nproc, masterAddr: '127.0.0.1', masterPort: port }) };
    const c = spawn(VITE_NODE, [WORKER, mode, tmp(), '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (d) => (out += d));
    c.stderr!.on('data', (d) => (out += d));
    return new Promise<RankRun>((res) =>
      c.on('close', (code, signal) => {
        // The survivor is what a test measures; a deliberately stalled peer need not be waited for.
        if (rank === 0 && opts.killRestAfterRank0) children.forEach((o) => o.exitCode === null && o.signalCode === null && o.kill('SIGKILL'));
        res({ code, signal, out, ms: performance.now() - t0 });
      }),
    );
  });
  const killer = setTimeout(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')), opts.deadlineMs);
  try {
    return await Promise.all(runs);
  } finally {
    clearTimeout(killer);
    children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
  }
}
