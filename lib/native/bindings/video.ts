/**
 * The video bindings of the addon: antialiased resize and patchify (csrc/napi/video_ops.cpp), and reading ffmpeg's
 * frame pipe (csrc/napi/video_stream.cpp). Part of NativeAddon (lib/native/addon.ts).
 */

/** 'auto': the fast uint8 kernel where it passed its start-up check; 'aten': the reference path; 'fast': insist. */
export type ResizeImpl = 'auto' | 'aten' | 'fast';

export interface ResizeInfo {
  /** Whether 'auto' uses the fast uint8 kernel in this process. */
  fast: boolean;
  /** ATen's dispatched CPU capability (`AVX2`, `DEFAULT`, `AVX512`, ...). */
  capability: string;
  /** Why the fast kernel is (not) used: the self-check result, the capability, or RARFT_RESIZE_IMPL=aten. */
  reason: string;
}

/** What consumeFrames resolves with: frame and byte counts, and the frames (or patches) as a tensor handle. */
export interface ConsumedFrames {
  frames: number;
  pixelValues: number | null;
  decoded: number;
  bytes: number;
  overflow: boolean;
}

export interface VideoBindings {
  resizeBicubicAA(frames: number, h: number, w: number, impl?: ResizeImpl): number;
  resizeBicubicAAAsync(frames: number, h: number, w: number, impl?: ResizeImpl): Promise<number>;
  resizeBicubicAAInfo(): ResizeInfo;
  patchifyU8(frames: number, lut: number, patch: number, temporalPatch: number, merge: number): number;
  patchifyU8Async(frames: number, lut: number, patch: number, temporalPatch: number, merge: number): Promise<number>;
  /** [readFd, writeFd], both close-on-exec. */
  openFramePipe(): [number, number];
  /** Reads the pipe to EOF on a thread of its own and closes readFd, also when the arguments are rejected. */
  consumeFrames(
    readFd: number, srcH: number, srcW: number, dstH: number, dstW: number, slotSource: number[], pipeFrames: number,
    channelsLast: boolean, lut: number | null, patch: number, temporalPatch: number, merge: number,
  ): Promise<ConsumedFrames>;
}
