/** The loaded addon, shared by the tensor modules. Loading is lazy so that pure-TS users never load libtorch. */
import type { NativeAddon } from '../native/addon-types.js';
import { loadAddon } from '../native/load.js';

let addon: NativeAddon | undefined;

export function native(): NativeAddon {
  return (addon ??= loadAddon());
}
