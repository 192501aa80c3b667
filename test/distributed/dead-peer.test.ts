// A dead or stalled peer must end the survivor with a clear error within the timeout - never a hang. The ranks are
// spawned directly (not through the launcher, which would kill the survivor itself), each with a hard deadline.
import { describe, expect, it } from 'vitest';
import { launchWorkers, spawnRanks } from './helpers.js';

const TIMEOUT_MS = 4000;

describe('failure handling', () => {
  it('a SIGKILLed rank makes the other exit 1 with an error naming the op and rank, within the timeout', async () => {
    const [r0, r1] = await spawnRanks('die', 2, { timeoutMs: TIMEOUT_MS, deadlineMs: 60_000 });
    expect(r1!.signal).toBe('SIGKILL');
    expect(r0!.out).not.toMatch(/frame #\d+/);
    expect(r0!.out).toMatch(/rank 0: TorchError: .*allReduce failed \(rank 0 of 2, gloo, store 127\.0\.0\.1:\d+, timeout 4000 ms\)/);
    expect(r0!.code).toBe(1);
    const after = Number(/ERROR_AFTER_MS (\d+)/.exec(r0!.out)?.[1]);
    console.log(`dead-peer: survivor failed ${after} ms after the peer's death (timeout ${TIMEOUT_MS} ms); message: ${/TorchError: (.*)/.exec(r0!.out)?.[1]}`);
    expect(after).toBeLessThanOrEqual(TIMEOUT_MS + 1500);
  });

  it('a rank that stops calling collectives makes the other time out with a clear error', async () => {
    const [r0] = await spawnRanks('stall', 2, { timeoutMs: TIMEOUT_MS, deadlineMs: 60_000, killRestAfterRank0: true });
    expect(r0!.code).toBe(1);
    expect(r0!.signal).toBeNull(); // it exited by itself, before the test's deadline
    expect(r0!.out).toMatch(/allReduce failed \(rank 0 of 2/);
    const after = Number(/ERROR_AFTER_MS (\d+)/.exec(r0!.out)?.[1]);
    console.log(`stalled-peer: survivor failed after ${after} ms (timeout ${TIMEOUT_MS} ms)`);
    expect(after).toBeGreaterThanOrEqual(TIMEOUT_MS - 200);
    expect(after).toBeLessThanOrEqual(TIMEOUT_MS + 1500);
  });

  it('a rank that never arrives fails the rendezvous with the store address and timeout', async () => {
    const [r0] = await spawnRanks('collectives', 2, { timeoutMs: TIMEOUT_MS, deadlineMs: 60_000, only: [0] });
    const after = Number(/INIT_FAILED_AFTER_MS (\d+)/.exec(r0!.out)?.[1]);
    console.log(`rendezvous: rank 0 alone failed ${after} ms into initProcessGroup (timeout ${TIMEOUT_MS} ms); process exited ${r0!.code} after ${r0!.ms.toFixed(0)} ms incl. start-up`);
    expect(r0!.signal).toBeNull();
    expect(r0!.code).toBe(1);
    expect(after).toBeGreaterThanOrEqual(TIMEOUT_MS - 200);
    // TCPStore's wait for workers rounds the timeout to whole seconds and adds one ("Timed out after 5 seconds").
    expect(after).toBeLessThanOrEqual(TIMEOUT_MS + 3000);
    expect(r0!.out).not.toMatch(/frame #\d+/); // the C++ backtrace is stripped from the message
    expect(r0!.out).toMatch(/process group rendezvous failed \(rank 0 of 2, gloo, store 127\.0\.0\.1:\d+, timeout 4000 ms\)/);
  });

  it('the launcher stops the other workers when one dies and names the rank and how it ended', async () => {
    const t0 = performance.now();
    const { result, lines } = await launchWorkers('die', 2, { timeoutMs: 60_000 });
    const ms = performance.now() - t0;
    expect(result.ok).toBe(false);
    expect(result.failed?.rank).toBe(1);
    expect(result.failed?.signal).toBe('SIGKILL');
    expect(result.exitCode).toBe(137);
    expect(result.message).toMatch(/worker rank 1 \(pid \d+\) was killed by SIGKILL; stopped the other 1 worker\(s\)/);
    expect(lines.some((l) => l.startsWith('[rank 1] DYING'))).toBe(true);
    // Rank 0's collective timeout is 60 s: finishing well before it means the launcher stopped rank 0.
    expect(ms).toBeLessThan(30_000);
  });
});
