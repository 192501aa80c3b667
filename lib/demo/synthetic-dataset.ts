/**
 * The demo's RA-RFT dataset: short synthetic videos (lib/synthetic/render-video.ts) in which ONE coloured box is
 * visible on the left or right half during a known span, and RA-RFT records (rarft-reference §3.1) about them:
 *   answerable  "a red box appears on the left"            a = "<answer>2.0 to 4.5</answer>"
 *   refusable   "a green box appears on the left"  (wrong colour)  a = "<answer>the video does not contain …</answer>"
 *               "a red box appears on the right"   (wrong side)
 * A text-only model cannot tell the two apart (every query shape occurs both ways); the video decides. Records are
 * split into train.json and heldout.json by video, so the held-out refusal accuracy is measured on unseen videos.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { formatSpanAnswer } from '../data/answer-text.js';
import { hashKey, mulberry32 } from '../data/prng.js';
import { renderSyntheticVideo } from '../synthetic/render-video.js';

export const DEMO_COLORS = ['red', 'green', 'blue', 'yellow'] as const;
export const DEMO_SIDES = ['left', 'right'] as const;
export type DemoColor = (typeof DEMO_COLORS)[number];
export type DemoSide = (typeof DEMO_SIDES)[number];

/** Video geometry: 56x56 px frames are exactly Qwen's 16*14*14 min_pixels floor, so no resize and 4x4 patches. */
export const DEMO_VIDEO = { width: 56, height: 56, fps: 4, duration: 8 } as const;

export interface DemoScene {
  video: string;
  color: DemoColor;
  side: DemoSide;
  start: number;
  end: number;
}

export const queryFor = (color: string, side: string) => `a ${color} box appears on the ${side}`;

/** The GT refusal explanation (short: every token of a completion costs a decode step on the CPU). */
export const refusalText = (color: string, side: string) => `the video has no ${color} box on the ${side}`;

/** The target completion of the supervised warm-up (and what a perfect policy writes). */
export function referenceCompletion(query: { color: string; side: string }, scene: DemoScene): string {
  if (query.color === scene.color && query.side === scene.side)
    return `<think>the ${scene.color} box is on the ${scene.side}</think><answer>${scene.start.toFixed(1)} to ${scene.end.toFixed(1)}</answer><correction>NIL</correction>`;
  return `<think>no ${query.color} box on the ${query.side}</think><answer>${refusalText(query.color, query.side)}</answer><correction>${queryFor(scene.color, scene.side)}</correction>`;
}

/** Every text the tokenizer must cover exactly (queries, answers, targets) for the vocabulary. */
export function demoDomainTexts(): string[] {
  const scene: DemoScene = { video: '', color: 'red', side: 'left', start: 0, end: 1 };
  const out: string[] = ['NIL box appears'];
  for (const c of DEMO_COLORS)
    for (const s of DEMO_SIDES) {
      out.push(queryFor(c, s), referenceCompletion({ color: c, side: s }, { ...scene, color: c, side: s }));
      out.push(referenceCompletion({ color: c, side: s }, scene), refusalText(c, s));
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

/** Deterministic scenes from a seed: colour, side and a span on the 0.5 s grid inside the 8 s video. */
export function demoScenes(count: number, seed: number): DemoScene[] {
  const next = mulberry32(hashKey(seed, 7919));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const out: DemoScene[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1.5 + 0.5 * Math.floor(next() * 4); // 1.5 … 3.0 s
    const start = 0.5 * Math.floor(next() * ((DEMO_VIDEO.duration - 0.5 - len) / 0.5 + 1));
    // colours cycle so every colour/side occurs in train and held-out alike
    out.push({ video: `scene_${String(i).padStart(3, '0')}.mp4`, color: DEMO_COLORS[i % DEMO_COLORS.length]!, side: pick(DEMO_SIDES), start, end: start + len });
  }
  return out;
}

/** One record per scene: the answerable query, a wrong-colour and a wrong-side refusable query. */
export function demoRecord(scene: DemoScene, seed: number, index: number): DemoRecord {
  const next = mulberry32(hashKey(seed, index, 104729));
  const others = DEMO_COLORS.filter((c) => c !== scene.color);
  const wrongColor = others[Math.floor(next() * others.length)]!;
  const wrongSide = scene.side === 'left' ? 'right' : 'left';
  const refusable = [
    { color: wrongColor, side: scene.side },
    { color: scene.color, side: wrongSide },
  ];
  return {
    video: scene.video,
    query_text: queryFor(scene.color, scene.side),
    timestamp: [scene.start, scene.end],
    duration: DEMO_VIDEO.duration,
    GRPO: [
      { q: queryFor(scene.color, scene.side), a: formatSpanAnswer(scene.start, scene.end), r: true },
      ...refusable.map((q) => ({ q: queryFor(q.color, q.side), a: `<answer>${refusalText(q.color, q.side)}</answer>`, r: false })),
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
      const x = s.side === 'left' ? 0 : DEMO_VIDEO.width / 2;
      await renderSyntheticVideo({
        path: join(videoRoot, s.video),
        duration: DEMO_VIDEO.duration,
        fps: DEMO_VIDEO.fps,
        width: DEMO_VIDEO.width,
        height: DEMO_VIDEO.height,
        background: 'black',
        events: [{ shape: 'box', color: s.color, start: s.start, end: s.end, x, y: 0, w: DEMO_VIDEO.width / 2, h: DEMO_VIDEO.height }],
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
