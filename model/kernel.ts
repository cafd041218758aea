/**
 * The kernel under test: one instance per execution. It owns the shared state
 * every subsystem reads and writes (memory, RCU, locks, per-CPU state, actors,
 * observations) and the registries subsystems add themselves to.
 */
import { Cgroups } from './cgroup.js';
import type { CgroupBpf, CgroupStorageSlots } from './cgroupBpf.js';
import type { KernelEra } from './era.js';
import { Fds } from './fd.js';
import {
  type ActorId,
  asActorId,
  asObjId,
  type CgroupId,
  type CpuNo,
  type MapId,
  type ObjId,
} from './ids.js';
import { LocalStorages } from './localStorageState.js';
import { Locks } from './locks.js';
import type { BpfMapBase } from './map.js';
import { Memory } from './memory.js';
import type { Observation } from './observation.js';
import { Rcu } from './rcu.js';
import { WorkQueue } from './rcuWorker.js';
import type { Op, Step } from './step.js';

/** Model options: everything that changes kernel behaviour. */
export interface ModelOptions {
  /** Kernel era. @defaultValue 'E1' */
  era?: KernelEra;
  /** Number of simulated CPUs. @defaultValue 2 */
  cpus?: number;
  /**
   * E3 only: a contended rqspinlock may time out (-ETIMEDOUT) as a data choice,
   * as rqspinlock's 250 ms budget can run out under load. @defaultValue false
   */
  isLockTimeoutPossible?: boolean;
  /** Allocations (GFP_ATOMIC / GFP_NOWAIT) may fail with -ENOMEM as a data choice. @defaultValue false */
  isAllocFailurePossible?: boolean;
  /**
   * Pre-5.14 historical bug: bpf_get_local_storage() reads a per-CPU bpf_cgroup_storage[]
   * pointer that bpf_prog_run_array_cg sets before each program, so a program preempted
   * under migrate_disable sees another task's storage or NULL. Fixed by b910eaaaa4b8
   * ("bpf: Fix NULL pointer dereference in bpf_get_local_storage() helper"), later
   * bpf_cg_run_ctx (c7603cfa04e7). @defaultValue false
   */
  hasCgroupStoragePerCpuPtrBug?: boolean;
  /**
   * Pre-fix CVE-2025-38502: a tail call may go to a program whose deprecated cgroup
   * storage differs from the caller's, so its helper returns the caller's storage.
   * Fixed by abad3d0bad72 (storage cookies in __bpf_prog_map_compatible, kernel/bpf/core.c).
   * @defaultValue false
   */
  hasTailCallStorageCookieBug?: boolean;
  /**
   * Pre-fix cgroup_storage_get_next_key (kernel/bpf/local_storage.c): asking for the key
   * after the last one reads the list head as a storage. Fixed by 5828b9e5b272 (-ENOENT).
   * @defaultValue false
   */
  hasCgroupStorageNextKeyBug?: boolean;
  /**
   * E1/E2: bpf_local_storage_map_free() holds the per-CPU bpf_cgrp_storage_busy counter
   * around each unlink. false models kernels before c78f4afbd962 ("bpf: Fix deadlock when
   * freeing cgroup storage", Dec 2024), where a tracing program in the unlink path that
   * calls bpf_cgrp_storage_get() self-deadlocks on the owner lock. @defaultValue true
   */
  isMapFreeBusyGuarded?: boolean;
  /**
   * bpf_cgrp_storage_get() without the percpu_ref_is_dying(&cgroup->self.refcnt) guard
   * of the 6.2 design ("bpf: Implement cgroup storage available to non-cgroup-attached
   * bpf progs", kernel/bpf/bpf_cgrp_storage.c): a program
   * running after bpf_cgrp_storage_free() can create storage that nothing frees.
   * @defaultValue false
   */
  hasCreateOnDyingBug?: boolean;
  /**
   * E3 before the SELEM_*_UNLINKED handshake (5d800f87d0a5, 0be08389c7f2):
   * bpf_local_storage_destroy() and bpf_local_storage_map_free() use the failable
   * unlink helpers and give up on a side whose rqspinlock failed (the WARN_ON_ONCE
   * handling of the RFC series), so a lock timeout leaves an element half-unlinked:
   * freed while still in a bucket, or left behind by map_free. @defaultValue false
   */
  hasUnlinkWithoutHandshakeBug?: boolean;
}

/** ModelOptions with every field set. */
export interface ResolvedModelOptions {
  readonly era: KernelEra;
  readonly cpus: number;
  readonly isLockTimeoutPossible: boolean;
  readonly isAllocFailurePossible: boolean;
  readonly hasCgroupStoragePerCpuPtrBug: boolean;
  readonly hasTailCallStorageCookieBug: boolean;
  readonly hasCgroupStorageNextKeyBug: boolean;
  readonly isMapFreeBusyGuarded: boolean;
  readonly hasCreateOnDyingBug: boolean;
  readonly hasUnlinkWithoutHandshakeBug: boolean;
}

export const DEFAULT_ERA: KernelEra = 'E1';
export const DEFAULT_CPUS = 2;
/** Upper bound on simulated CPUs (ids are packed, see allocObjId). */
export const MAX_CPUS = 64;

/** Fills in defaults and checks ranges; throws on bad construction input. */
export function resolveModelOptions(o: ModelOptions = {}): ResolvedModelOptions {
  const cpus = o.cpus ?? DEFAULT_CPUS;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS)
    throw new Error(`cpus must be 1..${MAX_CPUS}, got ${cpus}`);
  return {
    era: o.era ?? DEFAULT_ERA,
    cpus,
    isLockTimeoutPossible: o.isLockTimeoutPossible ?? false,
    isAllocFailurePossible: o.isAllocFailurePossible ?? false,
    hasCgroupStoragePerCpuPtrBug: o.hasCgroupStoragePerCpuPtrBug ?? false,
    hasTailCallStorageCookieBug: o.hasTailCallStorageCookieBug ?? false,
    hasCgroupStorageNextKeyBug: o.hasCgroupStorageNextKeyBug ?? false,
    isMapFreeBusyGuarded: o.isMapFreeBusyGuarded ?? true,
    hasCreateOnDyingBug: o.hasCreateOnDyingBug ?? false,
    hasUnlinkWithoutHandshakeBug: o.hasUnlinkWithoutHandshakeBug ?? false,
  };
}

/** What kind of thread of execution an actor is. */
export type ActorKind = 'cpu' | 'user' | 'kworker' | 'rcu' | 'setup';

/** A thread of execution in the model. */
export interface Actor {
  readonly id: ActorId;
  readonly name: string;
  readonly kind: ActorKind;
  /** The CPU it runs on; with migrate_disable() it stays there. */
  readonly cpu: CpuNo;
  /** Its own allocation counter: object ids are (actor, seq), never global. */
  seq: number;
  /** Nesting depth of BPF programs running on this actor (0 outside programs). */
  progDepth: number;
  /** Nesting depth of hooks fired on this actor (fireHook): >0 inside a program run from kernel code. */
  hookDepth: number;
  /**
   * E1/E2: the BPF storage helper calls running on this actor, innermost last, and
   * whether each holds its CPU's busy counter (absent until the first helper call).
   */
  helperFrames?: { readonly helper: string; readonly holdsBusy: boolean }[];
}

/** Per-CPU state. */
export interface CpuState {
  readonly no: CpuNo;
  /** E1/E2 bpf_cgrp_storage_busy (kernel/bpf/bpf_cgrp_storage.c). invariant: 0 outside storage code. */
  busy: number;
  /** Abstract id of the counter, for footprints. */
  readonly busyObj: ObjId;
}

/** The hooked function's arguments a tracing program may read, e.g. `struct cgroup *` (ctx). */
export interface HookArgs {
  readonly cgroup?: CgroupId;
}

/** A handler run when a hook fires: a tracing program attached there, nested on the same actor. */
export type HookHandler = (actor: Actor, args: HookArgs) => Op<void>;

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
  /** struct cgroup_bpf of each cgroup that has one (model/cgroupBpf.ts), created on first use. */
  readonly cgroupBpf = new Map<CgroupId, CgroupBpf>();
  /** bpf_prog->active per CPU, keyed `${prog}@${cpu}`: trampolines skip a program already running there. */
  readonly progActive = new Map<string, number>();
  /** hasCgroupStoragePerCpuPtrBug: the per-CPU bpf_cgroup_storage[] pointers, by CPU. */
  readonly cpuCgroupStorage = new Map<CpuNo, CgroupStorageSlots>();
  /** What happened, in order, for properties to read. */
  readonly observations: Observation[] = [];
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
  /** Workqueue items (css release/free work, map free) that kworker actors run (model/rcuWorker.ts). */
  readonly work: WorkQueue;
  /** The cgroup hierarchy (model/cgroup.ts). */
  readonly cgroups: Cgroups;
  /** The simulated process's file descriptors (model/fd.ts). */
  readonly fds: Fds;
  /** Owner storages and elements of BPF_MAP_TYPE_CGRP_STORAGE maps (model/localStorageState.ts). */
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
    this.cgroups = new Cgroups(this);
    this.fds = new Fds(this);
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
