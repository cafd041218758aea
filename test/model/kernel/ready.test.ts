import { describe, expect, it } from 'vitest';
import type { CpuNo, ObjId } from '../../../model/core/ids.js';
import { step } from '../../../model/core/step.js';
import { Kernel } from '../../../model/kernel/kernel.js';
import { isStepReady } from '../../../model/kernel/ready.js';

function world(era: 'E1' | 'E3' = 'E1') {
  const k = new Kernel({ era });
  const a = k.addActor('A', 'cpu', 0 as CpuNo);
  const a2 = k.addActor('A2', 'user', 0 as CpuNo);
  const b = k.addActor('B', 'cpu', 1 as CpuNo);
  const lock = k.allocObjId(k.setupActor);
  k.locks.create(lock, 'owner', 'owner');
  const other = k.allocObjId(k.setupActor);
  k.locks.create(other, 'bucket', 'bucket');
  return { k, a, a2, b, lock, other };
}
const lockStep = (lock: ObjId, extra: { isRqspinlock?: boolean; isTimeoutPossible?: boolean } = {}) =>
  step('lock', [], { kind: 'lock', lock, ...extra });

describe('isStepReady', () => {
  it('a lock step is ready when the lock is free, not while another CPU holds it', () => {
    const { k, a, b, lock } = world();
    expect(isStepReady(k, a, lockStep(lock))).toBe(true);
    k.locks.acquire(lock, b.id, b.cpu);
    expect(isStepReady(k, a, lockStep(lock))).toBe(false);
    expect(isStepReady(k, a, lockStep(lock, { isRqspinlock: true }))).toBe(false);
    expect(isStepReady(k, a, lockStep(lock, { isRqspinlock: true, isTimeoutPossible: true }))).toBe(true);
  });

  it('AA: a raw spinlock held by the actor itself never becomes ready; an rqspinlock is (it fails)', () => {
    const { k, a, lock } = world('E3');
    k.locks.acquire(lock, a.id, a.cpu);
    expect(isStepReady(k, a, lockStep(lock))).toBe(false);
    expect(isStepReady(k, a, lockStep(lock, { isRqspinlock: true }))).toBe(true);
  });

  it('nobody else runs on a CPU where a spinlock is held; a mutex does not pin the CPU', () => {
    const { k, a, a2, b, lock } = world();
    k.locks.acquire(lock, a.id, a.cpu);
    expect(isStepReady(k, a2, step('anything'))).toBe(false);
    expect(isStepReady(k, a, step('anything'))).toBe(true);
    expect(isStepReady(k, b, step('anything'))).toBe(true);
    k.locks.release(lock, a.id);
    k.locks.acquire(k.cgroups.mutex, a.id, a.cpu);
    expect(isStepReady(k, a2, step('anything'))).toBe(true);
  });

  it('a grace period waits for the read sections open when it began; until waits for its condition', () => {
    const { k, a, b } = world();
    k.rcu.readLock(a.id);
    const gp = step('synchronize_rcu', [], { kind: 'gp', readers: k.rcu.snapshot('rcu') });
    expect(isStepReady(k, b, gp)).toBe(false);
    k.rcu.readUnlock(a.id);
    k.rcu.readLock(a.id); // a new section does not hold the old grace period
    expect(isStepReady(k, b, gp)).toBe(true);
    let isSet = false;
    const until = step('wait', [], { kind: 'until', what: 'flag', isReady: () => isSet });
    expect(isStepReady(k, b, until)).toBe(false);
    isSet = true;
    expect(isStepReady(k, b, until)).toBe(true);
  });
});
