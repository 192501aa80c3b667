/**
 * One rank of the collective bandwidth bench (bench/distributed.bench.ts launches 2 with lib/distributed/launch). For each flat
 * buffer size: all-gather (each rank sends size/world, receives the full size) and reduce-scatter (each rank sends the
 * full size, receives size/world), timed on rank 0 between barriers. Prints `BW {json}` lines.
 * Throughput is the full buffer's bytes per second (torch's "algbw"); over Gloo loopback each rank also copies.
 */
import { initProcessGroup } from '../lib/distributed/index.js';
import { zeros } from '../lib/tensor/index.js';

const MB = 1 << 20;
const pg = await initProcessGroup({ backend: 'gloo', timeoutMs: 120_000 });
for (const mb of [1, 16, 64]) {
  const n = (mb * MB) / 4; // float32 elements of the full buffer
  const iters = mb === 1 ? 30 : mb === 16 ? 8 : 4;
  const local = zeros([n / pg.worldSize]);
  const full = zeros([n]);
  for (const op of ['allGather', 'reduceScatter'] as const) {
    const run = async () => (op === 'allGather' ? pg.allGather(local) : pg.reduceScatter(full, 'sum'));
    (await run()).dispose(); // warm-up: connection buffers, allocator
    await pg.barrier();
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) (await run()).dispose();
    await pg.barrier();
    const s = (performance.now() - t0) / 1000 / iters;
    if (pg.rank === 0) console.log('BW ' + JSON.stringify({ op, mb, ms: s * 1000, gbps: (mb * MB) / s / 1e9 }));
  }
  local.dispose();
  full.dispose();
}
await pg.destroy();
process.exit(0);
