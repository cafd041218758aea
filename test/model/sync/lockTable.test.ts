import { describe, expect, it } from 'vitest';
import { type ActorId, asActorId, asCpuNo, asObjId } from '../../../model/core/ids.js';
import { isSpinning, Locks } from '../../../model/sync/lockTable.js';

const A: ActorId = asActorId(1);
const B: ActorId = asActorId(2);
const cpu0 = asCpuNo(0);
const cpu1 = asCpuNo(1);

function table() {
  const t = new Locks();
  const owner = asObjId(10);
  const bucket = asObjId(11);
  const mutex = asObjId(12);
  t.create(owner, 'owner', 'owner lock cg');
  t.create(bucket, 'bucket', 'm bucket 0');
  t.create(mutex, 'cgroup_mutex', 'cgroup_mutex');
  return { t, owner, bucket, mutex };
}

describe('the lock table', () => {
  it('every class spins but the cgroup_mutex (a sleeping mutex)', () => {
    expect(
      (['owner', 'bucket', 'map_lock', 'value_spin_lock', 'cgroup_mutex'] as const).map(isSpinning),
    ).toEqual([true, true, true, true, false]);
  });

  it('acquire records the holder and its CPU; release clears them; heldBy lists locks outermost first', () => {
    const { t, owner, bucket } = table();
    expect(t.isFree(owner)).toBe(true);
    t.acquire(owner, A, cpu1);
    t.acquire(bucket, A, cpu1);
    expect(t.get(owner)).toStrictEqual({
      id: 10,
      cls: 'owner',
      label: 'owner lock cg',
      holder: 1,
      holderCpu: 1,
    });
    expect(t.isFree(owner)).toBe(false);
    expect(t.heldBy(A)).toEqual([10, 11]);
    expect(t.heldBy(B)).toEqual([]);
    t.release(owner, A);
    expect(t.heldBy(A)).toEqual([11]);
    expect(t.get(owner).holder).toBeUndefined();
    expect(t.get(owner).holderCpu).toBeUndefined();
    expect(t.isFree(owner)).toBe(true);
  });

  it('taking a held lock, releasing a lock one does not hold, or naming an unknown lock is a checker bug', () => {
    const { t, owner } = table();
    t.acquire(owner, A, cpu0);
    expect(() => t.acquire(owner, B, cpu1)).toThrow('actor 2 acquired owner lock cg held by actor 1');
    expect(() => t.release(owner, B)).toThrow('actor 2 released owner lock cg held by 1');
    t.release(owner, A);
    expect(() => t.release(owner, A)).toThrow('actor 1 released owner lock cg held by nobody');
    expect(() => t.get(asObjId(99))).toThrow('unknown lock id 99');
  });

  it('lock order: each (held, taken) class pair is recorded once, at its first occurrence (owner before bucket)', () => {
    const { t, owner, bucket, mutex } = table();
    t.acquire(mutex, B, cpu1);
    t.acquire(owner, B, cpu1);
    t.acquire(bucket, B, cpu1);
    t.release(bucket, B);
    t.release(owner, B);
    t.release(mutex, B);
    t.acquire(owner, A, cpu0);
    t.acquire(bucket, A, cpu0);
    expect(t.edges).toEqual([
      { held: 'cgroup_mutex', taken: 'owner', by: 2 },
      { held: 'cgroup_mutex', taken: 'bucket', by: 2 },
      { held: 'owner', taken: 'bucket', by: 2 },
    ]);
  });

  it('a spinning lock held on a CPU keeps other actors of that CPU off it; the cgroup_mutex does not', () => {
    const { t, owner, bucket, mutex } = table();
    t.acquire(mutex, A, cpu0);
    expect(t.isHeldOnCpu(cpu0)).toBe(true);
    expect(t.isHeldOnCpu(cpu1)).toBe(false);
    expect(t.isSpinHeldOnCpu(cpu0, B)).toBe(false);
    t.acquire(owner, A, cpu0);
    expect(t.isSpinHeldOnCpu(cpu0, B)).toBe(true);
    expect(t.isSpinHeldOnCpu(cpu0, A)).toBe(false);
    expect(t.isSpinHeldOnCpu(cpu1, B)).toBe(false);
    t.acquire(bucket, B, cpu1);
    t.release(owner, A);
    expect(t.isSpinHeldOnCpu(cpu0, B)).toBe(false);
    expect(t.isSpinHeldOnCpu(cpu1, A)).toBe(true);
    t.release(mutex, A);
    expect(t.isHeldOnCpu(cpu0)).toBe(false);
    expect(t.isSpinHeldOnCpu(cpu1, A)).toBe(true);
    t.release(bucket, B);
    expect(t.isSpinHeldOnCpu(cpu1, A)).toBe(false);
  });

  it('a release forgets exactly the (cpu, actor) pair of the lock released', () => {
    const { t, owner, bucket } = table();
    t.acquire(owner, B, cpu0);
    t.acquire(bucket, A, cpu0);
    t.release(bucket, A);
    expect(t.isSpinHeldOnCpu(cpu0, A)).toBe(true);
    expect(t.isSpinHeldOnCpu(cpu0, B)).toBe(false);
    t.release(owner, B);
    t.acquire(owner, A, cpu1);
    t.acquire(bucket, A, cpu0);
    t.release(bucket, A);
    expect(t.isSpinHeldOnCpu(cpu1, B)).toBe(true);
    expect(t.isSpinHeldOnCpu(cpu0, B)).toBe(false);
  });
});
