/**
 * A scenario after parameter resolution: every `$param` replaced by its value,
 * every default filled in, cpu actors expanded one per task with its CPU.
 * This is what the lead compiles into model actors.
 */
import type {
  AfterDef,
  AttachmentDef,
  AttachOpDef,
  AttachType,
  CloseMapOpDef,
  DeleteOpDef,
  GetNextKeyOpDef,
  KernelVersion,
  LookupOpDef,
  MapType,
  MigrateOpDef,
  ProgramDef,
  ProgramType,
  RmdirOpDef,
  RunOpDef,
  StorageKey,
  TaskDef,
  UpdateOpDef,
} from './types.js';

export interface ResolvedOptions {
  readonly lockTimeouts: boolean;
  readonly allocFailures: boolean;
  readonly bugs: readonly string[];
  readonly kworkers: number;
}

export interface ResolvedCgroup {
  readonly name: string;
  readonly parent: string | undefined;
  /** Inherited from the nearest ancestor that says, else false. */
  readonly v1: boolean;
}

/** invariant: `key` is undefined iff `type` is cgrp_storage. */
export interface ResolvedMap {
  readonly name: string;
  readonly type: MapType;
  readonly valueSize: number;
  readonly spinLock: boolean;
  readonly key: StorageKey | undefined;
}

export interface ResolvedProgram {
  readonly name: string;
  readonly type: ProgramType;
  readonly attach: string;
  readonly sleepable: boolean;
  readonly insns: readonly string[];
  /** Global data slots; 0 for none. */
  readonly data: number;
  /** What its helper calls return, by line in `insns`. */
  readonly expectCalls?: NonNullable<ProgramDef['expectCalls']>;
  readonly tailCalls: readonly string[];
  readonly object?: string;
  readonly program?: string;
}

export type ResolvedRunStep =
  | { readonly program: string; readonly times: number; readonly name?: string }
  | { readonly hook: string; readonly times: number; readonly name?: string };

export type ResolvedUserOp =
  | LookupOpDef
  | (Omit<UpdateOpDef, 'value'> & { readonly value: readonly number[] })
  | DeleteOpDef
  | GetNextKeyOpDef
  | RmdirOpDef
  | CloseMapOpDef
  | AttachOpDef
  | MigrateOpDef
  | (Omit<RunOpDef, 'times'> & { readonly times: number });

/** One task on one CPU; `count` copies are named `<name>0`, `<name>1`, .... */
export interface ResolvedCpuActor {
  readonly kind: 'cpu';
  readonly name: string;
  readonly cpu: number;
  readonly cgroup: string;
  /** `member` populates its cgroup until it exits; `exiting` (the default) is past cgroup_exit. */
  readonly task: 'member' | 'exiting';
  /** Starts once this user actor's named operation has returned. */
  readonly after: AfterDef | undefined;
  readonly run: readonly ResolvedRunStep[];
}

export interface ResolvedUserActor {
  readonly kind: 'user';
  readonly name: string;
  readonly cpu: number;
  readonly after: AfterDef | undefined;
  readonly ops: readonly ResolvedUserOp[];
}

/** `times` undefined: the program runs every time its hook is reached. */
export interface ResolvedTraceActor {
  readonly kind: 'trace';
  readonly program: string;
  readonly times: number | undefined;
}

export type ResolvedActor = ResolvedCpuActor | ResolvedUserActor | ResolvedTraceActor;

/** A final value: u64 words, or undefined for "no entry". */
export type ResolvedWords = readonly number[] | undefined;

/**
 * An `expectFinal` entry with `times` applied. With `anyOf` the key ends with one of
 * those values; with `reachable` each is an end value of some execution; else it
 * ends holding `value` (undefined: no entry).
 */
export interface ResolvedFinalValue {
  readonly map: string;
  readonly cgroup: string;
  readonly attachType: AttachType | undefined;
  readonly value: ResolvedWords;
  readonly anyOf?: readonly ResolvedWords[];
  readonly reachable?: readonly ResolvedWords[];
}

/** A scenario ready to compile; every field set. */
export interface ResolvedScenarioDef {
  readonly name: string;
  readonly description: string;
  readonly kernel: KernelVersion;
  readonly expect: string | undefined;
  /** The value of every declared parameter, in declaration order. */
  readonly params: Readonly<Record<string, number>>;
  readonly options: ResolvedOptions;
  readonly cgroups: readonly ResolvedCgroup[];
  readonly maps: readonly ResolvedMap[];
  readonly programs: readonly ResolvedProgram[];
  readonly attach: readonly AttachmentDef[];
  /** Member tasks sleeping in cgroups for the whole run. */
  readonly tasks: readonly TaskDef[];
  /** Userspace operations run to completion on the setup actor before any scheduled step. */
  readonly setup: readonly ResolvedUserOp[];
  readonly actors: readonly ResolvedActor[];
  readonly expectFinal: readonly ResolvedFinalValue[];
  /** Simulated CPUs: one more than the highest CPU any actor runs on. */
  readonly cpus: number;
  readonly check: readonly string[];
  readonly reachability: readonly string[];
}
