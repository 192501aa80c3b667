// The shared-prefix training forward (QwenVL.groupLogprobs: the prompt row computed once for G completions) gives
// the log-probs, entropies and gradients of the plain forward over the G concatenated rows - with and without
// gradient checkpointing, and on a ZeRO-3 sharded model.
import { describe, expect, it } from 'vitest';

import { freePort, initProcessGroup } from '../../lib/distributed/index.js';
import { QwenVL, type QwenInputs } from '../../lib/qwen/qwen.js';
import { type Tensor, cat, fromTypedArray, ones } from '../../lib/tensor/index.js';
import { TINY, batchInputs, floats, maxRel, report, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();

const G = 3;
const T = 6;
const PICK = ['visual.merger.mlp.0.weight', 'model.embed_tokens.weight', 'model.layers.0.self_attn.k_proj.weight', 'model.layers.1.mlp.down_proj.weight', 'model.norm.weight', 'lm_head.weight'];

/** The fixture's first row (unpadded: an image, a video and text) as a one-row prompt. */
function promptRow(): QwenInputs {
  const b = batchInputs(tiny.refs);
  return {
    inputIds: b.inputIds.narrow(0, 0, 1).contiguous() as Tensor<'int64'>,
    pixelValues: b.pixelValues.narrow(0, 0, 256).contiguous() as Tensor<'float32'>,
    imageGridThw: b.imageGridThw.narrow(0, 0, 1).contiguous() as Tensor<'int64'>,
    pixelValuesVideos: b.pixelValuesVideos,
    videoGridThw: b.videoGridThw,
    secondPerGridTs: b.secondPerGridTs!,
  };
}

function completions(): Tensor<'int64'> {
  const ids = BigInt64Array.from({ length: G * T }, (_, i) => BigInt(100 + ((i * 37) % 800)));
  return fromTypedArray(ids, [G, T], 'int64');
}

/** The plain form: G copies of the prompt row followed by the completions. */
function concatenated(p: QwenInputs, comp: Tensor<'int64'>): QwenInputs {
  const rep = <X extends Tensor>(t: X): X => t.repeatInterleave(G, 0) as X;
  return {
    inputIds: cat([rep(p.inputIds), comp], 1) as Tensor<'int64'>,
    attentionMask: ones([G, p.inputIds.shape[1]! + T], { dtype: 'int64' }),
    pixelValues: cat<'float32'>(Array<Tensor<'float32'>>(G).fill(p.pixelValues!), 0),
    imageGridThw: rep(p.imageGridThw!),
    pixelValuesVideos: cat<'float32'>(Array<Tensor<'float32'>>(G).fill(p.pixelValuesVideos!), 0),
    videoGridThw: rep(p.videoGridThw!),
    secondPerGridTs: rep(p.secondPerGridTs!),
  };
}

async function run(m: QwenVL, grouped: boolean, params: Tensor[]) {
  const p = promptRow();
  const comp = completions();
  const r = grouped ? await m.groupLogprobs(p, comp, { entropy: true, chunk: 4 }) : await m.logprobs(concatenated(p, comp), comp, { entropy: true, chunk: 4 });
  // a loss that weighs every position differently, through both outputs
  const w = fromTypedArray(Float32Array.from({ length: G * T }, (_, i) => Math.sin(i + 1)), [G, T], 'float32');
  await r.logprobs.mul(w).sum().add(r.entropy!.mul(0.1).sum()).backward();
  const grads = params.map((q) => floats(q.grad!));
  params.forEach((q) => q.zeroGrad());
  return { lp: floats(r.logprobs), ent: floats(r.entropy!), grads };
}

describe('groupLogprobs (shared-prefix forward)', () => {
  for (const checkpoint of [false, true]) {
    it(`equals the plain forward over the concatenated rows${checkpoint ? ' with gradient checkpointing' : ''}`, async () => {
      tiny.model.setGradientCheckpointing(checkpoint);
      const names = tiny.model.parameterNames();
      const params = PICK.map((n) => tiny.model.parameters()[names.indexOf(n)]!.requiresGrad_(true));
      try {
        const a = await run(tiny.model, false, params);
        const b = await run(tiny.model, true, params);
        report(`grouped vs plain logprob rel${checkpoint ? ' (ckpt)' : ''}`, maxRel(a.lp, b.lp));
        expect(maxRel(a.lp, b.lp)).toBeLessThan(1e-5);
        expect(maxRel(a.ent, b.ent)).toBeLessThan(1e-5);
        PICK.forEach((n, k) => {
          const rel = maxRel(a.grads[k]!, b.grads[k]!);
          report(`grouped vs plain grad rel ${n}`, rel);
          expect(a.grads[k]!.some((x) => x !== 0), n).toBe(true);
          expect(rel, n).toBeLessThan(1e-4);
        });
      } finally {
        params.forEach((q) => q.requiresGrad_(false));
        tiny.model.setGradientCheckpointing(false);
      }
    });
  }

  it('works on a ZeRO-3 sharded model (1 rank): same log-probs and gradients as the plain model', async () => {
    const group = await initProcessGroup({ backend: 'gloo', timeoutMs: 20_000, env: { rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, masterAddr: '127.0.0.1', masterPort: await freePort() } });
    const sharded = await QwenVL.load(TINY);
    try {
      const shards = await sharded.shard(group, PICK);
      const names = tiny.model.parameterNames();
      const params = PICK.map((n) => tiny.model.parameters()[names.indexOf(n)]!.requiresGrad_(true));
      const a = await run(tiny.model, false, params);
      params.forEach((q) => q.requiresGrad_(false));
      const p = promptRow();
      const comp = completions();
      const r = await sharded.groupLogprobs(p, comp, { entropy: true, chunk: 4 });
      const w = fromTypedArray(Float32Array.from({ length: G * T }, (_, i) => Math.sin(i + 1)), [G, T], 'float32');
      await r.logprobs.mul(w).sum().add(r.entropy!.mul(0.1).sum()).backward();
      await sharded.finishBackward(group);
      expect(maxRel(a.lp, floats(r.logprobs))).toBeLessThan(1e-5);
      const got = new Map<string, Float32Array>();
      for (const b of shards.blocks) if (b.trainable) for (const [n, t] of await b.trainable.gatherNamed(b.trainable.local().grad!)) got.set(n, floats(t));
      PICK.forEach((n, k) => expect(maxRel(a.grads[k]!, got.get(n)!), n).toBeLessThan(1e-4));
    } finally {
      sharded.dispose();
      await group.destroy();
    }
  });

  it('rejects a padded or multi-row prompt and vision tokens in a completion', async () => {
    const p = promptRow();
    const b = batchInputs(tiny.refs);
    await expect(tiny.model.groupLogprobs({ ...b }, completions())).rejects.toThrow(/ONE row/);
    const vid = tiny.model.config.videoTokenId;
    const bad = fromTypedArray(BigInt64Array.from({ length: G * T }, () => BigInt(vid)), [G, T], 'int64');
    await expect(tiny.model.groupLogprobs(p, bad)).rejects.toThrow(new RegExp(`vision token ${vid}`));
    const big = fromTypedArray(BigInt64Array.from({ length: G * T }, () => 10n ** 9n), [G, T], 'int64');
    await expect(tiny.model.groupLogprobs(p, big)).rejects.toThrow(/completion token id out of range/);
  });
});
