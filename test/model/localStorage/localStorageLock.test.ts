import { describe, expect, it } from 'vitest';
import { EDEADLK, ETIMEDOUT, err, OK0 } from '../../../model/core/errno.js';
import { step } from '../../../model/core/step.js';
import {
  busyLock,
  busyTrylock,
  busyUnlock,
  hookPoint,
  isAllocFailing,
  storageLock,
  storageUnlock,
} from '../../../model/localStorage/localStorageLock.js';
import { runOp, start } from '../driver.js';
import { makeWorld } from '../world.js';

const bucketLock = (w: ReturnType<typeof makeWorld>) => [...w.k.locks.locks.keys()][1]!;

describe('owner and bucket locks per era (kernel/bpf/rqspinlock.c)', () => {
  it('E1/E2: raw_spin_lock_irqsave, a blocking lock step', () => {
    const w = makeWorld({ era: 'E2' });
    const lock = bucketLock(w);
    const r = start(w.k, w.a, storageLock(w.k, w.a, lock, [{ kind: 'write', obj: 9 as never }]));
    expect(r.next).toStrictEqual({
      label: 'lock m1 bucket 0',
      accesses: [
        { kind: 'acquire', obj: lock },
        { kind: 'write', obj: 9 },
      ],
      blocker: { kind: 'lock', lock },
    });
    expect(r.run()).toEqual(OK0);
    expect(start(w.k, w.a, storageUnlock(w.k, w.a, lock)).run()).toBeUndefined();
    expect(w.k.locks.isFree(lock)).toBe(true);
  });

  it('E3: an rqspinlock attempt acquires and reads the lock; free, it is taken', () => {
    const w = makeWorld({ era: 'E3' });
    const lock = bucketLock(w);
    const r = start(w.k, w.a, storageLock(w.k, w.a, lock));
    expect(r.next).toStrictEqual({
      label: 'raw_res_spin_lock m1 bucket 0',
      accesses: [
        { kind: 'acquire', obj: lock },
        { kind: 'read', obj: lock },
      ],
      blocker: { kind: 'lock', lock, isRqspinlock: true, isTimeoutPossible: false },
    });
    expect(r.run()).toEqual(OK0);
    expect(w.k.locks.get(lock).holder).toBe(w.a.id);
  });

  it('E3: held on this CPU by an interrupted context (AA) → -EDEADLK at once, observed as a lock-fail', () => {
    const w = makeWorld({ era: 'E3' });
    const lock = bucketLock(w);
    runOp(w.k, w.a, storageLock(w.k, w.a, lock));
    expect(runOp(w.k, w.a, storageLock(w.k, w.a, lock))).toEqual(err(EDEADLK));
    expect(w.k.observations).toEqual([{ kind: 'lock-fail', actor: w.a.id, lock, errno: EDEADLK }]);
  });

  it('E3 with isLockTimeoutPossible: contended from another CPU, the attempt may time out (-ETIMEDOUT)', () => {
    const w = makeWorld({ era: 'E3', isLockTimeoutPossible: true }, () => 1);
    const lock = bucketLock(w);
    runOp(w.k, w.a, storageLock(w.k, w.a, lock));
    const r = start(w.k, w.b, storageLock(w.k, w.b, lock));
    expect(r.next?.blocker).toEqual({ kind: 'lock', lock, isRqspinlock: true, isTimeoutPossible: true });
    expect(r.isReady()).toBe(true);
    expect(r.run()).toEqual(err(ETIMEDOUT));
    expect(w.k.observations).toEqual([{ kind: 'lock-fail', actor: w.b.id, lock, errno: ETIMEDOUT }]);
  });

  it('E3: a contended attempt that does not time out spins on, now without a timeout, until the lock is free', () => {
    const w = makeWorld({ era: 'E3', isLockTimeoutPossible: true }, () => 0);
    const lock = bucketLock(w);
    runOp(w.k, w.a, storageLock(w.k, w.a, lock));
    const r = start(w.k, w.b, storageLock(w.k, w.b, lock));
    r.step();
    expect(r.next?.blocker).toEqual({ kind: 'lock', lock, isRqspinlock: true, isTimeoutPossible: false });
    expect(r.isReady()).toBe(false);
    runOp(w.k, w.a, storageUnlock(w.k, w.a, lock));
    expect(r.run()).toEqual(OK0);
    expect(w.k.observations).toEqual([]);
  });
});

describe('the per-CPU bpf_cgrp_storage_busy counter (E1/E2)', () => {
  it('trylock holds the counter only when it was 0; lock and unlock are unconditional; each writes its CPU counter', () => {
    const w = makeWorld();
    const cpu0 = w.k.cpus[0]!;
    const t = start(w.k, w.a, busyTrylock(w.k, w.a));
    expect(t.next).toStrictEqual({
      label: 'bpf_cgrp_storage_trylock',
      accesses: [{ kind: 'write', obj: cpu0.busyObj }],
    });
    expect(t.run()).toBe(true);
    expect(cpu0.busy).toBe(1);
    expect(runOp(w.k, w.user, busyTrylock(w.k, w.user))).toBe(false);
    expect(cpu0.busy).toBe(1);
    expect(runOp(w.k, w.b, busyTrylock(w.k, w.b))).toBe(true);
    expect(w.k.cpus[1]!.busy).toBe(1);
    const l = start(w.k, w.a, busyLock(w.k, w.a));
    expect(l.next?.label).toBe('bpf_cgrp_storage_lock');
    l.run();
    expect(cpu0.busy).toBe(2);
    const u = start(w.k, w.a, busyUnlock(w.k, w.a));
    expect(u.next).toStrictEqual({
      label: 'bpf_cgrp_storage_unlock',
      accesses: [{ kind: 'write', obj: cpu0.busyObj }],
    });
    u.run();
    expect(cpu0.busy).toBe(1);
  });
});

describe('hook points and allocation failures', () => {
  it('a hook point without programs costs no step; with one, the program runs nested, then a step resumes', () => {
    const w = makeWorld();
    expect([...hookPoint(w.k, w.a, 'fentry/f', [])]).toEqual([]);
    const seen: unknown[] = [];
    w.k.attachHook('fentry/f', function* (actor, args) {
      seen.push([actor.hookDepth, args.cgroup]);
      yield step('prog');
    });
    const steps = [
      ...hookPoint(w.k, w.a, 'fentry/f', [{ kind: 'write', obj: 3 as never }], { cgroup: w.cg }),
    ];
    expect(steps).toStrictEqual([
      { label: 'prog', accesses: [] },
      { label: 'return from fentry/f', accesses: [{ kind: 'write', obj: 3 }] },
    ]);
    expect(seen).toEqual([[1, w.cg]]);
  });

  it('an allocation fails only when failures are possible and the choice (of 2) is 1', () => {
    const asked: number[] = [];
    const w = makeWorld({ isAllocFailurePossible: true }, (n) => {
      asked.push(n);
      return 1;
    });
    expect(isAllocFailing(w.k)).toBe(true);
    expect(asked).toEqual([2]);
    expect(isAllocFailing(makeWorld({ isAllocFailurePossible: true }, () => 0).k)).toBe(false);
    expect(isAllocFailing(makeWorld({}, () => 1).k)).toBe(false);
  });
});
