/**
 * One fuzzed parser: how to build its base inputs once per child process, how to derive case i from them, how to run
 * the product code on a case, and (optionally) what a correct result must satisfy. The property checked for every
 * case (runner.ts): the run either succeeds (and `check` finds nothing wrong) or throws a DataError, TorchError or
 * RangeError whose message names one of the case's files; the child must not crash, hang or grow without bound.
 */
import type { Rng } from './mutate.js';

export interface FuzzCase {
  /** Paths an error message may name (any one of them, or a path under one of them). */
  names: string[];
  /** What the case did, for the report (mutation mode). */
  mode: string;
}

export interface FuzzTarget<B, C extends FuzzCase> {
  /** Base inputs, built once per child into `dir` (which may already hold them from an earlier child). */
  setup(dir: string): Promise<B>;
  /** Writes case files into the empty folder `dir`. */
  make(rng: Rng, base: B, dir: string): Promise<C> | C;
  /** The product code under test; its value goes to `check`. */
  run(c: C): Promise<unknown> | unknown;
  /** A short label of the result for the report (e.g. 'null' or 'info'), appended to the case's mode. */
  tag?(result: unknown): string;
  /** A correct-result check: null when fine, else what is wrong. */
  check?(c: C, result: unknown): string | null | Promise<string | null>;
}

/** Declares a target with its own base and case types. */
export const defineTarget = <B, C extends FuzzCase>(t: FuzzTarget<B, C>): FuzzTarget<B, C> => t;
