/**
 * The benchmarks `rarft-eval run` knows, how each annotation file is read (lib/data readers), which metrics score it
 * (Time-R1 VTG for the grounding benchmarks, refusal-aware for the RA-VTG ones, rarft-reference §5) and which prompt
 * template it is asked with by default (§2.4 Time-R1 grounding prompt; §2.2 RA-RFT inference prompt).
 */
import { readActivityNet, readCharadesSta, readRaRftRecords, readTvgbench, type DatasetReport, type VtgItem } from '../data/index.js';
import type { PromptTemplate } from '../text/index.js';

export const BENCHMARKS = ['charades-sta', 'activitynet', 'tvgbench', 'hi-vtg', 'ss-vtg', 'human'] as const;
export type Benchmark = (typeof BENCHMARKS)[number];
export type MetricKind = 'vtg' | 'refusal';

export function metricKind(b: Benchmark): MetricKind {
  return b === 'charades-sta' || b === 'activitynet' || b === 'tvgbench' ? 'vtg' : 'refusal';
}

export function defaultTemplate(b: Benchmark): PromptTemplate {
  return metricKind(b) === 'vtg' ? 'timer1' : 'inference';
}

/** One query to answer, with a stable id ("record.item", unique within the file) used for resumption and merging. */
export interface EvalItem {
  id: string;
  item: VtgItem;
  /** TVGBench's source benchmark (charades, anet, tacos, egonlq, hirest), for the per-source table. */
  source?: string;
}

export interface ReadBenchmarkOptions {
  /** Charades-STA: Charades_v1_test.csv for durations (not needed for inference). */
  durationsCsv?: string;
  /** HI-VTG on TVGBench: Time-R1's tvgbench.json, to correct the end-time defect (rarft-reference §3.4 item 1). */
  tvgbenchFile?: string;
}

export function readBenchmark(b: Benchmark, file: string, o: ReadBenchmarkOptions = {}): { items: EvalItem[]; report: DatasetReport } {
  const wrap = (items: readonly VtgItem[]): EvalItem[] =>
    items.map((item) => {
      const source = (item as { sourceDataset?: unknown }).sourceDataset;
      return { id: `${item.recordIndex}.${item.itemIndex}`, item, ...(typeof source === 'string' ? { source } : {}) };
    });
  switch (b) {
    case 'charades-sta': {
      const r = readCharadesSta(file, o.durationsCsv ? { durationsCsv: o.durationsCsv } : {});
      return { items: wrap(r.items), report: r.report };
    }
    case 'activitynet': {
      const r = readActivityNet(file);
      return { items: wrap(r.items), report: r.report };
    }
    case 'tvgbench': {
      const r = readTvgbench(file);
      return { items: wrap(r.items), report: r.report };
    }
    case 'hi-vtg':
    case 'ss-vtg':
    case 'human': {
      const r = readRaRftRecords(file, o.tvgbenchFile ? { fixTvgbenchEndTime: { tvgbenchFile: o.tvgbenchFile } } : {});
      return { items: wrap(r.items), report: r.report };
    }
  }
}
