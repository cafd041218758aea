/**
 * Compiles a resolved scenario into a WorldBuilder: a function that builds a
 * fresh kernel, its actors and the properties to check for every execution.
 * Everything that can be wrong with the input is found once, here, as an
 * InputError; building a world afterwards cannot fail.
 */

import { cgroupForkTask } from '../../model/cgroup/cgroupTasks.js';
import type { KernelEra } from '../../model/core/era.js';
import { type ActorId, asCpuNo, type CgroupId } from '../../model/core/ids.js';
import type { Op } from '../../model/core/step.js';
import type { Actor, ModelOptions } from '../../model/kernel/kernel.js';
import { type AttachType, type BpfProgram, isCgroupProgType } from '../../model/programs/bpfProgram.js';
import { FINAL_VALUE } from '../../properties/finalValue.js';
import { ALWAYS_ON, createProperty, createReachability } from '../../properties/index.js';
import type { Property, Reachability } from '../../properties/property.js';
import type { InputError, Loaded } from '../engine/engine.js';
import type { OpenedObject } from '../engine/objectFiles.js';
import type { ResolvedScenarioDef } from '../format/resolvedTypes.js';
import {
  afterWait,
  attachTraceActor,
  cpuTaskBody,
  daemonBodies,
  memberTaskBody,
  migratedTasks,
  pinTaskCgroup,
  userBody,
} from './actors.js';
import { expectationGoals, OP_RESULT, OpLog, opResultProperty } from './expectations.js';
import { finalExpectations, finalValueProperty } from './finalValue.js';
import { HELPER_RESULT, helperExpectations } from './helperExpectations.js';
import { modelAttachType } from './sections.js';
import { modelOptionsOf, type SetupIds, setupKernel } from './setup.js';
import { runSetupOps } from './userOps.js';
import type { ActorBody, WorldBuilder } from './world.js';

/**
 * Daemon threads every world has, on CPUs of their own after the actors' (softirq and
 * kworker context): the RCU callback thread and the first kworker share the first;
 * each further kworker (`options.kworkers`) has its own, so two work items can race.
 */
function daemonsOf(def: ResolvedScenarioDef): { name: string; kind: 'rcu' | 'kworker'; cpu: number }[] {
  const out = [
    { name: 'rcu', kind: 'rcu' as const, cpu: def.cpus },
    { name: 'kworker', kind: 'kworker' as const, cpu: def.cpus },
  ];
  for (let i = 1; i < def.options.kworkers; i++)
    out.push({ name: `kworker${i}`, kind: 'kworker', cpu: def.cpus + i });
  return out;
}

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
    // no-deadlock and no-livelock are the scheduler's own verdicts, not model properties;
    // final-value and op-result are built from expectFinal and op expectations per world (buildWorld).
    if (
      p === undefined &&
      id !== 'no-deadlock' &&
      id !== 'no-livelock' &&
      id !== FINAL_VALUE &&
      id !== OP_RESULT &&
      id !== HELPER_RESULT
    )
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
export function compileScenario(
  def: ResolvedScenarioDef,
  era: KernelEra,
  objects: ReadonlyMap<string, OpenedObject> = new Map(),
): Loaded<WorldBuilder> {
  const options = modelOptionsOf(def, era);
  if ('message' in options) return { ok: false, error: options };
  const loaded = new Map<string, BpfProgram>();
  const probe = setupKernel(def, options, () => 0, loaded, objects);
  if (!probe.ok) return { ok: false, error: probe.error };
  const actorError = checkActorPrograms(def, probe.ids);
  if (actorError !== undefined) return { ok: false, error: actorError };
  const checks = buildProperties(def);
  if (!checks.ok) return checks;
  const build: WorldBuilder = (choose) => buildWorld(def, options, choose, loaded, objects);
  return { ok: true, value: build };
}

function buildWorld(
  def: ResolvedScenarioDef,
  options: ModelOptions,
  choose: (n: number) => number,
  loaded: Map<string, BpfProgram>,
  objects: ReadonlyMap<string, OpenedObject>,
) {
  const setup = setupKernel(def, options, choose, loaded, objects);
  if (!setup.ok) throw new Error(`scenario ${def.name} built once but not twice: ${setup.error.message}`);
  const { k, ids } = setup;
  const checks = buildProperties(def);
  if (!checks.ok) throw new Error(checks.error.message);
  const finals = finalExpectations(def, ids);
  const finalValue = finalValueProperty(def, finals);
  if (finalValue !== undefined) checks.value.props.push(finalValue);
  const log = new OpLog();
  const opResult = opResultProperty(def, log);
  if (opResult !== undefined) checks.value.props.push(opResult);
  checks.value.goals.push(...expectationGoals(def, log, finals));
  const helpers = helperExpectations(def, k);
  if (helpers.property !== undefined) checks.value.props.push(helpers.property);
  checks.value.goals.push(...helpers.goals);
  for (const t of def.tasks) cgroupForkTask(k, t.name, ids.cgroups.get(t.cgroup)!);
  for (const a of def.actors) {
    if (a.kind !== 'trace' && a.after !== undefined) {
      const key = `${a.after.actor}.${a.after.op}`;
      if (!log.doneObjs.has(key)) log.doneObjs.set(key, k.allocObjId(k.setupActor));
    }
  }
  const bodies: ActorBody[] = [];
  const defaultAttach = defaultAttachOf(def, ids);
  if (def.setup.length > 0) {
    runSetupOps(k, ids, def.setup, defaultAttach, (i, ret) => log.results.push({ site: `setup#${i}`, ret }));
    // The setup operations are one step before the first scheduled one: step-time properties
    // and goals take their snapshots of them now (e.g. the RCU readers open at an unlink: none).
    // Setup is sequential, so its outcome is judged by the end-of-execution checks alone.
    for (const p of checks.value.props) p.checkStep?.(k);
    for (const g of checks.value.goals) g.observeStep?.(k);
  }
  const taskCgroups = new Map<ActorId, CgroupId>();
  const rootCgroup = ids.cgroups.values().next().value ?? null;
  const cgroupOf = (x: Actor) => k.cgroups.tasks.get(x.name)?.cgroup ?? taskCgroups.get(x.id) ?? rootCgroup;
  const migrated = migratedTasks(def);
  for (const a of def.actors) {
    if (a.kind === 'trace') {
      attachTraceActor(k, ids.programs.get(a.program)!, a.times, cgroupOf);
      continue;
    }
    const actor = k.addActor(a.name, a.kind === 'cpu' ? 'cpu' : 'user', asCpuNo(a.cpu));
    let op: Op<void>;
    if (a.kind === 'cpu') {
      const cg = ids.cgroups.get(a.cgroup)!;
      taskCgroups.set(actor.id, cg);
      if (a.task === 'member') {
        const task = cgroupForkTask(k, a.name, cg);
        op = memberTaskBody(k, actor, ids, a, task, migrated.has(a.name), log);
      } else {
        pinTaskCgroup(k, cg);
        op = cpuTaskBody(k, actor, ids, a, log);
      }
    } else op = userBody(k, actor, ids, a, defaultAttach, log);
    bodies.push({ actor, op: afterWait(actor, a.after, log, op) });
  }
  const daemons: Actor[] = daemonsOf(def).map((d) => k.addActor(d.name, d.kind, asCpuNo(d.cpu)));
  for (const [i, op] of daemonBodies(k, daemons).entries()) bodies.push({ actor: daemons[i]!, op });
  return { kernel: k, bodies, properties: checks.value.props, reachability: checks.value.goals };
}
