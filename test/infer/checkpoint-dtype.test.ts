import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointDType } from '../../lib/infer/index.js';

function ckpt(config: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rarft-dtype-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

describe('checkpointDType', () => {
  it("reads transformers 4.x torch_dtype, 5.x dtype and text_config's", () => {
    expect(checkpointDType(ckpt({ torch_dtype: 'bfloat16' }))).toBe('bfloat16');
    expect(checkpointDType(ckpt({ dtype: 'float16' }))).toBe('float16');
    expect(checkpointDType(ckpt({ text_config: { torch_dtype: 'bfloat16' } }))).toBe('bfloat16');
    expect(checkpointDType(ckpt({}))).toBe('float32');
  });

  it('an unknown dtype names the file and field', () => {
    const dir = ckpt({ torch_dtype: 'int8' });
    expect(() => checkpointDType(dir)).toThrow(`${path.join(dir, 'config.json')}, field "torch_dtype": unsupported dtype "int8"`);
  });
});
