/**
 * The BPF_MAP_TYPE_CGRP_STORAGE helpers and the cgroup free path
 * (kernel/bpf/bpf_cgrp_storage.c). E1 guards every helper with the per-CPU busy
 * counter; E2 lets a busy get() still look up (f4edc66e48a6); E3 has no counter
 * and relies on rqspinlock errors (db975debcb8c).
 */
import { hasBusyCounter } from '../core/era.js';
import { EBUSY, EINVAL, ENOENT } from '../core/errno.js';
import type { CgroupId, MapId, ObjId } from '../core/ids.js';
import { type Op, rd, rmw, step } from '../core/step.js';
import { type Actor, fireHook, type Kernel } from '../kernel/kernel.js';
import {
  BPF_NOEXIST,
  bpfSelemUnlinkE3,
  bpfSelemUnlinkE12,
  cgroupStorageLookup,
  smapOf,
} from '../localStorage/localStorage.js';
import {
  busyLock,
  busyTrylock,
  busyTrylockEffect,
  busyTrylockStep,
  busyUnlock,
  busyUnlockEffect,
  busyUnlockStep,
} from '../localStorage/localStorageLock.js';
import type { LocalStorageMap } from '../localStorage/localStorageState.js';
import { bpfLocalStorageDestroy } from '../localStorage/localStorageTeardown.js';
import { bpfLocalStorageUpdate } from '../localStorage/localStorageUpdate.js';

/** BPF_LOCAL_STORAGE_GET_F_CREATE (include/uapi/linux/bpf.h). */
export const BPF_LOCAL_STORAGE_GET_F_CREATE = 1;

/** True when an element of `map` is on the cgroup's owner list (bookkeeping, not a kernel access). */
export function isElemLinked(k: Kernel, map: MapId, cg: CgroupId): boolean {
  return k.localStorages.linkedElem(k.cgroups.get(cg).bpfCgrpStorage, map) !== null;
}

/**
 * Runs `op`, calling `atStart` just before its first step runs (or at once if it
 * has none): observations record the state an operation began from.
 */
export function* afterFirstStep<T>(op: Op<T>, atStart: () => void): Op<T> {
  const r = op.next();
  if (r.done) {
    atStart();
    return r.value;
  }
  yield r.value;
  atStart();
  // The rest by delegation: one generator resume per step fewer than a loop here.
  return yield* op;
}

/**
 * Models bpf_cgrp_storage_get(map, cgroup, value, flags): the element's id or null,
 * never an errno. Bad flags or a NULL cgroup → null; E1: busy counter held → null;
 * else lookup (cache, list), and on a miss with F_CREATE on a live cgroup,
 * bpf_local_storage_update(BPF_NOEXIST); any error → null. E2: a busy lookup
 * neither fills the cache nor creates. hasCreateOnDyingBug skips the dying
 * check. Records a 'helper' observation.
 */
export function* cgrpStorageGet(
  k: Kernel,
  actor: Actor,
  map: MapId,
  cg: CgroupId | null,
  value: readonly number[] | undefined,
  flags: number,
): Op<ObjId | null> {
  const isNested = actor.hookDepth > 0;
  const smap = smapOf(k, map);
  // The observation records the state as the helper's first step runs. In
  // E1/E2 that step is the trylock, yielded here, so the hot path needs no
  // afterFirstStep wrapper for every step to pass through.
  let existedBefore = false;
  let begin = 0;
  let ret: ObjId | null = null;
  if ((flags & ~BPF_LOCAL_STORAGE_GET_F_CREATE) !== 0 || cg === null) {
    // No step: NULL at once.
    existedBefore = cg !== null && isElemLinked(k, map, cg);
    begin = k.observations.length;
  } else if (!hasBusyCounter(k.era)) {
    // E3: the first step is the lookup's.
    ret = yield* afterFirstStep(lookupOrCreate(k, actor, smap, cg, value, flags, true), () => {
      existedBefore = isElemLinked(k, map, cg);
      begin = k.observations.length;
    });
  } else {
    // E1/E2: bpf_cgrp_storage_trylock first; busyTrylock and busyUnlock as step and effect.
    yield busyTrylockStep(k, actor);
    existedBefore = isElemLinked(k, map, cg);
    begin = k.observations.length;
    const isNotBusy = busyTrylockEffect(k, actor);
    if (isNotBusy || k.era !== 'E1') {
      const frames = helperFramesOf(actor);
      frames.push(isNotBusy ? GET_HOLDING_BUSY : GET_NOT_HOLDING_BUSY);
      try {
        ret = yield* lookupOrCreate(k, actor, smap, cg, value, flags, isNotBusy);
      } finally {
        frames.pop();
      }
      if (isNotBusy) {
        yield busyUnlockStep(k, actor);
        busyUnlockEffect(k, actor);
      }
    }
  }
  k.observe({
    kind: 'helper',
    actor: actor.id,
    helper: 'bpf_cgrp_storage_get',
    map,
    cgroup: cg,
    flags,
    ret,
    existedBefore,
    begin,
    isNested,
  });
  return ret;
}

/** A helper call's frame on its actor (E1/E2), for 'helper-lock' observations; frames never change, so they are shared. */
interface HelperFrame {
  readonly helper: string;
  readonly holdsBusy: boolean;
}
const GET_HOLDING_BUSY: HelperFrame = { helper: 'bpf_cgrp_storage_get', holdsBusy: true };
const GET_NOT_HOLDING_BUSY: HelperFrame = { helper: 'bpf_cgrp_storage_get', holdsBusy: false };
const DELETE_HOLDING_BUSY: HelperFrame = { helper: 'bpf_cgrp_storage_delete', holdsBusy: true };

/**
 * The helper calls running on `actor`, innermost last. A helper pushes its frame
 * around its body (inline, not as a wrapping generator every step would pass
 * through) and pops it in a `finally`.
 */
function helperFramesOf(actor: Actor): HelperFrame[] {
  if (actor.helperFrames === undefined) actor.helperFrames = [];
  return actor.helperFrames;
}

function* lookupOrCreate(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  cg: CgroupId,
  value: readonly number[] | undefined,
  flags: number,
  isNotBusy: boolean,
): Op<ObjId | null> {
  const found = yield* cgroupStorageLookup(k, actor, smap, cg, isNotBusy);
  if (found !== null || (flags & BPF_LOCAL_STORAGE_GET_F_CREATE) === 0 || !isNotBusy) return found;
  const c = k.cgroups.get(cg);
  const isGuarded = !k.options.hasCreateOnDyingBug;
  yield step(isGuarded ? `percpu_ref_is_dying(&${c.name}->self.refcnt)` : 'create (no dying check)', [
    rd(c.dyingObj),
  ]);
  const sawDying = c.isDying;
  if (sawDying && isGuarded) return null; // only allocate new storage when the cgroup is refcounted
  const origin = { path: 'helper', sawDying } as const;
  const r = yield* bpfLocalStorageUpdate(k, actor, smap, cg, value, BPF_NOEXIST, origin);
  return r.ok ? r.value : null;
}

/**
 * Models bpf_cgrp_storage_delete(map, cgroup): NULL cgroup → -EINVAL; E1/E2 busy →
 * -EBUSY; no element → -ENOENT; else bpf_selem_unlink → 0 (also when a racing
 * delete unlinked it first), or in E3 its lock error. Records a 'helper' observation.
 */
export function* cgrpStorageDelete(k: Kernel, actor: Actor, map: MapId, cg: CgroupId | null): Op<number> {
  let existedBefore = false;
  const ret = yield* afterFirstStep(bpfCgrpStorageDelete(k, actor, smapOf(k, map), cg), () => {
    existedBefore = cg !== null && isElemLinked(k, map, cg);
  });
  k.observe({
    kind: 'helper',
    actor: actor.id,
    helper: 'bpf_cgrp_storage_delete',
    map,
    cgroup: cg,
    flags: 0,
    ret,
    existedBefore,
  });
  return ret;
}

function* bpfCgrpStorageDelete(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  cg: CgroupId | null,
): Op<number> {
  if (cg === null) return -EINVAL;
  if (!hasBusyCounter(k.era)) return yield* cgroupStorageDelete(k, actor, smap, cg);
  if (!(yield* busyTrylock(k, actor))) return -EBUSY;
  const frames = helperFramesOf(actor);
  frames.push(DELETE_HOLDING_BUSY);
  let ret: number;
  try {
    ret = yield* cgroupStorageDelete(k, actor, smap, cg);
  } finally {
    frames.pop();
  }
  yield* busyUnlock(k, actor);
  return ret;
}

/**
 * cgroup_storage_delete(): lockless lookup, then bpf_selem_unlink(selem,
 * reuse_now=false): 0 or -ENOENT; in E3 also the unlink's lock error.
 */
export function* cgroupStorageDelete(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  cg: CgroupId,
): Op<number> {
  const found = yield* cgroupStorageLookup(k, actor, smap, cg, false);
  if (found === null) return -ENOENT;
  const sel = k.localStorages.selem(found);
  if (k.era !== 'E3') {
    yield* bpfSelemUnlinkE12(k, actor, sel, false);
    return 0;
  }
  const r = yield* bpfSelemUnlinkE3(k, actor, sel);
  return r.ok ? 0 : -r.errno;
}

/**
 * Models bpf_cgrp_storage_free(cgroup), called from css_free_rwork_fn: under
 * rcu_read_lock, destroy the cgroup's owner storage if it has one (E1/E2 holding
 * this CPU's busy counter), then fexit programs run with the cgroup as argument.
 * Registered in k.cgroups.onFree by the first map create.
 */
export function* bpfCgrpStorageFree(k: Kernel, actor: Actor, cg: CgroupId): Op<void> {
  const c = k.cgroups.get(cg);
  yield step(`rcu_read_lock; rcu_dereference(${c.name}->bpf_cgrp_storage)`, [rd(c.obj), rmw(k.rcuOpenObj)]);
  k.rcu.readLock(actor.id);
  k.memory.use(c.obj, `${actor.name} bpf_cgrp_storage_free`);
  const sid = c.bpfCgrpStorage;
  if (sid !== null) {
    if (hasBusyCounter(k.era)) yield* busyLock(k, actor);
    yield* bpfLocalStorageDestroy(k, actor, k.localStorages.storage(sid));
    if (hasBusyCounter(k.era)) yield* busyUnlock(k, actor);
  }
  yield step('rcu_read_unlock', [rmw(k.rcuCloseObj)]);
  k.rcu.readUnlock(actor.id);
  // fexit programs see the cgroup it was called for (historical bug 7 needs this).
  yield* fireHook(k, 'fexit/bpf_cgrp_storage_free', actor, { cgroup: cg });
}
