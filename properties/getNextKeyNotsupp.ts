/** `get-next-key-notsupp` (invariant 15): BPF_MAP_GET_NEXT_KEY on the NEW map returns -ENOTSUPP. */
import { ENOTSUPP, errnoName } from '../model/core/errno.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { actorName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const GET_NEXT_KEY_NOTSUPP = 'get-next-key-notsupp';

/** Creates the property (per step, reading each new observation once). */
export function createGetNextKeyNotsupp(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = obs[i]!;
      // Stryker disable next-line ConditionalExpression: other kinds have no `cmd`, so the next line skips them anyway
      if (o.kind !== 'syscall') continue;
      if (o.cmd !== 'BPF_MAP_GET_NEXT_KEY' || o.ret === -ENOTSUPP) continue;
      if (k.maps.get(o.map)?.type !== 'cgrp_storage') continue;
      const got = o.ret === 0 ? '0' : `-${errnoName(-o.ret)}`;
      return violation(
        GET_NEXT_KEY_NOTSUPP,
        `BPF_MAP_GET_NEXT_KEY on map ${mapName(k, o.map)} by ${actorName(k, o.actor)} returned ${got}; BPF_MAP_TYPE_CGRP_STORAGE has no key iteration (-ENOTSUPP)`,
      );
    }
    return undefined;
  };
  return {
    id: GET_NEXT_KEY_NOTSUPP,
    description: 'BPF_MAP_GET_NEXT_KEY on the NEW map returns -ENOTSUPP (invariant 15)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    factLog: 'observations',
    checkStep: check,
    checkEnd: check,
  };
}
