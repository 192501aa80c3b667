/**
 * Tensor element types. The numeric codes are libtorch's at::ScalarType values, which the addon accepts directly.
 * bfloat16 and float16 travel as raw 16-bit patterns in a Uint16Array; bool as 0/1 bytes in a Uint8Array;
 * int64 as BigInt64Array.
 */
export type FloatDType = 'float32' | 'float64' | 'float16' | 'bfloat16';
export type IntDType = 'int64' | 'int32' | 'int16' | 'int8' | 'uint8';
export type DType = FloatDType | IntDType | 'bool';

/** The TypedArray that holds a dtype's elements on the JS side. */
export type ArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'float16' | 'bfloat16'
      ? Uint16Array
      : D extends 'int64'
        ? BigInt64Array
        : D extends 'int32'
          ? Int32Array
          : D extends 'int16'
            ? Int16Array
            : D extends 'int8'
              ? Int8Array
              : Uint8Array;

export const DTYPE_CODE: Readonly<Record<DType, number>> = {
  uint8: 0,
  int8: 1,
  int16: 2,
  int32: 3,
  int64: 4,
  float16: 5,
  float32: 6,
  float64: 7,
  bool: 11,
  bfloat16: 15,
};

const CODE_TO_DTYPE = new Map<number, DType>(Object.entries(DTYPE_CODE).map(([k, v]) => [v, k as DType]));

export function dtypeFromCode(code: number): DType {
  const d = CODE_TO_DTYPE.get(code);
  if (!d) throw new TypeError(`unsupported native dtype code ${code}`);
  return d;
}

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = {
  uint8: 1,
  int8: 1,
  bool: 1,
  int16: 2,
  float16: 2,
  bfloat16: 2,
  int32: 4,
  float32: 4,
  int64: 8,
  float64: 8,
};

export function isFloatDType(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

/** Wraps raw bytes (a copy the addon made) in the dtype's TypedArray, without another copy. */
export function viewAs<D extends DType>(buffer: ArrayBuffer, dtype: D): ArrayFor<D> {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer) as ArrayFor<D>;
    case 'float64':
      return new Float64Array(buffer) as ArrayFor<D>;
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer) as ArrayFor<D>;
    case 'int64':
      return new BigInt64Array(buffer) as ArrayFor<D>;
    case 'int32':
      return new Int32Array(buffer) as ArrayFor<D>;
    case 'int16':
      return new Int16Array(buffer) as ArrayFor<D>;
    case 'int8':
      return new Int8Array(buffer) as ArrayFor<D>;
    default:
      return new Uint8Array(buffer) as ArrayFor<D>;
  }
}

/** The dtype a TypedArray naturally holds (Uint16Array is ambiguous: pass dtype explicitly for bfloat16). */
export function dtypeOfArray(a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Uint16Array) return 'float16';
  throw new TypeError(`no tensor dtype for ${a.constructor.name}`);
}
