// Generation on a real GPU with every sampling setting the trainer and rarft-infer use: greedy equals HF's tokens and
// the CPU's; temperature, top-k, top-p, repetition penalty, prefix sharing (numReturnSequences) and stop ids each give
// the same tokens for the same seed on the GPU, other tokens for another seed, and well-formed rows. Sampling draws on
// the device from a generator seeded per call (docs/model.md: same seed, same device -> same tokens; the CPU and the
// GPU draw different streams).
import { describe, expect, it } from 'vitest';

import { type GenerateOptions, QwenVL } from '../../lib/qwen/qwen.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { TINY, batchInputs, ints, ref } from '../qwen/helpers.js';
import { GPU, HAS_GPU, skipNote } from './gpu.js';
import { loadTinyModels } from './tiny-models.js';

let gpu: QwenVL;
let cpu: QwenVL;
let refs: Map<string, Tensor>;

const SETTINGS: Record<string, GenerateOptions> = {
  'temperature 1': { temperature: 1.0 },
  'temperature 0.7 + top-k 50': { temperature: 0.7, topK: 50 },
  'top-p 0.9': { temperature: 1.0, topP: 0.9 },
  'top-k 20 + top-p 0.95 + repetition penalty 1.2': { temperature: 1.0, topK: 20, topP: 0.95, repetitionPenalty: 1.2 },
  'prefix sharing, 4 per prompt': { temperature: 1.0, topK: 50, numReturnSequences: 4 },
};

describe.runIf(HAS_GPU)(`generate on ${GPU}${skipNote()}`, () => {
  loadTinyModels((m) => ({ gpu, cpu, refs } = m));

  it('greedy tokens equal HF generate and the CPU run, 12 tokens, batch of 2 with left padding', async () => {
    const g4 = await gpu.generate(batchInputs(refs), { maxNewTokens: 4 });
    expect(ints(g4.tokens)).toEqual(ints(ref(refs, 'generate.tokens')));
    const a = await gpu.generate(batchInputs(refs), { maxNewTokens: 12 });
    const b = await cpu.generate(batchInputs(refs), { maxNewTokens: 12 });
    expect(a.tokens.device).toBe(GPU);
    expect(ints(a.tokens)).toEqual(ints(b.tokens));
    expect(ints(a.lengths)).toEqual(ints(b.lengths));
  });

  for (const [name, o] of Object.entries(SETTINGS)) {
    it(`${name}: same seed -> same tokens, another seed -> other tokens, rows well formed`, async () => {
      const inputs = batchInputs(refs);
      const x = await gpu.generate(inputs, { maxNewTokens: 10, seed: 5, ...o });
      const y = await gpu.generate(inputs, { maxNewTokens: 10, seed: 5, ...o });
      const z = await gpu.generate(inputs, { maxNewTokens: 10, seed: 6, ...o });
      expect(ints(x.tokens)).toEqual(ints(y.tokens));
      expect(ints(x.tokens)).not.toEqual(ints(z.tokens));
      const rows = 2 * (o.numReturnSequences ?? 1);
      expect(x.tokens.shape[0]).toBe(rows);
      const vocab = gpu.config.text.vocabSize;
      expect(ints(x.tokens).every((t) => t >= 0 && t < vocab)).toBe(true);
      expect(Array.from(x.logprobs.to('cpu').toArray() as Float32Array).every((v) => Number.isFinite(v) && v <= 0)).toBe(true);
    });
  }

  it('the CUDA-graph decode, the static eager step and the plain step give the same tokens (greedy and sampled)', async () => {
    const inputs = batchInputs(refs);
    for (const o of [{}, { temperature: 1.0, topK: 50, seed: 3, numReturnSequences: 3 }] as GenerateOptions[]) {
      const graphed = await gpu.generate(inputs, { maxNewTokens: 12, ...o });
      const eager = await gpu.generate(inputs, { maxNewTokens: 12, ...o, cudaGraphs: false });
      const plain = await gpu.generate(inputs, { maxNewTokens: 12, ...o, staticDecode: false, kvBucket: 1, stopCheckEvery: 1 });
      expect(ints(graphed.tokens)).toEqual(ints(eager.tokens));
      expect(ints(graphed.tokens)).toEqual(ints(plain.tokens));
      expect(ints(graphed.lengths)).toEqual(ints(plain.lengths));
    }
  });

  it('top-k 1 equals greedy; stop ids end rows and pad the rest', async () => {
    const inputs = batchInputs(refs);
    const greedy = await gpu.generate(inputs, { maxNewTokens: 8 });
    const k1 = await gpu.generate(inputs, { maxNewTokens: 8, temperature: 1.3, topK: 1, seed: 2 });
    expect(ints(k1.tokens)).toEqual(ints(greedy.tokens));
    const row0 = ints(greedy.tokens).slice(0, 8);
    const g = await gpu.generate(inputs, { maxNewTokens: 8, stopIds: [row0[2]!], padId: 1002 });
    const len0 = ints(g.lengths)[0]!;
    expect(len0).toBe(row0.indexOf(row0[2]!) + 1);
    const t = ints(g.tokens);
    for (let k = len0; k < g.tokens.shape[1]!; k++) expect(t[k]).toBe(1002);
  });

  it('bf16 generation runs and agrees with fp32 on the first greedy token', async () => {
    const half = await QwenVL.load(TINY, { device: GPU, dtype: 'bfloat16' });
    try {
      const a = await half.generate(batchInputs(refs), { maxNewTokens: 6 });
      const b = await gpu.generate(batchInputs(refs), { maxNewTokens: 6 });
      expect([ints(a.tokens)[0], ints(a.tokens)[6]]).toEqual([ints(b.tokens)[0], ints(b.tokens)[6]]);
    } finally {
      half.dispose();
    }
  });
});
