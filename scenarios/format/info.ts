/** A scenario's catalogue entry (what `cgrpcheck list --json` prints), from its definition. */
import type { ParamInfo, ScenarioInfo } from '../engine/engine.js';
import type { ScenarioDef } from './types.js';

/** The ScenarioInfo of a validated scenario; `expect` defaults to `pass`, params keep declaration order. */
export function scenarioInfo(def: ScenarioDef): ScenarioInfo {
  const params: ParamInfo[] = Object.entries(def.params ?? {}).map(([name, p]) => ({
    name,
    description: p.description,
    default: p.default,
    min: p.min,
    max: p.max,
  }));
  return {
    name: def.name,
    description: def.description,
    kernel: def.kernel,
    expect: def.expect ?? 'pass',
    params,
    ...(def.budget === undefined ? {} : { budget: def.budget }),
  };
}
