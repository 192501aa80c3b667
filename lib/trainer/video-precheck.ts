/**
 * Before step 1, every video the training data references is opened the way the first decode will open it: the
 * probe (the in-process MP4/Matroska header readers, else ffprobe/ffmpeg), then the frame sampling and the frame size
 * the decode would use. A missing, empty, truncated or non-video file would otherwise stop the run at the step that
 * first draws it, hours in; here every bad video is reported at once, each with the annotation file and the records
 * that use it, so one fix-and-rerun is enough. Each distinct video is probed once; the probes' durations are reused
 * for records that have none.
 */
import { DataError } from '../errors.js';
import { type VideoProbe, probeVideo } from '../video/probe.js';
import { sampleFrames } from '../video/sampling.js';
import { videoFrameSize } from '../video/smart-resize.js';
import { type VideoPreprocessOptions, frameSettings } from '../video/preprocess.js';

/** Where a video is referenced: the annotation file and the record index. */
export interface VideoUse {
  videoPath: string;
  sourceFile: string;
  recordIndex: number;
}

export interface BadVideo {
  video: string;
  reason: string;
  uses: { sourceFile: string; recordIndex: number }[];
}

export type ProbeFn = (path: string) => Promise<VideoProbe>;

/** How many probes run at once: the in-process readers are synchronous, the ffprobe fallback is a process each. */
const CONCURRENCY = 4;
/** The report lists this many bad videos in full (the count is always exact). */
const LISTED = 50;

/** Why `path` cannot be decoded with `opts`, or null when the probe and the decode plan succeed. */
async function checkOne(path: string, opts: VideoPreprocessOptions, probe: ProbeFn): Promise<{ probe: VideoProbe } | { reason: string }> {
  let p: VideoProbe;
  try {
    p = await probe(path);
  } catch (e) {
    return { reason: stripPath((e as Error).message, path) };
  }
  try {
    const s = sampleFrames(p.frameCount, p.fps, opts);
    const f = frameSettings(opts);
    videoFrameSize(p.height, p.width, s.nframes, { minPixels: f.minPixels, totalPixels: f.totalPixels, ...(f.maxPixels !== null ? { maxPixels: f.maxPixels } : {}) });
  } catch (e) {
    return { reason: `${(e as Error).message} (${p.frameCount} frames at ${p.fps} fps, ${p.width}x${p.height})` };
  }
  return { probe: p };
}

/** A probe's DataError already starts with the path; the report prints the path once. */
function stripPath(message: string, path: string): string {
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/**
 * Probes every distinct video of `uses` (absolute paths). Resolves with each video's probe when all are readable;
 * otherwise throws one DataError listing every bad video with its reason, annotation file(s) and record indices.
 */
export async function precheckVideos(uses: readonly VideoUse[], opts: VideoPreprocessOptions = {}, probe: ProbeFn = (p) => probeVideo(p, opts)): Promise<Map<string, VideoProbe>> {
  const byVideo = new Map<string, VideoUse[]>();
  for (const u of uses) {
    const list = byVideo.get(u.videoPath);
    if (list) list.push(u);
    else byVideo.set(u.videoPath, [u]);
  }
  const videos = [...byVideo.keys()];
  const probes = new Map<string, VideoProbe>();
  const bad: BadVideo[] = [];
  let next = 0;
  const worker = async () => {
    while (next < videos.length) {
      const v = videos[next++]!;
      const r = await checkOne(v, opts, probe);
      if ('probe' in r) probes.set(v, r.probe);
      else bad.push({ video: v, reason: r.reason, uses: byVideo.get(v)!.map((u) => ({ sourceFile: u.sourceFile, recordIndex: u.recordIndex })) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, videos.length) }, worker));
  if (bad.length) throw new DataError(formatBadVideos(bad, videos.length), { field: 'video' });
  return probes;
}

/** "3 of 120 videos cannot be read" and one line per video (file order kept: sorted by first use). */
export function formatBadVideos(bad: readonly BadVideo[], total: number): string {
  const sorted = [...bad].sort((a, b) => firstUse(a).localeCompare(firstUse(b)) || a.uses[0]!.recordIndex - b.uses[0]!.recordIndex);
  const lines = sorted.slice(0, LISTED).map((b) => `  ${b.video}: ${b.reason} (${describeUses(b.uses)})`);
  if (sorted.length > LISTED) lines.push(`  … and ${sorted.length - LISTED} more`);
  return `${bad.length} of ${total} training video(s) cannot be read; fix or remove them before training:\n${lines.join('\n')}`;
}

const firstUse = (b: BadVideo) => b.uses[0]!.sourceFile;

/** "train.json records 3, 7" (per annotation file; long record lists shortened). */
function describeUses(uses: BadVideo['uses']): string {
  const byFile = new Map<string, number[]>();
  for (const u of uses) byFile.set(u.sourceFile, [...(byFile.get(u.sourceFile) ?? []), u.recordIndex]);
  return [...byFile.entries()]
    .map(([file, recs]) => `${file} record${recs.length > 1 ? 's' : ''} ${recs.slice(0, 10).join(', ')}${recs.length > 10 ? `, … (${recs.length})` : ''}`)
    .join('; ');
}
