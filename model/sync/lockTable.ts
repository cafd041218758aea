/**
 * Lock state: who holds each lock, and the order in which lock classes were
 * taken, so lock-order and self-deadlock are recorded facts. The model's
 * spinlocks never spin in a loop: a contended acquire is a blocked step that
 * the scheduler runs once the lock is free.
 */
import type { ActorId, CpuNo, ObjId } from '../core/ids.js';

/**
 * Lock classes, as lockdep would name them. Storage code takes owner before bucket
 * (kernel/bpf/bpf_local_storage.c: bpf_local_storage_update, bpf_selem_unlink).
 */
export type LockClass = 'owner' | 'bucket' | 'map_lock' | 'cgroup_mutex' | 'value_spin_lock';

/** Every lock class but the cgroup_mutex spins: holding one keeps the CPU's other contexts off it. */
export function isSpinning(cls: LockClass): boolean {
  return cls !== 'cgroup_mutex';
}

/** A lock the model knows. */
export interface LockInfo {
  readonly id: ObjId;
  readonly cls: LockClass;
  readonly label: string;
  holder?: ActorId;
  holderCpu?: CpuNo;
}

/** A lock-order fact: `held` was held while `taken` was acquired. */
export interface LockEdge {
  readonly held: LockClass;
  readonly taken: LockClass;
  readonly by: ActorId;
}

/** The lock table of one kernel. */
export class Locks {
  /** invariant: insertion order is creation order. */
  readonly locks = new Map<ObjId, LockInfo>();
  /** Class pairs seen, first occurrence only, in order. */
  readonly edges: LockEdge[] = [];
  private readonly edgeKeys = new Set<string>();
  /** Locks held by each actor, innermost last. */
  private readonly held = new Map<ActorId, ObjId[]>();
  /** Spinning locks held (every class but cgroup_mutex), as [cpu, holder] pairs: usually none or one. */
  // Stryker disable next-line ArrayDeclaration: a junk initial element never matches a (cpu, actor) pair (a string's characters are no numbers)
  private readonly spinHeld: [CpuNo, ActorId][] = [];

  /** Registers a lock (spin_lock_init). */
  create(id: ObjId, cls: LockClass, label: string): LockInfo {
    const info: LockInfo = { id, cls, label };
    this.locks.set(id, info);
    return info;
  }

  /** The lock's record; throws for an unknown id (a model bug). */
  get(id: ObjId): LockInfo {
    const l = this.locks.get(id);
    if (l === undefined) throw new Error(`unknown lock id ${id}`);
    return l;
  }

  /** True when nobody holds the lock. */
  isFree(id: ObjId): boolean {
    return this.get(id).holder === undefined;
  }

  /** Takes a free lock; records class-order edges. Throws if it is held (the scheduler ran a blocked step). */
  acquire(id: ObjId, actor: ActorId, cpu: CpuNo): void {
    const l = this.get(id);
    if (l.holder !== undefined)
      throw new Error(`actor ${actor} acquired ${l.label} held by actor ${l.holder}`);
    const mine = this.heldBy(actor);
    for (const h of mine) this.recordEdge(this.get(h).cls, l.cls, actor);
    l.holder = actor;
    l.holderCpu = cpu;
    this.held.set(actor, [...mine, id]);
    if (isSpinning(l.cls)) this.spinHeld.push([cpu, actor]);
  }

  /** Releases a lock held by `actor`; throws otherwise (a model bug). */
  release(id: ObjId, actor: ActorId): void {
    const l = this.get(id);
    if (l.holder !== actor)
      throw new Error(`actor ${actor} released ${l.label} held by ${l.holder ?? 'nobody'}`);
    if (isSpinning(l.cls)) {
      const i = this.spinHeld.findIndex(([c, a]) => c === l.holderCpu && a === actor);
      this.spinHeld.splice(i, 1);
    }
    l.holder = undefined;
    l.holderCpu = undefined;
    this.held.set(
      actor,
      this.heldBy(actor).filter((h) => h !== id),
    );
  }

  /** Locks the actor holds, outermost first. */
  heldBy(actor: ActorId): readonly ObjId[] {
    return this.held.get(actor) ?? [];
  }

  /** True if any actor running on `cpu` holds a lock (irqs or preemption are off there). */
  isHeldOnCpu(cpu: CpuNo): boolean {
    for (const l of this.locks.values()) if (l.holderCpu === cpu) return true;
    return false;
  }

  /**
   * True if an actor other than `except` holds a spinning lock (every class but
   * cgroup_mutex) on `cpu`: irqs or preemption are off there, so nobody else on
   * that CPU can run until it is released.
   */
  isSpinHeldOnCpu(cpu: CpuNo, except: ActorId): boolean {
    const held = this.spinHeld;
    for (let i = 0; i < held.length; i++) {
      const [c, a] = held[i]!;
      if (c === cpu && a !== except) return true;
    }
    return false;
  }

  private recordEdge(held: LockClass, taken: LockClass, by: ActorId): void {
    const key = `${held}>${taken}`;
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push({ held, taken, by });
  }
}
