/**
 * safetensors (HF's tensor file format) through the addon: loads map the file and return zero-copy CPU tensors
 * (or copies on another device); saves are atomic (temp file, then rename), so an interrupted save never leaves a
 * truncated file under the final name.
 */
import type { SafetensorsHeader } from '../native/bindings/io.js';
import { native } from '../tensor/native.js';
import { Tensor } from '../tensor/tensor.js';

export type { SafetensorsHeader } from '../native/bindings/io.js';

/** Names, dtypes and shapes without loading any data. */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  return native().safetensorsHeader(path);
}

export interface LoadedSafetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** Loads all tensors (or `names`), in file order. Dispose the tensors when done. */
export async function loadSafetensors(path: string, opts: { names?: string[]; device?: string } = {}): Promise<LoadedSafetensors> {
  const r = await native().loadSafetensors(path, opts.names ?? null, opts.device ?? null);
  const tensors = new Map<string, Tensor>();
  r.names.forEach((n, i) => tensors.set(n, new Tensor(r.handles[i]!)));
  return { tensors, metadata: r.metadata };
}

/** Writes tensors (any dtype/device; copied to contiguous CPU) with optional string metadata, atomically. */
export async function saveSafetensors(
  path: string,
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  await native().saveSafetensors(
    path,
    entries.map(([n]) => n),
    entries.map(([, t]) => t.handle),
    metadata,
  );
}
