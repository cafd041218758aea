/**
 * Observations: what the model saw happen, in order, for properties to check.
 * Subsystems append kinds as they need them; properties read them.
 */
import type { ActorId, CgroupId, MapId, ObjId } from './ids.js';

/** One recorded fact about an execution. */
export type Observation =
  /** A BPF helper returned (bpf_cgrp_storage_get/delete, bpf_get_local_storage). */
  | {
      readonly kind: 'helper';
      readonly actor: ActorId;
      readonly helper: string;
      readonly map: MapId;
      readonly cgroup: CgroupId | null;
      readonly flags: number;
      /** An object id for a pointer, null for NULL, a negative errno for an error. */
      readonly ret: ObjId | null | number;
      /** Whether an element for (map, cgroup) was linked when the helper began. */
      readonly existedBefore: boolean;
      /** k.observations.length when the helper began: what happened during the call follows it. */
      readonly begin?: number;
      /** Called from a program fired by a hook inside kernel code (actor.hookDepth > 0). */
      readonly isNested?: boolean;
    }
  /** A bpf(2) command returned. */
  | {
      readonly kind: 'syscall';
      readonly actor: ActorId;
      readonly cmd: string;
      readonly map: MapId;
      readonly cgroup: CgroupId | null;
      readonly flags: number;
      /** 0 or a negative errno. */
      readonly ret: number;
      readonly existedBefore: boolean;
      /** The value read, for lookups. */
      readonly value?: readonly number[];
      /** k.observations.length when the command had resolved its cgroup (updates): what happened during it follows. */
      readonly begin?: number;
      /** Updates: the element of (map, cgroup) linked at `begin`, or null. */
      readonly old?: ObjId | null;
      /** Updates with an `old`: its contents at `begin` and when the command returned (undefined once freed). */
      readonly oldValue?: {
        readonly before: readonly number[];
        readonly after: readonly number[] | undefined;
      };
      /** Successful updates: the element that now holds the written value (new, or `old` in place). */
      readonly elem?: ObjId;
    }
  /** A program made a store or atomic add through a map value pointer. */
  | {
      readonly kind: 'value-update';
      readonly actor: ActorId;
      readonly obj: ObjId;
      readonly slot: number;
      readonly atomic: boolean;
      /** The increment, for adds; undefined for plain stores. */
      readonly delta?: number;
      /** The slot's value after the write, when the slot exists. */
      readonly value?: number;
    }
  /** A cgroup rmdir returned (cgroup_rmdir, kernel/cgroup/cgroup.c): 0 or a negative errno. */
  | { readonly kind: 'rmdir'; readonly actor: ActorId; readonly cgroup: CgroupId; readonly ret: number }
  /** css_free_rwork_fn finished: bpf_cgrp_storage_free ran and the cgroup object is freed. */
  | { readonly kind: 'cgroup-free'; readonly actor: ActorId; readonly cgroup: CgroupId }
  /** A storage map's map_free finished (bpf_local_storage_map_free). */
  | { readonly kind: 'map-free'; readonly actor: ActorId; readonly map: MapId }
  /**
   * A new local-storage element was published on its owner's list by
   * bpf_local_storage_update() (bpf_local_storage_alloc or the replace path).
   */
  | {
      readonly kind: 'selem-create';
      readonly actor: ActorId;
      readonly obj: ObjId;
      readonly map: MapId;
      readonly cgroup: CgroupId;
      /** Its initial value (zeroes or the copied initial value). */
      readonly value: readonly number[];
      /** The element it replaced (BPF_ANY / BPF_EXIST update), or null for a creation. */
      readonly replaces: ObjId | null;
      /**
       * What bpf_cgrp_storage_get()'s percpu_ref_is_dying() check read (or, with
       * hasCreateOnDyingBug, would have read); null for the syscall path, which has none.
       */
      readonly sawDying: boolean | null;
      readonly path: 'helper' | 'syscall';
    }
  /** A local-storage element left its owner's list (hlist_del_init_rcu(&selem->snode)). */
  | {
      readonly kind: 'selem-unlink';
      readonly actor: ActorId;
      readonly obj: ObjId;
      readonly map: MapId;
      readonly cgroup: CgroupId;
    }
  /**
   * bpf_get_local_storage() returned (kernel/bpf/cgroup.c). Invariant 21: `storage` is
   * `expected` (the running prog item's storage) and belongs to `map` (`storageMap`).
   */
  | {
      readonly kind: 'local-storage';
      readonly actor: ActorId;
      readonly prog: string;
      /** The map the program passed. */
      readonly map: MapId;
      /** The struct bpf_cgroup_storage the helper used, or null for a NULL pointer. */
      readonly storage: ObjId | null;
      /** The map that storage belongs to. */
      readonly storageMap: MapId | null;
      /** The running prog item's storage of that type (bpf_cg_run_ctx.prog_item). */
      readonly expected: ObjId | null;
    }
  /**
   * E1/E2: a BPF storage helper (bpf_cgrp_storage_get/delete, including the update
   * and unlink code it calls) acquired an owner or bucket lock. Invariant 18.
   */
  | {
      readonly kind: 'helper-lock';
      readonly actor: ActorId;
      readonly lock: ObjId;
      readonly cls: 'owner' | 'bucket';
      /** The innermost running helper. */
      readonly helper: string;
      /** This CPU's bpf_cgrp_storage_busy counter at the acquisition. */
      readonly busy: number;
      /** Whether that helper's own bpf_cgrp_storage_trylock() succeeded (it holds one count). */
      readonly holdsBusy: boolean;
      /**
       * The lock is held by a context this one interrupted on the same CPU (an
       * outer frame of the same actor): recorded at the attempt, which self-deadlocks.
       */
      readonly isHeldByInterrupted: boolean;
    }
  /** An E3 rqspinlock acquisition failed (-EDEADLK or -ETIMEDOUT). */
  | { readonly kind: 'lock-fail'; readonly actor: ActorId; readonly lock: ObjId; readonly errno: number };
