/**
 * The config reference table in docs/training.md, generated from the schema (test/config/docs.test.ts fails when
 * the doc is stale; `UPDATE_DOCS=1 npx vitest run test/config/docs.test.ts` rewrites it, and still fails that run).
 */
import { configFields } from './json-schema.js';
import { flagName } from './cli-options.js';

export const DOCS_BEGIN = '<!-- config-reference:begin (generated from lib/config/schema.ts) -->';
export const DOCS_END = '<!-- config-reference:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function configReferenceMarkdown(): string {
  const rows = configFields().map((f) => {
    const type = f.choices ? f.choices.map((c) => `\`${c}\``).join(' | ') : f.kind;
    const dflt = f.required ? '**required**' : f.default === undefined ? '' : `\`${JSON.stringify(f.default)}\``;
    const flag = f.kind === 'object[]' ? '(file only)' : f.kind === 'boolean' ? `\`--${flagName(f)}\` / \`--no-${flagName(f)}\`` : `\`--${flagName(f)}\``;
    return `| \`${f.path.join('.')}\` | ${cell(type + (f.nullable ? ' | null' : ''))} | ${cell(dflt)} | ${flag} | ${cell(f.description)} |`;
  });
  return ['| field | type | default | flag | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
