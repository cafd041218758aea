/**
 * A scenario's `expectFinal` as the `final-value` property: names resolved to
 * the model's map and cgroup ids, attach types to the model's. Entries with
 * `reachable` are goals (expectations.ts), not part of the property.
 */
import { createFinalValue, type FinalExpectation } from '../../properties/finalValue.js';
import type { Property } from '../../properties/property.js';
import type { ResolvedScenarioDef } from '../format/resolvedTypes.js';
import { modelAttachType } from './sections.js';
import type { SetupIds } from './setup.js';

/** Every `expectFinal` entry with model ids, in order. */
export function finalExpectations(def: ResolvedScenarioDef, ids: SetupIds): FinalExpectation[] {
  return def.expectFinal.map((f) => ({
    map: ids.maps.get(f.map)!,
    cgroup: ids.cgroups.get(f.cgroup)!,
    ...(f.attachType === undefined ? {} : { attachType: modelAttachType(f.attachType)! }),
    value: f.value,
    ...(f.anyOf === undefined ? {} : { anyOf: f.anyOf }),
  }));
}

/** The `final-value` property of a scenario, or undefined when it expects no final values. */
export function finalValueProperty(
  def: ResolvedScenarioDef,
  finals: readonly FinalExpectation[],
): Property | undefined {
  const checked = finals.filter((_, i) => def.expectFinal[i]!.reachable === undefined);
  return checked.length === 0 ? undefined : createFinalValue(checked);
}
