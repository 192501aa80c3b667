import type { Span, VtgItem } from './types.js';

/** What a plain VTG source (Charades-STA, ActivityNet, TVGBench, Time-R1 train) says about one query. */
export interface AnswerableFields {
  videoId: string;
  videoPath: string;
  query: string;
  duration: number | null;
  span: Span;
  recordIndex: number;
  itemIndex: number;
  sourceFile: string;
  clip?: Span | null;
  answer?: string;
}

/**
 * A VtgItem for sources that only hold answerable queries: no refusal explanation, correction, categories or
 * hardness. Only the fields that differ between sources are passed; the rest is fixed here once.
 */
export function answerableItem(f: AnswerableFields): VtgItem {
  return {
    videoId: f.videoId,
    videoPath: f.videoPath,
    query: f.query,
    duration: f.duration,
    needsProbe: f.duration === null,
    span: f.span,
    clip: f.clip ?? null,
    relevant: true,
    answer: f.answer ?? '',
    correction: null,
    categories: [],
    hardness: null,
    recordIndex: f.recordIndex,
    itemIndex: f.itemIndex,
    sourceFile: f.sourceFile,
  };
}
