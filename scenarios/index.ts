/**
 * The checker as a library: `createEngine()` for front ends, and the pieces a
 * vitest user needs to check a scenario and assert on the result.
 */
import { runCheck } from './engine/check.js';
import type { Engine, LoadedScenario, RunOptions } from './engine/engine.js';
import { catalogueSources, loadScenario, type ScenarioSource } from './engine/load.js';
import { mergeReports } from './engine/merge.js';
import { prepareRun } from './engine/prepare.js';
import { replayTokenReport } from './engine/replayToken.js';

export { type AssertOptions, assertScenario, type CheckOptions, check, replay } from './api/api.js';
export { OptionError } from './api/apiOptions.js';
export type * from './engine/engine.js';
export { type Judgement, judgeReport, type Shortfall } from './engine/expectation.js';
export type * from './engine/result.js';
export { scenario } from './format/builder.js';
export * from './generate/index.js';
export { tuneHeapForExecutions } from './workers/heapTuning.js';

interface EngineScenario extends LoadedScenario {
  readonly source: ScenarioSource;
}

/** The engine the cli uses: catalogue, loading, checking, replay and merge. */
export function createEngine(): Engine {
  return {
    list: () => catalogueSources().map((s) => s.info),
    load: (nameOrPath) => {
      const r = loadScenario(nameOrPath);
      return r.ok ? { ok: true, value: { info: r.value.info, source: r.value } satisfies EngineScenario } : r;
    },
    check: async (scenario, options: RunOptions, hooks) => {
      const source = (scenario as EngineScenario).source;
      const prepared = prepareRun(source, options.kernel, options.params);
      if (!prepared.ok) return prepared;
      return runCheck(prepared.value, options, hooks);
    },
    replay: replayTokenReport,
    merge: mergeReports,
  };
}
