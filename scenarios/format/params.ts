/**
 * Parameter resolution: defaults and `--set` overrides, `$param`
 * substitution, defaults of optional fields, and cpu actor expansion with CPU
 * numbers. Takes a validated ScenarioDef; errors are one-line values.
 */
import type { Loaded } from '../engine/engine.js';
import type {
  ResolvedActor,
  ResolvedCgroup,
  ResolvedFinalValue,
  ResolvedMap,
  ResolvedScenarioDef,
  ResolvedUserOp,
} from './resolvedTypes.js';
import type { ActorDef, CgroupDef, FinalValueDef, MapDef, Num, ScenarioDef, UserOpDef } from './types.js';
import { MAX_CPUS } from './vocabulary.js';

const fail = (message: string): Loaded<never> => ({ ok: false, error: { message } });

/** The value of every parameter: its default unless overridden; overrides are checked against the declarations. */
export function resolveParamValues(
  def: ScenarioDef,
  overrides: Readonly<Record<string, number>>,
  where: string,
): Loaded<Record<string, number>> {
  const params = def.params ?? {};
  const values: Record<string, number> = {};
  for (const [name, p] of Object.entries(params)) values[name] = p.default;
  for (const [name, v] of Object.entries(overrides)) {
    const p = params[name];
    const known = Object.keys(params);
    if (p === undefined)
      return fail(
        `${where}: unknown parameter '${name}' (${known.length ? `known: ${known.join(', ')}` : 'none declared'})`,
      );
    if (!Number.isSafeInteger(v)) return fail(`${where}: parameter '${name}' must be an integer, got ${v}`);
    if (v < p.min || v > p.max)
      return fail(`${where}: parameter '${name}' = ${v} is outside [${p.min}, ${p.max}]`);
    values[name] = v;
  }
  return { ok: true, value: values };
}

/**
 * Resolves a validated scenario: applies defaults and overrides, substitutes
 * `$param` references and expands cpu actors (CPU numbers 0, 1, ... in
 * declaration order for actors without `cpu`). At most MAX_CPUS CPUs.
 */
export function resolveParams(
  def: ScenarioDef,
  overrides: Readonly<Record<string, number>>,
  where: string,
): Loaded<ResolvedScenarioDef> {
  const values = resolveParamValues(def, overrides, where);
  if (!values.ok) return values;
  const n = (x: Num): number => (typeof x === 'number' ? x : (values.value[x.slice(1)] ?? Number.NaN));
  const maps = (def.maps ?? []).map((m) => resolveMap(m, n));
  const actors = expandActors(def.actors, n, where);
  if (!actors.ok) return actors;
  const tooBig = checkValues(def, maps, where);
  if (tooBig !== undefined) return tooBig;
  const cpus = Math.max(0, ...actors.value.map((a) => (a.kind === 'trace' ? 0 : a.cpu + 1)));
  return {
    ok: true,
    value: {
      name: def.name,
      description: def.description,
      kernel: def.kernel,
      expect: def.expect,
      params: values.value,
      options: {
        lockTimeouts: def.options?.lockTimeouts ?? false,
        allocFailures: def.options?.allocFailures ?? false,
        bugs: def.options?.bugs ?? [],
        kworkers: def.options?.kworkers ?? 1,
      },
      cgroups: (def.cgroups ?? []).map((c) => resolveCgroup(c, def.cgroups ?? [])),
      maps,
      programs: (def.programs ?? []).map((p) => ({
        ...p,
        sleepable: p.sleepable ?? false,
        data: p.data ?? 0,
        tailCalls: p.tailCalls ?? [],
      })),
      attach: def.attach ?? [],
      tasks: def.tasks ?? [],
      setup: (def.setup ?? []).map((op) => resolveOp(op, n)),
      actors: actors.value,
      expectFinal: (def.expectFinal ?? []).map((f) => resolveFinalValue(f, n)),
      cpus,
      check: def.check ?? [],
      reachability: def.reachability ?? [],
    },
  };
}

function resolveCgroup(c: CgroupDef, all: readonly CgroupDef[]): ResolvedCgroup {
  let node: CgroupDef | undefined = c;
  while (node !== undefined && node.v1 === undefined) node = all.find((p) => p.name === node?.parent);
  return { name: c.name, parent: c.parent, v1: node?.v1 ?? false };
}

function resolveMap(m: MapDef, n: (x: Num) => number): ResolvedMap {
  const key = m.type === 'cgrp_storage' ? undefined : (m.key ?? 'isolated');
  return { name: m.name, type: m.type, valueSize: n(m.valueSize), spinLock: m.spinLock ?? false, key };
}

function expandActors(
  actors: readonly ActorDef[],
  n: (x: Num) => number,
  where: string,
): Loaded<ResolvedActor[]> {
  const out: ResolvedActor[] = [];
  const named = new Map<string, string>();
  let nextCpu = 0;
  for (const [i, a] of actors.entries()) {
    if (a.kind === 'trace') {
      out.push({ kind: 'trace', program: a.program, times: a.times === undefined ? undefined : n(a.times) });
      continue;
    }
    const count = a.kind === 'cpu' && a.count !== undefined ? n(a.count) : undefined;
    const first = a.cpu === undefined ? undefined : n(a.cpu);
    for (let k = 0; k < (count ?? 1); k++) {
      const name = count === undefined ? a.name : `${a.name}${k}`;
      const cpu = first === undefined ? nextCpu++ : first + k;
      const path = `actors[${i}]`;
      if (cpu >= MAX_CPUS)
        return fail(
          `${where}: ${path}: '${name}' would run on CPU ${cpu}; at most ${MAX_CPUS} CPUs (0..${MAX_CPUS - 1}) exist`,
        );
      const earlier = named.get(name);
      if (earlier !== undefined)
        return fail(`${where}: ${path}: actor name '${name}' is also used by ${earlier}`);
      named.set(name, path);
      if (a.kind === 'user')
        out.push({ kind: 'user', name, cpu, after: a.after, ops: a.ops.map((op) => resolveOp(op, n)) });
      else {
        const run = a.run.map((s) => ({ ...s, times: s.times === undefined ? 1 : n(s.times) }));
        out.push({
          kind: 'cpu',
          name,
          cpu,
          cgroup: a.cgroup,
          task: a.task ?? 'exiting',
          after: a.after,
          run,
        });
      }
    }
  }
  return { ok: true, value: out };
}

function resolveOp(op: UserOpDef, n: (x: Num) => number): ResolvedUserOp {
  if (op.op === 'update') return { ...op, value: op.value.map(n) };
  if (op.op === 'run') return { ...op, times: op.times === undefined ? 1 : n(op.times) };
  return op;
}

function resolveFinalValue(f: FinalValueDef, n: (x: Num) => number): ResolvedFinalValue {
  const times = f.times === undefined ? 1 : n(f.times);
  const value = f.value?.map((w) => n(w) * times);
  const words = (ws: readonly (readonly Num[] | null)[] | undefined) =>
    ws?.map((w) => (w === null ? undefined : w.map(n)));
  const anyOf = words(f.anyOf);
  const reachable = words(f.reachable);
  return {
    map: f.map,
    cgroup: f.cgroup,
    attachType: f.attachType,
    value,
    ...(anyOf === undefined ? {} : { anyOf }),
    ...(reachable === undefined ? {} : { reachable }),
  };
}

/** Each update's value and each expected final value must fit its map's value (8-byte words). */
function checkValues(def: ScenarioDef, maps: readonly ResolvedMap[], where: string) {
  const values: { path: string; map: string; value: readonly Num[] | undefined }[] = [
    ...(def.setup ?? []).map((op, j) => ({ path: `setup[${j}].value`, ...updateValueOf(op) })),
    ...def.actors.flatMap((a, i) =>
      a.kind === 'user'
        ? a.ops.map((op, j) => ({ path: `actors[${i}].ops[${j}].value`, ...updateValueOf(op) }))
        : [],
    ),
    ...(def.expectFinal ?? []).flatMap((f, j) => [
      { path: `expectFinal[${j}].value`, map: f.map, value: f.value },
      ...(['anyOf', 'reachable'] as const).flatMap((field) =>
        (f[field] ?? []).map((w, k) => ({
          path: `expectFinal[${j}].${field}[${k}]`,
          map: f.map,
          value: w ?? undefined,
        })),
      ),
    ]),
  ];
  for (const { path, map, value } of values) {
    if (value === undefined) continue;
    const size = maps.find((m) => m.name === map)?.valueSize ?? 0;
    const words = Math.ceil(size / 8);
    if (value.length > words)
      return fail(
        `${where}: ${path}: ${value.length} words do not fit map '${map}' (valueSize ${size} holds ${words})`,
      );
  }
  return undefined;
}

function updateValueOf(op: UserOpDef): { map: string; value: readonly Num[] | undefined } {
  return op.op === 'update' ? { map: op.map, value: op.value } : { map: '', value: undefined };
}
