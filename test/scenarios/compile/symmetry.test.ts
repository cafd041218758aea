/**
 * Symmetry on model scenarios: which CPU tasks are interchangeable
 * (scenarios/compile/symmetry.ts), that exhaustive strategies use it and say
 * so, and that it keeps the verdict while exploring fewer executions.
 */
import { describe, expect, it } from 'vitest';
import { check, replay } from '../../../scenarios/api/api.js';
import { loadScenario } from '../../../scenarios/engine/load.js';
import { prepareRun } from '../../../scenarios/engine/prepare.js';
import { scenario } from '../../../scenarios/format/builder.js';

function symmetryOf(name: string, params: Record<string, number>): readonly string[] {
  const source = loadScenario(name);
  if (!source.ok) throw new Error(source.error.message);
  const run = prepareRun(source.value, undefined, params);
  if (!run.ok) throw new Error(run.error.message);
  return run.value.symmetry;
}

/** Two CPUs look up their cgroup's storage without creating it; nothing else runs. */
const peekers = scenario('two-peekers')
  .describe('two CPUs peek at absent storage')
  .kernel('6.2')
  .expect('pass')
  .cgroup('root')
  .cgroup('app', { parent: 'root' })
  .map('counters', { type: 'cgrp_storage', valueSize: 8 })
  .program('peek', {
    type: 'tp_btf',
    attach: 'sys_enter',
    insns: ['call get map=counters cg=current', 'jnull r0 out', 'atomic_add [r0+0] 1', 'out: exit 0'],
  })
  .cpus(2, { cgroup: 'app', run: [{ program: 'peek', times: 1 }] });

/** Two CPUs increment with a plain load and store: a lost update. */
const racers = scenario('two-racers')
  .describe('two CPUs increment with ld; add; st')
  .kernel('7.0')
  .expect('atomic-add')
  .cgroup('root')
  .cgroup('app', { parent: 'root' })
  .map('counters', { type: 'cgrp_storage', valueSize: 8 })
  .program('racy', {
    type: 'tp_btf',
    attach: 'sys_enter',
    insns: [
      'call get map=counters cg=current flags=F_CREATE',
      'jnull r0 out',
      'ld r1 [r0+0]',
      'add r1 1',
      'st [r0+0] r1',
      'out: exit 0',
    ],
  })
  .cpus(2, { cgroup: 'app', run: [{ program: 'racy', times: 1 }] })
  .check('atomic-add');

describe('symmetry', () => {
  it('classes: CPUs running the same programs in the same cgroup, each alone on its CPU', () => {
    expect(symmetryOf('doc-counter', { cpus: 3, iterations: 1 })).toEqual([
      'cpu0, cpu1, cpu2 interchangeable',
    ]);
    expect(symmetryOf('doc-counter', { cpus: 1, iterations: 1 })).toEqual([]);
    // Per-CPU storage pointers (the 5.14 bug) live per CPU: no symmetry.
    expect(symmetryOf('percpu-storage-pointer-before', {})).toEqual([]);
  });

  it('dpor: the same complete pass with and without symmetry, which the report names', async () => {
    // 1 execution either way: the two peekers' runs only read, and their cgroup
    // gets and live puts commute (2 before that, 44 with symmetry and 91 without
    // before the daemons ended idle). Symmetry's saving is
    // pinned where CPUs conflict (test/scheduler/symmetry.test.ts: 4 traces, 3 gated).
    const sym = await check(peekers, { strategy: 'dpor', runs: 10_000 });
    const plain = await check(peekers, { strategy: 'dpor', runs: 10_000, symmetry: false });
    expect([sym.verdict, sym.complete, sym.stats.executions, sym.symmetry]).toEqual([
      'pass',
      true,
      1,
      ['cpu0, cpu1 interchangeable'],
    ]);
    expect([plain.verdict, plain.complete, plain.stats.executions, plain.symmetry]).toEqual([
      'pass',
      true,
      1,
      undefined,
    ]);
  });

  it('random and pct sample every execution: no symmetry in their reports', async () => {
    const r = await check(peekers, { strategy: 'random', runs: 10 });
    expect(r.symmetry).toBeUndefined();
  });

  it('a violation found with the gates replays from its token on the world without them', async () => {
    const r = await check(racers, { strategy: 'dpor', runs: 10_000 });
    expect([r.violation?.invariant, r.symmetry]).toEqual(['atomic-add', ['cpu0, cpu1 interchangeable']]);
    const again = replay(racers, r.violation!.replay);
    expect([again.violation?.invariant, again.violation?.trace]).toEqual(['atomic-add', r.violation!.trace]);
  });
});
