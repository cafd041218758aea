/**
 * The one gate every scenario passes, from a file or from the builder: JSON
 * text → schema (schema.ts, through zod) → ranges and references (checks.ts,
 * references.ts). Errors are values: one line naming the file, the JSON path
 * and the offending value.
 */
import { GOAL_IDS } from '../../properties/reachability.js';
import { KNOWN_INVARIANT_IDS } from '../compile/invariants.js';
import type { Loaded } from '../engine/engine.js';
import { checkRanges } from './checks.js';
import { parseJsonText } from './jsonText.js';
import { type ObjectProgramResolver, resolveObjectPrograms } from './objectProgram.js';
import { findParamUses } from './paramUses.js';
import { checkReferences } from './references.js';
import { createScenarioSchema, type KnownIds, type ScenarioSchema } from './schema.js';
import type { ParsedScenario, ScenarioDef } from './types.js';
import { KNOWN_BUGS, TRACE_HOOKS } from './vocabulary.js';
import { issueLine } from './zodIssue.js';

/** The id lists a scenario is checked against; each defaults to the tool's own list. */
export interface ValidateOptions {
  /** Ids `expect` and `check` may name. @defaultValue KNOWN_INVARIANT_IDS (scenarios/invariants.ts) */
  readonly invariants?: readonly string[];
  /** Names `options.bugs` may list. @defaultValue KNOWN_BUGS */
  readonly bugs?: readonly string[];
  /** Kernel functions a trace actor's program may hook. @defaultValue TRACE_HOOKS */
  readonly hooks?: readonly string[];
  /** Goal ids `reachability` may name; `'any'` accepts any kebab-case id. @defaultValue GOAL_IDS (properties/reachability.ts) */
  readonly reachability?: readonly string[] | 'any';
  /** Opens BPF objects named by program entries (format/objectProgram.ts). @defaultValue undefined: none may be named */
  readonly objectPrograms?: ObjectProgramResolver;
}

/** The id lists of the tool itself: what the shipped schema lists and every load checks against. */
export const TOOL_IDS: KnownIds = {
  invariants: KNOWN_INVARIANT_IDS,
  bugs: KNOWN_BUGS,
  reachability: GOAL_IDS,
};

const schemas = new Map<string, ScenarioSchema>();

/** The schema for these id lists, built once per distinct lists. */
export function scenarioSchemaFor(known: KnownIds): ScenarioSchema {
  const key = JSON.stringify([known.invariants, known.bugs, known.reachability ?? null]);
  let s = schemas.get(key);
  if (s === undefined) {
    s = createScenarioSchema(known);
    schemas.set(key, s);
  }
  return s;
}

/** Parses and validates scenario JSON text; syntax errors are reported as `file:line:column: ...`. */
export function parseScenarioJson(
  text: string,
  file: string,
  options: ValidateOptions = {},
): Loaded<ScenarioDef> {
  const json = parseJsonText(text);
  if (!json.ok)
    return { ok: false, error: { message: `${file}:${json.line}:${json.column}: ${json.message}` } };
  return validateScenario(json.value, file, options);
}

/** Drops undefined fields, so absent stays absent and deep equality holds. */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compact);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined)
      Object.defineProperty(out, k, {
        value: compact(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

/**
 * Validates a parsed JSON value (or a builder's draft) as a scenario. On
 * success the value is a fresh ScenarioDef holding exactly the fields given.
 */
export function validateScenario(
  json: unknown,
  file: string,
  options: ValidateOptions = {},
): Loaded<ScenarioDef> {
  const schema = scenarioSchemaFor({
    invariants: options.invariants ?? TOOL_IDS.invariants,
    bugs: options.bugs ?? TOOL_IDS.bugs,
    reachability:
      options.reachability === 'any' ? undefined : (options.reachability ?? TOOL_IDS.reachability),
  });
  const parsed = schema.safeParse(compact(json), { reportInput: true });
  if (!parsed.success) return { ok: false, error: { message: issueLine(file, parsed.error.issues) } };
  const { $schema: _, programs: entries, ...rest } = parsed.data as ParsedScenario;
  const programs = entries === undefined ? undefined : resolveObjectPrograms(entries, options.objectPrograms);
  if (programs !== undefined && !Array.isArray(programs))
    return { ok: false, error: { message: `${file}: ${programs.path}: ${programs.message}` } };
  const def: ScenarioDef = programs === undefined ? rest : { ...rest, programs };
  const issue =
    checkRanges(def) ?? checkReferences(def, findParamUses(schema, def), options.hooks ?? TRACE_HOOKS);
  if (issue !== undefined)
    return {
      ok: false,
      error: { message: `${file}: ${issue.path === '' ? '(root)' : issue.path}: ${issue.message}` },
    };
  return { ok: true, value: def };
}
