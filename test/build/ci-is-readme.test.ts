/**
 * CI is the newcomer's path: .ci/run runs the README's quick-start commands verbatim (set-up+build, then the tests)
 * and installs nothing itself, so a green CI means the README's steps work on a clean machine with the listed
 * prerequisites. And the README's quick start stays three commands.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

/** The commands (comments stripped) of the first ```bash block after the heading. */
function quickStartCommands(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

describe('.ci/run does what the README says', () => {
  const readme = read('README.md');
  const ci = read('.ci/run');
  const ciCommands = ci
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('the quick start is one set-up+build command, the demo, and the tests', () => {
    expect(quickStartCommands(readme)).toEqual(['npm ci && npm run setup && npm run build', 'npx rarft-train', 'npm test']);
  });

  it('CI runs the set-up+build and test commands verbatim, in that order', () => {
    const [setup, , test] = quickStartCommands(readme);
    const at = (cmd: string) => ciCommands.indexOf(cmd!);
    expect(at(setup!)).toBeGreaterThan(-1);
    expect(at(test!)).toBeGreaterThan(at(setup!));
  });

  it('CI installs nothing of its own (no apt-get/pip install, no sudo); it only checks the listed prerequisites', () => {
    for (const line of ciCommands) {
      if (line.startsWith('echo ')) continue; // the message naming the prerequisites' install command
      expect(line).not.toMatch(/apt-get\s+install|apt\s+install|pip3?\s+install|-m pip install|\bsudo\b|npm\s+install/);
    }
    const prereq = /Prerequisites: ([^\n]+\n[^\n]+)/.exec(readme)?.[1] ?? '';
    for (const tool of ['g++', 'cmake', 'ninja', 'unzip', 'python3-pip']) {
      expect(prereq, tool).toContain(tool);
      expect(ci, tool).toContain(tool.replace('python3-pip', 'python3'));
    }
  });
});
