// @suite native: the default encoder factory loads lib/sbert (the addon and the SBERT weights) at run time
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rewardsCommand, runRewards, sbertEncoderFactory } from '../../lib/cli/rewards-command.js';
import { TableEncoder } from './fake-encoder.js';

const dir = mkdtempSync(join(tmpdir(), 'rarft-rewards-'));
let files = 0;
function jsonl(rows: unknown[]): string {
  const file = join(dir, `in-${files++}.jsonl`);
  writeFileSync(file, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return file;
}
const outFile = () => join(dir, `out-${files++}.jsonl`);
const readJsonl = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

const ANSWERABLE = {
  task_type: 'answerable',
  solution: [6.22, 16.19],
  durations: 30,
  gt_answers: '<answer>6.2 to 16.2</answer>',
  refusable_queries: '<answer>The video does not show a dog.</answer>',
  answerable_query: null,
  video_path: 'ignored.mp4',
};
const good = { ...ANSWERABLE, completion: '<think>x</think> <answer>5.70 to 14.71</answer> <correction>NIL</correction>' };
const noCorrection = { ...ANSWERABLE, completion: '<think>x</think> <answer>14.71 to 5.70</answer>' };
const refusal = {
  ...ANSWERABLE,
  task_type: 'refusable',
  solution: [],
  completion: '<think>x</think><answer>The video does not contain it.</answer><correction>a man runs</correction>',
};

describe('rarft-train rewards (in-process)', () => {
  it('parses its options through commander and writes one JSON line per input line', async () => {
    const input = jsonl([good, noCorrection, '', refusal]);
    const output = outFile();
    await rewardsCommand().parseAsync(['--input', input, '--reward', 'format,refuse_iou', '--output', output], { from: 'user' });
    const rows = readJsonl(output);
    expect(rows).toHaveLength(3); // the blank line is skipped
    expect(Object.keys(rows[0]!)).toEqual(['format', 'refuse_iou', 'total']);
    expect(rows[0]!.format).toBe(1);
    expect(rows[0]!.refuse_iou).toBeCloseTo(0.756078, 6);
    expect(rows[0]!.total).toBeCloseTo(1.756078, 6);
    expect(rows[1]).toEqual({ format: 0, refuse_iou: 0, total: 0 });
    expect(rows[2]).toEqual({ format: 1, refuse_iou: 1, total: 2 });
  });

  it('applies --weights and writes to stdout without --output', async () => {
    const input = jsonl([good]);
    let text = '';
    const stdout = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
    await rewardsCommand({ stdout }).parseAsync(['--input', input, '--reward', 'format,refuse_iou_plain', '--weights', '0.5,2'], { from: 'user' });
    const row = JSON.parse(text) as Record<string, number>;
    expect(row.refuse_iou_plain).toBeCloseTo(8.49 / 10.49, 12);
    expect(row.total).toBeCloseTo(0.5 + 2 * (8.49 / 10.49), 12);
  });

  it('scores explain_correction with an injected encoder and disposes it', async () => {
    const encoder = Object.assign(
      new TableEncoder([
        ['5.70 to 14.71', '6.2 to 16.2', 0.85],
        ['5.70 to 14.71', 'The video does not show a dog.', 0.05],
      ]),
      { disposed: false, dispose() { this.disposed = true; } },
    );
    const output = outFile();
    await runRewards(
      { input: jsonl([good]), reward: ['format', 'refuse_iou', 'explain_correction'], output },
      { encoderFactory: async () => encoder },
    );
    const [row] = readJsonl(output);
    expect(row!.explain_correction).toBeCloseTo(1.4, 12);
    expect(row!.total).toBeCloseTo(1 + 0.756078 + 1.4, 6);
    expect(encoder.disposed).toBe(true);
  });

  it('refuses explain_correction without SBERT instead of faking similarities', async () => {
    const output = outFile();
    const noModule = sbertEncoderFactory('../sbert/not-built.js');
    await expect(runRewards({ input: jsonl([good]), reward: ['format', 'explain_correction'], output }, { encoderFactory: noModule }))
      .rejects.toThrow(/^explain_correction needs SBERT weights: the SBERT module \(\.\.\/sbert\/not-built\.js\) is not available/);
    // the default factory (lib/sbert) with a folder that does not exist: the weights' error is passed on
    await expect(runRewards({ input: jsonl([good]), reward: ['explain_correction'], output, sbertModel: join(dir, 'no-model') }))
      .rejects.toThrow(/^explain_correction needs SBERT weights: SBERT model folder .*no-model \(from the modelDir option\) does not exist/);
    const missingWeights = async () => { throw new Error('SBERT model folder /nope does not exist.'); };
    await expect(
      runRewards({ input: jsonl([good]), reward: ['explain_correction'], output, sbertModel: '/nope' }, { encoderFactory: missingWeights }),
    ).rejects.toThrow('explain_correction needs SBERT weights: SBERT model folder /nope does not exist.');
  });

  it('loads lib/sbert by default and reproduces the sentence-transformers reference', async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/rewards/sbert-explain-correction.json', import.meta.url), 'utf8')) as {
      cases: Array<Record<string, unknown> & { completions: string[]; explain_correction: number[] }>;
    };
    const { completions, explain_correction: expected, cosines: _c, ...example } = fixture.cases[1]!;
    const input = jsonl(completions.map((completion) => ({ ...example, completion })));
    const output = outFile();
    await runRewards({ input, reward: ['explain_correction'], output });
    const got = readJsonl(output).map((row) => row.explain_correction!);
    got.forEach((value, k) => expect(Math.abs(value - expected[k]!)).toBeLessThan(1e-6));
  }, 120_000);

  it('a bad line names file:line and field, and keeps the lines already written', async () => {
    const input = jsonl([good, refusal, { ...good, task_type: 'answerble' }, good]);
    const output = outFile();
    await expect(runRewards({ input, reward: ['format', 'refuse_iou'], output })).rejects.toThrow(
      new RegExp(`${input.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3, field "task_type": Invalid option`),
    );
    expect(readJsonl(output)).toHaveLength(2);
  });

  it('names the field for type errors, missing completions and broken JSON', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, solution: [1, 'x'] }, /:1, field "solution": expected \[start, end\] \(two numbers\), \[\] or null/],
      [{ ...good, solution: [1, 2, 3] }, /:1, field "solution": expected \[start, end\]/],
      [{ ...good, durations: '30' }, /:1, field "durations"/],
      [{ ...ANSWERABLE }, /:1, field "completion"/],
      ['{"completion": ', /:1: invalid JSON/],
      ['[1,2]', /:1: expected a JSON object per line/],
    ];
    for (const [row, pattern] of cases) {
      await expect(runRewards({ input: jsonl([row]), reward: ['format'], output: outFile() })).rejects.toThrow(pattern);
    }
  });

  it('a data string without <answer> is an error naming line and field, or scored raw on request', async () => {
    const encoder = new TableEncoder([
      ['5.70 to 14.71', '9.3 to 14.4', 0.5],
      ['5.70 to 14.71', 'The video does not show a dog.', 0.1],
    ]);
    const input = jsonl([{ ...good, gt_answers: '9.3 to 14.4' }]);
    await expect(runRewards({ input, reward: ['explain_correction'], output: outFile() }, { encoderFactory: async () => encoder }))
      .rejects.toThrow(/:1: reward "explain_correction" threw: field "gt_answers": has no <answer>/);
    const output = outFile();
    await runRewards({ input, reward: ['explain_correction'], output, untaggedDataAnswers: 'raw' }, { encoderFactory: async () => encoder });
    expect(readJsonl(output)[0]!.explain_correction).toBe((0.5 + 1) / 2 - (0.1 + 1) / 2 + 1);
  });

  it('accepts a UTF-8 BOM on the first line', async () => {
    const input = jsonl(['\uFEFF' + JSON.stringify(good)]);
    const output = outFile();
    expect(await runRewards({ input, reward: ['format'], output })).toBe(1);
    expect(readJsonl(output)).toEqual([{ format: 1, total: 1 }]);
  });

  it('rejects unknown rewards, mismatched weights and a missing input before writing anything', async () => {
    const input = jsonl([good]);
    await expect(runRewards({ input, reward: ['format', 'total'], output: outFile() })).rejects.toThrow(/"total" is the name of the summed column/);
    await expect(runRewards({ input, reward: ['format'], output: join(dir, 'no-such-dir', 'out.jsonl') })).rejects.toThrow(/out\.jsonl: cannot write output/);
    await expect(runRewards({ input, reward: ['format', 'correction'], output: outFile() })).rejects.toThrow(/unknown reward "correction"/);
    await expect(runRewards({ input, reward: ['format', 'refuse_iou'], weights: [1], output: outFile() })).rejects.toThrow(/1 weights for 2 rewards/);
    await expect(runRewards({ input: join(dir, 'absent.jsonl'), reward: ['format'], output: outFile() })).rejects.toThrow(/absent\.jsonl: cannot read file/);
  });
});
