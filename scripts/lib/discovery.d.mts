// Types for discovery.mjs (imported by test/build/backends.test.ts).
export const DISCOVERY_FILE: string;
export function probeChange(line: string, env?: Record<string, string | undefined>): string | null;
export function staleReasons(buildDir: string, env?: Record<string, string | undefined>): string[];
