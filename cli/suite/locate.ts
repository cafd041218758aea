/**
 * Where an annotation points: the line of the scenario field a failure is
 * about (`expect` for a missing violation, the invariant's entry in `check`
 * for an unexpected one, `reachability` for an unreached goal), or, for a
 * catalogue entry, the line of its name in the catalogue's source.
 */
import { join, relative } from 'node:path';
import type { Shortfall } from '../../scenarios/engine/expectation.js';
import type { CheckReport } from '../../scenarios/engine/result.js';
import type { CliIo } from '../io.js';
import { fieldLine, type PathStep } from './fieldLine.js';

/** A place in a file, relative to the working directory. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
}

/** The scenario field `shortfall` is about, as a path into the scenario JSON. */
export function shortfallField(shortfall: Shortfall, report: CheckReport, def: unknown): PathStep[] {
  const d = (typeof def === 'object' && def !== null ? def : {}) as Record<string, unknown>;
  const has = (k: string) => d[k] !== undefined;
  const fallback = (): PathStep[] => (has('expect') ? ['expect'] : ['name']);
  switch (shortfall.kind) {
    case 'missing-violation':
    case 'other-violation':
      return ['expect'];
    case 'unexpected-violation': {
      const inv = report.violation?.invariant ?? '';
      if (inv === 'final-value' && has('expectFinal')) return ['expectFinal'];
      const at = Array.isArray(d.check) ? d.check.indexOf(inv) : -1;
      return at >= 0 ? ['check', at] : fallback();
    }
    case 'unreached-expectation':
      return promisedField(shortfall.message, d) ?? fallback();
    case 'vacuous': {
      const goals = Array.isArray(d.reachability) ? d.reachability : [];
      const at = goals.indexOf(report.unreached[0]);
      return at >= 0 ? ['reachability', at] : has('reachability') ? ['reachability'] : fallback();
    }
    default:
      return has('budget') ? ['budget'] : fallback();
  }
}

/**
 * The op or final value an unmet `reachable` expectation names: `setup[0] (…)`,
 * `reader ops[1] (…)` (an actor by name) or `counters[app] ends …`.
 */
function promisedField(message: string, d: Record<string, unknown>): PathStep[] | undefined {
  const goal = message.slice(message.indexOf(': ') + 2);
  const setup = /^setup\[(\d+)\]/.exec(goal);
  if (setup) return ['setup', Number(setup[1])];
  const op = /^(\S+) ops\[(\d+)\]/.exec(goal);
  if (op && Array.isArray(d.actors)) {
    const at = d.actors.findIndex((a) => (a as { name?: unknown }).name === op[1]);
    if (at >= 0) return ['actors', at, 'ops', Number(op[2]), 'expect'];
  }
  if (/^\S+\[[^\]]*\] ends /.test(goal) && d.expectFinal !== undefined) return ['expectFinal'];
  return undefined;
}

/** The line of `field` in the scenario file `file` (absolute), or the file alone. */
export function locateInFile(io: CliIo, file: string, field: readonly PathStep[]): SourceLocation {
  const shown = relative(io.cwd, file) || file;
  const text = io.readFile(file);
  if (!text.ok) return { file: shown };
  const line = fieldLine(text.value, field);
  return line === undefined ? { file: shown } : { file: shown, line };
}

/** The scenario JSON of a file entry, for {@link shortfallField}; undefined when unreadable. */
export function readScenarioJson(io: CliIo, file: string): unknown {
  const text = io.readFile(file);
  if (!text.ok) return undefined;
  try {
    return JSON.parse(text.value);
  } catch {
    return undefined;
  }
}

/** Catalogue sources, relative to the package root; entries are found by their quoted name. */
const CATALOGUE_FOLDER = 'scenarios/catalogue';

/**
 * The line of a catalogue entry's name in the package's TypeScript sources (a
 * `-before`/`-after` pair by its base name), or undefined when the sources are absent.
 */
export function locateCatalogueEntry(io: CliIo, name: string): SourceLocation | undefined {
  if (io.packageRoot === undefined) return undefined;
  const files = sourceFiles(io, join(io.packageRoot, CATALOGUE_FOLDER));
  const wanted = [name, name.replace(/-(before|after)$/, '')];
  for (const w of wanted) {
    for (const file of files) {
      const text = io.readFile(file);
      if (!text.ok) continue;
      const at = text.value.split('\n').findIndex((l) => l.includes(`'${w}'`));
      if (at >= 0) return { file: relative(io.cwd, file) || file, line: at + 1 };
    }
  }
  return undefined;
}

function sourceFiles(io: CliIo, folder: string): string[] {
  const names = io.listFolder(folder);
  if (!names.ok) return [];
  const out: string[] = [];
  for (const name of names.value) {
    const path = join(folder, name);
    const kind = io.statPath(path);
    if (kind === 'folder') out.push(...sourceFiles(io, path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}
