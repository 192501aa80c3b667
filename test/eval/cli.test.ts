// `rarft-eval run` / `rarft-eval merge` through the program the bin shim runs: flags reach the run (shard, limit,
// --no-cache, --no-score, template, decoding, --reference-behaviour, --num-splits) and the exit status says when
// videos were missing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { evalProgram } from '../../lib/cli/eval-program.js';
import { readPredictionLog } from '../../lib/eval/index.js';
import { renderVideos, writeAnnotations } from './helpers/benchmark-fixtures.js';
import { writeFixtureCheckpoint } from './helpers/fixture-checkpoint.js';

let root: string, ckpt: string, videos: string, ann: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'rarft-eval-cli-'));
  ckpt = writeFixtureCheckpoint(path.join(root, 'ckpt'));
  videos = await renderVideos(root);
  ann = writeAnnotations(path.join(root, 'ann'), 'human').file;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(args: string[]): Promise<string> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const program = evalProgram().exitOverride();
    // addCommand() does not pass exitOverride down: a usage error would otherwise call process.exit.
    for (const c of program.commands) c.exitOverride();
    await program.parseAsync(['node', 'rarft-eval', ...args]);
  } finally {
    err.mockRestore();
  }
  return stderr;
}

describe('rarft-eval run / merge (CLI)', () => {
  it('shards with --no-score and --no-cache, then merge scores everything', async () => {
    const common = ['--model', ckpt, '--benchmark', 'human', '--annotations', ann, '--videos', videos, '--max-new-tokens', '2', '--template', 'train', '--batch-size', '3'];
    const s0 = path.join(root, 's0'), s1 = path.join(root, 's1'), merged = path.join(root, 'merged');
    process.exitCode = 0;
    const log0 = await cli(['run', ...common, '--out', s0, '--shard', '0/2', '--no-score', '--no-cache']);
    // The progress line (non-TTY form) with rate and ETA, and the closing summary.
    expect(log0).toMatch(/eval human 8\/8 \(100%\) [\d.]+\/s ETA 0s/);
    expect(log0).toMatch(/answered 8 items \(0 already done, 0 with a missing\/unreadable video\)/);
    await cli(['run', ...common, '--out', s1, '--shard', '1/2', '--no-score', '--no-cache']);
    expect(existsSync(path.join(s0, 'video-cache'))).toBe(false);
    expect(existsSync(path.join(s0, 'metrics.json'))).toBe(false);
    const run0 = JSON.parse(readFileSync(path.join(s0, 'run.json'), 'utf8'));
    expect(run0).toMatchObject({ benchmark: 'human', template: 'train', shard: { index: 0, count: 2 }, decoding: { maxNewTokens: 2, temperature: 0 } });
    // Shard 1 holds the unreadable and the absent video: a non-zero exit status says so.
    expect(process.exitCode).toBe(3);
    process.exitCode = 0;
    const log = await cli(['merge', '--out', merged, s0, s1]);
    expect(log).toMatch(/merged 2 shards: 10 of 14 items answered, 4 with a missing video/);
    const metrics = JSON.parse(readFileSync(path.join(merged, 'metrics.json'), 'utf8'));
    expect(metrics.num_items).toBe(10);
    expect(metrics.run.missing_videos.items).toBe(4);
    expect(existsSync(path.join(merged, 'report.html'))).toBe(true);
    expect(metrics.scoring).toMatchObject({ reference_behaviour: false, num_splits: 1, hardness_source: 'mapped' });
    // The reference's inference layout: the merge writes the whole file, a shard none
    expect(JSON.parse(readFileSync(path.join(merged, 'inference_results_merged.json'), 'utf8'))).toHaveLength(10);
    expect(existsSync(path.join(s0, 'inference_results_merged.json'))).toBe(false);
    const merged2 = path.join(root, 'merged-reference');
    await cli(['merge', '--out', merged2, '--reference-behaviour', '--num-splits', '2', s0, s1]);
    expect(JSON.parse(readFileSync(path.join(merged2, 'metrics.json'), 'utf8')).scoring).toMatchObject({ reference_behaviour: true, num_splits: 2, hardness_source: 'reference' });
  });

  it('--limit answers only the first n items and uses the default cache folder', async () => {
    const out = path.join(root, 'limited');
    await cli(['run', '--model', ckpt, '--benchmark', 'human', '--annotations', ann, '--videos', videos, '--max-new-tokens', '1', '--out', out, '--limit', '3', '--reference-behaviour']);
    expect(JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8')).scoring.reference_behaviour).toBe(true);
    expect(readPredictionLog(path.join(out, 'predictions.jsonl')).items.map((p) => p.id)).toEqual(['0.0', '0.1', '1.0']);
    expect(existsSync(path.join(out, 'video-cache'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8')).run.expected_items).toBe(3);
  });

  it('default max new tokens: 1024 with the timer1 template (Time-R1 test.sh), 512 with the RA-RFT templates', async () => {
    const empty = path.join(root, 'no-videos');
    mkdirSync(empty, { recursive: true });
    const cha = writeAnnotations(path.join(root, 'ann'), 'charades-sta').file;
    // No video is present, so nothing is generated: only the resolved settings are written.
    const run = async (benchmark: string, file: string, extra: string[] = []) => {
      const out = path.join(root, `defaults-${benchmark}-${extra.join('')}`);
      await cli(['run', '--model', ckpt, '--benchmark', benchmark, '--annotations', file, '--videos', empty, '--out', out, ...extra]);
      return JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    };
    expect(await run('charades-sta', cha)).toMatchObject({ template: 'timer1', decoding: { maxNewTokens: 1024, temperature: 0, topK: 0, topP: 1 } });
    expect(await run('charades-sta', cha, ['--template', 'inference'])).toMatchObject({ template: 'inference', decoding: { maxNewTokens: 512 } });
    expect(await run('human', ann)).toMatchObject({ template: 'inference', decoding: { maxNewTokens: 512 } });
    expect(await run('human', ann, ['--max-new-tokens', '7'])).toMatchObject({ decoding: { maxNewTokens: 7 } });
    process.exitCode = 0;
  });

  it('bad flags are usage errors', async () => {
    await expect(cli(['run', '--model', ckpt, '--benchmark', 'nope', '--annotations', ann, '--videos', videos])).rejects.toThrow(/Allowed choices/);
    await expect(cli(['run', '--model', ckpt, '--benchmark', 'human', '--annotations', ann, '--videos', videos, '--shard', '2/2'])).rejects.toThrow(/0 <= i < n/);
    // a bad number is commander's usage error naming the option, like every other numeric flag
    await expect(cli(['run', '--model', ckpt, '--benchmark', 'human', '--annotations', ann, '--videos', videos, '--fps', '0'])).rejects.toThrow(
      /option '--fps <n>' argument '0' is invalid\. must be a positive number/,
    );
  });
});
