/**
 * The append-only JSONL logs read back on resume: metrics.jsonl (readMetrics, and MetricsWriter's cut back to the
 * resumed step), completions.jsonl (truncateCompletions), the eval run's predictions.jsonl (PredictionsLog.open) and
 * the judge cache. Two kinds of case: a crash's torn last line, which must be read without an error and give exactly
 * the complete records; and any other mutation (lines or bytes), which may be refused with an error naming the file.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { PredictionsLog } from '../../../lib/eval/predictions-log.js';
import { JudgeCache } from '../../../lib/judge/cache.js';
import { MetricsWriter, readMetrics } from '../../../lib/logging/metrics-jsonl.js';
import { truncateCompletions } from '../../../lib/trainer/completions-log.js';
import { chance, int, mutateBytes, mutateLines } from '../mutate.js';
import { type FuzzCase, defineTarget } from '../target.js';

const LOGS = {
  metrics: [{ step: 1, stage: 'grpo', loss: 0.5, reward: 1.25, 'time/step': 0.3 }, { step: 2, stage: 'grpo', loss: null, kl: 0.01 }, { step: 3, stage: 'grpo', loss: -0.2, skipped: 1, skip_reason: 'rewards: x' }],
  completions: [{ step: 1, samples: [{ task_type: 'answerable', problem: 'q', video: 'a.mp4', completions: ['<answer>1 to 2</answer>'], rewards: { format: [1] }, total: [1] }] }, { step: 2, samples: [] }, { step: 3, samples: [{ task_type: 'refusable', problem: 'p', video: 'b.mp4', completions: [''], rewards: {}, total: [0] }] }],
  predictions: [
    { id: 'hi-vtg:0:0', video: 'a.mp4', query: 'q', model_output: '<answer>1 to 2</answer>', gt_relevant: true, gt_timestamp: [1, 2], gt_output: '<answer>1 to 2</answer>' },
    { id: 'hi-vtg:0:1', video: 'a.mp4', query: 'r', model_output: 'no', gt_relevant: false, gt_timestamp: null, gt_output: 'no' },
  ],
  judge: [{ key: 'k1', stage: 'relevance', value: { relevant: true } }, { key: 'k2', stage: 'categories', value: ['a'] }],
} as const;
type Kind = keyof typeof LOGS;
const KINDS = Object.keys(LOGS) as Kind[];

interface Case extends FuzzCase {
  kind: Kind;
  file: string;
  /** Torn-tail cases: the records a reader must return. */
  expect: unknown[] | null;
}

function read(c: Case): unknown[] {
  switch (c.kind) {
    case 'metrics': {
      const records = readMetrics(c.file);
      new MetricsWriter(c.file, { fsync: false, truncateAfterStep: 2 }).close();
      return records;
    }
    case 'completions': {
      truncateCompletions(c.file, 99);
      return readMetrics(c.file); // the rewritten file: every line an object with a numeric step
    }
    case 'predictions':
      return [...PredictionsLog.open(c.file).opened.done.values()];
    default: {
      const cache = new JudgeCache(c.file);
      return LOGS.judge.map((e) => cache.get(e.key)).filter((v) => v !== undefined);
    }
  }
}

export const target = defineTarget<null, Case>({
  async setup() {
    return null;
  },
  make(rng, _base, dir) {
    const kind = KINDS[int(rng, KINDS.length)]!;
    const file = join(dir, `${kind}.jsonl`);
    const lines = LOGS[kind].map((r) => JSON.stringify(r));
    const text = lines.map((l) => `${l}\n`).join('');
    if (chance(rng, 0.4)) {
      // a crash mid-write: the complete lines, then a prefix of the next one
      const keep = int(rng, lines.length);
      const next = lines[keep]!;
      writeFileSync(file, lines.slice(0, keep).map((l) => `${l}\n`).join(''));
      appendFileSync(file, next.slice(0, int(rng, next.length - 1)));
      return { kind, file, names: [file], mode: `${kind}-torn`, expect: LOGS[kind].slice(0, keep) as unknown[] };
    }
    const bytes = chance(rng, 0.5);
    writeFileSync(file, bytes ? mutateBytes(rng, Buffer.from(text)) : mutateLines(rng, text));
    return { kind, file, names: [file], mode: `${kind}-${bytes ? 'bytes' : 'lines'}`, expect: null };
  },
  run(c) {
    return read(c);
  },
  check(c, result) {
    if (!c.expect) return null;
    const got = result as unknown[];
    if (c.kind === 'judge') return got.length === c.expect.length ? null : `judge cache kept ${got.length} of ${c.expect.length} complete entries`;
    if (c.kind === 'completions') return got.length === c.expect.length ? null : `completions.jsonl kept ${got.length} of ${c.expect.length} complete lines`;
    return JSON.stringify(got) === JSON.stringify(c.expect) ? null : `read ${JSON.stringify(got).slice(0, 200)} instead of the ${c.expect.length} complete records`;
  },
});
