// Types for setup-log.mjs (imported by tests).
export class SetupError extends Error {
  constructor(what: string, tried?: string[], fixes?: string[]);
  tried: string[];
  fixes: string[];
  format(part: string): string;
}
export function logger(part: string): (msg: string) => void;
export function runPart(part: string, fn: () => unknown): Promise<void>;
export function have(cmd: string, args?: string[]): boolean;
export function attempt(cmd: string, args: string[], opts?: object): { ok: boolean; output: string };
export function lastLine(text: string): string;
