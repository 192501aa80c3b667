/**
 * Shared by the Qwen parity tests: the committed tiny checkpoint and reference tensors (written by
 * scripts/fixtures/make_qwen_fixtures.py from transformers), loaded once per file by useTinyQwen, the pixel-row
 * rebuild, and comparison helpers.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

import { loadSafetensors } from '../../lib/io/safetensors.js';
import { QwenVL, type QwenLoadOptions } from '../../lib/qwen/qwen.js';
import { cat, tensor, type Tensor } from '../../lib/tensor/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'qwen');
export const TINY = join(FIXTURES, 'tiny');

let cached: Map<string, Tensor> | undefined;
/** reference.safetensors, loaded once per test file (kept alive for the whole file). */
export async function reference(): Promise<Map<string, Tensor>> {
  cached ??= (await loadSafetensors(join(FIXTURES, 'reference.safetensors'))).tensors;
  return cached;
}

/** The tiny model and the reference tensors of one test file. */
export interface TinyQwen {
  readonly model: QwenVL;
  readonly refs: Map<string, Tensor>;
}

/**
 * Loads the tiny checkpoint and the reference tensors once for the calling test file: registers a beforeAll that loads
 * them and an afterAll that disposes the model, so call it at the file's top level. `model` and `refs` are there from
 * the first hook or test on; reading them earlier (while vitest collects the tests) throws instead of giving undefined.
 */
export function useTinyQwen(opts: QwenLoadOptions = {}): TinyQwen {
  let model: QwenVL | undefined;
  let refs: Map<string, Tensor> | undefined;
  beforeAll(async () => {
    refs = await reference();
    model = await QwenVL.load(TINY, opts);
  });
  afterAll(() => model?.dispose());
  const loaded = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`useTinyQwen: ${what} is loaded in beforeAll; read it inside a hook or a test`);
    return x;
  };
  return {
    get model() {
      return loaded(model, 'the model');
    },
    get refs() {
      return loaded(refs, 'the reference tensors');
    },
  };
}

export function ref<T extends Tensor = Tensor>(refs: Map<string, Tensor>, name: string): T {
  const t = refs.get(name);
  if (!t) throw new Error(`reference tensor '${name}' missing from reference.safetensors`);
  return t as T;
}

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/**
 * Spec §5.6 with the same float32 ops as the fixture script: (x - 255*mean) / (255*std), pad T to even with the last
 * frame, then patchify into merge-unit-major rows. frames: [T, 3, H, W] uint8 -> [gt*gh*gw, 1176] float32.
 */
export function pixelRows(frames: Tensor): Tensor<'float32'> {
  const [T, C, H, W] = frames.shape as [number, number, number, number];
  const mean = tensor(CLIP_MEAN).mul(255).view([1, 3, 1, 1]);
  const std = tensor(CLIP_STD).mul(255).view([1, 3, 1, 1]);
  let x = (frames.to('float32') as Tensor<'float32'>).sub(mean).div(std);
  if (T % 2) x = cat([x, x.narrow(0, T - 1, 1)], 0);
  const gt = x.shape[0]! / 2, gh = H / 14, gw = W / 14;
  return x
    .reshape([gt, 2, C, gh / 2, 2, 14, gw / 2, 2, 14])
    .permute([0, 3, 6, 4, 7, 2, 1, 5, 8])
    .reshape([gt * gh * gw, C * 2 * 14 * 14])
    .contiguous();
}

/** max |a-b| / max |a| over two arrays (a is the scale; the plain max |a-b| when a is all zeros). */
export function maxRel(a: Float32Array, b: Float32Array): number {
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(a[i]!));
  }
  return s ? m / s : m;
}

export function floats(t: Tensor): Float32Array {
  return (t.dtype === 'float32' ? t : t.to('float32')).contiguous().toArray() as Float32Array;
}

/** max |a-b| / max |b| over all elements (b is the reference). */
export function relErr(a: Tensor, b: Tensor): number {
  expectShape(a, b.shape);
  const x = floats(a), y = floats(b);
  let num = 0, den = 0;
  for (let i = 0; i < y.length; i++) {
    num = Math.max(num, Math.abs(x[i]! - y[i]!));
    den = Math.max(den, Math.abs(y[i]!));
  }
  return num / den;
}

export function expectShape(t: Tensor, shape: readonly number[]): void {
  if (JSON.stringify(t.shape) !== JSON.stringify(shape))
    throw new Error(`shape mismatch: got [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
}

export function ints(t: Tensor): number[] {
  const a = t.to('int64').contiguous().toArray() as BigInt64Array;
  return Array.from(a, Number);
}

/** Logit rows where attention_mask == 1, as [rows, V] flattened arrays. */
export function maskedRows(logits: Tensor, mask: Tensor): Float32Array[] {
  const [B, L, V] = logits.shape as [number, number, number];
  const m = ints(mask);
  const x = floats(logits);
  const rows: Float32Array[] = [];
  for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) if (m[b * L + l]) rows.push(x.subarray((b * L + l) * V, (b * L + l + 1) * V));
  return rows;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Measured numbers, printed so a run's log carries them (docs/model.md quotes them). */
export function report(name: string, value: number): void {
  console.log(`[qwen parity] ${name} = ${value.toExponential(3)}`);
}

/** The fixture's video pixel rows [420, 1176] (5 frames -> grid (3,10,14)). */
export function videoRows(refs: Map<string, Tensor>): Tensor<'float32'> {
  return pixelRows(ref(refs, 'video.frames'));
}

/** The fixture's two images, each its own item (grid (1,16,16)), rows concatenated in item order: [512, 1176]. */
export function imageRows(refs: Map<string, Tensor>): Tensor<'float32'> {
  const f = ref(refs, 'image.frames');
  return cat([pixelRows(f.narrow(0, 0, 1)), pixelRows(f.narrow(0, 1, 1))], 0);
}

/** The fixture's full batch (2 rows, left padded; row 0: video + image, row 1: image). */
export function batchInputs(refs: Map<string, Tensor>, withSpg = true) {
  return {
    inputIds: ref<Tensor<'int64'>>(refs, 'input_ids'),
    attentionMask: ref<Tensor<'int64'>>(refs, 'attention_mask'),
    pixelValues: imageRows(refs),
    imageGridThw: ref<Tensor<'int64'>>(refs, 'image_grid_thw'),
    pixelValuesVideos: videoRows(refs),
    videoGridThw: ref<Tensor<'int64'>>(refs, 'video_grid_thw'),
    secondPerGridTs: withSpg ? ref<Tensor<'float32'>>(refs, 'second_per_grid_ts') : undefined,
  };
}
