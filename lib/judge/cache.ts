/**
 * Per-item judge cache: one JSONL line per successful, parsed judge answer, keyed by sha256 of the stage, the model,
 * the prompt version, the temperature and the stage inputs. A rerun with the same inputs sends no request. Failures are
 * never cached, so a rerun retries exactly the items that failed.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface CacheEntry {
  key: string;
  stage: string;
  model: string;
  value: unknown;
}

export function judgeCacheKey(parts: { stage: string; model: string; promptVersion: string; temperature: number; inputs: unknown }): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.stage, parts.model, parts.promptVersion, parts.temperature, parts.inputs]))
    .digest('hex');
}

export class JudgeCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** Lines that could not be parsed (e.g. a line cut short by a killed run); they are ignored, not fatal. */
  readonly skippedLines: number;

  /** `file` undefined = in-memory only. */
  constructor(readonly file?: string) {
    let skipped = 0;
    if (file && existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      // A run killed mid-write leaves a partial last line; end it so our first append starts on a line of its own.
      if (text !== '' && !text.endsWith('\n')) appendFileSync(file, '\n');
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          const entry = JSON.parse(line) as CacheEntry;
          if (typeof entry.key === 'string') this.entries.set(entry.key, entry);
          else skipped += 1;
        } catch {
          skipped += 1;
        }
      }
    }
    this.skippedLines = skipped;
    if (file) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  /** Appended synchronously so an interrupted run keeps every answer it paid for. */
  set(entry: CacheEntry): void {
    this.entries.set(entry.key, entry);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}
