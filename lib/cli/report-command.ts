/** `rarft-train report DIR [--out FILE]`: renders DIR/metrics.jsonl as an HTML page of plots (lib/logging/report.ts). */
import { Command } from 'commander';

import { writeReport } from '../logging/report.js';

export function reportCommand(): Command {
  return new Command('report')
    .description('render an HTML report (one SVG plot per metric) from a run folder\'s metrics.jsonl')
    .argument('<dir>', 'training output_dir holding metrics.jsonl')
    .option('-o, --out <file>', 'output HTML file (default: DIR/report.html)')
    .action((dir: string, opts: { out?: string }) => {
      const out = writeReport(dir, opts.out);
      process.stdout.write(`wrote ${out}\n`);
    });
}
