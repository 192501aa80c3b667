/**
 * The vitest projects, by what their tests need (vitest.config.ts; README "Tests"):
 *   unit          no addon and no libtorch: TypeScript, data files, the npm-shipped ffmpeg/ffprobe. Seconds.
 *   native        the addon on the CPU (and what `npm run setup` brings: libtorch, the SBERT weights).
 *   multiprocess  several processes: c10d process groups over Gloo, the launcher and its workers.
 *   gpu           test/gpu/: CUDA. Skipped, with one printed reason, where the addon has no CUDA.
 *
 * A test file's project, first rule that applies:
 *   1. under test/gpu/                                              -> gpu
 *   2. a `@suite <project>` tag in the file (what imports cannot show, e.g. a child process that loads the addon)
 *   3. it creates a process group or launches processes (initProcessGroup, launch, launchWorkers, spawnRanks,
 *      launchTrainerRanks)
 *                                                                   -> multiprocess
 *   4. its static imports (followed through relative imports, type-only ones left out) reach lib/native/ -> native
 *   5. otherwise                                                    -> unit
 * The unit project runs with RARFT_ADDON pointing nowhere (vitest.config.ts), so a file put there wrongly fails
 * with the loader's error instead of quietly loading the addon: add a `@suite native` tag to it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const SUITES = ['unit', 'native', 'multiprocess', 'gpu'] as const;
export type Suite = (typeof SUITES)[number];

// a comment line `// @suite native` (or ` * @suite native` in a block comment)
const TAG = /^\s*(?:\/\/|\*)\s*@suite\s+(unit|native|multiprocess|gpu)\b/m;
const LAUNCHES = /\b(?:initProcessGroup|launch|launchWorkers|spawnRanks|launchTrainerRanks)\s*\(/;
// `import x from './y.js'`, `export { x } from './y.js'`, `import './y.js'`, `await import('./y.js')`; not `import type`.
const RELATIVE_IMPORT = /(?:^|[;\s])(?:import(?!\s+type\b)[^'";]*?\sfrom\s*|export[^'";]*?\sfrom\s*|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
    const spec = resolve(dirname(file), m[1]!);
    for (const candidate of [spec.replace(/\.js$/, '.ts'), spec, `${spec}.ts`, join(spec, 'index.ts')]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) {
        out.push(candidate);
        break;
      }
    }
  }
  return out;
}

/** True when file's static import graph reaches a module under dir. */
function reaches(file: string, dir: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  if (file.startsWith(dir)) return true;
  return importsOf(file).some((f) => reaches(f, dir, seen));
}

/** The project of one test file (absolute path), by the rules above. */
export function suiteOf(root: string, file: string): Suite {
  if (relative(join(root, 'test', 'gpu'), file).split(sep)[0] !== '..') return 'gpu';
  const text = readFileSync(file, 'utf8');
  const tag = TAG.exec(text);
  if (tag) return tag[1] as Suite;
  if (LAUNCHES.test(text)) return 'multiprocess';
  if (reaches(file, join(root, 'lib', 'native') + sep)) return 'native';
  return 'unit';
}

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' || name === 'node_modules' || name.startsWith('.') ? [] : testFiles(p);
    return name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every test file under root/test, relative to root, grouped by project (each list sorted). */
export function classifyTests(root: string): Record<Suite, string[]> {
  const groups: Record<Suite, string[]> = { unit: [], native: [], multiprocess: [], gpu: [] };
  for (const f of testFiles(join(root, 'test')).sort()) groups[suiteOf(root, f)].push(relative(root, f));
  return groups;
}

/** What the built addon offers, asked in a child process (loading libtorch costs ~0.6 s and ~200 MB). */
export interface AddonFacts {
  loaded: boolean;
  /** Why it could not be loaded (first line of the loader's error). */
  error?: string;
  libtorch?: string;
  gloo?: boolean;
  cudaBuild?: boolean;
  cudaAvailable?: boolean;
}

export function probeAddon(root: string, env: NodeJS.ProcessEnv = process.env): AddonFacts {
  const addon = env.RARFT_ADDON || join(root, 'build', 'Release', 'rarft.node');
  const script = `
    let out;
    try {
      const a = require(${JSON.stringify(addon)});
      const i = a.buildInfo();
      out = { loaded: true, libtorch: i.libtorch, gloo: i.gloo, cudaBuild: i.cudaBuild, cudaAvailable: i.cudaBuild ? a.cudaIsAvailable() : false };
    } catch (e) {
      out = { loaded: false, error: ${JSON.stringify(addon)} + ': ' + String(e && e.message).split('\\n')[0] };
    }
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  try {
    return JSON.parse(r.stdout) as AddonFacts;
  } catch {
    return { loaded: false, error: `${addon}: the probe process failed (${r.error?.message ?? `exit ${r.status}`}) ${r.stderr.trim().split('\n')[0] ?? ''}` };
  }
}

/**
 * Projects that cannot run on this machine, each with the one reason printed for it:
 *   gpu           when the addon is not built, has no CUDA, or CUDA finds no device;
 *   multiprocess  when the addon was built without Gloo on purpose (RARFT_WITHOUT_GLOO=1). A missing addon is not
 *                 a reason to skip it: those tests then fail, as the native ones do, naming the fix.
 */
export function unavailableSuites(facts: AddonFacts): Partial<Record<Suite, string>> {
  const out: Partial<Record<Suite, string>> = {};
  if (!facts.loaded) out.gpu = `the native addon could not be loaded (${facts.error})`;
  else if (!facts.cudaBuild) out.gpu = `the addon was built against a CPU-only libtorch (${facts.libtorch}); CUDA tests need a CUDA libtorch and a GPU`;
  else if (!facts.cudaAvailable) out.gpu = `the addon has CUDA (${facts.libtorch}) but CUDA finds no usable device here`;
  if (facts.loaded && facts.gloo === false) out.multiprocess = 'the addon was built without Gloo (RARFT_WITHOUT_GLOO=1): no process groups on the CPU; rebuild after `npm run setup` to run them';
  return out;
}
