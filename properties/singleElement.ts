/**
 * `single-element` (invariant 1): a cgroup's published owner storage holds at
 * most one element per map, outside its owner-lock section (a replace links the
 * new element before it unlinks the old one, under that lock).
 */
import type { Kernel } from '../model/kernel/kernel.js';
import { cgroupName, mapName } from './names.js';
import { type Property, type Violation, violation } from './property.js';
import { isHeld, isPublished } from './storageState.js';

export const SINGLE_ELEMENT = 'single-element';

function check(k: Kernel): Violation | undefined {
  for (const s of k.localStorages.storages.values()) {
    // Stryker disable next-line ConditionalExpression: a shortcut: a list of fewer than two has no pair for the loops below
    if (s.list.length < 2) continue;
    if (isHeld(k, s.lock) || !isPublished(k, s)) continue;
    for (let i = 0; i < s.list.length; i++) {
      const a = k.localStorages.selem(s.list[i]!);
      for (let j = i + 1; j < s.list.length; j++) {
        const b = k.localStorages.selem(s.list[j]!);
        if (a.smap === null || a.smap !== b.smap) continue;
        return violation(
          SINGLE_ELEMENT,
          `cgroup ${cgroupName(k, s.cgroup)} has two linked elements of map ${mapName(k, a.smap)} (${a.obj} and ${b.obj}) with its owner lock free`,
        );
      }
    }
  }
  return undefined;
}

/** Creates the property (per step and at the end). */
export function createSingleElement(): Property {
  return {
    id: SINGLE_ELEMENT,
    description: 'at most one linked element per (map, cgroup) outside the owner-lock section (invariant 1)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip this check after a step that changed no storage structure; false costs time, never a verdict
    isStructural: true,
    checkStep: check,
    checkEnd: check,
  };
}
