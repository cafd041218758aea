/**
 * `owner-pointer` (invariant 3): outside its owner-lock section, an owner
 * storage's `owner` is non-NULL iff its list is non-empty, and a cgroup's
 * bpf_cgrp_storage names only a storage whose owner is that cgroup. E3 destroy is
 * exempt (bpf_selem_unlink_nofail leaves `owner` set on a dying cgroup).
 */
import type { Kernel } from '../model/kernel/kernel.js';
import type { LocalStorage } from '../model/localStorage/localStorageState.js';
import { cgroupName, plural } from './names.js';
import { type Property, type Violation, violation } from './property.js';
import { isE3Destroying, isFreed, isHeld, isPublished } from './storageState.js';

export const OWNER_POINTER = 'owner-pointer';

/** Built only for a violation: the check runs after nearly every step. */
function storageName(k: Kernel, s: LocalStorage): string {
  return `the bpf_local_storage ${s.obj} of cgroup ${cgroupName(k, s.cgroup)}`;
}

function check(k: Kernel): Violation | undefined {
  for (const s of k.localStorages.storages.values()) {
    if (isHeld(k, s.lock) || isFreed(k, s.obj) || isE3Destroying(k, s)) continue;
    if (s.owner === null && s.list.length > 0)
      return violation(
        OWNER_POINTER,
        `${storageName(k, s)} has a NULL owner but ${plural(s.list.length, 'element')} on its list`,
      );
    if (s.owner !== null && s.list.length === 0)
      return violation(
        OWNER_POINTER,
        `${storageName(k, s)} still names its owner with an empty list (the last unlink must clear it)`,
      );
    if (s.owner === null && isPublished(k, s))
      return violation(
        OWNER_POINTER,
        `cgroup ${cgroupName(k, s.cgroup)}->bpf_cgrp_storage still points at ${storageName(k, s)}, whose owner is NULL`,
      );
  }
  return undefined;
}

/** Creates the property (per step and at the end). */
export function createOwnerPointer(): Property {
  return {
    id: OWNER_POINTER,
    description:
      'an owner storage names its owner iff its list is non-empty, outside locked sections (invariant 3)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip this check after a step that changed no storage structure; false costs time, never a verdict
    isStructural: true,
    checkStep: check,
    checkEnd: check,
  };
}
