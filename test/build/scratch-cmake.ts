/**
 * A scratch copy of the project's CMake files with one empty source, configured (never built) with a controlled
 * environment, so a test sees exactly what the discovery modules find (cmake/*.cmake) and nothing of this machine's
 * own setup: the repo's .libtorch and .deps are not there unless a test puts them there, and the system folders
 * searched for Gloo headers are an empty folder unless a test names others.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repo = process.cwd();

export interface Scratch {
  dir: string;
  /** The scratch project's source folder (CMakeLists.txt, cmake/, csrc/empty.cpp). */
  src: string;
  /** `out`: cmake's stdout and stderr, every whitespace run made one space. */
  configure(env?: Record<string, string | undefined>, extra?: string[]): { code: number; out: string; build: string };
  remove(): void;
}

// Variables of the user's environment that would steer the discovery.
const STEERING = ['LIBTORCH', 'LIBTORCH_USE_PYTORCH', 'LIBTORCH_BYPASS_VERSION_CHECK', 'GLOO_INCLUDE_DIR', 'RARFT_WITHOUT_GLOO', 'NCCL_INCLUDE_DIR', 'RARFT_WITHOUT_NCCL'];

export function scratchProject(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'rarft-cmake-'));
  const src = join(dir, 'src');
  const noSystem = join(dir, 'no-system-headers');
  mkdirSync(join(src, 'csrc'), { recursive: true });
  mkdirSync(noSystem);
  writeFileSync(join(src, 'csrc', 'empty.cpp'), '// configure-only scratch source\n');
  cpSync(join(repo, 'CMakeLists.txt'), join(src, 'CMakeLists.txt'));
  cpSync(join(repo, 'cmake'), join(src, 'cmake'), { recursive: true });
  let n = 0;
  return {
    dir,
    src,
    configure(env = {}, extra = []) {
      const build = join(dir, `b${n++}`);
      const clean: Record<string, string | undefined> = { ...process.env };
      for (const k of STEERING) delete clean[k];
      const r = spawnSync(
        'cmake',
        ['-S', src, '-B', build, `-DNODE_ADDON_API_DIR=${join(repo, 'node_modules', 'node-addon-api')}`, `-DRARFT_GLOO_SYSTEM_DIRS=${noSystem}`, ...extra],
        { env: { ...clean, ...env }, encoding: 'utf8' },
      );
      // CMake wraps long messages at word boundaries: whitespace runs become one space so tests match phrases
      return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}`.replace(/\s+/g, ' '), build };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
