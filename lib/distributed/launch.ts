/**
 * A local multi-process launcher, torchrun's job for one node: spawns `nprocPerNode` workers with the torchrun env
 * (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), picks a free MASTER_PORT when none is
 * given, prefixes each output line with the worker's rank, forwards SIGINT/SIGTERM, and - since a rank that dies
 * leaves the others blocked in a collective until their timeout - stops every other worker as soon as one fails and
 * reports which rank failed and how. Multi-node: run one launcher per node with nnodes/nodeRank/masterAddr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { workerEnv } from './env.js';
import { freePort } from './free-port.js';

export interface LaunchOptions {
  nprocPerNode: number;
  command: string;
  args?: readonly string[];
  /** Default 1 / 0 (single node). */
  nnodes?: number;
  nodeRank?: number;
  /** Default 127.0.0.1. */
  masterAddr?: string;
  /** Default: a free port (single node only; multi-node needs an agreed port). */
  masterPort?: number;
  /** Extra env for every worker (on top of process.env). */
  env?: NodeJS.ProcessEnv;
  /** After a failure, how long the others get between SIGTERM and SIGKILL. Default 5000 ms. */
  killGraceMs?: number;
  /** Where prefixed lines go. Default process.stdout / process.stderr. */
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** Aborting stops every worker (SIGTERM, then SIGKILL after killGraceMs): e.g. AbortSignal.timeout(ms). */
  signal?: AbortSignal;
}

export interface WorkerExit {
  rank: number;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchResult {
  ok: boolean;
  /** 0 when every worker exited 0; else the failed worker's exit code (128 + signal number for a signal). */
  exitCode: number;
  /** The first worker that failed, if any. */
  failed: WorkerExit | null;
  exits: WorkerExit[];
  masterPort: number;
  /** One line for humans: what happened. */
  message: string;
}

const SIGNUM: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGABRT: 6 };

function describe(e: WorkerExit): string {
  return e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
}

export async function launch(opts: LaunchOptions): Promise<LaunchResult> {
  const nproc = opts.nprocPerNode;
  const nnodes = opts.nnodes ?? 1;
  const nodeRank = opts.nodeRank ?? 0;
  if (!(Number.isInteger(nproc) && nproc >= 1)) throw new RangeError(`nprocPerNode must be a positive integer, got ${nproc}`);
  if (!(Number.isInteger(nnodes) && nnodes >= 1 && nodeRank >= 0 && nodeRank < nnodes)) throw new RangeError(`nodeRank ${nodeRank} is not in [0, ${nnodes})`);
  if (nnodes > 1 && opts.masterPort === undefined) throw new RangeError('a multi-node launch needs an explicit masterPort agreed by all nodes');
  const masterAddr = opts.masterAddr ?? '127.0.0.1';
  const masterPort = opts.masterPort ?? (await freePort(masterAddr));
  const out = opts.stdout ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = opts.stderr ?? ((l: string) => process.stderr.write(l + '\n'));
  const grace = opts.killGraceMs ?? 5000;

  const children: ChildProcess[] = [];
  const exits: WorkerExit[] = [];
  let failed: WorkerExit | null = null;
  let stopping = false;
  let interruptedBy: NodeJS.Signals | null = null;
  const killTimers: NodeJS.Timeout[] = [];

  const stopOthers = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
    killTimers.push(
      setTimeout(() => {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }, grace),
    );
  };
  // A signal from outside (Ctrl-C, the scheduler's SIGTERM) goes to every worker; their exits are then not failures.
  const forward = (sig: NodeJS.Signals) => () => {
    interruptedBy ??= sig;
    stopping = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(sig);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const onAbort = () => stopOthers('SIGTERM');
  opts.signal?.addEventListener('abort', onAbort);

  const done = new Promise<void>((resolve) => {
    let remaining = nproc;
    for (let local = 0; local < nproc; local++) {
      const rank = nodeRank * nproc + local;
      const env = {
        ...process.env,
        ...opts.env,
        ...workerEnv({ rank, worldSize: nnodes * nproc, localRank: local, localWorldSize: nproc, masterAddr, masterPort }),
      };
      const child = spawn(opts.command, [...(opts.args ?? [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      const prefix = `[rank ${rank}] `;
      createInterface({ input: child.stdout! }).on('line', (l) => out(prefix + l));
      createInterface({ input: child.stderr! }).on('line', (l) => err(prefix + l));
      let settled = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        const e: WorkerExit = { rank, pid: child.pid, code, signal };
        exits.push(e);
        if ((code !== 0 || signal) && !failed && !stopping) {
          failed = e;
          stopOthers('SIGTERM');
        }
        if (--remaining === 0) resolve();
      };
      child.on('error', (e) => {
        err(`${prefix}could not start '${opts.command}': ${e.message}`);
        finish(127, null);
      });
      // 'close' (not 'exit'): the output pipes are drained, so no prefixed line arrives after the result.
      child.on('close', finish);
    }
  });
  try {
    await done;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    opts.signal?.removeEventListener('abort', onAbort);
    for (const t of killTimers) clearTimeout(t);
  }
  exits.sort((a, b) => a.rank - b.rank);
  const f = failed as WorkerExit | null;
  const sig = interruptedBy as NodeJS.Signals | null;
  if (!f && sig) {
    return { ok: false, exitCode: 128 + (SIGNUM[sig] ?? 1), failed: null, exits, masterPort, message: `rarft launch: interrupted by ${sig}, forwarded to ${nproc} worker(s); exits: ${exits.map((e) => `rank ${e.rank} ${describe(e)}`).join(', ')}` };
  }
  if (!f) {
    const interrupted = exits.find((e) => e.code !== 0 || e.signal);
    if (interrupted) {
      // Stopped from outside (a forwarded signal) rather than by a worker failure.
      const code = interrupted.signal ? 128 + (SIGNUM[interrupted.signal] ?? 1) : (interrupted.code ?? 1);
      return { ok: false, exitCode: code, failed: interrupted, exits, masterPort, message: `rarft launch: worker rank ${interrupted.rank} ${describe(interrupted)}` };
    }
    return { ok: true, exitCode: 0, failed: null, exits, masterPort, message: `rarft launch: all ${nproc} worker(s) exited 0` };
  }
  const exitCode = f.signal ? 128 + (SIGNUM[f.signal] ?? 1) : (f.code ?? 1);
  const others = nproc - 1;
  return {
    ok: false,
    exitCode,
    failed: f,
    exits,
    masterPort,
    message: `rarft launch: worker rank ${f.rank} (pid ${f.pid}) ${describe(f)}; stopped the other ${others} worker(s)`,
  };
}
