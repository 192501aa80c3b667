/**
 * One writer per run folder. Two writers in one folder (two `rarft-train` runs given the same output_dir, two
 * `rarft-eval run` shards given the same --out) interleave their logs and overwrite each other's checkpoints or
 * answers. `<dir>/run.lock` is created exclusively (O_EXCL) and holds the writer's pid, host, process start time and
 * command; a second writer is refused with a message naming the holder. A lock whose holder is gone is taken over:
 * on the same host, a pid that no longer exists, or that now belongs to another process (a different start time
 * after pid reuse). A lock from another host (a shared filesystem) is never taken over automatically: its holder's
 * liveness cannot be checked from here, so the message says which file to delete if that run is gone.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { DataError } from '../errors.js';

export const RUN_LOCK_FILE = 'run.lock';

interface Holder {
  pid: number;
  host: string | null;
  /** /proc/<pid>/stat's start time (clock ticks since boot), null when unknown. */
  started: string | null;
  command: string | null;
}

/** The process start time from /proc (Linux), which tells a live holder from a pid reused by another process. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may contain spaces: count fields after its closing ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a lock file: "pid\nhost\nstart\ncommand\n" (older locks hold the pid alone). */
function readHolder(file: string): Holder | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const [pid, host, started, command] = text.split('\n');
  const n = Number.parseInt(pid ?? '', 10);
  if (!Number.isInteger(n) || n <= 0) return null;
  return { pid: n, host: host || null, started: started || null, command: command || null };
}

/** An empty lock younger than a few seconds is being written by its creator, not left by a crash. */
function justCreated(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < 5000;
  } catch {
    return false;
  }
}

/** Whether the holder may still be writing (true for another host's holder: it cannot be checked from here). */
function holderLive(h: Holder): boolean {
  if (h.host !== null && h.host !== hostname()) return true;
  if (!alive(h.pid)) return false;
  const now = startTime(h.pid);
  return h.started === null || now === null || now === h.started;
}

export interface RunLockOptions {
  /** Names this kind of writer in the refusal, e.g. "rarft-train run". */
  tool: string;
  /** What the refused user can do, e.g. "use another output_dir or wait for it". */
  hint: string;
}

/** Takes `<dir>/run.lock` (the folder must exist); returns the release function. */
export function lockRunDir(dir: string, opts: RunLockOptions): () => void {
  const file = path.join(dir, RUN_LOCK_FILE);
  const me = `${process.pid}\n${hostname()}\n${startTime(process.pid) ?? ''}\n${opts.tool}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, me);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // only our own lock is removed (a holder that outlived a takeover keeps its own)
        const h = readHolder(file);
        if (h && h.pid === process.pid && (h.host === null || h.host === hostname())) rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const h = readHolder(file);
      if (!h && justCreated(file)) throw new DataError(`another ${opts.tool} is taking the lock on this folder right now; ${opts.hint}`, { file });
      if (h && holderLive(h)) {
        const where = h.host && h.host !== hostname() ? ` on host ${h.host}` : '';
        const remote = where ? `; if that run is gone, delete ${file}` : '';
        throw new DataError(`another ${h.command ?? opts.tool} (pid ${h.pid}) is writing to this folder${where}; ${opts.hint}${remote}`, { file });
      }
      // stale (its process is gone) or unreadable (a crash between create and write): take it over
      rmSync(file, { force: true });
    }
  }
  throw new DataError('could not take the run lock (another process keeps re-creating it)', { file });
}
