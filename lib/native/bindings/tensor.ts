/**
 * The tensor ops of the addon (csrc/napi/tensor_*.cpp, generator.cpp): tensors cross as numeric handles, which the
 * Tensor class (lib/tensor/tensor.ts) owns. Part of NativeAddon (lib/native/addon.ts).
 */
export type Handle = number;
/** at::ScalarType codes (see lib/tensor/dtype.ts). */
export type DtypeCode = number;
type H = Handle;
type OptH = Handle | null | undefined;
type Dims = readonly number[] | null | undefined;

export interface TensorBindings {
  // lifetime
  free(h: H): boolean;
  liveTensors(): number;
  reportedHostBytes(): number;
  // creation and copies
  fromData(data: ArrayBufferView, dtype: DtypeCode, shape: readonly number[], device?: string): H;
  toData(h: H): ArrayBuffer;
  item(h: H): number;
  zeros(shape: readonly number[], dtype?: DtypeCode, device?: string): H;
  ones(shape: readonly number[], dtype?: DtypeCode, device?: string): H;
  empty(shape: readonly number[], dtype?: DtypeCode, device?: string): H;
  full(shape: readonly number[], value: number, dtype?: DtypeCode, device?: string): H;
  scalarTensor(value: number, dtype?: DtypeCode, device?: string): H;
  eye(n: number, dtype?: DtypeCode, device?: string): H;
  arange(start: number, end: number, step: number, dtype?: DtypeCode, device?: string): H;
  linspace(start: number, end: number, steps: number, dtype?: DtypeCode, device?: string): H;
  zerosLike(h: H): H;
  onesLike(h: H): H;
  fullLike(h: H, value: number): H;
  // random
  generatorCreate(seed: number): number;
  generatorFree(id: number): boolean;
  generatorGetState(id: number): Uint8Array;
  generatorSetState(id: number, state: Uint8Array): void;
  manualSeed(seed: number): void;
  rand(shape: readonly number[], dtype?: DtypeCode, device?: string, gen?: number): H;
  randn(shape: readonly number[], dtype?: DtypeCode, device?: string, gen?: number): H;
  randint(low: number, high: number, shape: readonly number[], dtype?: DtypeCode, device?: string, gen?: number): H;
  multinomial(probs: H, numSamples: number, replacement: boolean, gen?: number): H;
  // elementwise
  add(a: H, b: H): H; addScalar(a: H, b: number): H;
  sub(a: H, b: H): H; subScalar(a: H, b: number): H;
  mul(a: H, b: H): H; mulScalar(a: H, b: number): H;
  div(a: H, b: H): H; divScalar(a: H, b: number): H;
  pow(a: H, b: H): H; powScalar(a: H, b: number): H;
  remainder(a: H, b: H): H; remainderScalar(a: H, b: number): H;
  eq(a: H, b: H): H; eqScalar(a: H, b: number): H;
  ne(a: H, b: H): H; neScalar(a: H, b: number): H;
  lt(a: H, b: H): H; ltScalar(a: H, b: number): H;
  le(a: H, b: H): H; leScalar(a: H, b: number): H;
  gt(a: H, b: H): H; gtScalar(a: H, b: number): H;
  ge(a: H, b: H): H; geScalar(a: H, b: number): H;
  minimum(a: H, b: H): H;
  maximum(a: H, b: H): H;
  logicalAnd(a: H, b: H): H;
  logicalOr(a: H, b: H): H;
  logicalXor(a: H, b: H): H;
  rsubScalar(a: H, b: number): H;
  rdivScalar(a: H, b: number): H;
  where(cond: H, a: H, b: H): H;
  whereScalar(cond: H, a: H, b: number): H;
  clamp(a: H, min: number | null, max: number | null): H;
  clampTensor(a: H, min: OptH, max: OptH): H;
  nanToNum(a: H, nan: number, posinf?: number, neginf?: number): H;
  neg(a: H): H; exp(a: H): H; log(a: H): H; log1p(a: H): H; expm1(a: H): H; abs(a: H): H; sqrt(a: H): H;
  rsqrt(a: H): H; square(a: H): H; reciprocal(a: H): H; sin(a: H): H; cos(a: H): H; tanh(a: H): H;
  sigmoid(a: H): H; relu(a: H): H; silu(a: H): H; erf(a: H): H; floor(a: H): H; ceil(a: H): H; round(a: H): H;
  trunc(a: H): H; sign(a: H): H; logicalNot(a: H): H; isnan(a: H): H; isinf(a: H): H; isfinite(a: H): H;
  gelu(a: H, approximate?: 'none' | 'tanh'): H;
  // reductions
  sum(a: H, dims: Dims, keepdim?: boolean): H;
  mean(a: H, dims: Dims, keepdim?: boolean): H;
  std(a: H, dims: Dims, correction?: number, keepdim?: boolean): H;
  var(a: H, dims: Dims, correction?: number, keepdim?: boolean): H;
  amax(a: H, dims: Dims, keepdim?: boolean): H;
  amin(a: H, dims: Dims, keepdim?: boolean): H;
  maxDim(a: H, dim: number, keepdim: boolean): [H, H];
  minDim(a: H, dim: number, keepdim: boolean): [H, H];
  argmax(a: H, dim?: number | null, keepdim?: boolean): H;
  argmin(a: H, dim?: number | null, keepdim?: boolean): H;
  prod(a: H, dim?: number | null, keepdim?: boolean): H;
  logsumexp(a: H, dims: readonly number[], keepdim?: boolean): H;
  all(a: H, dim?: number | null, keepdim?: boolean): H;
  any(a: H, dim?: number | null, keepdim?: boolean): H;
  norm(a: H, p: number, dims: Dims, keepdim?: boolean): H;
  cumsum(a: H, dim: number): H;
  cumprod(a: H, dim: number): H;
  softmax(a: H, dim: number): H;
  logSoftmax(a: H, dim: number): H;
  topk(a: H, k: number, dim: number, largest: boolean, sorted: boolean): [H, H];
  sort(a: H, dim: number, descending: boolean, stable?: boolean): [H, H];
  argsort(a: H, dim: number, descending: boolean, stable?: boolean): H;
  // shape
  reshape(a: H, shape: readonly number[]): H;
  view(a: H, shape: readonly number[]): H;
  slice(a: H, dim: number, start: number | null, end: number | null, step?: number): H;
  narrow(a: H, dim: number, start: number, length: number): H;
  select(a: H, dim: number, index: number): H;
  transpose(a: H, d0: number, d1: number): H;
  permute(a: H, dims: readonly number[]): H;
  squeeze(a: H, dim?: number): H;
  unsqueeze(a: H, dim: number): H;
  expand(a: H, shape: readonly number[]): H;
  flatten(a: H, start?: number, end?: number): H;
  contiguous(a: H): H;
  clone(a: H): H;
  cat(list: readonly H[], dim: number): H;
  stack(list: readonly H[], dim: number): H;
  split(a: H, sizes: readonly number[], dim: number): H[];
  chunk(a: H, n: number, dim: number): H[];
  unbind(a: H, dim: number): H[];
  repeat(a: H, reps: readonly number[]): H;
  repeatInterleave(a: H, repeats: number, dim: number): H;
  flip(a: H, dims: readonly number[]): H;
  tril(a: H, k?: number): H;
  triu(a: H, k?: number): H;
  pad(a: H, pads: readonly number[], value?: number): H;
  // indexing
  gather(a: H, dim: number, index: H): H;
  indexSelect(a: H, dim: number, index: H): H;
  scatter(a: H, dim: number, index: H, src: H): H;
  scatterAdd(a: H, dim: number, index: H, src: H): H;
  maskedFill(a: H, mask: H, value: number): H;
  maskedSelect(a: H, mask: H): H;
  maskedScatter(a: H, mask: H, src: H): H;
  nonzero(a: H): H;
  embedding(weight: H, ids: H): H;
  // linear algebra
  matmul(a: H, b: H): H;
  bmm(a: H, b: H): H;
  outer(a: H, b: H): H;
  linear(x: H, w: H, b?: OptH): H;
  matmulAsync(a: H, b: H): Promise<H>;
  matmulChainAsync(a: H, b: H, n: number): Promise<H>;
  // autograd
  setRequiresGrad(a: H, flag: boolean): void;
  requiresGrad(a: H): boolean;
  isLeaf(a: H): boolean;
  grad(a: H): H | null;
  zeroGrad(a: H): void;
  detach(a: H): H;
  retainGrad(a: H): void;
  backward(a: H, gradient: OptH, retainGraph?: boolean): Promise<void>;
  backwardSync(a: H, gradient: OptH, retainGraph?: boolean): void;
  setGradEnabled(flag: boolean): boolean;
  isGradEnabled(): boolean;
  // metadata and conversion
  shape(a: H): number[];
  dtype(a: H): DtypeCode;
  device(a: H): string;
  numel(a: H): number;
  dim(a: H): number;
  isContiguous(a: H): boolean;
  toDtype(a: H, dtype: DtypeCode): H;
  toDevice(a: H, device: string): H;
  allclose(a: H, b: H, rtol: number, atol: number): boolean;
  maxAbsDiff(a: H, b: H): number;
}
