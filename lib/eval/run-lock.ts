/**
 * One writer per evaluation folder: two `rarft-eval run` processes appending to the same predictions.jsonl (e.g. two
 * shards given the same --out) would interleave lines and answer items twice. The lock itself (pid + host, stale-lock
 * takeover) is lib/util/run-lock.ts, shared with the trainer.
 */
import { lockRunDir as lockDir } from '../util/run-lock.js';

/** Takes `<dir>/run.lock`; returns the release function. */
export function lockRunDir(dir: string): () => void {
  return lockDir(dir, { tool: 'rarft-eval run', hint: 'use another --out or wait for it' });
}
