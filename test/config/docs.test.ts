/** docs/training.md's config table must equal the one generated from the schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { DOCS_BEGIN, DOCS_END, configFields, configReferenceMarkdown } from '../../lib/config/index.js';

const DOC = new URL('../../docs/training.md', import.meta.url).pathname;

/** The generated table between the markers of `text` (throws where a marker is missing). */
function tableIn(text: string): string {
  const a = text.indexOf(DOCS_BEGIN);
  const b = text.indexOf(DOCS_END);
  expect(a, `${DOC} lacks ${DOCS_BEGIN}`).toBeGreaterThanOrEqual(0);
  expect(b, `${DOC} lacks ${DOCS_END} after ${DOCS_BEGIN}`).toBeGreaterThan(a);
  return text.slice(a + DOCS_BEGIN.length, b).trim();
}

describe('docs/training.md', () => {
  it('has the current config reference (regenerate: UPDATE_DOCS=1 npx vitest run test/config/docs.test.ts)', () => {
    const text = readFileSync(DOC, 'utf8');
    const table = configReferenceMarkdown();
    // one row per schema field (nested objects flattened: 57 leaves at the time of writing), checked in both modes
    expect(table.split('\n').length - 2).toBe(configFields().length);
    expect(configFields().length).toBeGreaterThanOrEqual(57);
    if (process.env.UPDATE_DOCS && tableIn(text) !== table) {
      const head = text.slice(0, text.indexOf(DOCS_BEGIN) + DOCS_BEGIN.length);
      writeFileSync(DOC, `${head}\n${table}\n${text.slice(text.indexOf(DOCS_END))}`);
      expect(tableIn(readFileSync(DOC, 'utf8'))).toBe(table);
      // This run still fails: a run that passes always means the committed docs were current, so an UPDATE_DOCS run
      // (in CI, or left in a shell) cannot hide stale docs. Review the rewrite, commit it, and run again.
      expect.fail(`${DOC} was out of date and has been rewritten (UPDATE_DOCS=1): review and commit it, then run again`);
    }
    expect(tableIn(text)).toBe(table);
  });
});
