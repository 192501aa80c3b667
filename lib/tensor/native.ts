/** The loaded addon, shared by the tensor modules. Loading is lazy so that pure-TS users never load libtorch. */
import type { NativeAddon } from '../native/addon.js';
import { numThreadsFromEnv } from '../env.js';
import { loadAddon } from '../native/load.js';

let addon: NativeAddon | undefined;

export function native(): NativeAddon {
  if (addon) return addon;
  addon = loadAddon();
  // libtorch uses every core by default; RARFT_NUM_THREADS caps intra-op threads for the whole process.
  const n = numThreadsFromEnv();
  if (n !== undefined) addon.setNumThreads(n);
  return addon;
}
