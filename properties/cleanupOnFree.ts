/**
 * `cleanup-on-free` (invariant 8): once bpf_cgrp_storage_free() ran and the
 * cgroup is freed, none of its elements is linked in any bucket or on a live
 * owner list, cgroup->bpf_cgrp_storage is NULL, and its deprecated storages are
 * unlinked from their maps and its cgroup_bpf. Elements an E3 nofail teardown
 * left half-unlinked for the other side to finish are exempt.
 */
import { isCgroupStorageMap } from '../model/cgroupStorage/cgroupStorage.js';
import type { CgroupId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { pendingFrees } from './evidence.js';
import { cgroupName, mapName, plural } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';
import { isFreed, isNofailHalfUnlinked } from './storageState.js';

export const CLEANUP_ON_FREE = 'cleanup-on-free';

/** What of cgroup `cg` is still linked, or undefined. */
export function leftoverOf(k: Kernel, cg: CgroupId): string | undefined {
  const c = k.cgroups.get(cg);
  // E3 destroy unlinks with bpf_selem_unlink_nofail, which leaves the (dead) pointer in place.
  if (c.bpfCgrpStorage !== null && k.era !== 'E3') {
    const n = k.localStorages.storages.get(c.bpfCgrpStorage)?.list.length ?? 0;
    return `its bpf_cgrp_storage still points at storage ${c.bpfCgrpStorage} (${plural(n, 'element')})`;
  }
  let pending: Set<number> | undefined;
  for (const sel of k.localStorages.selems.values()) {
    if (sel.cgroup !== cg || isFreed(k, sel.obj) || isNofailHalfUnlinked(k, sel)) continue;
    const where = `element ${sel.obj} of map ${mapName(k, sel.map)}`;
    if (sel.isInMap) return `${where} is still in a bucket of the map`;
    if (!sel.isInStorage || sel.storage === null) continue;
    pending ??= pendingFrees(k);
    if (!isFreed(k, sel.storage) && !pending.has(sel.storage)) return `${where} is still on its owner's list`;
  }
  const bpf = k.cgroupBpf.get(cg);
  if (bpf !== undefined && bpf.storages.length > 0)
    return `its cgroup_bpf still lists ${plural(bpf.storages.length, 'deprecated storage')}`;
  for (const m of k.maps.values()) {
    if (!isCgroupStorageMap(m)) continue;
    const s = m.list.find((x) => x.key?.cgroupInodeId === cg);
    if (s !== undefined) return `deprecated map ${m.name} still holds its storage ${s.obj}`;
  }
  return undefined;
}

/** Creates the property: checked at each cgroup-free, and at the end for every freed cgroup. */
export function createCleanupOnFree(): Property {
  const cursor = new LogCursor();
  return {
    id: CLEANUP_ON_FREE,
    description: 'once a cgroup is freed none of its elements or storages remain linked (invariant 8)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    checkStep(k): Violation | undefined {
      const obs = k.observations;
      for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
        const o = obs[i]!;
        if (o.kind !== 'cgroup-free') continue;
        const left = leftoverOf(k, o.cgroup);
        if (left !== undefined)
          return violation(CLEANUP_ON_FREE, `cgroup ${cgroupName(k, o.cgroup)} was freed but ${left}`);
      }
      return undefined;
    },
    checkEnd(k): Violation | undefined {
      for (const c of k.cgroups.all()) {
        if (c.state !== 'freed') continue;
        const left = leftoverOf(k, c.id);
        if (left !== undefined) return violation(CLEANUP_ON_FREE, `cgroup ${c.name} was freed but ${left}`);
      }
      return undefined;
    },
  };
}
