import { describe, expect, it } from 'vitest';
import { cgrpStorageUpdateElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import type { Actor } from '../../model/kernel/kernel.js';
import { BPF_ANY } from '../../model/localStorage/localStorage.js';
import { runProg } from '../../model/programs/interpreter.js';
import { createAtomicAdd } from '../../properties/atomicAdd.js';
import { ATOMIC_COUNT, RACY_COUNT } from '../../scenarios/catalogue/programs.js';
import { start } from '../model/driver.js';
import { elemOf } from '../model/world.js';
import { Checker, counterProg, create, makeWorld } from './fixture.js';

const ATOMIC = ATOMIC_COUNT;
const RACY = RACY_COUNT;

/** Two runs of `insns` on A (cpu0) and B (cpu1): each stops before its store, then both finish, A first. */
function raceStores(insns: readonly string[]) {
  const w = makeWorld();
  const elem = create(w, w.a)!;
  const prog = counterProg(w, 'count', insns);
  const check = new Checker(w.k, [createAtomicAdd()]);
  const run = (actor: Actor) => start(w.k, actor, runProg(w.k, actor, prog, { currentCgroup: w.cg }));
  const a = run(w.a);
  const b = run(w.b);
  const stepTo = (r: typeof a, label: string) => {
    while (!r.next?.label.includes(label)) {
      r.step();
      check.afterStep();
    }
  };
  const finish = (r: typeof a) => {
    while (!r.isDone) {
      r.step();
      check.afterStep();
    }
  };
  const store = insns === RACY ? ': st [' : ': atomic_add [';
  stepTo(a, store);
  stepTo(b, store);
  finish(a);
  finish(b);
  return { w, elem, violation: check.end() };
}

describe('atomic-add', () => {
  it('holds for __sync_fetch_and_add: two runs racing to the add both count', () => {
    const { w, elem, violation } = raceStores(ATOMIC);
    expect(w.k.memory.get(elem).data).toEqual([2, 0]);
    expect(violation).toBeUndefined();
  });

  it('is violated by `*ptr += 1` when both runs load 0 before either stores: one increment is lost', () => {
    const { w, elem, violation } = raceStores(RACY);
    expect(elem).toBe(1000001);
    expect(w.k.memory.get(elem).data).toEqual([1, 0]);
    expect(violation).toEqual({
      invariant: 'atomic-add',
      message:
        'element 1000001 of map m1 for cgroup cg ends at 1 but 2 increments ran on it (1 lost: A and B both loaded 0)',
    });
  });

  it('needs no hand-marking: the interpreter records the increment `ld; add; st` meant', () => {
    const { violation } = raceStores(RACY);
    expect(violation).toEqual({
      invariant: 'atomic-add',
      message:
        'element 1000001 of map m1 for cgroup cg ends at 1 but 2 increments ran on it (1 lost: A and B both loaded 0)',
    });
  });

  it('counts from the value a userspace update created the element with; a replacing update starts a new count', () => {
    const w = makeWorld();
    const check = new Checker(w.k, [createAtomicAdd()]);
    const prog = counterProg(w, 'count', ATOMIC);
    const update = (v: number) =>
      check.run(start(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [v, 0], BPF_ANY)));
    const count = (actor: Actor) =>
      check.run(start(w.k, actor, runProg(w.k, actor, prog, { currentCgroup: w.cg })));
    update(40);
    const first = elemOf(w, w.map, w.cg)!;
    count(w.a);
    update(7);
    const second = elemOf(w, w.map, w.cg)!;
    count(w.b);
    expect([first, w.k.memory.get(first).data, second, w.k.memory.get(second).data]).toEqual([
      3000001,
      [41, 0],
      3000004,
      [8, 0],
    ]);
    expect(check.end()).toBeUndefined();
  });

  it('reports an element that ends above its increments, with its start', () => {
    const w = makeWorld();
    const check = new Checker(w.k, [createAtomicAdd()]);
    const elem = create(w, w.a)!;
    check.afterStep();
    const prog = counterProg(w, 'count', ATOMIC);
    check.run(start(w.k, w.b, runProg(w.k, w.b, prog, { currentCgroup: w.cg })));
    w.k.memory.get(elem).data![0] = 5; // a write nobody observed
    expect(check.end()?.message).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 5 but 1 increment ran on it (4 more than added)',
    );
  });
});
