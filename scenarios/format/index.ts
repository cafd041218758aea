/** The scenario definition format: types, validation, parameter resolution, builder, canonical form. */
export { type MapOptions, ScenarioBuilder, scenario } from './builder.js';
export { canonicalJson } from './canonical.js';
export { scenarioInfo } from './info.js';
export { type JsonText, parseJsonText } from './jsonText.js';
export { resolveParams, resolveParamValues } from './params.js';
export type * from './resolvedTypes.js';
export type * from './types.js';
export { parseScenarioJson, type ValidateOptions, validateScenario } from './validate.js';
export * from './vocabulary.js';
