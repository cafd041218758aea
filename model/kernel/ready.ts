/**
 * Enabledness of a model step, for whoever adapts actors to the scheduler's
 * Task.isEnabled().
 */

import type { Step } from '../core/step.js';
import type { Actor, Kernel } from './kernel.js';

/**
 * True when `actor` may run step `s` now. Nobody else runs on a CPU where another
 * actor holds a spinning lock (irqs or preemption off there). A lock step waits
 * while the lock is held, except an E3 rqspinlock already held on this CPU (it
 * fails with -EDEADLK) or one that may time out; a grace period waits for its
 * readers; an `until` step waits for its condition.
 */
export function isStepReady(k: Kernel, actor: Actor, s: Step): boolean {
  if (k.locks.isSpinHeldOnCpu(actor.cpu, actor.id)) return false;
  const b = s.blocker;
  if (b === undefined) return true;
  switch (b.kind) {
    case 'lock': {
      const l = k.locks.get(b.lock);
      if (l.holder === undefined) return true;
      return b.isRqspinlock === true && (l.holderCpu === actor.cpu || b.isTimeoutPossible === true);
    }
    case 'gp':
      return k.rcu.hasEnded(b.readers);
    case 'until':
      return b.isReady();
  }
}
