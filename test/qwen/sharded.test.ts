// ZeRO-3 sharding of the model changes where the weights live, not the math: on a 1-rank group a sharded model's
// log-probs, gradients (collected from the block shards), greedy generation and saved checkpoint equal the plain
// model's; a released block's weights are really gone between uses; the whole model is gathered once per generate.
// (2-rank equivalence through the trainer: test/distributed/trainer-zero.test.ts.)
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort, initProcessGroup, type ProcessGroup } from '../../lib/distributed/index.js';
import { ZeroOptimizer } from '../../lib/distributed/zero-optimizer.js';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import { type ModelShards, QwenVL } from '../../lib/qwen/qwen.js';
import { AdamW } from '../../lib/optim/adamw.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { OPTIMIZER_FILE, optimizerMetadata, saveOptimizerState } from '../../lib/checkpoint/optimizer-checkpoint.js';
import { TINY, batchInputs, floats, maxRel, reference, report } from './helpers.js';

const TRAIN = ['visual.blocks.0.attn.qkv.weight', 'visual.merger.mlp.0.weight', 'model.embed_tokens.weight', 'model.layers.1.mlp.down_proj.weight', 'model.layers.0.self_attn.q_proj.bias', 'lm_head.weight'];

let refs: Map<string, Tensor>;
let group: ProcessGroup;
let plain: QwenVL;
let sharded: QwenVL;
let shards: ModelShards;
beforeAll(async () => {
  refs = await reference();
  group = await initProcessGroup({ backend: 'gloo', timeoutMs: 20_000, env: { rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, masterAddr: '127.0.0.1', masterPort: await freePort() } });
  plain = await QwenVL.load(TINY);
  sharded = await QwenVL.load(TINY);
  shards = await sharded.shard(group, TRAIN);
});
afterAll(async () => {
  plain.dispose();
  sharded.dispose();
  await group.destroy();
});

async function plainGrads(): Promise<{ lp: Float32Array; g: Map<string, Float32Array> }> {
  const names = plain.parameterNames();
  const params = plain.parameters();
  const idx = TRAIN.map((n) => names.indexOf(n));
  idx.forEach((i) => params[i]!.requiresGrad_(true));
  try {
    const inputs = batchInputs(refs);
    const comp = inputs.inputIds.narrow(1, 185 - 6, 6).contiguous();
    const r = await plain.logprobs(inputs, comp, { chunk: 2 });
    await r.logprobs.sum().backward();
    return { lp: floats(r.logprobs), g: new Map(idx.map((i, k) => [TRAIN[k]!, floats(params[i]!.grad!)])) };
  } finally {
    idx.forEach((i) => {
      params[i]!.zeroGrad();
      params[i]!.requiresGrad_(false);
    });
  }
}

async function shardedGrads(): Promise<{ lp: Float32Array; g: Map<string, Float32Array> }> {
  const inputs = batchInputs(refs);
  const comp = inputs.inputIds.narrow(1, 185 - 6, 6).contiguous();
  const r = await sharded.logprobs(inputs, comp, { chunk: 2 });
  await r.logprobs.sum().backward();
  await sharded.finishBackward(group);
  const g = new Map<string, Float32Array>();
  for (const b of shards.blocks) {
    if (!b.trainable) continue;
    const local = b.trainable.local();
    const grad = local.grad!;
    for (const [n, t] of await b.trainable.gatherNamed(grad)) g.set(n, floats(t));
    local.zeroGrad();
  }
  return { lp: floats(r.logprobs), g };
}

describe('ZeRO-3 sharded QwenVL (1 rank)', () => {
  it('holds only flat slices: the parameter tensors are empty between uses', () => {
    expect(sharded.isSharded).toBe(true);
    expect(sharded.parameters().every((p) => p.numel === 0)).toBe(true);
    expect(sharded.parameterCount).toBe(plain.parameterCount);
    expect(shards.blocks.map((b) => b.name)).toEqual(expect.arrayContaining(['visual.blocks.0', 'model.layers.1', 'rest']));
    // trainable shards exist exactly for the blocks that hold a TRAIN name
    const withTrainable = shards.blocks.filter((b) => b.trainable).map((b) => b.name).sort();
    expect(withTrainable).toEqual(['model.layers.0', 'model.layers.1', 'rest', 'visual.blocks.0']);
    const bytes = shards.localBytes;
    expect(bytes).toBeGreaterThanOrEqual(plain.parameterCount * 4);
  });

  it('gives the plain model\'s log-probs and gradients (gathered from the shards), prefetching the next block', async () => {
    const a = await plainGrads();
    const g0 = sharded.shardGathers();
    const b = await shardedGrads();
    const g1 = sharded.shardGathers();
    // forward: 2 vision calls (images, videos) x 2 blocks, 2 decoder layers, rest; backward: every block on the
    // gradient's path recomputes (both vision blocks of both calls: block 1 is frozen but its input needs a grad;
    // layers 1 and 0). The next block of each chain is prefetched while the current one computes.
    console.log(`[sharded] gathers ${g1.gathers - g0.gathers}, served by a prefetch ${g1.prefetched - g0.prefetched}`);
    expect(g1.gathers - g0.gathers).toBe(4 + 2 + 1 + 4 + 2);
    expect(g1.prefetched - g0.prefetched).toBeGreaterThanOrEqual(4);
    expect(maxRel(a.lp, b.lp)).toBeLessThan(1e-6);
    for (const n of TRAIN) {
      const rel = maxRel(a.g.get(n)!, b.g.get(n)!);
      report(`sharded grad rel ${n}`, rel);
      expect(a.g.get(n)!.some((x) => x !== 0)).toBe(true);
      expect(rel).toBeLessThan(1e-5);
    }
    // nothing stays gathered after finishBackward
    expect(sharded.parameters().every((p) => p.numel === 0)).toBe(true);
  });

  it('generates the same greedy tokens, gathering once for the whole call', async () => {
    const inputs = batchInputs(refs);
    const a = await plain.generate(inputs, { maxNewTokens: 5, temperature: 0 });
    const b = await sharded.generate(inputs, { maxNewTokens: 5, temperature: 0 });
    expect(Array.from(b.tokens.toArray() as BigInt64Array)).toEqual(Array.from(a.tokens.toArray() as BigInt64Array));
    expect(sharded.parameters().every((p) => p.numel === 0)).toBe(true);
  });

  it('saves the same checkpoint as the unsharded model', async () => {
    const da = mkdtempSync(join(tmpdir(), 'rarft-shard-a-'));
    const db = mkdtempSync(join(tmpdir(), 'rarft-shard-b-'));
    await plain.save(da);
    await sharded.save(db);
    const A = (await loadSafetensors(join(da, 'model.safetensors'))).tensors;
    const B = (await loadSafetensors(join(db, 'model.safetensors'))).tensors;
    expect([...B.keys()].sort()).toEqual([...A.keys()].sort());
    for (const [n, t] of A) {
      expect(B.get(n)!.dtype, n).toBe(t.dtype);
      expect(maxRel(floats(t), floats(B.get(n)!))).toBe(0);
    }
    // streamed block by block (each block appended, then dropped) but the same config and metadata
    expect(readFileSync(join(db, 'config.json'), 'utf8')).toBe(readFileSync(join(da, 'config.json'), 'utf8'));
    expect((await loadSafetensors(join(db, 'model.safetensors'))).metadata).toEqual({ format: 'pt' });
    expect(readdirSync(db).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  it('loadSharded (memory-mapped, straight into slices) equals load + shard; a lazy model cannot be used unsharded', async () => {
    const { model: lazy, shards: ls } = await QwenVL.loadSharded(TINY, group, (names) => names.filter((n) => TRAIN.includes(n)));
    try {
      expect(ls.localBytes).toBe(shards.localBytes);
      const inputs = batchInputs(refs);
      const comp = inputs.inputIds.narrow(1, 185 - 6, 6).contiguous();
      const a = floats((await plain.logprobs(inputs, comp)).logprobs);
      const b = floats((await lazy.logprobs(inputs, comp)).logprobs);
      expect(maxRel(a, b)).toBe(0);
      const d = mkdtempSync(join(tmpdir(), 'rarft-shard-lazy-'));
      await lazy.save(d);
      const A = (await loadSafetensors(join(TINY, 'model.safetensors'))).tensors;
      const B = (await loadSafetensors(join(d, 'model.safetensors'))).tensors;
      for (const [n, t] of A) expect(maxRel(floats(t), floats(B.get(n)!)), n).toBe(0);
    } finally {
      lazy.dispose();
    }
    const { native } = await import('../../lib/tensor/native.js');
    const id = await native().qwenLoad(TINY, 6, 'cpu', true);
    try {
      await expect(native().qwenHidden(id, { inputIds: batchInputs(refs).inputIds.handle }, 'float')).rejects.toThrow(/loaded lazily .* must be sharded before use/);
    } finally {
      native().qwenFree(id);
    }
  });

  // last: it takes an optimizer step on both models
  it("ZeroOptimizer.writeFullState streams the file a plain AdamW's save writes after the same step", async () => {
    const inputs = batchInputs(refs);
    const comp = inputs.inputIds.narrow(1, 185 - 6, 6).contiguous();
    const hyper = { betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0 };
    const d = mkdtempSync(join(tmpdir(), 'rarft-zero-write-'));
    // reference: the unsharded model and AdamW over the same trainable parameters (gradients equal: test above)
    const names = plain.parameterNames();
    const params = plain.parameters();
    const trainable = new Map(TRAIN.map((n) => [n, params[names.indexOf(n)]!.requiresGrad_(true)] as const));
    const ref = new AdamW(trainable, hyper);
    await (await plain.logprobs(inputs, comp)).logprobs.sum().backward();
    await ref.step(1e-3);
    await saveOptimizerState(d, ref, hyper);
    // ZeRO-3 on one rank: the same step, the state streamed block by block
    const opt = new ZeroOptimizer(sharded, shards, group, hyper);
    await (await sharded.logprobs(inputs, comp)).logprobs.sum().backward();
    await sharded.finishBackward(group);
    await opt.step(1e-3);
    await opt.writeFullState(join(d, 'streamed.safetensors'), optimizerMetadata(hyper));
    const a = await loadSafetensors(join(d, 'streamed.safetensors'));
    const b = await loadSafetensors(join(d, OPTIMIZER_FILE));
    expect([...a.tensors.keys()].sort()).toEqual([...b.tensors.keys()].sort());
    expect([...a.tensors.keys()].filter((k) => k.startsWith('exp_avg.')).length).toBe(TRAIN.length);
    const bytes = (x: Tensor) => {
      const v = x.contiguous().toArray() as unknown as ArrayBufferView;
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    };
    for (const [n, t] of a.tensors) {
      expect(t.shape, n).toEqual(b.tensors.get(n)!.shape);
      expect(t.dtype, n).toBe(b.tensors.get(n)!.dtype);
      expect(bytes(t).equals(bytes(b.tensors.get(n)!)), n).toBe(true);
    }
    expect(floats(a.tensors.get('exp_avg.lm_head.weight')!).some((v) => v !== 0)).toBe(true);
    expect(a.metadata).toEqual(b.metadata);
    expect(readdirSync(d).sort()).toEqual([OPTIMIZER_FILE, 'streamed.safetensors']); // no temp file left
  });

  it('rejects an unknown trainable name', async () => {
    const m = await QwenVL.load(TINY);
    try {
      await expect(m.shard(group, ['model.nope.weight'])).rejects.toThrow(/no parameter named 'model.nope.weight'/);
    } finally {
      m.dispose();
    }
  });
});
