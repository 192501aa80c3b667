/**
 * The ffmpeg and ffprobe that `npm ci` installs (optional dependencies that ship static binaries: ffmpeg 4.1 from
 * @ffmpeg-installer/linux-x64, ffprobe from @ffprobe-installer/linux-x64). Tests use these, never a system
 * package, so they pass on a machine with only the README's prerequisites. Resolved as lib/video/ffmpeg-binary.ts
 * resolves them, so paths compare equal.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function packaged(pkg: string, bin: string): string {
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), bin);
  } catch {
    throw new Error(`${pkg} is not installed: run \`npm ci\` (optional dependencies included), then \`npm run setup\``);
  }
}

export const NPM_FFMPEG = packaged('@ffmpeg-installer/linux-x64', 'ffmpeg');
export const NPM_FFPROBE = packaged('@ffprobe-installer/linux-x64', 'ffprobe');
