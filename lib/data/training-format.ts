/**
 * The reference's training file format (`hi_vtg_train.json`, rarft-reference §3.3): what its loader
 * (`load_json_dataset_rarft`) needs of each record, so a file passing this check loads there as it loads here.
 *  - `video` (path), `duration` (seconds; refuse_iou divides by it), `timestamp` [s, e];
 *  - `GRPO` items `{q, a, r}` with `a` in `<answer>` tags: at least one r=true item (the FIRST is the answerable
 *    example, its `a` is `<answer>S to E</answer>`) and at least one r=false item (the first three form the pool).
 * The record keys the loader ignores (`query_text`, `think`, …) are not required here; docs/schemas/
 * hi-vtg-train.reference.schema.json describes the full record layout of the reference's HI-VTG files.
 */
import { z } from 'zod';
import { DataError } from '../errors.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const ANSWER_TAGGED = /^<answer>[\s\S]*<\/answer>$/;
const SPAN_ANSWER = /^<answer>\s*\d+(?:\.\d+)? to \d+(?:\.\d+)?\s*<\/answer>$/;

const ItemSchema = z.object({
  q: z.string().refine((q) => q.trim() !== '', 'must be a non-empty query'),
  a: z.string().refine((a) => ANSWER_TAGGED.test(a.trim()), 'must be an answer in <answer>…</answer> tags'),
  r: z.boolean(),
  c: z.array(z.string()).optional(),
});

const recordSchema = (requireDuration: boolean) =>
  z.object({
    video: z.string().min(1),
    duration: requireDuration ? finite.positive() : finite.positive().optional(),
    timestamp: z.tuple([finite, finite]),
    GRPO: z.array(ItemSchema).min(2),
  });

export interface TrainingFormatOptions {
  /** Name used in errors. */
  file?: string;
  /** false: a record may lack `duration` (rarft-train probes the video; the reference's trainer cannot). Default true. */
  requireDuration?: boolean;
}

/** Throws a DataError naming the record and the field of the first record that does not fit the format. */
export function checkTrainingRecords(records: unknown, options: TrainingFormatOptions = {}): void {
  const file = options.file;
  if (!Array.isArray(records)) throw new DataError('a training file is a JSON array of records', file ? { file } : {});
  const schema = recordSchema(options.requireDuration ?? true);
  records.forEach((raw, record) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new DataError(issue.message, { ...(file ? { file } : {}), record, field: formatPath(issue.path) || 'record' });
    }
    const items = parsed.data.GRPO;
    const first = items.findIndex((g) => g.r);
    if (first < 0) throw new DataError('no answerable item (r: true); the loader takes the first one', { ...(file ? { file } : {}), record, field: 'GRPO' });
    if (!items.some((g) => !g.r)) throw new DataError('no refusable item (r: false)', { ...(file ? { file } : {}), record, field: 'GRPO' });
    if (!SPAN_ANSWER.test(items[first]!.a.trim())) {
      throw new DataError('the answerable item\'s answer must be "<answer>S to E</answer>"', { ...(file ? { file } : {}), record, field: `GRPO[${first}].a` });
    }
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
