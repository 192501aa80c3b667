// c10d collectives over Gloo, 2 processes on 127.0.0.1 (launched by lib/distributed/launch), against hand-computed values.
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
    // FlatShard of w=[[r+1,r+2],[r+3,r+4]], b=[10(r+1)]: 5 elements padded to 6, 3 per rank.
    for (const r of [0, 1]) expect(res[r].synced).toEqual([1, 2, 3, 4, 10]); // rank 0's values everywhere
    expect(res[0].syncedLocal).toEqual([1, 2, 3]);
    expect(res[1].syncedLocal).toEqual([4, 10, 0]); // the padding element is 0
    // Without the broadcast each rank keeps the slice of its OWN values: rank 1 contributes [5, 20, pad].
    for (const r of [0, 1]) expect(res[r].unsynced).toEqual([1, 2, 3, 5, 20]);
    expect(res[1].unsyncedLocal).toEqual([5, 20, 0]);
    // Rank r sends [10r, 10r+1, 10r+2, 10r+3]; the sums are [10, 12, 14, 16]; rank 0 keeps the first half.
    expect(res[0].reduceScatter).toEqual([10, 12]);
    expect(res[1].reduceScatter).toEqual([14, 16]);
  });
});
