import { describe, expect, it } from 'vitest';
import { ItemProgress } from '../../lib/logging/progress.js';

function sink() {
  const out: string[] = [];
  return { out, write: (s: string) => out.push(s) };
}

describe('ItemProgress', () => {
  it('computes rate and ETA from the clock', () => {
    let t = 0;
    const s = sink();
    const p = new ItemProgress({ total: 100, label: 'videos', stream: s, tty: false, now: () => t });
    t = 10_000;
    p.tick(20); // 20 in 10 s -> 2/s, 80 left -> 40 s
    expect(p.rate()).toBe(2);
    expect(p.eta()).toBe(40);
    expect(p.format()).toBe('videos 20/100 (20%) 2.00/s ETA 40s');
  });

  it('plain lines off a TTY: one per 10 % crossed, then a final line only if needed', () => {
    let t = 0;
    const s = sink();
    const p = new ItemProgress({ total: 20, stream: s, tty: false, now: () => t });
    for (let i = 0; i < 20; i++) {
      t += 1000;
      p.tick();
    }
    p.done();
    expect(s.out).toHaveLength(10);
    expect(s.out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(s.out.at(-1)).toBe('20/20 (100%) 1.00/s ETA 0s\n');
  });

  it('redraws in place on a TTY, with a bar, and log() keeps the bar intact', () => {
    let t = 0;
    const s = sink();
    const p = new ItemProgress({ total: 4, stream: s, tty: true, now: () => t });
    t = 1000;
    p.tick();
    p.log('warning: x');
    t = 2000;
    p.tick(3);
    p.done();
    expect(s.out[0]).toBe('\r\x1b[K1/4 (25%) [#####---------------] 1.00/s ETA 3s');
    expect(s.out[1]).toBe('\r\x1b[Kwarning: x\n');
    expect(s.out.at(-1)).toBe('\n');
    expect(s.out.at(-2)).toContain('4/4 (100%) [####################]');
  });
});
