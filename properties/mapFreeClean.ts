/**
 * `map-free-clean` (invariant 9): when a map's map_free finishes, none of its
 * elements is linked in a bucket or on a live owner list (elements an E3 nofail
 * teardown left for destroy to finish are exempt), and in E3 no free callback
 * that reads the map (bpf_selem_free_rcu → smap->map.record) is still queued,
 * which is why E3 map_free ends with rcu_barrier. A deprecated map's storages
 * are all unlinked from the map and from every cgroup_bpf.
 */
import { isCgroupStorageMap } from '../model/cgroupStorage/cgroupStorage.js';
import type { MapId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import type { LocalStorageMap } from '../model/localStorage/localStorageState.js';
import { pendingFrees } from './evidence.js';
import { cgroupName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';
import { isFreed, isNofailHalfUnlinked } from './storageState.js';

export const MAP_FREE_CLEAN = 'map-free-clean';

/** What of map `map` survived its map_free, or undefined. */
export function leftoverOfMap(k: Kernel, map: MapId): string | undefined {
  const m = k.maps.get(map);
  if (isCgroupStorageMap(m)) {
    if (m.list.length > 0) return `it still holds storage ${m.list[0]!.obj}`;
    for (const [cg, bpf] of k.cgroupBpf)
      if (bpf.storages.some((s) => s.map === map))
        return `cgroup ${cgroupName(k, cg)}'s cgroup_bpf still lists one of its storages`;
    return undefined;
  }
  if (m?.type !== 'cgrp_storage') return undefined;
  const smap = m as LocalStorageMap;
  const inBucket = smap.buckets.findIndex((b) => b.list.length > 0);
  if (inBucket >= 0) return `element ${smap.buckets[inBucket]!.list[0]} is still in bucket ${inBucket}`;
  let pending: Set<number> | undefined;
  for (const sel of k.localStorages.selems.values()) {
    if (
      sel.map !== map ||
      !sel.isInStorage ||
      sel.storage === null ||
      isFreed(k, sel.obj) ||
      isNofailHalfUnlinked(k, sel)
    )
      continue;
    pending ??= pendingFrees(k);
    if (!isFreed(k, sel.storage) && !pending.has(sel.storage))
      return `element ${sel.obj} is still on cgroup ${cgroupName(k, sel.cgroup)}'s owner list`;
  }
  if (k.era === 'E3') {
    const cb = k.rcu.queue.find((c) => c.objs.includes(smap.obj));
    if (cb !== undefined)
      return `callback ${cb.label}, which reads the map, is still queued (rcu_barrier missed it)`;
  }
  return undefined;
}

/** Creates the property: checked at each map-free observation, and at the end. */
export function createMapFreeClean(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = obs[i]!;
      if (o.kind !== 'map-free') continue;
      const left = leftoverOfMap(k, o.map);
      if (left !== undefined)
        return violation(MAP_FREE_CLEAN, `map ${mapName(k, o.map)} finished map_free but ${left}`);
    }
    return undefined;
  };
  return {
    id: MAP_FREE_CLEAN,
    description: "after map_free none of the map's elements or pending callbacks remain (invariant 9)",
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    factLog: 'observations',
    checkStep: check,
    checkEnd: check,
  };
}
