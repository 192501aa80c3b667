// Issue 19's options over 2 Gloo processes (ZeRO-3), where they need the ranks to agree:
//  * loss_type dapo normalises by the active tokens of the whole global batch: the ranks all-reduce their token counts
//    before backward, so 2 processes × 1 prompt end with the 1-process × 2 prompts weights. A rank-local normaliser
//    would instead give the mean of the two prompts' token means, i.e. what rarft_token_mean gives in 1 process; the
//    test checks that this differs (the prompts' token counts differ), so the comparison can fail.
//  * dynamic sampling: every rank runs the same refill rounds (the largest shortfall over ranks) and trains on the
//    same number of groups, so the collectives of generation and of the update line up; the data cursor moves by the
//    steps' prompts plus every round's extra draws.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TrainConfig } from '../../lib/config/schema.js';
import { launch } from '../../lib/distributed/index.js';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { dispose, getNumThreads, setNumThreads, type Tensor } from '../../lib/tensor/index.js';
import { train } from '../../lib/trainer/trainer.js';
import { readTrainerState } from '../../lib/checkpoint/trainer-state.js';
import { type TinyRun, makeTinyRun, readJsonl, tinyConfig } from '../trainer/fixture.js';
import { ROOT, VITE_NODE } from './helpers.js';
import { CHARS_REWARD, ZERO_STD_ON_REFUSABLE } from './workers/chars-reward.js';

const WORKER = join(ROOT, 'test/distributed/workers/trainer-worker.ts');
let run: TinyRun;
// 1 intra-op thread here as in the workers, so the runs compare bit for bit up to the reduction order (trainer-zero.test.ts)
const threads = getNumThreads();
beforeAll(async () => {
  setNumThreads(1);
  run = await makeTinyRun(4);
  registerReward(CHARS_REWARD);
  registerReward(ZERO_STD_ON_REFUSABLE);
}, 120_000);
afterAll(() => {
  unregisterReward(CHARS_REWARD.name);
  unregisterReward(ZERO_STD_ON_REFUSABLE.name);
  setNumThreads(threads);
});

const cfgFor = (name: string, extra: Record<string, unknown> = {}): TrainConfig =>
  tinyConfig(run, name, { per_device_train_batch_size: 2, max_steps: 2, save_steps: 1, beta: 0.04, top_k: 20, max_completion_length: 12, reward_funcs: ['format', 'test_chars'], ...extra });

async function launch2(cfg: TrainConfig): Promise<string[]> {
  const file = join(run.root, `${cfg.output_dir.split('/').pop()}.json`);
  writeFileSync(file, JSON.stringify({ ...cfg, per_device_train_batch_size: 1 }));
  const lines: string[] = [];
  const r = await launch({
    nprocPerNode: 2,
    command: VITE_NODE,
    args: [WORKER, file],
    env: { OMP_NUM_THREADS: '1', RARFT_NUM_THREADS: '1', RARFT_DIST_TIMEOUT_MS: '120000' },
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
    signal: AbortSignal.timeout(240_000),
    killGraceMs: 2000,
  });
  if (!r.ok) throw new Error(`2-process run failed: ${r.message}\n${lines.join('\n')}`);
  return lines;
}

async function weights(dir: string): Promise<Map<string, Tensor>> {
  return (await loadSafetensors(join(dir, 'model.safetensors'))).tensors;
}

function maxDiff(a: Map<string, Tensor>, b: Map<string, Tensor>): number {
  let m = 0;
  for (const [n, t] of a) {
    const x = t.toArray() as Float32Array, y = b.get(n)!.toArray() as Float32Array;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  }
  return m;
}

describe('GRPO variants over 2 Gloo processes', () => {
  it('dapo: 2 processes × 1 prompt equal 1 process × 2 prompts (the token count is all-reduced)', async () => {
    await train(cfgFor('dapo-one', { loss_type: 'dapo' }), { progress: null, log: () => {}, dist: null });
    await train(cfgFor('mean-one', { loss_type: 'rarft_token_mean' }), { progress: null, log: () => {}, dist: null });
    await launch2(cfgFor('dapo-two', { loss_type: 'dapo' }));
    const dapoOne = await weights(join(run.root, 'dapo-one', 'checkpoint-2'));
    const meanOne = await weights(join(run.root, 'mean-one', 'checkpoint-2'));
    const dapoTwo = await weights(join(run.root, 'dapo-two', 'checkpoint-2'));
    const same = maxDiff(dapoOne, dapoTwo);
    const apart = maxDiff(dapoOne, meanOne);
    console.log(`[dapo] max |w_1proc - w_2proc| = ${same.toExponential(3)}; dapo vs rarft_token_mean in 1 process: ${apart.toExponential(3)}`);
    expect(same).toBeLessThan(1e-5);
    expect(apart).toBeGreaterThan(100 * Math.max(same, 1e-7));
    for (const m of [dapoOne, meanOne, dapoTwo]) dispose([...m.values()]);
  }, 600_000);

  it('dynamic sampling: both ranks run the same rounds and train; the cursor moves by the extra draws', async () => {
    const cfg = cfgFor('ds-two', { max_steps: 3, loss_type: 'dapo', reward_funcs: ['test_zero_std_refusable'], dynamic_sampling: { enabled: true, max_rounds: 3 } });
    const lines = await launch2(cfg);
    expect(lines.filter((l) => /done step 3 completed/.test(l))).toHaveLength(2);
    const m = readJsonl(join(cfg.output_dir, 'metrics.jsonl'));
    expect(m.map((r) => r.skipped_steps)).toEqual([0, 0, 0]);
    const rounds = m.map((r) => r['dynamic_sampling/rounds'] as number);
    const extra = m.map((r) => r['dynamic_sampling/extra_prompts'] as number);
    console.log(`[ds] 2 ranks: rounds ${rounds.join(',')}, extra prompts ${extra.join(',')}, frac_reward_zero_std ${m.map((r) => r.frac_reward_zero_std).join(',')}`);
    expect(Math.max(...rounds)).toBeGreaterThan(1);
    // each refill round draws 2 × the larger shortfall: an even number of extra prompts per step
    for (const e of extra) expect(e % 2).toBe(0);
    const cur = readTrainerState(join(cfg.output_dir, 'checkpoint-3')).data_cursor;
    expect(cur.epoch * 8 + cur.index).toBe(3 * 2 + extra.reduce((a, b) => a + b, 0));
  }, 600_000);
});
