// The append-only JSONL logs' reader and writer repair (lib/logging/jsonl-log.ts): only a torn last line is
// tolerated; every other bad line names the file and the line; a writer never appends onto a torn line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { readJsonlLog, repairTornTail } from '../../lib/logging/jsonl-log.js';
import { MetricsWriter, readMetrics } from '../../lib/logging/metrics-jsonl.js';

const file = (text: string) => {
  const f = join(mkdtempSync(join(tmpdir(), 'rarft-jsonl-')), 'log.jsonl');
  writeFileSync(f, text);
  return f;
};
const anyObject = (v: unknown) => (v !== null && typeof v === 'object' ? (v as object) : 'expected an object');

describe('readJsonlLog', () => {
  it('drops a torn last line, keeps an unterminated complete one', () => {
    expect(readJsonlLog(file('{"a":1}\n{"a":2'), anyObject)).toEqual({ records: [{ a: 1 }], tornTail: true });
    expect(readJsonlLog(file('{"a":1}\n{"a":2}'), anyObject)).toEqual({ records: [{ a: 1 }, { a: 2 }], tornTail: false });
    expect(readJsonlLog(file('\n\n{"a":1}\n\n'), anyObject).records).toEqual([{ a: 1 }]);
  });
  it('fails on a bad line before the last, and on a record that does not check, naming file and line', () => {
    const f = file('{"a":1}\n{"a":\n{"a":3}\n');
    expect(() => readJsonlLog(f, anyObject)).toThrow(new RegExp(`^${f}: line 2: not valid JSON`));
    const g = file('{"a":1}\n[1]\n');
    expect(() => readJsonlLog(g, (v) => (Array.isArray(v) ? 'expected an object, got an array' : v))).toThrow(new RegExp(`^${g}: line 2: expected an object, got an array`));
  });
  it('readMetrics: a corrupt middle line is an error naming the line, not silently skipped', () => {
    const f = file('{"step":1}\ngarbage\n{"step":3}\n');
    expect(() => readMetrics(f)).toThrow(new RegExp(`${f}: line 2`));
  });
});

describe('repairTornTail', () => {
  it('cuts a torn tail, terminates a complete one, leaves a clean file alone', () => {
    const torn = file('{"step":1}\n{"step":2,"lo');
    expect(repairTornTail(torn)).toBe('cut');
    expect(readFileSync(torn, 'utf8')).toBe('{"step":1}\n');
    const whole = file('{"step":1}\n{"step":2}');
    expect(repairTornTail(whole)).toBe('terminated');
    expect(readFileSync(whole, 'utf8')).toBe('{"step":1}\n{"step":2}\n');
    const clean = file('{"step":1}\n');
    expect(repairTornTail(clean)).toBe('none');
    const onlyTorn = file('{"st');
    expect(repairTornTail(onlyTorn)).toBe('cut');
    expect(readFileSync(onlyTorn, 'utf8')).toBe('');
  });
  it('MetricsWriter reopening a torn file appends on a line of its own', () => {
    const f = file('{"step":1}\n{"step":2,"lo');
    const w = new MetricsWriter(f, { fsync: false });
    w.write({ step: 2, loss: 0.5 });
    w.close();
    expect(readMetrics(f)).toEqual([{ step: 1 }, { step: 2, loss: 0.5 }]);
  });
});
