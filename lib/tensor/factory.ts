/** Creating tensors: from JS data, constants, ranges, random draws (with seedable generators), and joins. */
import type { Nested } from './tensor.js';
import { Tensor } from './tensor.js';
import { type ArrayFor, type DType, BYTES_PER_ELEMENT, DTYPE_CODE, dtypeOfArray } from './dtype.js';
import { native } from './native.js';

export type Device = 'cpu' | 'cuda' | `cuda:${number}`;
export interface CreateOptions<D extends DType> {
  dtype?: D;
  device?: Device;
}

function flatten(data: Nested, shape: number[], out: number[], depth = 0): void {
  if (Array.isArray(data)) {
    if (shape.length === depth) shape.push(data.length);
    else if (shape[depth] !== data.length) throw new RangeError(`ragged nested array at depth ${depth}: ${data.length} vs ${shape[depth]}`);
    for (const d of data) flatten(d, shape, out, depth + 1);
  } else {
    if (depth !== shape.length) throw new RangeError('ragged nested array: a number where an array was expected');
    out.push(typeof data === 'boolean' ? (data ? 1 : 0) : Number(data));
  }
}

function typedArrayFrom(values: number[], dtype: DType): ArrayBufferView {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
    case 'int32':
      return Int32Array.from(values);
    case 'int16':
      return Int16Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(values);
    default:
      // float16/bfloat16 from JS numbers: build in float32 and let libtorch round.
      return Float32Array.from(values);
  }
}

/** A tensor from nested JS arrays (default dtype float32) or a TypedArray (its natural dtype, shape [length]). */
export function tensor<D extends DType = 'float32'>(
  data: Nested | ArrayBufferView,
  opts: CreateOptions<D> & { shape?: readonly number[] } = {},
): Tensor<D> {
  if (ArrayBuffer.isView(data)) {
    const dtype = (opts.dtype ?? dtypeOfArray(data)) as D;
    const n = data.byteLength / BYTES_PER_ELEMENT[dtype];
    return fromTypedArray(data, opts.shape ?? [n], dtype, opts.device);
  }
  const shape: number[] = [];
  const values: number[] = [];
  flatten(data, shape, values);
  const dtype = (opts.dtype ?? 'float32') as D;
  const buf = typedArrayFrom(values, dtype);
  const isHalf = dtype === 'float16' || dtype === 'bfloat16';
  const t = fromTypedArray(buf, opts.shape ?? shape, isHalf ? 'float32' : dtype, opts.device);
  if (!isHalf) return t as unknown as Tensor<D>;
  const h = t.to(dtype);
  t.dispose();
  return h as unknown as Tensor<D>;
}

/** Copies a TypedArray into a new tensor of the given shape. bfloat16/float16 take raw bits in a Uint16Array. */
export function fromTypedArray<D extends DType>(data: ArrayBufferView, shape: readonly number[], dtype: D, device?: Device): Tensor<D> {
  return new Tensor<D>(native().fromData(data, DTYPE_CODE[dtype], shape, device), dtype);
}

/** A 0-d tensor. */
export function scalar<D extends DType = 'float32'>(value: number, opts: CreateOptions<D> = {}): Tensor<D, 0> {
  const dtype = (opts.dtype ?? 'float32') as D;
  return new Tensor(native().scalarTensor(value, DTYPE_CODE[dtype], opts.device), dtype);
}

export function zeros<D extends DType = 'float32', S extends readonly number[] = number[]>(shape: S, opts: CreateOptions<D> = {}): Tensor<D, S['length']> {
  const dtype = (opts.dtype ?? 'float32') as D;
  return new Tensor(native().zeros(shape, DTYPE_CODE[dtype], opts.device), dtype);
}
export function ones<D extends DType = 'float32', S extends readonly number[] = number[]>(shape: S, opts: CreateOptions<D> = {}): Tensor<D, S['length']> {
  const dtype = (opts.dtype ?? 'float32') as D;
  return new Tensor(native().ones(shape, DTYPE_CODE[dtype], opts.device), dtype);
}
export function full<D extends DType = 'float32', S extends readonly number[] = number[]>(shape: S, value: number, opts: CreateOptions<D> = {}): Tensor<D, S['length']> {
  const dtype = (opts.dtype ?? 'float32') as D;
  return new Tensor(native().full(shape, value, DTYPE_CODE[dtype], opts.device), dtype);
}
export function eye<D extends DType = 'float32'>(n: number, opts: CreateOptions<D> = {}): Tensor<D, 2> {
  const dtype = (opts.dtype ?? 'float32') as D;
  return new Tensor(native().eye(n, DTYPE_CODE[dtype], opts.device), dtype);
}
/** [start, end) with step; default dtype int64 like torch.arange with integer arguments. */
export function arange<D extends DType = 'int64'>(start: number, end?: number, step = 1, opts: CreateOptions<D> = {}): Tensor<D, 1> {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  const dtype = (opts.dtype ?? 'int64') as D;
  return new Tensor(native().arange(s, e, step, DTYPE_CODE[dtype], opts.device), dtype);
}
export function linspace<D extends DType = 'float32'>(start: number, end: number, steps: number, opts: CreateOptions<D> = {}): Tensor<D, 1> {
  const dtype = (opts.dtype ?? 'float32') as D;
  return new Tensor(native().linspace(start, end, steps, DTYPE_CODE[dtype], opts.device), dtype);
}
export function zerosLike<D extends DType, R extends number>(t: Tensor<D, R>): Tensor<D, R> {
  return new Tensor(native().zerosLike(t.handle));
}
export function onesLike<D extends DType, R extends number>(t: Tensor<D, R>): Tensor<D, R> {
  return new Tensor(native().onesLike(t.handle));
}
export function fullLike<D extends DType, R extends number>(t: Tensor<D, R>, value: number): Tensor<D, R> {
  return new Tensor(native().fullLike(t.handle, value));
}

/** Joins along an existing dim. */
export function cat<D extends DType>(tensors: readonly Tensor<D>[], dim = 0): Tensor<D> {
  return new Tensor(native().cat(tensors.map((t) => t.handle), dim));
}
/** Joins along a new dim. */
export function stack<D extends DType>(tensors: readonly Tensor<D>[], dim = 0): Tensor<D> {
  return new Tensor(native().stack(tensors.map((t) => t.handle), dim));
}
/** Elementwise choice: cond ? a : b (b may be a number). */
export function where<D extends DType>(cond: Tensor<'bool'>, a: Tensor<D>, b: Tensor<D> | number): Tensor<D> {
  const N = native();
  return new Tensor(typeof b === 'number' ? N.whereScalar(cond.handle, a.handle, b) : N.where(cond.handle, a.handle, b.handle));
}
/** Rows of `weight` picked by integer ids (an embedding lookup). */
export function embedding<D extends DType>(weight: Tensor<D>, ids: Tensor<'int64' | 'int32'>): Tensor<D> {
  return new Tensor(native().embedding(weight.handle, ids.handle));
}

/** A seeded random generator whose state can be saved and restored (for exactly resumable runs). */
export class Generator {
  #id: number;
  constructor(seed: number) {
    this.#id = native().generatorCreate(seed);
  }
  get id(): number {
    if (this.#id < 0) throw new RangeError('generator used after dispose()');
    return this.#id;
  }
  getState(): Uint8Array {
    return native().generatorGetState(this.id);
  }
  setState(state: Uint8Array): void {
    native().generatorSetState(this.id, state);
  }
  get isDisposed(): boolean {
    return this.#id < 0;
  }
  dispose(): void {
    if (this.#id >= 0) native().generatorFree(this.#id);
    this.#id = -1;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}

export interface RandomOptions<D extends DType> extends CreateOptions<D> {
  generator?: Generator;
}
/** Uniform [0, 1). Drawn on the CPU generator then moved, so a seed gives the same values on every device. */
export function rand<D extends DType = 'float32'>(shape: readonly number[], opts: RandomOptions<D> = {}): Tensor<D> {
  const dtype = (opts.dtype ?? 'float32') as D;
  return new Tensor(native().rand(shape, DTYPE_CODE[dtype], opts.device, opts.generator?.id), dtype);
}
/** Standard normal. */
export function randn<D extends DType = 'float32'>(shape: readonly number[], opts: RandomOptions<D> = {}): Tensor<D> {
  const dtype = (opts.dtype ?? 'float32') as D;
  return new Tensor(native().randn(shape, DTYPE_CODE[dtype], opts.device, opts.generator?.id), dtype);
}
/** Integers in [low, high). */
export function randint<D extends DType = 'int64'>(low: number, high: number, shape: readonly number[], opts: RandomOptions<D> = {}): Tensor<D> {
  const dtype = (opts.dtype ?? 'int64') as D;
  return new Tensor(native().randint(low, high, shape, DTYPE_CODE[dtype], opts.device, opts.generator?.id), dtype);
}
/** Sample indices from (unnormalised) probabilities along the last dim. */
export function multinomial(probs: Tensor, numSamples: number, { replacement = false, generator }: { replacement?: boolean; generator?: Generator } = {}): Tensor<'int64'> {
  return new Tensor(native().multinomial(probs.handle, numSamples, replacement, generator?.id), 'int64');
}
/** Seeds the global CPU (and CUDA) generators, like torch.manual_seed. */
export function manualSeed(seed: number): void {
  native().manualSeed(seed);
}

export type { ArrayFor };
