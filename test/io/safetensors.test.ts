import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadSafetensors, readSafetensorsHeader, saveSafetensors } from '../../lib/io/safetensors.js';
import { TorchError, arange, memory, tensor } from '../../lib/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rarft-st-'));

describe('safetensors', () => {
  it('round-trips every dtype with metadata', async () => {
    const path = join(dir, 'all.safetensors');
    const ts = {
      f32: tensor([[1.5, -2], [3, 4]]),
      f64: tensor([1e-300, 2], { dtype: 'float64' }),
      bf16: tensor([1, 2.5, -3], { dtype: 'bfloat16' }),
      f16: tensor([0.5, 65504], { dtype: 'float16' }),
      i64: tensor([-(2 ** 40), 7], { dtype: 'int64' }),
      i32: tensor([[1], [2]], { dtype: 'int32' }),
      u8: tensor([0, 255], { dtype: 'uint8' }),
      b: tensor([true, false, true], { dtype: 'bool' }),
      scalar: tensor(3.25),
    };
    await saveSafetensors(path, ts, { format: 'pt', note: 'x' });
    const header = readSafetensorsHeader(path);
    expect(header.tensors.bf16).toEqual({ dtype: 'BF16', shape: [3] });
    expect(header.tensors.scalar).toEqual({ dtype: 'F32', shape: [] });
    expect(header.metadata).toEqual({ format: 'pt', note: 'x' });
    const loaded = await loadSafetensors(path);
    for (const [name, t] of Object.entries(ts)) {
      const back = loaded.tensors.get(name)!;
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(back.toArray()).toEqual(t.toArray());
    }
    // The data section starts 8-byte aligned, as HF's writer makes it.
    const buf = readFileSync(path);
    expect((8 + Number(buf.readBigUInt64LE(0))) % 8).toBe(0);
    for (const t of [...Object.values(ts), ...loaded.tensors.values()]) t.dispose();
  });

  it('loaded tensors stay valid and writable after other handles go (copy-on-write mapping)', async () => {
    const path = join(dir, 'cow.safetensors');
    const a = arange(0, 6, 1, { dtype: 'float32' }).reshape([2, 3]);
    await saveSafetensors(path, { a });
    const { tensors } = await loadSafetensors(path, { names: ['a'] });
    const t = tensors.get('a')!;
    const doubled = t.mul(2);
    expect(doubled.toNested()).toEqual([[0, 2, 4], [6, 8, 10]]);
    // The file is unchanged by in-memory use.
    const again = await loadSafetensors(path);
    expect(again.tensors.get('a')!.toNested()).toEqual([[0, 1, 2], [3, 4, 5]]);
    for (const x of [a, t, doubled, ...again.tensors.values()]) x.dispose();
  });

  it('rejects malformed files with the path in the message', async () => {
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    expect(() => readSafetensorsHeader(bad)).toThrow(/bad\.safetensors: header length 200 exceeds/);
    const lies = join(dir, 'lies.safetensors');
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } });
    const h = Buffer.alloc(8);
    h.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(lies, Buffer.concat([h, Buffer.from(header), Buffer.alloc(8)]));
    await expect(loadSafetensors(lies)).rejects.toThrow(/tensor 'w': holds 8 bytes but F32 \[4\] needs 16/);
    await expect(loadSafetensors(join(dir, 'missing.safetensors'))).rejects.toBeInstanceOf(TorchError);
  });

  it('writes atomically: no temp file is left behind and a failed save leaves the old file', async () => {
    const path = join(dir, 'atomic.safetensors');
    const a = tensor([1, 2, 3]);
    await saveSafetensors(path, { a });
    await expect(saveSafetensors(join(dir, 'no-such-dir', 'x.safetensors'), { a })).rejects.toThrow(/cannot write temp file/);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    a.dispose();
  });

  it('frees every handle it made', async () => {
    const before = memory().liveTensors;
    const path = join(dir, 'leak.safetensors');
    const a = tensor([1, 2]);
    await saveSafetensors(path, { a });
    const { tensors } = await loadSafetensors(path);
    for (const t of tensors.values()) t.dispose();
    a.dispose();
    expect(memory().liveTensors).toBe(before);
  });
});
