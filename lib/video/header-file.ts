/**
 * The frame of the in-process probes (mp4-probe.ts, mkv-probe.ts): open the file read-only, run the header reader,
 * close. They never throw: a file that cannot be opened, or a reader that throws on a truncated or malformed
 * structure, gives null, and the caller then asks ffprobe, which says what is wrong with the file.
 */
import { closeSync, openSync } from 'node:fs';

export function readHeaderOrNull<T>(path: string, read: (fd: number) => T | null): T | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    return read(fd);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
