/** Property-based exploration: generated scenarios and schedules for fast-check and vitest. */
export {
  type CaseArbitraryOptions,
  caseArbitrary,
  type GeneratedCase,
  scenarioArbitrary,
  scheduleArbitrary,
  toGeneratedCase,
} from './arbitraries.js';
export { describeOp, describeRuns, describeScenario, describeTrace } from './describe.js';
export {
  type ProgramChoice,
  type ScenarioArbitraryOptions,
  type ScheduleArbitraryOptions,
  USER_OP_KINDS,
  type UserOpKind,
} from './options.js';
export {
  COUNTERS_MAP,
  type GeneratedProgram,
  OLD_MAP,
  PROGRAM_MENU,
  PROGRAM_MENU_NAMES,
  type ProgramMenuName,
} from './programs.js';
export {
  assertCase,
  type CasePredicate,
  type CheckGeneratedOptions,
  checkGenerated,
  findCounterexample,
  formatFailure,
  notViolating,
  noViolation,
} from './property.js';
export {
  type GeneratedRun,
  generatedSource,
  prepareGenerated,
  type RunCaseOptions,
  runGeneratedCase,
} from './run.js';
