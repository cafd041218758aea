/**
 * Merging Stryker's incremental reports. A run with `--mutate <some files>`
 * writes a report of those files only, so running one folder would drop every
 * other folder's results from the committed file (reports/stryker-incremental.json)
 * and the next run would test them all again. `mergeReports(base, part)` keeps
 * base's files and puts part's over them.
 *
 * Test ids are numbered per run, so mutants name their tests through each
 * report's own ids. The merged report numbers the tests afresh, identifying a
 * test by (test file, name), and rewrites every mutant's `coveredBy` and
 * `killedBy`. A test file both reports list keeps part's source (the newer
 * run) and the tests of both: two runs on two branches each know tests the
 * other lacks, and Stryker itself notices a test that no longer exists and
 * tests its mutants again. A mutant naming a test its own report does not
 * list (a malformed report) is left out, to be tested again.
 */

/** One mutant of a report (only the fields the merge reads; the rest is kept as is). */
export interface ReportMutant {
  readonly id: string;
  readonly coveredBy?: readonly string[];
  readonly killedBy?: readonly string[];
  readonly [field: string]: unknown;
}

/** One mutated file. */
export interface ReportFile {
  readonly mutants: readonly ReportMutant[];
  readonly [field: string]: unknown;
}

/** One test file and its tests. */
export interface ReportTestFile {
  readonly tests: readonly {
    readonly id: string;
    readonly name: string;
    readonly [field: string]: unknown;
  }[];
  readonly [field: string]: unknown;
}

/** A Stryker (mutation-testing-report-schema) report. */
export interface MutationReport {
  readonly files: Readonly<Record<string, ReportFile>>;
  readonly testFiles?: Readonly<Record<string, ReportTestFile>>;
  readonly [field: string]: unknown;
}

/** What a merge kept and dropped. */
export interface MergeResult {
  readonly report: MutationReport;
  /** Base mutants left out because a test they name is not in their report. */
  readonly dropped: number;
}

/** Base's files with part's over them; see the module comment. */
export function mergeReports(base: MutationReport, part: MutationReport): MergeResult {
  const testFiles: Record<string, ReportTestFile> = {};
  const newId = new Map<string, string>(); // `${file}\0${name}` → merged id
  // Part first: where both reports list a test file, part's source is the one kept.
  const fromPart = addTests(part, testFiles, newId);
  const fromBase = addTests(base, testFiles, newId);
  const files: Record<string, ReportFile> = {};
  let dropped = 0;
  for (const [path, f] of Object.entries(base.files)) {
    if (part.files[path] !== undefined) continue;
    const mutants = remap(f.mutants, fromBase);
    dropped += f.mutants.length - mutants.length;
    files[path] = { ...f, mutants };
  }
  for (const [path, f] of Object.entries(part.files))
    files[path] = { ...f, mutants: remap(f.mutants, fromPart) };
  return { report: { ...part, files: sortedByKey(files), testFiles: sortedByKey(testFiles) }, dropped };
}

/**
 * Adds the tests of `report`'s test files to `out` (a test keeps the merged id
 * a test of the same file and name already has; a file already there keeps its
 * source and gains the tests it lacks), and returns the report's old id →
 * merged id.
 */
function addTests(
  report: MutationReport,
  out: Record<string, ReportTestFile>,
  newId: Map<string, string>,
): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [file, tf] of Object.entries(report.testFiles ?? {})) {
    const known = out[file];
    const tests = [...(known?.tests ?? [])];
    for (const t of tf.tests) {
      const isNew = !newId.has(`${file}\0${t.name}`);
      const id = mergedId(newId, file, t.name);
      ids.set(t.id, id);
      if (isNew) tests.push({ ...t, id });
    }
    out[file] = { ...(known ?? tf), tests };
  }
  return ids;
}

function mergedId(newId: Map<string, string>, file: string, name: string): string {
  const key = `${file}\0${name}`;
  let id = newId.get(key);
  if (id === undefined) {
    id = String(newId.size);
    newId.set(key, id);
  }
  return id;
}

/** The mutants with their tests renamed; a mutant naming a test `ids` lacks is left out. */
function remap(mutants: readonly ReportMutant[], ids: ReadonlyMap<string, string>): ReportMutant[] {
  const out: ReportMutant[] = [];
  for (const m of mutants) {
    const coveredBy = m.coveredBy?.map((t) => ids.get(t));
    const killedBy = m.killedBy?.map((t) => ids.get(t));
    if (coveredBy?.includes(undefined) || killedBy?.includes(undefined)) continue;
    out.push({
      ...m,
      ...(coveredBy === undefined ? {} : { coveredBy: coveredBy as string[] }),
      ...(killedBy === undefined ? {} : { killedBy: killedBy as string[] }),
    });
  }
  return out;
}

function sortedByKey<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
