/**
 * Time-R1 standard video temporal grounding evaluation (spec §5.4): answer parsing and mIoU / R1@k.
 * Used for Charades-STA, ActivityNet Captions and TVGBench, where every query has a GT span.
 */
import { hullIoU, type Span } from './interval-iou.js';

export type AnswerParser = 'timer1' | 'robust';

/**
 * Time-R1 `extract_answer`: exactly one literal space on each side of "to"/"and", case-sensitive, searched over the
 * whole output (think included); the LAST match wins. Its fallback search inside <answer> uses the same regex on a
 * substring, so it can never find anything new and is not reproduced.
 */
const TIMER1_SPAN = /(\d+\.?\d*) (to|and) (\d+\.?\d*)/g;

/**
 * Our tolerant parser: any whitespace (or none) around "to"/"and" (any case), "-", "–" or "—"; an optional unit
 * ("s", "sec", "seconds") after each number; numbers like ".5". It looks in the LAST <answer> block first (the
 * rewards read the last block too) and falls back to the whole text; within the chosen text the last match wins.
 */
const NUM = String.raw`(\d+(?:\.\d*)?|\.\d+)`;
const UNIT = String.raw`(?:\s*(?:seconds|secs?|s)\b)?`;
const ROBUST_SPAN = new RegExp(`${NUM}${UNIT}\\s*(?:to|and|-|–|—)\\s*${NUM}${UNIT}`, 'gi');
const ANSWER_BLOCK = /<\s*answer\b[^>]*>([\s\S]*?)<\s*\/\s*answer\s*>/gi;

export function extractAnswer(output: string, parser: AnswerParser = 'timer1'): Span | null {
  if (parser === 'timer1') return lastSpan(output, TIMER1_SPAN, 1, 3);
  const blocks = [...output.matchAll(ANSWER_BLOCK)];
  const lastBlock = blocks.at(-1)?.[1];
  return (lastBlock !== undefined ? lastSpan(lastBlock, ROBUST_SPAN, 1, 2) : null) ?? lastSpan(output, ROBUST_SPAN, 1, 2);
}

function lastSpan(text: string, pattern: RegExp, startGroup: number, endGroup: number): Span | null {
  let last: RegExpExecArray | null = null;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) last = m;
  if (!last) return null;
  return [Number.parseFloat(last[startGroup]!), Number.parseFloat(last[endGroup]!)];
}

export interface VtgMetrics {
  count: number;
  mIoU: number;
  'R1@0.3': number;
  'R1@0.5': number;
  'R1@0.7': number;
  /** Mean of the four numbers above, as Time-R1 prints it. */
  avg: number;
}

/** mIoU = 100·mean IoU; R1@k = 100·#(IoU > k)/N with a STRICT threshold (Time-R1 `eval_all.py`). */
export function vtgMetrics(ious: readonly number[]): VtgMetrics {
  const n = ious.length;
  if (n === 0) throw new Error('vtgMetrics: no items to score');
  const pct = (k: number) => (100 * ious.filter((v) => v > k).length) / n;
  const mIoU = (100 * ious.reduce((a, b) => a + b, 0)) / n;
  const r3 = pct(0.3), r5 = pct(0.5), r7 = pct(0.7);
  return { count: n, mIoU, 'R1@0.3': r3, 'R1@0.5': r5, 'R1@0.7': r7, avg: (mIoU + r3 + r5 + r7) / 4 };
}

/** Parses every output, scores it against its GT span with the hull IoU and aggregates. */
export function scoreVtg(
  outputs: readonly string[],
  gts: readonly Span[],
  parser: AnswerParser = 'timer1',
): { metrics: VtgMetrics; predictions: (Span | null)[]; ious: number[] } {
  if (outputs.length !== gts.length) {
    throw new Error(`scoreVtg: ${outputs.length} outputs but ${gts.length} GT spans`);
  }
  const predictions = outputs.map((o) => extractAnswer(o, parser));
  const ious = predictions.map((p, i) => hullIoU(p, gts[i]!));
  return { metrics: vtgMetrics(ious), predictions, ious };
}
