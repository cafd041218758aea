/**
 * A scenario as data: what a scenario JSON file says, field for field, and the
 * same value the TypeScript builder produces. Every type here is derived from
 * the zod schema (schema.ts), the one definition of the format.
 */
import type { z } from 'zod';
import type { ScenarioSchema } from './schema.js';
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

/** Readonly all the way down: a validated scenario is a value. */
type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

export type { Num, ParamRef } from './paramRef.js';

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

type Parsed = Frozen<z.output<ScenarioSchema>>;
type InsnsProgram = Exclude<NonNullable<Parsed['programs']>[number], { readonly object: string }>;

/** A scenario as the schema reads it: programs may still name a BPF object (objectProgram.ts). */
export type ParsedScenario = Parsed;

/**
 * A whole scenario, exactly as its file says (absent optional fields stay absent; `$schema`
 * dropped), with every object program entry resolved to its type and attach point.
 */
export type ScenarioDef = Omit<Parsed, '$schema' | 'programs'> & {
  readonly programs?: readonly ProgramDef[];
};
/** A user-facing integer parameter; invariant: min <= default <= max. */
export type ParamDef = NonNullable<Parsed['params']>[string];
/** Model options; all optional (defaults: false, false, [], 1). */
export type ScenarioOptions = NonNullable<Parsed['options']>;
/** A cgroup; without `parent` it is the top of a hierarchy. */
export type CgroupDef = NonNullable<Parsed['cgroups']>[number];
/** A task sleeping in a cgroup: a member that keeps it populated. */
export type TaskDef = NonNullable<Parsed['tasks']>[number];
export type MapDef = NonNullable<Parsed['maps']>[number];
/** A BPF_MAP_TYPE_CGRP_STORAGE map. */
export type CgrpStorageMapDef = Extract<MapDef, { type: 'cgrp_storage' }>;
/** A deprecated BPF_MAP_TYPE_(PERCPU_)CGROUP_STORAGE map. */
export type DeprecatedMapDef = Exclude<MapDef, { type: 'cgrp_storage' }>;
/**
 * A BPF program in the small assembly syntax of model/programs/bpfProgramParse.ts, or
 * of a compiled BPF object (`object`, `program`; `insns` is then empty).
 */
export type ProgramDef = InsnsProgram & {
  /** A compiled BPF object (path relative to the scenario file) (format/objectProgram.ts). */
  readonly object?: string;
  /** The object's program: a function or section name. */
  readonly program?: string;
};
/** A cgroup program attached to a cgroup before the actors start. */
export type AttachmentDef = NonNullable<Parsed['attach']>[number];
export type ActorDef = Parsed['actors'][number];
/** A task on a CPU running programs in its cgroup; `count` copies of it. */
export type CpuActorDef = Extract<ActorDef, { kind: 'cpu' }>;
/** A userspace thread issuing operations in order. */
export type UserActorDef = Extract<ActorDef, { kind: 'user' }>;
/** A tracing program attached for the whole execution; it runs nested wherever its hook is reached. */
export type TraceActorDef = Extract<ActorDef, { kind: 'trace' }>;
/** One entry of a cpu actor's `run` list: one program, or every program attached at a cgroup hook. */
export type RunStepDef = CpuActorDef['run'][number];
/** Another actor's named operation an actor starts after. */
export type AfterDef = NonNullable<CpuActorDef['after']>;
export type UserOpDef = UserActorDef['ops'][number];
export type LookupOpDef = Extract<UserOpDef, { op: 'lookup' }>;
export type UpdateOpDef = Extract<UserOpDef, { op: 'update' }>;
export type DeleteOpDef = Extract<UserOpDef, { op: 'delete' }>;
export type GetNextKeyOpDef = Extract<UserOpDef, { op: 'get-next-key' }>;
export type RmdirOpDef = Extract<UserOpDef, { op: 'rmdir' }>;
export type CloseMapOpDef = Extract<UserOpDef, { op: 'close-map' }>;
export type AttachOpDef = Extract<UserOpDef, { op: 'attach' | 'detach' }>;
export type MigrateOpDef = Extract<UserOpDef, { op: 'migrate' }>;
export type RunOpDef = Extract<UserOpDef, { op: 'run' }>;
/** What an operation must return: a result, `{ anyOf }` or `{ reachable }`. */
export type OpExpectDef = NonNullable<UserOpDef['expect']>;
/** A return value, or a negative errno by name (`-ENOENT`). */
export type OpResultDef = Exclude<OpExpectDef, { readonly anyOf: unknown } | { readonly reachable: unknown }>;
/** What one key of a map holds when an execution ends (`expectFinal`). */
export type FinalValueDef = NonNullable<Parsed['expectFinal']>[number];
/** The budget a catalogue entry needs to reach its verdict, when the default (random, 300 runs) is not enough. */
export type BudgetDef = NonNullable<Parsed['budget']>;
