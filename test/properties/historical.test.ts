/**
 * The properties of historical bugs 4, 5 and 7 on hand-driven kernels: a busy
 * counter held by another context on the CPU (bugs 4 and 5, per era), the
 * excuses a NULL create has, and creation on a dying cgroup (bug 7) as the
 * 'selem-create' observation records it.
 */
import { describe, expect, it } from 'vitest';
import {
  cgrpStorageGet,
  BPF_LOCAL_STORAGE_GET_F_CREATE as F_CREATE,
} from '../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageUpdateElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import type { ObjId } from '../../model/core/ids.js';
import { runToCompletion } from '../../model/core/step.js';
import { fireHook } from '../../model/kernel/kernel.js';
import { BPF_ANY } from '../../model/localStorage/localStorage.js';
import { busyLock } from '../../model/localStorage/localStorageLock.js';
import { createNoCreateOnDying } from '../../properties/noCreateOnDying.js';
import { createNoSpuriousCreateFailure } from '../../properties/noSpuriousCreateFailure.js';
import { createNoSpuriousNull } from '../../properties/noSpuriousNull.js';
import { inRcu, runOp } from '../model/driver.js';
import { create, endOf, era, makeWorld, type World } from './fixture.js';

const get = (w: World, map: World['map'], flags: number): ObjId | null =>
  runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, map, w.cg, undefined, flags)));

/** A syscall on CPU 0 preempted while it holds bpf_cgrp_storage_busy (E1/E2). */
const holdBusy = (w: World): void => runToCompletion(busyLock(w.k, w.user));

describe('no-spurious-null (bug 4, f4edc66e48a6)', () => {
  it.each([
    ['E1', 'no-spurious-null'],
    ['E2', undefined],
  ] as const)('%s: a busy CPU makes a lookup of a linked element NULL: %s', (e, verdict) => {
    const w = makeWorld(era(e));
    const p = create(w, w.b);
    holdBusy(w);
    expect(get(w, w.map, 0)).toBe(e === 'E1' ? null : p);
    expect(endOf(w.k, createNoSpuriousNull())?.invariant).toBe(verdict);
  });
});

describe('no-spurious-create-failure (bug 5, the 7.0 series)', () => {
  it.each(['E1', 'E2'] as const)('%s: another task holding the counter makes a create NULL', (e) => {
    const w = makeWorld(era(e));
    holdBusy(w);
    expect(get(w, w.map, F_CREATE)).toBeNull();
    expect(endOf(w.k, createNoSpuriousCreateFailure())?.invariant).toBe('no-spurious-create-failure');
  });

  it('E3: no counter, the create succeeds', () => {
    const w = makeWorld(era('E3'));
    expect(get(w, w.map, F_CREATE)).not.toBeNull();
    expect(endOf(w.k, createNoSpuriousCreateFailure())).toBeUndefined();
  });

  it('excuses a create nested in a storage operation (recursion) and one on a dying cgroup', () => {
    const w = makeWorld(era('E2'));
    holdBusy(w);
    w.k.attachHook('fentry/test', function* (actor) {
      yield* cgrpStorageGet(w.k, actor, w.map, w.cg, undefined, F_CREATE);
    });
    runOp(w.k, w.a, inRcu(w.k, w.a, fireHook(w.k, 'fentry/test', w.a)));
    expect(w.k.observations.at(-1)).toMatchObject({ kind: 'helper', ret: null, isNested: true });
    w.k.cgroups.get(w.cg).isDying = true;
    expect(get(w, w.map, F_CREATE)).toBeNull();
    expect(endOf(w.k, createNoSpuriousCreateFailure())).toBeUndefined();
  });
});

describe('no-create-on-dying (bug 7) and the selem-create observation', () => {
  it.each([
    [false, null, undefined],
    [true, 'elem', 'no-create-on-dying'],
  ] as const)('hasCreateOnDyingBug %s: a create on a dying cgroup gives %s, %s', (bug, ret, verdict) => {
    const w = makeWorld({ hasCreateOnDyingBug: bug });
    w.k.cgroups.get(w.cg).isDying = true;
    const p = get(w, w.map, F_CREATE);
    expect(p === null ? null : 'elem').toBe(ret);
    expect(endOf(w.k, createNoCreateOnDying())?.invariant).toBe(verdict);
  });

  it('records what was created, by which path, replacing what, and what the dying check saw', () => {
    const w = makeWorld();
    const p = get(w, w.map, F_CREATE)!;
    runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [5, 6], BPF_ANY));
    const created = w.k.observations.filter((o) => o.kind === 'selem-create');
    expect(
      created.map((o) => o.kind === 'selem-create' && [o.path, o.sawDying, o.value, o.replaces]),
    ).toEqual([
      ['helper', false, [0, 0], null],
      ['syscall', null, [5, 6], p],
    ]);
    w.k.cgroups.get(w.cg).isDying = true; // userspace creates hold their own reference: no claim
    runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [7, 8], BPF_ANY));
    expect(endOf(w.k, createNoCreateOnDying())).toBeUndefined();
  });
});
