// rarft-infer through its commander program (what bin/rarft-infer.js runs), on the tiny checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inferProgram } from '../../lib/cli/infer-program.js';
import { renderSyntheticVideo } from '../../lib/synthetic/render-video.js';
import { writeFixtureCheckpoint } from '../eval/helpers/fixture-checkpoint.js';

let root: string, ckpt: string, video: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'rarft-infer-cli-'));
  ckpt = writeFixtureCheckpoint(path.join(root, 'ckpt'));
  video = path.join(root, 'v.mp4');
  await renderSyntheticVideo({ path: video, duration: 2, fps: 8, width: 64, height: 48, events: [{ shape: 'box', color: 'red', start: 0.5, end: 1, x: 0, y: 0, w: 16, h: 16 }] });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    await inferProgram().exitOverride().parseAsync(['node', 'rarft-infer', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

describe('rarft-infer', () => {
  it('--json prints one object with text, tokens, logprobs, the parsed answer and timing', async () => {
    const { stdout } = await run(['--model', ckpt, '--video', video, '--query', 'a red box appears', '--max-new-tokens', '5', '--json', '--cache', path.join(root, 'cache')]);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]!);
    expect(o.template).toBe('inference');
    expect(o.dtype).toBe('float32'); // the checkpoint's config says float32
    expect(o.tokens).toHaveLength(5);
    expect(o.logprobs).toHaveLength(5);
    expect(typeof o.text).toBe('string');
    expect(['span', 'refusal', 'none']).toContain(o.answer.kind);
    expect(o.span === null).toBe(o.answer.kind !== 'span');
    expect(o.refusal === null).toBe(o.answer.kind !== 'refusal');
    expect(o.video_info.grid_thw).toHaveLength(3);
    for (const k of ['load_ms', 'video_ms', 'generate_ms', 'total_ms']) expect(o.timing[k]).toBeGreaterThan(0);
    expect(o.timing.prompt_tokens).toBeGreaterThan(1000);
    // Second call: the video comes from the cache; greedy, so the same answer.
    const again = JSON.parse((await run(['--model', ckpt, '--video', video, '--query', 'a red box appears', '--max-new-tokens', '5', '--json', '--cache', path.join(root, 'cache')])).stdout);
    expect(again.video_info.cache_hit).toBe(true);
    expect(again.tokens).toEqual(o.tokens);
  });

  it('plain output prints the answer on stdout and the timing on stderr; --template and --dtype are honoured', async () => {
    const { stdout, stderr } = await run(['--model', ckpt, '--video', video, '--query', 'a red box', '--max-new-tokens', '2', '--template', 'timer1', '--raw']);
    expect(stdout).toContain('---\n');
    expect(stdout).toMatch(/no span found in the output|to .* s\n$/);
    expect(stderr).toMatch(/2 tokens \(hit --max-new-tokens 2\)/);
    const bf = JSON.parse((await run(['--model', ckpt, '--video', video, '--query', 'q', '--max-new-tokens', '1', '--dtype', 'bfloat16', '--json'])).stdout);
    expect(bf.dtype).toBe('bfloat16');
  });

  it('a missing video fails with the file named', async () => {
    await expect(run(['--model', ckpt, '--video', path.join(root, 'nope.mp4'), '--query', 'q'])).rejects.toThrow(/nope\.mp4/);
  });
});
