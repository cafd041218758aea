import { describe, expect, it } from 'vitest';
import { asActorId, asObjId } from '../../../model/core/ids.js';
import { Rcu } from '../../../model/sync/rcu.js';
import { WorkQueue } from '../../../model/sync/workQueue.js';

const A = asActorId(1);
const B = asActorId(2);

describe('RCU state (Documentation/RCU/whatisRCU.rst)', () => {
  it('read sections nest; each outermost section gets the next number of its actor, plain and trace alike', () => {
    const r = new Rcu();
    r.readLock(A);
    r.readLock(A);
    r.readLock(A, true);
    expect(r.snapshot('rcu')).toEqual([[1, 1]]);
    r.readUnlock(A, true);
    r.readUnlock(A);
    expect(r.isReading(A)).toBe(true);
    r.readUnlock(A);
    expect(r.isReading(A)).toBe(false);
    r.readLock(A, true);
    expect(r.snapshot('tasks_trace')).toEqual([[1, 2]]);
    r.readUnlock(A, true);
    r.readLock(A);
    expect(r.snapshot('rcu')).toEqual([[1, 3]]);
  });

  it('a plain grace period ignores rcu_read_lock_trace() readers; a tasks_trace one waits for both kinds', () => {
    const r = new Rcu();
    r.readLock(A, true);
    r.readLock(B);
    expect(r.isReading(A)).toBe(false);
    expect(r.isReading(A, true)).toBe(true);
    expect(r.isReading(B, true)).toBe(false);
    expect(r.snapshot('rcu')).toEqual([[2, 1]]);
    expect(r.snapshot('tasks_trace')).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it('a grace period ends when the sections open at its start close, not when a later section of the same actor does', () => {
    const r = new Rcu();
    r.readLock(A);
    const gp = r.snapshot('rcu');
    expect(r.hasEnded(gp)).toBe(false);
    r.readUnlock(A);
    expect(r.hasEnded(gp)).toBe(true);
    r.readLock(A);
    expect(r.hasEnded(gp)).toBe(true);
    expect(r.hasEnded(r.snapshot('rcu'))).toBe(false);
    r.readUnlock(A);
    r.readLock(B, true);
    const trace = r.snapshot('tasks_trace');
    expect(r.hasEnded(trace)).toBe(false);
    r.readUnlock(B, true);
    expect(r.hasEnded(trace)).toBe(true);
  });

  it('an unbalanced unlock is a model bug', () => {
    const r = new Rcu();
    expect(() => r.readUnlock(A)).toThrow('unbalanced rcu_read_unlock by actor 1');
    r.readLock(A);
    expect(() => r.readUnlock(A, true)).toThrow('unbalanced rcu_read_unlock_trace by actor 1');
    r.readLock(B, true);
    expect(() => r.readUnlock(B)).toThrow('unbalanced rcu_read_unlock by actor 2');
  });

  it('callbacks run in call order once ready; firstReady skips one still waiting; invoke counts completions', () => {
    const r = new Rcu();
    const log: string[] = [];
    const queued: string[] = [];
    r.onQueue = (label) => queued.push(label);
    r.readLock(A);
    r.call('waits for A', 'rcu', () => log.push('first'));
    expect(r.firstReady()).toBe(-1);
    r.readLock(B, true);
    r.call('waits for B', 'tasks_trace', () => log.push('second'), [asObjId(5)]);
    r.readUnlock(A);
    r.readLock(A);
    r.call('waits for A again', 'rcu', () => log.push('third'));
    expect(queued).toEqual(['waits for A', 'waits for B', 'waits for A again']);
    expect(r.firstReady()).toBe(0);
    expect(r.invoke(0).label).toBe('waits for A');
    expect(r.firstReady()).toBe(-1);
    r.readUnlock(A);
    expect(r.firstReady()).toBe(1);
    expect(r.invoke(1).label).toBe('waits for A again');
    expect(log).toEqual(['first', 'third']);
    expect(r.completed).toBe(2);
    expect(() => r.invoke(1)).toThrow('no rcu callback at index 1; queue has 1');
    expect(r.queue[0]!.objs).toEqual([5]);
    // A tasks_trace grace period waits for plain readers too.
    expect(r.queue[0]!.readers).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it('call() without an onQueue hook (no kernel attached) queues a callback with no declared objects', () => {
    const r = new Rcu();
    r.call('plain', 'rcu', () => {});
    expect(r.queue.map((c) => [c.label, c.flavour, c.objs, c.readers])).toEqual([['plain', 'rcu', [], []]]);
    const q = new WorkQueue(asObjId(3));
    q.queue('work', function* () {});
    expect(q.items.map((i) => i.label)).toEqual(['work']);
  });

  it('an actor that never read, or whose sections all closed, is in no snapshot and holds no grace period', () => {
    const r = new Rcu();
    expect(r.isReading(A)).toBe(false);
    expect(r.isReading(A, true)).toBe(false);
    expect(r.hasEnded([[A, 1]])).toBe(true);
    r.readLock(A, true);
    r.readUnlock(A, true);
    r.readLock(B);
    r.readUnlock(B);
    expect(r.snapshot('tasks_trace')).toEqual([]);
    expect(r.snapshot('rcu')).toEqual([]);
  });
});
