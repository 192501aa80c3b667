/**
 * `rarft-train report DIR [--out FILE]`: renders DIR/metrics.jsonl as an HTML page of plots (lib/logging/report.ts).
 * `rarft-train report DIR1 DIR2 … [--label …] [--smooth N] [--metrics …] [--svg-dir D]`: several runs compared on one
 * page (lib/logging/compare-report.ts).
 */
import { Command } from 'commander';

import { writeComparison } from '../logging/compare-report.js';
import { writeReport } from '../logging/report.js';
import { positiveInt } from '../util/cli-args.js';

const list = (raw: string) => raw.split(',').map((s) => s.trim()).filter(Boolean);

interface ReportFlags {
  out?: string;
  label?: string[];
  smooth?: number;
  metrics?: string[];
  svgDir?: string;
  title?: string;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('render an HTML report (one SVG plot per metric) from a run folder\'s metrics.jsonl; several folders: one plot per metric with a line per run')
    .argument('<dirs...>', 'training output_dir(s) holding metrics.jsonl')
    .option('-o, --out <file>', 'output HTML file (default: DIR/report.html; with several folders: comparison.html in the current folder)')
    .option('--label <labels>', 'comparison: one label per folder, comma-separated; folders with the same label (e.g. seeds of one recipe) share a colour and a mean line', list)
    .option('--smooth <n>', 'comparison: plot trailing means over the last n logged values (tables are not smoothed)', positiveInt)
    .option('--metrics <keys>', 'comparison: plot only these metrics, comma-separated (default: the GRPO signal metrics, then all others)', list)
    .option('--svg-dir <dir>', 'comparison: also write each plot as DIR/<metric>.svg')
    .option('--title <text>', 'comparison: page title')
    .action((dirs: string[], opts: ReportFlags) => {
      if (dirs.length === 1 && !opts.label && !opts.smooth && !opts.metrics && !opts.svgDir && !opts.title) {
        process.stdout.write(`wrote ${writeReport(dirs[0]!, opts.out)}\n`);
        return;
      }
      const written = writeComparison(dirs, {
        out: opts.out ?? 'comparison.html',
        ...(opts.label ? { labels: opts.label } : {}),
        ...(opts.smooth ? { smooth: opts.smooth } : {}),
        ...(opts.metrics ? { metrics: opts.metrics } : {}),
        ...(opts.svgDir ? { svgDir: opts.svgDir } : {}),
        ...(opts.title ? { title: opts.title } : {}),
      });
      process.stdout.write(`wrote ${written.join(', ')}\n`);
    });
}
