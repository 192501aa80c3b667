import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, JudgeCache, JudgeStages, judgeItems } from '../../lib/judge/index.js';
import { type PredictionItem, scorePredictions } from '../../lib/metrics/index.js';
import { type RequestBody, type Scripted, startScriptedServer, type ScriptedServer } from './scripted-server.js';

let server: ScriptedServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ANSWERABLE = '<think>\nhe sits\n</think>\n<answer>\n3.0 to 5.0\n</answer>\n<correction>NIL</correction><|im_end|>';
const REFUSAL = (why: string) => `<think>\nlooking\n</think>\n<answer>\nThe video does not contain it: ${why}\n</answer>\n<correction>\nfix\n</correction><|im_end|>`;

const ITEMS: PredictionItem[] = [
  { video: 'a', query: 'q0', model_output: ANSWERABLE, gt_relevant: true, gt_timestamp: [2, 6], gt_output: '<answer>2 to 6</answer>', gt_categories: [] },
  { video: 'a', query: 'q1', model_output: REFUSAL('no cup'), gt_relevant: false, gt_timestamp: null, gt_output: '<answer>There is no cup.</answer>', gt_categories: ['Object/ObjectExistence'], difficulty: 'hard' },
  { video: 'b', query: 'q2', model_output: REFUSAL('MALFORMED'), gt_relevant: false, gt_timestamp: null, gt_output: '<answer>The shirt is blue.</answer>', gt_categories: ['Attribute/AttributeValue'], difficulty: 'hard' },
  { video: 'b', query: 'q3', model_output: REFUSAL('three people'), gt_relevant: false, gt_timestamp: null, gt_output: '', gt_categories: ['Attribute/Counting'], difficulty: 'easy' },
];

/** Routes by stage (system prompt) and by the item's text in the last user message. */
function judgeReplies(malformed: boolean) {
  return (body: RequestBody): Scripted => {
    const system = body.messages[0]!.content, user = body.messages.at(-1)!.content;
    if (system.includes("'classification'")) {
      if (malformed && user.includes('MALFORMED')) return "Sure! Here is my answer: {'classification': 'irrelevant', 'span': None}";
      return user.includes('3.0 to 5.0') ? "{'classification': 'relevant', 'span': [3.0, 5.0]}" : "{'classification': 'irrelevant', 'span': None}";
    }
    if (system.includes('JSON array')) {
      return user.includes('no cup') ? '["Object/ObjectExistence", "Negation/Negation"]' : '["Attribute/AttributeValue"]';
    }
    return "{'score': 4.0}";
  };
}

async function run(cacheFile: string, malformed: boolean) {
  const client = new ChatClient({ baseUrl: server!.baseUrl, model: 'judge-test', env: {}, timeoutMs: 2000, sleep: async () => {} });
  const stages = new JudgeStages(client, new JudgeCache(cacheFile));
  const decisions = await judgeItems(ITEMS, { stages, strictGt: false, concurrency: 2 });
  return { client, stages, decisions };
}

describe('judgeItems through a local OpenAI-compatible server', () => {
  it('a malformed reply is recorded as a judge failure for that item; the run completes', async () => {
    server = await startScriptedServer(judgeReplies(true));
    const dir = mkdtempSync(path.join(tmpdir(), 'rarft-judge-'));
    dirs.push(dir);
    const { decisions } = await run(path.join(dir, 'cache.jsonl'), true);
    expect(decisions[0]).toMatchObject({ predRelevant: true, predSpan: [3, 5], relevanceSource: 'judge', errors: [] });
    expect(decisions[1]).toMatchObject({ predRelevant: false, predCategories: ['Object/ObjectExistence'], reasoningScore: 4 });
    expect(decisions[2]!.relevanceSource).toBe('rule-fallback'); // the rule still decides (no NUM to NUM → irrelevant)
    expect(decisions[2]!.errors[0]).toMatch(/^relevance: judge reply is not a single Python\/JSON literal/);
    expect(decisions[2]!.predCategories).toEqual(['Attribute/AttributeValue']); // later stages still ran
    // item 3: empty GT explanation → stage 3 skipped and recorded (the reference would raise)
    expect(decisions[3]!.reasoningScore).toBeNull();
    expect(decisions[3]!.errors).toEqual(['empty GT explanation: reasoning score and SBERT similarity not computed']);
    const { metrics } = scorePredictions(ITEMS, decisions, { judgeModel: 'judge-test' });
    expect(metrics.scoring.items_with_errors).toBe(2);
    expect(metrics.relevance.confusion).toEqual({ TP: 1, FP: 0, FN: 0, TN: 3 });
    expect(metrics['RA-IoU'].mean_all).toBeCloseTo((0.5 + 3) / 4, 12); // TP iou [3,5] vs [2,6] = 2/4
    expect(metrics['RT-IoU']).toBeCloseTo((1 + 1 + 0) / 3, 12); // item 3 predicted Attribute/AttributeValue ≠ Counting
    expect(metrics.irrelevant_samples.mean_reasoning_score).toBeCloseTo((4 + 4) / 3, 12); // item 3 unscored → counts 0
  });

  it('the on-disk cache makes the second run send zero requests', async () => {
    server = await startScriptedServer(judgeReplies(false));
    const dir = mkdtempSync(path.join(tmpdir(), 'rarft-judge-'));
    dirs.push(dir);
    const cacheFile = path.join(dir, 'cache.jsonl');
    const first = await run(cacheFile, false);
    // 4 relevance + 3 categories (3 predicted-irrelevant GT-irrelevant) + 2 reasoning (item 3's GT is empty)
    expect(first.client.requestsSent).toBe(9);
    expect(readFileSync(cacheFile, 'utf8').trim().split('\n')).toHaveLength(9);
    const before = server.requests.length;
    const second = await run(cacheFile, false);
    expect(second.client.requestsSent).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(second.stages.cacheHits).toBe(9);
    expect(second.decisions).toEqual(first.decisions);
  });
});
