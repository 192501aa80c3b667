/**
 * Held-out refusal accuracy: greedy answers of a checkpoint to every query of the held-out records (unseen videos),
 * classified with the deterministic offline rule (rarft-reference §7.18: relevant iff the answer holds a
 * `NUM to NUM` span), compared with each query's label. Also the mean IoU of the answerable spans (0 when refused).
 */
import type { RaRftRecord } from '../data/types.js';
import { hullIoU } from '../metrics/interval-iou.js';
import { classifyRelevanceByRule } from '../metrics/relevance.js';
import { QwenVL } from '../qwen/qwen.js';
import { tidyAsync } from '../tensor/index.js';
import { buildPrompt } from '../text/build-prompt.js';
import { loadTextTokenizer } from '../text/tokenizer.js';
import { repeatedInputs } from '../trainer/policy-inputs.js';
import type { VideoInputCache } from '../trainer/video-inputs.js';

export interface HeldoutResult {
  queries: number;
  /** How many of the queries are answerable (the rest are refusable). */
  answerableQueries: number;
  /** Fraction of queries whose relevant/irrelevant decision matches the label. */
  refusalAccuracy: number;
  answerableAccuracy: number;
  refusableAccuracy: number;
  /** Mean temporal IoU over answerable queries (0 for a refused one). */
  meanIou: number;
  examples: { query: string; relevant: boolean; output: string }[];
}

export async function heldoutRefusalAccuracy(
  modelDir: string,
  records: readonly RaRftRecord[],
  videos: VideoInputCache,
  opts: { maxNewTokens: number; stopIds: number[]; padId?: number },
): Promise<HeldoutResult> {
  const tokenizer = loadTextTokenizer(modelDir);
  const model = await QwenVL.load(modelDir);
  let right = 0, n = 0, ansRight = 0, ansN = 0, refRight = 0, refN = 0, iouSum = 0;
  const examples: HeldoutResult['examples'] = [];
  try {
    for (const rec of records) {
      const video = await videos.get(rec.videoPath);
      for (const item of rec.items) {
        const output = await tidyAsync(async () => {
          const p = buildPrompt({ tokenizer, query: item.query, template: 'train', videoGrid: video.grid });
          const g = await model.generate(repeatedInputs({ promptIds: p.inputIds, video, rows: 1 }, { withSpg: true }), {
            maxNewTokens: opts.maxNewTokens,
            stopIds: opts.stopIds,
            padId: opts.padId ?? tokenizer.tokenId('<|endoftext|>'),
          });
          const len = Number(g.lengths.item());
          const ids = Array.from(g.tokens.toArray() as BigInt64Array, Number).slice(0, len);
          return len ? tokenizer.decode(ids, { skipSpecialTokens: true }) : '';
        });
        const d = classifyRelevanceByRule(output);
        const ok = d.relevant === item.relevant;
        n++;
        right += ok ? 1 : 0;
        if (item.relevant) {
          ansN++;
          ansRight += ok ? 1 : 0;
          iouSum += rec.span ? hullIoU(d.span, rec.span) : 0;
        } else {
          refN++;
          refRight += ok ? 1 : 0;
        }
        if (examples.length < 6) examples.push({ query: item.query, relevant: item.relevant, output });
      }
    }
  } finally {
    model.dispose();
  }
  return {
    queries: n,
    answerableQueries: ansN,
    refusalAccuracy: right / n,
    answerableAccuracy: ansN ? ansRight / ansN : NaN,
    refusableAccuracy: refN ? refRight / refN : NaN,
    meanIou: ansN ? iouSum / ansN : NaN,
    examples,
  };
}
