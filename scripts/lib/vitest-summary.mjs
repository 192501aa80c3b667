// A vitest reporter that runs beside the default one (scripts/test.mjs passes both). It writes one JSON file, named
// by $RARFT_TEST_SUMMARY, from which test.mjs prints the closing line `N passed, N failed, N skipped` (CI reads it)
// and, before it, every skipped test with why, and every project that could not run here with why.
//
//   { passed, failed, skipped: [{ project, file, name, reason }], fileErrors: [{ project, file, error }],
//     unhandledErrors, suiteSkips: { <project>: <reason> } }
//
// A file that failed as a whole (an import error, a failing beforeAll) counts once as failed, and the tests it then
// never ran are not counted as skipped: they are part of that failure.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Only the File task has a filepath. */
const isFile = (task) => typeof task.filepath === 'string';

/** The test's name as vitest prints it: its suites' names and its own (not the file's), joined by " > ". */
function fullName(task) {
  const names = [];
  for (let t = task; t && !isFile(t); t = t.suite) names.unshift(t.name);
  return names.join(' > ');
}

const hasErrors = (task) => (task.result?.errors?.length ?? 0) > 0;
const firstLines = (task) => task.result.errors.map((e) => String(e?.message ?? e).split('\n')[0]).join('; ');

/** Why a test was skipped: ctx.skip(note), else the mode it was declared with. */
function skipReason(test) {
  if (test.result?.note) return test.result.note;
  if (test.mode === 'todo' || test.result?.state === 'todo') return 'todo: not written yet';
  // describe.skipIf(cond)(title) / it.skipIf: the condition is not kept; the title is what says why
  return 'declared skipped (describe/it .skip or .skipIf); no note given: see the test title';
}

export default class SummaryReporter {
  onInit(ctx) {
    this.root = ctx.config.root;
  }

  onFinished(files = [], errors = []) {
    const out = process.env.RARFT_TEST_SUMMARY;
    if (!out) return;
    const summary = { passed: 0, failed: 0, skipped: [], fileErrors: [], unhandledErrors: errors.length, suiteSkips: {} };
    try {
      summary.suiteSkips = JSON.parse(process.env.RARFT_SUITE_SKIPS || '{}');
    } catch {
      /* the config did not set it */
    }
    for (const file of files) {
      const where = { project: file.projectName || '', file: relative(this.root ?? process.cwd(), file.filepath) };
      this.visit(file, false, where, summary);
    }
    summary.failed += errors.length;
    writeFileSync(out, JSON.stringify(summary, null, 1));
  }

  /**
   * Counts a suite's tests. A suite (or file) with errors of its own (import, beforeAll) counts as one failure when
   * none of its tests failed, and the tests it then did not run are part of that failure, not skips.
   * Returns how many tests failed inside.
   */
  visit(suite, collateral, where, summary) {
    const broken = hasErrors(suite);
    let failed = 0;
    for (const t of suite.tasks ?? []) {
      if (t.type !== 'test') {
        failed += this.visit(t, collateral || broken, where, summary);
        continue;
      }
      const state = t.result?.state;
      if (state === 'pass') summary.passed++;
      else if (state === 'fail') failed++;
      else if (!(collateral || broken) && (t.mode === 'skip' || t.mode === 'todo' || state === 'skip' || state === 'todo'))
        summary.skipped.push({ ...where, name: fullName(t), reason: skipReason(t) });
    }
    if (broken) {
      summary.fileErrors.push({ ...where, suite: fullName(suite) || '(file)', error: firstLines(suite) });
      if (failed === 0) failed = 1;
    }
    if (isFile(suite)) summary.failed += failed; // at the file: everything inside, counted once
    return failed;
  }
}
