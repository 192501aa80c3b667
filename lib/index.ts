/** rarft's public API. */
export * from './tensor/index.js';
export { TorchError, DisposedError, AddonLoadError } from './native/errors.js';
export { DataError } from './errors.js';
export * from './io/safetensors.js';
export * from './metrics/index.js';
export * from './judge/index.js';
export * from './data/index.js';
export * from './text/index.js';
export * from './rewards/index.js';
export * from './config/index.js';
export * from './train/index.js';
export * from './optim/index.js';
export * from './logging/index.js';
export * from './dist/index.js';
export * from './sbert/index.js';
export * from './trainer/index.js';
export * from './video/index.js';
export * from './synthetic/render-video.js';
