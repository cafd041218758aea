/**
 * Actor bodies: what each scheduled thread of a scenario runs. CPU tasks run
 * programs in their cgroup, userspace threads issue operations, and daemons
 * (the RCU callback thread and kworkers) run deferred work; an execution ends
 * once everyone else has finished and they have nothing left to do.
 */

import { cgroupPut } from '../../model/cgroup/cgroup.js';
import { bpfProgRunArrayCg } from '../../model/cgroup/cgroupBpf.js';
import type { CgroupTask } from '../../model/cgroup/cgroupTable.js';
import { cgroupExit } from '../../model/cgroup/cgroupTasks.js';
import type { CgroupId } from '../../model/core/ids.js';
import { type Op, rd, step, wr } from '../../model/core/step.js';
import type { Actor, Kernel } from '../../model/kernel/kernel.js';
import type { AttachType, BpfProgram } from '../../model/programs/bpfProgram.js';
import { hookOf } from '../../model/programs/bpfProgramSection.js';
import { runProg } from '../../model/programs/interpreter.js';
import { kworker, rcuReadLock, rcuReadUnlock, rcuWorker } from '../../model/sync/rcuWorker.js';
import type { ResolvedCpuActor, ResolvedScenarioDef, ResolvedUserActor } from '../format/resolvedTypes.js';
import type { AfterDef } from '../format/types.js';
import type { OpLog } from './expectations.js';
import { modelAttachType } from './sections.js';
import type { SetupIds } from './setup.js';
import { runUserOp } from './userOps.js';

/**
 * A task living in a cgroup: its css_set pins the cgroup (taken at setup) until
 * the task exits, so the cgroup cannot be freed while the task runs programs.
 */
export function* cpuTaskBody(
  k: Kernel,
  actor: Actor,
  ids: SetupIds,
  def: ResolvedCpuActor,
  log: OpLog,
): Op<void> {
  const cg = ids.cgroups.get(def.cgroup)!;
  // A task in a cgroup v1 hierarchy: bpf_task_get_cgroup1() (cg=acquired_cgroup1) gives that cgroup.
  const ctx = { currentCgroup: cg, cgroup: cg, ...(k.cgroups.get(cg).isV1 ? { cgroup1: cg } : {}) };
  for (const run of def.run) {
    for (let i = 0; i < run.times; i++) {
      if ('program' in run) {
        const prog = ids.programs.get(run.program)!;
        yield* runProg(k, actor, prog, ctx);
      } else {
        const atype = modelAttachType(run.hook)!;
        yield* bpfProgRunArrayCg(k, actor, cg, atype, ctx);
      }
    }
    yield* markReturned(actor, log, def.name, run.name);
  }
  yield* cgroupPut(k, actor, cg);
}

/**
 * A member task: like cpuTaskBody, but its cgroup is the one its css_set links
 * (a migration may move it; re-read before each run when `isMigrated`), and at
 * the end it passes cgroup_exit, no longer populating the cgroup, before its
 * css_set's pin goes.
 */
export function* memberTaskBody(
  k: Kernel,
  actor: Actor,
  ids: SetupIds,
  def: ResolvedCpuActor,
  task: CgroupTask,
  isMigrated: boolean,
  log: OpLog,
): Op<void> {
  for (const run of def.run) {
    for (let i = 0; i < run.times; i++) {
      // task_dfl_cgroup(current) is read under the program's RCU read section, so the
      // cgroup a migration leaves cannot be freed (css_free_rwork_fn waits a grace period)
      // before the run ends.
      if (isMigrated) yield* rcuReadLock(k, actor);
      if (isMigrated) yield step(`${actor.name}: task_dfl_cgroup(${task.name})`, [rd(task.obj)]);
      const cg = task.cgroup!;
      const ctx = { currentCgroup: cg, cgroup: cg, ...(k.cgroups.get(cg).isV1 ? { cgroup1: cg } : {}) };
      if ('program' in run) yield* runProg(k, actor, ids.programs.get(run.program)!, ctx);
      else yield* bpfProgRunArrayCg(k, actor, cg, modelAttachType(run.hook)!, ctx);
      if (isMigrated) yield* rcuReadUnlock(k, actor);
    }
    yield* markReturned(actor, log, def.name, run.name);
  }
  const left = yield* cgroupExit(k, actor, task);
  if (left !== null) yield* cgroupPut(k, actor, left);
}

/** Names of the tasks some `migrate` operation moves. */
export function migratedTasks(def: ResolvedScenarioDef): Set<string> {
  const ops = [...def.setup, ...def.actors.flatMap((a) => (a.kind === 'user' ? a.ops : []))];
  return new Set(ops.flatMap((op) => (op.op === 'migrate' ? [op.task] : [])));
}

/**
 * An actor that starts after another's named operation: it first waits until that
 * operation has returned. The wait stays ready once ready, so it writes the object
 * the operation's return writes (its enabler). Without `after`, the body itself
 * (no wrapping generator for every step to pass through).
 */
export function afterWait(actor: Actor, after: AfterDef | undefined, log: OpLog, body: Op<void>): Op<void> {
  return after === undefined ? body : waitThenRun(actor, after, log, body);
}

function* waitThenRun(actor: Actor, after: AfterDef, log: OpLog, body: Op<void>): Op<void> {
  const key = `${after.actor}.${after.op}`;
  yield step(`${actor.name}: wait for ${key}`, [wr(log.doneObjs.get(key)!)], {
    kind: 'until',
    what: `${key} returned`,
    isReady: () => log.returned.has(key),
  });
  yield* body;
}

/** Pins the task's cgroup at setup (cgroup_attach_task before the execution starts). */
export function pinTaskCgroup(k: Kernel, cg: CgroupId): void {
  k.cgroups.get(cg).refcnt++;
}

/**
 * A userspace thread: its operations in order, each result logged. A named
 * operation another actor waits for ends with a step that marks it returned.
 */
export function* userBody(
  k: Kernel,
  actor: Actor,
  ids: SetupIds,
  def: ResolvedUserActor,
  defaultAttach: (map: string) => AttachType,
  log: OpLog,
): Op<void> {
  for (const [i, op] of def.ops.entries()) {
    const ret = yield* runUserOp(k, actor, ids, op, defaultAttach);
    log.results.push({ site: `${def.name}#${i}`, ret });
    yield* markReturned(actor, log, def.name, op.name);
  }
}

/**
 * When another actor waits for the named operation or run step `name` of
 * `owner` (`after`), a step that marks it returned: a write of the object the
 * waiter's wait writes, so the two are ordered for DPOR.
 */
function* markReturned(actor: Actor, log: OpLog, owner: string, name: string | undefined): Op<void> {
  const key = `${owner}.${name}`;
  const obj = name === undefined ? undefined : log.doneObjs.get(key);
  if (obj === undefined) return;
  yield step(`${actor.name}: ${name} returned`, [wr(obj)]);
  log.returned.add(key);
}

/** The daemon bodies: the RCU callback thread and `kworkers` workqueue threads, looping forever. */
export function daemonBodies(k: Kernel, actors: readonly Actor[]): Op<void>[] {
  return actors.map((a) => (a.kind === 'rcu' ? rcuWorker(k, a) : kworker(k, a)));
}

/**
 * A tracing program attached for the whole execution: it runs nested on
 * whichever actor reaches its hook, `times` times at most (every time when
 * undefined), seeing that actor's task cgroup as current and, as `ctx`, the
 * hooked function's cgroup argument (else the task cgroup too).
 */
export function attachTraceActor(
  k: Kernel,
  prog: BpfProgram,
  times: number | undefined,
  cgroupOf: (actor: Actor) => CgroupId | null,
): void {
  let left = times ?? Number.POSITIVE_INFINITY;
  k.attachHook(hookOf(prog), function* (actor, args): Op<void> {
    if (left <= 0) return;
    left--;
    const cg = cgroupOf(actor);
    yield* runProg(k, actor, prog, { currentCgroup: cg, cgroup: args.cgroup ?? cg });
  });
}
