/** The video path: ffmpeg resolution, probing, Time-R1 sampling/budget, decode, resize, patchify, cache. */
export * from './constants.js';
export { FfmpegNotFoundError, type FfmpegTools, type FfmpegResolveOptions, resolveFfmpeg, describeFfmpegCandidates } from './ffmpeg-binary.js';
export { type VideoProbe, type ProbeOptions, probeVideo } from './probe.js';
export { type FrameSampling, type SamplingOptions, type ReaderKind, FrameCountError, sampleFrames, smartNframes } from './sampling.js';
export { type PixelBudget, AspectRatioError, smartResize, videoFrameSize, videoMaxPixels } from './smart-resize.js';
export { type CorruptPolicy, type DecodeOptions, type DecodedFrames, decodeFrames } from './decode.js';
export { resizeBicubicAA, resizeBicubicAAAsync } from './resize.js';
export { type NormalizeMode, normalizeFrames, patchify } from './patchify.js';
export {
  type SpgMode, type VideoPreprocessOptions, type PreprocessedVideo, type ResizedFrames, type FramesInfo,
  preprocessVideo, decodeResized, toModelInputs, framesToPixelValues, frameSettings,
} from './preprocess.js';
export { type CacheIdentity, type VideoCacheOptions, VIDEO_CACHE_VERSION, cacheKey, cachedDecodeResized, preprocessVideoCached } from './cache.js';
