/**
 * `update-flags` (invariant 14): BPF_MAP_UPDATE_ELEM on the NEW map rejects bad
 * flags with -EINVAL (F_LOCK without a bpf_spin_lock, or flags above BPF_EXIST),
 * NOEXIST on an existing element gives -EEXIST and EXIST on a missing one -ENOENT.
 * Checked at the end: an element a racing operation created or removed while the
 * update ran excuses the NOEXIST/EXIST outcome.
 */
import {
  EAGAIN,
  EBADF,
  EDEADLK,
  EEXIST,
  EINVAL,
  ENOENT,
  ENOMEM,
  ETIMEDOUT,
  errnoName,
} from '../model/core/errno.js';
import type { Observation } from '../model/core/observation.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from '../model/localStorage/localStorage.js';
import { hasCreator, hasRemover } from './evidence.js';
import { actorName, cgroupName, mapName } from './names.js';
import { type Property, type Violation, violation } from './property.js';

export const UPDATE_FLAGS = 'update-flags';

type Syscall = Extract<Observation, { kind: 'syscall' }>;

const retName = (ret: number): string => (ret === 0 ? '0' : `-${errnoName(-ret)}`);

function isKnownRet(k: Kernel, ret: number): boolean {
  const base = [0, -EINVAL, -EEXIST, -ENOENT, -ENOMEM, -EAGAIN, -EBADF];
  return base.includes(ret) || (k.era === 'E3' && (ret === -EDEADLK || ret === -ETIMEDOUT));
}

/** Why this update's result is wrong, or undefined. */
function wrongResult(k: Kernel, o: Syscall): string | undefined {
  // Stryker disable next-line OptionalChaining: check() passes only updates of a NEW map the kernel knows
  const hasLock = k.maps.get(o.map)?.spinLockSlot !== undefined;
  const f = o.flags & ~BPF_F_LOCK;
  if ((o.flags & BPF_F_LOCK) !== 0 && !hasLock && o.ret !== -EINVAL)
    return 'F_LOCK on a value without a bpf_spin_lock must give -EINVAL';
  if (o.cgroup === null) return undefined; // the fd did not resolve
  if (f > BPF_EXIST && o.ret !== -EINVAL) return `flags ${o.flags} above BPF_EXIST must give -EINVAL`;
  if (!isKnownRet(k, o.ret)) return `${k.era} never returns it`;
  if (f === BPF_NOEXIST && o.existedBefore && o.ret === 0 && !hasRemover(k, o.map, o.cgroup, o))
    return 'BPF_NOEXIST on an existing element must give -EEXIST';
  if (f === BPF_EXIST && !o.existedBefore && o.ret === 0 && !hasCreator(k, o.map, o.cgroup, o))
    return 'BPF_EXIST on a missing element must give -ENOENT';
  if (f === BPF_NOEXIST && !o.existedBefore && o.ret === -EEXIST && !hasCreator(k, o.map, o.cgroup, o))
    return '-EEXIST though no element existed or was created';
  if (f === BPF_EXIST && o.existedBefore && o.ret === -ENOENT && !hasRemover(k, o.map, o.cgroup, o))
    return '-ENOENT though the element existed and nothing removed it';
  return undefined;
}

function check(k: Kernel): Violation | undefined {
  for (const o of k.observations) {
    // Stryker disable next-line ConditionalExpression: other kinds have no `cmd`, so the next line skips them anyway
    if (o.kind !== 'syscall') continue;
    if (o.cmd !== 'BPF_MAP_UPDATE_ELEM' || k.maps.get(o.map)?.type !== 'cgrp_storage') continue;
    const wrong = wrongResult(k, o);
    if (wrong === undefined) continue;
    return violation(
      UPDATE_FLAGS,
      `BPF_MAP_UPDATE_ELEM(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}, flags ${o.flags}) by ${actorName(k, o.actor)} returned ${retName(o.ret)}: ${wrong}`,
    );
  }
  return undefined;
}

/** Creates the property (end of execution). */
export function createUpdateFlags(): Property {
  return {
    id: UPDATE_FLAGS,
    description:
      'update: bad flags → -EINVAL, NOEXIST on an element → -EEXIST, EXIST on none → -ENOENT (invariant 14)',
    checkEnd: check,
  };
}
