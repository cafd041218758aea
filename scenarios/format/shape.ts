/**
 * Shape checks of a whole scenario: every field present, known and of the
 * right type, in FIELDS order. Cross-references come after (references.ts).
 */
import { FIELDS } from './fields.js';
import { type ObjectProgramResolver, readObjectProgram } from './objectProgram.js';
import { at, type FieldReader, isObj, type Obj, show } from './reader.js';
import { compact, readActor, readFinalValue, readOp } from './shapeActors.js';
import type {
  BudgetDef,
  CgroupDef,
  MapDef,
  ParamDef,
  ProgramDef,
  ScenarioDef,
  ScenarioOptions,
} from './types.js';
import {
  INSN_MNEMONICS,
  KERNEL_VERSIONS,
  MAP_TYPES,
  MAX_KWORKERS,
  MAX_VALUE_SIZE,
  PROGRAM_TYPES,
  STORAGE_KEYS,
} from './vocabulary.js';

/** The id lists a scenario is checked against. */
export interface KnownIds {
  readonly invariants: readonly string[];
  readonly bugs: readonly string[];
  /** Reachability goal ids; undefined accepts any well-formed id. */
  readonly reachability: readonly string[] | undefined;
  /** Opens the BPF objects program entries name; undefined where there is no file (catalogue, builder). */
  readonly objectPrograms?: ObjectProgramResolver;
}

const GOAL_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Reads a whole scenario; check `r.error` before trusting the result. */
export function readScenario(r: FieldReader, json: unknown, known: KnownIds): ScenarioDef {
  const o = r.object(json, '', FIELDS.scenario);
  const l = <T>(read: (r: FieldReader, v: unknown, path: string) => T) => r.list((v, p) => read(r, v, p));
  return compact({
    name: r.req(o, 'name', '', r.name),
    description: r.req(o, 'description', '', r.text),
    kernel: r.req(o, 'kernel', '', kernelVersion(r)),
    expect: r.opt(o, 'expect', '', r.oneOf(['pass', ...known.invariants], 'expectation')),
    params: r.opt(o, 'params', '', (v, p) => readParams(r, v, p)),
    options: r.opt(o, 'options', '', (v, p) => readOptions(r, v, p, known)),
    cgroups: r.opt(o, 'cgroups', '', l(readCgroup)),
    maps: r.opt(o, 'maps', '', l(readMap)),
    programs: r.opt(
      o,
      'programs',
      '',
      l((r, v, p) => readProgram(r, v, p, known.objectPrograms)),
    ),
    attach: r.opt(o, 'attach', '', l(readAttachment)),
    setup: r.opt(o, 'setup', '', l(readOp)),
    actors: r.req(
      o,
      'actors',
      '',
      r.list((v, p) => readActor(r, v, p), 1),
    ),
    expectFinal: r.opt(o, 'expectFinal', '', l(readFinalValue)),
    budget: r.opt(o, 'budget', '', (v, p) => readBudget(r, v, p)),
    check: r.opt(o, 'check', '', r.set(known.invariants, 'invariant')),
    reachability: r.opt(o, 'reachability', '', readGoals(r, known.reachability)),
  });
}

function kernelVersion(r: FieldReader) {
  const known = r.oneOf(KERNEL_VERSIONS, 'kernel version');
  return (v: unknown, path: string) => {
    const m = typeof v === 'string' ? /^(\d+)\.(\d+)$/.exec(v) : null;
    if (m === null || KERNEL_VERSIONS.includes(v as never)) return known(v, path);
    const [major, minor] = [Number(m[1]), Number(m[2])];
    const hint = major >= 7 ? '7.0' : minor >= 15 ? '6.15' : '6.2';
    const list = KERNEL_VERSIONS.join(', ');
    if (major < 6 || (major === 6 && minor < 2))
      r.fail(path, `${show(v)} predates BPF_MAP_TYPE_CGRP_STORAGE (expected one of ${list})`);
    else if (major === 6 && minor > 19) return known(v, path);
    else
      r.fail(
        path,
        `unsupported version ${show(v)}: write '${hint}', its era's version (expected one of ${list})`,
      );
    return KERNEL_VERSIONS[0];
  };
}

function readParams(r: FieldReader, v: unknown, path: string): Record<string, ParamDef> {
  const out: Record<string, ParamDef> = {};
  const o = isObj(v) ? v : r.object(v, path, FIELDS.param);
  for (const [name, def] of Object.entries(o)) {
    if (def === undefined) continue;
    r.paramName(name, at(path, name));
    const p = r.object(def, at(path, name), FIELDS.param);
    const int = r.int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const q = at(path, name);
    const param: ParamDef = {
      default: r.req(p, 'default', q, int),
      min: r.req(p, 'min', q, int),
      max: r.req(p, 'max', q, int),
      description: r.req(p, 'description', q, r.text),
    };
    if (param.min > param.max) r.fail(q, `min ${param.min} is greater than max ${param.max}`);
    else if (param.default < param.min || param.default > param.max)
      r.fail(at(q, 'default'), `${param.default} is outside [${param.min}, ${param.max}]`);
    out[name] = param;
  }
  return out;
}

function readOptions(r: FieldReader, v: unknown, path: string, known: KnownIds): ScenarioOptions {
  const o = r.object(v, path, FIELDS.options);
  return compact({
    lockTimeouts: r.opt(o, 'lockTimeouts', path, r.bool),
    allocFailures: r.opt(o, 'allocFailures', path, r.bool),
    bugs: r.opt(o, 'bugs', path, r.set(known.bugs, 'bug')),
    kworkers: r.opt(o, 'kworkers', path, r.int(1, MAX_KWORKERS)),
  });
}

const STRATEGIES = ['random', 'pct', 'dpor', 'dfs', 'bounded'] as const;

function readBudget(r: FieldReader, v: unknown, path: string): BudgetDef {
  const o = r.object(v, path, FIELDS.budget);
  return compact({
    strategy: r.opt(o, 'strategy', path, r.oneOf(STRATEGIES, 'strategy')),
    runs: r.opt(o, 'runs', path, r.int(1, 1_000_000)),
  });
}

function readCgroup(r: FieldReader, v: unknown, path: string): CgroupDef {
  const o = r.object(v, path, FIELDS.cgroup);
  return compact({
    name: r.req(o, 'name', path, r.name),
    parent: r.opt(o, 'parent', path, r.name),
    v1: r.opt(o, 'v1', path, r.bool),
  });
}

function readMap(r: FieldReader, v: unknown, path: string): MapDef {
  const o = r.object(v, path, FIELDS.map);
  const name = r.req(o, 'name', path, r.name);
  const type = r.req(o, 'type', path, r.oneOf(MAP_TYPES, 'map type'));
  const valueSize = r.req(o, 'valueSize', path, r.num(1, MAX_VALUE_SIZE));
  const spinLock = r.opt(o, 'spinLock', path, r.bool);
  const key = r.opt(o, 'key', path, r.oneOf(STORAGE_KEYS, 'key layout'));
  if (type === 'cgrp_storage') {
    if (key !== undefined)
      r.fail(at(path, 'key'), `a cgrp_storage map is keyed by cgroup fd alone; remove 'key'`);
    return compact({ name, type, valueSize, spinLock });
  }
  if (type === 'percpu_cgroup_storage' && spinLock === true)
    r.fail(at(path, 'spinLock'), 'a percpu_cgroup_storage value cannot hold a bpf_spin_lock');
  return compact({ name, type, valueSize, spinLock, key });
}

function readProgram(
  r: FieldReader,
  v: unknown,
  path: string,
  objectPrograms: ObjectProgramResolver | undefined,
): ProgramDef {
  if (typeof v === 'object' && v !== null && 'object' in v)
    return readObjectProgram(r, v, path, objectPrograms);
  const o: Obj = r.object(v, path, FIELDS.program);
  return compact({
    name: r.req(o, 'name', path, r.name),
    type: r.req(o, 'type', path, r.oneOf(PROGRAM_TYPES, 'program type')),
    attach: r.req(o, 'attach', path, r.name),
    sleepable: r.opt(o, 'sleepable', path, r.bool),
    insns: r.req(o, 'insns', path, r.list(insn(r), 1)),
    tailCalls: r.opt(o, 'tailCalls', path, r.list(r.name)),
  });
}

const LABEL = /^([A-Za-z_][A-Za-z0-9_]*):\s*/;

/** A light check: an optional `label:` prefix, then a known mnemonic (or nothing, for a label line). */
function insn(r: FieldReader) {
  return (v: unknown, path: string): string => {
    const s = r.text(v, path);
    const body = s.trim().replace(LABEL, '');
    const mnemonic = body.split(/\s+/)[0] ?? '';
    if (s !== '' && body !== '' && !(INSN_MNEMONICS as readonly string[]).includes(mnemonic))
      r.fail(
        path,
        `unknown instruction '${mnemonic}' in ${show(s)} (expected one of ${INSN_MNEMONICS.join(', ')})`,
      );
    return s;
  };
}

function readAttachment(r: FieldReader, v: unknown, path: string) {
  const o = r.object(v, path, FIELDS.attachment);
  return { program: r.req(o, 'program', path, r.name), cgroup: r.req(o, 'cgroup', path, r.name) };
}

function readGoals(r: FieldReader, known: readonly string[] | undefined) {
  if (known !== undefined) return r.set(known, 'reachability goal');
  const goal = (v: unknown, path: string): string => {
    if (typeof v === 'string' && GOAL_ID.test(v)) return v;
    r.fail(path, `expected a goal id in kebab-case, got ${show(v)}`);
    return '';
  };
  return (v: unknown, path: string): string[] => {
    const out = r.list(goal)(v, path);
    out.forEach((g, i) => {
      if (out.indexOf(g) !== i) r.fail(`${path}[${i}]`, `duplicate reachability goal '${g}'`);
    });
    return out;
  };
}
