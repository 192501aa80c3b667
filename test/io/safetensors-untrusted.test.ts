// Everything in a safetensors header comes from the file (issue 16 points 1 and 7). Tensor names and metadata keys
// (found by the fuzz suite): a name holding a NUL byte was cut short in readSafetensorsHeader (a C-string key) while
// loadSafetensors returned it whole, and "__proto__" set the result object's prototype instead of adding a key.
// Shapes: a negative dimension, or one whose byte count overflows 64 bits and wraps to the bytes given, was accepted
// (a tensor claiming 2^66 elements over 0 bytes). A header over the format's 100 MB limit is refused before parsing.
import { closeSync, mkdtempSync, openSync, ftruncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadSafetensors, readSafetensorsHeader } from '../../lib/io/safetensors.js';
import { TorchError } from '../../lib/native/errors.js';
import { dispose } from '../../lib/tensor/index.js';

function file(header: Record<string, unknown> | string, data: Buffer): string {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  while ((8 + Buffer.byteLength(text)) % 8) text += ' ';
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
  const f = join(mkdtempSync(join(tmpdir(), 'rarft-st-names-')), 'x.safetensors');
  writeFileSync(f, Buffer.concat([len, Buffer.from(text), data]));
  return f;
}

describe('safetensors names from the file', () => {
  it('a NUL inside a name or metadata key is kept whole, and header and load agree', async () => {
    const f = file({ __metadata__: { 'k\u0000ey': 'v' }, 'em\u0000ty': { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, plain: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, Buffer.alloc(8));
    const header = readSafetensorsHeader(f);
    expect(Object.keys(header.tensors).sort()).toEqual(['em\u0000ty', 'plain']);
    expect(header.metadata).toEqual({ 'k\u0000ey': 'v' });
    const loaded = await loadSafetensors(f);
    expect([...loaded.tensors.keys()].sort()).toEqual(['em\u0000ty', 'plain']);
    expect(loaded.metadata).toEqual({ 'k\u0000ey': 'v' });
    dispose([...loaded.tensors.values()]);
  });

  it('"__proto__" is an ordinary tensor name and metadata key', () => {
    // written as text: in a JS object literal, "__proto__:" would set the prototype rather than a key
    const f = file('{"__metadata__":{"__proto__":"meta"},"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', Buffer.alloc(4));
    const header = readSafetensorsHeader(f);
    expect(Object.keys(header.tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(header.tensors)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(header.tensors, '__proto__')?.value).toEqual({ dtype: 'F32', shape: [1] });
    expect(Object.getOwnPropertyDescriptor(header.metadata, '__proto__')?.value).toBe('meta');
  });
});

describe('safetensors shapes and sizes from the file', () => {
  it('a negative dimension is refused naming the tensor', () => {
    const f = file({ t: { dtype: 'F32', shape: [-1, -4], data_offsets: [0, 16] } }, Buffer.alloc(16));
    expect(() => readSafetensorsHeader(f)).toThrow(TorchError);
    expect(() => readSafetensorsHeader(f)).toThrow(new RegExp(`${f}: tensor 't': negative dimension in shape \\[-1\\]`));
  });

  it('a shape whose byte count wraps around 64 bits is refused, not mapped over the bytes given', async () => {
    const f = file({ t: { dtype: 'F32', shape: [2 ** 32, 2 ** 32, 4], data_offsets: [0, 0] } }, Buffer.alloc(0));
    expect(() => readSafetensorsHeader(f)).toThrow(/tensor 't': shape \[4294967296, 4294967296, 4\] overflows a 64-bit byte count/);
    await expect(loadSafetensors(f)).rejects.toThrow(TorchError);
  });

  it('a header past the 100 MB limit is refused before it is read', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'rarft-st-big-')), 'big.safetensors');
    const fd = openSync(f, 'w');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(100_000_001n);
    writeSync(fd, len);
    ftruncateSync(fd, 8 + 100_000_001); // sparse: no 100 MB written
    closeSync(fd);
    expect(() => readSafetensorsHeader(f)).toThrow(new RegExp(`${f}: header length 100000001 exceeds the format's limit of 100000000 bytes`));
  });
});
