/**
 * The one typed contract between TypeScript and the native addon (csrc/napi/*): one interface per area in
 * lib/native/bindings/, composed here. `loadAddon()` (load.ts) returns this type, so no caller casts the addon.
 * NATIVE_ARITY (arity.ts) lists every export with its parameter count; test/native/contract.test.ts checks the
 * loaded addon against both, in both directions.
 */
import type { BenchBindings } from './bindings/bench.js';
import type { DistributedBindings } from './bindings/distributed.js';
import type { IoBindings } from './bindings/io.js';
import type { OptimBindings } from './bindings/optim.js';
import type { QwenBindings } from './bindings/qwen.js';
import type { RuntimeBindings } from './bindings/runtime.js';
import type { SbertBindings } from './bindings/sbert.js';
import type { TensorBindings } from './bindings/tensor.js';
import type { VideoBindings } from './bindings/video.js';

export interface NativeAddon
  extends TensorBindings, RuntimeBindings, QwenBindings, SbertBindings, OptimBindings, DistributedBindings, VideoBindings,
    IoBindings, BenchBindings {}

export type { Handle, DtypeCode } from './bindings/tensor.js';
export type { BuildInfo } from './bindings/runtime.js';
