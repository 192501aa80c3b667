/**
 * Videos that fail mid-run. Every video passes a probe before step 1 (video-precheck.ts), but a file can still fail
 * at its decode (a truncated stream behind an intact header, a file replaced or removed while training runs). Such a
 * failure must not end the run and lose the work since the last checkpoint: the step that drew the video is skipped
 * (on all ranks together, like any other skip), the failure is counted in the step's metrics and logged with the
 * annotation file and record, and only past `max_unreadable_videos` in one run does the trainer stop, after writing
 * a checkpoint.
 */
import type { ResolvedExample } from '../data/examples.js';
import { DataError } from '../errors.js';
import { type PreparedPrompt, type StepContext, preparePrompt } from './step-context.js';
import { UnreadableVideoError } from './unreadable-video-error.js';

/** This run's mid-run video failures (this process's), and the step's. */
export class UnreadableVideos {
  readonly #step: UnreadableVideoError[] = [];
  readonly all: UnreadableVideoError[] = [];

  constructor(readonly limit: number) {}

  note(e: UnreadableVideoError): void {
    this.#step.push(e);
    this.all.push(e);
  }

  /** The failures since the last call (one step's). */
  takeStep(): UnreadableVideoError[] {
    return this.#step.splice(0);
  }

  get overLimit(): boolean {
    return this.all.length > this.limit;
  }

  /** Why the run stops: the limit and every failure with its record. */
  stopMessage(): string {
    const list = this.all.slice(0, 20).map((e) => `  ${e.message}`);
    if (this.all.length > 20) list.push(`  … and ${this.all.length - 20} more`);
    return `${this.all.length} videos failed to decode during training, more than max_unreadable_videos = ${this.limit}:\n${list.join('\n')}`;
  }
}

/**
 * preparePrompt, with a video failure turned into a skip reason (and noted in ctx.unreadableVideos); any other
 * failure is thrown as before.
 */
export async function prepareOrSkip(ctx: StepContext, ex: ResolvedExample, rows: number): Promise<PreparedPrompt | string> {
  try {
    return await preparePrompt(ctx, ex, rows);
  } catch (e) {
    if (!(e instanceof UnreadableVideoError)) throw e;
    ctx.unreadableVideos?.note(e);
    return `video: ${e.message}`;
  }
}

/** The error that ends a run past max_unreadable_videos; says which checkpoint holds the work so far. */
export function stopForUnreadableVideos(u: UnreadableVideos, checkpoint: { path: string } | null): DataError {
  const saved = checkpoint ? `\nthe work so far is saved in ${checkpoint.path}: fix or remove those videos, then resume` : '';
  return new DataError(`${u.stopMessage()}${saved}`, { field: 'max_unreadable_videos' });
}
