/** rarft's public API. */
export * from './tensor/index.js';
export { TorchError, DisposedError, AddonLoadError } from './native/errors.js';
export { DataError } from './errors.js';
