/**
 * Every export of the addon with its parameter count (optional ones included). The type makes the compiler check each
 * number against the TypeScript signature in lib/native/bindings/, and that no export is missing or extra; the
 * C++ side registers the same count with each function (`SetFn` in csrc/napi/exports.h sets the function's
 * `length`), and test/native/contract.test.ts compares the loaded addon with this table in both directions.
 */
import type { NativeAddon } from './addon.js';

/**
 * The number of parameters of F, optional ones included (`Parameters<F>['length']` alone is a union such as `1 | 2`
 * when one is optional). A rest parameter has no count (its length is `number`, which any entry would satisfy), so
 * a variadic signature is refused: the binding decodes a fixed number of arguments, and the contract says which.
 */
type Arity<F> = F extends (...args: infer A) => unknown
  ? number extends Required<A>['length']
    ? never
    : Required<A>['length']
  : never;

export type NativeArity = { readonly [K in keyof NativeAddon]: Arity<NativeAddon[K]> };

export const NATIVE_ARITY: NativeArity = {
  // lib/native/bindings/tensor.ts
  free: 1, liveTensors: 0, reportedHostBytes: 0, fromData: 4, toData: 1, item: 1, zeros: 3, ones: 3, empty: 3,
  full: 4, scalarTensor: 3, eye: 3, arange: 5, linspace: 5, zerosLike: 1, onesLike: 1, fullLike: 2,
  generatorCreate: 1, generatorFree: 1, generatorGetState: 1, generatorSetState: 2, manualSeed: 1, rand: 4, randn: 4,
  randint: 6, multinomial: 4, add: 2, addScalar: 2, sub: 2, subScalar: 2, mul: 2, mulScalar: 2, div: 2, divScalar: 2,
  pow: 2, powScalar: 2, remainder: 2, remainderScalar: 2, eq: 2, eqScalar: 2, ne: 2, neScalar: 2, lt: 2, ltScalar: 2,
  le: 2, leScalar: 2, gt: 2, gtScalar: 2, ge: 2, geScalar: 2, minimum: 2, maximum: 2, logicalAnd: 2, logicalOr: 2,
  logicalXor: 2, rsubScalar: 2, rdivScalar: 2, where: 3, whereScalar: 3, clamp: 3, clampTensor: 3, nanToNum: 4,
  neg: 1, exp: 1, log: 1, log1p: 1, expm1: 1, abs: 1, sqrt: 1, rsqrt: 1, square: 1, reciprocal: 1, sin: 1, cos: 1,
  tanh: 1, sigmoid: 1, relu: 1, silu: 1, erf: 1, floor: 1, ceil: 1, round: 1, trunc: 1, sign: 1, logicalNot: 1,
  isnan: 1, isinf: 1, isfinite: 1, gelu: 2, sum: 3, mean: 3, std: 4, var: 4, amax: 3, amin: 3, maxDim: 3, minDim: 3,
  argmax: 3, argmin: 3, prod: 3, logsumexp: 3, all: 3, any: 3, norm: 4, cumsum: 2, cumprod: 2, softmax: 2,
  logSoftmax: 2, topk: 5, sort: 4, argsort: 4, reshape: 2, view: 2, slice: 5, narrow: 4, select: 3, transpose: 3,
  permute: 2, squeeze: 2, unsqueeze: 2, expand: 2, flatten: 3, contiguous: 1, clone: 1, cat: 2, stack: 2, split: 3,
  chunk: 3, unbind: 2, repeat: 2, repeatInterleave: 3, flip: 2, tril: 2, triu: 2, pad: 3, gather: 3, indexSelect: 3,
  scatter: 4, scatterAdd: 4, maskedFill: 3, maskedSelect: 2, maskedScatter: 3, nonzero: 1, embedding: 2, matmul: 2,
  bmm: 2, outer: 2, linear: 3, matmulAsync: 2, matmulChainAsync: 3, setRequiresGrad: 2, requiresGrad: 1, isLeaf: 1,
  grad: 1, zeroGrad: 1, detach: 1, retainGrad: 1, backward: 3, backwardSync: 3, setGradEnabled: 1, isGradEnabled: 0,
  shape: 1, dtype: 1, device: 1, numel: 1, dim: 1, isContiguous: 1, toDtype: 2, toDevice: 2, allclose: 4,
  maxAbsDiff: 2,
  // lib/native/bindings/runtime.ts
  setErrorClass: 1, buildInfo: 0, setNumThreads: 1, getNumThreads: 0, cudaIsAvailable: 0, cudaDeviceCount: 0,
  cudaSynchronize: 0, setDeviceAudit: 1, setDeterministic: 1, deviceAudit: 0,
  // lib/native/bindings/qwen.ts
  qwenLoad: 4, qwenFree: 1, qwenSave: 2, qwenInfo: 1, qwenParameters: 1, qwenSetGradientCheckpointing: 2,
  qwenCheckpointRecomputations: 0, qwenForward: 3, qwenHidden: 3, qwenEmbed: 2, qwenVisionFeatures: 4,
  qwenRopeIndex: 3, qwenLogprobs: 4, qwenGroupLogprobs: 4, qwenGenerate: 3, qwenShard: 4, qwenFinishBackward: 1,
  qwenReleaseBindings: 1, qwenShardBytes: 1, qwenShardGathers: 1, qwenVisionLayout: 2,
  // lib/native/bindings/sbert.ts
  sbertLoad: 3, sbertEncode: 3, sbertHidden: 3, sbertInfo: 1, sbertDispose: 1,
  // lib/native/bindings/optim.ts
  adamwCreate: 3, adamwFree: 1, adamwStep: 2, adamwClipGradNorm: 2, adamwLocalGradNorm: 1, adamwScaleGrads: 2,
  adamwZeroGrad: 1, adamwExportState: 1, adamwImportState: 3, adamwInfo: 1,
  // lib/native/bindings/distributed.ts
  distBackends: 0, distInit: 1, distAllReduce: 3, distBroadcast: 3, distAllGather: 2, distReduceScatter: 3,
  distBarrier: 1, distDestroy: 1, shardCreate: 4, shardFromLocal: 4, shardLayout: 1, shardLocal: 1, shardGathered: 1,
  shardGather: 1, shardFree: 1, shardReduceScatterGrads: 1, shardClipGradNorm: 2, shardGatherNamed: 2,
  shardSliceForRank: 5, shardDispose: 1,
  // lib/native/bindings/video.ts
  resizeBicubicAA: 4, resizeBicubicAAAsync: 4, resizeBicubicAAInfo: 0, patchifyU8: 5, patchifyU8Async: 5,
  openFramePipe: 0, consumeFrames: 12,
  // lib/native/bindings/io.ts
  safetensorsHeader: 1, loadSafetensors: 3, saveSafetensors: 4, safetensorsWriterOpen: 5, safetensorsWriterAppend: 3,
  safetensorsWriterFinish: 1, safetensorsWriterAbort: 1,
  // lib/native/bindings/bench.ts
  nativeLoopNs: 4, noop: 1,
};
