/** Where a suite result's annotation points: the field of its first shortfall or warning. */
import type { CliIo } from '../io.js';
import {
  locateCatalogueEntry,
  locateInFile,
  readScenarioJson,
  type SourceLocation,
  shortfallField,
} from './locate.js';
import type { SuiteResult } from './results.js';

/** The location of `r`, or undefined when nothing in it can be found. */
export function locateResult(io: CliIo, r: SuiteResult): SourceLocation | undefined {
  const file = r.entry.file;
  if (file === undefined) return locateCatalogueEntry(io, r.entry.target);
  if (r.status === 'error' || r.status === 'not-run') return locateInFile(io, file, []);
  const j = r.outcome.judgement;
  const first = j.shortfalls[0] ?? j.warnings[0];
  if (first === undefined) return locateInFile(io, file, []);
  return locateInFile(io, file, shortfallField(first, r.outcome.report, readScenarioJson(io, file)));
}
