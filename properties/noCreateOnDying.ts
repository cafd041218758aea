/**
 * `no-create-on-dying` (invariant 7, historical bug 7): bpf_cgrp_storage_get()
 * creates no element for a cgroup whose percpu_ref it saw dying: the
 * 'selem-create' observation of the helper path records what the
 * percpu_ref_is_dying() check read (kernel/bpf/bpf_cgrp_storage.c). A create
 * whose check passed just before rmdir killed the ref is fine: the creator is in
 * an RCU section css_free_rwork_fn's grace period waits for, so
 * bpf_cgrp_storage_free() still destroys it. As a backstop, no element of a
 * cgroup may be allocated once the cgroup is freed (seen at step time).
 */
import type { Kernel } from '../model/kernel/kernel.js';
import { actorName, cgroupName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';
import { ledgerOf, syncLedgerAtStep } from './stepLedger.js';

export const NO_CREATE_ON_DYING = 'no-create-on-dying';

/** Creates the property (per step: creation observations and the step ledger's allocation log). */
export function createNoCreateOnDying(): Property {
  const created = new LogCursor();
  const allocations = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const obs = k.observations;
    for (let i = created.advance(k, obs.length); i < obs.length; i++) {
      const o = obs[i]!;
      // Stryker disable next-line ConditionalExpression: other kinds have no `path`, so the next line skips them anyway
      if (o.kind !== 'selem-create') continue;
      if (o.path !== 'helper' || o.sawDying !== true) continue;
      return violation(
        NO_CREATE_ON_DYING,
        `bpf_cgrp_storage_get(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}, F_CREATE) on ${actorName(k, o.actor)} created element ${o.obj} though the cgroup's refcount was dying: nothing will free it`,
      );
    }
    const allocated = ledgerOf(k).allocated;
    // Stryker disable next-line EqualityOperator: allocated[length] is undefined, which names no element, so it is skipped
    for (let i = allocations.advance(k, allocated.length); i < allocated.length; i++) {
      const sel = k.localStorages.selems.get(allocated[i]!);
      if (sel === undefined || k.cgroups.get(sel.cgroup).state !== 'freed') continue;
      return violation(
        NO_CREATE_ON_DYING,
        `element ${sel.obj} of map ${mapName(k, sel.map)} was allocated for cgroup ${cgroupName(k, sel.cgroup)} after the cgroup was freed: creation must stop once its refcount is dying`,
      );
    }
    return undefined;
  };
  return {
    id: NO_CREATE_ON_DYING,
    description: 'no element is created for a cgroup whose refcount is dying (invariant 7)',
    checkStep(k) {
      syncLedgerAtStep(k);
      return check(k);
    },
    checkEnd: check,
  };
}
