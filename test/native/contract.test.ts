/**
 * The addon's real exports against the one typed contract (lib/native/addon.ts, lib/native/arity.ts), both ways:
 * every export is in the contract and every contract entry is exported, each is a function, and each function's
 * parameter count (registered with SetFn in csrc/napi/exports.h) equals the contract's.
 */
import { describe, expect, it } from 'vitest';

import { NATIVE_ARITY } from '../../lib/native/arity.js';
import { loadAddon } from '../../lib/native/load.js';
import { contractDiff } from './contract-diff.js';

const EMPTY = { notInContract: [], notInAddon: [], notFunctions: [], arity: [] };

describe('native contract', () => {
  it('the loaded addon exports exactly the contract, with the same arities', () => {
    const addon = loadAddon();
    expect(Object.keys(addon).length).toBe(Object.keys(NATIVE_ARITY).length);
    expect(contractDiff(addon, NATIVE_ARITY)).toEqual(EMPTY);
  });

  it('the check sees each kind of drift', () => {
    // a copy of the real addon, drifted four ways
    const drifted: Record<string, unknown> = { ...loadAddon() };
    delete drifted.zeros; // an export the contract promises is gone
    drifted.extraOp = (a: number) => a; // an export the contract does not know
    drifted.add = (a: number, b: number, alpha: number) => a + b * alpha; // a parameter added on one side only
    drifted.noop = 1; // not a function
    expect(contractDiff(drifted, NATIVE_ARITY)).toEqual({
      notInContract: ['extraOp'],
      notInAddon: ['zeros'],
      notFunctions: ['noop'],
      arity: ['add: native 3 != contract 2'],
    });
  });
});
