/**
 * `delete-errno` (invariant 13): bpf_cgrp_storage_delete() returns 0, -ENOENT,
 * -EINVAL (NULL cgroup) or, in E1/E2, -EBUSY; in E3 instead a lock error
 * (-EDEADLK, -ETIMEDOUT). BPF_MAP_DELETE_ELEM on the NEW map returns 0, -ENOENT,
 * fd errors (-EBADF) or, in E3, a lock error.
 */

import { EBADF, EBUSY, EDEADLK, EINVAL, ENOENT, ETIMEDOUT, errnoName } from '../model/core/errno.js';
import type { ActorId, CgroupId, MapId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { DELETE } from './evidence.js';
import { actorName, cgroupName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const DELETE_ERRNO = 'delete-errno';

function isHelperRetOk(k: Kernel, ret: number): boolean {
  if (ret === 0 || ret === -ENOENT || ret === -EINVAL) return true;
  return k.era === 'E3' ? ret === -EDEADLK || ret === -ETIMEDOUT : ret === -EBUSY;
}

function isSyscallRetOk(k: Kernel, ret: number): boolean {
  if (ret === 0 || ret === -ENOENT || ret === -EBADF) return true;
  return k.era === 'E3' && (ret === -EDEADLK || ret === -ETIMEDOUT);
}

/** Where a delete ran, for the message (built only for a violation). */
const where = (k: Kernel, o: { map: MapId; cgroup: CgroupId | null; actor: ActorId }): string =>
  `(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}) on ${actorName(k, o.actor)}`;

const retName = (ret: number): string => (ret === 0 ? '0' : `-${errnoName(-ret)}`);

/** Creates the property (per step, reading each new observation once). */
export function createDeleteErrno(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = obs[i]!;
      if (o.kind !== 'helper' && o.kind !== 'syscall') continue;
      if (o.kind === 'helper' && o.helper === DELETE) {
        const ret = typeof o.ret === 'number' ? o.ret : Number.NaN;
        if (o.cgroup === null && ret !== -EINVAL)
          return violation(
            DELETE_ERRNO,
            `bpf_cgrp_storage_delete${where(k, o)} with a NULL cgroup returned ${retName(ret)}, not -EINVAL`,
          );
        if (!isHelperRetOk(k, ret))
          return violation(
            DELETE_ERRNO,
            `bpf_cgrp_storage_delete${where(k, o)} returned ${retName(ret)}, which ${k.era} never returns`,
          );
      } else if (
        o.kind === 'syscall' &&
        o.cmd === 'BPF_MAP_DELETE_ELEM' &&
        k.maps.get(o.map)?.type === 'cgrp_storage'
      ) {
        if (!isSyscallRetOk(k, o.ret))
          return violation(
            DELETE_ERRNO,
            `BPF_MAP_DELETE_ELEM${where(k, o)} returned ${retName(o.ret)}, which ${k.era} never returns`,
          );
      }
    }
    return undefined;
  };
  return {
    id: DELETE_ERRNO,
    description: 'delete returns 0, -ENOENT, -EINVAL, -EBUSY (E1/E2) or a lock error (E3) (invariant 13)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    factLog: 'observations',
    checkStep: check,
    checkEnd: check,
  };
}
