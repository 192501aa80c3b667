import { defineConfig } from 'vitest/config';

// Native resources are heavy (loading libtorch costs ~0.6 s and ~200 MB per process): at most 2 forked workers.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // vitest's default exclude has '**/dist/**', which would hide test/dist (the distributed tests): only the
    // compiled output at the root is excluded.
    exclude: ['**/node_modules/**', 'dist/**', '.git/**'],
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
