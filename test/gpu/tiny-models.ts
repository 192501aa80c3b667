/** The committed tiny checkpoint on the GPU and on the CPU, with its HF reference tensors, for a describe's tests. */
import { afterAll, beforeAll } from 'vitest';

import { QwenVL } from '../../lib/qwen/qwen.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { TINY, reference } from '../qwen/helpers.js';
import { GPU } from './gpu.js';

export interface TinyModels {
  gpu: QwenVL;
  cpu: QwenVL;
  refs: Map<string, Tensor>;
}

/** Loads them before the enclosing describe's tests, hands them to `set`, and disposes of the models after. */
export function loadTinyModels(set: (m: TinyModels) => void): void {
  let loaded: TinyModels | undefined;
  beforeAll(async () => {
    const refs = await reference();
    loaded = { refs, gpu: await QwenVL.load(TINY, { device: GPU }), cpu: await QwenVL.load(TINY) };
    set(loaded);
  });
  afterAll(() => {
    loaded?.gpu.dispose();
    loaded?.cpu.dispose();
  });
}
