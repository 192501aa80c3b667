/**
 * The bridge's cost: a JS handle call (a.add(b), result disposed) vs the same ATen op in a C++ loop, on tensors of
 * 1, 1k and 1M elements. Targets: overhead <= 2 µs per call; within 5% of native for the 1M-element op.
 */
import { Bench } from 'tinybench';

import { Generator, randn } from '../lib/index.js';
import { native } from '../lib/tensor/native.js';
import { type BenchRecord, meanLatencyMs, writeResults } from './write-results.js';

const N = native();
const records: BenchRecord[] = [];
const g = new Generator(0);

for (const [label, n, iters] of [['1', 1, 200_000], ['1k', 1_000, 100_000], ['1M', 1_000_000, 400]] as const) {
  const a = randn([n], { generator: g });
  const b = randn([n], { generator: g });
  // Small ops run K calls per task iteration so tinybench's own per-iteration timing cost is not counted as ours.
  const K = n >= 1_000_000 ? 1 : 200;
  const bench = new Bench({ time: n >= 1_000_000 ? 3000 : 1500, warmupTime: 300 });
  bench.add(`js add ${label}`, () => {
    for (let k = 0; k < K; k++) a.add(b).dispose();
  });
  await bench.run();
  const jsNs = (meanLatencyMs(bench.tasks[0]!) * 1e6) / K;
  // Interleave native runs and take the median to damp noise on a shared machine.
  const natives = Array.from({ length: 5 }, () => N.nativeLoopNs('add', a.handle, b.handle, iters)).sort((x, y) => x - y);
  const nativeNs = natives[2]!;
  records.push({ name: `add ${label} elements: js handle call`, value: jsNs / 1000, unit: 'us/call' });
  records.push({ name: `add ${label} elements: native C++ loop`, value: nativeNs / 1000, unit: 'us/call' });
  records.push({ name: `add ${label} elements: overhead per call`, value: (jsNs - nativeNs) / 1000, unit: 'us' });
  records.push({ name: `add ${label} elements: js/native time ratio`, value: jsNs / nativeNs, unit: 'x' });
  a.dispose();
  b.dispose();
}

const floor = new Bench({ time: 1000 });
floor.add('noop', () => {
  for (let k = 0; k < 1000; k++) N.noop(k);
});
await floor.run();
records.push({ name: 'N-API crossing floor (noop call)', value: (meanLatencyMs(floor.tasks[0]!) * 1e6) / 1000, unit: 'ns/call' });

writeResults('bridge', records);
