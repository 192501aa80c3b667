// ZeRO-3 training end to end (issue #7): the same GRPO run in 1 process and in 2 processes (Gloo on 127.0.0.1, each
// rank holding half of every parameter and of the optimizer state) ends with the same weights; each rank holds
// about half the parameter + optimizer bytes (printed by the trainer, checked here); a checkpoint written by 2
// processes resumes in 1 process and continues exactly like the 1-process run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { TrainConfig } from '../../lib/config/schema.js';
import { freePort, workerEnv } from '../../lib/distributed/index.js';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import { dispose, type Tensor } from '../../lib/tensor/index.js';
import { Trainer, train } from '../../lib/trainer/trainer.js';
import { type TinyRun, tinyConfig } from '../trainer/fixture.js';
import { ROOT, VITE_NODE } from './helpers.js';
import { RANK_ENV, TRAINER_WORKER, launchTrainerRanks, maxDiff, perRank, setUpTinyRun, weights } from './trainer-runs.js';
import { CHARS_REWARD } from './workers/chars-reward.js';

let run: TinyRun;
setUpTinyRun([CHARS_REWARD], (r) => (run = r));

// 2 prompts per step: per_device_train_batch_size 2 in one process, 1 per rank with 2 ranks (perRank)
const cfgFor = (name: string, extra: Record<string, unknown> = {}): TrainConfig =>
  tinyConfig(run, name, { per_device_train_batch_size: 2, max_steps: 2, save_steps: 1, beta: 0.04, top_k: 20, reward_funcs: ['format', 'refuse_iou', 'test_chars'], ...extra });

describe('ZeRO-3 trainer over 2 Gloo processes', () => {
  it('ends with the 1-process weights, holds about half the bytes per rank, and its checkpoint resumes in 1 process', async () => {
    await train(cfgFor('one'), { progress: null, log: () => {}, dist: null });
    const lines = await launchTrainerRanks(run, cfgFor('two'));

    const init = await weights(run.modelDir);
    const one = await weights(join(run.root, 'one', 'checkpoint-2'));
    const two = await weights(join(run.root, 'two', 'checkpoint-2'));
    const moved = maxDiff(init, one);
    const diff = maxDiff(one, two);
    console.log(`[zero3] max |w_1proc - w_2proc| after 2 steps = ${diff.toExponential(3)} (weights moved up to ${moved.toExponential(3)})`);
    expect(moved).toBeGreaterThan(1e-3); // the run really trained
    expect(diff).toBeLessThan(1e-5);

    // each rank printed its share: parameters + optimizer state about half of what one process holds
    const ratios = lines.filter((l) => l.includes('zero3 rank')).map((l) => Number(/ratio ([\d.]+)/.exec(l)![1]));
    console.log(`[zero3] per-rank memory ratios: ${ratios.join(', ')}`);
    expect(ratios).toHaveLength(2);
    for (const r of ratios) expect(r).toBeGreaterThan(0.45), expect(r).toBeLessThan(0.55);

    // the 2-process checkpoint-1 resumed in ONE process continues like the 1-process run
    await train(cfgFor('two', { resume_from_checkpoint: join(run.root, 'two', 'checkpoint-1'), output_dir: join(run.root, 'two-resumed') }), { progress: null, log: () => {}, dist: null });
    const resumed = await weights(join(run.root, 'two-resumed', 'checkpoint-2'));
    const rdiff = maxDiff(one, resumed);
    console.log(`[zero3] 2-process checkpoint-1 resumed in 1 process: max diff to the 1-process run = ${rdiff.toExponential(3)}`);
    expect(rdiff).toBeLessThan(1e-5);
    for (const m of [init, one, two, resumed]) dispose([...m.values()]);
  }, 600_000);

  it('`rarft-train --nproc-per-node 2` re-shards a 1-process checkpoint into 2 ranks and continues like 1 process', async () => {
    // needs the compiled bin (npm run build); built-in rewards only, since the CLI's workers cannot see test rewards:
    // with zero-spread rewards the step-2 gradient is the KL term alone (policy != reference after step 1)
    const from = join(run.root, 'one', 'checkpoint-1');
    const base = { reward_funcs: ['format', 'refuse_iou'], resume_from_checkpoint: from };
    await train(cfgFor('solo-resume', base), { progress: null, log: () => {}, dist: null });
    const cfg = cfgFor('cli-resume', base);
    const file = join(run.root, 'cli-resume.json');
    writeFileSync(file, JSON.stringify({ ...perRank(cfg), resume_from_checkpoint: null }));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/rarft-train.js'), '--config', file, '--resume', from, '--nproc-per-node', '2'], {
      env: { ...process.env, ...RANK_ENV },
      encoding: 'utf8',
      timeout: 240_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/\[rank 1\] zero3 rank 1\/2/);
    expect(out).toMatch(/resumed from .*checkpoint-1 at step 1/);
    const a = await weights(join(run.root, 'solo-resume', 'checkpoint-2'));
    const b = await weights(join(run.root, 'cli-resume', 'checkpoint-2'));
    const start = await weights(from);
    const moved = maxDiff(start, a);
    const diff = maxDiff(a, b);
    console.log(`[zero3] 1-process checkpoint resumed in 2 processes (CLI): max diff = ${diff.toExponential(3)} (step moved ${moved.toExponential(3)})`);
    expect(moved).toBeGreaterThan(1e-6);
    expect(diff).toBeLessThan(1e-5);
    for (const m of [a, b, start]) dispose([...m.values()]);
  }, 600_000);

  it('the supervised warm-up (--stage sft) over 2 processes equals 1 process', async () => {
    const cfg = cfgFor('sft-one', { reward_funcs: ['format'] });
    await new Trainer(cfg, { stage: 'sft', progress: null, log: () => {}, dist: null }).train();
    const two = cfgFor('sft-two', { reward_funcs: ['format'] });
    const file = join(run.root, 'sft-two.json');
    writeFileSync(file, JSON.stringify(perRank(two)));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/rarft-train.js'), '--config', file, '--stage', 'sft', '--nproc-per-node', '2'], {
      env: { ...process.env, ...RANK_ENV },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const a = await weights(join(cfg.output_dir, 'checkpoint-2'));
    const b = await weights(join(two.output_dir, 'checkpoint-2'));
    const init = await weights(run.modelDir);
    const moved = maxDiff(init, a);
    const diff = maxDiff(a, b);
    console.log(`[zero3] SFT 2 steps, 1 vs 2 processes: max diff ${diff.toExponential(3)} (moved ${moved.toExponential(3)})`);
    expect(moved).toBeGreaterThan(1e-4);
    expect(diff).toBeLessThan(1e-5);
    for (const m of [a, b, init]) dispose([...m.values()]);
  }, 300_000);

  it('num_iterations 2 over 2 processes: each rank replays its batch; a mid-cycle checkpoint resumes in 2 processes', async () => {
    // a constant LR, so the 3-step run's schedule equals the 4-step run's
    const mu = { num_iterations: 2, max_steps: 4, save_steps: 1, learning_rate: 3e-3, lr_scheduler_type: 'constant' };
    await train(cfgFor('mu-one', mu), { progress: null, log: () => {}, dist: null });
    await launchTrainerRanks(run, cfgFor('mu-two', { ...mu, max_steps: 3 }));
    const ck3 = join(run.root, 'mu-two', 'checkpoint-3');
    expect(existsSync(join(ck3, 'rollout_buffer.rank0.safetensors')) && existsSync(join(ck3, 'rollout_buffer.rank1.safetensors'))).toBe(true);
    const a3 = await weights(join(run.root, 'mu-one', 'checkpoint-3'));
    const b3 = await weights(ck3);
    expect(maxDiff(a3, b3)).toBeLessThan(1e-5);
    await launchTrainerRanks(run, cfgFor('mu-two', { ...mu, resume_from_checkpoint: ck3 }));
    const a4 = await weights(join(run.root, 'mu-one', 'checkpoint-4'));
    const b4 = await weights(join(run.root, 'mu-two', 'checkpoint-4'));
    const diff = maxDiff(a4, b4);
    console.log(`[zero3] num_iterations 2, 2 processes with a mid-cycle resume vs 1 process: max diff ${diff.toExponential(3)} (step 4 moved ${maxDiff(a3, a4).toExponential(3)})`);
    expect(maxDiff(a3, a4)).toBeGreaterThan(1e-5);
    expect(diff).toBeLessThan(1e-5);
    for (const m of [a3, b3, a4, b4]) dispose([...m.values()]);
  }, 300_000);

  it('bf16 weights: fp32 masters are sharded too, gathered into the checkpoint, and resume in 1 process', async () => {
    const bf = { dtype: 'bfloat16', max_steps: 2, save_steps: 1 };
    await launchTrainerRanks(run, cfgFor('bf-two', bf));
    const ck1 = join(run.root, 'bf-two', 'checkpoint-1');
    const opt = await loadSafetensors(join(ck1, 'optimizer.safetensors'));
    const masters = [...opt.tensors.keys()].filter((k) => k.startsWith('master.'));
    expect(masters.length).toBeGreaterThan(0);
    expect(opt.tensors.get(masters[0]!)!.dtype).toBe('float32');
    dispose([...opt.tensors.values()]);
    await train(cfgFor('bf-two', { ...bf, resume_from_checkpoint: ck1, output_dir: join(run.root, 'bf-resumed') }), { progress: null, log: () => {}, dist: null });
    const a = await weights(join(run.root, 'bf-two', 'checkpoint-2'));
    const b = await weights(join(run.root, 'bf-resumed', 'checkpoint-2'));
    expect([...a.values()][0]!.dtype).toBe('bfloat16');
    const f = (m: Map<string, Tensor>) => new Map([...m].map(([n, t]) => [n, t.float()]));
    const diff = maxDiff(f(a), f(b));
    console.log(`[zero3] bf16: 2-process step 2 vs 2-process checkpoint-1 resumed in 1 process: max diff ${diff.toExponential(3)}`);
    // bf16 grads are reduced in a different order (mean over ranks vs sum of halves): within a few bf16 ulps
    expect(diff).toBeLessThan(2e-2);
    for (const m of [a, b]) dispose([...m.values()]);
  }, 300_000);

  it('a rank killed mid-training makes the other exit with an error naming the collective, not hang', async () => {
    const cfg = cfgFor('killed', { max_steps: 200, save_steps: 1000 });
    const file = join(run.root, 'killed.json');
    writeFileSync(file, JSON.stringify(perRank(cfg)));
    const port = await freePort();
    const outs = ['', ''];
    const t0 = performance.now();
    let killedAt = 0;
    const procs = [0, 1].map((rank) =>
      spawn(VITE_NODE, [TRAINER_WORKER, file], {
        env: { ...process.env, ...RANK_ENV, RARFT_DIST_TIMEOUT_MS: '60000', ...workerEnv({ rank, worldSize: 2, localRank: rank, localWorldSize: 2, masterAddr: '127.0.0.1', masterPort: port }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const exits = procs.map((p, rank) => {
      const onData = (d: Buffer) => {
        outs[rank] = outs[rank]! + d;
        if (rank === 1 && !killedAt && /^step 2$/m.test(outs[1]!)) {
          killedAt = performance.now();
          p.kill('SIGKILL');
        }
      };
      p.stdout!.on('data', onData);
      p.stderr!.on('data', onData);
      return new Promise<{ code: number | null; ms: number }>((res) => p.on('close', (code) => res({ code, ms: performance.now() - t0 })));
    });
    const deadline = setTimeout(() => procs.forEach((p) => p.exitCode === null && p.kill('SIGKILL')), 120_000);
    try {
      const [r0] = await Promise.all(exits);
      expect(killedAt).toBeGreaterThan(0);
      const after = r0!.ms - (killedAt - t0);
      console.log(`[zero3] rank 0 exited ${after.toFixed(0)} ms after rank 1 was killed (timeout 60000 ms), code ${r0!.code}`);
      console.log(`[zero3] rank 0 said: ${outs[0]!.split('\n').find((l) => l.includes('failed (rank 0 of 2'))?.slice(0, 300)}`);
      expect(r0!.code).not.toBe(0);
      expect(outs[0]).toMatch(/failed \(rank 0 of 2, gloo/);
      // the cause is the peer's death (its socket closed), not the collective's 60 s timeout: no timing window
      expect(outs[0]).toMatch(/Connection (closed|reset) by peer/);
      expect(outs[0]).not.toMatch(/^done step/m);
    } finally {
      clearTimeout(deadline);
      procs.forEach((p) => p.exitCode === null && p.signalCode === null && p.kill('SIGKILL'));
    }
  }, 180_000);
});
