#!/usr/bin/env node
// Thin shim: the CLI lives in lib/cli/train-program.ts (compiled to dist/ by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/lib/cli/train-program.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('rarft-train: the TypeScript is not compiled yet. Run `npm run build` in ' + fileURLToPath(new URL('..', import.meta.url)) + '\n');
  process.exit(1);
}
// `--nproc-per-node N`: this process becomes the launcher and re-runs the command as N workers (torchrun-style).
const { relaunchIfRequested } = await import(new URL('../dist/lib/distributed/launch-command.js', import.meta.url).href);
try {
  const code = await relaunchIfRequested(process.argv);
  if (code !== null) process.exit(code);
} catch (e) {
  process.stderr.write(`rarft-train: ${e.message}\n`);
  process.exit(2);
}
const { trainProgram } = await import(entry.href);
const { runProgram } = await import(new URL('../dist/lib/cli/run-program.js', import.meta.url).href);
await runProgram(trainProgram(), process.argv);
