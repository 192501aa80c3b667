/** Process-wide runtime: threads, CUDA, build facts, grad mode, memory accounting. */
import type { BuildInfo } from '../native/addon.js';
import { native } from './native.js';
import { handlesFreedByGC } from './tensor.js';

/** libtorch version and what the addon was built with (CUDA, Gloo, NCCL). */
export function buildInfo(): BuildInfo {
  return native().buildInfo();
}

/** Intra-op threads libtorch uses (default: all cores). */
export function setNumThreads(n: number): void {
  native().setNumThreads(n);
}
export function getNumThreads(): number {
  return native().getNumThreads();
}

export const cuda = {
  isAvailable(): boolean {
    return native().cudaIsAvailable();
  },
  deviceCount(): number {
    return native().cudaDeviceCount();
  },
  synchronize(): void {
    native().cudaSynchronize();
  },
};

/**
 * Deterministic kernels only (like torch.use_deterministic_algorithms(True) + cudnn.deterministic): GPU results then
 * repeat bit for bit (an op without a deterministic kernel throws instead of silently varying). cuBLAS reads
 * CUBLAS_WORKSPACE_CONFIG when it creates its handle, so call this before the first GPU matmul of the process.
 */
export function setDeterministic(on: boolean): void {
  if (on) process.env.CUBLAS_WORKSPACE_CONFIG ??= ':4096:8';
  native().setDeterministic(on);
}

/**
 * The device audit: with `devices` > 0, "cuda:k" tensors are made on the CPU but carry the label cuda:k through every
 * op, and tensors of different devices meeting in an op throw the TorchError libtorch throws on a GPU. It lets a
 * machine without a GPU check where a training step puts its tensors (RARFT_SIMULATE_CUDA=n sets it at load).
 * Turn it on before creating tensors or models: earlier ones read as cpu.
 */
export const deviceAudit = {
  enable(devices = 1): void {
    native().setDeviceAudit(devices);
  },
  disable(): void {
    native().setDeviceAudit(0);
  },
  /** Simulated GPUs, 0 when the audit is off. */
  devices(): number {
    return native().deviceAudit();
  },
};

/** Live native tensor handles and host bytes reported to V8; for leak tests and monitoring. */
export function memory(): { liveTensors: number; hostBytes: number; freedByGC: number } {
  const N = native();
  return { liveTensors: N.liveTensors(), hostBytes: N.reportedHostBytes(), freedByGC: handlesFreedByGC() };
}

/** Runs `fn` with autograd recording off (like torch.no_grad()), restoring the previous mode after. */
export function noGrad<T>(fn: () => T): T {
  const N = native();
  const prev = N.setGradEnabled(false);
  try {
    const r = fn();
    if (r && typeof (r as { then?: unknown }).then === 'function')
      throw new TypeError('noGrad(fn): fn returned a Promise; use noGradAsync');
    return r;
  } finally {
    N.setGradEnabled(prev);
  }
}

/**
 * Async no-grad: grad mode is a per-thread flag, so it is off for everything on the JS thread until `fn` settles
 * (native async work started meanwhile captures the mode when it starts). Avoid running grad-needing work concurrently.
 */
export async function noGradAsync<T>(fn: () => Promise<T>): Promise<T> {
  const N = native();
  const prev = N.setGradEnabled(false);
  try {
    return await fn();
  } finally {
    N.setGradEnabled(prev);
  }
}

export function isGradEnabled(): boolean {
  return native().isGradEnabled();
}
