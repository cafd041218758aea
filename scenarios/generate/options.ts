/**
 * Options of the scenario and schedule arbitraries: `Options` (all optional)
 * → resolveGenerateOptions() → `ResolvedGenerateOptions` (every field set).
 * Bad options throw here, when the arbitrary is built, never while generating.
 */

import { checkOptionKeys, optionalBoolean, optionalChoice, optionalKernel } from '../api/apiOptions.js';
import { isCgroupProgram } from '../format/references.js';
import type { KernelVersion } from '../format/types.js';
import { KERNEL_VERSIONS } from '../format/vocabulary.js';
import {
  COUNTERS_MAP,
  type GeneratedProgram,
  insnsOf,
  mapsUsedBy,
  OLD_MAP,
  PROGRAM_MENU,
  PROGRAM_MENU_NAMES,
  type ProgramMenuName,
} from './programs.js';

/** Userspace operations a generated user thread may issue, simplest first. */
export const USER_OP_KINDS = ['lookup', 'update', 'delete', 'rmdir', 'close-map'] as const;
export type UserOpKind = (typeof USER_OP_KINDS)[number];

/** A program to pick from: a menu name, a whole program, or bare instructions (a tp_btf program). */
export type ProgramChoice = ProgramMenuName | GeneratedProgram | readonly string[];

export const DEFAULT_MAX_CPUS = 3;
export const DEFAULT_MAX_RUN_STEPS = 2;
export const DEFAULT_MAX_TIMES = 2;
export const DEFAULT_MAX_USER_OPS = 3;
export const DEFAULT_MAX_CHILD_CGROUPS = 2;
/** Entries of a generated choice stream; later decisions take the non-preemptive default. */
export const DEFAULT_MAX_CHOICES = 64;
/** Largest task id a stream entry names: 3 cpus, a user thread, rcu and kworker are tasks 0..5. */
export const DEFAULT_MAX_CHOICE = 5;

/** What generated scenarios may contain; every field optional. */
export interface ScenarioArbitraryOptions {
  /** Programs cpu actors run, simplest first (shrinking prefers the first). @defaultValue every PROGRAM_MENU_NAMES entry */
  readonly programs?: readonly ProgramChoice[];
  /** Operations of the userspace thread; `[]` for none. @defaultValue USER_OP_KINDS */
  readonly userOps?: readonly UserOpKind[];
  /** Kernel versions, simplest first. @defaultValue KERNEL_VERSIONS */
  readonly eras?: readonly KernelVersion[];
  /** @defaultValue 1 */
  readonly minCpus?: number;
  /** Cpu actors, one per CPU, at most 64. @defaultValue DEFAULT_MAX_CPUS */
  readonly maxCpus?: number;
  /** Run steps (program, times) per cpu actor. @defaultValue DEFAULT_MAX_RUN_STEPS */
  readonly maxRunSteps?: number;
  /** Repetitions of one run step. @defaultValue DEFAULT_MAX_TIMES */
  readonly maxTimes?: number;
  /** @defaultValue DEFAULT_MAX_USER_OPS */
  readonly maxUserOps?: number;
  /** Children of the root cgroup, 1 or 2. @defaultValue DEFAULT_MAX_CHILD_CGROUPS */
  readonly maxChildCgroups?: number;
  /** rqspinlock timeouts on 7.0: always, never, or undefined for a swarm choice. @defaultValue undefined */
  readonly lockTimeouts?: boolean;
  /** Invariants checked besides the always-on ones. @defaultValue ['atomic-add'] */
  readonly check?: readonly string[];
  /**
   * Swarm testing (Groce et al., ISSTA 2012): each case first enables a random
   * subset of the programs, operations and features, then uses only those.
   * @defaultValue true
   */
  readonly isSwarm?: boolean;
}

/** Options of the choice-stream arbitrary. */
export interface ScheduleArbitraryOptions {
  /** @defaultValue DEFAULT_MAX_CHOICES */
  readonly maxChoices?: number;
  /** @defaultValue DEFAULT_MAX_CHOICE */
  readonly maxChoice?: number;
}

/** A program of the resolved menu: its name, type, attach point and maps known. */
export interface MenuProgram {
  readonly name: string;
  readonly type: NonNullable<GeneratedProgram['type']>;
  readonly attach: string;
  readonly isCgroupProgram: boolean;
  readonly needsSpinLock: boolean;
  readonly insns: GeneratedProgram['insns'];
}

export interface ResolvedGenerateOptions {
  readonly programs: readonly MenuProgram[];
  readonly userOps: readonly UserOpKind[];
  readonly eras: readonly KernelVersion[];
  readonly minCpus: number;
  readonly maxCpus: number;
  readonly maxRunSteps: number;
  readonly maxTimes: number;
  readonly maxUserOps: number;
  readonly maxChildCgroups: number;
  readonly lockTimeouts: boolean | undefined;
  readonly check: readonly string[];
  readonly isSwarm: boolean;
  readonly maxChoices: number;
  readonly maxChoice: number;
}

function intIn(name: string, v: number | undefined, dflt: number, lo: number, hi: number): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < lo || x > hi)
    throw new Error(`scenarioArbitrary: ${name} must be an integer in [${lo}, ${hi}], got ${x}`);
  return x;
}

function toProgram(choice: ProgramChoice, i: number): GeneratedProgram {
  if (typeof choice === 'string') {
    const p = PROGRAM_MENU[choice];
    if (p === undefined)
      throw new Error(
        `scenarioArbitrary: unknown program '${choice}' (known: ${PROGRAM_MENU_NAMES.join(', ')})`,
      );
    return p;
  }
  if (Array.isArray(choice)) return { name: i === 0 ? 'custom' : `custom${i}`, insns: choice };
  return choice as GeneratedProgram;
}

function resolveProgram(p: GeneratedProgram): MenuProgram {
  const type = p.type ?? 'tp_btf';
  const attach = p.attach ?? 'sys_enter';
  for (const slot of [0, 1])
    for (const m of mapsUsedBy(insnsOf(p, slot)))
      if (m !== COUNTERS_MAP && m !== OLD_MAP)
        throw new Error(
          `scenarioArbitrary: program '${p.name}' uses map '${m}'; generated scenarios declare ${COUNTERS_MAP} (cgrp_storage) and ${OLD_MAP} (cgroup_storage)`,
        );
  return {
    name: p.name,
    type,
    attach,
    isCgroupProgram: isCgroupProgram({ name: p.name, type, attach, insns: [] }),
    needsSpinLock: p.needsSpinLock ?? false,
    insns: p.insns,
  };
}

/**
 * Every option key the generating functions take: the scenario's, the
 * schedule's and checkGenerated's own (which passes all of them through).
 */
const GENERATE_OPTION_KEYS = [
  'programs',
  'userOps',
  'eras',
  'minCpus',
  'maxCpus',
  'maxRunSteps',
  'maxTimes',
  'maxUserOps',
  'maxChildCgroups',
  'lockTimeouts',
  'check',
  'isSwarm',
  'maxChoices',
  'maxChoice',
  'predicate',
  'params',
  'maxSteps',
] as const;

/** Fills in every default and checks ranges and keys; throws on bad options (an OptionError for keys and choices). */
export function resolveGenerateOptions(
  o: ScenarioArbitraryOptions & ScheduleArbitraryOptions = {},
): ResolvedGenerateOptions {
  checkOptionKeys('scenarioArbitrary', o, GENERATE_OPTION_KEYS);
  for (const [i, era] of (o.eras ?? []).entries())
    optionalKernel('scenarioArbitrary', `options.eras[${i}]`, era);
  for (const [i, op] of (o.userOps ?? []).entries())
    optionalChoice('scenarioArbitrary', `options.userOps[${i}]`, op, USER_OP_KINDS);
  optionalBoolean('scenarioArbitrary', 'options.lockTimeouts', o.lockTimeouts);
  optionalBoolean('scenarioArbitrary', 'options.isSwarm', o.isSwarm);
  const programs = (o.programs ?? PROGRAM_MENU_NAMES).map(toProgram).map(resolveProgram);
  if (programs.length === 0) throw new Error('scenarioArbitrary: programs must not be empty');
  const names = programs.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`scenarioArbitrary: two programs are named '${dup}'`);
  const eras = o.eras ?? KERNEL_VERSIONS;
  if (eras.length === 0) throw new Error('scenarioArbitrary: eras must not be empty');
  const minCpus = intIn('minCpus', o.minCpus, 1, 1, 64);
  return {
    programs,
    userOps: o.userOps ?? USER_OP_KINDS,
    eras,
    minCpus,
    maxCpus: intIn('maxCpus', o.maxCpus, Math.max(minCpus, DEFAULT_MAX_CPUS), minCpus, 64),
    maxRunSteps: intIn('maxRunSteps', o.maxRunSteps, DEFAULT_MAX_RUN_STEPS, 1, 16),
    maxTimes: intIn('maxTimes', o.maxTimes, DEFAULT_MAX_TIMES, 1, 1000),
    maxUserOps: intIn('maxUserOps', o.maxUserOps, DEFAULT_MAX_USER_OPS, 0, 64),
    maxChildCgroups: intIn('maxChildCgroups', o.maxChildCgroups, DEFAULT_MAX_CHILD_CGROUPS, 1, 2),
    lockTimeouts: o.lockTimeouts,
    check: o.check ?? ['atomic-add'],
    isSwarm: o.isSwarm ?? true,
    maxChoices: intIn('maxChoices', o.maxChoices, DEFAULT_MAX_CHOICES, 0, 100_000),
    maxChoice: intIn('maxChoice', o.maxChoice, DEFAULT_MAX_CHOICE, 0, 1000),
  };
}
