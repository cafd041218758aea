/**
 * `no-lock-while-busy` (invariant 18, E1/E2): a BPF storage helper
 * (bpf_cgrp_storage_get/delete and the update/unlink code they call) takes an
 * owner or bucket lock only under its own hold of this CPU's
 * bpf_cgrp_storage_busy counter, with the counter exactly 1: never while another
 * context on the CPU (an interrupted storage operation) holds it, which is what
 * bpf_cgrp_storage_trylock() prevents and what would self-deadlock on a raw
 * spinlock. Read from 'helper-lock' observations; E3 has no counter and records none.
 */
import type { Kernel } from '../model/kernel/kernel.js';
import { actorName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const NO_LOCK_WHILE_BUSY = 'no-lock-while-busy';

/** Creates the property (per step, on each new 'helper-lock' observation). */
export function createNoLockWhileBusy(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = obs[i]!;
      if (o.kind !== 'helper-lock' || (o.holdsBusy && o.busy === 1)) continue;
      const cpu = k.actors[o.actor]?.cpu ?? 0;
      const holder = o.holdsBusy ? '' : ' and the helper did not hold it';
      return violation(
        NO_LOCK_WHILE_BUSY,
        `${o.helper} on ${actorName(k, o.actor)} took ${k.locks.get(o.lock).label} while cpu${cpu}'s bpf_cgrp_storage_busy was ${o.busy}${holder}: a helper may take a storage lock only under its own hold of the counter, with no other context on the CPU holding it`,
      );
    }
    return undefined;
  };
  return {
    id: NO_LOCK_WHILE_BUSY,
    description:
      "E1/E2: a helper takes an owner or bucket lock only while its own hold is the CPU's only busy count (invariant 18)",
    isFactDriven: true,
    checkStep: check,
    checkEnd: check,
  };
}
