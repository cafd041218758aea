/**
 * `no-lock-while-busy` (invariant 18, E1/E2), as KERNEL-SEMANTICS §7 states it:
 * a BPF storage helper (bpf_cgrp_storage_get/delete and the update/unlink code
 * they call) takes an owner or bucket lock only after its own
 * bpf_cgrp_storage_trylock() succeeded, and no context ever takes a storage lock
 * that a context it interrupted on the same CPU holds (a raw spinlock would
 * self-deadlock). The counter may read 2 at a legal acquisition: it is per CPU,
 * and a task preempted between its trylock and its unlock lets a syscall on the
 * same CPU take it unconditionally (bpf_cgrp_storage_lock), while the preempted
 * task holds no raw spinlock. Read from 'helper-lock' observations; E3 has no
 * counter and records none.
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
      if (o.kind !== 'helper-lock' || (o.holdsBusy && !o.isHeldByInterrupted)) continue;
      // Stryker disable next-line OptionalChaining: equivalent; an observation names the actor that made it, always in k.actors
      const cpu = k.actors[o.actor]?.cpu ?? 0;
      const who = `${o.helper} on ${actorName(k, o.actor)}`;
      const lock = k.locks.get(o.lock).label;
      return violation(
        NO_LOCK_WHILE_BUSY,
        o.isHeldByInterrupted
          ? `${who} takes ${lock}, which a context it interrupted on cpu${cpu} holds: a self-deadlock on a raw spinlock (cpu${cpu}'s bpf_cgrp_storage_busy is ${o.busy})`
          : `${who} took ${lock} without holding cpu${cpu}'s bpf_cgrp_storage_busy (it reads ${o.busy}): a helper may take a storage lock only after its own trylock succeeded`,
      );
    }
    return undefined;
  };
  return {
    id: NO_LOCK_WHILE_BUSY,
    description:
      'E1/E2: a helper takes a storage lock only after its own trylock succeeded, and never one that a context it interrupted holds (invariant 18)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    factLog: 'observations',
    checkStep: check,
    checkEnd: check,
  };
}
