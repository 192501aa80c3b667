import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../native/load.js';

/** The package version, read once from package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
