/**
 * Actor bodies: what each scheduled thread of a scenario runs. CPU tasks run
 * programs in their cgroup, userspace threads issue operations, and daemons
 * (the RCU callback thread and kworkers) run deferred work; an execution ends
 * once everyone else has finished and they have nothing left to do.
 */

import { cgroupPut } from '../../model/cgroup/cgroup.js';
import { bpfProgRunArrayCg } from '../../model/cgroup/cgroupBpf.js';
import type { CgroupId } from '../../model/core/ids.js';
import type { Op } from '../../model/core/step.js';
import type { Actor, Kernel } from '../../model/kernel/kernel.js';
import type { AttachType, BpfProgram } from '../../model/programs/bpfProgram.js';
import { hookOf } from '../../model/programs/bpfProgramSection.js';
import { runProg } from '../../model/programs/interpreter.js';
import { kworker, rcuWorker } from '../../model/sync/rcuWorker.js';
import type { ResolvedCpuActor, ResolvedUserActor } from '../format/resolvedTypes.js';
import { modelAttachType } from './sections.js';
import type { SetupIds } from './setup.js';
import { runUserOp } from './userOps.js';

/**
 * A task living in a cgroup: its css_set pins the cgroup (taken at setup) until
 * the task exits, so the cgroup cannot be freed while the task runs programs.
 */
export function* cpuTaskBody(k: Kernel, actor: Actor, ids: SetupIds, def: ResolvedCpuActor): Op<void> {
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
  }
  yield* cgroupPut(k, actor, cg);
}

/** Pins the task's cgroup at setup (cgroup_attach_task before the execution starts). */
export function pinTaskCgroup(k: Kernel, cg: CgroupId): void {
  k.cgroups.get(cg).refcnt++;
}

/** A userspace thread: its operations in order. */
export function* userBody(
  k: Kernel,
  actor: Actor,
  ids: SetupIds,
  def: ResolvedUserActor,
  defaultAttach: (map: string) => AttachType,
): Op<void> {
  for (const op of def.ops) yield* runUserOp(k, actor, ids, op, defaultAttach);
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
