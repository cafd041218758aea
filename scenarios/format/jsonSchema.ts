/**
 * The shipped JSON Schema (scenarios/scenario.schema.json), generated from the
 * zod schema with the tool's own id lists. `npm run schema` writes it; a test
 * fails when the committed file differs from what this returns.
 */
import { z } from 'zod';
import { scenarioSchemaFor, TOOL_IDS } from './validate.js';

/** The JSON Schema (draft 2020-12) of a scenario file, as a JSON value. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchemaFor(TOOL_IDS), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'cgrpcheck scenario',
    description:
      'A cgrpcheck scenario file. Generated from scenarios/format/schema.ts by `npm run schema`; do not edit. cgrpcheck checks cross-references (declared names, the cgroup tree, parameter ranges) on top of it.',
    ...rest,
  };
}

/** The schema file's text: two-space indented JSON and a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
