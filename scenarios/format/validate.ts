/**
 * The one gate every scenario passes, from a file or from the builder: JSON
 * text → shape → references. Errors are values: one line naming the file, the
 * JSON path and the offending value.
 */
import type { Loaded } from '../engine/engine.js';
import { parseJsonText } from './jsonText.js';
import { FieldReader } from './reader.js';
import { checkReferences } from './references.js';
import { readScenario } from './shape.js';
import type { ScenarioDef } from './types.js';
import { KNOWN_BUGS, KNOWN_INVARIANTS, TRACE_HOOKS } from './vocabulary.js';

/** The id lists a scenario is checked against; each defaults to the list exported by vocabulary.ts. */
export interface ValidateOptions {
  /** Ids `expect` and `check` may name. @defaultValue KNOWN_INVARIANTS */
  readonly invariants?: readonly string[];
  /** Names `options.bugs` may list. @defaultValue KNOWN_BUGS */
  readonly bugs?: readonly string[];
  /** Kernel functions a trace actor's program may hook. @defaultValue TRACE_HOOKS */
  readonly hooks?: readonly string[];
  /** Goal ids `reachability` may name. @defaultValue undefined: any kebab-case id */
  readonly reachability?: readonly string[];
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

/**
 * Validates a parsed JSON value (or a builder's draft) as a scenario. On
 * success the value is a fresh ScenarioDef holding exactly the fields given.
 */
export function validateScenario(
  json: unknown,
  file: string,
  options: ValidateOptions = {},
): Loaded<ScenarioDef> {
  const r = new FieldReader(file);
  const def = readScenario(r, json, {
    invariants: options.invariants ?? KNOWN_INVARIANTS,
    bugs: options.bugs ?? KNOWN_BUGS,
    reachability: options.reachability,
  });
  if (r.error !== undefined) return { ok: false, error: r.error };
  const issue = checkReferences(def, r.paramUses, options.hooks ?? TRACE_HOOKS);
  if (issue !== undefined)
    return { ok: false, error: { message: `${file}: ${issue.path}: ${issue.message}` } };
  return { ok: true, value: def };
}
