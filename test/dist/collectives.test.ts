// c10d collectives over Gloo, 2 processes on 127.0.0.1 (launched by lib/dist/launch), against hand-computed values.
import { describe, expect, it } from 'vitest';
import { launchWorkers, linesOf } from './helpers.js';

describe('ProcessGroup collectives (gloo, 2 ranks)', () => {
  it('allReduce sum/avg/max, broadcast, allGather, reduceScatter, barrier give the hand values', async () => {
    const { result, lines } = await launchWorkers('collectives', 2);
    expect(result.message + '\n' + lines.join('\n')).toMatch(/all 2 worker\(s\) exited 0/);
    const res = [0, 1].map((r) => JSON.parse(linesOf(lines, r, 'RESULT')[0] ?? 'null'));
    for (const r of [0, 1]) {
      const x = res[r];
      expect(x.rank).toBe(r);
      expect(x.sum).toEqual([3, 30, -1]); // [1+2, 10+20, 0-1]
      expect(x.avg).toEqual([1.5, 1]); // [(1+2)/2, (0+2)/2]
      expect(x.max).toEqual([1, 5]); // [max(0,1), max(5,4)]
      expect(x.broadcast).toEqual([7, 8, 9]); // rank 1's values
      expect(x.allGather).toEqual([0, 0.5, 1, 1.5]); // rank 0's [0, .5] then rank 1's [1, 1.5]
      expect(x.int64).toEqual([3]);
    }
    // Rank r sends [10r, 10r+1, 10r+2, 10r+3]; the sums are [10, 12, 14, 16]; rank 0 keeps the first half.
    expect(res[0].reduceScatter).toEqual([10, 12]);
    expect(res[1].reduceScatter).toEqual([14, 16]);
  });
});
