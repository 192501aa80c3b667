/**
 * The device this process trains on: the config's `device`, made rank-specific in multi-process runs (cuda ->
 * cuda:LOCAL_RANK, lib/distributed/device.ts). Checked before anything is loaded, so a CUDA device on an addon without CUDA,
 * or a GPU index past the visible ones, is one clear error naming the config field instead of a libtorch failure
 * in the middle of loading a 7B checkpoint.
 */
import type { TrainConfig } from '../config/schema.js';
import { rankDevice } from '../distributed/device.js';
import { DataError } from '../errors.js';
import { type Device, buildInfo, cuda } from '../tensor/index.js';
import type { DistContext } from './dist-context.js';

export function trainingDevice(cfg: Pick<TrainConfig, 'device'>, dist: DistContext | null): Device {
  const device = rankDevice(cfg.device as Device, dist?.group.env.localRank ?? 0, dist?.world ?? 1);
  if (!device.startsWith('cuda')) return device;
  if (!cuda.isAvailable()) {
    const why = buildInfo().cudaBuild
      ? 'no GPU is visible to this process (check CUDA_VISIBLE_DEVICES and the driver)'
      : 'this addon was built against a CPU-only libtorch (rebuild with LIBTORCH pointing at a CUDA libtorch, see README "How libtorch is found")';
    throw new DataError(`device '${cfg.device}' asks for a GPU, but ${why}; or set device: cpu`, { field: 'device' });
  }
  const index = device === 'cuda' ? 0 : Number(device.slice('cuda:'.length));
  const count = cuda.deviceCount();
  if (index >= count) throw new DataError(`device '${device}' does not exist: ${count} GPU(s) are visible`, { field: 'device' });
  return device;
}
