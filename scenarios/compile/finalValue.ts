/**
 * A scenario's `expectFinal` as the `final-value` property: names resolved to
 * the model's map and cgroup ids, attach types to the model's.
 */
import { createFinalValue, type FinalExpectation } from '../../properties/finalValue.js';
import type { Property } from '../../properties/property.js';
import type { ResolvedScenarioDef } from '../format/resolvedTypes.js';
import { modelAttachType } from './sections.js';
import type { SetupIds } from './setup.js';

/** The `final-value` property of a scenario, or undefined when it expects no final values. */
export function finalValueProperty(def: ResolvedScenarioDef, ids: SetupIds): Property | undefined {
  if (def.expectFinal.length === 0) return undefined;
  const expectations: FinalExpectation[] = def.expectFinal.map((f) => ({
    map: ids.maps.get(f.map)!,
    cgroup: ids.cgroups.get(f.cgroup)!,
    ...(f.attachType === undefined ? {} : { attachType: modelAttachType(f.attachType)! }),
    value: f.value,
  }));
  return createFinalValue(expectations);
}
