export { Tensor, handlesFreedByGC, type Nested } from './tensor.js';
export * from './factory.js';
export * from './runtime.js';
export { tidy, tidyAsync, keep, dispose, type Disposable } from './scope.js';
export { type DType, type FloatDType, type IntDType, type ArrayFor, DTYPE_CODE, BYTES_PER_ELEMENT, isFloatDType } from './dtype.js';
