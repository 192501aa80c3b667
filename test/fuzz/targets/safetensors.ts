/**
 * safetensors headers and files (lib/io/safetensors.ts over csrc/io/safetensors.cpp): header-only reads and full
 * loads of a small file with five dtypes, an empty tensor and metadata, mutated as bytes (biased into the header),
 * as header JSON (re-framed with a correct length), or in the length field alone. A correct result: every tensor
 * the addon reports is what a JS reading of the same header says (names, dtypes, shapes), and the loaded float32
 * data equals the file's bytes at the stated offsets.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadSafetensors, readSafetensorsHeader } from '../../../lib/io/safetensors.js';
import { dispose } from '../../../lib/tensor/index.js';
import { chance, int, mutateBytes, mutateJsonText, pick } from '../mutate.js';
import { type FuzzCase, defineTarget } from '../target.js';

interface Spec {
  dtype: string;
  shape: number[];
  data: Buffer;
}

const SIZES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, U8: 1, I32: 4 };

/** A safetensors file from specs (header padded to 8 bytes, as HF writes it). */
export function encodeSafetensors(header: Record<string, unknown>, data: Buffer): Buffer {
  let text = JSON.stringify(header);
  while ((8 + text.length) % 8) text += ' ';
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
  return Buffer.concat([len, Buffer.from(text), data]);
}

function baseFile(): { header: Record<string, unknown>; data: Buffer } {
  const f32 = Buffer.from(new Float32Array([1.5, -2, 3.25, 0, 1e-3, 7]).buffer);
  const specs: Record<string, Spec> = {
    'w.f32': { dtype: 'F32', shape: [2, 3], data: f32 },
    'ids.i64': { dtype: 'I64', shape: [4], data: Buffer.from(new BigInt64Array([1n, -2n, 3n, 4n]).buffer) },
    'h.bf16': { dtype: 'BF16', shape: [2, 2], data: Buffer.from([0x80, 0x3f, 0, 0x40, 0x40, 0x40, 0x80, 0x40]) },
    'empty.u8': { dtype: 'U8', shape: [0, 5], data: Buffer.alloc(0) },
    'scalar.f16': { dtype: 'F16', shape: [], data: Buffer.from([0, 0x3c]) },
  };
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', note: 'fuzz base' } };
  let off = 0;
  for (const [name, s] of Object.entries(specs)) {
    header[name] = { dtype: s.dtype, shape: s.shape, data_offsets: [off, off + s.data.length] };
    off += s.data.length;
  }
  return { header, data: Buffer.concat(Object.values(specs).map((s) => s.data)) };
}

interface Case extends FuzzCase {
  file: string;
}

/** What a JS reading of the header says the file holds, or null when it does not parse as a JSON object. */
function oracle(file: string): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> | null {
  const b = readFileSync(file);
  if (b.length < 8) return null;
  const n = Number(b.readBigUInt64LE(0));
  if (n > b.length - 8) return null;
  try {
    const h = JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as unknown;
    if (!h || typeof h !== 'object' || Array.isArray(h)) return null;
    const out = { ...(h as Record<string, never>) };
    delete out['__metadata__'];
    return out;
  } catch {
    return null;
  }
}

export const target = defineTarget<{ header: Record<string, unknown>; data: Buffer }, Case>({
  async setup() {
    return baseFile();
  },
  make(rng, base, dir) {
    const file = join(dir, 'model.safetensors');
    const whole = encodeSafetensors(base.header, base.data);
    const headerEnd = 8 + Number(whole.readBigUInt64LE(0));
    let mode: string;
    let bytes: Buffer;
    const r = rng();
    if (r < 0.45) {
      mode = 'bytes';
      bytes = mutateBytes(rng, whole, [0, headerEnd]);
    } else if (r < 0.9) {
      mode = 'header-json';
      const text = mutateJsonText(rng, base.header);
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
      const data = chance(rng, 0.2) ? mutateBytes(rng, base.data) : base.data;
      bytes = Buffer.concat([len, Buffer.from(text), data]);
    } else {
      mode = 'length';
      bytes = Buffer.from(whole);
      bytes.writeBigUInt64LE(pick(rng, [0n, 1n, 7n, BigInt(headerEnd - 9), BigInt(headerEnd), BigInt(whole.length), 2n ** 63n, 2n ** 64n - 1n, BigInt(int(rng, 1 << 20))]), 0);
    }
    writeFileSync(file, bytes);
    return { file, names: [file], mode };
  },
  async run(c) {
    const header = readSafetensorsHeader(c.file);
    const loaded = await loadSafetensors(c.file);
    try {
      const f32: Record<string, number[]> = {};
      for (const [n, t] of loaded.tensors) if (t.dtype === 'float32') f32[n] = Array.from(t.toArray() as Float32Array);
      return { header, names: [...loaded.tensors.keys()].sort(), f32 };
    } finally {
      dispose([...loaded.tensors.values()]);
    }
  },
  check(c, result) {
    const r = result as { header: { tensors: Record<string, { dtype: string; shape: number[] }> }; names: string[]; f32: Record<string, number[]> };
    const want = oracle(c.file);
    const headerNames = Object.keys(r.header.tensors).sort();
    if (JSON.stringify(headerNames) !== JSON.stringify(r.names)) return `header lists ${headerNames.join(',')} but the load returned ${r.names.join(',')}`;
    if (!want) return null; // the addon is more lenient than JSON.parse here (raw control characters, NaN): no oracle
    if (JSON.stringify(Object.keys(want).sort()) !== JSON.stringify(headerNames)) return `tensors ${headerNames.join(',')} but the header JSON holds ${Object.keys(want).sort().join(',')}`;
    const file = readFileSync(c.file);
    const dataStart = 8 + Number(file.readBigUInt64LE(0));
    for (const n of headerNames) {
      const got = r.header.tensors[n]!;
      const w = want[n]!;
      if (got.dtype !== w.dtype || JSON.stringify(got.shape) !== JSON.stringify(w.shape)) return `${n}: ${got.dtype} ${JSON.stringify(got.shape)}, the header says ${w.dtype} ${JSON.stringify(w.shape)}`;
      const bytes = w.shape.reduce((a, d) => a * d, SIZES[w.dtype] ?? NaN);
      if (Number.isFinite(bytes) && w.data_offsets[1] - w.data_offsets[0] !== bytes) return `${n}: accepted with ${w.data_offsets[1] - w.data_offsets[0]} bytes for ${bytes}`;
      if (r.f32[n]) {
        const slice = file.subarray(dataStart + w.data_offsets[0], dataStart + w.data_offsets[1]);
        const expect = Array.from(new Float32Array(slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.length)));
        if (JSON.stringify(expect) !== JSON.stringify(r.f32[n])) return `${n}: loaded values differ from the file's bytes at its offsets`;
      }
    }
    return null;
  },
});
