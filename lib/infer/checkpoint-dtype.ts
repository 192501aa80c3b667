/**
 * The dtype a checkpoint was saved in (`torch_dtype` in transformers 4.x configs, `dtype` in 5.x, at the top level
 * or in `text_config`). rarft-infer loads the model in it unless told otherwise, as HF's `torch_dtype="auto"` does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';

export type ModelDType = 'float32' | 'bfloat16' | 'float16';

const NAMES: Record<string, ModelDType> = {
  float32: 'float32',
  float: 'float32',
  bfloat16: 'bfloat16',
  float16: 'float16',
  half: 'float16',
};

/** The checkpoint's dtype; 'float32' when config.json names none. A name we cannot load is an error naming the field. */
export function checkpointDType(dir: string): ModelDType {
  const file = path.join(dir, 'config.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new DataError(`cannot read the checkpoint config: ${(e as Error).message}`, { file });
  }
  const text = (raw['text_config'] ?? {}) as Record<string, unknown>;
  for (const [field, value] of [
    ['torch_dtype', raw['torch_dtype']],
    ['dtype', raw['dtype']],
    ['text_config.torch_dtype', text['torch_dtype']],
    ['text_config.dtype', text['dtype']],
  ] as const) {
    if (value === undefined || value === null) continue;
    const name = String(value).replace(/^torch\./, '');
    const dtype = NAMES[name];
    if (!dtype) throw new DataError(`unsupported dtype "${String(value)}" (expected float32, bfloat16 or float16)`, { file, field });
    return dtype;
  }
  return 'float32';
}
