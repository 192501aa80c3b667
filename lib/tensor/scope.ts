/**
 * Scopes free every tensor made inside them except what they return (tfjs's tidy, made async-safe).
 * Sync scopes use a plain stack; async scopes use AsyncLocalStorage so concurrent async work does not mix its tensors.
 * GC finalizers (in tensor.ts) are only a safety net: code is expected to dispose or scope every tensor.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Anything a scope can own: tensors and other native handles. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

export class Scope {
  readonly owned: Disposable[] = [];
  track(d: Disposable): void {
    this.owned.push(d);
  }
  /** Stop owning `d` (it was kept or moved to another scope). */
  release(d: Disposable): void {
    const i = this.owned.lastIndexOf(d);
    if (i >= 0) this.owned.splice(i, 1);
  }
  disposeAllExcept(keep: Set<Disposable>, parent: Scope | undefined): void {
    for (const d of this.owned) {
      if (keep.has(d)) parent?.track(d);
      else d.dispose();
    }
    this.owned.length = 0;
  }
}

const syncStack: Scope[] = [];
const asyncScopes = new AsyncLocalStorage<Scope>();
let asyncScopesUsed = false;

/** The scope new handles join, if any. */
export function currentScope(): Scope | undefined {
  const n = syncStack.length;
  if (n) return syncStack[n - 1];
  return asyncScopesUsed ? asyncScopes.getStore() : undefined;
}

function collectDisposables(value: unknown, out: Set<Disposable>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (typeof (value as Disposable).dispose === 'function' && 'isDisposed' in (value as object)) {
    out.add(value as Disposable);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectDisposables(v, out, seen);
  else if (value instanceof Map) for (const v of value.values()) collectDisposables(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectDisposables(v, out, seen);
}

/**
 * Runs `fn` and disposes every tensor created inside it, except those reachable from its return value (through arrays,
 * Maps and plain objects), which move to the enclosing scope. `fn` must be synchronous: use `tidyAsync` for async code.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Scope();
  syncStack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    syncStack.pop();
    scope.disposeAllExcept(new Set(), undefined);
    throw err;
  }
  syncStack.pop();
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    scope.disposeAllExcept(new Set(), undefined);
    throw new TypeError('tidy(fn): fn returned a Promise; use tidyAsync for async code');
  }
  const keep = new Set<Disposable>();
  collectDisposables(result, keep);
  scope.disposeAllExcept(keep, currentScope());
  return result;
}

/** The async form of `tidy`: tensors made by `fn` and the async work it awaits are disposed when it settles. */
export async function tidyAsync<T>(fn: () => Promise<T>): Promise<T> {
  asyncScopesUsed = true;
  const parent = currentScope();
  const scope = new Scope();
  let result: T;
  try {
    result = await asyncScopes.run(scope, fn);
  } catch (err) {
    scope.disposeAllExcept(new Set(), undefined);
    throw err;
  }
  const keep = new Set<Disposable>();
  collectDisposables(result, keep);
  scope.disposeAllExcept(keep, parent);
  return result;
}

/** Takes `d` out of whatever scope owns it, so it outlives that scope. Returns `d`. */
export function keep<T extends Disposable>(d: T): T {
  for (const s of syncStack) s.release(d);
  asyncScopes.getStore()?.release(d);
  return d;
}

/** Disposes every handle in `values` (arrays and plain objects are walked). */
export function dispose(...values: unknown[]): void {
  const all = new Set<Disposable>();
  for (const v of values) collectDisposables(v, all);
  for (const d of all) d.dispose();
}
