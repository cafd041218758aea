/**
 * Atomic blocks (Lipton reduction, "Reduction: a method of proving properties
 * of parallel programs", CACM 18(12), 1975): a step that touches only objects
 * private to its task and never waits is a both-mover — it commutes with every
 * step of every other task and no other step can enable or disable it — so it
 * need not be a scheduling point. scenarios/world.ts runs it in one scheduler
 * step with the step before it; the block's footprint, as any other task can
 * see it, is the first step's.
 */

import type { Access, Step } from '../../model/core/step.js';
import type { Actor, Kernel } from '../../model/kernel/kernel.js';

/**
 * Which task may touch which private object. Checked on every step: a step of
 * another task on such an object is a checker bug, never a silent unsound
 * reduction.
 */
export class PrivateObjects {
  /** invariant: obj → index of the only task that touches it. */
  readonly ownerOf = new Map<number, number>();

  /** Throws when `task` touches an object private to another task. */
  check(task: number, accesses: readonly Access[], label: string): void {
    for (let i = 0; i < accesses.length; i++) {
      const owner = this.ownerOf.get(accesses[i]!.obj);
      if (owner !== undefined && owner !== task) {
        throw new Error(
          `checker bug: step '${label}' of task ${task} touches object ${accesses[i]!.obj}, private to task ${owner}`,
        );
      }
    }
  }

  /** True when `s` never waits and touches only objects private to `task`: no other task can see it. */
  isInvisible(task: number, s: Step): boolean {
    if (s.blocker !== undefined) return false;
    const a = s.accesses;
    for (let i = 0; i < a.length; i++) if (this.ownerOf.get(a[i]!.obj) !== task) return false;
    return true;
  }
}

/**
 * The private objects of a world's tasks (task i runs bodies[i]): the per-CPU
 * objects of a CPU only one actor runs on. Today that is the E1/E2 busy
 * counter, which only this_cpu_inc/dec on its own CPU touch
 * (kernel/bpf/bpf_cgrp_storage.c: bpf_cgrp_storage_lock, bpf_cgrp_storage_trylock,
 * bpf_cgrp_storage_unlock); a tracing program nested on that CPU runs inside
 * the same actor, so the same task.
 */
export function privateObjectsOf(k: Kernel, bodies: readonly { readonly actor: Actor }[]): PrivateObjects {
  const onCpu = new Map<number, number[]>();
  bodies.forEach((b, i) => {
    const list = onCpu.get(b.actor.cpu);
    if (list === undefined) onCpu.set(b.actor.cpu, [i]);
    else list.push(i);
  });
  const priv = new PrivateObjects();
  for (const [cpu, tasks] of onCpu) {
    const state = k.cpus[cpu];
    if (tasks.length === 1 && state !== undefined) priv.ownerOf.set(state.busyObj, tasks[0]!);
  }
  return priv;
}
