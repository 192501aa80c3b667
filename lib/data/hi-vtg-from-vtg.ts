import { formatSpanAnswer } from './answer-text.js';
import { EDIT_CATEGORY, WORD_INDEX, type EditKind, type WordMatch } from './hi-vtg-edits.js';
import { EDITS_PER_HARDNESS } from './hardness.js';
import { hashKey, mulberry32, permutation, randomIndex } from './prng.js';
import type { Hardness, VtgItem } from './types.js';

/**
 * Builds HI-VTG-style RA-RFT records from any VTG item list (Charades-STA, ActivityNet, TVGBench), so users can make
 * refusal training data for their own videos. Each query gets one record: the original query (answerable) and one
 * hard-irrelevant variant per requested hardness, made by swapping 1 (strong), 2 (moderate) or 3 (weak) words from
 * the lists in hi-vtg-edits.ts. Variants are nested like the reference's PRO field: the moderate variant adds one edit
 * to the strong one, the weak variant one more. The explanation names every edited word; the correction is the
 * original query (the record's answerable `q`). Categories follow the edit kinds.
 * Records are in the reference's training format (`hi_vtg_train.json`, rarft-reference §3.3; checked by
 * training-format.ts) with the key order of its HI-VTG files. That format needs a duration: by default a query whose
 * record would have none (no durations file given, or a TVGBench clip query whose record spans the whole file) is
 * skipped and listed; `missingDuration: 'keep'` writes the record without one (rarft-train probes the video).
 */
export type RefusalHardness = Exclude<Hardness, 'original'>;

export interface HiVtgOptions {
  /** Which variants every record gets (default all three: 1 answerable + 3 refusables, the paper's 1:3). */
  hardness?: readonly RefusalHardness[];
  seed?: number;
  /** Prefix for relative video paths (e.g. the Charades video folder). */
  videoRoot?: string;
  /** 'skip' (default): leave out queries whose record would have no duration; 'keep': write them without one. */
  missingDuration?: 'skip' | 'keep';
}

/** A record in the RA-RFT file format (rarft-reference §3.1, §3.3), keys in the order of the reference's HI files. */
export interface HiVtgRecord {
  video: string;
  query_text: string;
  timestamp: [number, number];
  difficulty: null;
  video_start: null;
  video_end: null;
  think: string;
  /** Omitted only with `missingDuration: 'keep'` (e.g. TVGBench clip queries: the record spans the whole file). */
  duration?: number;
  GRPO: HiVtgQueryItem[];
}

export interface HiVtgQueryItem {
  q: string;
  a: string;
  r: boolean;
  c?: string[];
  difficulty: 'original' | 'easy' | 'medium' | 'hard';
}

export interface HiVtgEdit {
  kind: EditKind;
  original: string;
  replacement: string;
}

export interface HiVtgResult {
  records: HiVtgRecord[];
  /** Items left out: refusables only, no duration (unless kept), or fewer editable words than the weakest variant needs. */
  skipped: { recordIndex: number; itemIndex: number; query: string; reason: string }[];
  editKinds: Record<EditKind, number>;
}

const NO_DURATION =
  "no duration for the record (the reference's trainer needs one): give the durations (Charades-STA: --durations-csv) or keep such records without one (--missing-duration keep; rarft-train probes the video)";

const DIFFICULTY: Readonly<Record<RefusalHardness, HiVtgQueryItem['difficulty']>> = { weak: 'easy', moderate: 'medium', strong: 'hard' };
const KIND_LABEL: Readonly<Record<EditKind, string>> = {
  actor: 'a different person or subject',
  object: 'a different object',
  action: 'a different action',
  colour: 'a different colour',
  count: 'a different number',
  scene: 'a different place',
  spatial: 'a different position',
  sequence: 'a different order of events',
};

export function hiVtgFromVtg(items: readonly VtgItem[], options: HiVtgOptions = {}): HiVtgResult {
  const levels = options.hardness ?? ['weak', 'moderate', 'strong'];
  if (levels.length === 0) throw new Error('hiVtgFromVtg: no hardness level requested');
  const maxEdits = Math.max(...levels.map((h) => EDITS_PER_HARDNESS[h]));
  const seed = options.seed ?? 42;
  const keepWithoutDuration = (options.missingDuration ?? 'skip') === 'keep';
  const records: HiVtgRecord[] = [];
  const skipped: HiVtgResult['skipped'] = [];
  const editKinds = { actor: 0, object: 0, action: 0, colour: 0, count: 0, scene: 0, spatial: 0, sequence: 0 };
  for (const item of items) {
    const where = { recordIndex: item.recordIndex, itemIndex: item.itemIndex, query: item.query };
    if (!item.relevant || item.span === null) {
      skipped.push({ ...where, reason: 'not an answerable item with a span' });
      continue;
    }
    // With a clip the record covers the whole file, whose length the clip item does not give.
    const duration = item.clip === null ? item.duration : null;
    if (duration === null && !keepWithoutDuration) {
      skipped.push({ ...where, reason: NO_DURATION });
      continue;
    }
    const next = mulberry32(hashKey(seed, item.recordIndex, item.itemIndex));
    const plan = planEdits(item.query, maxEdits, next);
    if (plan === null) {
      skipped.push({ ...where, reason: `fewer than ${maxEdits} editable words` });
      continue;
    }
    const span: [number, number] = item.clip ? [item.span[0] + item.clip[0], item.span[1] + item.clip[0]] : [item.span[0], item.span[1]];
    const grpo: HiVtgQueryItem[] = [{ q: item.query, a: formatSpanAnswer(span[0], span[1]), r: true, difficulty: 'original' }];
    for (const level of levels) {
      const edits = plan.slice(0, EDITS_PER_HARDNESS[level]);
      for (const e of edits) editKinds[e.edit.kind]++;
      grpo.push({
        q: applyEdits(item.query, edits),
        a: explanation(edits.map((e) => e.edit)),
        r: false,
        c: [...new Set(edits.map((e) => EDIT_CATEGORY[e.edit.kind]))],
        difficulty: DIFFICULTY[level],
      });
    }
    records.push({
      video: joinVideoPath(options.videoRoot, item.videoPath),
      query_text: item.query,
      timestamp: span,
      difficulty: null,
      video_start: null,
      video_end: null,
      think: '',
      ...(duration !== null ? { duration } : {}),
      GRPO: grpo,
    });
  }
  return { records, skipped, editKinds };
}

interface PlannedEdit {
  /** Index into the query's token list. */
  token: number;
  edit: HiVtgEdit;
}

const TOKEN = /[A-Za-z]+|[^A-Za-z]+/g;

/**
 * Picks `count` edits at distinct words in a random order that prefers unused edit kinds (so a 3-edit variant mixes,
 * e.g., an object, an action and a colour when the query allows). Returns null when the query has too few candidates.
 */
function planEdits(query: string, count: number, next: () => number): PlannedEdit[] | null {
  const tokens = query.match(TOKEN) ?? [];
  const candidates: { token: number; match: WordMatch }[] = [];
  tokens.forEach((tok, i) => {
    for (const match of WORD_INDEX.get(tok.toLowerCase()) ?? []) candidates.push({ token: i, match });
  });
  const shuffled = permutation(candidates.length, next).map((k) => candidates[k]!);
  const chosen: { token: number; match: WordMatch }[] = [];
  const usedKinds = new Set<EditKind>();
  for (const preferNewKind of [true, false]) {
    for (const c of shuffled) {
      if (chosen.length === count) break;
      if (chosen.some((x) => x.token === c.token)) continue;
      if (preferNewKind && usedKinds.has(c.match.kind)) continue;
      chosen.push(c);
      usedKinds.add(c.match.kind);
    }
  }
  if (chosen.length < count) return null;
  return chosen.map(({ token, match }) => {
    const others = match.set.map((_, l) => l).filter((l) => l !== match.lexeme);
    const lexeme = match.set[others[randomIndex(next, others.length)]!]!;
    const original = tokens[token]!;
    const word = lexeme[Math.min(match.form, lexeme.length - 1)]!;
    return { token, edit: { kind: match.kind, original, replacement: matchCase(original, word) } };
  });
}

function applyEdits(query: string, edits: readonly PlannedEdit[]): string {
  const tokens = query.match(TOKEN) ?? [];
  for (const e of edits) tokens[e.token] = e.edit.replacement;
  return tokens.join('');
}

function matchCase(original: string, word: string): string {
  if (original === original.toUpperCase() && original.length > 1) return word.toUpperCase();
  if (original[0] === original[0]!.toUpperCase()) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

/** The refusal explanation: names each edited word and what the video shows instead. */
function explanation(edits: readonly HiVtgEdit[]): string {
  const reasons = edits.map((e) => `The query mentions "${e.replacement}" (${KIND_LABEL[e.kind]}), but the video shows "${e.original}".`);
  return `<answer>The video does not contain a segment relevant to this query. ${reasons.join(' ')}</answer>`;
}

function joinVideoPath(root: string | undefined, path: string): string {
  if (!root || path.startsWith('/')) return path;
  return `${root.replace(/\/+$/, '')}/${path.replace(/^\.\//, '')}`;
}
