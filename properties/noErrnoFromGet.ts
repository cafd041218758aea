/**
 * `no-errno-from-get` (invariant 10): bpf_cgrp_storage_get() returns a pointer
 * to an element of the map and cgroup it was given, or NULL, never an errno; bad
 * flags or a NULL cgroup give NULL.
 */
import { BPF_LOCAL_STORAGE_GET_F_CREATE } from '../model/cgrpStorage/cgrpStorage.js';
import { errnoName } from '../model/core/errno.js';
import { asObjId } from '../model/core/ids.js';
import type { Observation } from '../model/core/observation.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { GET } from './evidence.js';
import { actorName, cgroupName, mapName, objName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const NO_ERRNO_FROM_GET = 'no-errno-from-get';

type Helper = Extract<Observation, { kind: 'helper' }>;

/** What was wrong with a get's return, or undefined. */
function wrongReturn(k: Kernel, o: Helper): string | undefined {
  if (o.ret === null) return undefined;
  if (o.ret < 0) return `returned -${errnoName(-o.ret)}; it returns a pointer or NULL, never an errno`;
  const ret = asObjId(o.ret);
  if ((o.flags & ~BPF_LOCAL_STORAGE_GET_F_CREATE) !== 0)
    return `returned ${objName(k, ret)} for bad flags ${o.flags}; they give NULL`;
  if (o.cgroup === null) return `returned ${objName(k, ret)} for a NULL cgroup; it gives NULL`;
  const sel = k.localStorages.selems.get(ret);
  if (sel === undefined || sel.map !== o.map || sel.cgroup !== o.cgroup)
    return `returned ${objName(k, ret)}, not an element of that map and cgroup`;
  return undefined;
}

/** Creates the property (per step, reading each new observation once). */
export function createNoErrnoFromGet(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = obs[i]!;
      if (o.kind !== 'helper' || o.helper !== GET) continue;
      const wrong = wrongReturn(k, o);
      if (wrong !== undefined)
        return violation(
          NO_ERRNO_FROM_GET,
          `bpf_cgrp_storage_get(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}, flags ${o.flags}) on ${actorName(k, o.actor)} ${wrong}`,
        );
    }
    return undefined;
  };
  return {
    id: NO_ERRNO_FROM_GET,
    description:
      'bpf_cgrp_storage_get returns an element of that map and cgroup or NULL, never an errno (invariant 10)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    factLog: 'observations',
    checkStep: check,
    checkEnd: check,
  };
}
