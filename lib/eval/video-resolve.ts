/**
 * Finds an annotation's video under `--videos DIR`. Annotation paths are the authors' (absolute `/data/...`,
 * `dataset/videos/tvgbench/...`, `../dataset/selected_videos/...`) or bare ids (Charades-STA, ActivityNet), so the
 * lookup tries, in order: the path itself if absolute and present; DIR/<path>; a file anywhere under DIR with the same
 * name; a file under DIR whose name without extension is the video id (any video extension); for ActivityNet ids, the
 * id with or without its "v_" prefix (both namings circulate). Every miss reports what was tried.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';

export const VIDEO_EXTENSIONS = ['.mp4', '.mkv', '.webm', '.mov', '.avi', '.m4v', '.mpg', '.mpeg', '.flv', '.wmv', '.3gp'];

export class VideoIndex {
  readonly #byName = new Map<string, string>();
  readonly #byStem = new Map<string, string>();

  private constructor(readonly dir: string) {}

  /** Indexes the video files under `dir` (recursive; the first file in sorted order wins a name clash). */
  static build(dir: string): VideoIndex {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError('--videos is not a directory', { file: dir });
    const index = new VideoIndex(path.resolve(dir));
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (VIDEO_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) files.push(p);
      }
    };
    walk(index.dir);
    for (const f of files.sort()) {
      const name = path.basename(f);
      if (!index.#byName.has(name)) index.#byName.set(name, f);
      const stem = name.slice(0, name.length - path.extname(name).length);
      if (!index.#byStem.has(stem)) index.#byStem.set(stem, f);
    }
    return index;
  }

  resolve(videoPath: string, videoId: string): { path: string | null; tried: string[] } {
    const tried: string[] = [];
    if (videoPath && path.isAbsolute(videoPath)) {
      tried.push(videoPath);
      if (existsSync(videoPath)) return { path: videoPath, tried };
    }
    if (videoPath && !path.isAbsolute(videoPath)) {
      const p = path.join(this.dir, videoPath);
      tried.push(p);
      if (existsSync(p)) return { path: p, tried };
    }
    const name = path.basename(videoPath);
    tried.push(`${this.dir}/**/${name}`);
    const byName = name ? this.#byName.get(name) : undefined;
    if (byName) return { path: byName, tried };
    tried.push(`${this.dir}/**/${videoId}.{${VIDEO_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`);
    const byStem = this.#byStem.get(videoId);
    if (byStem) return { path: byStem, tried };
    const alt = /^v_/.test(videoId) ? videoId.slice(2) : `v_${videoId}`;
    tried.push(`${this.dir}/**/${alt}.*`);
    return { path: this.#byStem.get(alt) ?? null, tried };
  }
}
