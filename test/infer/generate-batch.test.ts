// Batched per-video generation on the tiny random checkpoint: left padding and the per-row copy of the video must not
// change any answer (each query answered alone gives the same greedy tokens), and the outputs are self-consistent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateForVideo, InferenceSession, leftPad, loadVideo, stopTokenIds } from '../../lib/infer/index.js';
import { renderSyntheticVideo } from '../../lib/synthetic/render-video.js';
import type { PreprocessedVideo } from '../../lib/video/index.js';
import { FIXTURE_SPECIALS, writeFixtureCheckpoint } from '../eval/helpers/fixture-checkpoint.js';

let root: string, session: InferenceSession, video: PreprocessedVideo;
const greedy = { maxNewTokens: 6, temperature: 0, topK: 0, topP: 1 };

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'rarft-infer-'));
  session = await InferenceSession.open(writeFixtureCheckpoint(path.join(root, 'ckpt')));
  const file = path.join(root, 'v.mp4');
  await renderSyntheticVideo({ path: file, duration: 3, fps: 8, width: 64, height: 48, events: [{ shape: 'box', color: 'red', start: 1, end: 2, x: 0, y: 0, w: 16, h: 16 }] });
  video = await loadVideo(file);
});
afterAll(() => {
  video?.pixelValuesVideos.dispose();
  session?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('leftPad', () => {
  it('pads on the left with the pad id and a zero mask', () => {
    const { ids, mask, width } = leftPad([Int32Array.from([5, 6, 7]), Int32Array.from([9])], 0);
    expect(width).toBe(3);
    expect(Array.from(ids, Number)).toEqual([5, 6, 7, 0, 0, 9]);
    expect(Array.from(mask, Number)).toEqual([1, 1, 1, 0, 0, 1]);
  });
});

describe('generateForVideo', () => {
  it('stop ids are the checkpoint vocabulary\'s <|im_end|> and <|endoftext|>', () => {
    expect(stopTokenIds(session.tokenizer)).toEqual({ stopIds: [FIXTURE_SPECIALS['<|im_end|>'], FIXTURE_SPECIALS['<|endoftext|>']], padId: FIXTURE_SPECIALS['<|endoftext|>'] });
  });

  it('a batch of queries of different lengths gives each query the answer it gets alone', async () => {
    const queries = ['a red box', 'a much longer query about a red box appearing in the top left corner', 'box'];
    const batch = await generateForVideo(session.model, session.tokenizer, video, queries, 'inference', greedy);
    expect(new Set(batch.answers.map((a) => a.promptTokens)).size).toBe(3);
    for (const [i, q] of queries.entries()) {
      const alone = await generateForVideo(session.model, session.tokenizer, video, [q], 'inference', greedy);
      expect(batch.answers[i]!.tokens).toEqual(alone.answers[0]!.tokens);
      expect(batch.answers[i]!.text).toBe(alone.answers[0]!.text);
      const lp = batch.answers[i]!.logprobs, lp1 = alone.answers[0]!.logprobs;
      for (let k = 0; k < lp.length; k++) expect(Math.abs(lp[k]! - lp1[k]!)).toBeLessThan(1e-4);
    }
    for (const a of batch.answers) {
      expect(a.tokens.length).toBe(6);
      expect(a.logprobs).toHaveLength(a.tokens.length);
      expect(a.logprobs.every((x) => x <= 0 && Number.isFinite(x))).toBe(true);
      expect(a.text).toBe(session.tokenizer.decode(a.tokens));
      expect(a.stopped).toBe(false);
    }
  });

  it('templates change the prompt: train/inference/timer1 prompts differ in length', async () => {
    const lens = await Promise.all(
      (['train', 'inference', 'timer1'] as const).map(async (t) => (await generateForVideo(session.model, session.tokenizer, video, ['a red box'], t, { ...greedy, maxNewTokens: 1 })).answers[0]!.promptTokens),
    );
    expect(new Set(lens).size).toBe(3);
  });

  it('sampling with a seed is reproducible', async () => {
    const s = { maxNewTokens: 6, temperature: 1.5, topK: 0, topP: 1, seed: 11 };
    const a = await generateForVideo(session.model, session.tokenizer, video, ['a red box'], 'inference', s);
    const b = await generateForVideo(session.model, session.tokenizer, video, ['a red box'], 'inference', s);
    expect(a.answers[0]!.tokens).toEqual(b.answers[0]!.tokens);
  });
});
