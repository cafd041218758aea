/**
 * Turns a loaded scenario and run options into everything a run needs: the
 * resolved definition, the era, an execution factory and the identity a replay
 * token records.
 */
import { ERA_VERSIONS, type KernelEra } from '../../model/core/era.js';
import type { ScenarioIdentity } from '../../scheduler/replay.js';
import { hashContent } from '../../scheduler/scheduleCodec.js';
import type { ExecutionFactory } from '../../scheduler/task.js';
import { compileScenario } from '../compile/index.js';
import { ReachabilityLog, toExecutionFactory } from '../compile/world.js';
import { resolveParams } from '../format/params.js';
import type { ResolvedScenarioDef } from '../format/resolvedTypes.js';
import type { Loaded } from './engine.js';
import { eraOf, type ScenarioSource } from './load.js';

/** A scenario ready to run under one era with fixed parameters. */
export interface PreparedRun {
  readonly source: ScenarioSource;
  readonly def: ResolvedScenarioDef;
  readonly era: KernelEra;
  readonly factory: ExecutionFactory;
  readonly reachability: ReachabilityLog;
  readonly identity: ScenarioIdentity;
}

/** Model options as a token records them: the kernel version and every parameter value. */
export function modelOptionsOf(
  era: KernelEra,
  params: Readonly<Record<string, number>>,
): Record<string, string | number> {
  const out: Record<string, string | number> = { kernel: ERA_VERSIONS[era] };
  for (const [k, v] of Object.entries(params)) out[`param.${k}`] = v;
  return out;
}

/** Resolves parameters and era (`kernel` overrides the scenario's) and compiles the scenario. */
export function prepareRun(
  source: ScenarioSource,
  kernel: string | undefined,
  params: Readonly<Record<string, number>>,
): Loaded<PreparedRun> {
  const version = kernel ?? source.def.kernel;
  const era = eraOf(version, kernel === undefined ? `${source.info.name}: kernel` : '--kernel');
  if (!era.ok) return era;
  const resolved = resolveParams(source.def, params, source.info.name);
  if (!resolved.ok) return resolved;
  const builder = compileScenario(resolved.value, era.value, source.objects);
  if (!builder.ok) return builder;
  const reachability = new ReachabilityLog();
  const identity: ScenarioIdentity = {
    scenarioId: source.id,
    scenarioHash: hashContent(source.canonical),
    modelOptions: modelOptionsOf(era.value, resolved.value.params),
  };
  return {
    ok: true,
    value: {
      source,
      def: resolved.value,
      era: era.value,
      factory: toExecutionFactory(builder.value, reachability),
      reachability,
      identity,
    },
  };
}
