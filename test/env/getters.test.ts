// lib/env.ts's getters: defaults when unset, the values they accept, a RangeError naming the variable otherwise, and
// process.env read at call time (a value set after the import is seen).
import { afterEach, describe, expect, it } from 'vitest';

import {
  DEFAULT_DIST_TIMEOUT_MS,
  addonPathFromEnv,
  debugFromEnv,
  distTimeoutMsFromEnv,
  numThreadsFromEnv,
  readEnv,
  simulatedCudaFromEnv,
} from '../../lib/env.js';

describe('lib/env.ts getters', () => {
  it('RARFT_ADDON: a path, or undefined when unset or empty', () => {
    expect(addonPathFromEnv({})).toBeUndefined();
    expect(addonPathFromEnv({ RARFT_ADDON: '' })).toBeUndefined();
    expect(addonPathFromEnv({ RARFT_ADDON: '/x/rarft.node' })).toBe('/x/rarft.node');
  });

  it('RARFT_NUM_THREADS: a positive integer, else a RangeError naming it', () => {
    expect(numThreadsFromEnv({})).toBeUndefined();
    expect(numThreadsFromEnv({ RARFT_NUM_THREADS: '' })).toBeUndefined();
    expect(numThreadsFromEnv({ RARFT_NUM_THREADS: '3' })).toBe(3);
    for (const bad of ['0', '1.5', 'two', '-2'])
      expect(() => numThreadsFromEnv({ RARFT_NUM_THREADS: bad })).toThrow(new RangeError(`RARFT_NUM_THREADS must be a positive integer, got "${bad}"`));
  });

  it('RARFT_SIMULATE_CUDA: 0 when unset, empty or 0; 1..64 simulated GPUs; else a RangeError naming it', () => {
    for (const off of [undefined, '', '0']) expect(simulatedCudaFromEnv({ RARFT_SIMULATE_CUDA: off })).toBe(0);
    expect(simulatedCudaFromEnv({ RARFT_SIMULATE_CUDA: '2' })).toBe(2);
    expect(simulatedCudaFromEnv({ RARFT_SIMULATE_CUDA: '64' })).toBe(64);
    for (const bad of ['65', '-1', '1.5', 'yes']) expect(() => simulatedCudaFromEnv({ RARFT_SIMULATE_CUDA: bad })).toThrow(/^RARFT_SIMULATE_CUDA must be an integer 1\.\.64/);
  });

  it('RARFT_DEBUG: on only for 1', () => {
    expect(debugFromEnv({ RARFT_DEBUG: '1' })).toBe(true);
    for (const v of [undefined, '', '0', 'true']) expect(debugFromEnv({ RARFT_DEBUG: v })).toBe(false);
  });

  it('RARFT_DIST_TIMEOUT_MS: 30 minutes when unset; a positive integer, else a RangeError naming it', () => {
    expect(distTimeoutMsFromEnv({})).toBe(DEFAULT_DIST_TIMEOUT_MS);
    expect(DEFAULT_DIST_TIMEOUT_MS).toBe(30 * 60_000);
    expect(distTimeoutMsFromEnv({ RARFT_DIST_TIMEOUT_MS: '15000' })).toBe(15_000);
    for (const bad of ['soon', '0', '2.5']) expect(() => distTimeoutMsFromEnv({ RARFT_DIST_TIMEOUT_MS: bad })).toThrow(/^RARFT_DIST_TIMEOUT_MS must be a positive integer/);
  });

  describe('reads process.env when called', () => {
    const saved = process.env.RARFT_DEBUG;
    afterEach(() => {
      if (saved === undefined) delete process.env.RARFT_DEBUG;
      else process.env.RARFT_DEBUG = saved;
    });
    it('a value set after the import is seen', () => {
      process.env.RARFT_DEBUG = '1';
      expect(debugFromEnv()).toBe(true);
      expect(readEnv('RARFT_DEBUG')).toBe('1');
      process.env.RARFT_DEBUG = '0';
      expect(debugFromEnv()).toBe(false);
    });
  });
});
