/**
 * `rarft-data make-hi-vtg` writes the reference's training format (`hi_vtg_train.json`, rarft-reference §3.3): the
 * record layout of its HI-VTG files (docs/schemas/hi-vtg-train.reference.schema.json; hi_vtg_charades.json, written by
 * the reference, conforms) and what its loader needs of each record (lib/data/training-format.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hiVtgCommand } from '../../lib/cli/hi-vtg-command.js';
import { checkTrainingRecords } from '../../lib/data/training-format.js';
import { formatSpanAnswer } from '../../lib/data/answer-text.js';
import { pythonJson } from '../../lib/util/python-json.js';
import { checkKeyTree, type Schema } from '../schemas/key-tree.js';
import { sharedDataset } from './datasets-path.js';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SCHEMA = JSON.parse(readFileSync(path.join(repoRoot, 'docs/schemas/hi-vtg-train.reference.schema.json'), 'utf8')) as Schema;

const dir = mkdtempSync(path.join(tmpdir(), 'rarft-hi-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function make(name: string, ...args: string[]): Promise<{ text: string; log: string }> {
  const out = path.join(dir, `${name}.json`);
  let log = '';
  const stderr = { write: (s: string) => ((log += s), true) } as unknown as NodeJS.WritableStream;
  await hiVtgCommand({ stderr }).parseAsync([...args, '--out', out], { from: 'user' });
  return { text: readFileSync(out, 'utf8'), log };
}

const CHARADES = ['--input', sharedDataset('charades_sta/charades_sta_test.txt'), '--format', 'charades-sta'];
const CSV = ['--durations-csv', sharedDataset('charades_sta/Charades_v1_test.csv')];

describe('the reference\'s own files against the format', () => {
  it('hi_vtg_charades.json (written by the reference) has the schema\'s record layout and loads as training data', () => {
    const text = readFileSync(sharedDataset('rarft/hi_vtg_charades.json'), 'utf8');
    expect(checkKeyTree(SCHEMA, text)).toEqual([]);
    expect(() => checkTrainingRecords(JSON.parse(text))).not.toThrow();
  });

  it('hi_vtg_tvgbench.json is a test file, not training data: it has no durations', () => {
    const text = readFileSync(sharedDataset('rarft/hi_vtg_tvgbench.json'), 'utf8');
    expect(checkKeyTree(SCHEMA, text).slice(0, 1)).toEqual(['$[0]: missing key "duration"']);
    expect(() => checkTrainingRecords(JSON.parse(text), { file: 'hi_vtg_tvgbench.json' })).toThrow(/hi_vtg_tvgbench\.json, record 0, field "duration": /);
    expect(() => checkTrainingRecords(JSON.parse(text), { requireDuration: false })).not.toThrow();
  });
});

describe('rarft-data make-hi-vtg output', () => {
  it('Charades-STA with durations: the schema\'s layout, Python json.dump text, trainable records', async () => {
    const { text, log } = await make('charades', ...CHARADES, ...CSV);
    expect(checkKeyTree(SCHEMA, text)).toEqual([]);
    const records = JSON.parse(text) as { timestamp: [number, number]; duration: number; GRPO: { a: string; r: boolean }[] }[];
    expect(() => checkTrainingRecords(records)).not.toThrow();
    expect(text).toBe(pythonJson(records)); // floats as the reference writes them (0.0, not 0), indent 2
    expect(text).toContain('"timestamp": [\n      0.0,');
    // The loader's contract: GRPO[0] is the answerable item, its answer the record's span at one decimal
    for (const r of records) {
      expect(r.GRPO[0]!.r).toBe(true);
      expect(r.GRPO[0]!.a).toBe(formatSpanAnswer(r.timestamp[0], r.timestamp[1]));
      expect(r.GRPO.slice(1).every((g) => !g.r)).toBe(true);
    }
    expect(log).toMatch(/: \d+ records; \d+ queries skipped/);
  });

  it('without durations, records are skipped by default (the reference\'s trainer needs them) or kept on request', async () => {
    const skipped = await make('no-csv', ...CHARADES, '--hardness', 'strong');
    expect(JSON.parse(skipped.text)).toEqual([]);
    expect(skipped.log).toMatch(/: 0 records; 3720 queries skipped/);
    const kept = await make('no-csv-kept', ...CHARADES, '--hardness', 'strong', '--missing-duration', 'keep');
    const records = JSON.parse(kept.text) as Record<string, unknown>[];
    expect(records).toHaveLength(3720);
    expect(records[0]).not.toHaveProperty('duration');
    expect(checkKeyTree(SCHEMA, kept.text)[0]).toBe('$[0]: missing key "duration"');
    expect(() => checkTrainingRecords(records, { requireDuration: false })).not.toThrow();
  });

  it('ActivityNet and Time-R1\'s train_2k5.json (durations in the file) give trainable records in the layout', async () => {
    for (const [name, file, format] of [
      ['anet', 'activitynet_captions/val_2.json', 'activitynet'],
      ['timer1', 'tvgbench/train_2k5.json', 'timer1-train'],
    ] as const) {
      const { text } = await make(name, '--input', sharedDataset(file), '--format', format, '--hardness', 'strong');
      const records = JSON.parse(text) as unknown[];
      expect(records.length).toBeGreaterThan(1000);
      expect(checkKeyTree(SCHEMA, text)).toEqual([]);
      expect(() => checkTrainingRecords(records)).not.toThrow();
    }
  });
});

describe('checkTrainingRecords names the record and field of what the reference\'s loader could not use', () => {
  const good = { video: 'v.mp4', duration: 30, timestamp: [1, 2], GRPO: [{ q: 'a person sits', a: '<answer>1.0 to 2.0</answer>', r: true }, { q: 'a dog sits', a: '<answer>No dog.</answer>', r: false, c: ['Object/ObjectExistence'] }] };
  const withItems = (GRPO: unknown[]) => [good, { ...good, GRPO }];
  it.each([
    ['not an array', { records: 1 }, /a training file is a JSON array of records/],
    ['no duration', [good, { ...good, duration: undefined }], /record 1, field "duration"/],
    ['a zero duration', [good, { ...good, duration: 0 }], /record 1, field "duration"/],
    ['a bad span', [good, { ...good, timestamp: [1] }], /record 1, field "timestamp/],
    ['no answerable item', withItems([good.GRPO[1], good.GRPO[1]]), /record 1, field "GRPO": no answerable item/],
    ['no refusable item', withItems([good.GRPO[0], good.GRPO[0]]), /record 1, field "GRPO": no refusable item/],
    ['an untagged answer', withItems([good.GRPO[0], { ...good.GRPO[1], a: 'No dog.' }]), /record 1, field "GRPO\[1\]\.a": must be an answer in <answer>/],
    ['an answerable answer without a span', withItems([{ ...good.GRPO[0], a: '<answer>yes</answer>' }, good.GRPO[1]]), /record 1, field "GRPO\[0\]\.a": the answerable item's answer/],
    ['an empty query', withItems([good.GRPO[0], { ...good.GRPO[1], q: ' ' }]), /record 1, field "GRPO\[1\]\.q"/],
  ])('%s', (_name, records, message) => {
    expect(() => checkTrainingRecords(records, { file: 'train.json' })).toThrow(message);
    expect(() => checkTrainingRecords([good])).not.toThrow();
  });
});
