import type { DatasetReport, VtgItem } from './types.js';

/** Warnings are capped per report so a file with thousands of defects stays readable; the counters stay exact. */
const MAX_WARNINGS = 50;

export function emptyReport(sourceFile: string): DatasetReport {
  return {
    sourceFile,
    records: 0,
    items: 0,
    videos: 0,
    answerable: 0,
    refusable: 0,
    endPastDuration: 0,
    startPastDuration: 0,
    clipped: 0,
    reversed: 0,
    swapped: 0,
    dropped: 0,
    missingDuration: 0,
    emptyAnswerableAnswer: 0,
    emptyRefusableAnswer: 0,
    truncatedQueries: 0,
    malformedAnswers: 0,
    untaggedAnswers: 0,
    invalidCategories: 0,
    tvgbenchEndFixed: 0,
    hardness: { original: 0, weak: 0, moderate: 0, strong: 0 },
    warnings: [],
  };
}

export function warn(report: DatasetReport, message: string): void {
  if (report.warnings.length < MAX_WARNINGS) report.warnings.push(message);
  else if (report.warnings.length === MAX_WARNINGS) report.warnings.push('… further warnings omitted (counters are exact)');
}

/** Fills the item-level totals (items, videos, answerable/refusable, hardness) from the final item list. */
export function countItems(report: DatasetReport, items: readonly VtgItem[]): DatasetReport {
  report.items = items.length;
  report.videos = new Set(items.map((i) => i.videoId)).size;
  report.answerable = items.filter((i) => i.relevant).length;
  report.refusable = items.length - report.answerable;
  for (const item of items) if (item.hardness) report.hardness[item.hardness]++;
  return report;
}

/** One line per non-zero counter, for CLIs and logs. */
export function formatReport(report: DatasetReport): string {
  const counters = Object.entries(report).filter(
    ([key, value]) => typeof value === 'number' && value !== 0 && key !== 'records' && key !== 'items',
  );
  const head = `${report.sourceFile}: ${report.records} records, ${report.items} items`;
  return [head, ...counters.map(([k, v]) => `  ${k}: ${v}`), ...report.warnings.map((w) => `  warning: ${w}`)].join('\n');
}
