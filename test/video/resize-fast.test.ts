// The fast uint8 resize kernel (csrc/video/resize_aa.cpp) against the reference path inside the same addon: ATen's
// float32 `_upsample_bicubic2d_aa`, clamp, round half-to-even, uint8 (torchvision's uint8 video resize). Every case
// must be byte-identical. Cases: the benchmark's smart_resize sizes, each axis alone, 1-pixel dimensions, heavy
// down-scaling (up to ~90 taps per output), up-scaling, the three input layouts the kernel reads (planar, the
// decoder's permuted [T,H,W,3] view, other strides), saturated frames, and 150 seeded random shapes (RARFT_RESIZE_CASES for more).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../lib/data/prng.js';
import { type Tensor, fromTypedArray } from '../../lib/tensor/index.js';
import { resizeBicubicAA, resizeBicubicAAAsync, resizeInfo } from '../../lib/video/resize.js';

const info = resizeInfo();
/** More random shapes on demand: RARFT_RESIZE_CASES=5000 npx vitest run test/video/resize-fast.test.ts */
const RANDOM_CASES = Number(process.env.RARFT_RESIZE_CASES ?? 150);

/** A seeded PRNG so every run tests the same shapes and pixels. */
const rng = mulberry32;

type Layout = 'planar' | 'thwc' | 'strided';

/** Random uint8 frames [T, C, H, W] in the given memory layout. */
function frames(rand: () => number, t: number, c: number, h: number, w: number, layout: Layout, fill?: (i: number) => number): Tensor<'uint8'> {
  if (layout === 'strided') {
    // every other column of a [T, C, H, 2W] tensor: x stride 2
    const data = new Uint8Array(t * c * h * w * 2).map((_, i) => (fill ? fill(i) : (rand() * 256) | 0));
    return fromTypedArray(data, [t, c, h, 2 * w], 'uint8').slice(3, 0, null, 2);
  }
  const data = new Uint8Array(t * c * h * w).map((_, i) => (fill ? fill(i) : (rand() * 256) | 0));
  if (layout === 'planar') return fromTypedArray(data, [t, c, h, w], 'uint8');
  return fromTypedArray(data, [t, h, w, c], 'uint8').permute([0, 3, 1, 2]);
}

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  let n = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (n++, first < 0)) first = i;
  return `${n} of ${a.length} bytes differ; first at ${first}: ${a[first]} vs ${b[first]}`;
}

interface Case {
  name: string;
  t: number;
  c: number;
  size: [number, number];
  to: [number, number];
  layout: Layout;
  fill?: (i: number) => number;
}

function check(c: Case, rand: () => number): void {
  const x = frames(rand, c.t, c.c, c.size[0], c.size[1], c.layout, c.fill);
  const fast = resizeBicubicAA(x, c.to[0], c.to[1], 'fast');
  const ref = resizeBicubicAA(x, c.to[0], c.to[1], 'aten');
  expect(fast.shape).toEqual([c.t, c.c, c.to[0], c.to[1]]);
  expect(fast.dtype).toBe('uint8');
  const a = fast.toArray() as Uint8Array;
  const b = ref.toArray() as Uint8Array;
  if (!Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)))
    expect.fail(`${c.name}: ${firstDifference(a, b)}`);
  for (const t of [x, fast, ref]) t.dispose();
}

const fixed: Case[] = [
  // smart_resize sizes of the benchmark clips (decoded size -> resized size), in the decoder's layout
  { name: 'OHOFG 640x360 -> 364x196', t: 4, c: 3, size: [360, 640], to: [196, 364], layout: 'thwc' },
  { name: 'charades 480x270 -> 392x224', t: 3, c: 3, size: [270, 480], to: [224, 392], layout: 'thwc' },
  { name: 'pancake 426x240 -> 420x252', t: 3, c: 3, size: [240, 426], to: [252, 420], layout: 'thwc' },
  { name: 'OHOFG planar', t: 2, c: 3, size: [360, 640], to: [196, 364], layout: 'planar' },
  { name: 'fixture-like tiny 50x28 -> 56x28', t: 2, c: 3, size: [28, 50], to: [28, 56], layout: 'thwc' },
  // one axis at a time (ATen then runs a single pass)
  { name: 'W only, down', t: 2, c: 3, size: [37, 640], to: [37, 364], layout: 'thwc' },
  { name: 'H only, down', t: 2, c: 3, size: [360, 41], to: [196, 41], layout: 'thwc' },
  { name: 'W only, up', t: 1, c: 3, size: [20, 33], to: [20, 101], layout: 'planar' },
  { name: 'H only, up', t: 1, c: 3, size: [19, 30], to: [64, 30], layout: 'planar' },
  // 1-pixel dimensions, in and out
  { name: '1 row in', t: 2, c: 3, size: [1, 50], to: [7, 9], layout: 'thwc' },
  { name: '1 column in', t: 2, c: 3, size: [17, 1], to: [5, 3], layout: 'thwc' },
  { name: '1x1 in', t: 1, c: 3, size: [1, 1], to: [3, 5], layout: 'planar' },
  { name: '1x1 out', t: 2, c: 3, size: [45, 61], to: [1, 1], layout: 'thwc' },
  { name: '1 row out', t: 1, c: 3, size: [100, 37], to: [1, 300], layout: 'planar' },
  // heavy down-scaling: up to ~90 taps per output on either axis
  { name: '150x9 -> 7x5', t: 1, c: 2, size: [150, 9], to: [7, 5], layout: 'planar' },
  { name: '640x360 -> 28x28', t: 2, c: 3, size: [360, 640], to: [28, 28], layout: 'thwc' },
  { name: '5x700 -> 5x8', t: 1, c: 1, size: [5, 700], to: [5, 8], layout: 'planar' },
  // up-scaling both axes, sizes not multiples of 8
  { name: '64x64 -> 96x128', t: 1, c: 3, size: [64, 64], to: [128, 96], layout: 'planar' },
  { name: '13x21 -> 67x41', t: 3, c: 3, size: [13, 21], to: [67, 41], layout: 'thwc' },
  // layouts: other strides, other channel counts
  { name: 'x stride 2', t: 2, c: 3, size: [33, 45], to: [20, 26], layout: 'strided' },
  { name: '4 channels, channels-last', t: 1, c: 4, size: [31, 47], to: [17, 23], layout: 'thwc' },
  { name: '1 channel, channels-last', t: 2, c: 1, size: [31, 47], to: [40, 23], layout: 'thwc' },
  // saturated content: clamping at both ends
  { name: 'all 255', t: 1, c: 3, size: [40, 60], to: [23, 31], layout: 'thwc', fill: () => 255 },
  { name: 'all 0', t: 1, c: 3, size: [40, 60], to: [23, 31], layout: 'thwc', fill: () => 0 },
  { name: '0/255 checkerboard (overshoot)', t: 1, c: 3, size: [40, 60], to: [53, 77], layout: 'planar', fill: (i) => (((i % 60) + Math.floor(i / 60)) % 2 ? 255 : 0) },
];

describe('fast uint8 bicubic-AA resize', () => {
  it('is used on this machine when ATen dispatches to a modelled capability', () => {
    expect(typeof info.reason).toBe('string');
    if (process.env.RARFT_RESIZE_IMPL === 'aten') expect(info).toMatchObject({ fast: false, reason: 'RARFT_RESIZE_IMPL=aten' });
    else if (/lacks AVX2/.test(info.reason)) expect(info.fast).toBe(false);
    else if (info.capability === 'AVX2' || info.capability === 'DEFAULT') expect(info, info.reason).toMatchObject({ fast: true });
    else expect(info.fast).toBe(false);
  });

  // The comparisons run here where this process uses the kernel. Where it does not (ATen dispatches to a capability
  // the kernel does not model, e.g. AVX-512; or RARFT_RESIZE_IMPL=aten), they run in child processes told to dispatch
  // to each modelled capability, so they still run; a child runs them itself, and fails where the kernel is still
  // unavailable there. Only a CPU without AVX2/FMA, where the kernel cannot run at all, skips them, saying why.
  // (RESIZE_FAST_TEST_CHILD marks the children this file starts; it is not a setting)
  const inChild = process.env.RESIZE_FAST_TEST_CHILD === '1';
  const where = info.fast || inChild ? 'here' : /lacks AVX2/.test(info.reason) ? 'nowhere' : 'children';

  if (where === 'nowhere') it('byte-identical to the ATen float path', (ctx) => ctx.skip(`the fast kernel cannot run on this CPU: ${info.reason}`));

  if (where === 'children') {
    for (const capability of ['avx2', 'default']) {
      it(`byte-identical to the ATen float path: this file under ATEN_CPU_CAPABILITY=${capability} (here: ${info.reason})`, async () => {
        const out = join(mkdtempSync(join(tmpdir(), 'rarft-resize-')), 'r.json');
        // asynchronous, so this worker keeps answering vitest while the child runs
        const stderr = await new Promise<string>((done) => {
          const child = execFile(join(process.cwd(), 'node_modules', '.bin', 'vitest'), ['run', 'test/video/resize-fast.test.ts', '--reporter=json', `--outputFile=${out}`], {
            env: { ...process.env, ATEN_CPU_CAPABILITY: capability, RARFT_RESIZE_IMPL: '', RESIZE_FAST_TEST_CHILD: '1' },
            maxBuffer: 1 << 26,
          }, (_err, _stdout, err) => done(String(err)));
          child.stdin?.end();
        });
        expect(existsSync(out), stderr).toBe(true);
        const res = JSON.parse(readFileSync(out, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; testResults: { assertionResults: { title: string; status: string }[] }[] };
        const titles = res.testResults.flatMap((f) => f.assertionResults.map((a) => `${a.status} ${a.title}`));
        expect(res.numFailedTests, titles.filter((t) => !t.startsWith('passed')).join('\n')).toBe(0);
        expect(res.numPendingTests).toBe(0);
        expect(titles).toContain(`passed ${RANDOM_CASES} seeded random shapes and layouts (1..300 pixels per side, T 1..3)`);
        expect(res.numPassedTests).toBe(fixed.length + 4); // the fixed cases, the random ones, 'auto'/async, and the two checks around them
      }, 300_000);
    }
  }

  if (where === 'here') describe(`byte-identical to the ATen float path (${info.capability})`, () => {
    for (const c of fixed) it(c.name, () => check(c, rng(c.name.length * 7919)));

    it(`${RANDOM_CASES} seeded random shapes and layouts (1..300 pixels per side, T 1..3)`, () => {
      const rand = rng(4);
      const side = () => 1 + Math.floor(rand() ** 2 * 300);
      const layouts: Layout[] = ['planar', 'thwc', 'strided'];
      for (let k = 0; k < RANDOM_CASES; k++) {
        const size: [number, number] = [side(), side()];
        const to: [number, number] = [side(), side()];
        if (size[0] === to[0] && size[1] === to[1]) to[1] += 1;
        const c: Case = { name: `random #${k}`, t: 1 + Math.floor(rand() * 3), c: 3, size, to, layout: layouts[k % 3]! };
        c.name += ` ${c.layout} [${c.t},3,${size}] -> ${to}`;
        check(c, rand);
      }
    });

    it("'auto' and the async binding give the same bytes as the reference", async () => {
      const x = frames(rng(9), 5, 3, 360, 640, 'thwc');
      const ref = resizeBicubicAA(x, 196, 364, 'aten').toArray() as Uint8Array;
      const auto = resizeBicubicAA(x, 196, 364).toArray() as Uint8Array;
      const asyncOut = (await resizeBicubicAAAsync(x, 196, 364)).toArray() as Uint8Array;
      expect(Buffer.from(auto).equals(Buffer.from(ref))).toBe(true);
      expect(Buffer.from(asyncOut).equals(Buffer.from(ref))).toBe(true);
    });
  });

  it("rejects 'fast' for float32 frames and unknown impl names", () => {
    const x = frames(rng(1), 1, 3, 8, 8, 'planar').to('float32');
    expect(() => resizeBicubicAA(x, 4, 4, 'fast')).toThrow(/uint8/);
    expect(() => resizeBicubicAA(x, 4, 4, 'nope' as 'auto')).toThrow(/impl/);
  });
});
