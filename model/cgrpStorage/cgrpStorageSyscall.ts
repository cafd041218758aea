/**
 * bpf(2) map commands on a BPF_MAP_TYPE_CGRP_STORAGE map, keyed by a cgroup fd
 * (kernel/bpf/syscall.c map_lookup_elem / map_update_elem / map_delete_elem /
 * map_get_next_key; kernel/bpf/bpf_cgrp_storage.c bpf_cgrp_storage_*_elem). The
 * map op runs under rcu_read_lock; E1/E2 hold the busy counter around it
 * unconditionally (bpf_cgrp_storage_lock). Each records a 'syscall' observation.
 */

import { percpuRefPut } from '../cgroup/cgroup.js';
import { cgroupGetFromFd } from '../cgroup/fd.js';
import { hasBusyCounter } from '../core/era.js';
import { EINVAL, ENOENT, ENOTSUPP, type Errno, err, OK0, ok, type Result } from '../core/errno.js';
import type { CgroupId, Fd, MapId, ObjId } from '../core/ids.js';
import { type Access, type Op, rd, rmw, step } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { BPF_F_LOCK, cgroupStorageLookup, smapOf } from '../localStorage/localStorage.js';
import { busyLock, busyUnlock } from '../localStorage/localStorageLock.js';
import type { LocalStorageMap } from '../localStorage/localStorageState.js';
import { bpfLocalStorageUpdate } from '../localStorage/localStorageUpdate.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { cgroupStorageDelete, isElemLinked } from './cgrpStorage.js';

/** What a command saw of its cgroup, for its observation. */
interface Seen {
  cg: CgroupId | null;
  existedBefore: boolean;
  /** Updates: what the 'syscall' observation's begin / old / oldValue / elem record. */
  update?: { begin: number; old: ObjId | null; before: readonly number[] | undefined; elem?: ObjId };
}

function observeSyscall<T>(
  k: Kernel,
  actor: Actor,
  cmd: string,
  map: MapId,
  flags: number,
  seen: Seen,
  r: Result<T>,
): void {
  const value = r.ok && Array.isArray(r.value) ? { value: r.value as readonly number[] } : {};
  const ret = r.ok ? 0 : -r.errno;
  k.observe({
    kind: 'syscall',
    actor: actor.id,
    cmd,
    map,
    cgroup: seen.cg,
    flags,
    ret,
    existedBefore: seen.existedBefore,
    ...value,
    ...updateFields(k, seen),
  });
}

/** The update-only fields of a 'syscall' observation, read when the command returns. */
function updateFields(k: Kernel, seen: Seen): object {
  const u = seen.update;
  if (u === undefined) return {};
  const after = u.old === null ? undefined : k.memory.objects.get(u.old)?.data;
  return {
    begin: u.begin,
    old: u.old,
    ...(u.old === null || u.before === undefined
      ? {}
      : { oldValue: { before: u.before, after: after === undefined ? undefined : [...after] } }),
    ...(u.elem === undefined ? {} : { elem: u.elem }),
  };
}

/**
 * rcu_read_lock, then cgroup_(v1v2_)get_from_fd (-EBADF / -ENOENT, fd.ts). The fd
 * table is the process's own, so the step can name the cgroup it will touch.
 */
function* resolveFd(k: Kernel, actor: Actor, map: MapId, fd: Fd, seen: Seen): Op<Result<CgroupId>> {
  const cgOfFd = k.fds.cgroupOf(fd);
  // css_tryget_online: reads the dying flag, increments the count; commutes with
  // other gets and with live puts (neither changes the flag), not with percpu_ref_kill.
  const c = cgOfFd === undefined ? undefined : k.cgroups.get(cgOfFd);
  const accesses: Access[] = c === undefined ? [] : [rmw(c.refObj), rd(c.dyingObj)];
  yield step('rcu_read_lock; cgroup_get_from_fd', [rmw(k.rcuOpenObj), ...accesses]);
  const r = cgroupGetFromFd(k, fd);
  if (!r.ok) return r;
  seen.cg = r.value;
  seen.existedBefore = isElemLinked(k, map, r.value);
  k.rcu.readLock(actor.id);
  return r;
}

/**
 * Models BPF_MAP_LOOKUP_ELEM: flags other than BPF_F_LOCK, or F_LOCK without a
 * bpf_spin_lock → -EINVAL; fd errors; no element → -ENOENT; else a copy of the value
 * (bpf_map_copy_value, under the value lock with F_LOCK) with the lock slot zeroed.
 */
export function* cgrpStorageLookupElem(
  k: Kernel,
  actor: Actor,
  map: MapId,
  fd: Fd,
  flags: number,
): Op<Result<number[]>> {
  const seen: Seen = { cg: null, existedBefore: false };
  const r = yield* bpfMapLookupElem(k, actor, smapOf(k, map), fd, flags, seen);
  observeSyscall(k, actor, 'BPF_MAP_LOOKUP_ELEM', map, flags, seen, r);
  return r;
}

function* bpfMapLookupElem(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  fd: Fd,
  flags: number,
  seen: Seen,
): Op<Result<number[]>> {
  const isLocked = (flags & BPF_F_LOCK) !== 0;
  if ((flags & ~BPF_F_LOCK) !== 0 || (isLocked && smap.spinLockSlot === undefined)) return err(EINVAL);
  const cg = yield* resolveFd(k, actor, smap.id, fd, seen);
  if (!cg.ok) return cg;
  if (hasBusyCounter(k.era)) yield* busyLock(k, actor);
  const found = yield* cgroupStorageLookup(k, actor, smap, cg.value, true);
  if (hasBusyCounter(k.era)) yield* busyUnlock(k, actor);
  const tail = found === null ? [rmw(k.rcuCloseObj)] : isLocked ? [] : [rd(found), rmw(k.rcuCloseObj)];
  yield* percpuRefPut(k, actor, cg.value, 'cgroup_put', tail);
  if (found === null) {
    k.rcu.readUnlock(actor.id);
    return err(ENOENT);
  }
  const spinLock = k.localStorages.selem(found).spinLock;
  if (isLocked) yield* lockAcquire(k, actor, spinLock!, [rd(found)]);
  const out = copyValueOut(k, actor, smap, found);
  if (isLocked) yield* lockRelease(k, actor, spinLock!, [rmw(k.rcuCloseObj)]);
  k.rcu.readUnlock(actor.id);
  return ok(out);
}

/** copy_map_value() into a fresh buffer, then check_and_init_map_value() zeroes the lock slot. */
function copyValueOut(k: Kernel, actor: Actor, smap: LocalStorageMap, elem: ObjId): number[] {
  k.memory.use(elem, `${actor.name} bpf_map_copy_value`);
  const out = [...k.memory.get(elem).data!];
  if (smap.spinLockSlot !== undefined) out[smap.spinLockSlot] = 0;
  return out;
}

/**
 * Models BPF_MAP_UPDATE_ELEM: F_LOCK without a bpf_spin_lock → -EINVAL; fd errors;
 * then bpf_local_storage_update(value, flags): (flags & ~F_LOCK) > BPF_EXIST →
 * -EINVAL, NOEXIST on an element → -EEXIST, EXIST on none → -ENOENT, -ENOMEM,
 * -EAGAIN, E3 lock errors. Without F_LOCK an element is replaced by a new one.
 */
export function* cgrpStorageUpdateElem(
  k: Kernel,
  actor: Actor,
  map: MapId,
  fd: Fd,
  value: readonly number[],
  flags: number,
): Op<Result<0>> {
  const seen: Seen = { cg: null, existedBefore: false };
  const r = yield* bpfMapUpdateElem(k, actor, smapOf(k, map), fd, value, flags, seen);
  observeSyscall(k, actor, 'BPF_MAP_UPDATE_ELEM', map, flags, seen, r);
  return r;
}

function* bpfMapUpdateElem(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  fd: Fd,
  value: readonly number[],
  flags: number,
  seen: Seen,
): Op<Result<0>> {
  if ((flags & BPF_F_LOCK) !== 0 && smap.spinLockSlot === undefined) return err(EINVAL);
  const cg = yield* resolveFd(k, actor, smap.id, fd, seen);
  if (!cg.ok) return cg;
  const old = k.localStorages.linkedElem(k.cgroups.get(cg.value).bpfCgrpStorage, smap.id);
  const before = old === null ? undefined : k.memory.objects.get(old)?.data;
  seen.update = { begin: k.observations.length, old, before: before === undefined ? undefined : [...before] };
  if (hasBusyCounter(k.era)) yield* busyLock(k, actor);
  const r = yield* bpfLocalStorageUpdate(k, actor, smap, cg.value, value, flags);
  if (r.ok) seen.update.elem = r.value;
  if (hasBusyCounter(k.era)) yield* busyUnlock(k, actor);
  yield* percpuRefPut(k, actor, cg.value, 'cgroup_put; rcu_read_unlock', [rmw(k.rcuCloseObj)]);
  k.rcu.readUnlock(actor.id);
  return r.ok ? OK0 : r;
}

/** Models BPF_MAP_DELETE_ELEM: fd errors, -ENOENT, 0, and in E3 the unlink's lock errors. */
export function* cgrpStorageDeleteElem(k: Kernel, actor: Actor, map: MapId, fd: Fd): Op<Result<0>> {
  const seen: Seen = { cg: null, existedBefore: false };
  const r = yield* bpfMapDeleteElem(k, actor, smapOf(k, map), fd, seen);
  observeSyscall(k, actor, 'BPF_MAP_DELETE_ELEM', map, 0, seen, r);
  return r;
}

function* bpfMapDeleteElem(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  fd: Fd,
  seen: Seen,
): Op<Result<0>> {
  const cg = yield* resolveFd(k, actor, smap.id, fd, seen);
  if (!cg.ok) return cg;
  if (hasBusyCounter(k.era)) yield* busyLock(k, actor);
  const ret = yield* cgroupStorageDelete(k, actor, smap, cg.value);
  if (hasBusyCounter(k.era)) yield* busyUnlock(k, actor);
  yield* percpuRefPut(k, actor, cg.value, 'cgroup_put; rcu_read_unlock', [rmw(k.rcuCloseObj)]);
  k.rcu.readUnlock(actor.id);
  return ret === 0 ? OK0 : err(-ret as Errno);
}

/** Models BPF_MAP_GET_NEXT_KEY (notsupp_get_next_key): always -ENOTSUPP; touches nothing shared. */
export function cgrpStorageGetNextKey(k: Kernel, actor: Actor, map: MapId): Result<0> {
  const r = err<0>(ENOTSUPP);
  observeSyscall(k, actor, 'BPF_MAP_GET_NEXT_KEY', map, 0, { cg: null, existedBefore: false }, r);
  return r;
}
