/**
 * Shared set-up for property tests: the model tests' small world (cgroups root,
 * cg, cg2; NEW maps m1 and m2; actors A on cpu0, B on cpu1, U, kworker, rcu),
 * programs parsed from text, and a driver that runs properties after every step
 * as scenarios/compile/world.ts does.
 */

import { BPF_LOCAL_STORAGE_GET_F_CREATE, cgrpStorageGet } from '../../model/cgrpStorage/cgrpStorage.js';
import type { CgroupId, MapId, ObjId } from '../../model/core/ids.js';
import type { Op } from '../../model/core/step.js';
import type { Actor, Kernel, ModelOptions } from '../../model/kernel/kernel.js';
import type { BpfProgram } from '../../model/programs/bpfProgram.js';
import type { Property, Violation } from '../../properties/property.js';
import { inRcu, type OpRunner, runOp } from '../model/driver.js';
import { load } from '../model/selftests/fixture.js';
import { makeWorld, type World } from '../model/world.js';

export { makeWorld, type World };

/** bpf_cgrp_storage_get(map, cg, NULL, F_CREATE) run alone in an RCU section; the element or null. */
export function create(w: World, actor: Actor, map: MapId = w.map, cg: CgroupId = w.cg): ObjId | null {
  return runOp(
    w.k,
    actor,
    inRcu(w.k, actor, cgrpStorageGet(w.k, actor, map, cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE)),
  );
}

/** A tp_btf program on map `counters` = m1, run with `current` in cgroup cg. */
export function counterProg(w: World, name: string, insns: readonly string[]): BpfProgram {
  return load(w.k, { name, section: 'tp_btf/sys_enter', insns }, { maps: { counters: w.map } });
}

/** Runs every property's checkStep after each step, as scenarios/compile/world.ts does. */
export class Checker {
  violation: Violation | undefined;

  constructor(
    readonly k: Kernel,
    readonly props: readonly Property[],
  ) {}

  /** After a step: the first violation sticks. */
  afterStep(): void {
    for (const p of this.props) {
      const v = p.checkStep?.(this.k);
      if (v !== undefined && this.violation === undefined) this.violation = v;
    }
  }

  /** At the end: the first per-step violation, else the first end violation. */
  end(): Violation | undefined {
    if (this.violation !== undefined) return this.violation;
    for (const p of this.props) {
      const v = p.checkEnd?.(this.k);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Steps `r` n times, checking after each step. */
  step(r: OpRunner<unknown>, n = 1): this {
    for (let i = 0; i < n; i++) {
      r.step();
      this.afterStep();
    }
    return this;
  }

  /** Runs `r` to completion, checking after each step. */
  run(r: OpRunner<unknown>): this {
    while (!r.isDone) this.step(r);
    return this;
  }

  /** Steps `r` until its next step's label contains `label`. */
  stepUntil(r: OpRunner<unknown>, label: string): this {
    for (let i = 0; i < 1000 && !r.next?.label.includes(label); i++) this.step(r);
    if (!r.next?.label.includes(label)) throw new Error(`${r.actor.name}: no step labelled ${label}`);
    return this;
  }
}

/** The properties' end verdict for a kernel driven without per-step checks. */
export function endOf(k: Kernel, ...props: Property[]): Violation | undefined {
  for (const p of props) {
    const v = p.checkStep?.(k) ?? p.checkEnd?.(k);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Model options for a world in era `era`. */
export const era = (e: 'E1' | 'E2' | 'E3', o: ModelOptions = {}): ModelOptions => ({ ...o, era: e });

/** An operation that runs `op` and discards its result. */
export function* voided<T>(op: Op<T>): Op<void> {
  yield* op;
}
