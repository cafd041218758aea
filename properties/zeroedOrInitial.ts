/**
 * `zeroed-or-initial` (invariant 12): a new value starts zeroed or as a copy of
 * the initial value, with special fields never copied: a NEW-map element's
 * bpf_spin_lock slot is 0 at allocation (copy_map_value skips it), as is a
 * deprecated storage buffer's; the buffers attach allocates
 * (bpf_cgroup_storage_alloc) and per-CPU buffers are all zero. Seen at the step
 * of the allocation.
 */
import type { ObjId } from '../model/core/ids.js';
import type { ObjKind } from '../model/core/memory.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { objName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';
import { ledgerOf, syncLedgerAtStep } from './stepLedger.js';

export const ZEROED_OR_INITIAL = 'zeroed-or-initial';

/** Creates the property (per step, via the step ledger's allocation log). */
export function createZeroedOrInitial(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const l = ledgerOf(k);
    const from = cursor.advance(k, l.allocated.length);
    // Stryker disable next-line EqualityOperator: allocated[length] is undefined, which the memory does not know, so it is skipped
    for (let i = from; i < l.allocated.length; i++) {
      const obj = l.allocated[i]!;
      const ol = l.objects.get(obj);
      const start = ol?.start;
      const mem = k.memory.objects.get(obj);
      if (ol === undefined || start === undefined || mem === undefined) continue;
      const isAttachAlloc = mem.kind === 'storage_buf' && l.storageAllocSyncs.has(ol.snapshotAt);
      const wrong = wrongStart(k, mem.kind, obj, start, isAttachAlloc);
      if (wrong !== undefined) return violation(ZEROED_OR_INITIAL, `${objName(k, obj)} ${wrong}`);
    }
    return undefined;
  };
  return {
    id: ZEROED_OR_INITIAL,
    description:
      'a new value is zeroed or a copy of the initial value, never copying the bpf_spin_lock (invariant 12)',
    checkStep(k) {
      syncLedgerAtStep(k);
      return check(k);
    },
    checkEnd: check,
  };
}

function wrongStart(
  k: Kernel,
  kind: ObjKind,
  obj: ObjId,
  start: readonly number[],
  isAttachAlloc: boolean,
): string | undefined {
  const nonZero = start.findIndex((v) => v !== 0);
  if ((kind === 'percpu_buf' || isAttachAlloc) && nonZero >= 0)
    return `was allocated with slot ${nonZero} = ${start[nonZero]}; bpf_cgroup_storage_alloc zeroes it`;
  const sel = k.localStorages.selems.get(obj);
  const lockSlot = sel === undefined ? undefined : k.maps.get(sel.map)?.spinLockSlot;
  if (lockSlot !== undefined && start[lockSlot] !== 0)
    return `was allocated with its bpf_spin_lock slot ${lockSlot} = ${start[lockSlot]}; copy_map_value must skip it`;
  return undefined;
}
