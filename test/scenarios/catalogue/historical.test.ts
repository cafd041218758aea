/**
 * KERNEL-SEMANTICS section 6: each historical bug's `-before` entry violates the
 * invariant the bug broke and its `-after` entry passes, with the entry's own
 * budget and a fixed seed; each counterexample replays from its token to the same
 * invariant and trace.
 */
import { describe, expect, it } from 'vitest';
import { catalogueBudgetOf } from '../../../scenarios/catalogue/budget.js';
import { type CheckReport, check, createEngine, scenario } from '../../../scenarios/index.js';

/** Bug (entry prefix) → the invariant its `-before` entry violates. */
const PAIRS: readonly (readonly [string, string])[] = [
  ['percpu-storage-pointer', 'deprecated-semantics'],
  ['tail-call-storage', 'out-of-bounds'],
  ['map-free-deadlock', 'no-lock-while-busy'],
  ['busy-false-positive', 'no-spurious-null'],
  ['busy-cross-task', 'no-spurious-create-failure'],
  ['teardown-handshake', 'double-link'],
  ['create-on-dying', 'no-create-on-dying'],
  ['get-next-key-past-end', 'out-of-bounds'],
];

const engine = createEngine();

/** Checks a catalogue entry with its declared budget and the catalogue's fixed seed. */
function checkEntry(name: string): Promise<CheckReport> {
  const info = engine.list().find((e) => e.name === name);
  if (info === undefined) throw new Error(`no catalogue entry ${name}`);
  return check(name, catalogueBudgetOf(info));
}

describe.each(PAIRS)('historical bug %s', (bug, invariant) => {
  it(`before the fix: ${invariant}, and the counterexample replays`, async () => {
    const report = await checkEntry(`${bug}-before`);
    expect([report.expect, report.violation?.invariant]).toEqual([invariant, invariant]);
    const v = report.violation!;
    const replayed = engine.replay(v.replay);
    if (!replayed.ok) throw new Error(replayed.error.message);
    const again = replayed.value.violation;
    expect([again?.invariant, again?.message, again?.trace.length]).toEqual([
      v.invariant,
      v.message,
      v.trace.length,
    ]);
  });

  it('after the fix: pass, checking the same invariant', async () => {
    const report = await checkEntry(`${bug}-after`);
    expect([report.verdict, report.violation?.message]).toEqual(['pass', undefined]);
    expect(report.unreached).toEqual([]);
  });
});

describe('historical pairs', () => {
  it('every pair differs only in its era or options, and shares its budget', () => {
    const infos = new Map(engine.list().map((e) => [e.name, e]));
    for (const [bug] of PAIRS) {
      const [before, after] = [infos.get(`${bug}-before`)!, infos.get(`${bug}-after`)!];
      expect(after.budget).toEqual(before.budget);
      expect(after.params).toEqual(before.params);
    }
  });
});

describe('format fields the pairs need', () => {
  const base = scenario('fields')
    .describe('format fields of the historical pairs')
    .kernel('6.2')
    .cgroup('root')
    .cgroup('app', { parent: 'root' })
    .map('m', { type: 'cgroup_storage', valueSize: 8 })
    .program('a', {
      type: 'cgroup_skb',
      attach: 'egress',
      insns: ['tail_call 0', 'exit 1'],
      tailCalls: ['b'],
    });

  it('tailCalls names declared programs of the caller’s type', () => {
    const errorOf = (b: typeof base) => {
      const r = b
        .attach('a', 'app')
        .cpu('t', { cgroup: 'app', run: [{ hook: 'egress' }] })
        .build();
      return r.ok ? 'ok' : r.error.message;
    };
    expect(errorOf(base)).toBe(
      `scenario("fields"): programs[0].tailCalls[0]: unknown program 'b' (declared: a)`,
    );
    const tp = base.program('b', { type: 'tp_btf', attach: 'sys_enter', insns: ['exit 0'] });
    expect(errorOf(tp)).toBe(
      `scenario("fields"): programs[0].tailCalls[0]: 'b' is a tp_btf program; a cgroup_skb prog array holds only cgroup_skb programs`,
    );
    const ok = base.program('b', { type: 'cgroup_skb', attach: 'egress', insns: ['exit 1'] });
    expect(errorOf(ok)).toBe('ok');
  });

  /**
   * map_free of m1 and the free of x race only with two kworkers. Then a destroy whose
   * owner lock times out while map_free holds it leaves x's m2 element to nobody: the
   * leak the fixed kernel admits (bpf_selem_unlink_nofail, "Highly unlikely scenario:
   * memory leak", WARN_ON_ONCE(err && !in_map_free)). One kworker serialises them.
   */
  it.each([
    [1, 'pass'],
    [2, 'no-leak'],
  ] as const)(
    'options.kworkers %i: map_free racing destroy with lock timeouts: %s',
    async (kworkers, verdict) => {
      const b = scenario('kworkers')
        .describe('map_free and cgroup free with lock timeouts')
        .kernel('7.0')
        .options({ lockTimeouts: true, kworkers })
        .cgroup('root')
        .cgroup('x', { parent: 'root' })
        .map('m1', { type: 'cgrp_storage', valueSize: 8 })
        .map('m2', { type: 'cgrp_storage', valueSize: 8 })
        .setup([
          { op: 'update', map: 'm1', cgroup: 'x', value: [1] },
          { op: 'update', map: 'm2', cgroup: 'x', value: [2] },
        ])
        .user('admin', [
          { op: 'rmdir', cgroup: 'x' },
          { op: 'close-map', map: 'm1' },
        ]);
      const r = await check(b, { strategy: 'random', runs: 300, seed: 'kworkers' });
      expect(r.violation?.invariant ?? 'pass').toBe(verdict);
    },
  );
});
