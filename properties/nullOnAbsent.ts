/**
 * `null-on-absent`: bpf_cgrp_storage_get() without F_CREATE on a cgroup with no
 * element of the map returns NULL, and BPF_MAP_LOOKUP_ELEM of such a cgroup gives
 * -ENOENT. Checked at the end: an element another operation created while the
 * call ran (a get(F_CREATE) or update on the same map and cgroup) excuses a hit.
 */
import { BPF_LOCAL_STORAGE_GET_F_CREATE } from '../model/cgrpStorage/cgrpStorage.js';
import { ENOENT, errnoName } from '../model/core/errno.js';
import { asObjId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { GET, hasCreator } from './evidence.js';
import { actorName, cgroupName, mapName, objName } from './names.js';
import { type Property, type Violation, violation } from './property.js';

export const NULL_ON_ABSENT = 'null-on-absent';

function check(k: Kernel): Violation | undefined {
  for (const o of k.observations) {
    if (o.kind === 'helper' && o.helper === GET && o.cgroup !== null && !o.existedBefore) {
      // Stryker disable next-line ConditionalExpression: a get(F_CREATE) that returned an element where none existed is its own creator, excused below anyway
      if ((o.flags & BPF_LOCAL_STORAGE_GET_F_CREATE) !== 0) continue;
      if (o.ret === null || o.ret < 0) continue;
      if (hasCreator(k, o.map, o.cgroup)) continue;
      return violation(
        NULL_ON_ABSENT,
        `bpf_cgrp_storage_get(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}, flags 0) on ${actorName(k, o.actor)} returned ${objName(k, asObjId(o.ret))} though the cgroup had no element and nothing created one; it must return NULL`,
      );
    }
    // Stryker disable next-line ConditionalExpression: other kinds have no `cmd`, so the next line skips them anyway
    if (o.kind !== 'syscall') continue;
    if (o.cmd !== 'BPF_MAP_LOOKUP_ELEM' || o.cgroup === null || o.existedBefore) continue;
    if (k.maps.get(o.map)?.type !== 'cgrp_storage' || o.ret === -ENOENT) continue;
    if (o.ret === 0 && hasCreator(k, o.map, o.cgroup)) continue;
    const got = o.ret === 0 ? `0 (value ${JSON.stringify(o.value ?? [])})` : `-${errnoName(-o.ret)}`;
    return violation(
      NULL_ON_ABSENT,
      `BPF_MAP_LOOKUP_ELEM(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}) by ${actorName(k, o.actor)} returned ${got} though the cgroup had no element; it must give -ENOENT`,
    );
  }
  return undefined;
}

/** Creates the property (end of execution). */
export function createNullOnAbsent(): Property {
  return {
    id: NULL_ON_ABSENT,
    description:
      'get without F_CREATE on absent storage returns NULL; a userspace lookup of it gives -ENOENT',
    checkEnd: check,
  };
}
