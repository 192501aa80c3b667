/**
 * Which generated tokens belong to a completion: 1 up to and including the first stop token, 0 after it; a row
 * with no stop token (truncated at max_completion_length) counts fully (§4.2 item 4).
 *
 * The reference checks only `<|im_end|>` (151645), so a completion that ends on `<|endoftext|>` (151643) trains on
 * all the padding after it (§7.12). Here every id in `stopIds` ends a completion; the default is both.
 */
import { type Tensor, tidy } from '../tensor/index.js';

/** Qwen2.5's `<|im_end|>` and `<|endoftext|>`: the generation config's EOS list. */
export const QWEN_STOP_IDS: readonly number[] = [151645, 151643];

/**
 * `ids`: generated ids [B, T] (completion part only, int64 or int32). Returns a float32 mask [B, T].
 * A position is in the completion iff no stop token occurs strictly before it: with s = isStop and c = cumsum(s),
 * that is c - s == 0 (the first stop itself has c = s = 1, so it is kept).
 */
export function completionMask(ids: Tensor<'int64'> | Tensor<'int32'>, stopIds: readonly number[] = QWEN_STOP_IDS): Tensor<'float32'> {
  if (ids.rank !== 2) throw new RangeError(`completionMask: ids must be [B, T], got [${ids.shape.join(', ')}]`);
  if (stopIds.length === 0) throw new RangeError('completionMask: stopIds is empty');
  return tidy(() => {
    let isStop = (ids as Tensor<'int64'>).eq(stopIds[0]!);
    for (const id of stopIds.slice(1)) isStop = isStop.logicalOr((ids as Tensor<'int64'>).eq(id));
    const stops = isStop.to('int64');
    const before = stops.cumsum(1).sub(stops);
    return before.eq(0).to('float32');
  });
}

/** Tokens per completion (the mask's row sums), as the reference's `completion_length` counts them. */
export function completionLengths(mask: Tensor<'float32'>): number[] {
  return tidy(() => Array.from(mask.sum(1).toArray() as Float32Array));
}
