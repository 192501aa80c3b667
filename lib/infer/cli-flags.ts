/** The decoding and model-loading flags shared by `rarft-infer` and `rarft-eval run` (defaults: rarft-reference §2.2). Commander glue kept here, beside the options it fills. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_DECODING, type DecodingOptions, type ModelDType } from './index.js';
import type { Device } from '../tensor/index.js';
import { PROMPT_TEMPLATES, type PromptTemplate } from '../text/index.js';
import { positiveInt } from '../util/cli-args.js';

function nonNegative(v: string): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && n >= 0)) throw new InvalidArgumentError('must be a number >= 0');
  return n;
}
function unitInterval(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('must be in (0, 1]');
  return n;
}
function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be an integer >= 0');
  return n;
}
function device(v: string): Device {
  if (!/^(cpu|cuda(:\d+)?)$/.test(v)) throw new InvalidArgumentError('expected cpu, cuda or cuda:N');
  return v as Device;
}

/** `maxNewTokensDefault`: a number, or a help text when the caller resolves the default later (per template). */
export function addModelOptions(c: Command, templateHelp: string, maxNewTokensDefault: number | string = DEFAULT_DECODING.maxNewTokens): Command {
  return c
    .requiredOption('--model <dir>', 'checkpoint folder (config.json, safetensors, tokenizer.json)')
    .addOption(new Option('--dtype <dtype>', "weights dtype (default: the checkpoint's torch_dtype)").choices(['float32', 'bfloat16', 'float16']))
    .option('--device <device>', 'cpu, cuda or cuda:N', device, 'cpu')
    .addOption(new Option('--template <name>', templateHelp).choices([...PROMPT_TEMPLATES]))
    .option(
      '--max-new-tokens <n>',
      `most tokens generated per answer${typeof maxNewTokensDefault === 'string' ? ` (default: ${maxNewTokensDefault})` : ''}`,
      positiveInt,
      typeof maxNewTokensDefault === 'number' ? maxNewTokensDefault : undefined,
    )
    .option('--temperature <t>', 'sampling temperature (0 = greedy)', nonNegative, DEFAULT_DECODING.temperature)
    .option('--top-k <k>', 'sample from the k most likely tokens (0 = off)', nonNegativeInt, DEFAULT_DECODING.topK)
    .option('--top-p <p>', 'nucleus sampling mass (1 = off)', unitInterval, DEFAULT_DECODING.topP)
    .option('--seed <n>', 'sampling seed (same seed, same answer)', nonNegativeInt);
}

export interface ModelFlags {
  model: string;
  dtype?: ModelDType;
  device: Device;
  template?: PromptTemplate;
  /** Absent only where the caller resolves a per-template default (rarft-eval run). */
  maxNewTokens?: number;
  temperature: number;
  topK: number;
  topP: number;
  seed?: number;
}

export function decodingFrom(f: ModelFlags): Partial<DecodingOptions> {
  return { ...(f.maxNewTokens !== undefined ? { maxNewTokens: f.maxNewTokens } : {}), temperature: f.temperature, topK: f.topK, topP: f.topP, ...(f.seed !== undefined ? { seed: f.seed } : {}) };
}
