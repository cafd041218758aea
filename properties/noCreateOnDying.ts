/**
 * `no-create-on-dying` (invariant 7, historical bug 7): no element is created
 * for a cgroup whose refcount is dying. The model does not record what the
 * creating call saw at its percpu_ref_is_dying() check, so this checks the
 * consequence that matters: no element of a cgroup is allocated once the
 * cgroup is freed (a creator that passed the check is inside an RCU section
 * that css_free_rwork_fn's grace period waits for), and at the end no element
 * of a freed cgroup is linked. Allocation is seen at step time.
 */
import type { Kernel } from '../model/kernel.js';
import { cgroupName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';
import { ledgerOf, syncLedgerAtStep } from './stepLedger.js';

export const NO_CREATE_ON_DYING = 'no-create-on-dying';

/** Creates the property (per step, via the step ledger's allocation log). */
export function createNoCreateOnDying(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const allocated = ledgerOf(k).allocated;
    for (let i = cursor.advance(k, allocated.length); i < allocated.length; i++) {
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
