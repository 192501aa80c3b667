/**
 * `--shard i/n`: contiguous slices of ceil(R/n) records, in file order, as the reference's 4-GPU inference splits its
 * input (rarft-reference §5.1); every item of a record stays in one shard. Shards are 0-based.
 */
import { InvalidArgumentError } from 'commander';
import type { EvalItem } from './benchmarks.js';

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 0 && index < count)) {
    throw new InvalidArgumentError(`expected "i/n" with 0 <= i < n (e.g. 0/4), got "${text}"`);
  }
  return { index, count };
}

export function shardItems(items: readonly EvalItem[], shard: Shard): EvalItem[] {
  const records: number[] = [];
  const seen = new Set<number>();
  for (const it of items) if (!seen.has(it.item.recordIndex)) (seen.add(it.item.recordIndex), records.push(it.item.recordIndex));
  const size = Math.ceil(records.length / shard.count);
  const mine = new Set(records.slice(shard.index * size, (shard.index + 1) * size));
  return items.filter((it) => mine.has(it.item.recordIndex));
}
