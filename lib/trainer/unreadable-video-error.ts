import type { ResolvedExample } from '../data/examples.js';
import { DataError } from '../errors.js';

/** A video that could not be decoded for a training example; names the video, the annotation file and the record. */
export class UnreadableVideoError extends DataError {
  override name = 'UnreadableVideoError';
  constructor(
    readonly video: string,
    readonly reason: string,
    readonly example: { sourceFile?: string | undefined; recordIndex: number },
  ) {
    super(`cannot read video ${video}: ${reason}`, { ...(example.sourceFile ? { file: example.sourceFile } : {}), record: example.recordIndex, field: 'video' });
  }

  /** Wraps what the video cache threw (its message usually starts with the path already). */
  static from(ex: Pick<ResolvedExample, 'videoPath' | 'recordIndex' | 'sourceFile'>, cause: unknown): UnreadableVideoError {
    const msg = cause instanceof Error ? cause.message : String(cause);
    const reason = msg.startsWith(`${ex.videoPath}: `) ? msg.slice(ex.videoPath.length + 2) : msg;
    return new UnreadableVideoError(ex.videoPath, reason, ex);
  }
}
