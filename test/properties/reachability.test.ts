import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../model/cgroup/cgroup.js';
import {
  BPF_LOCAL_STORAGE_GET_F_CREATE,
  cgrpStorageDelete,
  cgrpStorageGet,
} from '../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageUpdateElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { EDEADLK } from '../../model/core/errno.js';
import { asObjId } from '../../model/core/ids.js';
import { BPF_ANY } from '../../model/localStorage/localStorage.js';
import { runProg } from '../../model/programs/interpreter.js';
import { createAtomicAdd } from '../../properties/atomicAdd.js';
import type { Reachability } from '../../properties/property.js';
import { createReachabilityGoal } from '../../properties/reachability.js';
import { RACY_COUNT } from '../../scenarios/catalogue/programs.js';
import { inRcu, runOp, start } from '../model/driver.js';
import { Checker, counterProg, create, makeWorld, type World } from './fixture.js';

const goal = (id: string): Reachability => createReachabilityGoal(id)!;
const getCreate = (w: World) =>
  inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE));
/** Runs an op on A, letting `g` observe every step. */
function observed<T>(
  w: World,
  g: Reachability,
  op: Generator<import('../../model/core/step.js').Step, T, void>,
): T {
  const r = start(w.k, w.a, op);
  while (!r.isDone) {
    r.step();
    g.observeStep?.(w.k);
  }
  return r.result;
}

describe('reachability goals', () => {
  it('get-returned-null: a get(0) on absent storage reaches it; a create does not', () => {
    const w = makeWorld();
    create(w, w.a);
    expect(goal('get-returned-null').isReached(w.k)).toBe(false);
    runOp(w.k, w.b, inRcu(w.k, w.b, cgrpStorageGet(w.k, w.b, w.map, w.cg2, undefined, 0)));
    expect(goal('get-returned-null').isReached(w.k)).toBe(true);
  });

  it('create-refused-dying: get(F_CREATE) after rmdir returns NULL', () => {
    const w = makeWorld();
    const g = goal('create-refused-dying');
    expect(observed(w, g, getCreate(w))).toBe(1000001);
    runOp(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, w.map, w.cg)));
    expect(g.isReached(w.k)).toBe(false);
    runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg));
    expect(observed(w, g, getCreate(w))).toBeNull();
    expect(g.isReached(w.k)).toBe(true);
  });

  it('nested-helper-failed: E1 get on a CPU whose busy counter is held fails; an E3 -EDEADLK counts too', () => {
    const w = makeWorld();
    const g = goal('nested-helper-failed');
    observed(w, g, getCreate(w));
    expect(g.isReached(w.k)).toBe(false);
    w.k.cpus[0]!.busy = 1; // a syscall on cpu0 holds bpf_cgrp_storage_busy
    expect(observed(w, g, getCreate(w))).toBeNull();
    expect(g.isReached(w.k)).toBe(true);
    const w3 = makeWorld({ era: 'E3' });
    w3.k.observe({ kind: 'lock-fail', actor: w3.a.id, lock: asObjId(5), errno: EDEADLK });
    expect(goal('nested-helper-failed').isReached(w3.k)).toBe(true);
  });

  it('lost-update: a `ld; add; st` race that loses an increment reaches it', () => {
    const w = makeWorld();
    create(w, w.a);
    const check = new Checker(w.k, [createAtomicAdd()]);
    const prog = counterProg(w, 'count', RACY_COUNT);
    const runs = [w.a, w.b].map((x) => start(w.k, x, runProg(w.k, x, prog, { currentCgroup: w.cg })));
    for (const r of runs)
      while (!r.next?.label.includes(': st [')) {
        r.step();
        check.afterStep();
      }
    expect(goal('lost-update').isReached(w.k)).toBe(false);
    for (const r of runs)
      while (!r.isDone) {
        r.step();
        check.afterStep();
      }
    expect(goal('lost-update').isReached(w.k)).toBe(true);
  });

  it('element-replaced-while-held: a program writes through a pointer to an element an update replaced', () => {
    const w = makeWorld();
    create(w, w.a);
    const prog = counterProg(w, 'count', [
      'call get map=counters cg=current flags=F_CREATE',
      'jnull r0 out',
      'atomic_add [r0+0] 1',
      'out:',
      'exit 0',
    ]);
    const run = start(w.k, w.b, runProg(w.k, w.b, prog, { currentCgroup: w.cg }));
    run.stepUntil(': atomic_add [');
    expect(goal('element-replaced-while-held').isReached(w.k)).toBe(false);
    runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [9, 0], BPF_ANY));
    run.run();
    expect(goal('element-replaced-while-held').isReached(w.k)).toBe(true);
  });

  it('racing-deletes: a delete that returned 0 though the other delete unlinked the element', () => {
    const w = makeWorld();
    create(w, w.a);
    const del = (x: typeof w.a) => start(w.k, x, inRcu(w.k, x, cgrpStorageDelete(w.k, x, w.map, w.cg)));
    const [a, b] = [del(w.a), del(w.b)];
    a.stepUntil('selem_linked_to_map_lockless');
    b.stepUntil('selem_linked_to_map_lockless');
    a.run();
    expect(b.run()).toBe(0);
    expect(goal('racing-deletes').isReached(w.k)).toBe(true);
    const w2 = makeWorld();
    create(w2, w2.a);
    for (const x of [w2.a, w2.b]) runOp(w2.k, x, inRcu(w2.k, x, cgrpStorageDelete(w2.k, x, w2.map, w2.cg)));
    expect(goal('racing-deletes').isReached(w2.k)).toBe(false);
  });

  it('cgroup-freed-while-running: a program wrote to the cgroup element after the cgroup-free', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    const g = goal('cgroup-freed-while-running');
    w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg });
    expect(g.isReached(w.k)).toBe(false);
    w.k.observe({ kind: 'value-update', actor: w.b.id, obj: elem, slot: 0, atomic: true, delta: 1 });
    expect(g.isReached(w.k)).toBe(true);
  });
});
