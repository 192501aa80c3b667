/**
 * completions.jsonl: one line per GRPO step, `{"step": N, "samples": [...]}` (each prompt's completions and rewards),
 * appended by rank 0. On start it is cut back to the resumed step (a resume replaces what came after; a fresh run
 * starts empty). A torn last line from a crash is dropped; any other bad line stops the run naming the file and line
 * (lib/logging/jsonl-log.ts), rather than a bare SyntaxError blocking every resume.
 */
import { appendFileSync, existsSync } from 'node:fs';

import { readJsonlLog } from '../logging/jsonl-log.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const COMPLETIONS_FILE = 'completions.jsonl';

interface CompletionsLine {
  step: number;
}

const checkLine = (v: unknown): CompletionsLine | string =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as CompletionsLine).step === 'number' ? (v as CompletionsLine) : 'expected {"step": N, "samples": [...]}';

/** Keeps the lines of steps <= `step` (rewritten atomically; untouched when nothing changes). */
export function truncateCompletions(file: string, step: number): void {
  if (!existsSync(file)) return;
  const { records, tornTail } = readJsonlLog(file, checkLine);
  const kept = records.filter((r) => r.step <= step);
  if (kept.length === records.length && !tornTail) return;
  writeFileAtomic(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** Appends one step's samples. */
export function appendCompletions(file: string, step: number, samples: readonly unknown[]): void {
  appendFileSync(file, `${JSON.stringify({ step, samples })}\n`);
}
