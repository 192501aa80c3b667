/**
 * Tensor<D>: a typed handle to a libtorch tensor. D is the element type ('float32', 'int64', 'bool', ...), so
 * `toArray()` returns the matching TypedArray and mixing dtypes in arithmetic is a type error (convert with `to`).
 * R is an optional rank, known where it helps (factories, reshape with a literal shape).
 *
 * Lifetime: call dispose() (or `using t = ...`), or create tensors inside tidy()/tidyAsync(). A FinalizationRegistry
 * frees handles the GC finds unreachable, as a safety net only: GC does not see native memory pressure.
 */
import type { NativeAddon } from '../native/addon.js';
import { DisposedError } from '../native/errors.js';
import { type ArrayFor, type DType, type FloatDType, DTYPE_CODE, dtypeFromCode, viewAs } from './dtype.js';
import { native } from './native.js';
import { currentScope } from './scope.js';

if (!(Symbol as { dispose?: symbol }).dispose) (Symbol as { dispose?: symbol }).dispose = Symbol.for('Symbol.dispose');

let N: NativeAddon;
let gcFreed = 0;
const finalizer = new FinalizationRegistry<number>((h) => {
  if (N.free(h)) gcFreed++;
});

/** Handles freed by the GC safety net rather than dispose()/scopes: should stay 0 in well-behaved code. */
export function handlesFreedByGC(): number {
  return gcFreed;
}

type Other<D extends DType> = Tensor<D> | number;
type Dims = number | readonly number[];
const dimsOf = (d: Dims | undefined): readonly number[] | null => (d === undefined ? null : typeof d === 'number' ? [d] : d);

/** Element type of a reduction like mean/std: float stays float. */
export type Nested = number | boolean | bigint | Nested[];

export class Tensor<D extends DType = DType, R extends number = number> {
  #h: number;
  #dtype: D | undefined;
  #shape: number[] | undefined;
  declare readonly __rank?: R;

  /** Wraps a native handle. Library code only; users get tensors from factories and ops. */
  constructor(handle: number, dtype?: D) {
    N ??= native();
    this.#h = handle;
    this.#dtype = dtype;
    // No unregister token: dispose() leaves the registration, and a late finalizer call on the stale handle is a
    // no-op (handles carry a generation), which saves the unregister cost on every op.
    finalizer.register(this, handle);
    currentScope()?.track(this);
  }

  /** The native handle; throws DisposedError after dispose(). */
  get handle(): number {
    if (this.#h < 0) throw new DisposedError('tensor used after dispose()');
    return this.#h;
  }

  get isDisposed(): boolean {
    return this.#h < 0;
  }

  dispose(): void {
    if (this.#h < 0) return;
    N.free(this.#h);
    this.#h = -1;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- metadata -------------------------------------------------------------------------------------------------
  get dtype(): D {
    return (this.#dtype ??= dtypeFromCode(N.dtype(this.handle)) as D);
  }
  get shape(): readonly number[] {
    return (this.#shape ??= N.shape(this.handle));
  }
  get rank(): R {
    return this.shape.length as R;
  }
  get numel(): number {
    return N.numel(this.handle);
  }
  get device(): string {
    return N.device(this.handle);
  }
  size(dim: number): number {
    const s = this.shape;
    const d = dim < 0 ? s.length + dim : dim;
    const v = s[d];
    if (v === undefined) throw new RangeError(`dim ${dim} out of range for shape [${s.join(', ')}]`);
    return v;
  }

  // ---- host copies ----------------------------------------------------------------------------------------------
  /** A contiguous host copy of the elements in the dtype's TypedArray. */
  toArray(): ArrayFor<D> {
    return viewAs(N.toData(this.handle), this.dtype);
  }
  /** The single element as a number (throws unless numel is 1). */
  item(): number {
    return N.item(this.handle);
  }
  /** Nested JS arrays (numbers; booleans for bool; bigint for int64). For tests and small tensors. */
  toNested(): Nested {
    const flat = this.toArray() as ArrayLike<number | bigint>;
    const isBool = this.dtype === 'bool';
    const shape = this.shape;
    let k = 0;
    const build = (d: number): Nested => {
      if (d === shape.length) {
        const v = flat[k++]!;
        return isBool ? v === 1 : (v as number | bigint);
      }
      const out: Nested[] = [];
      for (let i = 0; i < shape[d]!; i++) out.push(build(d + 1));
      return out;
    };
    return build(0);
  }

  // ---- conversion -----------------------------------------------------------------------------------------------
  to<E extends DType>(dtype: E): Tensor<E, R>;
  to(device: `cpu` | `cuda` | `cuda:${number}`): Tensor<D, R>;
  to(target: string): Tensor<DType, R> {
    if (target in DTYPE_CODE) return new Tensor(N.toDtype(this.handle, DTYPE_CODE[target as DType]), target as DType);
    return new Tensor(N.toDevice(this.handle, target), this.#dtype);
  }
  float(): Tensor<'float32', R> {
    return this.to('float32');
  }
  clone(): Tensor<D, R> {
    return this.wrap(N.clone(this.handle));
  }
  contiguous(): Tensor<D, R> {
    return this.wrap(N.contiguous(this.handle));
  }

  // ---- arithmetic (broadcasting) --------------------------------------------------------------------------------
  add(o: Other<D>): Tensor<D> {
    return this.wrap(typeof o === 'number' ? N.addScalar(this.handle, o) : N.add(this.handle, o.handle));
  }
  sub(o: Other<D>): Tensor<D> {
    return this.wrap(typeof o === 'number' ? N.subScalar(this.handle, o) : N.sub(this.handle, o.handle));
  }
  mul(o: Other<D>): Tensor<D> {
    return this.wrap(typeof o === 'number' ? N.mulScalar(this.handle, o) : N.mul(this.handle, o.handle));
  }
  /** True division: integer inputs give float32, like torch. */
  div(o: Other<D>): Tensor<D extends FloatDType ? D : 'float32'> {
    return new Tensor(typeof o === 'number' ? N.divScalar(this.handle, o) : N.div(this.handle, o.handle));
  }
  pow(o: Other<D>): Tensor<D> {
    return this.wrap(typeof o === 'number' ? N.powScalar(this.handle, o) : N.pow(this.handle, o.handle));
  }
  remainder(o: Other<D>): Tensor<D> {
    return this.wrap(typeof o === 'number' ? N.remainderScalar(this.handle, o) : N.remainder(this.handle, o.handle));
  }
  /** `value - this` */
  rsub(value: number): Tensor<D> {
    return this.wrap(N.rsubScalar(this.handle, value));
  }
  /** `value / this` */
  rdiv(value: number): Tensor<D extends FloatDType ? D : 'float32'> {
    return new Tensor(N.rdivScalar(this.handle, value));
  }
  minimum(o: Tensor<D>): Tensor<D> {
    return this.wrap(N.minimum(this.handle, o.handle));
  }
  maximum(o: Tensor<D>): Tensor<D> {
    return this.wrap(N.maximum(this.handle, o.handle));
  }
  clamp(min: number | null, max: number | null = null): Tensor<D> {
    return this.wrap(N.clamp(this.handle, min, max));
  }
  clampTensor(min: Tensor<D> | null, max: Tensor<D> | null = null): Tensor<D> {
    return this.wrap(N.clampTensor(this.handle, min?.handle, max?.handle));
  }
  nanToNum(nan = 0, posinf?: number, neginf?: number): Tensor<D> {
    return this.wrap(N.nanToNum(this.handle, nan, posinf, neginf));
  }

  // ---- comparisons and logic ------------------------------------------------------------------------------------
  eq(o: Other<D>): Tensor<'bool'> {
    return bool(typeof o === 'number' ? N.eqScalar(this.handle, o) : N.eq(this.handle, o.handle));
  }
  ne(o: Other<D>): Tensor<'bool'> {
    return bool(typeof o === 'number' ? N.neScalar(this.handle, o) : N.ne(this.handle, o.handle));
  }
  lt(o: Other<D>): Tensor<'bool'> {
    return bool(typeof o === 'number' ? N.ltScalar(this.handle, o) : N.lt(this.handle, o.handle));
  }
  le(o: Other<D>): Tensor<'bool'> {
    return bool(typeof o === 'number' ? N.leScalar(this.handle, o) : N.le(this.handle, o.handle));
  }
  gt(o: Other<D>): Tensor<'bool'> {
    return bool(typeof o === 'number' ? N.gtScalar(this.handle, o) : N.gt(this.handle, o.handle));
  }
  ge(o: Other<D>): Tensor<'bool'> {
    return bool(typeof o === 'number' ? N.geScalar(this.handle, o) : N.ge(this.handle, o.handle));
  }
  logicalAnd(o: Tensor): Tensor<'bool'> {
    return bool(N.logicalAnd(this.handle, o.handle));
  }
  logicalOr(o: Tensor): Tensor<'bool'> {
    return bool(N.logicalOr(this.handle, o.handle));
  }
  logicalXor(o: Tensor): Tensor<'bool'> {
    return bool(N.logicalXor(this.handle, o.handle));
  }
  logicalNot(): Tensor<'bool'> {
    return bool(N.logicalNot(this.handle));
  }
  isnan(): Tensor<'bool'> {
    return bool(N.isnan(this.handle));
  }
  isinf(): Tensor<'bool'> {
    return bool(N.isinf(this.handle));
  }
  isfinite(): Tensor<'bool'> {
    return bool(N.isfinite(this.handle));
  }

  // ---- unary math ----------------------------------------------------------------------------------------------
  neg(): Tensor<D, R> { return this.wrap(N.neg(this.handle)); }
  exp(): Tensor<D, R> { return this.wrap(N.exp(this.handle)); }
  log(): Tensor<D, R> { return this.wrap(N.log(this.handle)); }
  log1p(): Tensor<D, R> { return this.wrap(N.log1p(this.handle)); }
  expm1(): Tensor<D, R> { return this.wrap(N.expm1(this.handle)); }
  abs(): Tensor<D, R> { return this.wrap(N.abs(this.handle)); }
  sqrt(): Tensor<D, R> { return this.wrap(N.sqrt(this.handle)); }
  rsqrt(): Tensor<D, R> { return this.wrap(N.rsqrt(this.handle)); }
  square(): Tensor<D, R> { return this.wrap(N.square(this.handle)); }
  reciprocal(): Tensor<D, R> { return this.wrap(N.reciprocal(this.handle)); }
  sin(): Tensor<D, R> { return this.wrap(N.sin(this.handle)); }
  cos(): Tensor<D, R> { return this.wrap(N.cos(this.handle)); }
  tanh(): Tensor<D, R> { return this.wrap(N.tanh(this.handle)); }
  sigmoid(): Tensor<D, R> { return this.wrap(N.sigmoid(this.handle)); }
  relu(): Tensor<D, R> { return this.wrap(N.relu(this.handle)); }
  silu(): Tensor<D, R> { return this.wrap(N.silu(this.handle)); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor<D, R> { return this.wrap(N.gelu(this.handle, approximate)); }
  erf(): Tensor<D, R> { return this.wrap(N.erf(this.handle)); }
  floor(): Tensor<D, R> { return this.wrap(N.floor(this.handle)); }
  ceil(): Tensor<D, R> { return this.wrap(N.ceil(this.handle)); }
  /** Round half to even, like torch.round and Python's round. */
  round(): Tensor<D, R> { return this.wrap(N.round(this.handle)); }
  trunc(): Tensor<D, R> { return this.wrap(N.trunc(this.handle)); }
  sign(): Tensor<D, R> { return this.wrap(N.sign(this.handle)); }

  // ---- reductions (dims omitted = all) --------------------------------------------------------------------------
  sum(dims?: Dims, keepdim = false): Tensor<D extends 'bool' | IntLike ? 'int64' : D> {
    return new Tensor(N.sum(this.handle, dimsOf(dims), keepdim));
  }
  mean(dims?: Dims, keepdim = false): Tensor<D> {
    return this.wrap(N.mean(this.handle, dimsOf(dims), keepdim));
  }
  /** correction 1 = unbiased (N-1) like torch.std's default; 0 = population. */
  std(dims?: Dims, { correction = 1, keepdim = false }: { correction?: number; keepdim?: boolean } = {}): Tensor<D> {
    return this.wrap(N.std(this.handle, dimsOf(dims), correction, keepdim));
  }
  var(dims?: Dims, { correction = 1, keepdim = false }: { correction?: number; keepdim?: boolean } = {}): Tensor<D> {
    return this.wrap(N.var(this.handle, dimsOf(dims), correction, keepdim));
  }
  /** Maximum over dims (all when omitted). */
  max(dims?: Dims, keepdim = false): Tensor<D> {
    return this.wrap(N.amax(this.handle, dimsOf(dims), keepdim));
  }
  min(dims?: Dims, keepdim = false): Tensor<D> {
    return this.wrap(N.amin(this.handle, dimsOf(dims), keepdim));
  }
  /** Max along one dim with the argmax indices. */
  maxWithIndices(dim: number, keepdim = false): { values: Tensor<D>; indices: Tensor<'int64'> } {
    const [v, i] = N.maxDim(this.handle, dim, keepdim);
    return { values: this.wrap(v), indices: new Tensor(i, 'int64') };
  }
  minWithIndices(dim: number, keepdim = false): { values: Tensor<D>; indices: Tensor<'int64'> } {
    const [v, i] = N.minDim(this.handle, dim, keepdim);
    return { values: this.wrap(v), indices: new Tensor(i, 'int64') };
  }
  argmax(dim?: number, keepdim = false): Tensor<'int64'> {
    return new Tensor(N.argmax(this.handle, dim ?? null, keepdim), 'int64');
  }
  argmin(dim?: number, keepdim = false): Tensor<'int64'> {
    return new Tensor(N.argmin(this.handle, dim ?? null, keepdim), 'int64');
  }
  prod(dim?: number, keepdim = false): Tensor<D> {
    return this.wrap(N.prod(this.handle, dim ?? null, keepdim));
  }
  logsumexp(dims: Dims, keepdim = false): Tensor<D> {
    return this.wrap(N.logsumexp(this.handle, dimsOf(dims)!, keepdim));
  }
  all(dim?: number, keepdim = false): Tensor<'bool'> {
    return bool(N.all(this.handle, dim ?? null, keepdim));
  }
  any(dim?: number, keepdim = false): Tensor<'bool'> {
    return bool(N.any(this.handle, dim ?? null, keepdim));
  }
  norm(p = 2, dims?: Dims, keepdim = false): Tensor<D> {
    return this.wrap(N.norm(this.handle, p, dimsOf(dims), keepdim));
  }
  cumsum(dim: number): Tensor<D extends 'bool' | IntLike ? 'int64' : D, R> {
    return new Tensor(N.cumsum(this.handle, dim));
  }
  cumprod(dim: number): Tensor<D, R> {
    return this.wrap(N.cumprod(this.handle, dim));
  }
  softmax(dim: number): Tensor<D, R> {
    return this.wrap(N.softmax(this.handle, dim));
  }
  logSoftmax(dim: number): Tensor<D, R> {
    return this.wrap(N.logSoftmax(this.handle, dim));
  }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor<D, R>; indices: Tensor<'int64', R> } {
    const [v, i] = N.topk(this.handle, k, dim, largest, sorted);
    return { values: this.wrap(v), indices: new Tensor(i, 'int64') };
  }
  sort(dim = -1, descending = false, stable = false): { values: Tensor<D, R>; indices: Tensor<'int64', R> } {
    const [v, i] = N.sort(this.handle, dim, descending, stable);
    return { values: this.wrap(v), indices: new Tensor(i, 'int64') };
  }
  argsort(dim = -1, descending = false, stable = false): Tensor<'int64', R> {
    return new Tensor(N.argsort(this.handle, dim, descending, stable), 'int64');
  }

  // ---- shape ----------------------------------------------------------------------------------------------------
  reshape<S extends readonly number[]>(shape: S): Tensor<D, S['length']> {
    return this.wrap(N.reshape(this.handle, shape));
  }
  view<S extends readonly number[]>(shape: S): Tensor<D, S['length']> {
    return this.wrap(N.view(this.handle, shape));
  }
  /** Python-style slice along one dim: start/end may be negative or null; step >= 1. */
  slice(dim: number, start: number | null, end: number | null = null, step = 1): Tensor<D, R> {
    return this.wrap(N.slice(this.handle, dim, start, end, step));
  }
  narrow(dim: number, start: number, length: number): Tensor<D, R> {
    return this.wrap(N.narrow(this.handle, dim, start, length));
  }
  select(dim: number, index: number): Tensor<D> {
    return this.wrap(N.select(this.handle, dim, index));
  }
  transpose(d0: number, d1: number): Tensor<D, R> {
    return this.wrap(N.transpose(this.handle, d0, d1));
  }
  get T(): Tensor<D, R> {
    return this.transpose(-2, -1);
  }
  permute(dims: readonly number[]): Tensor<D, R> {
    return this.wrap(N.permute(this.handle, dims));
  }
  squeeze(dim?: number): Tensor<D> {
    return this.wrap(N.squeeze(this.handle, dim));
  }
  unsqueeze(dim: number): Tensor<D> {
    return this.wrap(N.unsqueeze(this.handle, dim));
  }
  expand(shape: readonly number[]): Tensor<D> {
    return this.wrap(N.expand(this.handle, shape));
  }
  flatten(start = 0, end = -1): Tensor<D> {
    return this.wrap(N.flatten(this.handle, start, end));
  }
  /** Split into pieces of the given sizes along dim (sizes must add up to the dim's size). */
  split(sizes: readonly number[], dim = 0): Tensor<D, R>[] {
    return N.split(this.handle, sizes, dim).map((h) => this.wrap(h));
  }
  chunk(n: number, dim = 0): Tensor<D, R>[] {
    return N.chunk(this.handle, n, dim).map((h) => this.wrap(h));
  }
  unbind(dim = 0): Tensor<D>[] {
    return N.unbind(this.handle, dim).map((h) => this.wrap(h));
  }
  repeat(reps: readonly number[]): Tensor<D> {
    return this.wrap(N.repeat(this.handle, reps));
  }
  repeatInterleave(repeats: number, dim: number): Tensor<D, R> {
    return this.wrap(N.repeatInterleave(this.handle, repeats, dim));
  }
  flip(dims: readonly number[]): Tensor<D, R> {
    return this.wrap(N.flip(this.handle, dims));
  }
  tril(k = 0): Tensor<D, R> {
    return this.wrap(N.tril(this.handle, k));
  }
  triu(k = 0): Tensor<D, R> {
    return this.wrap(N.triu(this.handle, k));
  }
  /** Constant padding; pads as in torch.nn.functional.pad (last dim first: [left, right, top, bottom, ...]). */
  pad(pads: readonly number[], value = 0): Tensor<D, R> {
    return this.wrap(N.pad(this.handle, pads, value));
  }

  // ---- indexing -------------------------------------------------------------------------------------------------
  gather(dim: number, index: Tensor<'int64' | 'int32'>): Tensor<D> {
    return this.wrap(N.gather(this.handle, dim, index.handle));
  }
  indexSelect(dim: number, index: Tensor<'int64' | 'int32'>): Tensor<D, R> {
    return this.wrap(N.indexSelect(this.handle, dim, index.handle));
  }
  scatter(dim: number, index: Tensor<'int64'>, src: Tensor<D>): Tensor<D, R> {
    return this.wrap(N.scatter(this.handle, dim, index.handle, src.handle));
  }
  scatterAdd(dim: number, index: Tensor<'int64'>, src: Tensor<D>): Tensor<D, R> {
    return this.wrap(N.scatterAdd(this.handle, dim, index.handle, src.handle));
  }
  maskedFill(mask: Tensor<'bool'>, value: number): Tensor<D, R> {
    return this.wrap(N.maskedFill(this.handle, mask.handle, value));
  }
  maskedSelect(mask: Tensor<'bool'>): Tensor<D, 1> {
    return this.wrap(N.maskedSelect(this.handle, mask.handle));
  }
  maskedScatter(mask: Tensor<'bool'>, src: Tensor<D>): Tensor<D, R> {
    return this.wrap(N.maskedScatter(this.handle, mask.handle, src.handle));
  }
  nonzero(): Tensor<'int64', 2> {
    return new Tensor(N.nonzero(this.handle), 'int64');
  }
  /** Mean of the elements where `mask` is true (over `dims`, or all). Division by a zero count gives NaN. */
  maskedMean(mask: Tensor<'bool'> | Tensor<D>, dims?: Dims, keepdim = false): Tensor<D> {
    const m = mask.dtype === this.dtype ? (mask as Tensor<D>) : (mask.to(this.dtype) as Tensor<D>);
    const num = this.mul(m);
    const s = num.sum(dims, keepdim) as unknown as Tensor<D>;
    const c = m.sum(dims, keepdim) as unknown as Tensor<D>;
    const out = s.div(c) as unknown as Tensor<D>;
    num.dispose();
    s.dispose();
    c.dispose();
    if (m !== mask) m.dispose();
    return out;
  }

  // ---- linear algebra -------------------------------------------------------------------------------------------
  matmul(o: Tensor<D>): Tensor<D> {
    return this.wrap(N.matmul(this.handle, o.handle));
  }
  /** matmul on the thread pool: for products big enough to block the event loop. */
  async matmulAsync(o: Tensor<D>): Promise<Tensor<D>> {
    return this.wrap(await N.matmulAsync(this.handle, o.handle));
  }

  // ---- autograd -------------------------------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return N.requiresGrad(this.handle);
  }
  /** Marks this (leaf) tensor as requiring gradients. Returns this. */
  requiresGrad_(flag = true): this {
    N.setRequiresGrad(this.handle, flag);
    return this;
  }
  get isLeaf(): boolean {
    return N.isLeaf(this.handle);
  }
  /** The accumulated gradient (a new handle each call; dispose it), or null. */
  get grad(): Tensor<D, R> | null {
    const h = N.grad(this.handle);
    return h === null ? null : this.wrap(h);
  }
  zeroGrad(): void {
    N.zeroGrad(this.handle);
  }
  retainGrad(): this {
    N.retainGrad(this.handle);
    return this;
  }
  detach(): Tensor<D, R> {
    return this.wrap(N.detach(this.handle));
  }
  /** Backpropagates from this tensor on the thread pool. A scalar needs no gradient argument. */
  async backward(gradient?: Tensor<D>, { retainGraph = false }: { retainGraph?: boolean } = {}): Promise<void> {
    return N.backward(this.handle, gradient?.handle, retainGraph);
  }
  backwardSync(gradient?: Tensor<D>, { retainGraph = false }: { retainGraph?: boolean } = {}): void {
    N.backwardSync(this.handle, gradient?.handle, retainGraph);
  }

  toString(): string {
    return this.isDisposed ? 'Tensor(disposed)' : `Tensor(${this.dtype}, [${this.shape.join(', ')}], ${this.device})`;
  }

  /**
   * Result handles carry no dtype hint: torch's type promotion (int tensor + 0.5 -> float32, exp(int) -> float32)
   * can change it, so the dtype is read from the tensor on first use.
   */
  private wrap<E extends DType = D, S extends number = number>(h: number): Tensor<E, S> {
    return new Tensor<E, S>(h);
  }
}

type IntLike = 'int64' | 'int32' | 'int16' | 'int8' | 'uint8';

function bool(h: number): Tensor<'bool'> {
  return new Tensor(h, 'bool');
}
