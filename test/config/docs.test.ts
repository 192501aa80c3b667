/** docs/training.md's config table must equal the one generated from the schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { DOCS_BEGIN, DOCS_END, configFields, configReferenceMarkdown } from '../../lib/config/index.js';

const DOC = new URL('../../docs/training.md', import.meta.url).pathname;

describe('docs/training.md', () => {
  it('has the current config reference (regenerate: UPDATE_DOCS=1 npx vitest run test/config/docs.test.ts)', () => {
    const text = readFileSync(DOC, 'utf8');
    const a = text.indexOf(DOCS_BEGIN);
    const b = text.indexOf(DOCS_END);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThan(a);
    const table = configReferenceMarkdown();
    if (process.env.UPDATE_DOCS) {
      writeFileSync(DOC, `${text.slice(0, a + DOCS_BEGIN.length)}\n${table}\n${text.slice(b)}`);
      return;
    }
    expect(text.slice(a + DOCS_BEGIN.length, b).trim()).toBe(table);
    // one row per schema field (nested objects flattened: 57 leaves at the time of writing)
    expect(table.split('\n').length - 2).toBe(configFields().length);
    expect(configFields().length).toBeGreaterThanOrEqual(57);
  });
});
