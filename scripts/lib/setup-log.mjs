// Output of the setup steps: one prefix per part, what was found or fetched and where, and on failure what was tried
// and the fixes (sharp's install errors are the model: the reader can act on the message alone).
import { execFileSync } from 'node:child_process';

export class SetupError extends Error {
  /**
   * @param {string} what  one line: what could not be done
   * @param {string[]} tried  what was tried, in order, each with why it did not work
   * @param {string[]} fixes  what the user can do, each a complete instruction
   */
  constructor(what, tried = [], fixes = []) {
    super(what);
    this.name = 'SetupError';
    this.tried = tried;
    this.fixes = fixes;
  }

  /** The message as printed: the line, then "Tried:" and "Possible solutions:" lists. */
  format(part) {
    const lines = [`[rarft setup:${part}] ERROR: ${this.message}`];
    if (this.tried.length) lines.push('Tried, in order:', ...this.tried.map((t) => `  - ${t}`));
    if (this.fixes.length) lines.push('Possible solutions:', ...this.fixes.map((f) => `  - ${f}`));
    return lines.join('\n');
  }
}

export function logger(part) {
  return (msg) => process.stderr.write(`[rarft setup:${part}] ${msg}\n`);
}

/** Runs a setup part as a script: SetupErrors print their formatted message and exit 1. */
export async function runPart(part, fn) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    process.stderr.write(`\n${e.format(part)}\n\n`);
    process.exit(1);
  }
}

/** True when `cmd args` runs and exits 0. */
export function have(cmd, args = ['--version']) {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs a command; returns {ok, output} with stdout+stderr (for the "tried" lines of an error). */
export function attempt(cmd, args, opts = {}) {
  try {
    const output = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    return { ok: true, output };
  } catch (e) {
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message;
    return { ok: false, output };
  }
}

/** The last non-empty line of a command's output, for one-line summaries in "tried" lists. */
export const lastLine = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
