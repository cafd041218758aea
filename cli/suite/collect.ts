/**
 * What a `cgrpcheck test` run checks: the suites of the command line and the
 * config file, expanded into one entry per scenario (folders walked in
 * code-unit order), each with the defaults its suite gives.
 */
import { dirname, relative, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { UsageError } from '../usageError.js';
import type { BudgetDefaults, SuiteConfig } from './config.js';

/** One scenario of a suite run. */
export interface SuiteEntry {
  /** The suite it belongs to: `catalogue`, `files`, or a config suite's name. */
  readonly suite: string;
  /** What the engine loads: a catalogue name or an absolute path. */
  readonly target: string;
  /** How lines name it: the catalogue name, or the path relative to the working directory. */
  readonly shown: string;
  /** The scenario file (absolute), when it is one. */
  readonly file?: string;
  /** Strategy and runs for a scenario that declares no budget of its own. */
  readonly budget: BudgetDefaults;
  readonly isStrict: boolean;
  readonly timeBudgetMs?: number;
}

/** The entries to run, and the JSON files a folder walk left out because they are not scenarios. */
export interface Collected {
  readonly entries: SuiteEntry[];
  /** Shown paths, in walk order. */
  readonly skipped: string[];
}

/** Command-line choices that shape the suites. */
export interface CollectOptions {
  readonly paths: readonly string[];
  readonly isCatalogue: boolean;
  readonly isStrict: boolean;
  readonly timeBudgetMs?: number;
  readonly config?: { readonly value: SuiteConfig; readonly folder: string };
}

/** File names a folder walk never takes for scenarios. */
const NOT_SCENARIOS = /^(package(-lock)?\.json|cgrpcheck\.config\.json|.*\.schema\.json)$/;

/**
 * The entries to run, in order: command-line paths (suite `files`), then
 * `--catalogue`; with neither, every suite of the config file.
 */
export function collectEntries(io: CliIo, catalogue: readonly string[], options: CollectOptions): Collected {
  const config = options.config?.value;
  const base = {
    budget: config?.budget ?? {},
    isStrict: options.isStrict || config?.strict === true,
    ...timeBudget(options.timeBudgetMs, config?.timeBudget),
  };
  const entries: SuiteEntry[] = [];
  const skipped: string[] = [];
  if (options.paths.length > 0 || options.isCatalogue) {
    for (const p of options.paths) entries.push(...fileEntries(io, 'files', p, io.cwd, base, skipped));
    if (options.isCatalogue) entries.push(...catalogue.map((name) => catalogueEntry(name, base)));
    return { entries, skipped };
  }
  if (config?.suites === undefined) {
    throw new UsageError(
      'test: nothing to run: give scenario files or folders, --catalogue, or suites in cgrpcheck.config.json',
    );
  }
  for (const s of config.suites) {
    const own = {
      budget: { ...base.budget, ...s.budget },
      isStrict: base.isStrict || s.strict === true,
      ...timeBudget(options.timeBudgetMs, s.timeBudget ?? config.timeBudget),
    };
    for (const p of s.paths ?? [])
      entries.push(...fileEntries(io, s.name, p, options.config!.folder, own, skipped));
    if (s.catalogue === true) entries.push(...catalogue.map((name) => catalogueEntry(name, own, s.name)));
  }
  return { entries, skipped };
}

type Defaults = Pick<SuiteEntry, 'budget' | 'isStrict' | 'timeBudgetMs'>;

function timeBudget(
  flagMs: number | undefined,
  configSeconds: number | undefined,
): { timeBudgetMs?: number } {
  const ms = flagMs ?? (configSeconds === undefined ? undefined : configSeconds * 1000);
  return ms === undefined ? {} : { timeBudgetMs: ms };
}

function catalogueEntry(name: string, defaults: Defaults, suite = 'catalogue'): SuiteEntry {
  return { suite, target: name, shown: name, ...defaults };
}

/** A file, or every scenario file under a folder. */
function fileEntries(
  io: CliIo,
  suite: string,
  given: string,
  from: string,
  defaults: Defaults,
  skipped: string[],
): SuiteEntry[] {
  if (given === '') throw new UsageError('test: empty path');
  const path = resolve(from, given);
  const kind = io.statPath(path);
  if (kind === 'missing') throw new UsageError(`test: no such file or folder '${given}'`);
  let files = [path];
  if (kind === 'folder') {
    files = [];
    for (const f of walk(io, path)) {
      if (isScenarioFile(io, f)) files.push(f);
      else skipped.push(relative(io.cwd, f) || f);
    }
  }
  if (files.length === 0) throw new UsageError(`test: folder '${given}' holds no scenario files (*.json)`);
  return files.map((file) => ({
    suite,
    target: file,
    shown: relative(io.cwd, file) || file,
    file,
    ...defaults,
  }));
}

/** Scenario files under `folder`, depth first in code-unit order; hidden entries and node_modules skipped. */
function walk(io: CliIo, folder: string): string[] {
  const names = io.listFolder(folder);
  if (!names.ok)
    throw new UsageError(`test: cannot read folder '${relative(io.cwd, folder)}': ${names.reason}`);
  const out: string[] = [];
  for (const name of names.value) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const path = resolve(folder, name);
    const kind = io.statPath(path);
    if (kind === 'folder') out.push(...walk(io, path));
    else if (kind === 'file' && name.endsWith('.json') && !NOT_SCENARIOS.test(name)) out.push(path);
  }
  return out;
}

/**
 * Whether a JSON file found in a folder is a scenario: it names the scenario
 * schema or has `actors`, or it is not valid JSON (the loader then reports
 * where). Another JSON file (a build manifest) is skipped, and the run says so.
 * A file named on the command line is always taken.
 */
function isScenarioFile(io: CliIo, file: string): boolean {
  const text = io.readFile(file);
  if (!text.ok) return true;
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch {
    return true;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return true;
  const o = json as Record<string, unknown>;
  return 'actors' in o || (typeof o.$schema === 'string' && o.$schema.endsWith('scenario.schema.json'));
}

/** The folder a config file's relative paths start from. */
export function configFolder(path: string): string {
  return dirname(path);
}
