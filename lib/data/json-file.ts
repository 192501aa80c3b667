import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';

/** Reads and parses a JSON file; a missing file or a syntax error names the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read file: ${(err as Error).message}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DataError(`invalid JSON: ${(err as Error).message}`, { file });
  }
}

/** Reads a text file; a missing file names the file. */
export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read file: ${(err as Error).message}`, { file });
  }
}
