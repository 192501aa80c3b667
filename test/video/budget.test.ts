// smart_nframes / smart_resize / per-frame budget against the spec's worked numbers (qwen25vl-spec §5.7 table,
// rarft-reference §4.5 worked example) and the rounding traps (§5.2: half-to-even).
import { describe, expect, it } from 'vitest';
import { TIMER1_MIN_PIXELS, TIMER1_TOTAL_PIXELS, VIDEO_TOTAL_PIXELS } from '../../lib/video/constants.js';
import { pyRound, roundByFactor } from '../../lib/video/py-math.js';
import { sampleFrames, smartNframes } from '../../lib/video/sampling.js';
import { AspectRatioError, smartResize, videoFrameSize, videoMaxPixels } from '../../lib/video/smart-resize.js';

const budget = { minPixels: TIMER1_MIN_PIXELS, totalPixels: TIMER1_TOTAL_PIXELS };

describe('python rounding', () => {
  it('rounds half to even like Python round()', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.4999, 2.5001].map(pyRound)).toEqual([0, 2, 2, 4, 0, -2, 2, 3]);
    expect(roundByFactor(70, 28)).toBe(56); // 2.5 -> 2, not 3 (84)
    expect(roundByFactor(42, 28)).toBe(56); // 1.5 -> 2
  });
  it('has the qwen-vl-utils constants', () => {
    expect(VIDEO_TOTAL_PIXELS).toBe(90_316_800);
    expect(TIMER1_TOTAL_PIXELS).toBe(2_809_856);
    expect(TIMER1_MIN_PIXELS).toBe(12_544);
  });
});

describe('spec §5.7 worked budgets (Time-R1 settings)', () => {
  const rows = [
    { name: '30 s, 30 fps, 360x480', T: 900, fps: 30, h: 360, w: 480, n: 60, sfps: 2.0, spg: 1.0, size: [252, 336], grid: [30, 18, 24], tokens: 3240 },
    { name: '30.5 s, 29.97 fps, 360x640', T: 914, fps: 30000 / 1001, h: 360, w: 640, n: 60, sfps: 1.9674, spg: 1.0166, size: [224, 392], grid: [30, 16, 28], tokens: 3360 },
    { name: '150 s, 25 fps, 720x1280', T: 3750, fps: 25, h: 720, w: 1280, n: 300, sfps: 2.0, spg: 1.0, size: [84, 168], grid: [150, 6, 12], tokens: 2700 },
    { name: '600 s, 30 fps, 360x640', T: 18000, fps: 30, h: 360, w: 640, n: 768, sfps: 1.28, spg: 1.5625, size: [84, 140], grid: [384, 6, 10], tokens: 5760 },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const s = sampleFrames(r.T, r.fps);
      expect(s.nframes).toBe(r.n);
      expect(s.indices).toHaveLength(r.n);
      expect(s.sampleFps.toFixed(4)).toBe(r.sfps.toFixed(4));
      expect((2 / s.sampleFps).toFixed(4)).toBe(r.spg.toFixed(4));
      const size = videoFrameSize(r.h, r.w, s.nframes, budget);
      expect([size.height, size.width]).toEqual(r.size);
      const grid = [s.nframes / 2, size.height / 14, size.width / 14];
      expect(grid).toEqual(r.grid);
      expect((grid[0]! * grid[1]! * grid[2]!) / 4).toBe(r.tokens);
    });
  }

  it('rarft-reference §4.5 worked example: 30 s, 30 fps, 480x360', () => {
    const s = sampleFrames(900, 30);
    expect(s.nframes).toBe(60);
    expect(s.sampleFps).toBe(2);
    expect(videoMaxPixels(60, budget).toFixed(1)).toBe('93661.9');
    expect(roundByFactor(360, 28) * roundByFactor(480, 28)).toBe(173_264); // 364 x 476 > max_px
    expect(Math.sqrt((360 * 480) / videoMaxPixels(60, budget)).toFixed(4)).toBe('1.3583');
    expect(videoFrameSize(360, 480, 60, budget)).toEqual({ height: 252, width: 336 });
  });

  it('the min_pixels*1.05 floor: int(12544*1.05) = 13171', () => {
    expect(videoMaxPixels(768, budget)).toBe(13_171);
    expect(videoMaxPixels(60, budget)).toBeCloseTo(2_809_856 / 30, 9);
    expect(videoMaxPixels(2, budget)).toBe(602_112);
    expect(videoMaxPixels(60, { ...budget, maxPixels: 50_000 })).toBe(50_000);
  });
});

describe('smart_nframes', () => {
  it('clamps to [4, min(768, T)] and floors to even', () => {
    expect(smartNframes(10, 30)).toBe(4); // 0.67 -> min 4
    expect(smartNframes(5, 30)).toBe(4);
    expect(smartNframes(3, 30)).toBe(2); // min(max(.2,4), floor_even(3)=2, 3) = 2
    expect(smartNframes(100, 1)).toBe(100); // 200 -> capped at T
    expect(smartNframes(101, 1)).toBe(100);
    expect(smartNframes(100_000, 30)).toBe(768);
    expect(smartNframes(300, 30, { nframes: 9 })).toBe(8); // round_by_factor(9, 2) = round(4.5)*2 = 8
  });
  it('errors outside [2, T]', () => {
    expect(() => smartNframes(1, 30)).toThrow(/nframes should be in the interval \[2, 1\], but got 0/);
    expect(() => smartNframes(300, 30, { nframes: 4, fps: 2 })).toThrow(/either/);
  });
});

describe('frame indices', () => {
  it('round(linspace(0, T-1, n)) in float32 with half-to-even', () => {
    // linspace(0, 9, 4) = 0, 3, 6, 9 ; linspace(0, 5, 4) = 0, 1.666.., 3.333.., 5 ; linspace(0,3,3) = 0, 1.5, 3 -> 0, 2, 3
    expect(sampleFrames(10, 5, { reader: 'decord' }).indices).toEqual([0, 3, 6, 9]);
    expect(sampleFrames(6, 3, { reader: 'decord' }).indices).toEqual([0, 2, 3, 5]);
    expect(sampleFrames(900, 30).indices.slice(0, 4)).toEqual([0, 15, 30, 46]); // 899/59 = 15.237...
    expect(sampleFrames(900, 30).indices.at(-1)).toBe(899);
  });
  it('timer1 reader: int(T/fps*fps) can be T-1 and is kept (15000/1001 fps, 61 frames)', () => {
    const s = sampleFrames(61, 15000 / 1001);
    expect(s.framesConsidered).toBe(60);
    expect(s.indices.at(-1)).toBe(59);
    expect(s.sampleFps).toBeCloseTo((s.nframes / 60) * (15000 / 1001), 12);
    const d = sampleFrames(61, 15000 / 1001, { reader: 'decord' });
    expect(d.framesConsidered).toBe(61);
    expect(d.indices.at(-1)).toBe(60);
  });
  it('timer1 reader honours video_start / video_end', () => {
    const s = sampleFrames(300, 30, { videoStart: 2, videoEnd: 4 });
    expect(s.startFrame).toBe(60);
    expect(s.framesConsidered).toBe(60);
    expect(s.nframes).toBe(4);
    expect(s.indices).toEqual([60, 80, 99, 119]);
  });
});

describe('smart_resize edge cases', () => {
  it('min-pixels path upsizes tiny frames (video.webm 50x28)', () => {
    expect(smartResize(28, 50, { minPixels: TIMER1_MIN_PIXELS, maxPixels: 602_112 })).toEqual({ height: 84, width: 168 });
  });
  it('aspect ratio > 200 is an error', () => {
    expect(() => smartResize(10, 2010, { minPixels: 1, maxPixels: 1e9 })).toThrow(AspectRatioError);
    expect(() => smartResize(10, 2000, { minPixels: 1, maxPixels: 1e9 })).not.toThrow();
  });
});
