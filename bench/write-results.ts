/** Every bench suite writes bench/results/<suite>.json: an array of {name, value, unit} records (plus context). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchRecord {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export function writeResults(suite: string, records: BenchRecord[]): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${suite}.json`);
  const context = { suite, date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? '' };
  writeFileSync(path, JSON.stringify(records.map((r) => ({ ...r, context })), null, 2) + '\n');
  for (const r of records) console.log(`${suite}: ${r.name} = ${r.value.toPrecision(4)} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
  return path;
}

/** Mean latency (ms) of a finished tinybench task; an errored task fails the suite rather than recording nothing. */
export function meanLatencyMs(task: { name: string; result?: unknown }): number {
  const r = task.result as { state?: string; latency?: { mean: number }; error?: unknown } | undefined;
  if (!r || !r.latency) throw new Error(`bench task ${task.name} did not complete: ${String(r?.error ?? r?.state ?? 'no result')}`);
  return r.latency.mean;
}
