// Types for setup-gloo.mjs (imported by tests).
export const GLOO_PACKAGE: string;
export function setupGloo(o: {
  root: string;
  env?: Record<string, string | undefined>;
  force?: boolean;
  log?: (msg: string) => void;
  systemDirs?: string[];
}): string | null;
