// Reads the probes a CMake configure recorded (cmake/RarftDiscovery.cmake writes <build>/rarft-discovery.txt) and
// evaluates them again: what changed since then is a reason to configure again.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const DISCOVERY_FILE = 'rarft-discovery.txt';

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Why the probe recorded as `line` no longer holds, or null when it still does. */
export function probeChange(line, env = process.env) {
  const [kind, subject, recorded = ''] = line.split('\t');
  switch (kind) {
    case 'env': {
      const now = env[subject] ?? '';
      return now === recorded ? null : `${subject} changed ('${recorded}' -> '${now}')`;
    }
    case 'exists': {
      const now = existsSync(subject);
      if (now === (recorded === '1')) return null;
      return now ? `${subject} appeared` : `${subject} is gone`;
    }
    case 'sha256': {
      const there = existsSync(subject) && statSync(subject).isFile();
      if (!there) return recorded === '-' ? null : `${subject} is gone`;
      if (recorded === '-') return `${subject} appeared`;
      return sha256(subject) === recorded ? null : `${subject} changed`;
    }
    default:
      return `unknown probe '${kind}' in ${DISCOVERY_FILE} (written by another version of the build)`;
  }
}

/** Reasons the configuration in buildDir is stale; [] when every recorded probe still holds. */
export function staleReasons(buildDir, env = process.env) {
  if (!existsSync(join(buildDir, 'CMakeCache.txt'))) return ['not configured yet'];
  const file = join(buildDir, DISCOVERY_FILE);
  if (!existsSync(file)) return [`no ${DISCOVERY_FILE} (the last configure did not finish, or predates it)`];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => probeChange(l, env))
    .filter((r) => r !== null);
}
