/**
 * `cache-valid` (invariant 4): outside its owner-lock section, every slot of an
 * owner storage's cache is NULL or an element on that storage's list. E3 destroy
 * unlinks without clearing the cache of a dying owner, which nobody can reach.
 */
import type { Kernel } from '../model/kernel/kernel.js';
import { cgroupName, mapName } from './names.js';
import { type Property, type Violation, violation } from './property.js';
import { isE3Destroying, isFreed, isHeld } from './storageState.js';

export const CACHE_VALID = 'cache-valid';

function check(k: Kernel): Violation | undefined {
  for (const s of k.localStorages.storages.values()) {
    if (isHeld(k, s.lock) || isFreed(k, s.obj) || isE3Destroying(k, s)) continue;
    for (let i = 0; i < s.cache.length; i++) {
      const id = s.cache[i];
      if (id === null || id === undefined) continue;
      const sel = k.localStorages.selems.get(id);
      if (sel?.isInStorage && sel.storage === s.obj) continue;
      const what = sel === undefined ? `object ${id}` : `element ${id} of map ${mapName(k, sel.map)}`;
      const state = k.memory.objects.get(id)?.state === 'freed' ? 'freed' : 'unlinked';
      return violation(
        CACHE_VALID,
        `cache slot ${i} of cgroup ${cgroupName(k, s.cgroup)}'s storage points at ${what}, which is ${state}: the unlink did not clear the cache`,
      );
    }
  }
  return undefined;
}

/** Creates the property (per step and at the end). */
export function createCacheValid(): Property {
  return {
    id: CACHE_VALID,
    description: 'a cache slot is NULL or a linked element of that owner (invariant 4)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip this check after a step that changed no storage structure; false costs time, never a verdict
    isStructural: true,
    checkStep: check,
    checkEnd: check,
  };
}
