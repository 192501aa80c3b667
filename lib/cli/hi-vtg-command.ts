/**
 * `rarft-data make-hi-vtg`: turns a VTG annotation file (Charades-STA, ActivityNet Captions, TVGBench, Time-R1's
 * train_2k5.json) into HI-VTG-style RA-RFT records with rule-based hard-irrelevant queries
 * (lib/data/hi-vtg-from-vtg.ts): the reference's training format (`hi_vtg_train.json`, checked before writing by
 * lib/data/training-format.ts), written as the reference writes its HI-VTG files (Python json.dump, indent 2), read by
 * `readRaRftRecords`, our trainer and the reference's. Prints a summary (records, skipped queries, edits per kind).
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { hiVtgFromVtg, type HiVtgOptions, type HiVtgResult, type RefusalHardness } from '../data/hi-vtg-from-vtg.js';
import { readActivityNet } from '../data/readers/activitynet.js';
import { readCharadesSta } from '../data/readers/charades-sta.js';
import { readTimeR1Train } from '../data/readers/timer1-train.js';
import { readTvgbench } from '../data/readers/tvgbench.js';
import { formatReport } from '../data/report.js';
import { checkTrainingRecords } from '../data/training-format.js';
import type { DatasetReport, OutOfRangePolicy, VtgItem } from '../data/types.js';
import { pythonJson } from '../util/python-json.js';

export type VtgFormat = 'charades-sta' | 'activitynet' | 'tvgbench' | 'timer1-train';

export interface HiVtgCommandOptions {
  input: string;
  format: VtgFormat;
  out: string;
  durationsCsv?: string;
  hardness: RefusalHardness[];
  seed: number;
  videoRoot?: string;
  outOfRange: OutOfRangePolicy;
  missingDuration?: NonNullable<HiVtgOptions['missingDuration']>;
}

export function hiVtgCommand(deps: { stderr?: NodeJS.WritableStream } = {}): Command {
  return new Command('make-hi-vtg')
    .description('build HI-VTG-style refusal training records (1 answerable + hard-irrelevant edits per query) from a VTG annotation file')
    .requiredOption('--input <file>', 'annotation file')
    .addOption(new Option('--format <format>', 'input format').choices(['charades-sta', 'activitynet', 'tvgbench', 'timer1-train']).makeOptionMandatory())
    .requiredOption('--out <file>', 'output JSON (RA-RFT record array)')
    .option('--durations-csv <file>', 'Charades_v1_*.csv for Charades-STA durations (otherwise records carry none)')
    .option('--hardness <levels>', 'comma-separated refusal levels: weak (3 edits), moderate (2), strong (1)', parseHardness, ['weak', 'moderate', 'strong'])
    .option('--seed <n>', 'seed of the edit choices', parseSeed, 42)
    .option('--video-root <dir>', 'prefix for relative video paths')
    .addOption(new Option('--out-of-range <policy>', 'GT ends past the duration').choices(['keep', 'clip', 'error']).default('keep'))
    .addOption(
      new Option('--missing-duration <policy>', "queries whose record would have no duration: skip (the reference's trainer needs one) or keep (rarft-train probes the video)")
        .choices(['skip', 'keep'])
        .default('skip'),
    )
    .action((options: HiVtgCommandOptions) => {
      const { result, report } = runHiVtg(options);
      const stderr = deps.stderr ?? process.stderr;
      stderr.write(`${formatReport(report)}\n`);
      stderr.write(`${options.out}: ${result.records.length} records; ${result.skipped.length} queries skipped; edits ${JSON.stringify(result.editKinds)}\n`);
    });
}

/** The command's work, callable in-process. */
export function runHiVtg(options: HiVtgCommandOptions): { result: HiVtgResult; report: DatasetReport } {
  const { items, report } = readVtg(options);
  const missingDuration = options.missingDuration ?? 'skip';
  const result = hiVtgFromVtg(items, {
    hardness: options.hardness,
    seed: options.seed,
    missingDuration,
    ...(options.videoRoot !== undefined ? { videoRoot: options.videoRoot } : {}),
  });
  checkTrainingRecords(result.records, { file: options.out, requireDuration: missingDuration === 'skip' });
  writeFileSync(options.out, pythonJson(result.records));
  return { result, report };
}

function readVtg(options: HiVtgCommandOptions): { items: VtgItem[]; report: DatasetReport } {
  const policies = { outOfRange: options.outOfRange };
  switch (options.format) {
    case 'charades-sta':
      return readCharadesSta(options.input, { ...policies, ...(options.durationsCsv ? { durationsCsv: options.durationsCsv } : {}) });
    case 'activitynet':
      return readActivityNet(options.input, policies);
    case 'tvgbench':
      return readTvgbench(options.input, policies);
    case 'timer1-train':
      return readTimeR1Train(options.input, policies);
  }
}

function parseHardness(value: string): RefusalHardness[] {
  const levels = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const level of levels) {
    if (level !== 'weak' && level !== 'moderate' && level !== 'strong') throw new Error(`--hardness: "${level}" is not weak, moderate or strong`);
  }
  if (!levels.length) throw new Error('--hardness: no level given');
  return levels as RefusalHardness[];
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed: "${value}" is not a non-negative integer`);
  return seed;
}
