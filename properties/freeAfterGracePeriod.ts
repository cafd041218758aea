/**
 * `free-after-gp` (invariant 5): an element is freed only once it is unlinked
 * from both its bucket and its (published) owner list, and only after every RCU
 * read section that was open at its unlink has ended. The readers open at each
 * unlink ('selem-unlink' observation) are taken at that step; the check runs
 * whenever an RCU callback ran (every element free is one). Double frees are
 * `no-double-free`.
 */
import { asActorId, type ObjId } from '../model/core/ids.js';
import type { ReaderSnapshot } from '../model/core/step.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { actorName, objName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';
import { isFreed, isPublished } from './storageState.js';

export const FREE_AFTER_GP = 'free-after-gp';

interface Unlinked {
  readonly by: string;
  /** Plain RCU readers open at the unlink; undefined when seen only at the end. */
  readonly readers: ReaderSnapshot | undefined;
}

/** Creates the property; its memory (unlinks seen, frees checked) is per execution. */
export function createFreeAfterGracePeriod(): Property {
  const cursor = new LogCursor();
  const unlinked = new Map<ObjId, Unlinked>();
  const checked = new Set<ObjId>();
  // Stryker disable next-line UnaryOperator: the first check meets a new kernel and resets it to -1 before reading it
  let completed = -1;
  let kernel: Kernel | undefined;

  const check = (k: Kernel, isAtStep: boolean): Violation | undefined => {
    if (k !== kernel) {
      kernel = k;
      unlinked.clear();
      checked.clear();
      completed = -1;
    }
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = obs[i]!;
      if (o.kind !== 'selem-unlink' || unlinked.has(o.obj)) continue;
      unlinked.set(o.obj, {
        by: actorName(k, o.actor),
        // Stryker disable next-line StringLiteral: snapshot() treats every flavour but 'tasks_trace' as plain RCU
        readers: isAtStep ? k.rcu.snapshot('rcu') : undefined,
      });
    }
    if (k.rcu.completed === completed && isAtStep) return undefined;
    completed = k.rcu.completed;
    return checkFrees(k, unlinked, checked);
  };
  return {
    id: FREE_AFTER_GP,
    description:
      'an element is freed only after it is unlinked and a grace period that began after the unlink (invariant 5)',
    checkStep: (k) => check(k, true),
    checkEnd: (k) => check(k, false),
  };
}

/** `A's RCU read section`. */
function sectionOf(k: Kernel, actor: number): string {
  return `${actorName(k, asActorId(actor))}'s RCU read section`;
}

function checkFrees(
  k: Kernel,
  unlinked: ReadonlyMap<ObjId, Unlinked>,
  checked: Set<ObjId>,
): Violation | undefined {
  for (const sel of k.localStorages.selems.values()) {
    if (checked.has(sel.obj) || !isFreed(k, sel.obj)) continue;
    checked.add(sel.obj);
    const freedBy = k.memory.get(sel.obj).freedBy ?? '?';
    const what = `${objName(k, sel.obj)} was freed by ${freedBy}`;
    if (sel.isInMap) return violation(FREE_AFTER_GP, `${what} while still in a bucket of its map`);
    // Stryker disable next-line ConditionalExpression: storages (keyed by ObjId) has no null key, so get(null) is undefined too
    const home = sel.storage === null ? undefined : k.localStorages.storages.get(sel.storage);
    if (sel.isInStorage && home !== undefined && isPublished(k, home))
      return violation(FREE_AFTER_GP, `${what} while still on its owner's list`);
    const u = unlinked.get(sel.obj);
    if (u?.readers === undefined || k.rcu.hasEnded(u.readers)) continue;
    const open = u.readers.find(([a, section]) => !k.rcu.hasEnded([[a, section]]));
    // Stryker disable next-line ConditionalExpression,StringLiteral: hasEnded(readers) was false, so some section is open and `open` is found
    const reader = open === undefined ? 'a reader' : sectionOf(k, open[0]);
    return violation(
      FREE_AFTER_GP,
      `${what} while ${reader}, open since before ${u.by} unlinked it, had not ended: no grace period passed`,
    );
  }
  return undefined;
}
