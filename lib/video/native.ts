/** The video bindings of the addon (csrc/napi/video_ops.cpp). */
import { native } from '../tensor/native.js';

export interface VideoBindings {
  resizeBicubicAA(frames: number, h: number, w: number): number;
  resizeBicubicAAAsync(frames: number, h: number, w: number): Promise<number>;
  patchifyU8(frames: number, lut: number, patch: number, temporalPatch: number, merge: number): number;
  patchifyU8Async(frames: number, lut: number, patch: number, temporalPatch: number, merge: number): Promise<number>;
}

export const videoNative = (): VideoBindings => native() as unknown as VideoBindings;
