/**
 * The model-like workload of the distributed tests and bench: a 2-layer MLP regression with deterministic weights and
 * data (no RNG, so every process builds the same values). Total parameter count is odd on purpose, so sharding over
 * 2 ranks needs padding. Each rank of a W-process run takes rows [rank*B/W, (rank+1)*B/W) of the global batch.
 */
import { fromTypedArray, tidy, type Tensor } from '../../lib/tensor/index.js';

export interface MlpDims {
  inp: number;
  hidden: number;
  out: number;
  batch: number;
}
export const SMALL: MlpDims = { inp: 16, hidden: 33, out: 1, batch: 8 };

function filled(n: number, f: (i: number) => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
}

/** name -> fresh leaf tensor (requires grad), in a fixed order. */
export function initParams(d: MlpDims = SMALL): Map<string, Tensor> {
  const mk = (shape: number[], f: (i: number) => number) =>
    fromTypedArray(filled(shape.reduce((a, b) => a * b, 1), f), shape, 'float32').requiresGrad_(true);
  return new Map([
    ['fc1.weight', mk([d.inp, d.hidden], (i) => 0.3 * Math.sin(0.7 * i + 0.1))],
    ['fc1.bias', mk([d.hidden], (i) => 0.05 * Math.cos(1.3 * i))],
    ['fc2.weight', mk([d.hidden, d.out], (i) => 0.2 * Math.cos(0.37 * i + 0.5))],
    ['fc2.bias', mk([d.out], () => 0.01)],
  ]);
}

/** Global batch rows [start, end). */
export function batch(d: MlpDims, start: number, end: number, step: number): { x: Tensor; y: Tensor } {
  const rows = end - start;
  const x = filled(rows * d.inp, (i) => Math.sin(0.11 * ((start + Math.floor(i / d.inp)) * d.inp + (i % d.inp)) + 0.3 * step));
  const y = filled(rows * d.out, (i) => Math.cos(0.5 * (start + Math.floor(i / d.out)) + 0.2 * step));
  return { x: fromTypedArray(x, [rows, d.inp], 'float32'), y: fromTypedArray(y, [rows, d.out], 'float32') };
}

/** Mean squared error of the MLP on (x, y). */
export function loss(p: ReadonlyMap<string, Tensor>, x: Tensor, y: Tensor): Tensor {
  return tidy(() => {
    const h = x.matmul(p.get('fc1.weight')!).add(p.get('fc1.bias')!).relu();
    const pred = h.matmul(p.get('fc2.weight')!).add(p.get('fc2.bias')!);
    return pred.sub(y).square().mean();
  });
}

export const LR = 0.02;
export const ADAMW = { weightDecay: 0.01 } as const;
