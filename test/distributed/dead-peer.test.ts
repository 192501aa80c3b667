// A dead or stalled peer must end the survivor with a clear error - never a hang. The ranks are spawned directly (not
// through the launcher, which would kill the survivor itself), each with a hard deadline. Nothing here depends on how
// fast the machine is: each case checks what ended the survivor (the error's cause, or who sent the signal), and the
// times it prints are bounded only by generous limits that a hang, or the wrong timeout, would pass.
import { describe, expect, it } from 'vitest';
import { launchWorkers, spawnRanks } from './helpers.js';

/** The collective and rendezvous timeout where a case waits for it to fire. */
const TIMEOUT_MS = 4000;
/** Where the survivor must NOT wait for its timeout: long, so that only noticing the death can end it early. */
const LONG_TIMEOUT_MS = 60_000;
const DEADLINE_MS = 90_000;

const msAfter = (tag: string, out: string) => Number(new RegExp(`${tag} (\\d+)`).exec(out)?.[1]);

describe('failure handling', () => {
  it('a SIGKILLed rank makes the other exit 1 with an error naming the op, the rank and the closed connection', async () => {
    const [r0, r1] = await spawnRanks('die', 2, { timeoutMs: LONG_TIMEOUT_MS, deadlineMs: DEADLINE_MS });
    expect(r1!.signal).toBe('SIGKILL');
    expect(r0!.signal).toBeNull(); // it exited by itself, before the deadline
    expect(r0!.code).toBe(1);
    expect(r0!.out).not.toMatch(/frame #\d+/);
    expect(r0!.out).toMatch(/rank 0: TorchError: .*allReduce failed \(rank 0 of 2, gloo, store 127\.0\.0\.1:\d+, timeout 60000 ms\)/);
    // the cause is the peer's death (its socket closed), not the collective's timeout
    expect(r0!.out).toMatch(/Connection (closed|reset) by peer/);
    const after = msAfter('ERROR_AFTER_MS', r0!.out);
    console.log(`dead-peer: survivor failed ${after} ms after the peer's death (timeout ${LONG_TIMEOUT_MS} ms); message: ${/TorchError: (.*)/.exec(r0!.out)?.[1]}`);
    expect(after).toBeLessThan(LONG_TIMEOUT_MS);
  });

  it('a rank that stops calling collectives makes the other time out with a clear error', async () => {
    const [r0] = await spawnRanks('stall', 2, { timeoutMs: TIMEOUT_MS, deadlineMs: DEADLINE_MS, killRestAfterRank0: true });
    expect(r0!.code).toBe(1);
    expect(r0!.signal).toBeNull(); // it exited by itself, before the deadline
    expect(r0!.out).toMatch(/allReduce failed \(rank 0 of 2, gloo, store 127\.0\.0\.1:\d+, timeout 4000 ms\): .*timed out/i);
    const after = msAfter('ERROR_AFTER_MS', r0!.out);
    console.log(`stalled-peer: survivor failed after ${after} ms (timeout ${TIMEOUT_MS} ms)`);
    // never before the timeout (a slow machine only makes it later); well before any other timeout (the worker's
    // default is 20 s), however loaded the machine
    expect(after).toBeGreaterThanOrEqual(TIMEOUT_MS - 200);
    expect(after).toBeLessThan(3 * TIMEOUT_MS);
  });

  it('a rank that never arrives fails the rendezvous with the store address and timeout', async () => {
    const [r0] = await spawnRanks('collectives', 2, { timeoutMs: TIMEOUT_MS, deadlineMs: DEADLINE_MS, only: [0] });
    const after = msAfter('INIT_FAILED_AFTER_MS', r0!.out);
    console.log(`rendezvous: rank 0 alone failed ${after} ms into initProcessGroup (timeout ${TIMEOUT_MS} ms); process exited ${r0!.code} after ${r0!.ms.toFixed(0)} ms incl. start-up`);
    expect(r0!.signal).toBeNull();
    expect(r0!.code).toBe(1);
    expect(r0!.out).not.toMatch(/frame #\d+/); // the C++ backtrace is stripped from the message
    expect(r0!.out).toMatch(/process group rendezvous failed \(rank 0 of 2, gloo, store 127\.0\.0\.1:\d+, timeout 4000 ms\)/);
    // ended by the store's wait for the other rank, which never came
    expect(r0!.out).toMatch(/Timed out after \d+ seconds waiting for clients\. 1\/2 clients joined/);
    // TCPStore's wait rounds the timeout to whole seconds and adds one ("Timed out after 5 seconds"); never earlier
    expect(after).toBeGreaterThanOrEqual(TIMEOUT_MS - 200);
    expect(after).toBeLessThan(3 * TIMEOUT_MS);
  });

  it('the launcher stops the other workers when one dies and names the rank and how it ended', async () => {
    // die-idle: after rank 1's death rank 0 calls no collective, so nothing but the launcher can end it
    const { result, lines, deadlineHit } = await launchWorkers('die-idle', 2, { timeoutMs: LONG_TIMEOUT_MS, deadlineMs: DEADLINE_MS });
    expect(deadlineHit).toBe(false);
    expect(result.ok).toBe(false);
    expect(result.failed?.rank).toBe(1);
    expect(result.failed?.signal).toBe('SIGKILL');
    expect(result.exitCode).toBe(137);
    expect(result.message).toMatch(/worker rank 1 \(pid \d+\) was killed by SIGKILL; stopped the other 1 worker\(s\)/);
    expect(lines.some((l) => l.startsWith('[rank 1] DYING'))).toBe(true);
    expect(lines.some((l) => l.startsWith('[rank 0] WAITING'))).toBe(true);
    // the launcher's SIGTERM ended rank 0 (vite-node, which runs the worker, exits 143 on it)
    expect(lines).toContain('[rank 0] GOT SIGTERM');
    const r0 = result.exits.find((e) => e.rank === 0)!;
    expect([143, 'SIGTERM']).toContain(r0.signal ?? r0.code);
  });
});
