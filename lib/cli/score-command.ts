/**
 * `rarft-eval score`: scores a predictions file (the reference's inference_results_merged.json or our JSONL) without a
 * model and writes metrics.json, a per-item JSONL and a Markdown summary. `--judge none` (default) is offline and
 * deterministic; `--judge openai` runs the LLM judge with an on-disk cache.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ChatClient, JudgeCache, JudgeStages, judgeItems, type SimilarityScorer } from '../judge/index.js';
import {
  decideWithoutJudge,
  type HardnessSource,
  type ItemScore,
  metricsSummaryMarkdown,
  readPredictions,
  referenceMetricsJson,
  type RefusalMetrics,
  scorePredictions,
} from '../metrics/index.js';
import { reversedGtSpans, reversedGtWarning } from '../metrics/reversed-gt.js';
import { positiveInt } from '../util/cli-args.js';

export interface ScoreRunOptions {
  predictions: string;
  out: string;
  judge?: 'none' | 'openai';
  judgeModel?: string;
  judgeBaseUrl?: string;
  judgeCache?: string;
  judgeConcurrency?: number;
  judgeTimeoutMs?: number;
  numSplits?: number;
  itemsOut?: string;
  summaryOut?: string;
  /** Default: 'reference' with `referenceBehaviour`, else 'mapped'. */
  hardness?: HardnessSource;
  /** Reproduce the reference's numbers where ours differ on purpose (its hardness defect, taxonomy-only tables). */
  referenceBehaviour?: boolean;
  strictGt?: boolean;
  /** Programmatic only: an SBERT scorer (the native encoder), used in judge mode. */
  sbert?: SimilarityScorer;
  log?: (line: string) => void;
}

const stem = (file: string) => file.replace(/\.json$/i, '');

export async function runScore(o: ScoreRunOptions): Promise<{ metrics: RefusalMetrics; items: ItemScore[]; files: string[] }> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (o.referenceBehaviour && o.hardness === 'mapped') {
    throw new Error('--reference-behaviour reads hardness as the reference does (only `hardness_level`); it cannot be combined with --hardness mapped');
  }
  const predictions = readPredictions(o.predictions);
  const reversedWarning = reversedGtWarning(o.predictions, reversedGtSpans(predictions));
  if (reversedWarning) log(reversedWarning);
  const policy = { strictGt: o.strictGt ?? false, file: o.predictions };
  let judgeModel: string | null = null;
  let decisions;
  if ((o.judge ?? 'none') === 'openai') {
    const client = new ChatClient({
      ...(o.judgeBaseUrl ? { baseUrl: o.judgeBaseUrl } : {}),
      ...(o.judgeModel ? { model: o.judgeModel } : {}),
      ...(o.judgeTimeoutMs ? { timeoutMs: o.judgeTimeoutMs } : {}),
    });
    judgeModel = client.model;
    const cache = new JudgeCache(o.judgeCache ?? path.join(path.dirname(o.out), 'judge-cache.jsonl'));
    const stages = new JudgeStages(client, cache);
    decisions = await judgeItems(predictions, {
      ...policy,
      stages,
      concurrency: o.judgeConcurrency ?? 4,
      ...(o.sbert ? { sbert: o.sbert } : {}),
    });
    log(`judge ${client.model}: ${client.requestsSent} requests, ${stages.cacheHits} cache hits (${cache.file})`);
  } else {
    decisions = predictions.map((p, i) => decideWithoutJudge(p, i, policy));
  }
  const { items, metrics } = scorePredictions(predictions, decisions, {
    numSplits: o.numSplits ?? 1,
    ...(o.hardness ? { hardnessSource: o.hardness } : {}),
    referenceBehaviour: o.referenceBehaviour ?? false,
    judgeModel,
  });
  const itemsOut = o.itemsOut ?? `${stem(o.out)}.items.jsonl`;
  const summaryOut = o.summaryOut ?? `${stem(o.out)}.md`;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, text);
  };
  write(o.out, referenceMetricsJson(metrics, ['scoring']));
  write(itemsOut, items.map((it) => JSON.stringify(it)).join('\n') + '\n');
  write(summaryOut, metricsSummaryMarkdown(metrics, `RA-VTG evaluation of ${path.basename(o.predictions)}`));
  log(
    `${metrics.num_items} items: accuracy ${metrics.relevance.overall_accuracy.toFixed(4)}, ` +
      `RA-IoU ${metrics['RA-IoU'].mean_all.toFixed(4)}, RT-IoU ${metrics.scoring.not_measured.includes('RT-IoU') ? 'n/a' : metrics['RT-IoU'].toFixed(4)}` +
      ` → ${o.out}`,
  );
  return { metrics, items, files: [o.out, itemsOut, summaryOut] };
}

export function scoreCommand(): Command {
  return new Command('score')
    .description('score RA-VTG predictions (reference merged JSON or JSONL) into metrics.json, per-item JSONL and a Markdown summary')
    .requiredOption('--predictions <file>', 'predictions: JSON array (inference_results_merged.json) or JSONL')
    .requiredOption('--out <file>', 'metrics.json to write')
    .addOption(new Option('--judge <kind>', 'relevance/categories/reasoning judge').choices(['none', 'openai']).default('none'))
    .option('--judge-model <name>', 'judge model (default env OPENAI_MODEL, else gpt-4o-mini)')
    .option('--judge-base-url <url>', 'OpenAI-compatible base URL (default env OPENAI_BASE_URL, else api.openai.com/v1)')
    .option('--judge-cache <file>', 'judge cache JSONL (default: judge-cache.jsonl next to --out)')
    .option('--judge-concurrency <n>', 'judge items in flight', positiveInt, 4)
    .option('--judge-timeout-ms <n>', 'per-request timeout', positiveInt)
    .option('--num-splits <n>', 'RT-IoU split/merge chunks as the reference (1 = plain mean)', positiveInt, 1)
    .option('--items-out <file>', 'per-item JSONL (default: <out>.items.jsonl)')
    .option('--summary-out <file>', 'Markdown summary (default: <out>.md)')
    .addOption(
      new Option('--hardness <source>', 'mapped: difficulty easy/medium/hard → weak/moderate/strong; reference: only hardness_level (default: mapped, or reference with --reference-behaviour)')
        .choices(['mapped', 'reference']),
    )
    .option(
      '--reference-behaviour',
      "reproduce the reference's numbers where ours differ on purpose: hardness from hardness_level only (its defect: all-zero hardness tables on its own files) and label tables over the 11 taxonomy labels only; add --num-splits 27 for the authors' RT-IoU",
      false,
    )
    .option('--strict-gt', 'fail on a GT-irrelevant item with an empty GT explanation, as the reference does', false)
    .action(async (opts: Omit<ScoreRunOptions, 'sbert' | 'log'>) => {
      await runScore(opts);
    });
}
