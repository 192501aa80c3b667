// The device audit (csrc/napi/device_audit.h): with simulated GPUs, "cuda" tensors are CPU tensors labelled cuda:k,
// labels follow every op (sync and async), and tensors of two devices meeting in an op fail with libtorch's own words.
// This is what lets the CPU suite check where a training step puts its tensors (test/trainer/device-audit.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { QwenVL } from '../../lib/qwen/qwen.js';
import { TorchError } from '../../lib/native/errors.js';
import { Generator, cat, cuda, deviceAudit, dispose, multinomial, randint, scalar, tensor, zeros } from '../../lib/tensor/index.js';

const MIX = /Expected all tensors to be on the same device, but found at least two devices, (cuda:0 and cpu|cpu and cuda:0)! \(simulated/;

beforeAll(() => deviceAudit.enable(2));
afterAll(() => deviceAudit.disable());

describe('device audit', () => {
  it('labels tensors with the device they were asked for and reports it as the tensor device', () => {
    const a = tensor([1, 2, 3], { device: 'cuda' });
    const b = tensor([1, 2, 3], { device: 'cuda:1' });
    const c = zeros([3]);
    expect([a.device, b.device, c.device]).toEqual(['cuda:0', 'cuda:1', 'cpu']);
    expect(cuda.isAvailable()).toBe(true);
    expect(cuda.deviceCount()).toBe(2);
    expect(deviceAudit.devices()).toBe(2);
    dispose([a, b, c]);
  });

  it('results carry their inputs\' device through chains of ops, reductions and joins', () => {
    const a = tensor([[1, 2], [3, 4]], { device: 'cuda' });
    const r = a.mul(2).add(1).logSoftmax(-1).sum(1);
    expect(r.device).toBe('cuda:0');
    expect(cat([a, a]).device).toBe('cuda:0');
    expect(a.to('cpu').device).toBe('cpu');
    expect(a.to('cpu').to('cuda:1').device).toBe('cuda:1');
    expect(Array.from(r.toArray() as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('a CUDA tensor meeting a CPU tensor throws what libtorch throws on a GPU', () => {
    const a = tensor([1, 2, 3], { device: 'cuda' });
    const b = tensor([1, 2, 3]);
    expect(() => a.mul(b)).toThrow(TorchError);
    expect(() => a.mul(b)).toThrow(MIX);
    expect(() => b.add(a)).toThrow(MIX);
    expect(() => cat([a, b])).toThrow(MIX);
    expect(() => a.add(tensor([1, 2, 3], { device: 'cuda:1' }))).toThrow(/cuda:0 and cuda:1|cuda:1 and cuda:0/);
  });

  it('a 0-dim CPU tensor may meet a CUDA tensor (libtorch allows CPU scalars)', () => {
    const a = tensor([1, 2, 3], { device: 'cuda' });
    const r = a.mul(scalar(2));
    expect(r.device).toBe('cuda:0');
    expect(Array.from(r.toArray() as Float32Array)).toEqual([2, 4, 6]);
  });

  it('a simulated move is a copy, and asking for a GPU past the simulated ones fails', () => {
    const a = tensor([1, 2, 3]);
    const b = a.to('cuda');
    expect(b.device).toBe('cuda:0');
    expect(() => tensor([1], { device: 'cuda:2' })).toThrow(/invalid device ordinal/);
  });

  it('CPU generators: drawing then moving is fine, sampling CUDA probabilities with one is not', () => {
    const gen = new Generator(1);
    const r = randint(0, 10, [4], { generator: gen, device: 'cuda' });
    expect(r.device).toBe('cuda:0');
    const probs = tensor([[0.5, 0.5]], { device: 'cuda' });
    expect(() => multinomial(probs, 1, { generator: gen })).toThrow(/generator on cpu met a tensor on cuda:0|tensor on cuda:0 met a generator on cpu/);
    gen.dispose();
  });

  it('async native work (a model on a simulated GPU) returns tensors on the model\'s device', async () => {
    const model = await QwenVL.load('test/fixtures/qwen/tiny', { device: 'cuda' });
    try {
      const ids = tensor([[1, 2, 3, 4]], { dtype: 'int64' }); // model inputs may stay on the CPU: the model moves them
      const completion = tensor([[3, 4]], { dtype: 'int64' });
      const { logprobs } = await model.logprobs({ inputIds: ids }, completion);
      expect(logprobs.device).toBe('cuda:0');
      expect(model.parameters()[0]!.device).toBe('cuda:0');
      // a mask built on the CPU meeting those log-probs is exactly the bug class the audit exists for
      expect(() => logprobs.mul(tensor([[1, 1]]))).toThrow(MIX);
      expect(logprobs.mul(tensor([[1, 1]], { device: 'cuda' })).device).toBe('cuda:0');
    } finally {
      model.dispose();
    }
  });
});
