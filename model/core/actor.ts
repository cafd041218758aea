/**
 * Threads of execution (actors) and per-CPU state: the shapes every kernel
 * area reads; the Kernel (model/kernel/kernel.ts) holds the instances.
 */
import type { ActorId, CgroupId, CpuNo, ObjId } from './ids.js';
import type { Op } from './step.js';

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
