/**
 * `busy-counter` (invariants 18–19): the per-CPU bpf_cgrp_storage_busy counter is
 * never negative, stays 0 in E3 (which has none), and is 0 on every CPU once all
 * actors finished: every bpf_cgrp_storage_lock/trylock is paired with an unlock.
 */
import type { Kernel } from '../model/kernel/kernel.js';
import { type Property, type Violation, violation } from './property.js';

export const BUSY_COUNTER = 'busy-counter';

/** Creates the property; the per-step check loops over the CPUs only. */
export function createBusyCounter(): Property {
  return {
    id: BUSY_COUNTER,
    description:
      'the per-CPU busy counter never goes negative and is 0 on every CPU at the end (invariants 18–19)',
    checkStep(k) {
      for (const c of k.cpus) {
        if (c.busy < 0)
          return violation(
            BUSY_COUNTER,
            `cpu${c.no}'s bpf_cgrp_storage_busy went negative (${c.busy}): an unlock without a lock`,
          );
        if (c.busy !== 0 && k.era === 'E3')
          return violation(
            BUSY_COUNTER,
            `cpu${c.no}'s bpf_cgrp_storage_busy is ${c.busy} in E3, which has no counter`,
          );
      }
      return undefined;
    },
    checkEnd(k) {
      return atEnd(k);
    },
  };
}

function atEnd(k: Kernel): Violation | undefined {
  for (const c of k.cpus) {
    if (c.busy !== 0)
      return violation(
        BUSY_COUNTER,
        `cpu${c.no}'s bpf_cgrp_storage_busy is ${c.busy} after every actor finished: a lock or trylock was never undone, so every later helper on cpu${c.no} fails`,
      );
  }
  return undefined;
}
