/**
 * Command-line flags for every config field: `learning_rate` -> `--learning-rate <number>`, `video.fps` ->
 * `--video-fps <number>`, booleans as `--x` / `--no-x`, lists comma-separated (`--reward-funcs format,refuse_iou`),
 * `null` for nullable fields. No flag has a default: only flags actually given become overrides, so the file's
 * values survive (flags win over the file, the file over the schema defaults). `datasets` is file-only.
 */
import { Command, InvalidArgumentError, Option } from 'commander';

import { type ConfigField, configFields } from './json-schema.js';
import { type Overrides, loadConfig } from './load.js';
import type { TrainConfig } from './schema.js';

/** Commander turns a parser's `null` into '' (its "no value" marker), so `null` travels as this until overridesFromFlags. */
const NULL_VALUE = Symbol('null');

const kebab = (s: string) => s.replace(/_/g, '-');
export const flagName = (f: ConfigField): string => f.path.map(kebab).join('-');
const attrName = (flag: string) => flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function parseScalar(kind: 'number' | 'integer' | 'string', raw: string, flag: string): number | string {
  if (kind === 'string') return raw;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`--${flag}: "${raw}" is not a number`);
  if (kind === 'integer' && !Number.isInteger(v)) throw new InvalidArgumentError(`--${flag}: "${raw}" is not an integer`);
  return v;
}

function parserFor(f: ConfigField, flag: string): (raw: string) => unknown {
  return (raw: string) => {
    if (f.nullable && raw === 'null') return NULL_VALUE;
    if (f.kind.endsWith('[]')) {
      const k = f.kind.slice(0, -2) as 'number' | 'integer' | 'string';
      const items = raw === '' ? [] : raw.split(',').map((s) => parseScalar(k, s.trim(), flag));
      if (f.choices) for (const it of items) if (!f.choices.includes(it)) throw new InvalidArgumentError(`--${flag}: "${it}" is not one of ${f.choices.join(', ')}`);
      return items;
    }
    const v = parseScalar(f.kind as 'number' | 'integer' | 'string', raw, flag);
    if (f.choices && !f.choices.includes(v)) throw new InvalidArgumentError(`--${flag}: "${raw}" is not one of ${f.choices.join(', ')}`);
    return v;
  };
}

/** The flag -> config path table of `addConfigOptions` (commander attribute name -> path). */
function flagTable(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of configFields()) if (f.kind !== 'object[]') m.set(attrName(flagName(f)), f.path);
  return m;
}

/** Adds `-c, --config <file>` and one flag per config field to `cmd`. */
export function addConfigOptions(cmd: Command): Command {
  cmd.addOption(new Option('-c, --config <file>', 'training config (YAML or JSON); flags override its values'));
  for (const f of configFields()) {
    if (f.kind === 'object[]') continue;
    const flag = flagName(f);
    const dflt = f.default === undefined ? '' : ` (default: ${JSON.stringify(f.default)})`;
    if (f.kind === 'boolean') {
      cmd.addOption(new Option(`--${flag}`, `${f.description}${dflt}`));
      cmd.addOption(new Option(`--no-${flag}`, `turn off --${flag}`));
      continue;
    }
    const arg = f.kind.endsWith('[]') ? `<${f.kind.slice(0, -2)},...>` : f.choices ? `<${f.choices.join('|')}>` : `<${f.kind}>`;
    cmd.addOption(new Option(`--${flag} ${arg}`, `${f.description}${dflt}`).argParser(parserFor(f, flag)));
  }
  return cmd;
}

/** The nested overrides for the flags actually given (commander's parsed options in, config-shaped object out). */
export function overridesFromFlags(opts: Record<string, unknown>): Overrides {
  const table = flagTable();
  const out: Overrides = {};
  for (const [attr, value] of Object.entries(opts)) {
    const path = table.get(attr);
    if (!path || value === undefined) continue;
    let cur = out;
    for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Overrides;
    cur[path[path.length - 1]!] = value === NULL_VALUE ? null : value;
  }
  return out;
}

/** loadConfig from a command that `addConfigOptions` prepared. */
export function loadConfigFromCommand(cmd: Command, extra: { vars?: Record<string, string>; knownRewards?: readonly string[] } = {}): TrainConfig {
  const opts = cmd.opts() as Record<string, unknown>;
  return loadConfig({ ...(typeof opts.config === 'string' ? { file: opts.config } : {}), overrides: overridesFromFlags(opts), ...extra });
}
