/**
 * run.json: what produced a predictions.jsonl (benchmark, annotation file, model, template, decoding, video settings,
 * shard). A rerun into the same folder must match it, otherwise resumed and new answers would come from different
 * setups and be scored together; merge checks that all shards agree on it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile } from '../data/json-file.js';
import { DataError } from '../errors.js';
import type { DecodingOptions } from '../infer/index.js';
import type { PromptTemplate } from '../text/index.js';
import type { Benchmark } from './benchmarks.js';
import type { Shard } from './shard.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface RunManifest {
  benchmark: Benchmark;
  annotations: string;
  model: string;
  template: PromptTemplate;
  decoding: DecodingOptions;
  dtype: string;
  video: Record<string, unknown>;
  shard: Shard | null;
  /** Items this run (shard) is responsible for. */
  items: number;
  /** Merged runs: the shard folders. */
  merged_from?: string[];
}

/** The fields two runs must share for their answers to be mixed (everything but the shard and the counts). */
export function identityOf(m: RunManifest): Record<string, unknown> {
  return { benchmark: m.benchmark, annotations: m.annotations, model: m.model, template: m.template, decoding: m.decoding, dtype: m.dtype, video: m.video };
}

export function readManifest(dir: string): RunManifest | null {
  const file = path.join(dir, 'run.json');
  if (!existsSync(file)) return null;
  return readJsonFile(file) as RunManifest;
}

/** Throws (naming the field) when `next` differs from an existing manifest in `dir`; writes `next` otherwise. */
export function checkAndWriteManifest(dir: string, next: RunManifest): void {
  const prev = readManifest(dir);
  if (prev) {
    const a = identityOf(prev), b = identityOf(next);
    for (const k of Object.keys(b)) {
      if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
        throw new DataError(
          `this folder holds answers from a different run (${k}: ${JSON.stringify(a[k])} there, ${JSON.stringify(b[k])} now); use another --out`,
          { file: path.join(dir, 'run.json'), field: k },
        );
      }
    }
    if (JSON.stringify(prev.shard) !== JSON.stringify(next.shard)) {
      throw new DataError(`this folder holds shard ${JSON.stringify(prev.shard)}, not ${JSON.stringify(next.shard)}`, { file: path.join(dir, 'run.json'), field: 'shard' });
    }
  }
  writeJsonAtomic(path.join(dir, 'run.json'), next);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
