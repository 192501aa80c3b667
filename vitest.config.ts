import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

import { type Suite, SUITES, classifyTests, probeAddon, unavailableSuites } from './test/suites.js';

// Test projects by what they need (test/suites.ts): `npm test` runs them all; `npm test -- --project unit` only the
// addon-free ones (seconds). A project that cannot run here (gpu without CUDA, multiprocess in a build made with
// RARFT_WITHOUT_GLOO=1) gets no files and one printed line saying why.
const root = import.meta.dirname;
const files = classifyTests(root);

/** Projects named with --project (null: all). */
function requestedProjects(argv: readonly string[]): string[] | null {
  const named = argv.flatMap((a, i) => (a === '--project' ? [argv[i + 1] ?? ''] : a.startsWith('--project=') ? [a.slice(10)] : []));
  return named.length ? named : null;
}
const requested = requestedProjects(process.argv);
const probed = (requested ?? SUITES).some((s) => s === 'gpu' || s === 'multiprocess');
const unavailable = probed ? unavailableSuites(probeAddon(root)) : {};
// printed once: here under plain `npx vitest`, or by scripts/test.mjs (`npm test`) beside its closing line
if (!process.env.RARFT_SUITE_SKIPS && !process.env.RARFT_TEST_SUMMARY) {
  for (const [suite, why] of Object.entries(unavailable))
    if (!requested || requested.includes(suite)) console.log(`[rarft test] ${suite} suite skipped: ${why}`);
}
// read by scripts/lib/vitest-summary.mjs, which hands them to test.mjs
process.env.RARFT_SUITE_SKIPS = JSON.stringify(unavailable);

const include: Record<Suite, string[]> = {
  unit: files.unit,
  native: files.native,
  multiprocess: files.multiprocess,
  // a glob, so test files added under test/gpu/ join without a config change
  gpu: ['test/gpu/**/*.test.ts'],
};
const project = (name: Suite, env: Record<string, string> = {}) => ({
  extends: true as const,
  test: { name, include: unavailable[name] ? [] : include[name], env },
});

// Native resources are heavy (loading libtorch costs ~0.6 s and ~200 MB per process): at most 2 forked workers.
export default defineConfig({
  test: {
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // a skipped project has no files; running only it is then not an error
    passWithNoTests: Object.keys(unavailable).length > 0,
    projects: [
      // no addon: any attempt to load it fails with the loader's error naming this path (tag the file `@suite native`)
      project('unit', { RARFT_ADDON: join(root, 'test', 'unit-project-loads-no-addon', 'rarft.node') }),
      project('native'),
      project('multiprocess'),
      project('gpu'),
    ],
  },
});
