/** The id of a video from its path: the file name without directories and extension ("/a/b/E6DLK.mp4" -> "E6DLK"). */
export function videoIdFromPath(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
