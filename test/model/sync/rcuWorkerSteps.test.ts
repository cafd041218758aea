import { describe, expect, it } from 'vitest';
import type { CpuNo } from '../../../model/core/ids.js';
import { step } from '../../../model/core/step.js';
import { Kernel } from '../../../model/kernel/kernel.js';
import {
  callRcu,
  isDeferredIdle,
  kworker,
  queueRcuWork,
  rcuBarrier,
  rcuReadLock,
  rcuReadUnlock,
  rcuWorker,
  synchronizeRcu,
} from '../../../model/sync/rcuWorker.js';
import { runAll, runOp, start } from '../driver.js';

function world() {
  const k = new Kernel();
  return {
    k,
    a: k.addActor('A', 'cpu', 0 as CpuNo),
    b: k.addActor('B', 'cpu', 1 as CpuNo),
    rcu: k.addActor('rcu', 'rcu', 1 as CpuNo),
    rcu2: k.addActor('rcu2', 'rcu', 0 as CpuNo),
    kw: k.addActor('kw', 'kworker', 0 as CpuNo),
  };
}

describe('footprints of the deferred-work steps (what DPOR sees)', () => {
  it('rcu_read_lock / rcu_read_unlock: atomics of the open and close objects; the trace flavour has its own label', () => {
    const { k, a } = world();
    const steps = [
      start(k, a, rcuReadLock(k, a)).next,
      start(k, a, rcuReadLock(k, a, true)).next,
      start(k, a, rcuReadUnlock(k, a)).next,
      start(k, a, rcuReadUnlock(k, a, true)).next,
    ];
    expect(steps).toStrictEqual([
      { label: 'rcu_read_lock', accesses: [{ kind: 'atomic', obj: k.rcuOpenObj }] },
      { label: 'rcu_read_lock_trace', accesses: [{ kind: 'atomic', obj: k.rcuOpenObj }] },
      { label: 'rcu_read_unlock', accesses: [{ kind: 'atomic', obj: k.rcuCloseObj }] },
      { label: 'rcu_read_unlock_trace', accesses: [{ kind: 'atomic', obj: k.rcuCloseObj }] },
    ]);
    expect(callRcu(k)).toStrictEqual([
      { kind: 'release', obj: k.rcuObj },
      { kind: 'read', obj: k.rcuOpenObj },
      { kind: 'read', obj: k.rcuCloseObj },
    ]);
  });

  it("the rcu worker's wait writes the callback queue and reads the closes; invoking writes what the callback declared (a release of the workqueue for queue_rcu_work)", () => {
    const { k, rcu } = world();
    k.rcu.call('free x', 'rcu', () => {}, [7 as never]);
    queueRcuWork(k, 'release work', function* () {});
    // queue_rcu_work() waits for a normal grace period: an rcu_barrier(rcu) waits for it.
    expect(k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([
      ['free x', 'rcu'],
      ['release work', 'rcu'],
    ]);
    const w = start(k, rcu, rcuWorker(k, rcu));
    expect(w.next).toMatchObject({
      label: 'rcu: wait for a grace period',
      accesses: [
        { kind: 'write', obj: k.rcuObj },
        { kind: 'read', obj: k.rcuCloseObj },
      ],
      blocker: { kind: 'until', what: 'an rcu callback whose grace period ended', isIdle: true },
    });
    w.step();
    expect(w.next).toStrictEqual({
      label: 'rcu callback free x',
      accesses: [
        { kind: 'release', obj: k.rcuObj },
        { kind: 'write', obj: 7 },
      ],
    });
    w.step(2);
    expect(w.next).toStrictEqual({
      label: 'rcu callback release work',
      accesses: [
        { kind: 'release', obj: k.rcuObj },
        { kind: 'release', obj: k.work.obj },
      ],
    });
    w.step();
    expect(k.work.items.map((i) => i.label)).toEqual(['release work']);
  });

  it("a kworker's wait takes (acquires) the workqueue", () => {
    const { k, kw } = world();
    expect(start(k, kw, kworker(k, kw)).next).toMatchObject({
      label: 'kw: wait for work',
      accesses: [{ kind: 'acquire', obj: k.work.obj }],
      blocker: { kind: 'until', what: 'queued work', isIdle: true },
    });
  });

  it('synchronize_rcu: a step reading both reader objects, then a grace-period wait reading the closes', () => {
    const { k, a, b } = world();
    runOp(k, a, rcuReadLock(k, a));
    const s = start(k, b, synchronizeRcu(k, b));
    expect(s.next).toStrictEqual({
      label: 'B: synchronize_rcu(rcu) starts a grace period',
      accesses: [
        { kind: 'read', obj: k.rcuOpenObj },
        { kind: 'read', obj: k.rcuCloseObj },
      ],
    });
    s.step();
    expect(s.next).toStrictEqual({
      label: 'B: synchronize_rcu(rcu) waits',
      accesses: [{ kind: 'read', obj: k.rcuCloseObj }],
      blocker: { kind: 'gp', readers: [[a.id, 1]] },
    });
    const t = start(k, b, synchronizeRcu(k, b, 'tasks_trace'));
    expect(t.next?.label).toBe('B: synchronize_rcu(tasks_trace) starts a grace period');
  });

  it('rcu_barrier: reads the queue, then waits writing it', () => {
    const { k, b } = world();
    const s = start(k, b, rcuBarrier(k, b, 'rcu'));
    expect(s.next).toStrictEqual({
      label: 'B: rcu_barrier(rcu) notes the queued callbacks',
      accesses: [{ kind: 'read', obj: k.rcuObj }],
    });
    s.step();
    expect(s.next).toMatchObject({
      label: 'B: rcu_barrier(rcu) waits',
      accesses: [{ kind: 'write', obj: k.rcuObj }],
      blocker: { kind: 'until', what: 'queued rcu callbacks ran' },
    });
    expect(s.isReady()).toBe(true);
  });
});

describe('deferred work', () => {
  it('rcu_barrier(rcu) waits only for rcu callbacks queued before it, not for a tasks_trace one or a later one', () => {
    const { k, a, b, rcu } = world();
    runOp(k, a, rcuReadLock(k, a, true));
    k.rcu.call('trace cb', 'tasks_trace', () => {});
    k.rcu.call('rcu cb', 'rcu', () => {});
    const barrier = start(k, b, rcuBarrier(k, b, 'rcu'));
    barrier.step();
    expect(barrier.isReady()).toBe(false);
    runOp(k, a, rcuReadLock(k, a));
    k.rcu.call('later rcu cb', 'rcu', () => {});
    const worker = start(k, rcu, rcuWorker(k, rcu));
    worker.step(2);
    expect(k.rcu.queue.map((c) => c.label)).toEqual(['trace cb', 'later rcu cb']);
    expect(barrier.isReady()).toBe(true);
    expect(barrier.run()).toBeUndefined();
  });

  it('two rcu workers racing for one callback: it runs once, the loser skips it', () => {
    const { k, rcu, rcu2 } = world();
    let runs = 0;
    k.rcu.call('cb', 'rcu', () => runs++);
    k.rcu.call('blocked', 'rcu', () => runs++);
    const w1 = start(k, rcu, rcuWorker(k, rcu));
    const w2 = start(k, rcu2, rcuWorker(k, rcu2));
    w1.step();
    w2.step();
    expect(w1.next?.label).toBe('rcu callback cb');
    expect(w2.next?.label).toBe('rcu callback cb');
    w1.step();
    expect(runs).toBe(1);
    w2.step();
    expect(runs).toBe(1);
    expect(k.rcu.queue.map((c) => c.label)).toEqual(['blocked']);
    expect(k.rcu.completed).toBe(1);
  });

  it('isDeferredIdle: no RCU callback and no work queued', () => {
    const { k, rcu, kw } = world();
    expect(isDeferredIdle(k)).toBe(true);
    k.rcu.call('cb', 'rcu', () => {});
    expect(isDeferredIdle(k)).toBe(false);
    runAll([start(k, rcu, rcuWorker(k, rcu))]);
    expect(isDeferredIdle(k)).toBe(true);
    k.work.queue('w', function* () {
      yield step('w');
    });
    expect(isDeferredIdle(k)).toBe(false);
    runAll([start(k, kw, kworker(k, kw))]);
    expect(isDeferredIdle(k)).toBe(true);
  });
});
