import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A file of the read-only shared datasets (never copied into the repo). */
export function sharedDataset(relative: string): string {
  return path.resolve(repoRoot, '../shared/datasets', relative);
}
