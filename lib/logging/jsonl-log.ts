/**
 * The append-only JSONL logs the trainer writes and reads back (metrics.jsonl, completions.jsonl). Each record is
 * one write of `JSON + "\n"`, so a crash mid-write can leave exactly one defect: an unterminated last line (a torn
 * tail). Readers drop a torn tail silently, keep an unterminated last line that is a complete record, and fail on
 * anything else with a DataError naming the file and the line: a bad line in the middle is not crash damage, and
 * skipping it would silently lose or reorder history. Writers call `repairTornTail` before appending, so a new record
 * never lands on the end of a torn one.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, fstatSync, ftruncateSync, writeSync } from 'node:fs';
import { DataError } from '../errors.js';

export interface JsonlLog<T> {
  records: T[];
  /** Whether an unterminated, unparseable last line was dropped. */
  tornTail: boolean;
}

/**
 * Reads `file`; `check` validates one parsed line and returns the record, or a string saying what is wrong with it
 * (reported with the file and line). A missing file reads as empty.
 */
export function readJsonlLog<T>(file: string, check: (value: unknown) => T | string): JsonlLog<T> {
  if (!existsSync(file)) return { records: [], tornTail: false };
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const records: T[] = [];
  let tornTail = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const unterminated = i === lines.length - 1; // after the last "\n": the line a crash may have cut
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      if (unterminated) {
        tornTail = true;
        continue;
      }
      throw new DataError(`line ${i + 1}: not valid JSON (${(e as Error).message}); only a torn last line is tolerated`, { file });
    }
    const r = check(value);
    if (typeof r === 'string') throw new DataError(`line ${i + 1}: ${r}`, { file });
    records.push(r);
  }
  return { records, tornTail };
}

/**
 * Makes `file` end with a newline before an append: a torn tail (unterminated and unparseable) is cut off, an
 * unterminated complete record gets its newline. Returns what it did.
 */
export function repairTornTail(file: string): 'none' | 'cut' | 'terminated' {
  if (!existsSync(file)) return 'none';
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 'none';
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return 'none';
    // the tail after the last newline (a log line is small; read backwards in chunks until a newline is found)
    let start = size;
    const chunk = Buffer.alloc(64 * 1024);
    while (start > 0) {
      const from = Math.max(0, start - chunk.length);
      const n = readSync(fd, chunk, 0, start - from, from);
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        start = from + nl + 1;
        break;
      }
      start = from;
    }
    const tail = Buffer.alloc(size - start);
    readSync(fd, tail, 0, tail.length, start);
    try {
      JSON.parse(tail.toString('utf8'));
      writeSync(fd, '\n', size);
      return 'terminated';
    } catch {
      ftruncateSync(fd, start);
      return 'cut';
    }
  } finally {
    closeSync(fd);
  }
}
