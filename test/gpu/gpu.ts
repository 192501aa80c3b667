/**
 * The `gpu` suite runs only where a real GPU is usable: a CUDA build of the addon, a visible device, and not the
 * device audit's simulated GPUs (those are for the CPU suites). Elsewhere every file of the suite skips with the
 * reason printed once, so `npm test -- --project gpu` on a CPU machine says why nothing ran.
 */
import { buildInfo, cuda, deviceAudit } from '../../lib/tensor/index.js';

function check(): string | null {
  if (!buildInfo().cudaBuild) return 'the addon was built against a CPU-only libtorch';
  if (deviceAudit.devices() > 0) return 'the device audit (RARFT_SIMULATE_CUDA) is on: its GPUs are simulated';
  if (!cuda.isAvailable()) return 'no GPU is visible to this process';
  return null;
}

export const NO_GPU_REASON = check();
export const HAS_GPU = NO_GPU_REASON === null;
export const GPU = 'cuda:0';

let said = false;
/** Prints the skip reason once per process (a file's describe title carries it too). */
export function skipNote(): string {
  if (NO_GPU_REASON && !said) {
    said = true;
    console.log(`[gpu suite] skipped: ${NO_GPU_REASON}`);
  }
  return NO_GPU_REASON ? ` (skipped: ${NO_GPU_REASON})` : '';
}
