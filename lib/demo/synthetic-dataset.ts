/**
 * The demo's RA-RFT dataset: short synthetic videos (lib/synthetic/render-video.ts) in which the whole frame turns
 * ONE colour (a full-frame red/green/blue/yellow box on black) during a known span, and RA-RFT records
 * (rarft-reference §3.1) about them:
 *   answerable  "a red box appears"    a = "<answer>2.0 to 4.5</answer>"
 *   refusable   "a green box appears"  (wrong colour)  a = "<answer>the video has no green box</answer>"
 * One answerable and one refusable query per video, so "always answer" and "always refuse" both score 50%, and every
 * query occurs both ways across videos: the query text alone says little (docs/demo.md); the video decides.
 * Why full-frame colour only (measured, docs/demo.md): with a half-frame box and a colour-or-side decision, a
 * 64-wide 2-layer model with a random vision tower never learnt to read the video in the demo's budget.
 * Records are split into train.json and heldout.json by video, so the held-out accuracy is on unseen videos.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { formatSpanAnswer } from '../data/answer-text.js';
import { hashKey, mulberry32 } from '../data/prng.js';
import { renderSyntheticVideo } from '../synthetic/render-video.js';

export const DEMO_COLORS = ['red', 'green', 'blue', 'yellow'] as const;
export type DemoColor = (typeof DEMO_COLORS)[number];

/** Video geometry: 56x56 px frames are exactly Qwen's 16*14*14 min_pixels floor, so no resize and 4x4 patches. */
export const DEMO_VIDEO = { width: 56, height: 56, fps: 4, duration: 8 } as const;

export interface DemoScene {
  video: string;
  color: DemoColor;
  start: number;
  end: number;
}

export const queryFor = (color: string) => `a ${color} box appears`;

/** The GT refusal explanation (short: every token of a completion costs a decode step on the CPU). */
export const refusalText = (color: string) => `the video has no ${color} box`;

/**
 * The target completion of the supervised warm-up (and what a perfect policy writes). The reasoning names the query's
 * colour, then the colour the VIDEO shows ("query green , video red"): reading each is its own next-token target, and
 * the refuse-or-answer decision then compares two adjacent tokens instead of a prompt word ~400 tokens back with the
 * video. (Measured: a reasoning that names only the video's colour was learnt, but the answer ignored the query.)
 */
export function referenceCompletion(query: { color: string }, scene: DemoScene): string {
  const think = `<think>query ${query.color} , video ${scene.color}</think>`;
  if (query.color === scene.color) return `${think}<answer>${scene.start.toFixed(1)} to ${scene.end.toFixed(1)}</answer><correction>NIL</correction>`;
  return `${think}<answer>${refusalText(query.color)}</answer><correction>${queryFor(scene.color)}</correction>`;
}

/** Every text the tokenizer must cover exactly (queries, answers, targets) for the vocabulary. */
export function demoDomainTexts(): string[] {
  const scene: DemoScene = { video: '', color: 'red', start: 0, end: 1 };
  const out: string[] = ['NIL box appears'];
  for (const c of DEMO_COLORS) {
    out.push(queryFor(c), referenceCompletion({ color: c }, { ...scene, color: c }));
    out.push(referenceCompletion({ color: c }, scene), refusalText(c));
  }
  return out;
}

export interface DemoRecordItem {
  q: string;
  a: string;
  r: boolean;
}

export interface DemoRecord {
  video: string;
  query_text: string;
  timestamp: [number, number];
  duration: number;
  GRPO: DemoRecordItem[];
}

/** Deterministic scenes from a seed: colour and a span on the 0.5 s grid inside the 8 s video. */
export function demoScenes(count: number, seed: number): DemoScene[] {
  const next = mulberry32(hashKey(seed, 7919));
  const out: DemoScene[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1.5 + 0.5 * Math.floor(next() * 4); // 1.5 … 3.0 s
    const start = 0.5 * Math.floor(next() * ((DEMO_VIDEO.duration - 0.5 - len) / 0.5 + 1));
    // colours cycle so every colour occurs in train and held-out alike
    out.push({ video: `scene_${String(i).padStart(3, '0')}.mp4`, color: DEMO_COLORS[i % DEMO_COLORS.length]!, start, end: start + len });
  }
  return out;
}

/**
 * One record per scene: the answerable query and one wrong-colour (refusable) query. Scene i shows colour i mod 4
 * (demoScenes); its wrong colour walks the other three in turn, starting at a seed-chosen one, so every block of 12
 * consecutive scenes holds each (colour, wrong colour) pair once: each query text is answerable exactly as often as
 * refusable, in training (36 scenes) and in the held-out set (12). (With a random wrong colour the 12 held-out videos
 * could ask "red" 5 times as refusable and 3 as answerable, and GRPO's errors piled up on such a query.)
 */
export function demoRecord(scene: DemoScene, seed: number, index: number): DemoRecord {
  const others = DEMO_COLORS.filter((c) => c !== scene.color);
  const offset = Math.floor(mulberry32(hashKey(seed, 104729))() * others.length);
  const wrongColor = others[(Math.floor(index / DEMO_COLORS.length) + offset) % others.length]!;
  return {
    video: scene.video,
    query_text: queryFor(scene.color),
    timestamp: [scene.start, scene.end],
    duration: DEMO_VIDEO.duration,
    GRPO: [
      { q: queryFor(scene.color), a: formatSpanAnswer(scene.start, scene.end), r: true },
      { q: queryFor(wrongColor), a: `<answer>${refusalText(wrongColor)}</answer>`, r: false },
    ],
  };
}

export interface DemoDataset {
  dir: string;
  trainFile: string;
  heldoutFile: string;
  videoRoot: string;
  train: DemoScene[];
  heldout: DemoScene[];
}

/** Renders the videos (skipping none: ffmpeg overwrites) and writes train.json / heldout.json under `dir`. */
export async function writeDemoDataset(dir: string, opts: { train: number; heldout: number; seed: number; concurrency?: number }): Promise<DemoDataset> {
  const videoRoot = join(dir, 'videos');
  mkdirSync(videoRoot, { recursive: true });
  const scenes = demoScenes(opts.train + opts.heldout, opts.seed);
  const queue = [...scenes];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      await renderSyntheticVideo({
        path: join(videoRoot, s.video),
        duration: DEMO_VIDEO.duration,
        fps: DEMO_VIDEO.fps,
        width: DEMO_VIDEO.width,
        height: DEMO_VIDEO.height,
        background: 'black',
        // full frame: every video token of the span carries the colour, the easiest evidence for a random ViT
        events: [{ shape: 'box', color: s.color, start: s.start, end: s.end, x: 0, y: 0, w: DEMO_VIDEO.width, h: DEMO_VIDEO.height }],
      });
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
  const train = scenes.slice(0, opts.train);
  const heldout = scenes.slice(opts.train);
  const trainFile = join(dir, 'train.json');
  const heldoutFile = join(dir, 'heldout.json');
  writeFileSync(trainFile, JSON.stringify(train.map((s, i) => demoRecord(s, opts.seed, i)), null, 1));
  writeFileSync(heldoutFile, JSON.stringify(heldout.map((s, i) => demoRecord(s, opts.seed, opts.train + i)), null, 1));
  return { dir, trainFile, heldoutFile, videoRoot, train, heldout };
}
