#!/usr/bin/env node
// Thin shim: the CLI lives in lib/cli/infer-program.ts (compiled to dist/ by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/lib/cli/infer-program.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('rarft-infer: the TypeScript is not compiled yet. Run `npm run build` in ' + fileURLToPath(new URL('..', import.meta.url)) + '\n');
  process.exit(1);
}
const { inferProgram } = await import(entry.href);
const { runProgram } = await import(new URL('../dist/lib/cli/run-program.js', import.meta.url).href);
await runProgram(inferProgram(), process.argv);
