/**
 * Atomic blocks (scenarios/atomicBlocks.ts): a step that never waits and
 * touches only objects private to its task runs with the step before it. The
 * busy counter of a CPU only one actor runs on is private to that actor; a
 * step of another task on it is a checker bug, reported at once.
 */
import { describe, expect, it } from 'vitest';
import { PrivateObjects } from '../../../scenarios/compile/atomicBlocks.js';
import type { WorldOptions } from '../../../scenarios/compile/world.js';
import { loadScenario } from '../../../scenarios/engine/load.js';
import { prepareRun } from '../../../scenarios/engine/prepare.js';
import { createDfsStrategy } from '../../../scheduler/dfs.js';
import { explore } from '../../../scheduler/explore.js';
import { withoutChecks } from '../../../scheduler/mazurkiewicz.js';
import { createRandomStrategy } from '../../../scheduler/random.js';

function runOf(name: string, params: Record<string, number>, options: WorldOptions) {
  const source = loadScenario(name);
  if (!source.ok) throw new Error(source.error.message);
  const run = prepareRun(source.value, undefined, params, options);
  if (!run.ok) throw new Error(run.error.message);
  return run.value;
}

describe('atomic blocks', () => {
  it('a private object: its owner may touch it, another task may not, and a waiting step is never absorbed', () => {
    const priv = new PrivateObjects();
    priv.ownerOf.set(7, 0);
    expect(() => priv.check(0, [{ kind: 'write', obj: 7 }], 'this_cpu_inc')).not.toThrow();
    expect(() => priv.check(1, [{ kind: 'write', obj: 7 }], 'this_cpu_inc')).toThrow(
      "checker bug: step 'this_cpu_inc' of task 1 touches object 7, private to task 0",
    );
    expect(priv.isInvisible(0, { label: 'inc', accesses: [{ kind: 'write', obj: 7 }] })).toBe(true);
    expect(priv.isInvisible(1, { label: 'inc', accesses: [{ kind: 'write', obj: 7 }] })).toBe(false);
    const wait = { kind: 'until', what: 'never', isReady: () => false } as const;
    expect(priv.isInvisible(0, { label: 'wait', accesses: [], blocker: wait })).toBe(false);
  });

  it('null-on-absent, 1 CPU: 462 interleavings of 11 steps without blocks, 35 of 7 with', () => {
    // cpu0 runs 4 steps (rcu_read_lock, rcu_dereference, rcu_read_unlock,
    // cgroup_put), the reader 3 (rcu_read_lock with cgroup_get_from_fd,
    // rcu_dereference, cgroup_put); the daemons end idle, with no exit steps
    // (3,432 of 15 before). Without blocks the busy counter's trylock/lock and
    // unlock of each are 4 more steps.
    const plain = runOf('null-on-absent', { cpus: 1, iterations: 1 }, { isAtomicBlocks: false });
    const blocks = runOf('null-on-absent', { cpus: 1, iterations: 1 }, {});
    const a = explore(withoutChecks(plain.factory), createDfsStrategy(), { maxExecutions: 10_000 });
    const b = explore(withoutChecks(blocks.factory), createDfsStrategy(), { maxExecutions: 10_000 });
    expect([a.complete, a.executions, a.steps / a.executions]).toEqual([true, 462, 11]);
    expect([b.complete, b.executions, b.steps / b.executions]).toEqual([true, 35, 7]);
  });

  it('doc-counter, 4 CPUs × 8 runs: the random walk runs every model step in fewer scheduling decisions', () => {
    const params = { cpus: 4, iterations: 8 };
    const counted = { count: 0 };
    const plainCount = { count: 0 };
    const blocks = runOf('doc-counter', params, { modelSteps: counted });
    const plain = runOf('doc-counter', params, { isAtomicBlocks: false, modelSteps: plainCount });
    const b = explore(blocks.factory, createRandomStrategy('blocks'), { maxExecutions: 20 });
    const p = explore(plain.factory, createRandomStrategy('blocks'), { maxExecutions: 20 });
    expect([b.status, p.status]).toEqual(['passed', 'passed']);
    // Without blocks every model step is a scheduling decision.
    expect(plainCount.count).toBe(p.steps);
    // With them, the busy trylock and unlock of each of the 32 program runs and
    // the lock and unlock of the reader's lookup (66 model steps) run inside the
    // step before them.
    expect(counted.count - b.steps).toBe(20 * 66);
  });
});
