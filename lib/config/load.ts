/**
 * Loading a config: defaults <- file (YAML or JSON) <- overrides (command-line flags), then validation. Every error
 * names where the bad value came from (the file or the flag) and its field path, e.g.
 *   configs/run.yaml, field "datasets[0].video_root": Invalid input: expected string, received undefined
 * `${NAME}` in a string value is replaced from `vars`, then from the environment (the demo config's placeholders);
 * an unresolved placeholder is an error, never an empty string.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

import { DataError } from '../errors.js';
import { type TrainConfig, crossFieldIssues, trainConfigSchema } from './schema.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export type Overrides = Record<string, unknown>;

export interface LoadConfigOptions {
  /** YAML (.yaml/.yml) or JSON (.json) file; omit to build from overrides alone. */
  file?: string;
  /** Nested values that win over the file (from `overridesFromFlags`). */
  overrides?: Overrides;
  /** Values for `${NAME}` placeholders (checked before process.env). */
  vars?: Readonly<Record<string, string>>;
  /** Registered reward names: when given, unknown `reward_funcs` are reported here rather than at step 1. */
  knownRewards?: readonly string[];
}

const fieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');

function getAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Overrides replace arrays and scalars, and merge objects key by key. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function substitute(value: unknown, vars: Readonly<Record<string, string>>, where: string, path: PropertyKey[] = []): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = vars[name] ?? process.env[name];
      if (v === undefined)
        throw new DataError(`placeholder \${${name}} is not set (pass it in vars or the environment)`, { file: where, field: fieldPath(path) });
      return v;
    });
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, vars, where, [...path, i]));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars, where, [...path, k])]));
  return value;
}

/** Reads a YAML or JSON config file into a plain object (no validation). */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read config: ${(err as Error).message}`, { file });
  }
  const ext = extname(file).toLowerCase();
  let data: unknown;
  try {
    data = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new DataError(`not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`, { file });
  }
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) throw new DataError('the top level must be a mapping of field names to values', { file });
  return data;
}

/** Resolves and validates a config. Throws DataError naming the source (file or flag) and the field. */
export function loadConfig(opts: LoadConfigOptions = {}): TrainConfig {
  const vars = opts.vars ?? {};
  const fromFile = opts.file ? (substitute(readConfigFile(opts.file), vars, opts.file) as Record<string, unknown>) : {};
  const overrides = (substitute(opts.overrides ?? {}, vars, 'command line') as Record<string, unknown>) ?? {};
  const merged = deepMerge(fromFile, overrides);
  const parsed = trainConfigSchema.safeParse(merged);
  const source = (path: readonly PropertyKey[]): string => {
    // a field set by a flag is reported against the flag, otherwise against the file
    for (let n = path.length; n > 0; n--) if (getAt(overrides, path.slice(0, n)) !== undefined) return 'command line';
    return opts.file ?? 'config';
  };
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => DataError.format(i.message, { file: source(i.path), field: fieldPath(i.path) }));
    const first = parsed.error.issues[0]!;
    const err = new DataError(first.message, { file: source(first.path), field: fieldPath(first.path) });
    if (lines.length > 1) err.message = `${lines.length} config errors:\n  ${lines.join('\n  ')}`;
    throw err;
  }
  const cfg = parsed.data;
  const issues = crossFieldIssues(cfg);
  if (opts.knownRewards) {
    cfg.reward_funcs.forEach((name, i) => {
      if (!opts.knownRewards!.includes(name))
        issues.push({ path: ['reward_funcs', i], message: `unknown reward "${name}"; registered: ${opts.knownRewards!.join(', ')}` });
    });
  }
  if (issues.length) {
    const i0 = issues[0]!;
    const err = new DataError(i0.message, { file: source(i0.path), field: fieldPath(i0.path) });
    if (issues.length > 1)
      err.message = `${issues.length} config errors:\n  ${issues.map((i) => DataError.format(i.message, { file: source(i.path), field: fieldPath(i.path) })).join('\n  ')}`;
    throw err;
  }
  return cfg;
}

/** Writes the resolved config as `dir/config.yaml` (atomically), so every run records exactly what it ran with. */
export function saveConfig(dir: string, cfg: TrainConfig): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'config.yaml');
  writeFileAtomic(path, `# resolved rarft training config (defaults + file + flags), written ${new Date().toISOString()}\n${stringifyYaml(cfg)}`);
  return path;
}
