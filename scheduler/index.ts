/** Public API of the scheduler: tasks, strategies, the runner, replay, tokens and shrinking. */

export { type BoundedOptions, createBoundedStrategy, DEFAULT_MAX_PREEMPTIONS } from './bounded.js';
export { createDfsStrategy, DecisionStack } from './dfs.js';
export { createDporStrategy } from './dpor.js';
export {
  ChoiceLog,
  DEADLOCK_INVARIANT,
  DEFAULT_MAX_STEPS,
  LIVELOCK_INVARIANT,
  type RunContext,
  runExecution,
  type StepObserver,
} from './execute.js';
export {
  DEFAULT_MAX_EXECUTIONS,
  type ExecutionRecord,
  type ExploreOptions,
  type ExploreResult,
  type ExploreStats,
  explore,
  type ResolvedExploreOptions,
  resolveExploreOptions,
  type StopReason,
} from './explore.js';
export { auditFootprints, type FootprintFinding } from './footprintAudit.js';
export {
  analyseHappensBefore,
  type ClockMark,
  type HappensBefore,
  type HbEvent,
  isConflicting,
  type Race,
  reversalOf,
} from './happensBefore.js';
export {
  canonicalTrace,
  canonicalTraceOf,
  countMazurkiewiczTraces,
  type RecordedExecution,
  recordExecution,
  spellSchedule,
  type TraceCount,
  type TraceEvent,
  withoutChecks,
} from './mazurkiewicz.js';
export { createPctStrategy, type PctOptions, pctGuarantee } from './pct.js';
export { createRandomStrategy } from './random.js';
export {
  createReplayStrategy,
  type Divergence,
  diffScenarioIdentity,
  type LenientRun,
  type ReplayOptions,
  type ReplayResult,
  type ReplayStrategy,
  replay,
  replayLeniently,
  replayToken,
  type ScenarioIdentity,
  type TokenReplay,
} from './replay.js';
export { createRng, deriveSeed, type Rng } from './rng.js';
export {
  type CodecResult,
  decodeToken,
  encodeToken,
  hashContent,
  type ReplayToken,
  TOKEN_FORMAT_VERSION,
} from './scheduleCodec.js';
export { type ScheduleSize, type ShrinkOptions, type ShrinkResult, shrinkSchedule } from './shrink.js';
export type {
  ExecutionOutcome,
  ExecutionStatus,
  SchedulerView,
  Strategy,
  StrategyInfo,
  StrategyName,
} from './strategy.js';
export {
  type Access,
  type AccessKind,
  type Execution,
  type ExecutionFactory,
  type StepInfo,
  type Task,
  type TaskId,
  toTaskId,
  type Violation,
  type VirtualClock,
} from './task.js';
export { formatTrace, TraceRecorder, type TraceStep } from './trace.js';
export {
  insertWakeup,
  isSleepBlocking,
  type SleepEntry,
  type WakeupEvent,
  WakeupNode,
} from './wakeupTree.js';
