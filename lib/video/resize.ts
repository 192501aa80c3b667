/**
 * torchvision's `resize(video, [h, w], BICUBIC, antialias=True)` on uint8 (or float32) frames [T, 3, H, W]: ATen's
 * `_upsample_bicubic2d_aa` in float32, clamp [0, 255], round half-to-even, uint8 (spec §5.5). An unchanged size
 * returns the input tensor itself (a new handle to the same storage), like torchvision's short-circuit.
 */
import { Tensor } from '../tensor/index.js';
import { videoNative } from './native.js';

export function resizeBicubicAA<D extends 'uint8' | 'float32'>(frames: Tensor<D>, height: number, width: number): Tensor<D> {
  return new Tensor<D>(videoNative().resizeBicubicAA(frames.handle, height, width));
}

/** The same on libtorch's thread pool (keeps the event loop free while other videos decode). */
export async function resizeBicubicAAAsync<D extends 'uint8' | 'float32'>(frames: Tensor<D>, height: number, width: number): Promise<Tensor<D>> {
  return new Tensor<D>(await videoNative().resizeBicubicAAAsync(frames.handle, height, width));
}
