/**
 * Runs a TypeScript snippet in a child Node process (vite-node, so it imports lib/ as the tests do). Used where the
 * code under test could kill its process (a native crash, a stack overflow, an allocation that never ends): the
 * child dies, the test sees its signal or exit code and fails, and vitest itself survives.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The child printed nothing for idleTimeoutMs and was killed. */
  idle: boolean;
}

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** `lib/...` as an absolute import specifier for a child script. */
export const libPath = (rel: string) => JSON.stringify(join(REPO, 'lib', rel));

export interface ChildOptions {
  timeoutMs?: number;
  /** Kill the child when it prints no line for this long (a hang inside one unit of work). */
  idleTimeoutMs?: number;
  /** V8 heap limit of the child (MiB): a runaway JS allocation ends the child, not the machine. */
  maxOldSpaceMb?: number;
  args?: string[];
  /** Each stdout line as it arrives (progress watchdogs). */
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export function runChildScript(source: string, opts: ChildOptions = {}): Promise<ChildResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'rarft-child-')), 'script.mts');
  writeFileSync(file, source);
  const viteNode = join(REPO, 'node_modules', '.bin', 'vite-node');
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--max-old-space-size=${opts.maxOldSpaceMb ?? 512}`].join(' ').trim();
  return new Promise((resolve, reject) => {
    const child = spawn(viteNode, [file, ...(opts.args ?? [])], {
      cwd: REPO,
      env: { ...process.env, ...opts.env, NODE_OPTIONS: nodeOptions },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: a timeout kills vite-node and the node it runs
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let timedOut = false;
    let idle = false;
    let lastLine = Date.now();
    const idleTimer = opts.idleTimeoutMs
      ? setInterval(() => {
          if (Date.now() - lastLine < opts.idleTimeoutMs!) return;
          idle = true;
          killGroup(child.pid);
        }, 250)
      : null;
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      if (text.includes('\n')) lastLine = Date.now();
      stdout += text;
      if (!opts.onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const l of lines) opts.onLine(l);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (idleTimer) clearInterval(idleTimer);
      if (opts.onLine && partial) opts.onLine(partial);
      resolve({ code, signal, stdout, stderr, timedOut, idle });
    });
  });
}

/** Kills a detached child's whole process group (the child and what it started). */
export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
