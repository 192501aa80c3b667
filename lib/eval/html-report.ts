/**
 * report.html: one self-contained page (inline CSS, no scripts, no external files) with the headline numbers, the
 * missing videos and a per-item table, so a run can be looked at in a browser or attached to a message.
 */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface HtmlReportInput {
  title: string;
  /** Label -> value rows of the headline table. */
  headline: [string, string][];
  /** Extra sections as [heading, column names, rows]. */
  tables: { heading: string; columns: string[]; rows: string[][]; note?: string }[];
}

/** Per-item tables are cut at this many rows (the JSONL next to the report has all of them). */
export const MAX_ITEM_ROWS = 2000;

export function htmlReport(r: HtmlReportInput): string {
  const table = (columns: string[], rows: string[][]) =>
    `<table><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>';
  const sections = r.tables.map((t) => {
    const shown = t.rows.slice(0, MAX_ITEM_ROWS);
    const cut = t.rows.length > shown.length ? `<p>${shown.length} of ${t.rows.length} rows shown.</p>` : '';
    return `<h2>${esc(t.heading)}</h2>${t.note ? `<p>${esc(t.note)}</p>` : ''}${t.rows.length ? table(t.columns, shown) : '<p>none</p>'}${cut}`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1400px}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td{max-width:600px;white-space:pre-wrap;word-break:break-word}
</style></head><body>
<h1>${esc(r.title)}</h1>
${table(['metric', 'value'], r.headline)}
${sections.join('\n')}
</body></html>
`;
}
