/**
 * The `setup`, `expectFinal` and `budget` fields: validation with errors that name
 * the field, parameter resolution, the builder, and what running setup operations
 * before the first scheduled step means for the properties.
 */
import { describe, expect, it } from 'vitest';
import { docCounter, nullOnAbsent } from '../../../scenarios/catalogue/docCounter.js';
import { resolveParams } from '../../../scenarios/format/params.js';
import type { ScenarioDef } from '../../../scenarios/format/types.js';
import { validateScenario } from '../../../scenarios/format/validate.js';
import { check, scenario } from '../../../scenarios/index.js';

// biome-ignore lint/suspicious/noExplicitAny: tests mutate raw JSON freely
type Json = any;

/** doc-counter as JSON, plus a deprecated map `old` keyed by (cgroup, attach type). */
function base(): Json {
  const built = docCounter.build();
  if (!built.ok) throw new Error(built.error.message);
  const d: Json = structuredClone(built.value);
  d.maps.push({ name: 'old', type: 'cgroup_storage', valueSize: 16 });
  return d;
}

function errorOf(mutate: (d: Json) => void): string {
  const d = base();
  mutate(d);
  const r = validateScenario(d, 'bad.json');
  return r.ok ? 'valid' : r.error.message;
}

describe('setup and expectFinal: validation', () => {
  const cases: readonly (readonly [string, (d: Json) => void, string])[] = [
    [
      'setup op typo',
      (d) => {
        d.setup = [{ op: 'updat', map: 'counters', cgroup: 'app', value: [1] }];
      },
      "bad.json: setup[0].op: unknown operation 'updat' (expected one of lookup, update, delete, get-next-key, rmdir, close-map, attach, detach, migrate, run)",
    ],
    [
      'setup names an unknown map',
      (d) => {
        d.setup = [{ op: 'update', map: 'countres', cgroup: 'app', value: [1] }];
      },
      "bad.json: setup[0].map: unknown map 'countres' (declared: counters, old)",
    ],
    [
      'setup names an unknown cgroup',
      (d) => {
        d.setup = [{ op: 'lookup', map: 'counters', cgroup: 'ap' }];
      },
      "bad.json: setup[0].cgroup: unknown cgroup 'ap' (declared: root, app)",
    ],
    [
      'setup on an isolated deprecated map without attachType',
      (d) => {
        d.setup = [{ op: 'lookup', map: 'old', cgroup: 'app' }];
      },
      "bad.json: setup[0]: map 'old' is keyed by (cgroup, attach type): add 'attachType' (one of ingress, egress, sock_create, connect4, connect6, sock_ops, device, sysctl, getsockopt, setsockopt, lsm_cgroup)",
    ],
    [
      'setup attaches an unknown program',
      (d) => {
        d.setup = [{ op: 'attach', program: 'nope', cgroup: 'app' }];
      },
      "bad.json: setup[0].program: unknown program 'nope' (declared: count)",
    ],
    [
      'expectFinal with an unknown map',
      (d) => {
        d.expectFinal = [{ map: 'nope', cgroup: 'app', value: [1] }];
      },
      "bad.json: expectFinal[0].map: unknown map 'nope' (declared: counters, old)",
    ],
    [
      'expectFinal with an unknown field',
      (d) => {
        d.expectFinal = [{ map: 'counters', cgroup: 'app', values: [1] }];
      },
      'bad.json: expectFinal[0].values: unknown field (allowed: map, cgroup, attachType, value, times, anyOf, reachable)',
    ],
    [
      'expectFinal times without a value',
      (d) => {
        d.expectFinal = [{ map: 'counters', cgroup: 'app', times: '$cpus' }];
      },
      "bad.json: expectFinal[0].times: multiplies 'value', which is absent (no entry expected)",
    ],
    [
      'expectFinal attachType on a NEW map',
      (d) => {
        d.expectFinal = [{ map: 'counters', cgroup: 'app', attachType: 'egress', value: [1] }];
      },
      "bad.json: expectFinal[0].attachType: map 'counters' is keyed by cgroup alone; remove 'attachType'",
    ],
    [
      'expectFinal with an undeclared parameter',
      (d) => {
        d.expectFinal = [{ map: 'counters', cgroup: 'app', value: ['$runs'] }];
      },
      "bad.json: expectFinal[0].value[0]: unknown parameter '$runs' (declared: cpus, iterations)",
    ],
    [
      'budget with an unknown strategy',
      (d) => {
        d.budget = { strategy: 'bfs' };
      },
      "bad.json: budget.strategy: unknown strategy 'bfs' (expected one of random, pct, dpor, dfs, bounded)",
    ],
  ];

  it.each(cases)('%s', (_name, mutate, message) => {
    expect(errorOf(mutate)).toBe(message);
  });

  it('accepts every field and keeps exactly what was given', () => {
    const d = base();
    d.setup = [
      { op: 'update', map: 'counters', cgroup: 'app', value: [3], flags: ['BPF_NOEXIST'] },
      { op: 'lookup', map: 'old', cgroup: 'app', attachType: 'egress' },
    ];
    d.expectFinal = [
      { map: 'counters', cgroup: 'app', value: ['$iterations'], times: '$cpus' },
      { map: 'old', cgroup: 'root', attachType: 'egress' },
    ];
    d.budget = { strategy: 'pct', runs: 1000 };
    const r = validateScenario(d, 'ok.json');
    expect(r.ok && r.value).toStrictEqual(d);
  });
});

describe('setup and expectFinal: parameters and the builder', () => {
  const withBoth = docCounter
    .setup([{ op: 'update', map: 'counters', cgroup: 'app', value: ['$iterations'] }])
    .expectFinal({ map: 'counters', cgroup: 'app', value: ['$iterations'], times: '$cpus' })
    .expectFinal({ map: 'counters', cgroup: 'root' });

  it('resolves `$param`s in setup values and multiplies expected values by `times`', () => {
    const built = withBoth.build();
    if (!built.ok) throw new Error(built.error.message);
    const r = resolveParams(built.value, { cpus: 3, iterations: 4 }, 'x');
    expect(r.ok && r.value.setup).toStrictEqual([
      { op: 'update', map: 'counters', cgroup: 'app', value: [4] },
    ]);
    expect(r.ok && r.value.expectFinal).toStrictEqual([
      { map: 'counters', cgroup: 'app', attachType: undefined, value: [12] },
      { map: 'counters', cgroup: 'root', attachType: undefined, value: undefined },
    ]);
  });

  it('defaults both to empty lists', () => {
    const built = docCounter.build();
    if (!built.ok) throw new Error(built.error.message);
    const r = resolveParams(built.value, {}, 'x');
    expect(r.ok && [r.value.setup, r.value.expectFinal]).toStrictEqual([[], []]);
  });

  it('rejects a setup value or an expected value wider than the map', () => {
    const wide = docCounter.setup([{ op: 'update', map: 'counters', cgroup: 'app', value: [1, 2] }]).build();
    if (!wide.ok) throw new Error(wide.error.message);
    expect(resolveParams(wide.value, {}, 'x')).toStrictEqual({
      ok: false,
      error: { message: "x: setup[0].value: 2 words do not fit map 'counters' (valueSize 8 holds 1)" },
    });
    const final = docCounter.expectFinal({ map: 'counters', cgroup: 'app', value: [1, 2] }).build();
    if (!final.ok) throw new Error(final.error.message);
    expect(resolveParams(final.value, {}, 'x').ok).toBe(false);
  });

  it('appends: two setup() calls keep both lists in order', () => {
    const b = docCounter
      .setup([{ op: 'lookup', map: 'counters', cgroup: 'app' }])
      .setup([{ op: 'delete', map: 'counters', cgroup: 'app' }])
      .build();
    expect(b.ok && (b.value as ScenarioDef).setup?.map((o) => o.op)).toStrictEqual(['lookup', 'delete']);
  });
});

describe('setup operations run before the first scheduled step', () => {
  it('a pre-allocated counter ends at the setup value plus every increment', async () => {
    const b = docCounter
      .setup([{ op: 'update', map: 'counters', cgroup: 'app', value: [100] }])
      .expectFinal({ map: 'counters', cgroup: 'app', value: [104] });
    const r = await check(b, { runs: 50 });
    expect(r.verdict).toBe('pass');
    expect(r.stats.executions).toBe(50);
  });

  it('null-on-absent still holds, and still sees NULL, after a setup lookup of the absent storage', async () => {
    const b = nullOnAbsent.setup([{ op: 'lookup', map: 'counters', cgroup: 'app' }]);
    const r = await check(b, { runs: 50 });
    expect([r.verdict, r.unreached]).toStrictEqual(['pass', []]);
  });

  it('a setup update excuses null-on-absent: the peeking program finds it', async () => {
    const b = nullOnAbsent
      .setup([{ op: 'update', map: 'counters', cgroup: 'app', value: [7] }])
      .expectFinal({ map: 'counters', cgroup: 'app', value: [7] });
    const r = await check(b, { runs: 50 });
    // Nothing returns NULL any more: the scenario's own goal goes unreached.
    expect([r.verdict, r.unreached]).toStrictEqual(['pass', ['get-returned-null']]);
  });

  it('a setup delete leaves nothing: the peeking program sees NULL again', async () => {
    const b = nullOnAbsent
      .setup([
        { op: 'update', map: 'counters', cgroup: 'app', value: [100] },
        { op: 'delete', map: 'counters', cgroup: 'app' },
      ])
      .expectFinal({ map: 'counters', cgroup: 'app' });
    const r = await check(b, { runs: 50 });
    expect([r.verdict, r.unreached]).toStrictEqual(['pass', []]);
  });

  it('a setup update of a deprecated storage is not mistaken for attach allocating a non-zero buffer', async () => {
    const b = scenario('deprecated-setup')
      .describe('userspace writes the deprecated storage before the packets')
      .kernel('6.2')
      .cgroup('root')
      .map('old', { type: 'cgroup_storage', valueSize: 8, key: 'shared' })
      .program('count', {
        type: 'cgroup_skb',
        attach: 'egress',
        insns: ['call get_local_storage map=old', 'atomic_add [r0+0] 1', 'exit 1'],
      })
      .attach('count', 'root')
      .setup([{ op: 'update', map: 'old', cgroup: 'root', value: [10] }])
      .cpus(2, { cgroup: 'root', run: [{ hook: 'egress' }] })
      .check('deprecated-semantics', 'atomic-add')
      .expectFinal({ map: 'old', cgroup: 'root', value: [12] });
    expect((await check(b, { runs: 50 })).verdict).toBe('pass');
  });
});
