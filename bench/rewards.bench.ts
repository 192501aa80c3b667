/**
 * Reward throughput: format + refuse_iou over 1000 completions shaped like real rollouts (125 examples × G=8),
 * built from the HI-Charades records (real durations, GT spans, think blocks, refusal explanations and queries).
 * The mix per group mirrors what a policy produces early in training: mostly well-formed answers with noisy spans,
 * wrong decisions, truncated (200-token) outputs and missing tags. explain_correction is not timed: its cost is the
 * SBERT encoder (lib/sbert has its own bench).
 *
 * Run: npx vite-node bench/rewards.bench.ts   → bench/results/rewards.json
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { mulberry32 } from '../lib/data/prng.js';
import { formatReward, refuseIou, type RewardExample } from '../lib/rewards/index.js';
import { type BenchRecord, writeResults } from './write-results.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(repoRoot, '../shared/datasets/rarft/hi_vtg_charades.json');
const GROUPS = 125;
const G = 8;

interface Item { q: string; a: string; r: boolean }
interface CharadesRecord { query_text: string; timestamp: [number, number]; duration: number; think: string; GRPO: Item[] }

const inner = (tagged: string) => tagged.replace(/^<answer>|<\/answer>$/g, '');

function buildGroups(): Array<{ example: RewardExample; completions: string[] }> {
  const records = JSON.parse(readFileSync(DATA, 'utf8')) as CharadesRecord[];
  const rand = mulberry32(42); // seeded: every run scores the same 1000 completions
  const groups: Array<{ example: RewardExample; completions: string[] }> = [];
  for (let k = 0; groups.length < GROUPS; k++) {
    const record = records[k % records.length]!;
    const pos = record.GRPO.find((i) => i.r)!;
    const neg = record.GRPO.find((i) => !i.r)!;
    const [gs, ge] = record.timestamp;
    const span = () => `${Math.max(0, gs + (rand() - 0.5) * 6).toFixed(2)} to ${(ge + (rand() - 0.5) * 6).toFixed(2)}`;
    const think = record.think.replace(/^<think>|<\/think>$/g, '');
    const full = (answer: string, correction: string) =>
      `<think>${think}</think>\n<answer>\n${answer}\n</answer>\n<correction>${correction}</correction>`;
    const truncated = (text: string) => text.slice(0, Math.floor(text.length * (0.6 + 0.3 * rand())));
    const refusal = `The video does not contain a relevant segment for the query "${neg.q}" because ${inner(neg.a)}`;
    const answerable = k % 2 === 0;
    const example: RewardExample = answerable
      ? { task_type: 'answerable', solution: [gs, ge], durations: record.duration, gt_answers: pos.a, refusable_queries: neg.a, answerable_query: null }
      : { task_type: 'refusable', solution: null, durations: record.duration, gt_answers: neg.a, refusable_queries: pos.a, answerable_query: pos.q };
    const completions = answerable
      ? [full(span(), 'NIL'), full(span(), 'NIL'), full(span(), 'NIL'), full(span(), 'NIL'), full(span(), 'NIL'),
         full(refusal, record.query_text), truncated(full(span(), 'NIL')), `<think>${think}</think> <answer>${span()}</answer>`]
      : [full(refusal, pos.q), full(refusal, pos.q), full(refusal, pos.q), full(refusal, 'NIL'), full(refusal, pos.q),
         full(span(), 'NIL'), full(`Not present; it only happens from ${span()} seconds.`, pos.q), truncated(full(refusal, pos.q))];
    groups.push({ example, completions });
  }
  return groups;
}

const groups = buildGroups();
const completionCount = groups.reduce((n, g) => n + g.completions.length, 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const formatScores = groups.flatMap(({ example, completions }) => formatReward.score(completions, example, {}) as number[]);
const iouScores = groups.flatMap(({ example, completions }) => refuseIou.score(completions, example, {}) as number[]);
console.log(`mix: format=1 on ${(mean(formatScores) * 100).toFixed(1)}%, mean refuse_iou ${mean(iouScores).toFixed(3)}`);
let sink = 0; // consumed so the work cannot be optimised away
const sum = (xs: number[] | Promise<number[]>) => (xs as number[]).reduce((a, b) => a + b, 0);

const bench = new Bench({ time: 3000, warmupTime: 500 });
bench
  .add('format+refuse_iou', () => {
    for (const { example, completions } of groups) sink += sum(formatReward.score(completions, example, {})) + sum(refuseIou.score(completions, example, {}));
  })
  .add('format', () => {
    for (const { example, completions } of groups) sink += sum(formatReward.score(completions, example, {}));
  })
  .add('refuse_iou', () => {
    for (const { example, completions } of groups) sink += sum(refuseIou.score(completions, example, {}));
  });
await bench.run();

const records: BenchRecord[] = bench.tasks.map((task) => {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`bench task ${task.name}: ${result.state}`);
  return { name: task.name, value: Math.round(completionCount / (result.period / 1000)), unit: 'completions/s' };
});
const meanChars = Math.round(groups.reduce((n, g) => n + g.completions.reduce((m, c) => m + c.length, 0), 0) / completionCount);
records.push({ name: 'completion length (mean)', value: meanChars, unit: 'chars' });
const out = writeResults('rewards', records);
console.log(`${completionCount} completions (mean ${meanChars} chars), sink ${sink.toFixed(3)} → ${out}`);
