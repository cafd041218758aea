/**
 * Checks on top of the schema that relate fields of one object, or names
 * within one list: parameter ranges, what a map value may hold, the shape of
 * an expected final value, operation labels. Cross-references between parts
 * of the scenario are in references.ts.
 */
import { at, type Found, first, idx } from './paths.js';
import type { FinalValueDef, MapDef, ParamDef, ProgramDef, ScenarioDef, UserOpDef } from './types.js';

/** Checks what the schema cannot say, in field order; the first problem or undefined. */
export function checkRanges(def: ScenarioDef): Found {
  return (
    first(Object.entries(def.params ?? {}), ([name, p]) => checkParam(p, at('params', name))) ??
    first(def.maps ?? [], (m, i) => checkMap(m, idx('maps', i))) ??
    first(def.programs ?? [], (p, i) =>
      // an object program's calls were checked against its instructions (objectProgram.ts)
      first(p.object === undefined ? (p.expectCalls ?? []) : [], (c, j) =>
        checkExpectCall(p, c.insn, idx(at(idx('programs', i), 'expectCalls'), j)),
      ),
    ) ??
    checkOpNames(def.setup ?? [], 'setup') ??
    first(def.actors, (a, i) =>
      a.kind === 'user' ? checkOpNames(a.ops, at(idx('actors', i), 'ops')) : undefined,
    ) ??
    first(def.expectFinal ?? [], (f, i) => checkFinalShape(f, idx('expectFinal', i)))
  );
}

function checkParam(p: ParamDef, path: string): Found {
  if (p.min > p.max) return { path, message: `min ${p.min} is greater than max ${p.max}` };
  if (p.default < p.min || p.default > p.max)
    return { path: at(path, 'default'), message: `${p.default} is outside [${p.min}, ${p.max}]` };
  return undefined;
}

function checkMap(m: MapDef, path: string): Found {
  if (m.type === 'percpu_cgroup_storage' && m.spinLock === true)
    return {
      path: at(path, 'spinLock'),
      message: 'a percpu_cgroup_storage value cannot hold a bpf_spin_lock',
    };
  return undefined;
}

/** Operation labels are unique within one list. */
function checkOpNames(ops: readonly UserOpDef[], path: string): Found {
  const seen = new Map<string, string>();
  return first(ops, (op, i) => {
    if (op.name === undefined) return undefined;
    const p = idx(path, i);
    const earlier = seen.get(op.name);
    if (earlier !== undefined)
      return { path: at(p, 'name'), message: `duplicate operation name '${op.name}' (also ${earlier})` };
    seen.set(op.name, p);
    return undefined;
  });
}

/** One way to state a final value: `value` (with `times`), `anyOf` or `reachable`. */
function checkFinalShape(f: FinalValueDef, path: string): Found {
  const ways = (['value', 'anyOf', 'reachable'] as const).filter((k) => f[k] !== undefined);
  if (ways.length > 1)
    return {
      path: at(path, ways[1]!),
      message: `give one of value, anyOf and reachable, not '${ways[0]}' and '${ways[1]}'`,
    };
  return undefined;
}

const STORAGE_CALL = /^\s*(?:[A-Za-z_][\w.]*:\s*)?call\s+(?:get|delete|get_local_storage)(?:\s|$)/;

/** An `expectCalls` entry names a storage helper call line of the program, once. */
function checkExpectCall(p: ProgramDef, insn: number, path: string): Found {
  const line = p.insns[insn];
  if (line === undefined)
    return { path: at(path, 'insn'), message: `${insn} is past the last of ${p.insns.length} instructions` };
  if (!STORAGE_CALL.test(line))
    return {
      path: at(path, 'insn'),
      message: `insns[${insn}] is '${line}', not a call of get, delete or get_local_storage`,
    };
  if ((p.expectCalls ?? []).filter((c) => c.insn === insn).length > 1)
    return { path: at(path, 'insn'), message: `insns[${insn}] has more than one expectation` };
  return undefined;
}
