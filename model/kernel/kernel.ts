/**
 * The kernel under test: one instance per execution. It owns the shared state
 * every subsystem reads and writes (memory, RCU, locks, per-CPU state, actors,
 * observations) and the registries subsystems add themselves to.
 */

import type { CgroupBpf, CgroupStorageSlots } from '../cgroup/cgroupBpfTypes.js';
import { Cgroups } from '../cgroup/cgroupTable.js';
import { Fds } from '../cgroup/fdTable.js';
import type { Actor, ActorKind, CpuState, HookArgs, HookHandler } from '../core/actor.js';
import type { KernelEra } from '../core/era.js';
import { asActorId, asObjId, type CgroupId, type CpuNo, type MapId, type ObjId } from '../core/ids.js';
import type { BpfMapBase } from '../core/map.js';
import { Memory } from '../core/memory.js';
import type { Observation } from '../core/observation.js';
import { type ModelOptions, type ResolvedModelOptions, resolveModelOptions } from '../core/options.js';
import type { Op, Step } from '../core/step.js';
import { LocalStorages } from '../localStorage/localStorageState.js';
import { Locks } from '../sync/lockTable.js';
import { Rcu } from '../sync/rcu.js';
import { WorkQueue } from '../sync/workQueue.js';

export type { Actor, ActorKind, CpuState, HookArgs, HookHandler } from '../core/actor.js';
export type { ModelOptions, ResolvedModelOptions } from '../core/options.js';
export { DEFAULT_CPUS, DEFAULT_ERA, MAX_CPUS, resolveModelOptions } from '../core/options.js';

/** A subsystem callback run at offline (cgroup_destroy_locked) or free (css_free_rwork_fn). */
export type CgroupHook = (k: Kernel, actor: Actor, cg: CgroupId) => Op<void>;

/** Ids per actor: actor a's n-th object is a * ACTOR_ID_STRIDE + n. */
const ACTOR_ID_STRIDE = 1_000_000;

/** One simulated kernel. */
export class Kernel {
  readonly options: ResolvedModelOptions;
  readonly memory = new Memory();
  readonly rcu = new Rcu();
  readonly locks = new Locks();
  /** invariant: actors[i].id === i; actor 0 is the setup actor. */
  readonly actors: Actor[] = [];
  readonly cpus: CpuState[] = [];
  /** Every map, by id, in creation order; families narrow the record by its `type`. */
  readonly maps = new Map<MapId, BpfMapBase>();
  /** Attach points (e.g. `fentry/bpf_local_storage_update`) to the programs attached there. */
  readonly hooks = new Map<string, HookHandler[]>();
  /** struct cgroup_bpf of each cgroup that has one (model/cgroup/cgroupBpf.ts), created on first use. */
  readonly cgroupBpf = new Map<CgroupId, CgroupBpf>();
  /** bpf_prog->active per CPU, keyed `${prog}@${cpu}`: trampolines skip a program already running there. */
  readonly progActive = new Map<string, number>();
  /** hasCgroupStoragePerCpuPtrBug: the per-CPU bpf_cgroup_storage[] pointers, by CPU. */
  readonly cpuCgroupStorage = new Map<CpuNo, CgroupStorageSlots>();
  /** What happened, in order, for properties to read. */
  readonly observations: Observation[] = [];
  /**
   * Called when a storage helper returns to a program (bpf_cgrp_storage_get/delete,
   * bpf_get_local_storage), with the program, the instruction's pc and r0: 'NULL',
   * 'pointer', or a number. Unset unless a scenario states what a call returns.
   */
  onHelperReturn:
    | ((actor: Actor, prog: string, pc: number, r0: number | 'NULL' | 'pointer') => void)
    | undefined;
  /** Data choices (lock timeouts, allocation failures) come from the scheduler's stream. */
  readonly choose: (n: number) => number;
  /** Abstract id of the RCU callback queue, for footprints. */
  readonly rcuObj: ObjId;
  /**
   * Who is inside an RCU read section, split so that a section's start and end
   * are seen apart: rcu_read_lock() updates `rcuOpenObj`, rcu_read_unlock()
   * `rcuCloseObj` (atomics: only the actor's own nesting changes). A grace
   * period's snapshot (call_rcu, synchronize_rcu) reads both; waiting for it
   * to end reads only the closes, since a new section never delays an older
   * grace period. Derived from rcuObj (−(rcuObj·1024+1), −(rcuObj·1024+2)), so no
   * id is allocated for them.
   */
  readonly rcuOpenObj: ObjId;
  readonly rcuCloseObj: ObjId;
  /** Workqueue items (css release/free work, map free) that kworker actors run (model/sync/rcuWorker.ts). */
  readonly work: WorkQueue;
  /** The cgroup hierarchy (model/cgroup/cgroup.ts). */
  readonly cgroups: Cgroups<CgroupHook>;
  /** The simulated process's file descriptors (model/cgroup/fd.ts). */
  readonly fds: Fds;
  /** Owner storages and elements of BPF_MAP_TYPE_CGRP_STORAGE maps (model/localStorage/localStorageState.ts). */
  readonly localStorages = new LocalStorages();

  constructor(options: ModelOptions = {}, choose: (n: number) => number = () => 0) {
    this.options = resolveModelOptions(options);
    this.choose = choose;
    this.addActor('setup', 'setup', 0 as CpuNo);
    for (let c = 0; c < this.options.cpus; c++) {
      this.cpus.push({ no: c as CpuNo, busy: 0, busyObj: this.allocObjId(this.setupActor) });
    }
    this.rcuObj = this.allocObjId(this.setupActor);
    this.rcuOpenObj = -(this.rcuObj * 1024 + 1) as ObjId;
    this.rcuCloseObj = -(this.rcuObj * 1024 + 2) as ObjId;
    this.work = new WorkQueue(this.allocObjId(this.setupActor));
    const cgroupMutex = this.allocObjId(this.setupActor);
    this.locks.create(cgroupMutex, 'cgroup_mutex', 'cgroup_mutex');
    this.cgroups = new Cgroups(cgroupMutex, () => this.allocObjId(this.setupActor), this.memory);
    this.fds = new Fds(this.cgroups);
    this.rcu.onQueue = (label) => {
      this.checkDeclared(this.rcuObj, `call_rcu(${label})`);
      this.checkSnapshot(`call_rcu(${label})`);
    };
    this.work.onQueue = (label) => this.checkDeclared(this.work.obj, `queue_work(${label})`);
  }

  /**
   * The step running now, set by whoever runs actors step by step (undefined
   * during setup and fixed-order runs, where nothing interleaves).
   */
  runningStep: Step | undefined = undefined;

  /**
   * A step that enables another actor (queues an RCU callback or work) must
   * declare a write of what that actor waits on, or partial-order reduction
   * would miss the dependency: checked here, at the moment it happens.
   */
  checkDeclared(obj: ObjId, what: string): void {
    const s = this.runningStep;
    if (s === undefined) return;
    for (const a of s.accesses) if (a.obj === obj && (a.kind === 'write' || a.kind === 'release')) return;
    throw new Error(`model bug: step '${s.label}' does ${what} without declaring a write of object ${obj}`);
  }

  /** A step that snapshots the open read sections must declare reads of both reader objects. */
  checkSnapshot(what: string): void {
    const s = this.runningStep;
    if (s === undefined) return;
    const isSeen = (obj: ObjId): boolean => s.accesses.some((a) => a.obj === obj);
    if (isSeen(this.rcuOpenObj) && isSeen(this.rcuCloseObj)) return;
    throw new Error(
      `model bug: step '${s.label}' does ${what} without declaring the RCU readers it snapshots`,
    );
  }

  get era(): KernelEra {
    return this.options.era;
  }

  /** The actor that builds the initial state; its objects exist before any execution step. */
  get setupActor(): Actor {
    return this.actors[0]!;
  }

  /** Adds a thread of execution pinned to `cpu`. */
  addActor(name: string, kind: ActorKind, cpu: CpuNo): Actor {
    if (cpu < 0 || cpu >= Math.max(1, this.options.cpus))
      throw new Error(`actor ${name}: cpu ${cpu} out of range`);
    const actor: Actor = {
      id: asActorId(this.actors.length),
      name,
      kind,
      cpu,
      seq: 0,
      progDepth: 0,
      hookDepth: 0,
    };
    this.actors.push(actor);
    return actor;
  }

  /** A fresh object id owned by `actor`; independent of how actors interleave. */
  allocObjId(actor: Actor): ObjId {
    actor.seq++;
    if (actor.seq >= ACTOR_ID_STRIDE)
      throw new Error(`actor ${actor.name} allocated over ${ACTOR_ID_STRIDE} ids`);
    return asObjId(actor.id * ACTOR_ID_STRIDE + actor.seq);
  }

  /** Records an observation for properties. */
  observe(o: Observation): void {
    this.observations.push(o);
  }

  /** Attaches a handler to a hook point. */
  attachHook(hook: string, handler: HookHandler): void {
    const list = this.hooks.get(hook);
    if (list === undefined) this.hooks.set(hook, [handler]);
    else list.push(handler);
  }
}

/** True when some program is attached at `hook`: callers on hot paths skip fireHook's generator otherwise. */
export function isHooked(k: Kernel, hook: string): boolean {
  return k.hooks.has(hook);
}

/**
 * Fires a hook point inside a kernel function: every program attached there
 * runs to completion, nested on the same actor (fentry, fexit, tp_btf), seeing
 * the function's `args`. Models the trampoline call of a tracing program
 * (kernel/bpf/trampoline.c); actor.hookDepth counts the nesting meanwhile.
 */
export function* fireHook(k: Kernel, hook: string, actor: Actor, args: HookArgs = {}): Op<void> {
  const handlers = k.hooks.get(hook);
  if (handlers === undefined) return;
  actor.hookDepth++;
  for (const h of handlers) yield* h(actor, args);
  actor.hookDepth--;
}
