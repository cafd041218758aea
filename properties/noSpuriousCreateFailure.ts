/**
 * `no-spurious-create-failure` (historical bug 5, the 7.0 series that removed
 * the busy counters): bpf_cgrp_storage_get(F_CREATE) on a cgroup that is not
 * dying returns NULL only for a reason of its own:
 * - an allocation may fail (options.allocFailures: -ENOMEM is not recorded, so
 *   the property is off then);
 * - it lost a race: another context created an element on that cgroup (-EEXIST,
 *   or -EAGAIN for the first insert) or unlinked one (a parallel delete emptied
 *   the list: -EAGAIN) while it ran;
 * - its own rqspinlock failed (E3 -EDEADLK / -ETIMEDOUT, a 'lock-fail');
 * - it is nested in a storage operation on its own CPU (a program fired from a
 *   hook in kernel storage code): recursion is refused in every era.
 * In E1/E2 a task preempted on this CPU while it holds bpf_cgrp_storage_busy (a
 * syscall, under migrate_disable only) makes another task's create fail, which
 * this reports; E3 has no counter.
 */
import { BPF_LOCAL_STORAGE_GET_F_CREATE } from '../model/cgrpStorage/cgrpStorage.js';
import type { Observation } from '../model/core/observation.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { duringCall, type GetObservation, nullGetAt } from './helperCalls.js';
import { actorName, cgroupName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const NO_SPURIOUS_CREATE_FAILURE = 'no-spurious-create-failure';

/** True when `d`, recorded during get `o`, explains its NULL. */
function isExcuse(o: GetObservation, d: Observation): boolean {
  if (d.kind === 'selem-create') return d.cgroup === o.cgroup && d.actor !== o.actor;
  if (d.kind === 'selem-unlink') return d.cgroup === o.cgroup;
  return d.kind === 'lock-fail' && d.actor === o.actor;
}

/** Creates the property (per step, on each returned get(F_CREATE)). */
export function createNoSpuriousCreateFailure(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const obs = k.observations;
    const from = cursor.advance(k, obs.length);
    if (k.options.isAllocFailurePossible) return undefined;
    for (let i = from; i < obs.length; i++) {
      const o = nullGetAt(k, i);
      if (o === undefined || (o.flags & BPF_LOCAL_STORAGE_GET_F_CREATE) === 0 || o.isNested === true)
        continue;
      if (k.cgroups.get(o.cgroup!).isDying) continue; // monotone: dying now if ever during the call
      let isExcused = false;
      for (const d of duringCall(k, o, i)) if (isExcuse(o, d)) isExcused = true;
      if (isExcused) continue;
      return violation(
        NO_SPURIOUS_CREATE_FAILURE,
        `bpf_cgrp_storage_get(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}, F_CREATE) on ${actorName(k, o.actor)} returned NULL for a live cgroup with no allocation failure, racing create or delete, or lock error: another context on this CPU made it fail`,
      );
    }
    return undefined;
  };
  return {
    id: NO_SPURIOUS_CREATE_FAILURE,
    description:
      'get(F_CREATE) on a live cgroup fails only for -ENOMEM, a lost race, its own lock error or recursion (7.0 series)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    checkStep: check,
    checkEnd: check,
  };
}
