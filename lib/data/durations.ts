import { DataError } from '../errors.js';

/** Returns a video's duration in seconds; the video module provides it (this module never decodes video). */
export type DurationProbe = (videoPath: string) => Promise<number>;

interface NeedsDuration {
  videoPath: string;
  duration: number | null;
  needsProbe: boolean;
  sourceFile: string;
  recordIndex: number;
}

/**
 * Fills missing durations (HI-TVGBench, SS-QVHighlights, Charades-STA without a csv) by probing each distinct video
 * once. Items that already have a duration are returned unchanged. A probe failure names the record.
 */
export async function resolveDurations<T extends NeedsDuration>(items: readonly T[], probe: DurationProbe): Promise<T[]> {
  const cache = new Map<string, Promise<number>>();
  return Promise.all(
    items.map(async (item) => {
      if (!item.needsProbe) return item;
      let pending = cache.get(item.videoPath);
      if (!pending) {
        pending = probe(item.videoPath);
        cache.set(item.videoPath, pending);
      }
      let duration: number;
      try {
        duration = await pending;
      } catch (err) {
        throw new DataError(`duration probe failed for ${item.videoPath}: ${(err as Error).message}`, {
          file: item.sourceFile,
          record: item.recordIndex,
          field: 'video',
        });
      }
      if (!(Number.isFinite(duration) && duration > 0)) {
        throw new DataError(`duration probe returned ${duration} for ${item.videoPath}`, {
          file: item.sourceFile,
          record: item.recordIndex,
          field: 'video',
        });
      }
      return { ...item, duration, needsProbe: false };
    }),
  );
}
