/**
 * The cgroup hierarchy's state (kernel/cgroup/cgroup.c): struct cgroup as the
 * model needs it, and the table of one kernel's cgroups. Operations on them
 * (get, put, rmdir, release, free) are in cgroup.ts.
 */
import { Graph } from '@dagrejs/graphlib';
import { asCgroupId, asObjId, type CgroupId, type ObjId } from '../core/ids.js';
import type { Memory } from '../core/memory.js';

/** Where a cgroup is in its life. invariant: online → offline → freed, never back. */
export type CgroupState = 'online' | 'offline' | 'freed';

/** struct cgroup, as the model needs it. */
export interface Cgroup {
  /** cgroup_id(): the kernfs node id; the first cgroup made is 1. */
  readonly id: CgroupId;
  readonly name: string;
  readonly parent: CgroupId | null;
  /** On a cgroup v1 hierarchy (not cgroup_on_dfl()). */
  readonly isV1: boolean;
  state: CgroupState;
  /** percpu_ref_is_dying(&cgrp->self.refcnt): set by rmdir's percpu_ref_kill. */
  isDying: boolean;
  /** cgrp->self.refcnt: the base reference (until rmdir), one per child, one per css_get. */
  refcnt: number;
  /** The struct cgroup memory object; also the abstract id of its fields. */
  readonly obj: ObjId;
  /**
   * cgrp->self.refcnt (count and dying state) as an object of its own, so that
   * gets and puts do not conflict with readers of the struct's fields: every
   * get, put, kill and percpu_ref_is_dying() touches it, and the free writes it
   * too (a get or put after the free is a use after free). Derived from `obj`,
   * so no id is allocated for it: −obj·1024, apart from the other derived ids
   * (a CPU's storage pointers −(cpu+1), value spin locks −(obj·1024+slot+1)).
   */
  readonly refObj: ObjId;
  /**
   * The self percpu_ref's mode, percpu or killed (`isDying`), as an object of its
   * own (−obj·1024−1022): percpu_ref_kill writes it; percpu_ref_is_dying(), the
   * trygets and every put read it. A put's footprint depends on it (a live ref's
   * put is a this_cpu_sub that commutes with other puts; a killed one's is an
   * atomic_long_sub_and_test whose result decides who releases), which is sound
   * because the put reads it: only a step that conflicts with the put changes it.
   */
  readonly dyingObj: ObjId;
  /**
   * cgrp->bpf (struct cgroup_bpf: attached programs, flags, effective arrays and
   * its percpu_ref) as an object of its own (−obj·1024−1021): attach, detach,
   * offline and release write it under cgroup_mutex, bpf_prog_run_array_cg reads
   * the effective array. Apart from `obj`, so running a cgroup's programs does
   * not conflict with cgrp->bpf_cgrp_storage.
   */
  readonly bpfObj: ObjId;
  /** cgrp->bpf_cgrp_storage: the owner storage (struct bpf_local_storage), or null. */
  bpfCgrpStorage: ObjId | null;
  /**
   * cgrp->nr_populated_csets: member tasks (the model gives each task a css_set of its
   * own). invariant: tasks in the cgroup that have not passed cgroup_exit.
   */
  nrPopulatedCsets: number;
  /** cgrp->nr_populated_domain_children: children that are populated. */
  nrPopulatedChildren: number;
  /**
   * The populated counts as an object of their own (−obj·1024−1023, apart from
   * refObj and the value spin locks): migration and cgroup_exit write it, rmdir reads it.
   */
  readonly populatedObj: ObjId;
}

/** cgroup_is_populated() (include/linux/cgroup.h): member tasks here or in a descendant. */
export function cgroupIsPopulated(c: Cgroup): boolean {
  return c.nrPopulatedCsets + c.nrPopulatedChildren > 0;
}

/** A task as cgroups see it: task->cgroups, one css_set per task in the model. */
export interface CgroupTask {
  readonly name: string;
  /** The cgroup of its css_set; null once it has passed cgroup_exit. */
  cgroup: CgroupId | null;
  /** task->cgroups as an object: migration writes it, whoever reads the task's cgroup reads it. */
  readonly obj: ObjId;
}

/** The cgroup hierarchy of one kernel. */
export class Cgroups<H> {
  /** Edges parent → child; node names are the decimal cgroup ids. */
  private readonly graph = new Graph({ directed: true });
  private readonly byId = new Map<CgroupId, Cgroup>();
  private nextId = 1;
  /** Run under cgroup_mutex by rmdir after CSS_ONLINE is cleared, before percpu_ref_kill. */
  readonly onOffline: H[] = [];
  /** Run by css_free_rwork_fn before the cgroup is freed, in registration order. */
  readonly onFree: H[] = [];
  /** Member tasks by name (cgroupTasks.ts), in creation order. */
  readonly tasks = new Map<string, CgroupTask>();
  /**
   * `mutex` is cgroup_mutex's id (the kernel registers the lock); `allocObj` gives
   * setup-time object ids and `memory` tracks each struct cgroup's lifetime.
   */
  constructor(
    readonly mutex: ObjId,
    private readonly allocObj: () => ObjId,
    private readonly memory: Memory,
  ) {}

  /**
   * Setup-time mkdir (cgroup_mkdir → cgroup_create): a root when `parent` is null.
   * A child is on its parent's hierarchy and holds a reference on the parent.
   */
  mkdir(parent: CgroupId | null, name: string, opts: { isV1?: boolean } = {}): CgroupId {
    const p = parent === null ? undefined : this.get(parent);
    if (p !== undefined && p.state !== 'online')
      throw new Error(`mkdir ${name}: parent ${p.name} is removed`);
    if (p !== undefined && opts.isV1 !== undefined && opts.isV1 !== p.isV1)
      throw new Error(`mkdir ${name}: isV1 ${opts.isV1} differs from parent ${p.name}`);
    const id = asCgroupId(this.nextId++);
    const obj = this.allocObj();
    this.memory.alloc(obj, 'cgroup', `cgroup ${name}`);
    const cg: Cgroup = {
      id,
      name,
      parent,
      isV1: p?.isV1 ?? opts.isV1 ?? false,
      state: 'online',
      isDying: false,
      refcnt: 1,
      obj,
      refObj: asObjId(-obj * 1024),
      dyingObj: asObjId(-obj * 1024 - 1022),
      bpfObj: asObjId(-obj * 1024 - 1021),
      bpfCgrpStorage: null,
      nrPopulatedCsets: 0,
      nrPopulatedChildren: 0,
      populatedObj: asObjId(-obj * 1024 - 1023),
    };
    this.byId.set(id, cg);
    this.graph.setNode(String(id));
    if (p !== undefined) {
      p.refcnt++;
      this.graph.setEdge(String(p.id), String(id));
    }
    return id;
  }

  /** The cgroup record; throws for an unknown id (a model bug). */
  get(id: CgroupId): Cgroup {
    const cg = this.byId.get(id);
    if (cg === undefined) throw new Error(`unknown cgroup id ${id}`);
    return cg;
  }

  /** The cgroup and its ancestors, self first, root last. */
  ancestors(id: CgroupId): CgroupId[] {
    const out: CgroupId[] = [];
    for (let c: CgroupId | null = id; c !== null; c = this.get(c).parent) out.push(c);
    return out;
  }

  /** Direct children, in creation order. */
  children(id: CgroupId): CgroupId[] {
    const succ = this.graph.successors(String(id)) ?? [];
    return succ.map((s) => asCgroupId(Number(s))).sort((a, b) => a - b);
  }

  /** Every cgroup, in creation order. */
  all(): Cgroup[] {
    return [...this.byId.values()];
  }
}
