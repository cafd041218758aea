/**
 * Every catalogue entry gets its expected verdict with the catalogue budget (its
 * own `budget` when it declares one), and a pass must reach every reachability
 * goal it names. Entries are read from the engine's list, so new ones are covered
 * without touching this file. Also: the selftests that cannot run concurrently
 * because their program fails to load, and the invariants that make the catalogue's
 * passes meaningful (they fail when the kernel misbehaves).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_BUDGET, catalogueBudgetOf } from '../../../scenarios/catalogue/budget.js';
import { docCounter } from '../../../scenarios/catalogue/docCounter.js';
import { preallocBeforeAttach } from '../../../scenarios/catalogue/prealloc.js';
import { type CheckReport, check, createEngine, scenario } from '../../../scenarios/index.js';

/** `pass`, the violated invariant, or `vacuous: <goals>` for a pass that left a reachability goal unreached. */
function verdictOf(report: CheckReport): string {
  if (report.violation !== undefined) return report.violation.invariant;
  return report.unreached.length === 0 ? 'pass' : `vacuous: ${report.unreached.join(', ')}`;
}

describe('catalogue', () => {
  const entries = createEngine().list();

  it.each(entries.map((e) => [e.name, e] as const))('%s gets its expected verdict', async (_name, info) => {
    const report = await check(info.name, catalogueBudgetOf(info));
    expect(verdictOf(report)).toBe(info.expect);
  });

  it('calls a pass with an unreached reachability goal vacuous, not a pass', async () => {
    // Atomic adds never lose an update: the goal cannot be reached.
    const vacuous = docCounter.reachability('lost-update');
    const report = await check(vacuous, { runs: 20 });
    expect(report.verdict).toBe('pass');
    expect(verdictOf(report)).toBe('vacuous: lost-update');
  });

  it('lists each entry with a name, description, kernel, expectation and parameter defaults', () => {
    for (const e of entries) {
      expect(e.description.length).toBeGreaterThan(10);
      expect(['6.2', '6.15', '7.0']).toContain(e.kernel);
      for (const p of e.params) expect(p.default).toBeGreaterThanOrEqual(p.min);
    }
    expect(entries.map((e) => e.name)).toEqual(expect.arrayContaining(SELFTESTS));
  });
});

/** The concurrent forms of KERNEL-SEMANTICS section 5's selftests that load. */
const SELFTESTS = [
  'selftest-tp-btf',
  'selftest-attach-cgroup',
  'selftest-recursion',
  'selftest-cgroup-iter-sleepable',
  'selftest-yes-rcu-lock',
  'selftest-cgrp1-no-rcu-lock',
  'selftest-egress-only',
  'selftest-isolated',
  'selftest-shared',
];

/** A scenario whose one program is `insns` in `section` terms; it never gets to run. */
function loadOnly(
  name: string,
  program: { type: 'tp_btf' | 'fentry'; attach: string; sleepable?: boolean; insns: string[] },
) {
  return scenario(name)
    .describe('a program the verifier refuses')
    .kernel('6.2')
    .cgroup('root')
    .map('map_a', { type: 'cgrp_storage', valueSize: 8 })
    .map('old', { type: 'cgroup_storage', valueSize: 8 })
    .program('prog', program)
    .cpu('task', { cgroup: 'root', run: [{ program: 'prog' }] });
}

/**
 * negative and no_rcu_lock: the program fails to load, so no execution exists and
 * the concurrent form cannot run; the load refusal is an input error with the
 * verifier's message, from the API and from the engine alike.
 */
describe('selftests that fail to load', () => {
  const cases = [
    [
      'negative: a task pointer passed as the cgroup',
      loadOnly('selftest-negative', {
        type: 'tp_btf',
        attach: 'sys_enter',
        insns: ['call get map=map_a cg=task flags=F_CREATE', 'exit 0'],
      }),
      'selftest-negative: programs.prog: load refused (EACCES): R2 is of type task_struct but cgroup is expected',
    ],
    [
      'no_rcu_lock: task->cgroups->dfl_cgrp in a sleepable program outside an RCU section',
      loadOnly('selftest-no-rcu-lock', {
        type: 'fentry',
        attach: 'sys_getpgid',
        sleepable: true,
        insns: ['call get map=map_a cg=current flags=F_CREATE', 'exit 0'],
      }),
      'selftest-no-rcu-lock: programs.prog: load refused (EACCES): R2 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_',
    ],
    [
      'deprecated-vs-new (1): bpf_get_local_storage from a tracing program',
      loadOnly('deprecated-from-tracing', {
        type: 'tp_btf',
        attach: 'sys_enter',
        insns: ['call get_local_storage map=old', 'exit 0'],
      }),
      'deprecated-from-tracing: programs.prog: load refused (EINVAL): program of this type cannot use helper bpf_get_local_storage#81',
    ],
  ] as const;

  it.each(cases)('%s: check() throws the refusal', async (_what, builder, message) => {
    await expect(check(builder, { runs: 1 })).rejects.toThrow(message);
  });

  it.each(cases)('%s: the engine returns it as an InputError', async (_what, builder, message) => {
    const built = builder.build();
    if (!built.ok) throw new Error(built.error.message);
    const file = join(mkdtempSync(join(tmpdir(), 'cgrpcheck-')), 'refused.json');
    writeFileSync(file, JSON.stringify(built.value));
    const engine = createEngine();
    const loaded = engine.load(file);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const r = await engine.check(loaded.value, {
      ...CATALOGUE_BUDGET,
      runs: 1,
      depth: 3,
      preemptions: 2,
      maxSteps: 1000,
      params: {},
      workers: 1,
    });
    expect(r).toStrictEqual({ ok: false, error: { message } });
  });
});

describe('the invariants behind the catalogue passes fail when the kernel misbehaves', () => {
  it('get-finds-prealloc: in E1 a reader preempted on the task’s CPU holds the busy counter, and get returns NULL', async () => {
    const shared = preallocBeforeAttach.user(
      'preempted',
      [{ op: 'lookup', map: 'counters', cgroup: 'app' }],
      {
        cpu: 0,
      },
    );
    const e1 = await check(shared, { runs: 300 });
    expect(e1.violation?.invariant).toBe('get-finds-prealloc');
    expect(e1.violation?.message).toMatch(
      /returned NULL though userspace pre-allocated that storage at setup/,
    );
    // E3 has no counter: the same schedule space passes.
    expect(verdictOf(await check(shared, { runs: 100, kernel: '7.0' }))).toBe('pass');
  });

  it('final-value: a count the programs cannot reach is reported with both values', async () => {
    const wrong = docCounter.expectFinal({ map: 'counters', cgroup: 'app', value: [5] });
    const r = await check(wrong, { runs: 5 });
    expect(r.violation?.invariant).toBe('final-value');
    expect(r.violation?.message).toBe('at the end counters[app] holds [4]; the scenario expects [5]');
  });
});
