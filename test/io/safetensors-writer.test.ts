// The streaming safetensors writer: tensors appended one by one give the file saveSafetensors writes (byte for byte),
// nothing appears under the name before finish(), and every misuse is an error naming the file that leaves no temp
// file behind.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadSafetensors, saveSafetensors } from '../../lib/io/safetensors.js';
import { SafetensorsWriter } from '../../lib/io/safetensors-writer.js';
import { arange, tensor } from '../../lib/tensor/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'rarft-st-writer-'));

describe('SafetensorsWriter', () => {
  const a = arange(0, 12, 1, { dtype: 'float32' }).reshape([3, 4]);
  const b = tensor([1, 2, 3], { dtype: 'int64' });
  const c = arange(0, 5, 1, { dtype: 'float32' }).to('bfloat16');
  const entries = [
    { name: 'a', dtype: 'float32' as const, shape: [3, 4] },
    { name: 'b', dtype: 'int64' as const, shape: [3] },
    { name: 'c', dtype: 'bfloat16' as const, shape: [5] },
  ];

  it('appending one by one writes the same bytes as saveSafetensors; the file appears only at finish', async () => {
    const d = dir();
    const w = new SafetensorsWriter(join(d, 'x.safetensors'), entries, { format: 'test' });
    await w.append('a', a);
    await w.append('b', b);
    expect(existsSync(join(d, 'x.safetensors'))).toBe(false);
    await w.append('c', c);
    await w.finish();
    await saveSafetensors(join(d, 'y.safetensors'), { a, b, c }, { format: 'test' });
    expect(readFileSync(join(d, 'x.safetensors')).equals(readFileSync(join(d, 'y.safetensors')))).toBe(true);
    const back = await loadSafetensors(join(d, 'x.safetensors'));
    expect(Array.from(back.tensors.get('a')!.toArray() as Float32Array)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(back.metadata).toEqual({ format: 'test' });
    expect(readdirSync(d).sort()).toEqual(['x.safetensors', 'y.safetensors']);
  });

  it('an append out of order, of another shape or dtype fails naming the file and removes the temp file', async () => {
    const d = dir();
    const path = join(d, 'x.safetensors');
    let w = new SafetensorsWriter(path, entries);
    await expect(w.append('b', b)).rejects.toThrow(`${path}: expected tensor 'a' next, got 'b'`);
    expect(readdirSync(d)).toEqual([]);
    w = new SafetensorsWriter(path, entries);
    await expect(w.append('a', a.reshape([4, 3]))).rejects.toThrow(/'a' is Float \[4, 3\], the header says Float \[3, 4\]/);
    w = new SafetensorsWriter(path, entries);
    await w.append('a', a);
    await expect(w.append('b', b.to('int32'))).rejects.toThrow(/'b' is Int \[3\], the header says Long \[3\]/);
    expect(readdirSync(d)).toEqual([]);
  });

  it('finish before every tensor is written fails; abort leaves nothing; duplicate names are refused up front', async () => {
    const d = dir();
    const path = join(d, 'x.safetensors');
    const w = new SafetensorsWriter(path, entries);
    await w.append('a', a);
    await expect(w.finish()).rejects.toThrow(`${path}: finish after 1 of 3 tensors`);
    expect(readdirSync(d)).toEqual([]);
    const v = new SafetensorsWriter(path, entries);
    v.abort();
    v.abort(); // idempotent
    expect(readdirSync(d)).toEqual([]);
    expect(() => new SafetensorsWriter(path, [entries[0]!, entries[0]!])).toThrow(`${path}: duplicate tensor name 'a'`);
    expect(() => new SafetensorsWriter(join(d, 'no-such-dir', 'x.safetensors'), entries)).toThrow(/cannot write temp file/);
  });
});
