/** Wall-clock timing for long async model calls (seconds each; tinybench's many-sample loop is too costly here). */
import { loadavg } from 'node:os';

import { getNumThreads } from '../../lib/index.js';

export interface Timed {
  mean: number;
  min: number;
  reps: number;
}

/** `warmup` untimed calls, then `reps` timed ones; each call's result is passed to `check` (a wrong result throws). */
export async function timeCalls<R>(fn: () => Promise<R>, reps: number, warmup: number, check: (r: R) => void = () => {}): Promise<Timed> {
  for (let i = 0; i < warmup; i++) check(await fn());
  const s: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = await fn();
    s.push((performance.now() - t0) / 1000);
    check(r);
  }
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, min: Math.min(...s), reps };
}

/** Context every record's note carries: the 1-min load average (the machine is shared) and torch threads. */
export function ctx(t?: Timed): string {
  const timing = t ? `mean of ${t.reps}, min ${t.min.toFixed(3)} s; ` : '';
  return `${timing}load1 ${loadavg()[0]!.toFixed(2)}, ${getNumThreads()} threads`;
}
