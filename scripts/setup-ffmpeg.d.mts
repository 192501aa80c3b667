// Types for setup-ffmpeg.mjs (imported by tests).
export interface FfTool {
  name: string;
  env: string;
  pkg: string;
}
export interface FoundTool {
  path: string;
  source: string;
  version: string;
}
type Env = Record<string, string | undefined>;
export function checkTool(o: { root: string; tool: FfTool; env?: Env; log?: (msg: string) => void }): FoundTool;
export function setupFfmpeg(o: { root: string; env?: Env; log?: (msg: string) => void }): FoundTool[];
