/** The demo's tiny Qwen2.5-VL checkpoint as the fuzz targets' base model (built once per child, a few MB). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { demoDomainTexts } from '../../../lib/demo/synthetic-dataset.js';
import { writeTinyCheckpoint } from '../../../lib/demo/tiny-checkpoint.js';
import { buildTinyVocab } from '../../../lib/demo/tiny-tokenizer.js';

export async function tinyModel(dir: string): Promise<string> {
  const model = join(dir, 'model');
  if (!existsSync(join(model, 'model.safetensors'))) await writeTinyCheckpoint(model, buildTinyVocab(demoDomainTexts()), 7);
  return model;
}
