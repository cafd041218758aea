/**
 * `no-leak`: at the end of an execution nothing allocated is unreachable.
 * - A live element is linked in both its bucket and its owner list, or queued
 *   for an RCU free, or (E3 nofail teardown) half-linked on a side whose teardown
 *   has not run yet (its map or cgroup is still alive).
 * - A live owner storage has a non-empty list, or is queued for free.
 * - A live deprecated storage is linked in its map, or queued for free; a live
 *   storage buffer belongs to a live storage, or is queued for free.
 * - Once the RCU and work queues drained, nothing of a freed cgroup or freed
 *   map remains allocated.
 */
import { isCgroupStorageMap } from '../model/cgroupStorage/cgroupStorage.js';
import type { Kernel } from '../model/kernel/kernel.js';
import type { Selem } from '../model/localStorage/localStorageState.js';
import { isDeferredIdle } from '../model/sync/rcuWorker.js';
import { pendingFrees } from './evidence.js';
import { cgroupName, objName } from './names.js';
import { type Property, type Violation, violation } from './property.js';
import { isFreed } from './storageState.js';

export const NO_LEAK = 'no-leak';

/** True while a future teardown (destroy of a live cgroup, map_free of a live map) can still reach it. */
function isReachableByTeardown(k: Kernel, sel: Selem): boolean {
  const isCgroupAlive = k.cgroups.get(sel.cgroup).state !== 'freed';
  const isMapAlive = !isFreed(k, k.maps.get(sel.map)!.obj);
  return (sel.isInStorage && isCgroupAlive) || (sel.isInMap && isMapAlive);
}

function leakedSelem(k: Kernel, pending: ReadonlySet<number>, isDrained: boolean): string | undefined {
  for (const sel of k.localStorages.selems.values()) {
    if (isFreed(k, sel.obj) || pending.has(sel.obj)) continue;
    const isE3Pending = k.era === 'E3' && isReachableByTeardown(k, sel);
    const gone =
      k.cgroups.get(sel.cgroup).state === 'freed'
        ? 'cgroup'
        : isFreed(k, k.maps.get(sel.map)!.obj)
          ? 'map'
          : null;
    if (isDrained && gone !== null && !isE3Pending)
      return `${objName(k, sel.obj)} is still allocated though its ${gone} is freed and nothing is pending`;
    if ((sel.isInStorage && sel.isInMap) || isE3Pending) continue;
    const where = sel.isInStorage
      ? 'only on its owner list'
      : sel.isInMap
        ? 'only in a bucket'
        : 'on neither list';
    return `${objName(k, sel.obj)} is allocated, ${where}, and no free is queued for it`;
  }
  return undefined;
}

function leakedStorage(k: Kernel, pending: ReadonlySet<number>, isDrained: boolean): string | undefined {
  for (const s of k.localStorages.storages.values()) {
    if (isFreed(k, s.obj) || pending.has(s.obj)) continue;
    const name = `the bpf_local_storage ${s.obj} of cgroup ${cgroupName(k, s.cgroup)}`;
    if (isDrained && k.cgroups.get(s.cgroup).state === 'freed')
      return `${name} is still allocated though the cgroup is freed`;
    if (s.list.length === 0) return `${name} is allocated with an empty list and no free queued`;
  }
  return undefined;
}

function leakedDeprecated(k: Kernel, pending: ReadonlySet<number>): string | undefined {
  const linked = new Set<number>();
  for (const m of k.maps.values()) {
    if (!isCgroupStorageMap(m)) continue;
    for (const s of m.list) {
      linked.add(s.obj);
      // Stryker disable next-line ConditionalExpression: adding null to the set matches no object id
      if (s.buf !== null) linked.add(s.buf);
      for (const b of s.percpuBufs) linked.add(b);
    }
  }
  for (const o of k.memory.objects.values()) {
    if (o.state === 'freed' || pending.has(o.id) || linked.has(o.id)) continue;
    if (o.kind === 'cgroup_storage' || o.kind === 'storage_buf' || o.kind === 'percpu_buf')
      return `${o.label} ${o.id} is allocated but linked in no map and no free is queued for it`;
  }
  return undefined;
}

/** Creates the property (end of execution). */
export function createNoLeak(): Property {
  return {
    id: NO_LEAK,
    description:
      'at the end every live element and storage is linked or queued for free; nothing of a freed cgroup or map remains',
    checkEnd(k): Violation | undefined {
      const pending = pendingFrees(k);
      const isDrained = isDeferredIdle(k);
      const leak =
        leakedSelem(k, pending, isDrained) ??
        leakedStorage(k, pending, isDrained) ??
        leakedDeprecated(k, pending);
      return leak === undefined ? undefined : violation(NO_LEAK, leak);
    },
  };
}
