/**
 * `no-spurious-null` (historical bug 4, f4edc66e48a6): bpf_cgrp_storage_get()
 * returns the element when one of its (map, cgroup) was linked when the call
 * began and none was unlinked before it returned, whatever else holds this CPU.
 * E1 breaks it: a busy per-CPU counter (a storage operation of any map
 * interrupted on this CPU) makes every get return NULL at once. E2 does the
 * lookup even when busy (only creation needs the counter), and E3 has no
 * counter and a lockless lookup, so both keep it, nested calls included.
 * A get with bad flags or a NULL cgroup is not covered (it is NULL by design).
 */
import type { Kernel } from '../model/kernel/kernel.js';
import { duringCall, nullGetAt } from './helperCalls.js';
import { actorName, cgroupName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const NO_SPURIOUS_NULL = 'no-spurious-null';

/** Creates the property (per step, on each returned get). */
export function createNoSpuriousNull(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = nullGetAt(k, i);
      if (o === undefined || !o.existedBefore) continue;
      let isUnlinked = false;
      for (const d of duringCall(k, o, i))
        if (d.kind === 'selem-unlink' && d.map === o.map && d.cgroup === o.cgroup) isUnlinked = true;
      if (isUnlinked) continue;
      const nested = o.isNested === true ? ', nested in a storage operation,' : '';
      return violation(
        NO_SPURIOUS_NULL,
        `bpf_cgrp_storage_get(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}, flags ${o.flags}) on ${actorName(k, o.actor)}${nested} returned NULL though the element was linked for the whole call: a lookup must not fail because this CPU is busy`,
      );
    }
    return undefined;
  };
  return {
    id: NO_SPURIOUS_NULL,
    description: 'get returns an element that stays linked for the whole call, even nested (f4edc66e48a6)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    checkStep: check,
    checkEnd: check,
  };
}
