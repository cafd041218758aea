/**
 * `cgrpcheck.config.json`: the suites a `cgrpcheck test` run checks, their
 * budgets and defaults. Validated strictly: an unknown key or a bad value is
 * bad input, one line naming the file, the field and the value.
 */
import { z } from 'zod';
import { parseJsonText } from '../../scenarios/format/jsonText.js';
import { UsageError } from '../usageError.js';
import { STRATEGIES } from '../values.js';

/** The file `cgrpcheck test` reads from the working directory when no `--config` is given. */
export const CONFIG_FILE_NAME = 'cgrpcheck.config.json';

const budget = z.strictObject({
  /** Strategy for scenarios that declare none. */
  strategy: z.enum(STRATEGIES).optional(),
  /** Executions for scenarios that declare none. */
  runs: z.number().int().positive().optional(),
});

const suite = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1 to 64 letters, digits, ".", "_" or "-"'),
  /** Scenario files and folders, relative to the config file. */
  paths: z.array(z.string().min(1)).optional(),
  /** The built-in catalogue. */
  catalogue: z.boolean().optional(),
  budget: budget.optional(),
  strict: z.boolean().optional(),
  /** Seconds per scenario. */
  timeBudget: z.number().positive().optional(),
});

const config = z.strictObject({
  $schema: z.string().optional(),
  seed: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1 to 64 letters, digits, ".", "_" or "-"')
    .optional(),
  strict: z.boolean().optional(),
  timeBudget: z.number().positive().optional(),
  workers: z.number().int().positive().optional(),
  /** JUnit file, relative to the config file. */
  junit: z.string().min(1).optional(),
  budget: budget.optional(),
  suites: z.array(suite).min(1).optional(),
});

/** A validated config file. */
export type SuiteConfig = z.infer<typeof config>;
/** One suite of a config file. */
export type SuiteDef = z.infer<typeof suite>;
/** Defaults for scenarios that declare no budget. */
export type BudgetDefaults = z.infer<typeof budget>;

/** The JSON Schema of the config file, from the same definition as the validation. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(config, { io: 'input' });
}

/** Parses and validates the text of `shown`; throws a UsageError naming the field and value. */
export function parseSuiteConfig(text: string, shown: string): SuiteConfig {
  const json = parseJsonText(text);
  if (!json.ok) throw new UsageError(`${shown}:${json.line}:${json.column}: ${json.message}`);
  const r = config.safeParse(json.value);
  if (r.success) {
    const names = (r.data.suites ?? []).map((s) => s.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new UsageError(`${shown}: suites: the name '${twice}' is used twice`);
    r.data.suites?.forEach((s, i) => {
      if ((s.paths ?? []).length === 0 && s.catalogue !== true)
        throw new UsageError(`${shown}: suites[${i}] ('${s.name}'): names no paths and not the catalogue`);
    });
    return r.data;
  }
  const issue = r.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const field = path === '' ? '(top level)' : path.replace(/^\./, '');
  if (issue.code === 'unrecognized_keys') {
    const where = field === '(top level)' ? '' : `${field}: `;
    throw new UsageError(`${shown}: ${where}unknown field '${issue.keys[0]}'`);
  }
  const value = valueAt(json.value, issue.path);
  const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
  throw new UsageError(
    `${shown}: ${field}: ${issue.message.replace(/^Invalid (input|option): /, '')} (${got})`,
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = root;
  for (const step of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[step];
  }
  return at;
}
