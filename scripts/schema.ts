/**
 * `npm run schema`: regenerates scenarios/scenario.schema.json from the zod
 * schema (scenarios/format/schema.ts). Run from the package root.
 */
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from '../scenarios/format/jsonSchema.js';

const file = 'scenarios/scenario.schema.json';
writeFileSync(file, scenarioJsonSchemaText());
console.log(`wrote ${file}`);
