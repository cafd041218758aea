/**
 * Cross-reference checks of a well-shaped scenario: unique names, references
 * to declared cgroups, maps, programs and parameters, the cgroup tree, and
 * which program types go where. Returns the first problem found.
 */
import { at, type Found, first, type Issue, idx, type ParamUse } from './paths.js';
import { checkTasksAndOrder } from './referencesTasks.js';
import type { ActorDef, FinalValueDef, MapDef, ProgramDef, ScenarioDef, UserOpDef } from './types.js';
import { ATTACH_POINTS_OF, ATTACH_TYPES, TRACE_PROGRAM_TYPES } from './vocabulary.js';

/** Names declared in one namespace, each with the path that declared it first. */
class Names<T> {
  readonly byName = new Map<string, { path: string; item: T }>();
  constructor(readonly what: string) {}

  declare(name: string, path: string, item: T): Found {
    const first = this.byName.get(name);
    if (first !== undefined)
      return {
        path: at(path, 'name'),
        message: `duplicate ${this.what} name '${name}' (also ${first.path})`,
      };
    this.byName.set(name, { path, item });
    return undefined;
  }

  /** The item named at `path`, or an issue naming what is declared. */
  find(name: string, path: string): { item: T } | Issue {
    const found = this.byName.get(name);
    if (found !== undefined) return found;
    const all = [...this.byName.keys()];
    return {
      path,
      message: `unknown ${this.what} '${name}' (${all.length ? `declared: ${all.join(', ')}` : 'none declared'})`,
    };
  }
}

const isIssue = (x: { item: unknown } | Issue): x is Issue => 'message' in x;

/** True for program types that attach to cgroups. */
export const isCgroupProgram = (p: ProgramDef): boolean =>
  p.type in ATTACH_POINTS_OF || p.type === 'lsm_cgroup';

/** Checks every reference in `def`; `hooks` are the functions trace actors may hook. */
export function checkReferences(
  def: ScenarioDef,
  uses: readonly ParamUse[],
  hooks: readonly string[],
): Found {
  const cgroups = new Names<NonNullable<ScenarioDef['cgroups']>[number]>('cgroup');
  const maps = new Names<MapDef>('map');
  const programs = new Names<ProgramDef>('program');
  const actors = new Names<ActorDef>('actor');
  const ctx = { def, cgroups, maps, programs, hooks };
  return (
    first(def.cgroups ?? [], (c, i) => cgroups.declare(c.name, idx('cgroups', i), c)) ??
    first(def.maps ?? [], (m, i) => maps.declare(m.name, idx('maps', i), m)) ??
    first(def.programs ?? [], (p, i) => programs.declare(p.name, idx('programs', i), p)) ??
    first(def.actors, (a, i) =>
      a.kind === 'trace' ? undefined : actors.declare(a.name, idx('actors', i), a),
    ) ??
    first(def.cgroups ?? [], (c, i) => checkCgroup(ctx, c.name, idx('cgroups', i))) ??
    first(def.programs ?? [], (p, i) => checkProgram(ctx, p, idx('programs', i))) ??
    checkAttachments(ctx) ??
    first(def.setup ?? [], (op, i) => checkOp(ctx, op, idx('setup', i))) ??
    first(def.actors, (a, i) => checkActor(ctx, a, idx('actors', i))) ??
    first(def.expectFinal ?? [], (f, i) => checkFinalValue(ctx, f, idx('expectFinal', i))) ??
    checkTasksAndOrder(def) ??
    checkParams(def, uses)
  );
}

type Ctx = {
  readonly def: ScenarioDef;
  readonly cgroups: Names<NonNullable<ScenarioDef['cgroups']>[number]>;
  readonly maps: Names<MapDef>;
  readonly programs: Names<ProgramDef>;
  readonly hooks: readonly string[];
};

function checkCgroup(ctx: Ctx, name: string, path: string): Found {
  const start = ctx.cgroups.byName.get(name)!.item;
  const chain = [start];
  for (let node = start; node.parent !== undefined; ) {
    const parent = ctx.cgroups.find(node.parent, at(ctx.cgroups.byName.get(node.name)!.path, 'parent'));
    if (isIssue(parent)) return parent;
    const names = [...chain, parent.item].map((c) => c.name);
    if (chain.includes(parent.item))
      return { path: at(path, 'parent'), message: `cycle in the cgroup tree: ${names.join(' -> ')}` };
    chain.push(parent.item);
    node = parent.item;
  }
  const inherited = chain.slice(1).find((c) => c.v1 !== undefined);
  if (start.v1 === undefined || inherited?.v1 === undefined || inherited.v1 === start.v1) return undefined;
  const hierarchy = inherited.v1 ? 'v1' : 'v2';
  return {
    path: at(path, 'v1'),
    message: `${start.v1}, but ancestor '${inherited.name}' is in a cgroup ${hierarchy} hierarchy`,
  };
}

function checkProgram(ctx: Ctx, p: ProgramDef, path: string): Found {
  const points: readonly string[] | undefined = ATTACH_POINTS_OF[p.type as keyof typeof ATTACH_POINTS_OF];
  if (points !== undefined && !points.includes(p.attach))
    return {
      path: at(path, 'attach'),
      message: `'${p.attach}' is not an attach point of ${p.type} (expected one of ${points.join(', ')})`,
    };
  if (isCgroupProgram(p) && p.sleepable === true)
    return { path: at(path, 'sleepable'), message: `${p.type} programs cannot be sleepable` };
  const tail = first(p.tailCalls ?? [], (name, i) =>
    checkTailCall(ctx, p, name, idx(at(path, 'tailCalls'), i)),
  );
  if (tail !== undefined) return tail;
  return first(p.insns, (insn, i) => {
    for (const m of insn.matchAll(/(?:^|\s)map=([^\s,]+)/g)) {
      const found = ctx.maps.find(m[1] ?? '', idx(at(path, 'insns'), i));
      if (isIssue(found)) return found;
    }
    return undefined;
  });
}

/** A prog array slot: a declared program of the caller's type (bpf_prog_map_compatible, kernel/bpf/core.c). */
function checkTailCall(ctx: Ctx, p: ProgramDef, name: string, path: string): Found {
  const target = ctx.programs.find(name, path);
  if (isIssue(target)) return target;
  if (target.item.type !== p.type)
    return {
      path,
      message: `'${name}' is a ${target.item.type} program; a ${p.type} prog array holds only ${p.type} programs`,
    };
  return undefined;
}

function cgroupProgram(ctx: Ctx, name: string, path: string): Found {
  const p = ctx.programs.find(name, path);
  if (isIssue(p)) return p;
  if (!isCgroupProgram(p.item))
    return { path, message: `'${name}' is a ${p.item.type} program; only cgroup programs attach to cgroups` };
  return undefined;
}

function checkAttachments(ctx: Ctx): Found {
  const seen = new Map<string, string>();
  return first(ctx.def.attach ?? [], (a, i) => {
    const path = idx('attach', i);
    const found =
      cgroupProgram(ctx, a.program, at(path, 'program')) ??
      findIssue(ctx.cgroups, a.cgroup, at(path, 'cgroup'));
    if (found !== undefined) return found;
    const key = JSON.stringify([a.program, a.cgroup]);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      return {
        path,
        message: `program '${a.program}' is already attached to cgroup '${a.cgroup}' (${earlier})`,
      };
    seen.set(key, path);
    return undefined;
  });
}

function findIssue<T>(names: Names<T>, name: string, path: string): Found {
  const found = names.find(name, path);
  return isIssue(found) ? found : undefined;
}

/** Hooks a cpu actor may fire: the cgroup attach points, and lsm_cgroup/<hook> of each lsm_cgroup program. */
function cgroupHooks(ctx: Ctx): string[] {
  const lsm = (ctx.def.programs ?? [])
    .filter((p) => p.type === 'lsm_cgroup')
    .map((p) => `lsm_cgroup/${p.attach}`);
  return [...ATTACH_TYPES.filter((t) => t !== 'lsm_cgroup'), ...lsm];
}

function checkActor(ctx: Ctx, a: ActorDef, path: string): Found {
  if (a.kind === 'trace') {
    const p = ctx.programs.find(a.program, at(path, 'program'));
    if (isIssue(p)) return p;
    if (!(TRACE_PROGRAM_TYPES as readonly string[]).includes(p.item.type))
      return {
        path: at(path, 'program'),
        message: `'${a.program}' is a ${p.item.type} program; a trace actor needs an fentry, fexit or kprobe program`,
      };
    if (!ctx.hooks.includes(p.item.attach))
      return {
        path: at(path, 'program'),
        message: `'${a.program}' hooks '${p.item.attach}', which the model never reaches (expected one of ${ctx.hooks.join(', ')})`,
      };
    return undefined;
  }
  if (a.kind === 'user') return first(a.ops, (op, i) => checkOp(ctx, op, idx(at(path, 'ops'), i)));
  return (
    findIssue(ctx.cgroups, a.cgroup, at(path, 'cgroup')) ??
    first(a.run, (step, i) => {
      const p = idx(at(path, 'run'), i);
      if ('hook' in step) {
        const hooks = cgroupHooks(ctx);
        if (hooks.includes(step.hook)) return undefined;
        return {
          path: at(p, 'hook'),
          message: `unknown hook '${step.hook}' (expected one of ${hooks.join(', ')})`,
        };
      }
      const prog = ctx.programs.find(step.program, at(p, 'program'));
      if (isIssue(prog)) return prog;
      if (!isCgroupProgram(prog.item)) return undefined;
      const hook = prog.item.type === 'lsm_cgroup' ? `lsm_cgroup/${prog.item.attach}` : prog.item.attach;
      return {
        path: at(p, 'program'),
        message: `'${step.program}' is a ${prog.item.type} program: run it as {"hook": "${hook}"}`,
      };
    })
  );
}

/** A program userspace runs in setup: declared, not a cgroup program, in a declared cgroup. */
function checkRun(ctx: Ctx, op: Extract<UserOpDef, { op: 'run' }>, path: string): Found {
  if (!path.startsWith('setup'))
    return { path: at(path, 'op'), message: "'run' is for setup; a cpu actor runs programs concurrently" };
  const p = ctx.programs.find(op.program, at(path, 'program'));
  if (isIssue(p)) return p;
  if (isCgroupProgram(p.item))
    return {
      path: at(path, 'program'),
      message: `'${op.program}' is a ${p.item.type} program; it runs from its cgroup hook, not in setup`,
    };
  return findIssue(ctx.cgroups, op.cgroup, at(path, 'cgroup'));
}

function checkOp(ctx: Ctx, op: UserOpDef, path: string): Found {
  if (op.op === 'run') return checkRun(ctx, op, path);
  if ('program' in op)
    return (
      cgroupProgram(ctx, op.program, at(path, 'program')) ??
      findIssue(ctx.cgroups, op.cgroup, at(path, 'cgroup'))
    );
  if (!('map' in op)) return findIssue(ctx.cgroups, op.cgroup, at(path, 'cgroup'));
  const map = ctx.maps.find(op.map, at(path, 'map'));
  if (isIssue(map)) return map;
  if (!('cgroup' in op) && op.op === 'close-map') return undefined;
  const cgroup = op.cgroup === undefined ? undefined : findIssue(ctx.cgroups, op.cgroup, at(path, 'cgroup'));
  if (cgroup !== undefined) return cgroup;
  const m = map.item;
  const isIsolated = m.type !== 'cgrp_storage' && (m.key ?? 'isolated') === 'isolated';
  if (isIsolated && op.cgroup !== undefined && op.attachType === undefined)
    return {
      path,
      message: `map '${m.name}' is keyed by (cgroup, attach type): add 'attachType' (one of ${ATTACH_TYPES.join(', ')})`,
    };
  if ('fd' in op && op.fd !== undefined && m.type !== 'cgrp_storage')
    return {
      path: at(path, 'fd'),
      message: `map '${m.name}' is keyed by struct bpf_cgroup_storage_key or a cgroup id, not an fd; remove 'fd'`,
    };
  if ((!isIsolated || op.cgroup === undefined) && op.attachType !== undefined) {
    const why = op.cgroup === undefined ? 'no key is given' : `map '${m.name}' is keyed by cgroup alone`;
    return { path: at(path, 'attachType'), message: `${why}; remove 'attachType'` };
  }
  return undefined;
}

/** An `expectFinal` entry names its key as a lookup would; `times` needs a `value` to multiply. */
function checkFinalValue(ctx: Ctx, f: FinalValueDef, path: string): Found {
  if (f.times !== undefined && f.value === undefined)
    return {
      path: at(path, 'times'),
      message: `multiplies 'value', which is absent${f.anyOf === undefined && f.reachable === undefined ? ' (no entry expected)' : ''}`,
    };
  const attachType = f.attachType === undefined ? {} : { attachType: f.attachType };
  return checkOp(ctx, { op: 'lookup', map: f.map, cgroup: f.cgroup, ...attachType }, path);
}

function checkParams(def: ScenarioDef, uses: readonly ParamUse[]): Found {
  const params = def.params ?? {};
  const names = Object.keys(params);
  const declared = names.length ? `declared: ${names.join(', ')}` : 'none declared';
  const bad = first(uses, (u) => {
    const p = params[u.ref.slice(1)];
    if (p === undefined) return { path: u.path, message: `unknown parameter '${u.ref}' (${declared})` };
    if (p.min < u.min || p.max > u.max)
      return {
        path: u.path,
        message: `'${u.ref}' ranges over [${p.min}, ${p.max}], outside the allowed [${u.min}, ${u.max}]`,
      };
    return undefined;
  });
  return (
    bad ??
    first(names, (name) =>
      uses.some((u) => u.ref === `$${name}`)
        ? undefined
        : { path: at('params', name), message: 'declared but never used' },
    )
  );
}
