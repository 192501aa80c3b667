/**
 * The trainer's inputs are checked before anything is written: a wrong `model_path` must not surface as a missing
 * tokenizer.json deep in setup, nor leave an empty output_dir behind. Checks are by presence only (what each file
 * holds is validated where it is read, with errors naming it).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { TrainConfig } from '../config/schema.js';
import { DataError } from '../errors.js';

const WEIGHTS = ['model.safetensors', 'model.safetensors.index.json'];

/** Throws a DataError naming the config field when `dir` is not a checkpoint folder with `files` and weights. */
export function checkModelFolder(dir: string, field: string, files: readonly string[]): void {
  if (!existsSync(dir)) throw new DataError('model folder does not exist', { file: dir, field });
  if (!statSync(dir).isDirectory()) throw new DataError('not a folder (expected a checkpoint folder: config.json, tokenizer.json, *.safetensors)', { file: dir, field });
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (!WEIGHTS.some((f) => existsSync(join(dir, f)))) missing.push(`${WEIGHTS[0]} (or ${WEIGHTS[1]})`);
  if (missing.length) throw new DataError(`not a checkpoint folder: missing ${missing.join(', ')}`, { file: dir, field });
}

/** model_path, and ref_model_path when the KL term will load it. */
export function checkTrainInputs(c: Pick<TrainConfig, 'model_path' | 'ref_model_path' | 'beta'>, stage: 'sft' | 'grpo'): void {
  checkModelFolder(c.model_path, 'model_path', ['config.json', 'tokenizer.json']);
  if (stage === 'grpo' && c.beta !== 0 && c.ref_model_path !== null) checkModelFolder(c.ref_model_path, 'ref_model_path', ['config.json']);
}
