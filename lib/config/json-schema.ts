/**
 * A flat view of the config schema's fields (path, type, default, description, choices), derived from zod's JSON
 * Schema export so the command-line flags and the docs table can never drift from the schema.
 */
import { z } from 'zod';

import { trainConfigSchema } from './schema.js';

export type FieldKind = 'number' | 'integer' | 'boolean' | 'string' | 'string[]' | 'number[]' | 'integer[]' | 'object[]';

export interface ConfigField {
  /** Path in the config, e.g. ['video', 'fps']. */
  path: string[];
  kind: FieldKind;
  nullable: boolean;
  required: boolean;
  default?: unknown;
  choices?: readonly (string | number)[];
  description: string;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number)[];
  default?: unknown;
  description?: string;
  anyOf?: JsonSchema[];
}

function kindOf(s: JsonSchema): { kind: FieldKind | 'object'; nullable: boolean; choices?: (string | number)[] } {
  const variants = s.anyOf ?? [s];
  let nullable = false;
  let main: JsonSchema | undefined;
  for (const v of variants) {
    const types = Array.isArray(v.type) ? v.type : [v.type];
    if (types.includes('null')) nullable = true;
    if (types.some((t) => t && t !== 'null')) main = { ...v, type: types.find((t) => t && t !== 'null') };
  }
  if (!main) return { kind: 'string', nullable };
  if (main.enum) return { kind: 'string', nullable, choices: main.enum.filter((e) => e !== null) };
  switch (main.type) {
    case 'object':
      return { kind: 'object', nullable };
    case 'array': {
      const it = main.items ?? {};
      const ik = kindOf(it);
      if (ik.kind === 'object') return { kind: 'object[]', nullable };
      return { kind: `${ik.kind === 'integer' ? 'integer' : ik.kind === 'number' ? 'number' : 'string'}[]` as FieldKind, nullable, ...(ik.choices ? { choices: ik.choices } : {}) };
    }
    case 'integer':
    case 'number':
    case 'boolean':
      return { kind: main.type, nullable };
    default:
      return { kind: 'string', nullable };
  }
}

let cache: ConfigField[] | undefined;

/** Leaf fields of the training config, in schema order; nested objects are flattened into their leaves. */
export function configFields(): ConfigField[] {
  if (cache) return cache;
  const root = z.toJSONSchema(trainConfigSchema, { io: 'input' }) as JsonSchema;
  const out: ConfigField[] = [];
  const walk = (s: JsonSchema, prefix: string[], parentDesc: string) => {
    const required = new Set(s.required ?? []);
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const k = kindOf(prop);
      const path = [...prefix, name];
      if (k.kind === 'object') {
        walk(prop, path, prop.description ?? '');
        continue;
      }
      out.push({
        path,
        kind: k.kind,
        nullable: k.nullable,
        required: required.has(name) && prop.default === undefined && prefix.length === 0,
        ...(prop.default !== undefined ? { default: prop.default } : {}),
        ...(k.choices ? { choices: k.choices } : {}),
        description: prop.description ?? parentDesc,
      });
    }
  };
  walk(root, [], '');
  return (cache = out);
}
