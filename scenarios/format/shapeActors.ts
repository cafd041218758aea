/**
 * Shape checks of `actors`: each actor, run step and user operation has the
 * right fields with the right types. References are checked later (references.ts).
 */
import { ACTOR_OBJECT_KINDS, FIELDS, OP_KINDS } from './fields.js';
import { type FieldReader, isObj, type Obj, type Read } from './reader.js';
import type { ActorDef, FinalValueDef, RunStepDef, UserOpDef } from './types.js';
import {
  ACTOR_KINDS,
  ATTACH_TYPES,
  LOOKUP_FLAGS,
  MAX_CPUS,
  MAX_TIMES,
  OPS,
  UPDATE_FLAGS,
} from './vocabulary.js';

/** Drops undefined fields, so absent stays absent and deep equality holds. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The field that decides an object's kind; undefined (and an error) when absent or unknown. */
function discriminant<T>(
  r: FieldReader,
  v: unknown,
  path: string,
  key: string,
  read: Read<T>,
): T | undefined {
  if (!isObj(v)) return undefined;
  if (v[key] === undefined) {
    r.fail(path, `missing required field '${key}'`);
    return undefined;
  }
  const before = r.error;
  const out = r.req(v, key, path, read);
  return r.error === before ? out : undefined;
}

/** Reads one actor, dispatching on `kind`. */
export function readActor(r: FieldReader, v: unknown, path: string): ActorDef {
  const kind = discriminant(r, v, path, 'kind', r.oneOf(ACTOR_KINDS, 'actor kind'));
  if (kind === undefined) {
    r.object(v, path, FIELDS.cpuActor);
    return { kind: 'trace', program: '' };
  }
  const o = r.object(v, path, FIELDS[ACTOR_OBJECT_KINDS[kind]]);
  if (kind === 'cpu') {
    return compact({
      kind,
      name: r.req(o, 'name', path, r.name),
      count: r.opt(o, 'count', path, r.num(1, MAX_CPUS)),
      cpu: r.opt(o, 'cpu', path, r.num(0, MAX_CPUS - 1)),
      cgroup: r.req(o, 'cgroup', path, r.name),
      run: r.req(
        o,
        'run',
        path,
        r.list((s, p) => readRunStep(r, s, p), 1),
      ),
    });
  }
  if (kind === 'user') {
    return compact({
      kind,
      name: r.req(o, 'name', path, r.name),
      cpu: r.opt(o, 'cpu', path, r.num(0, MAX_CPUS - 1)),
      ops: r.req(
        o,
        'ops',
        path,
        r.list((s, p) => readOp(r, s, p), 1),
      ),
    });
  }
  return compact({
    kind,
    program: r.req(o, 'program', path, r.name),
    times: r.opt(o, 'times', path, r.num(1, MAX_TIMES)),
  });
}

function readRunStep(r: FieldReader, v: unknown, path: string): RunStepDef {
  const isHook = isObj(v) && v.hook !== undefined && v.program === undefined;
  const o = r.object(v, path, isHook ? FIELDS.runHook : FIELDS.runProgram);
  const times = r.opt(o, 'times', path, r.num(1, MAX_TIMES));
  if (isHook) return compact({ hook: r.req(o, 'hook', path, r.text), times });
  return compact({ program: r.req(o, 'program', path, r.name), times });
}

/** Reads one user operation (of a user actor or of `setup`), dispatching on `op`. */
export function readOp(r: FieldReader, v: unknown, path: string): UserOpDef {
  const op = discriminant(r, v, path, 'op', r.oneOf(OPS, 'operation'));
  if (op === undefined) {
    r.object(v, path, FIELDS.rmdirOp);
    return { op: 'rmdir', cgroup: '' };
  }
  const o: Obj = r.object(v, path, FIELDS[OP_KINDS[op]]);
  const map = (): string => r.req(o, 'map', path, r.name);
  const cgroup = (): string => r.req(o, 'cgroup', path, r.name);
  const attachType = () => r.opt(o, 'attachType', path, r.oneOf(ATTACH_TYPES, 'attach type'));
  switch (op) {
    case 'lookup':
      return compact({
        op,
        map: map(),
        cgroup: cgroup(),
        attachType: attachType(),
        flags: lookupFlags(r, o, path),
      });
    case 'update': {
      const base = { op, map: map(), cgroup: cgroup(), attachType: attachType() };
      const value = r.req(o, 'value', path, r.list(r.num(0, Number.MAX_SAFE_INTEGER), 1));
      return compact({ ...base, value, flags: r.opt(o, 'flags', path, r.set(UPDATE_FLAGS, 'update flag')) });
    }
    case 'delete':
      return compact({ op, map: map(), cgroup: cgroup(), attachType: attachType() });
    case 'get-next-key':
      return compact({ op, map: map(), cgroup: r.opt(o, 'cgroup', path, r.name), attachType: attachType() });
    case 'rmdir':
      return { op, cgroup: cgroup() };
    case 'close-map':
      return { op, map: map() };
    case 'attach':
    case 'detach':
      return { op, program: r.req(o, 'program', path, r.name), cgroup: cgroup() };
  }
}

/** Reads one `expectFinal` entry. */
export function readFinalValue(r: FieldReader, v: unknown, path: string): FinalValueDef {
  const o = r.object(v, path, FIELDS.finalValue);
  return compact({
    map: r.req(o, 'map', path, r.name),
    cgroup: r.req(o, 'cgroup', path, r.name),
    attachType: r.opt(o, 'attachType', path, r.oneOf(ATTACH_TYPES, 'attach type')),
    value: r.opt(o, 'value', path, r.list(r.num(0, Number.MAX_SAFE_INTEGER), 1)),
    times: r.opt(o, 'times', path, r.num(0, Number.MAX_SAFE_INTEGER)),
  });
}

function lookupFlags(r: FieldReader, o: Obj, path: string) {
  return r.opt(o, 'flags', path, r.set(LOOKUP_FLAGS, 'lookup flag'));
}
