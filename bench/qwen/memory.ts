/** Runs memory-child.ts once per mode (each in its own process) and turns the two peaks into records. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { BenchRecord } from '../write-results.js';
import { ctx } from './timing.js';

interface ChildResult {
  mode: string;
  seconds: number;
  lpSum: number;
  gradNorm: number;
  rssLoadedKb: number;
  hwmLoadKb: number;
  hwmResetKb: number;
  peakKb: number;
  maxRssKb: number;
}

const here = dirname(fileURLToPath(import.meta.url));

function runChild(dir: string, mode: string, B: number, T: number, P: number, chunk: number): ChildResult {
  const root = join(here, '..', '..');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'vite-node'), [join(here, 'memory-child.ts'), dir, mode, String(B), String(T), String(P), String(chunk)], { cwd: root, encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) throw new Error(`memory child (${mode}) failed, exit ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(line.slice(7)) as ChildResult;
}

/** Full path once, chunked once per chunk size; each run in its own process. */
export function logprobMemory(dir: string, label: string, B: number, T: number, P: number, V: number, chunks: number[]): BenchRecord[] {
  const f = runChild(dir, 'full', B, T, P, chunks[0]!);
  const mib = (kb: number) => kb / 1024;
  const over = (r: ChildResult) => mib(r.peakKb - r.rssLoadedKb);
  const what = `B=${B} T=${T} (prompt ${P}) V=${V}, fwd+bwd`;
  const detail = (r: ChildResult) => `RSS after load ${mib(r.rssLoadedKb).toFixed(0)} MiB, peak ${mib(r.peakKb).toFixed(0)} MiB (VmHWM reset after load; ru_maxrss ${mib(r.maxRssKb).toFixed(0)} MiB; the load itself peaked at ${mib(r.hwmLoadKb).toFixed(0)} MiB), ${r.seconds.toFixed(1)} s`;
  const out: BenchRecord[] = [
    { name: `${label} logprobs peak memory over loaded, full logits -> log_softmax -> gather, ${what}`, value: over(f), unit: 'MiB', note: `${detail(f)}; one fp32 [B,T,V] = ${((B * T * V * 4) / 2 ** 20).toFixed(0)} MiB; ${ctx()}` },
  ];
  for (const chunk of chunks) {
    const c = runChild(dir, 'chunked', B, T, P, chunk);
    // both paths must compute the same thing, or the comparison is meaningless
    const rel = Math.abs(c.lpSum - f.lpSum) / Math.abs(f.lpSum);
    const grel = Math.abs(c.gradNorm - f.gradNorm) / Math.abs(f.gradNorm);
    if (!(rel < 1e-4 && grel < 1e-3)) throw new Error(`chunked vs full disagree: sum ${c.lpSum} vs ${f.lpSum}, grad norm ${c.gradNorm} vs ${f.gradNorm}`);
    out.push(
      { name: `${label} logprobs peak memory over loaded, chunked (chunk ${chunk}), ${what}`, value: over(c), unit: 'MiB', note: `${detail(c)}; one fp32 [B,chunk,V] = ${((B * chunk * V * 4) / 2 ** 20).toFixed(0)} MiB; ${ctx()}` },
      { name: `${label} logprobs peak memory ratio full / chunked (chunk ${chunk})`, value: over(f) / over(c), unit: 'x', note: `log-prob sums agree to ${rel.toExponential(1)}, grad norms to ${grel.toExponential(1)}; ${ctx()}` },
    );
  }
  return out;
}
