/**
 * Shared reads of NEW-map state for the structural invariants (1–4): which owner
 * storages are published, whether a section is locked, and which elements a
 * teardown is allowed to leave half-linked. Allocation-free: they run per step.
 */

import type { ObjId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import type { LocalStorage, Selem } from '../model/localStorage/localStorageState.js';

/** True while somebody holds the lock. */
export function isHeld(k: Kernel, lock: ObjId): boolean {
  return k.locks.locks.get(lock)?.holder !== undefined;
}

/** True when `s` is what its cgroup's bpf_cgrp_storage points at (not a private or retired storage). */
export function isPublished(k: Kernel, s: LocalStorage): boolean {
  return k.cgroups.get(s.cgroup).bpfCgrpStorage === s.obj;
}

/** True once the storage's memory is freed. */
export function isFreed(k: Kernel, obj: ObjId): boolean {
  return k.memory.objects.get(obj)?.state === 'freed';
}

/**
 * E3 bpf_selem_unlink_nofail may leave an element half-linked on purpose: a side
 * that failed its lock sets a SELEM_*_UNLINKED bit (or cleared sdata.smap) and the
 * other side finishes; between its two lock sections and that bit, the call is
 * still running on it. Such elements are exempt from the linked-twice invariants.
 */
export function isNofailHalfUnlinked(k: Kernel, sel: Selem): boolean {
  return k.era === 'E3' && (sel.state !== 0 || sel.smap === null || sel.nofailInFlight > 0);
}

/** E3 destroy unlinks without clearing owner or cache (invariant 3's exemption): the owner is dying. */
export function isE3Destroying(k: Kernel, s: LocalStorage): boolean {
  return k.era === 'E3' && k.cgroups.get(s.cgroup).isDying;
}
