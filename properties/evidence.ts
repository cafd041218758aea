/**
 * Evidence from the whole observation log, for end-of-execution checks that
 * must excuse races: an operation that saw "no element" at its start may still
 * legitimately meet one that another operation created meanwhile, and vice versa.
 */

import { BPF_LOCAL_STORAGE_GET_F_CREATE } from '../model/cgrpStorage/cgrpStorage.js';
import type { CgroupId, MapId } from '../model/core/ids.js';
import type { Observation } from '../model/core/observation.js';
import type { Kernel } from '../model/kernel/kernel.js';

/** True for a 'helper' observation of bpf_cgrp_storage_get. */
export const GET = 'bpf_cgrp_storage_get';
/** True for a 'helper' observation of bpf_cgrp_storage_delete. */
export const DELETE = 'bpf_cgrp_storage_delete';

/**
 * True if some operation in the log may have created an element of (map, cg);
 * `judged` (the operation whose result is being excused) never counts.
 */
export function hasCreator(k: Kernel, map: MapId, cg: CgroupId, judged?: Observation): boolean {
  for (const o of k.observations) {
    if (o === judged) continue;
    switch (o.kind) {
      case 'helper':
        if (o.helper !== GET || o.map !== map || o.cgroup !== cg) break;
        if ((o.flags & BPF_LOCAL_STORAGE_GET_F_CREATE) !== 0 && o.ret !== null && !o.existedBefore)
          return true;
        break;
      case 'syscall':
        if (o.cmd === 'BPF_MAP_UPDATE_ELEM' && o.map === map && o.cgroup === cg && o.ret === 0) return true;
        break;
    }
  }
  return false;
}

/**
 * True if some operation in the log may have removed an element of (map, cg).
 * An unlink by `judged`'s own actor while it ran (from its `begin` to its
 * result) is its own doing (a replace) and excuses nothing.
 */
export function hasRemover(k: Kernel, map: MapId, cg: CgroupId, judged?: Observation): boolean {
  // Stryker disable next-line ConditionalExpression,UnaryOperator: indexOf(undefined) is -1 too, and without `judged` nothing is its own
  const end = judged === undefined ? -1 : k.observations.indexOf(judged);
  const begin = judged !== undefined && 'begin' in judged ? (judged.begin ?? end) : end;
  for (let i = 0; i < k.observations.length; i++) {
    const o = k.observations[i]!;
    const isOwn =
      judged !== undefined && o.kind === 'selem-unlink' && o.actor === judged.actor && i >= begin && i < end;
    if (o.kind === 'selem-unlink' && o.map === map && o.cgroup === cg && !isOwn) return true;
    if (o.kind === 'cgroup-free' && o.cgroup === cg) return true;
    if (o.kind === 'map-free' && o.map === map) return true;
  }
  return false;
}

/** The ObjIds of everything waiting in the RCU callback queue (freed once it runs). */
export function pendingFrees(k: Kernel): Set<number> {
  const out = new Set<number>();
  for (const cb of k.rcu.queue) for (const o of cb.objs) out.add(o);
  return out;
}
