import type { HardnessLevel } from '../metrics/hardness.js';

/**
 * The normalised shapes every reader produces. One `VtgItem` is one (video, query) pair, answerable or refusable, from
 * any source format (RA-RFT records, Charades-STA, ActivityNet Captions, TVGBench), so evaluation and example
 * construction never look at source-specific fields.
 */

/** A closed interval in seconds, [start, end]. */
export type Span = readonly [number, number];

/**
 * RA-RFT's hardness names. The data files say easy/medium/hard (3/2/1 edited elements); the evaluator expects
 * weak/moderate/strong; "original" marks answerable items (rarft-reference §7 item 15).
 */
export type Hardness = HardnessLevel;

export interface VtgItem {
  /** Stable id of the video (file stem for paths, the dataset's id otherwise). */
  videoId: string;
  /** The video path exactly as the source file gives it (may be an author's absolute path); '' when the source has none. */
  videoPath: string;
  query: string;
  /** Video length in seconds; null when the source does not say (then `needsProbe` is true). */
  duration: number | null;
  /** True when `duration` is null: the video module must probe the file (see `resolveDurations`). */
  needsProbe: boolean;
  /** Ground-truth span in seconds on the video the model sees; null for refusable items. */
  span: Span | null;
  /** TVGBench clip bounds in seconds of the full file; the span is relative to the clip start. null = whole video. */
  clip: Span | null;
  /** true = answerable (relevant), false = refusable (irrelevant). */
  relevant: boolean;
  /** The GT answer text as the source gives it ('' when the source has none). */
  answer: string;
  /** Human-anno's `<correct>…</correct>` content (the corrected query); null when the source has none. */
  correction: string | null;
  /** Mismatch categories of refusable items (taxonomy paths of rarft-reference §5.2); [] otherwise. */
  categories: string[];
  hardness: Hardness | null;
  /** Position of the record (or line / query) in the source file, 0-based. */
  recordIndex: number;
  /** Position of the item inside its record (GRPO index; sentence index for ActivityNet); 0 for one-item records. */
  itemIndex: number;
  sourceFile: string;
}

/** One GRPO query item of an RA-RFT record, normalised. */
export interface RaRftQueryItem {
  query: string;
  /** The untruncated query when the source gives a different `q_origin` (HI-Charades truncation defect). */
  queryOrigin: string | null;
  answer: string;
  /** Human-anno's `<correct>…</correct>` content; null when absent. */
  correction: string | null;
  relevant: boolean;
  categories: string[];
  hardness: Hardness | null;
}

/** One RA-RFT record: one video and its original query with answerable and refusable items (rarft-reference §3.1). */
export interface RaRftRecord {
  videoId: string;
  videoPath: string;
  queryText: string;
  /** GT span shared by every answerable item; null when the record has none (`timestamp: []`). */
  span: Span | null;
  duration: number | null;
  needsProbe: boolean;
  items: RaRftQueryItem[];
  /**
   * HI-TVGBench's `PRO` block (unused by the reference code): a captioning prompt for the span, the original query and
   * its hard-irrelevant variants by hardness (ir_hard = strong = 1 edit, ir_mid = moderate, ir_easy = weak); null elsewhere.
   */
  pro: { prompt: string; original: string; variants: Record<'weak' | 'moderate' | 'strong', string | null> } | null;
  recordIndex: number;
  sourceFile: string;
}

/** Defect counters and warnings of one read; every reader returns one so defects are never silent. */
export interface DatasetReport {
  sourceFile: string;
  records: number;
  items: number;
  videos: number;
  answerable: number;
  refusable: number;
  /** GT ends past the video duration (counted whatever the policy did with them). */
  endPastDuration: number;
  /** GT starts at or after the video duration. */
  startPastDuration: number;
  /** Spans changed by the `outOfRange: 'clip'` policy. */
  clipped: number;
  /** Spans with start > end. */
  reversed: number;
  /** Reversed spans the `reversed: 'swap'` policy fixed. */
  swapped: number;
  /** Items the `reversed: 'drop'` policy removed. */
  dropped: number;
  missingDuration: number;
  emptyAnswerableAnswer: number;
  emptyRefusableAnswer: number;
  truncatedQueries: number;
  /** `<answer>` closed by something else (human-anno record 31 closes it with `</correct>`). */
  malformedAnswers: number;
  /** Non-empty answers without an `<answer>` tag (SS-QVHighlights refusals). */
  untaggedAnswers: number;
  invalidCategories: number;
  /** HI-TVGBench records whose end time was corrected from TVGBench (`fixTvgbenchEndTime`). */
  tvgbenchEndFixed: number;
  hardness: Record<Hardness, number>;
  warnings: string[];
}

/** What to do with a GT span that ends past the video duration. `keep` is the reference's behaviour (parity). */
export type OutOfRangePolicy = 'keep' | 'clip' | 'error';
/** What to do with a GT span whose start is after its end. */
export type ReversedPolicy = 'swap' | 'drop' | 'error';

export interface SpanPolicies {
  outOfRange?: OutOfRangePolicy;
  reversed?: ReversedPolicy;
}
