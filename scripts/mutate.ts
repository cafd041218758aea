/**
 * `npm run mutate:model` (`:properties`, `:scheduler`), or
 * `npm run build && node dist/scripts/mutate.js '<files>' [stryker options]`:
 * runs Stryker on some files, starting from the committed incremental report,
 * then merges that run's report back into it (scripts/mutationReports.ts), so
 * the results of the files not run stay and the next run of any folder reuses
 * them. Run from the package root; exits with Stryker's status.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type MutationReport, mergeReports } from './mutationReports.js';

const MAIN = 'reports/stryker-incremental.json';
/** This run's own incremental file (git-ignored; Stryker cleans .stryker-tmp/ itself). */
const PART = 'reports/incremental-part.json';

const [files, ...options] = process.argv.slice(2);
if (files === undefined || files.startsWith('-')) {
  process.stderr.write("usage: node dist/scripts/mutate.js '<files to mutate>' [stryker options]\n");
  process.exit(2);
}
if (existsSync(MAIN)) copyFileSync(MAIN, PART);
const run = spawnSync('npx', ['stryker', 'run', '--mutate', files, '--incrementalFile', PART, ...options], {
  stdio: 'inherit',
});
if (existsSync(PART)) {
  const read = (file: string): MutationReport => JSON.parse(readFileSync(file, 'utf8')) as MutationReport;
  const base: MutationReport = existsSync(MAIN) ? read(MAIN) : { files: {} };
  const { report, dropped } = mergeReports(base, read(PART));
  writeFileSync(MAIN, `${JSON.stringify(report, null, 2)}\n`);
  rmSync(PART);
  const kept = Object.keys(report.files).length;
  process.stdout.write(
    `merged into ${MAIN}: ${kept} files${dropped > 0 ? `; ${dropped} mutants left out (a test they name changed), to be tested again` : ''}\n`,
  );
}
process.exit(run.status ?? 3);
