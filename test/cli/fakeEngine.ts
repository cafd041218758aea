/**
 * A fake Engine over a fixed catalogue: `check` runs a virtual loop of
 * executions that honours the hooks (so budgets and Ctrl-C are testable),
 * and returns a fixed report. Enough to pin the cli layer; the real engine
 * gets end-to-end tests of its own.
 */
import type { Engine, LoadedScenario, RunHooks, RunOptions } from '../../scenarios/engine/engine.js';
import type { CheckReport } from '../../scenarios/engine/result.js';
import { CATALOGUE, makeReport, UAF_TOKEN, UAF_VIOLATION } from './fixtures.js';

/** Options of the fake. */
export interface FakeEngineOptions {
  /** Called before each virtual execution, e.g. to advance the fake clock. */
  readonly onExecution?: (index: number) => void;
  /** Makes `check` throw, as a checker bug would. */
  readonly throwInCheck?: Error;
  /** Makes `check` return this input error. */
  readonly checkError?: string;
}

/** The fake plus what the cli passed it. */
export interface FakeEngine extends Engine {
  readonly checks: { readonly options: RunOptions; readonly scenario: string }[];
  readonly loads: string[];
}

/** Executions of a violation run before the bug is found (the report's count). */
export const VIOLATION_AFTER = 7;

/** A fake engine; `uaf-on-destroy` violates after 7 executions, everything else passes. */
export function createFakeEngine(options: FakeEngineOptions = {}): FakeEngine {
  const checks: { options: RunOptions; scenario: string }[] = [];
  const loads: string[] = [];
  return {
    checks,
    loads,
    list: () => CATALOGUE,
    load(nameOrPath) {
      loads.push(nameOrPath);
      if (nameOrPath === 'broken.json' || nameOrPath.endsWith('/broken.json')) {
        return { ok: false, error: { message: "broken.json: tasks[0].ops: expected an array, got 'lock'" } };
      }
      const info = CATALOGUE.find((s) => s.name === nameOrPath) ?? {
        name: nameOrPath.replace(/^.*\//, '').replace(/\.json$/, ''),
        description: 'from a file',
        kernel: '7.0',
        expect: 'pass',
        params: [],
      };
      return { ok: true, value: { info } };
    },
    async check(scenario, run, hooks) {
      checks.push({ options: run, scenario: scenario.info.name });
      if (options.throwInCheck) throw options.throwInCheck;
      if (options.checkError) return { ok: false, error: { message: options.checkError } };
      const isBuggy = scenario.info.name === 'uaf-on-destroy';
      const executions = await loop(isBuggy ? VIOLATION_AFTER : run.runs, hooks, options.onExecution);
      return {
        ok: true,
        value: reportOf(scenario, run, executions, isBuggy && executions === VIOLATION_AFTER),
      };
    },
    replay(token) {
      if (token === UAF_TOKEN) {
        return { ok: true, value: makeReport('uaf-on-destroy', '42', 1, { violation: UAF_VIOLATION }) };
      }
      if (token === 'cgrp1.busy-get.pass') return { ok: true, value: makeReport('busy-get', '42', 1) };
      return {
        ok: false,
        error: { message: `replay: malformed token '${token}' (expected cgrp1.<scenario>...)` },
      };
    },
    merge(reports) {
      const first = reports[0]!;
      const other = reports.find((r) => r.scenario !== first.scenario);
      if (other)
        return {
          ok: false,
          error: { message: `merge: reports of '${first.scenario}' and '${other.scenario}'` },
        };
      const executions = reports.reduce((n, r) => n + r.stats.executions, 0);
      const violation = reports.find((r) => r.violation)?.violation;
      return {
        ok: true,
        value: makeReport(first.scenario, first.seed, executions, violation ? { violation } : {}),
      };
    },
  };
}

async function loop(
  planned: number,
  hooks: RunHooks | undefined,
  onExecution?: (i: number) => void,
): Promise<number> {
  let done = 0;
  while (done < planned) {
    if (hooks?.shouldStop?.()) break;
    onExecution?.(done);
    done++;
    hooks?.onProgress?.({ executions: done, steps: done * 10, violations: 0 });
    await Promise.resolve(); // lets a test deliver SIGINT between executions
  }
  return done;
}

function reportOf(
  scenario: LoadedScenario,
  run: RunOptions,
  executions: number,
  isViolation: boolean,
): CheckReport {
  const exhaustive = run.strategy === 'dfs' || run.strategy === 'dpor' || run.strategy === 'bounded';
  return makeReport(scenario.info.name, run.seed, executions, {
    strategy: run.strategy,
    kernel: run.kernel ?? scenario.info.kernel,
    params: run.params,
    expect: scenario.info.expect,
    complete: exhaustive && executions === run.runs,
    ...(run.shard ? { shard: run.shard } : {}),
    ...(isViolation ? { violation: UAF_VIOLATION } : {}),
  });
}
