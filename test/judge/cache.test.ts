import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JudgeCache, judgeCacheKey } from '../../lib/judge/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('JudgeCache', () => {
  const base = { stage: 'relevance', model: 'm', promptVersion: 'v1', temperature: 0, inputs: ['12 to 15'] };

  it('keys change with stage, model, prompt version, temperature and inputs', () => {
    const k = judgeCacheKey(base);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(judgeCacheKey({ ...base })).toBe(k);
    for (const change of [{ stage: 'reasoning' }, { model: 'm2' }, { promptVersion: 'v2' }, { temperature: 1 }, { inputs: ['12 to 16'] }]) {
      expect(judgeCacheKey({ ...base, ...change })).not.toBe(k);
    }
  });

  it('persists entries as JSONL and survives a truncated last line from a killed run', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rarft-cache-'));
    dirs.push(dir);
    const file = path.join(dir, 'sub', 'cache.jsonl');
    const a = new JudgeCache(file);
    a.set({ key: 'k1', stage: 'relevance', model: 'm', value: { relevant: true, span: [1, 2] } });
    a.set({ key: 'k2', stage: 'reasoning', model: 'm', value: 3.5 });
    appendFileSync(file, '{"key": "k3", "stage": "rea');
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    const b = new JudgeCache(file);
    expect(b.size).toBe(2);
    expect(b.skippedLines).toBe(1);
    expect(b.get('k1')!.value).toEqual({ relevant: true, span: [1, 2] });
    expect(b.get('k3')).toBeUndefined();
    b.set({ key: 'k4', stage: 'categories', model: 'm', value: [] });
    const c = new JudgeCache(file);
    expect([c.size, c.skippedLines]).toEqual([3, 1]); // k4 was not glued onto the broken line
    expect(new JudgeCache().size).toBe(0); // in-memory only
  });
});
