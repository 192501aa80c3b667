/**
 * torchvision's `resize(video, [h, w], BICUBIC, antialias=True)` on uint8 (or float32) frames [T, 3, H, W]: ATen's
 * `_upsample_bicubic2d_aa` in float32, clamp [0, 255], round half-to-even, uint8 (spec §5.5). An unchanged size
 * returns the input tensor itself (a new handle to the same storage), like torchvision's short-circuit.
 *
 * uint8 frames go through a native kernel that reproduces that float path bit for bit, about 10x faster
 * (csrc/video/resize_aa.cpp, docs/video.md "Fast resize"). It is used only where it was verified against ATen at
 * start-up (`resizeInfo()` says whether and why); elsewhere the ATen path runs. `impl: 'aten'` forces the reference
 * path, `impl: 'fast'` insists on the kernel (an error where it is unavailable); both exist for tests and benchmarks.
 */
import { Tensor } from '../tensor/index.js';
import type { ResizeImpl, ResizeInfo } from '../native/bindings/video.js';
import { native } from '../tensor/native.js';

export type { ResizeImpl, ResizeInfo } from '../native/bindings/video.js';

export function resizeBicubicAA<D extends 'uint8' | 'float32'>(frames: Tensor<D>, height: number, width: number, impl: ResizeImpl = 'auto'): Tensor<D> {
  return new Tensor<D>(native().resizeBicubicAA(frames.handle, height, width, impl));
}

/** The same on libtorch's thread pool (keeps the event loop free while other videos decode). */
export async function resizeBicubicAAAsync<D extends 'uint8' | 'float32'>(
  frames: Tensor<D>,
  height: number,
  width: number,
  impl: ResizeImpl = 'auto',
): Promise<Tensor<D>> {
  return new Tensor<D>(await native().resizeBicubicAAAsync(frames.handle, height, width, impl));
}

/** Whether the fast uint8 resize kernel is used here, and why (decided once per process). */
export function resizeInfo(): ResizeInfo {
  return native().resizeBicubicAAInfo();
}
