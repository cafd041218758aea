/**
 * `lock-order` (invariant 17): storage code takes the owner lock before the
 * bucket lock, never a bucket lock then an owner lock, and in E1/E2 (raw
 * spinlocks, where the busy counter must prevent recursion) never an owner or
 * bucket lock while holding one of the same class. E3 rqspinlocks detect
 * same-class recursion themselves (-EDEADLK), so nesting there is not an order bug.
 */
import type { Kernel } from '../model/kernel/kernel.js';
import type { LockClass, LockEdge } from '../model/sync/locks.js';
import { actorName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const LOCK_ORDER = 'lock-order';

const isStorageClass = (c: LockClass): boolean => c === 'owner' || c === 'bucket';

/** Creates the property; it reads each new class-order edge once. */
export function createLockOrder(): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const edges = k.locks.edges;
    for (let i = cursor.advance(k, edges.length); i < edges.length; i++) {
      const e = edges[i]!;
      if (e.held === 'bucket' && e.taken === 'owner') return violation(LOCK_ORDER, describe(k, e, 'inverts'));
      if (k.era !== 'E3' && e.held === e.taken && isStorageClass(e.held))
        // Stryker disable next-line StringLiteral: describe() tells only 'inverts' apart; any other value words recursion
        return violation(LOCK_ORDER, describe(k, e, 'recursion'));
    }
    return undefined;
  };
  return {
    id: LOCK_ORDER,
    description:
      'owner lock before bucket lock, and no owner/bucket lock taken while holding its own class in E1/E2',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    factLog: 'edges',
    checkStep: check,
    checkEnd: check,
  };
}

function describe(k: Kernel, e: LockEdge, what: 'inverts' | 'recursion'): string {
  const held = k.locks
    .heldBy(e.by)
    .map((id) => k.locks.get(id).label)
    .join(', ');
  const holding = held === '' ? '' : ` (holding ${held})`;
  const by = actorName(k, e.by);
  return what === 'inverts'
    ? `${by} took an owner lock while holding a bucket lock${holding}: storage code takes owner → bucket, so this is an ABBA`
    : `${by} took ${article(e.taken)} ${e.taken} lock while holding ${article(e.held)} ${e.held} lock${holding}: raw spinlock recursion the busy counter must prevent (AA if the same lock)`;
}

function article(c: LockClass): string {
  return c === 'owner' ? 'an' : 'a';
}
