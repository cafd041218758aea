/**
 * `get-finds-prealloc` (the seed document's difference 3): storage userspace
 * pre-allocated with BPF_MAP_UPDATE_ELEM before any program ran is found by every
 * bpf_cgrp_storage_get() of that map and cgroup, with or without F_CREATE: the
 * helper never returns NULL for it. Excused once something may have removed the
 * element (a delete, the cgroup's free, map_free). Opt-in: E1's busy counter breaks
 * it when a task holding the counter is preempted on the helper's CPU.
 */
import type { Kernel } from '../model/kernel/kernel.js';
import { GET, hasRemover } from './evidence.js';
import { actorName, cgroupName, mapName } from './names.js';
import { type Property, type Violation, violation } from './property.js';

export const GET_FINDS_PREALLOC = 'get-finds-prealloc';

function check(k: Kernel): Violation | undefined {
  const setup = k.setupActor.id;
  const prealloc = new Set<string>();
  for (const o of k.observations) {
    if (o.kind === 'syscall') {
      if (o.actor === setup && o.cmd === 'BPF_MAP_UPDATE_ELEM' && o.ret === 0)
        prealloc.add(`${o.map}:${o.cgroup}`);
      continue;
    }
    // Stryker disable next-line ConditionalExpression: an observation of another kind has no `helper`, so the next line skips it anyway
    if (o.kind !== 'helper') continue;
    if (o.helper !== GET || o.cgroup === null) continue;
    if (!prealloc.has(`${o.map}:${o.cgroup}`) || (o.ret ?? 0) > 0) continue;
    if (hasRemover(k, o.map, o.cgroup)) continue;
    return violation(
      GET_FINDS_PREALLOC,
      `bpf_cgrp_storage_get(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}, flags ${o.flags}) on ${actorName(k, o.actor)} returned NULL though userspace pre-allocated that storage at setup and nothing removed it`,
    );
  }
  return undefined;
}

/** Creates the property (end of execution). */
export function createGetFindsPrealloc(): Property {
  return {
    id: GET_FINDS_PREALLOC,
    description:
      'bpf_cgrp_storage_get never returns NULL for storage userspace pre-allocated at setup and nothing removed',
    checkEnd: check,
  };
}
