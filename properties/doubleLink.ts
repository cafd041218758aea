/**
 * `double-link` (invariant 2): an element is in its map's bucket iff it is in
 * its owner's list. Per step: no element sits in a bucket without being on the
 * owner list while neither its bucket lock nor its owner lock is held. In E1/E2
 * bpf_selem_unlink() unlinks the map side and then the owner side in two
 * separately locked sections, so the reverse direction is checked at the end,
 * when no unlink is in flight. E3 nofail teardown may leave elements half-linked.
 */
import type { Kernel } from '../model/kernel/kernel.js';
import type { LocalStorageMap, Selem } from '../model/localStorage/localStorageState.js';
import { cgroupName, mapName } from './names.js';
import { type Property, type Violation, violation } from './property.js';
import { isHeld, isNofailHalfUnlinked, isPublished } from './storageState.js';

export const DOUBLE_LINK = 'double-link';

function inBucketOnly(k: Kernel): Violation | undefined {
  for (const m of k.maps.values()) {
    if (m.type !== 'cgrp_storage') continue;
    const smap = m as LocalStorageMap;
    for (const b of smap.buckets) {
      if (b.list.length === 0 || isHeld(k, b.lock)) continue;
      for (const id of b.list) {
        const sel = k.localStorages.selem(id);
        if (sel.isInStorage || isNofailHalfUnlinked(k, sel)) continue;
        const home = sel.home === null ? undefined : k.localStorages.storages.get(sel.home);
        if (home !== undefined && isHeld(k, home.lock)) continue;
        return violation(
          DOUBLE_LINK,
          `${describe(k, sel)} is in a bucket of its map but not on its owner's list`,
        );
      }
    }
  }
  return undefined;
}

function inListOnly(k: Kernel): Violation | undefined {
  for (const s of k.localStorages.storages.values()) {
    if (s.list.length === 0 || isHeld(k, s.lock) || !isPublished(k, s)) continue;
    for (const id of s.list) {
      const sel = k.localStorages.selem(id);
      if (sel.isInMap || isNofailHalfUnlinked(k, sel)) continue;
      return violation(
        DOUBLE_LINK,
        `${describe(k, sel)} is on its owner's list but in no bucket of its map after every actor finished`,
      );
    }
  }
  return undefined;
}

function describe(k: Kernel, sel: Selem): string {
  return `element ${sel.obj} of map ${mapName(k, sel.map)} for cgroup ${cgroupName(k, sel.cgroup)}`;
}

/** Creates the property (bucket side per step; both sides at the end). */
export function createDoubleLink(): Property {
  return {
    id: DOUBLE_LINK,
    description:
      'an element is in a bucket iff it is on its owner list, outside locked sections (invariant 2)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip this check after a step that changed no storage structure; false costs time, never a verdict
    isStructural: true,
    checkStep: inBucketOnly,
    checkEnd: (k) => inBucketOnly(k) ?? inListOnly(k),
  };
}
