// The trainer checks its inputs before creating anything (issue 16, point 6): a model_path that does not exist, or
// is not a checkpoint folder, is reported as such (not as "tokenizer.json ENOENT") and leaves no output_dir behind.
// Suspicious GT spans in the training data are kept as the reference keeps them, with one warning per file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { DataError } from '../../lib/errors.js';
import { Trainer, loadTrainingData } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, quiet, tinyConfig } from './fixture.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun(3);
});
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error);

describe('inputs are checked before anything is written', () => {
  it('a model_path that does not exist names the field; output_dir is not created', async () => {
    const cfg = tinyConfig(run, 'no-model', { model_path: join(run.root, 'no-such-model') });
    const err = await failure(new Trainer(cfg, quiet).train());
    expect(err).toBeInstanceOf(DataError);
    expect(err!.message).toBe(`${join(run.root, 'no-such-model')}, field "model_path": model folder does not exist`);
    expect(existsSync(cfg.output_dir)).toBe(false);
  });

  it('a folder without the checkpoint files lists what is missing', async () => {
    const empty = join(run.root, 'empty-model');
    mkdirSync(empty, { recursive: true });
    const cfg = tinyConfig(run, 'empty-model-out', { model_path: empty });
    const err = await failure(new Trainer(cfg, quiet).train());
    expect(err!.message).toMatch(/field "model_path": not a checkpoint folder: missing config\.json, tokenizer\.json, model\.safetensors \(or model\.safetensors\.index\.json\)/);
    expect(existsSync(cfg.output_dir)).toBe(false);
  });
});

describe('suspicious GT spans in training data', () => {
  it('reversed and past-the-end spans are kept (reversed ones swapped) with one warning per file', async () => {
    const rows = JSON.parse(readFileSync(run.trainFile, 'utf8')) as { timestamp: [number, number]; duration: number }[];
    const file = join(run.root, 'spans.json');
    const [a, b, c] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    writeFileSync(file, JSON.stringify([
      { ...a, timestamp: [a.timestamp[1], a.timestamp[0]] },
      { ...b, timestamp: [b.timestamp[0], b.duration + 40] },
      { ...c, timestamp: [c.timestamp[0], c.duration + 3] },
    ]));
    const lines: string[] = [];
    const cfg = tinyConfig(run, 'unused', { datasets: [{ path: file, format: 'rarft', video_root: run.videoRoot }] });
    const data = await loadTrainingData(cfg, { log: (l) => lines.push(l) });
    expect(lines).toEqual([
      `warning: ${file}: 1 reversed span(s) (start > end) were swapped; 2 span(s) end after the video's duration and are kept unclipped, ` +
        `as the reference does (rarft-reference §7 item 8; largest: record 1, [${b.timestamp[0]}, ${b.duration + 40}] in ${b.duration} s)`,
    ]);
    expect(data.records.map((r) => r.span)).toEqual([[a.timestamp[0], a.timestamp[1]], [b.timestamp[0], b.duration + 40], [c.timestamp[0], c.duration + 3]]);
    // a clean file says nothing
    const quietLines: string[] = [];
    await loadTrainingData(tinyConfig(run, 'unused'), { log: (l) => quietLines.push(l) });
    expect(quietLines).toEqual([]);
  });
});
