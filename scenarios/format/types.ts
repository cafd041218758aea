/**
 * A scenario as data: what a scenario JSON file says, field for field, and the
 * same value the TypeScript builder produces. No model code; the lead compiles
 * a ResolvedScenarioDef into model actors.
 */
import type {
  ACTOR_KINDS,
  ATTACH_TYPES,
  KERNEL_VERSIONS,
  LOOKUP_FLAGS,
  MAP_TYPES,
  OPS,
  PROGRAM_TYPES,
  STORAGE_KEYS,
  UPDATE_FLAGS,
} from './vocabulary.js';

/** A reference to a declared parameter, e.g. `$cpus`. */
export type ParamRef = `$${string}`;
/** A numeric field: a literal integer or a parameter reference. */
export type Num = number | ParamRef;

/** One of the three kernel versions, one per era. */
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];
export type MapType = (typeof MAP_TYPES)[number];
export type StorageKey = (typeof STORAGE_KEYS)[number];
export type ProgramType = (typeof PROGRAM_TYPES)[number];
/** A cgroup attach point (`egress`) or `lsm_cgroup`. */
export type AttachType = (typeof ATTACH_TYPES)[number];
export type ActorKind = (typeof ACTOR_KINDS)[number];
export type OpName = (typeof OPS)[number];
export type LookupFlag = (typeof LOOKUP_FLAGS)[number];
export type UpdateFlag = (typeof UPDATE_FLAGS)[number];

/** A user-facing integer parameter; invariant: min <= default <= max. */
export interface ParamDef {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

/** Model options; all optional (defaults: false, false, []). */
export interface ScenarioOptions {
  /** E3 only: a contended rqspinlock may fail with -ETIMEDOUT. */
  readonly lockTimeouts?: boolean;
  /** GFP_ATOMIC / GFP_NOWAIT allocations may fail with -ENOMEM. */
  readonly allocFailures?: boolean;
  /** Pre-fix kernel behaviours to model, by name (KNOWN_BUGS). */
  readonly bugs?: readonly string[];
  /**
   * Kworker threads running queued work (map free, css release/free), each on a
   * CPU of its own, so two work items can run at once. @defaultValue 1
   */
  readonly kworkers?: number;
}

/** A cgroup; without `parent` it is the top of a hierarchy. */
export interface CgroupDef {
  readonly name: string;
  readonly parent?: string;
  /** In a cgroup v1 hierarchy; a child inherits its parent's. */
  readonly v1?: boolean;
}

/** A BPF_MAP_TYPE_CGRP_STORAGE map. */
export interface CgrpStorageMapDef {
  readonly name: string;
  readonly type: 'cgrp_storage';
  readonly valueSize: Num;
  /** The value starts with a struct bpf_spin_lock. */
  readonly spinLock?: boolean;
}

/** A deprecated BPF_MAP_TYPE_(PERCPU_)CGROUP_STORAGE map. */
export interface DeprecatedMapDef {
  readonly name: string;
  readonly type: 'cgroup_storage' | 'percpu_cgroup_storage';
  readonly valueSize: Num;
  readonly spinLock?: boolean;
  /** `isolated` (default): struct bpf_cgroup_storage_key; `shared`: a bare u64 cgroup id. */
  readonly key?: StorageKey;
}

export type MapDef = CgrpStorageMapDef | DeprecatedMapDef;

/** A BPF program in the small assembly syntax of model/programs/bpfProgramParse.ts. */
export interface ProgramDef {
  readonly name: string;
  readonly type: ProgramType;
  /** BTF target (tracepoint, function, LSM hook, iterator) or, for cgroup types, the attach point. */
  readonly attach: string;
  readonly sleepable?: boolean;
  readonly insns: readonly string[];
  /** Its prog array (BPF_MAP_TYPE_PROG_ARRAY) by index: programs `tail_call n` jumps to. */
  readonly tailCalls?: readonly string[];
}

/** A cgroup program attached to a cgroup before the actors start. */
export interface AttachmentDef {
  readonly program: string;
  readonly cgroup: string;
}

/** One entry of a cpu actor's `run` list: one program, or every program attached at a cgroup hook. */
export type RunStepDef =
  | { readonly program: string; readonly times?: Num }
  | { readonly hook: string; readonly times?: Num };

/** A task on a CPU running programs in its cgroup; `count` copies of it. */
export interface CpuActorDef {
  readonly kind: 'cpu';
  readonly name: string;
  readonly count?: Num;
  readonly cpu?: Num;
  readonly cgroup: string;
  readonly run: readonly RunStepDef[];
}

/** A userspace thread issuing operations in order. */
export interface UserActorDef {
  readonly kind: 'user';
  readonly name: string;
  readonly cpu?: Num;
  readonly ops: readonly UserOpDef[];
}

/** A tracing program attached for the whole execution; it runs nested wherever its hook is reached. */
export interface TraceActorDef {
  readonly kind: 'trace';
  readonly program: string;
  readonly times?: Num;
}

export type ActorDef = CpuActorDef | UserActorDef | TraceActorDef;

/** BPF_MAP_LOOKUP_ELEM with the cgroup's fd as key. */
export interface LookupOpDef {
  readonly op: 'lookup';
  readonly map: string;
  readonly cgroup: string;
  readonly attachType?: AttachType;
  readonly flags?: readonly LookupFlag[];
}

/** BPF_MAP_UPDATE_ELEM; `value` holds u64 words from offset 0, the rest zero. */
export interface UpdateOpDef {
  readonly op: 'update';
  readonly map: string;
  readonly cgroup: string;
  readonly attachType?: AttachType;
  readonly value: readonly Num[];
  readonly flags?: readonly UpdateFlag[];
}

/** BPF_MAP_DELETE_ELEM. */
export interface DeleteOpDef {
  readonly op: 'delete';
  readonly map: string;
  readonly cgroup: string;
  readonly attachType?: AttachType;
}

/** BPF_MAP_GET_NEXT_KEY after the cgroup's key, or the first key without one. */
export interface GetNextKeyOpDef {
  readonly op: 'get-next-key';
  readonly map: string;
  readonly cgroup?: string;
  readonly attachType?: AttachType;
}

/** rmdir(2) of the cgroup directory. */
export interface RmdirOpDef {
  readonly op: 'rmdir';
  readonly cgroup: string;
}

/** close(2) of userspace's map fd. */
export interface CloseMapOpDef {
  readonly op: 'close-map';
  readonly map: string;
}

/** BPF_PROG_ATTACH or BPF_PROG_DETACH of a cgroup program. */
export interface AttachOpDef {
  readonly op: 'attach' | 'detach';
  readonly program: string;
  readonly cgroup: string;
}

export type UserOpDef =
  | LookupOpDef
  | UpdateOpDef
  | DeleteOpDef
  | GetNextKeyOpDef
  | RmdirOpDef
  | CloseMapOpDef
  | AttachOpDef;

/**
 * A value some key of a map must hold when an execution ends (checked by the
 * `final-value` property): `value` multiplied word by word by `times`, zero-padded
 * to the value size; without `value`, the key must have no entry.
 */
export interface FinalValueDef {
  readonly map: string;
  readonly cgroup: string;
  /** For a deprecated map keyed by (cgroup, attach type). */
  readonly attachType?: AttachType;
  /** u64 words from offset 0; a per-CPU map's words are summed over CPUs. Absent: no entry. */
  readonly value?: readonly Num[];
  /** A multiplier for every word, e.g. `$cpus` when each CPU adds `value`. @defaultValue 1 */
  readonly times?: Num;
}

/** The budget a catalogue entry needs to reach its verdict, when the default (random, 300 runs) is not enough. */
export interface BudgetDef {
  readonly strategy?: 'random' | 'pct' | 'dpor' | 'dfs' | 'bounded';
  readonly runs?: number;
}

/** A whole scenario, exactly as its file says (absent optional fields stay absent). */
export interface ScenarioDef {
  readonly name: string;
  readonly description: string;
  readonly kernel: KernelVersion;
  /** `pass` or the invariant id the scenario must violate; absent for ad-hoc files. */
  readonly expect?: string;
  /** Parameters by name, in declaration order. */
  readonly params?: Readonly<Record<string, ParamDef>>;
  readonly options?: ScenarioOptions;
  readonly cgroups?: readonly CgroupDef[];
  readonly maps?: readonly MapDef[];
  readonly programs?: readonly ProgramDef[];
  readonly attach?: readonly AttachmentDef[];
  /** Userspace operations run to completion, in order, after `attach` and before any scheduled step. */
  readonly setup?: readonly UserOpDef[];
  readonly actors: readonly ActorDef[];
  /** Values keys must hold at the end of every execution (the `final-value` property). */
  readonly expectFinal?: readonly FinalValueDef[];
  /** The budget the expected verdict needs, if more than the catalogue default. */
  readonly budget?: BudgetDef;
  /** Invariants to check besides the always-on ones. */
  readonly check?: readonly string[];
  /** "Sometimes" goals: situations at least one execution must reach. */
  readonly reachability?: readonly string[];
}
