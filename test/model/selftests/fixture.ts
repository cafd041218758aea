/**
 * Shared set-up for the model's program tests: a kernel with named actors, and
 * programs parsed from their textual form and verified, failing loudly otherwise.
 */

import type { CpuNo } from '../../../model/core/ids.js';
import type { Op } from '../../../model/core/step.js';
import { type Actor, Kernel, type ModelOptions } from '../../../model/kernel/kernel.js';
import { isStepReady } from '../../../model/kernel/ready.js';
import type { BpfProgram } from '../../../model/programs/bpfProgram.js';
import { type ProgramEnv, type ProgramSpec, parseProgram } from '../../../model/programs/bpfProgramParse.js';
import { verifyProgram } from '../../../model/programs/verifier.js';

/** A kernel with a task on each of CPUs 0 and 1 and a userspace thread on CPU 0. */
export function makeKernel(options: ModelOptions = {}): { k: Kernel; cpu0: Actor; cpu1: Actor; user: Actor } {
  const k = new Kernel(options);
  const cpu0 = k.addActor('cpu0', 'cpu', 0 as CpuNo);
  const cpu1 = k.addActor('cpu1', 'cpu', 1 as CpuNo);
  const user = k.addActor('user', 'user', 0 as CpuNo);
  return { k, cpu0, cpu1, user };
}

/** Parses a program; throws with the parser's message on a bad spec (a test bug). */
export function parse(spec: ProgramSpec, env: ProgramEnv): BpfProgram {
  const r = parseProgram(spec, env);
  if (!r.ok) throw new Error(`${spec.name}: insn ${r.index}: ${r.message}`);
  return r.value;
}

/** Parses and verifies a program as bpf(BPF_PROG_LOAD); throws with the verifier's message. */
export function load(k: Kernel, spec: ProgramSpec, env: ProgramEnv): BpfProgram {
  const prog = parse(spec, env);
  const v = verifyProgram(k, prog);
  if (!v.ok) throw new Error(`${spec.name}: ${v.message} (errno ${v.errno}, insn ${v.insn ?? '-'})`);
  return prog;
}

/** One task of an exploration: an operation on an actor. */
export interface ExploredTask {
  readonly actor: Actor;
  readonly op: Op<unknown>;
}

/**
 * Runs every interleaving of the tasks' steps that the model allows (a step runs only
 * when isStepReady), rebuilding the world from scratch for each schedule, and counts
 * the outcomes `outcome` names at the end ('deadlock' if tasks remain but none can run).
 */
export function exploreAll(
  build: () => { k: Kernel; tasks: readonly ExploredTask[] },
  outcome: (k: Kernel) => string,
): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (prefix: number[]): void => {
    const { k, tasks } = build();
    const pending = tasks.map((t) => t.op.next());
    for (const i of prefix) pending[i] = tasks[i]!.op.next();
    const enabled = tasks
      .map((_, i) => i)
      .filter((i) => {
        const p = pending[i]!;
        return !p.done && isStepReady(k, tasks[i]!.actor, p.value);
      });
    if (enabled.length === 0) {
      const key = pending.every((p) => p.done) ? outcome(k) : 'deadlock';
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return;
    }
    for (const i of enabled) visit([...prefix, i]);
  };
  visit([]);
  return counts;
}

/**
 * Runs `op` alone up to the first step whose label contains `label`, then returns an
 * operation that yields that step and continues: explorations start there.
 */
export function startAt<T>(op: Op<T>, label: string): Op<T> {
  let r = op.next();
  while (!r.done && !r.value.label.includes(label)) r = op.next();
  const first = r;
  return (function* resumed(): Op<T> {
    if (first.done) return first.value;
    yield first.value;
    for (;;) {
      const n = op.next();
      if (n.done) return n.value;
      yield n.value;
    }
  })();
}
