/**
 * Tiny benchmark folders for the end-to-end tests and the bench: three rendered synthetic videos (coloured boxes at
 * known times), one file that is not a video (unreadable), and one annotation file per benchmark kind in that
 * benchmark's own format, whose items point at the videos, at the unreadable file and at a video that does not exist.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark } from '../../../lib/eval/index.js';
import { renderSyntheticVideo } from '../../../lib/synthetic/render-video.js';

export const VIDEO_IDS = ['v1', 'v2', 'v3'] as const;
export const GONE = 'gone';
export const BROKEN = 'broken';

/** Renders v1..v3 (3 s, 64x48, 8 fps) and writes broken.mp4 (not a video) into `dir/videos`. */
export async function renderVideos(dir: string): Promise<string> {
  const videos = path.join(dir, 'videos');
  mkdirSync(path.join(videos, 'sub'), { recursive: true });
  const colors = ['red', 'green', 'blue'];
  await Promise.all(
    VIDEO_IDS.map((id, k) =>
      renderSyntheticVideo({
        // v3 sits in a subfolder: the lookup must search recursively.
        path: path.join(videos, k === 2 ? 'sub' : '', `${id}.mp4`),
        duration: 3,
        fps: 8,
        width: 64,
        height: 48,
        events: [{ shape: 'box', color: colors[k]!, start: 0.5 + k * 0.5, end: 1.5 + k * 0.5, x: 8, y: 8, w: 24, h: 24 }],
      }),
    ),
  );
  writeFileSync(path.join(videos, `${BROKEN}.mp4`), 'this is not an mp4 file\n');
  return videos;
}

/** Video of each record in order: every real video twice (two records), then the unreadable and the absent one. */
const RECORD_VIDEOS = ['v1', 'v1', 'v2', 'v3', 'v3', BROKEN, GONE];

/** Writes the annotation file of `kind` into `dir`; returns its path and how many items point at usable videos. */
export function writeAnnotations(dir: string, kind: Benchmark): { file: string; items: number; unusable: number } {
  mkdirSync(dir, { recursive: true });
  const span = (k: number): [number, number] => [0.5 + (k % 3) * 0.5, 1.5 + (k % 3) * 0.5];
  const usable = (v: string) => v !== BROKEN && v !== GONE;
  let items = 0, unusable = 0;
  const count = (v: string, n: number) => (usable(v) ? (items += n) : (unusable += n));
  switch (kind) {
    case 'charades-sta': {
      const file = path.join(dir, 'charades_sta_test.txt');
      const lines = RECORD_VIDEOS.map((v, k) => (count(v, 1), `${v} ${span(k)[0]} ${span(k)[1]}##a person opens box number ${k}.`));
      writeFileSync(file, lines.join('\n') + '\n');
      return { file, items, unusable };
    }
    case 'activitynet': {
      const file = path.join(dir, 'val_2.json');
      // One key per video (ActivityNet's layout): the duplicate v1/v3 records become extra sentences.
      const obj: Record<string, { duration: number; timestamps: [number, number][]; sentences: string[] }> = {};
      RECORD_VIDEOS.forEach((v, k) => {
        count(v, 1);
        const e = (obj[v] ??= { duration: 3, timestamps: [], sentences: [] });
        e.timestamps.push(span(k));
        e.sentences.push(` Someone paints box ${k}.`);
      });
      writeFileSync(file, JSON.stringify(obj));
      return { file, items, unusable };
    }
    case 'tvgbench': {
      const file = path.join(dir, 'tvgbench.json');
      const entries = RECORD_VIDEOS.map((v, k) => {
        count(v, 1);
        // Record 1 is defined on a clip [0.5, 2.5] of v1 (as TVGBench's Ego4D entries): the span is clip-relative.
        const clip = k === 1;
        const s = span(k);
        return {
          path: `./dataset/timer1/videos/tvgbench/${v}.mp4`,
          question: `The box number ${k} turns on.`,
          answer: `${s[0]}-${s[1]}`,
          start: clip ? 0.5 : null,
          end: clip ? 2.5 : null,
          duration: clip ? 2 : 3,
          qsemtype: 'Human Action (Simple)',
          source: k % 2 ? 'data/tvgbench/anet.json' : 'data/tvgbench/charades.json',
        };
      });
      writeFileSync(file, JSON.stringify(entries));
      return { file, items, unusable };
    }
    case 'hi-vtg':
    case 'ss-vtg':
    case 'human': {
      const file = path.join(dir, `${kind}.json`);
      const records = RECORD_VIDEOS.map((v, k) => {
        count(v, 2);
        const s = span(k);
        const refusal = kind === 'ss-vtg' ? '' : kind === 'human' ? `<answer>No green ball appears.</answer><correct>box ${k} opens</correct>` : '<answer>The video shows a box, not a ball.</answer>';
        return {
          video: `/data/author/videos/${v}.mp4`,
          query_text: `box ${k} opens`,
          timestamp: s,
          duration: 3,
          GRPO: [
            { q: `box ${k} opens`, a: kind === 'human' ? '' : `<answer>${s[0]} to ${s[1]}</answer>`, r: true, ...(kind === 'human' ? {} : { difficulty: 'original' }) },
            {
              q: `a green ball ${k} rolls`,
              a: refusal,
              r: false,
              ...(kind === 'ss-vtg' ? { difficulty: 'easy' } : { c: ['Object/ObjectExistence'] }),
              ...(kind === 'hi-vtg' ? { difficulty: (['easy', 'medium', 'hard'] as const)[k % 3] } : {}),
            },
          ],
        };
      });
      writeFileSync(file, JSON.stringify(records));
      return { file, items, unusable };
    }
  }
}
