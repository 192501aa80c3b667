/**
 * One writer per run folder: two `rarft-eval run` processes appending to the same predictions.jsonl (e.g. two shards
 * given the same --out) would interleave lines and answer items twice. run.lock holds the writer's pid; a lock left
 * by a process that no longer exists (killed run) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>/run.lock`; returns the release function. */
export function lockRunDir(dir: string): () => void {
  const file = path.join(dir, 'run.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new DataError(`another rarft-eval run (pid ${pid}) is writing to this folder; use another --out or wait for it`, { file });
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataError('could not take the run lock', { file });
}
