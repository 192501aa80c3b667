/**
 * Atomic file replacement (write a temp file beside the target, then rename it over the target) that never writes
 * through something already there: the temp name is fresh and random, and it is opened O_CREAT|O_EXCL|O_NOFOLLOW, so
 * a file or symlink planted at a guessable temp name (`latest.tmp` pointing at a file elsewhere) makes the open fail
 * instead of redirecting the write. The rename replaces a symlink at the target itself, never the file it points to.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** `<file>.tmp-<pid>-<random>`: the temp name for `file` (also what stale-temp cleaners look for). */
export function tempNameFor(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Creates a fresh temp file for `file` exclusively; returns its fd and path. */
export function openExclusiveTemp(file: string): { fd: number; path: string } {
  const path = tempNameFor(file);
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  return { fd, path };
}

/** Replaces `file` with `data` atomically (readers see the old or the new content, never a part). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = openExclusiveTemp(file);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let done = 0;
    while (done < buf.length) done += writeSync(tmp.fd, buf, done, buf.length - done);
    closeSync(tmp.fd);
    tmp.fd = -1;
    renameSync(tmp.path, file);
  } catch (e) {
    if (tmp.fd >= 0) closeSync(tmp.fd);
    rmSync(tmp.path, { force: true });
    throw e;
  }
}
