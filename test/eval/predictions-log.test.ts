import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EvalPrediction, PredictionsLog, readPredictionLog } from '../../lib/eval/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rarft-predlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pred = (id: string): EvalPrediction => ({
  id, record_index: 0, item_index: 0, video: 'v.mp4', query: 'q', model_output: 'out', gt_relevant: true, gt_timestamp: [1, 2], gt_output: '',
  irrelevance_level: '', gt_categories: [], difficulty: 'original', gt_correction: null, num_tokens: 1, stopped: true, prompt_tokens: 3, generate_ms: 1,
});
const line = (id: string) => JSON.stringify(pred(id));

describe('PredictionsLog', () => {
  it('a complete last record without its newline is terminated before appending', () => {
    const file = path.join(dir, 'a.jsonl');
    writeFileSync(file, `${line('0.0')}\n${line('1.0')}`);
    const { log, opened } = PredictionsLog.open(file);
    expect([...opened.done.keys()]).toEqual(['0.0', '1.0']);
    expect(opened.repairedTo).toBeNull();
    log.append([pred('2.0')]);
    expect(readPredictionLog(file).items.map((p) => p.id)).toEqual(['0.0', '1.0', '2.0']);
  });

  it('a malformed line in the middle is an error naming the file and line (never guessed around)', () => {
    const file = path.join(dir, 'b.jsonl');
    writeFileSync(file, `${line('0.0')}\n{"id": "1.0", broken\n${line('2.0')}\n`);
    expect(() => PredictionsLog.open(file)).toThrow(`${file}, record 1: line 2 is not valid JSON`);
    expect(readFileSync(file, 'utf8')).toContain('broken');
  });

  it('a line that is not in the scorer format names the field', () => {
    const file = path.join(dir, 'c.jsonl');
    writeFileSync(file, `${JSON.stringify({ ...pred('0.0'), gt_relevant: 'yes' })}\n`);
    expect(() => PredictionsLog.open(file)).toThrow(/c\.jsonl, record 0, field "gt_relevant"/);
    writeFileSync(file, `${JSON.stringify({ ...pred('0.0'), id: undefined })}\n`);
    expect(() => PredictionsLog.open(file)).toThrow(/field "id": missing string "id"/);
  });
});
