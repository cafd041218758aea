import { describe, expect, it } from 'vitest';
import type { CpuNo } from '../../../model/core/ids.js';
import { step } from '../../../model/core/step.js';
import { Kernel } from '../../../model/kernel/kernel.js';
import {
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
    kw: k.addActor('kw', 'kworker', 0 as CpuNo),
  };
}

describe('deferred work', () => {
  it('synchronize_rcu waits for a reader that started before it', () => {
    const { k, a, b } = world();
    runOp(k, a, rcuReadLock(k, a));
    const sync = start(k, b, synchronizeRcu(k, b));
    // First step: the grace period starts and takes the open read sections; then it waits.
    expect(sync.isReady()).toBe(true);
    sync.step();
    expect(sync.isReady()).toBe(false);
    runOp(k, a, rcuReadUnlock(k, a));
    expect(sync.run()).toBeUndefined();
  });

  it('the rcu worker runs callbacks in order once their grace periods end; queue_rcu_work hands work to a kworker', () => {
    const { k, a, rcu, kw } = world();
    const log: string[] = [];
    runOp(k, a, rcuReadLock(k, a));
    k.rcu.call('first', 'rcu', () => log.push('first'));
    queueRcuWork(k, 'work', function* (actor) {
      yield step('work body');
      log.push(`work on ${actor.name}`);
    });
    const workers = [start(k, rcu, rcuWorker(k, rcu)), start(k, kw, kworker(k, kw))];
    expect(runAll(workers)).toBe(true); // both wait idle: A's read section holds both callbacks
    expect(log).toEqual([]);
    runOp(k, a, rcuReadUnlock(k, a));
    expect(runAll(workers)).toBe(true);
    expect(log).toEqual(['first', 'work on kw']);
    expect(k.rcu.completed).toBe(2);
  });

  it('rcu_barrier waits for callbacks of its flavour queued before it', () => {
    const { k, b, rcu } = world();
    k.rcu.call('trace cb', 'tasks_trace', () => {});
    const barrier = start(k, b, rcuBarrier(k, b, 'tasks_trace'));
    // First step: the barrier notes what is queued; then it waits for those callbacks.
    barrier.step();
    expect(barrier.isReady()).toBe(false);
    const worker = start(k, rcu, rcuWorker(k, rcu));
    expect(runAll([barrier, worker])).toBe(true);
    expect(k.rcu.queue).toEqual([]);
  });
});
