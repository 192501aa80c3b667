/**
 * SBERT throughput on the explain/correction reward path (spec §1.3): one similarity() call with 64 sentence pairs,
 * as the reward makes for 32 completions (4 GRPO groups × G=8: (pred, gt) and (pred, rej) per completion; refusable
 * completions also (correction, answerable query), to 64 pairs). Texts come from the HI-Charades records: real
 * refusal explanations (~70 word-pieces), timestamp answers and queries, with noisy spans, so the mix of short and
 * long texts is the one the trainer sees. All distinct texts of a call are encoded in one batched pass (batch 32,
 * as the reference). Also timed: embedding 64 texts in one batch of 64, and all-mpnet-base-v2 as the evaluator
 * calls it (spec §5.2 stage 4: one (reasoning, GT explanation) pair per item). fp32, CPU, libtorch's default threads.
 *
 * Needs the addon and the weights (`npm run setup:sbert`). Run: npx vite-node bench/sbert.bench.ts
 *   → bench/results/sbert.json
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

import { mulberry32 } from '../lib/data/prng.js';
import { SbertEncoder } from '../lib/sbert/index.js';
import { type BenchRecord, writeResults } from './write-results.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(repoRoot, '../shared/datasets/rarft/hi_vtg_charades.json');
const PAIRS = 64;

interface Item { q: string; a: string; r: boolean }
interface CharadesRecord { query_text: string; timestamp: [number, number]; GRPO: Item[] }

const inner = (tagged: string) => tagged.replace(/^<answer>|<\/answer>$/g, '').trim();

/** 64 reward-call pairs from consecutive records (one group of 8 completions per record). */
function rewardPairs(records: CharadesRecord[], offset: number, rand: () => number): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let k = offset; pairs.length < PAIRS; k++) {
    const rec = records[k % records.length]!;
    const pos = rec.GRPO.find((i) => i.r)!;
    const neg = rec.GRPO.find((i) => !i.r)!;
    const [gs, ge] = rec.timestamp;
    const span = () => `${Math.max(0, gs + (rand() - 0.5) * 6).toFixed(2)} to ${(ge + (rand() - 0.5) * 6).toFixed(2)}`;
    const refusable = k % 2 === 1;
    for (let g = 0; g < 8 && pairs.length < PAIRS; g++) {
      if (!refusable) {
        const pred = span();
        pairs.push([pred, inner(pos.a)], [pred, inner(neg.a)]);
      } else {
        // Policies paraphrase: the refusal text is the GT explanation with a varying lead-in.
        const pred = `The query does not match the video (${g}). ${inner(neg.a).slice(0, 150 + Math.floor(rand() * 300))}`;
        pairs.push([pred, inner(neg.a)], [pred, inner(pos.a)], [`${pos.q.replace(/\.$/, '')} (${g})`, rec.query_text]);
      }
    }
  }
  return pairs.slice(0, PAIRS);
}

const records = JSON.parse(readFileSync(DATA, 'utf8')) as CharadesRecord[];
const rand = mulberry32(11); // seeded: every run scores the same pairs
const calls = Array.from({ length: 8 }, (_, i) => rewardPairs(records, i * 4, rand));
const sbert = await SbertEncoder.load();
const uniqueTexts = calls.map((c) => new Set(c.flat()).size);
const tokens = calls[0]!.flat().map((t) => sbert.tokenizer.encode(t).length);
const texts64 = [...new Set(calls.flat(2))].slice(0, 64);
console.log(`load avg ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores; unique texts/call ${uniqueTexts.join(',')}; ` +
  `tokens/text mean ${(tokens.reduce((a, b) => a + b, 0) / tokens.length).toFixed(1)} max ${Math.max(...tokens)}`);

const mpnet = await SbertEncoder.load({ model: 'all-mpnet-base-v2' });
const evalPairs = records.slice(0, 16).map((r) => {
  const neg = r.GRPO.find((i) => !i.r)!;
  return [`The query does not match: ${inner(neg.a).slice(20)}`, inner(neg.a)] as [string, string];
});

let sink = 0;
let call = 0;
let evalCall = 0;
const bench = new Bench({ time: 0, iterations: 16, warmupTime: 0, warmupIterations: 1 });
bench
  .add(`similarity, ${PAIRS} reward pairs per call`, async () => {
    const sims = await sbert.similarity(calls[call++ % calls.length]!);
    sink += sims[0]!;
  })
  .add('embed 64 texts, batchSize 64', async () => {
    const e = await sbert.embed(texts64, { batchSize: 64 });
    sink += e[0]!;
  })
  .add('all-mpnet-base-v2 similarity, 1 evaluator pair per call', async () => {
    const sims = await mpnet.similarity([evalPairs[evalCall++ % evalPairs.length]!]);
    sink += sims[0]!;
  });
await bench.run();
sbert.dispose();
mpnet.dispose();

const [sim, emb, evalSim] = bench.tasks.map((task) => {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`bench task ${task.name}: ${r.state}`);
  return r.period; // ms per call
});
const results: BenchRecord[] = [
  { name: `similarity pairs/s (${PAIRS} reward pairs per call, batch 32)`, value: Math.round((PAIRS / (sim! / 1000)) * 10) / 10, unit: 'pairs/s' },
  { name: `similarity latency (${PAIRS} pairs)`, value: Math.round(sim!), unit: 'ms' },
  { name: 'embed texts/s (64 texts, batch 64)', value: Math.round((64 / (emb! / 1000)) * 10) / 10, unit: 'texts/s' },
  { name: 'all-mpnet-base-v2 evaluator pairs/s (1 pair per call)', value: Math.round((1 / (evalSim! / 1000)) * 10) / 10, unit: 'pairs/s' },
  { name: 'unique texts per call (mean)', value: uniqueTexts.reduce((a, b) => a + b, 0) / uniqueTexts.length, unit: 'texts' },
  { name: 'load average (1 min) at start', value: Math.round(loadavg()[0]! * 10) / 10, unit: `on ${availableParallelism()} cores` },
];
const out = writeResults('sbert', results);
console.log(`sink ${sink.toFixed(4)} → ${out}`);
