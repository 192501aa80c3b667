// Tensor names and metadata keys come from the file (found by the fuzz suite, issue 16 point 7): a name holding a
// NUL byte was cut short in readSafetensorsHeader (a C-string key) while loadSafetensors returned it whole, so the
// two disagreed; "__proto__" set the result object's prototype instead of adding a key. Both are now plain keys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadSafetensors, readSafetensorsHeader } from '../../lib/io/safetensors.js';
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
