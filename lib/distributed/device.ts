/**
 * Which device a rank computes on, and where its collectives take their tensors.
 *
 * `device: cuda` in a multi-process run means "this rank's GPU", cuda:LOCAL_RANK, as torchrun/accelerate users
 * expect: libtorch's current device is per thread, and our model loads and steps run on pool threads, so a bare
 * "cuda" would put every rank on GPU 0. An explicit cuda:N is kept (the user placed the rank).
 * NCCL takes tensors on the rank's GPU only; Gloo is given CPU tensors (it runs its collectives on the host).
 */
import type { Device } from '../tensor/index.js';
import type { Backend } from './process-group.js';

export function rankDevice(device: Device, localRank: number, worldSize: number): Device {
  if (device === 'cuda' && worldSize > 1) return `cuda:${localRank}`;
  return device;
}

/**
 * The device of the tensors a group's collectives take: the rank's GPU for NCCL, else the CPU. Under the device audit
 * (simulated GPUs, lib/tensor/runtime.ts) a Gloo group for a CUDA run stands in for NCCL and takes the rank's
 * (simulated) GPU, so that the audit holds every collective to NCCL's rule.
 */
export function collectiveDevice(backend: Backend, device: string, localRank: number, simulatedCuda = false): Device {
  if ((backend !== 'nccl' && !simulatedCuda) || !device.startsWith('cuda')) return 'cpu';
  return device === 'cuda' ? `cuda:${localRank}` : (device as Device);
}
