/**
 * Object lifetimes. Every allocation the model makes is recorded here, so a
 * use after free, a double free and a leak are recorded facts, not guesses.
 */
import type { ObjId } from './ids.js';

/** What an allocated object is (slab caches and kmalloc users of the code modelled). */
export type ObjKind =
  | 'selem' // struct bpf_local_storage_elem
  | 'local_storage' // struct bpf_local_storage (the owner's storage)
  | 'cgroup' // struct cgroup
  | 'cgroup_storage' // struct bpf_cgroup_storage (deprecated map)
  | 'storage_buf' // struct bpf_storage_buffer (deprecated map value)
  | 'percpu_buf' // per-CPU value area (deprecated per-CPU map)
  | 'prog_data' // a BPF object's global data (.bss), an array map value
  | 'map'; // struct bpf_map

/** One allocated object. invariant: state goes live → freed once, never back. */
export interface MemObject {
  readonly id: ObjId;
  readonly kind: ObjKind;
  readonly label: string;
  state: 'live' | 'freed';
  /** Who freed it (actor name and code path), once freed. */
  freedBy?: string;
  /**
   * The map value it carries, as 8-byte slots (selem sdata.data, a deprecated
   * storage buffer); program loads and stores go here through a pointer.
   */
  readonly data?: number[];
}

/** A memory-safety fact the model observed. */
export interface MemoryFault {
  /**
   * 'out-of-bounds': an access past the object's value (a program given another map's
   * smaller storage, CVE-2025-38502; a list head read as a storage, 5828b9e5b272).
   * 'null-deref': a NULL storage pointer dereferenced (5.14 bpf_get_local_storage fix).
   */
  readonly kind: 'use-after-free' | 'double-free' | 'out-of-bounds' | 'null-deref';
  readonly obj: ObjId;
  readonly label: string;
  /** The actor and code path that made the bad access. */
  readonly by: string;
  /** Who freed the object first. */
  readonly freedBy: string;
}

/** The allocator: tracks every object and every fault, in order. */
export class Memory {
  /** invariant: insertion order is allocation order. */
  readonly objects = new Map<ObjId, MemObject>();
  readonly faults: MemoryFault[] = [];

  /** Records a new live object (kzalloc, bpf_mem_cache_alloc). */
  alloc(id: ObjId, kind: ObjKind, label: string, data?: number[]): MemObject {
    if (this.objects.has(id)) throw new Error(`object id ${id} allocated twice (${label})`);
    const obj: MemObject =
      data === undefined ? { id, kind, label, state: 'live' } : { id, kind, label, state: 'live', data };
    this.objects.set(id, obj);
    return obj;
  }

  /** Frees an object; freeing it again records a double free instead. */
  free(id: ObjId, by: string): void {
    const obj = this.get(id);
    if (obj.state === 'freed') {
      // Stryker disable next-line StringLiteral: unreachable fallback, only free() sets state 'freed' and it sets freedBy too
      this.faults.push({ kind: 'double-free', obj: id, label: obj.label, by, freedBy: obj.freedBy ?? '?' });
      return;
    }
    obj.state = 'freed';
    obj.freedBy = by;
  }

  /** Records an access; returns false (and a use-after-free fault) when the object is freed. */
  use(id: ObjId, by: string): boolean {
    const obj = this.get(id);
    if (obj.state === 'live') return true;
    // Stryker disable next-line StringLiteral: unreachable fallback, only free() sets state 'freed' and it sets freedBy too
    this.faults.push({ kind: 'use-after-free', obj: id, label: obj.label, by, freedBy: obj.freedBy ?? '?' });
    return false;
  }

  /** Records an out-of-bounds access or a NULL dereference (`id` 0 for NULL itself). */
  recordFault(kind: 'out-of-bounds' | 'null-deref', id: ObjId, label: string, by: string): void {
    this.faults.push({ kind, obj: id, label, by, freedBy: '' });
  }

  /** True while the object is allocated. */
  isLive(id: ObjId): boolean {
    return this.get(id).state === 'live';
  }

  /** Live objects of one kind, in allocation order. */
  liveOf(kind: ObjKind): MemObject[] {
    const out: MemObject[] = [];
    for (const o of this.objects.values()) if (o.kind === kind && o.state === 'live') out.push(o);
    return out;
  }

  /** The record of an object; throws on an id that was never allocated (a checker bug). */
  get(id: ObjId): MemObject {
    const obj = this.objects.get(id);
    if (obj === undefined) throw new Error(`object id ${id} was never allocated`);
    return obj;
  }
}
