/**
 * `rarft-train rewards`: scores completions stored as JSONL with the training rewards, one output line per input
 * line, e.g. `{"format":1,"refuse_iou":0.756078,"total":1.756078}`. Useful to audit a reward on real rollouts or
 * to compare the reference formulas with their variants (docs/rewards.md).
 *
 * Output is written line by line as it is computed: when line N is bad, the results of lines 1..N−1 are already
 * in the output and the error names FILE:N and the field. Blank input lines are skipped.
 *
 * The explain/correction rewards need SBERT. By default the command loads lib/sbert's `SbertEncoder` lazily (so
 * format/refuse_iou runs never touch the native addon); a test or embedding program can inject its own factory.
 * When the module, the addon or the weights are missing it fails with "explain_correction needs SBERT weights: …".
 * It never substitutes made-up similarities.
 */
import { closeSync, createReadStream, openSync, statSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { DataError } from '../errors.js';
import {
  REFERENCE_REWARDS,
  getReward,
  scoreCompletions,
  type SentenceEncoder,
  type UntaggedDataAnswerPolicy,
} from '../rewards/index.js';
import { parseRewardInputLine } from './rewards-input.js';

/** A loaded encoder; `dispose` frees native memory when the command is done. */
export type DisposableEncoder = SentenceEncoder & { dispose?(): void | Promise<void> };

export type EncoderFactory = (options: { modelDir?: string }) => Promise<DisposableEncoder>;

export interface RewardsCommandDeps {
  /** Loads the SBERT encoder (all-MiniLM-L6-v2); default: lib/sbert. `modelDir` comes from --sbert-model. */
  encoderFactory?: EncoderFactory;
  /** Where results go without --output (default process.stdout). */
  stdout?: NodeJS.WritableStream;
}

export interface RewardsOptions {
  input: string;
  reward: string[];
  weights?: number[];
  output?: string;
  sbertModel?: string;
  untaggedDataAnswers?: UntaggedDataAnswerPolicy;
}

export function rewardsCommand(deps: RewardsCommandDeps = {}): Command {
  return new Command('rewards')
    .description('score completions (JSONL: completion, task_type, solution, durations, gt_answers, refusable_queries, answerable_query) with the training rewards')
    .requiredOption('--input <file>', 'JSONL file, one completion and its example fields per line')
    .option('--reward <names>', 'comma-separated reward names', parseList, [...REFERENCE_REWARDS])
    .option('--weights <numbers>', 'comma-separated weights, one per reward (default: all 1, the reference sum)', parseWeights)
    .option('--output <file>', 'JSONL results (default: stdout)')
    .option('--sbert-model <dir>', 'all-MiniLM-L6-v2 folder for the explain/correction rewards')
    .addOption(
      new Option('--untagged-data-answers <policy>', 'gt_answers/refusable_queries without <answer>: error, or use the raw string')
        .choices(['error', 'raw'])
        .default('error'),
    )
    .action(async (options: RewardsOptions) => {
      await runRewards(options, deps);
    });
}

function parseList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseWeights(value: string): number[] {
  return parseList(value).map((s) => {
    const weight = Number(s);
    if (!Number.isFinite(weight)) throw new Error(`--weights: "${s}" is not a number`);
    return weight;
  });
}

/** The command's work, callable in-process. Resolves with the number of lines scored. */
export async function runRewards(options: RewardsOptions, deps: RewardsCommandDeps = {}): Promise<number> {
  const names = options.reward;
  if (!names.length) throw new Error('--reward: no reward named');
  if (names.includes('total')) throw new Error('--reward: "total" is the name of the summed column, not a reward');
  const rewards = names.map(getReward); // unknown names fail before any output
  if (options.weights && options.weights.length !== names.length) {
    throw new Error(`--weights: ${options.weights.length} weights for ${names.length} rewards (${names.join(', ')})`);
  }

  assertReadableFile(options.input); // before opening (truncating) the output

  const needing = rewards.filter((r) => r.needsEncoder).map((r) => r.name);
  const encoder = needing.length ? await loadEncoder(needing, options, deps) : undefined;
  const ctx = { encoder, untaggedDataAnswers: options.untaggedDataAnswers ?? 'error' };
  let out: Output | undefined;
  let lineNo = 0;
  let scored = 0;
  try {
    out = openOutput(options.output, deps.stdout ?? process.stdout);
    const lines = createInterface({ input: createReadStream(options.input, 'utf8'), crlfDelay: Infinity });
    try {
      for await (const text of lines) {
        lineNo++;
        const line = lineNo === 1 ? text.replace(/^\uFEFF/, '') : text; // editors on Windows prepend a BOM
        if (!line.trim()) continue;
        const where = `${options.input}:${lineNo}`;
        const { completion, example } = parseRewardInputLine(line, where);
        let result;
        try {
          result = await scoreCompletions(names, options.weights, [completion], example, ctx);
        } catch (error) {
          throw new DataError((error as Error).message, { file: where });
        }
        const record: Record<string, number> = {};
        for (const name of names) record[name] = result.perReward[name]![0]!;
        record.total = result.total[0]!;
        await out.write(`${JSON.stringify(record)}\n`);
        scored++;
      }
    } finally {
      lines.close();
    }
  } finally {
    out?.close();
    await encoder?.dispose?.();
  }
  // an empty export is almost always a mistake upstream: say so rather than exit 0 with no output
  if (lineNo === 0 || scored === 0) throw new DataError(`no input lines (${lineNo === 0 ? 'the file is empty' : 'only blank lines'}): nothing to score`, { file: options.input });
  return scored;
}

function assertReadableFile(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    throw new DataError(`cannot read file: ${(error as Error).message}`, { file });
  }
  if (!isFile) throw new DataError('not a regular file', { file });
}

/** The SBERT module, imported on demand; a computed specifier keeps this file free of a load-time dependency. */
export const SBERT_MODULE = '../sbert/index.js';

/** Default factory: lib/sbert's SbertEncoder.load (model folder: --sbert-model, $RARFT_SBERT_MODEL, then .cache). */
export function sbertEncoderFactory(moduleSpecifier: string = SBERT_MODULE): EncoderFactory {
  return async (options) => {
    let sbert: { SbertEncoder?: { load(opts: { modelDir?: string }): Promise<DisposableEncoder> } };
    try {
      sbert = (await import(moduleSpecifier)) as typeof sbert;
    } catch (error) {
      throw new Error(`the SBERT module (${moduleSpecifier}) is not available in this build: ${(error as Error).message}`, { cause: error });
    }
    if (typeof sbert.SbertEncoder?.load !== 'function') {
      throw new Error(`the SBERT module (${moduleSpecifier}) does not export SbertEncoder.load`);
    }
    return sbert.SbertEncoder.load(options);
  };
}

async function loadEncoder(needing: string[], options: RewardsOptions, deps: RewardsCommandDeps): Promise<DisposableEncoder> {
  const factory = deps.encoderFactory ?? sbertEncoderFactory();
  try {
    return await factory(options.sbertModel === undefined ? {} : { modelDir: options.sbertModel });
  } catch (error) {
    const hint = 'Score without it meanwhile, e.g. --reward format,refuse_iou';
    throw new Error(`${needing.join(', ')} needs SBERT weights: ${(error as Error).message}\n${hint}`, { cause: error });
  }
}

interface Output {
  write(text: string): Promise<void>;
  close(): void;
}

/** A file is written with synchronous writes so every finished line is on disk even if a later line throws. */
function openOutput(file: string | undefined, stdout: NodeJS.WritableStream): Output {
  if (file !== undefined) {
    let fd: number;
    try {
      fd = openSync(file, 'w');
    } catch (error) {
      throw new DataError(`cannot write output: ${(error as Error).message}`, { file });
    }
    return {
      write: async (text) => void writeSync(fd, text),
      close: () => closeSync(fd),
    };
  }
  return {
    write: (text) => new Promise<void>((resolve, reject) => stdout.write(text, (err) => (err ? reject(err) : resolve()))),
    close: () => undefined,
  };
}
