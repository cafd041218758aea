/**
 * Turns a raw generated shape (independent integers and booleans) into a valid
 * ScenarioDef. Every reference is an index taken modulo what exists, so any
 * shrink of the raw shape still maps to a valid scenario, and a shrunk index
 * (toward 0) means the first, simplest choice.
 */
import type {
  ActorDef,
  AttachmentDef,
  AttachType,
  KernelVersion,
  MapDef,
  ProgramDef,
  RunStepDef,
  ScenarioDef,
  UpdateFlag,
  UserOpDef,
} from '../format/types.js';
import type { MenuProgram, ResolvedGenerateOptions, UserOpKind } from './options.js';
import { COUNTERS_MAP, insnsOf, mapsUsedBy, OLD_MAP } from './programs.js';

/** Which programs, operations and features one case may use (swarm testing). */
export interface RawSwarm {
  /** One flag per menu program; none on means the first program only. */
  readonly programs: readonly boolean[];
  /** One flag per operation kind. */
  readonly ops: readonly boolean[];
  readonly secondChild: boolean;
  readonly lockTimeouts: boolean;
}

export interface RawRunStep {
  readonly program: number;
  readonly times: number;
}

export interface RawCpu {
  readonly cgroup: number;
  readonly run: readonly RawRunStep[];
}

export interface RawOp {
  readonly kind: number;
  readonly map: number;
  readonly cgroup: number;
  readonly flags: number;
  readonly value: number;
}

/** The generated shape before it is made a scenario. */
export interface RawScenario {
  readonly swarm: RawSwarm;
  readonly era: KernelVersion;
  readonly cpus: readonly RawCpu[];
  readonly ops: readonly RawOp[];
}

/** Update flag sets, simplest first. */
const UPDATE_FLAG_SETS: readonly (readonly UpdateFlag[])[] = [
  ['BPF_ANY'],
  ['BPF_NOEXIST'],
  ['BPF_EXIST'],
  ['BPF_F_LOCK'],
  ['BPF_EXIST', 'BPF_F_LOCK'],
];

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
const enabledOf = <T>(xs: readonly T[], flags: readonly boolean[]): T[] => xs.filter((_, i) => flags[i]);

/** The hook a cpu actor runs to reach a cgroup program. */
function hookOf(p: MenuProgram): string {
  return p.type === 'lsm_cgroup' ? `lsm_cgroup/${p.attach}` : p.attach;
}

function runStepOf(p: MenuProgram, times: number): RunStepDef {
  const t = times === 1 ? {} : { times };
  return p.isCgroupProgram ? { hook: hookOf(p), ...t } : { program: p.name, ...t };
}

interface Built {
  readonly programs: MenuProgram[];
  readonly actors: ActorDef[];
  readonly attach: AttachmentDef[];
}

function buildCpus(raw: RawScenario, menu: readonly MenuProgram[], children: readonly string[]): Built {
  const programs: MenuProgram[] = [];
  const attach: AttachmentDef[] = [];
  const actors = raw.cpus.map((c, i): ActorDef => {
    const cgroup = pick(children, c.cgroup);
    const run = c.run.map((s) => {
      const p = pick(menu, s.program);
      if (!programs.includes(p)) programs.push(p);
      if (p.isCgroupProgram && !attach.some((a) => a.program === p.name && a.cgroup === cgroup))
        attach.push({ program: p.name, cgroup });
      return runStepOf(p, s.times);
    });
    return { kind: 'cpu', name: `cpu${i}`, cgroup, run };
  });
  return { programs, actors, attach };
}

interface OpContext {
  readonly maps: readonly string[];
  readonly children: readonly string[];
  readonly cgroups: readonly string[];
  /** The attach type userspace names `old`'s keys with. */
  readonly oldAttach: AttachType;
}

function buildOp(kind: UserOpKind, r: RawOp, ctx: OpContext): UserOpDef {
  if (kind === 'rmdir') return { op: 'rmdir', cgroup: pick(ctx.children, r.cgroup) };
  const map = pick(ctx.maps, r.map);
  if (kind === 'close-map') return { op: 'close-map', map };
  const key = {
    map,
    cgroup: pick(ctx.cgroups, r.cgroup),
    ...(map === OLD_MAP && { attachType: ctx.oldAttach }),
  };
  if (kind === 'lookup') return { op: 'lookup', ...key, ...(r.flags % 2 === 1 && { flags: ['BPF_F_LOCK'] }) };
  if (kind === 'update')
    return { op: 'update', ...key, value: [r.value], flags: pick(UPDATE_FLAG_SETS, r.flags) };
  return { op: 'delete', ...key };
}

/**
 * The user thread's operations. After close-map of a map, userspace has no fd
 * for it: later operations on it would only fail with -EBADF, so they are left out.
 */
function buildOps(raw: readonly RawOp[], kinds: readonly UserOpKind[], ctx: OpContext): UserOpDef[] {
  const closed = new Set<string>();
  const ops: UserOpDef[] = [];
  for (const r of raw) {
    const op = buildOp(pick(kinds, r.kind), r, ctx);
    if ('map' in op && closed.has(op.map)) continue;
    if (op.op === 'close-map') closed.add(op.map);
    ops.push(op);
  }
  return ops;
}

function programDef(p: MenuProgram, slot: number): ProgramDef {
  return { name: p.name, type: p.type, attach: p.attach, insns: insnsOf(p, slot) };
}

/** The scenario a raw shape stands for under `o`; valid by construction. */
export function buildScenarioDef(raw: RawScenario, o: ResolvedGenerateOptions): ScenarioDef {
  const on = enabledOf(o.programs, raw.swarm.programs);
  const menu = on.length === 0 ? [o.programs[0]!] : on;
  const children = raw.swarm.secondChild && o.maxChildCgroups > 1 ? ['app', 'web'] : ['app'];
  const built = buildCpus(raw, menu, children);
  const hasLock = built.programs.some((p) => p.needsSpinLock);
  const slot = hasLock ? 1 : 0;
  const programs = built.programs.map((p) => programDef(p, slot));
  const oldUser = built.programs.find((p) => mapsUsedBy(insnsOf(p, slot)).includes(OLD_MAP));
  const maps: MapDef[] = [
    {
      name: COUNTERS_MAP,
      type: 'cgrp_storage',
      valueSize: hasLock ? 16 : 8,
      ...(hasLock && { spinLock: true }),
    },
    ...(oldUser === undefined ? [] : [{ name: OLD_MAP, type: 'cgroup_storage' as const, valueSize: 8 }]),
  ];
  const kinds = enabledOf(o.userOps, raw.swarm.ops);
  const ctx: OpContext = {
    maps: maps.map((m) => m.name),
    children,
    cgroups: [...children, 'root'],
    oldAttach: (oldUser?.type === 'lsm_cgroup' ? 'lsm_cgroup' : (oldUser?.attach ?? 'egress')) as AttachType,
  };
  const ops = kinds.length === 0 ? [] : buildOps(raw.ops, kinds, ctx);
  const hasTimeouts = raw.era === '7.0' && (o.lockTimeouts ?? raw.swarm.lockTimeouts);
  return {
    name: 'generated',
    description: 'generated by scenarioArbitrary',
    kernel: raw.era,
    ...(hasTimeouts && { options: { lockTimeouts: true } }),
    cgroups: [{ name: 'root' }, ...children.map((name) => ({ name, parent: 'root' }))],
    maps,
    programs,
    ...(built.attach.length > 0 && { attach: built.attach }),
    actors: [...built.actors, ...(ops.length === 0 ? [] : [{ kind: 'user' as const, name: 'user', ops }])],
    ...(o.check.length > 0 && { check: o.check }),
  };
}
