/** The loaded addon, shared by the tensor modules. Loading is lazy so that pure-TS users never load libtorch. */
import type { NativeAddon } from '../native/addon.js';
import { loadAddon } from '../native/load.js';

let addon: NativeAddon | undefined;

export function native(): NativeAddon {
  if (addon) return addon;
  addon = loadAddon();
  // libtorch uses every core by default; RARFT_NUM_THREADS caps intra-op threads for the whole process.
  const n = process.env.RARFT_NUM_THREADS;
  if (n) {
    const v = Number(n);
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`RARFT_NUM_THREADS must be a positive integer, got "${n}"`);
    addon.setNumThreads(v);
  }
  return addon;
}
