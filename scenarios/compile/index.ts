/**
 * Compiles a resolved scenario into a WorldBuilder: a function that builds a
 * fresh kernel, its actors and the properties to check for every execution.
 * Everything that can be wrong with the input is found once, here, as an
 * InputError; building a world afterwards cannot fail.
 */
import { type AttachType, isCgroupProgType } from '../../model/bpfProgram.js';
import type { KernelEra } from '../../model/era.js';
import { type ActorId, asCpuNo, type CgroupId } from '../../model/ids.js';
import type { Actor, ModelOptions } from '../../model/kernel.js';
import type { Op } from '../../model/step.js';
import { ALWAYS_ON, createProperty, createReachability } from '../../properties/index.js';
import type { Property, Reachability } from '../../properties/property.js';
import type { InputError, Loaded } from '../engine.js';
import type { ResolvedScenarioDef } from '../format/resolvedTypes.js';
import type { ActorBody, WorldBuilder } from '../world.js';
import {
  attachTraceActor,
  Completion,
  cpuTaskBody,
  daemonBodies,
  pinTaskCgroup,
  userBody,
} from './actors.js';
import { modelAttachType } from './sections.js';
import { modelOptionsOf, type SetupIds, setupKernel } from './setup.js';

/** Daemon threads every world has: one RCU callback thread and one kworker. */
const DAEMONS: readonly { name: string; kind: 'rcu' | 'kworker' }[] = [
  { name: 'rcu', kind: 'rcu' },
  { name: 'kworker', kind: 'kworker' },
];

const bad = (message: string): Loaded<never> => ({ ok: false, error: { message } });

/** The invariant ids a scenario checks: the always-on ones, its `check` list and its expected violation. */
export function checkedIds(def: ResolvedScenarioDef): string[] {
  const ids = [...ALWAYS_ON, ...def.check];
  if (def.expect !== undefined && def.expect !== 'pass') ids.push(def.expect);
  return [...new Set(ids)];
}

function buildProperties(def: ResolvedScenarioDef): Loaded<{ props: Property[]; goals: Reachability[] }> {
  const props: Property[] = [];
  for (const id of checkedIds(def)) {
    const p = createProperty(id);
    // no-deadlock and no-livelock are the scheduler's own verdicts, not model properties.
    if (p === undefined && id !== 'no-deadlock' && id !== 'no-livelock')
      return bad(`${def.name}: check: unknown invariant '${id}'`);
    if (p !== undefined) props.push(p);
  }
  const goals: Reachability[] = [];
  for (const id of def.reachability) {
    const g = createReachability(id);
    if (g === undefined) return bad(`${def.name}: reachability: unknown goal '${id}'`);
    goals.push(g);
  }
  return { ok: true, value: { props, goals } };
}

/** Which programs each run step and trace actor may name, by their loaded type. */
function checkActorPrograms(def: ResolvedScenarioDef, ids: SetupIds): InputError | undefined {
  const isCgroupProg = (name: string) => isCgroupProgType(ids.programs.get(name)!.type);
  for (const a of def.actors) {
    if (a.kind === 'trace' && isCgroupProg(a.program))
      return {
        message: `${def.name}: trace actor: '${a.program}' is a cgroup program; attach it to a cgroup`,
      };
    if (a.kind !== 'cpu') continue;
    for (const r of a.run) {
      if ('program' in r && isCgroupProg(r.program))
        return {
          message: `${def.name}: ${a.name}.run: '${r.program}' is a cgroup program; run its hook instead`,
        };
      if ('hook' in r && modelAttachType(r.hook) === undefined)
        return { message: `${def.name}: ${a.name}.run: unknown cgroup hook '${r.hook}'` };
    }
  }
  return undefined;
}

/** The attach type userspace names a deprecated map's key with, when an op does not say. */
function defaultAttachOf(def: ResolvedScenarioDef, ids: SetupIds): (map: string) => AttachType {
  return (map) => {
    for (const a of def.attach) {
      const prog = ids.programs.get(a.program)!;
      if (Object.keys(prog.maps).includes(map) && prog.attachType !== null) return prog.attachType;
    }
    return 'cgroup_inet_egress';
  };
}

/** Compiles a scenario for one era; the returned builder makes a fresh world per execution. */
export function compileScenario(def: ResolvedScenarioDef, era: KernelEra): Loaded<WorldBuilder> {
  const options = modelOptionsOf(def, era);
  if ('message' in options) return { ok: false, error: options };
  const probe = setupKernel(def, options, () => 0);
  if (!probe.ok) return { ok: false, error: probe.error };
  const actorError = checkActorPrograms(def, probe.ids);
  if (actorError !== undefined) return { ok: false, error: actorError };
  const checks = buildProperties(def);
  if (!checks.ok) return checks;
  const build: WorldBuilder = (choose) => buildWorld(def, options, choose);
  return { ok: true, value: build };
}

function buildWorld(def: ResolvedScenarioDef, options: ModelOptions, choose: (n: number) => number) {
  const setup = setupKernel(def, options, choose);
  if (!setup.ok) throw new Error(`scenario ${def.name} built once but not twice: ${setup.error.message}`);
  const { k, ids } = setup;
  const checks = buildProperties(def);
  if (!checks.ok) throw new Error(checks.error.message);
  const mains = def.actors.filter((a) => a.kind !== 'trace');
  const done = new Completion(mains.length);
  const bodies: ActorBody[] = [];
  const defaultAttach = defaultAttachOf(def, ids);
  const taskCgroups = new Map<ActorId, CgroupId>();
  const rootCgroup = ids.cgroups.values().next().value ?? null;
  for (const a of def.actors) {
    if (a.kind === 'trace') {
      attachTraceActor(k, ids.programs.get(a.program)!, a.times, (x) => taskCgroups.get(x.id) ?? rootCgroup);
      continue;
    }
    const actor = k.addActor(a.name, a.kind === 'cpu' ? 'cpu' : 'user', asCpuNo(a.cpu));
    let op: Op<void>;
    if (a.kind === 'cpu') {
      taskCgroups.set(actor.id, ids.cgroups.get(a.cgroup)!);
      pinTaskCgroup(k, ids.cgroups.get(a.cgroup)!);
      op = cpuTaskBody(k, actor, ids, a);
    } else op = userBody(k, actor, ids, a, defaultAttach);
    bodies.push({ actor, op: done.track(op) });
  }
  const daemons: Actor[] = DAEMONS.map((d) => k.addActor(d.name, d.kind, asCpuNo(0)));
  for (const [i, op] of daemonBodies(k, done, daemons).entries()) bodies.push({ actor: daemons[i]!, op });
  return { kernel: k, bodies, properties: checks.value.props, reachability: checks.value.goals };
}
