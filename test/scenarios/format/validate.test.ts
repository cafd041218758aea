import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioJson, validateScenario } from '../../../scenarios/format/validate.js';

const FIXTURE = readFileSync(new URL('fixtures/doc-counter.json', import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: tests mutate raw JSON freely
type Json = any;
const fixture = (): Json => JSON.parse(FIXTURE);

/** The error a mutated copy of the fixture gets, as bad.json. */
function errorOf(mutate: (d: Json) => void): string {
  const d = fixture();
  mutate(d);
  const r = validateScenario(d, 'bad.json');
  return r.ok ? 'valid' : r.error.message;
}

describe('validateScenario', () => {
  it('accepts the documentation example and drops only $schema', () => {
    const r = parseScenarioJson(FIXTURE, 'doc-counter.json');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { $schema, ...rest } = fixture();
    expect($schema).toBe('../../../../scenarios/scenario.schema.json');
    expect(r.value).toStrictEqual(rest);
  });

  // Each row: one malformed input and the exact one-line message it gets.
  const cases: readonly (readonly [string, (d: Json) => void, string])[] = [
    [
      'operation typo',
      (d) => {
        d.actors[1].ops[0].op = 'lookp';
      },
      "bad.json: actors[1].ops[0].op: unknown operation 'lookp' (expected one of lookup, update, delete, get-next-key, rmdir, close-map, attach, detach, migrate, run)",
    ],
    [
      'map type typo',
      (d) => {
        d.maps[0].type = 'cgrp-storage';
      },
      "bad.json: maps[0].type: unknown map type 'cgrp-storage' (expected one of cgrp_storage, cgroup_storage, percpu_cgroup_storage)",
    ],
    [
      'unknown field (a typo)',
      (d) => {
        d.maps[0].valuesize = 8;
      },
      'bad.json: maps[0].valuesize: unknown field (allowed: name, type, valueSize, spinLock)',
    ],
    [
      'missing required field',
      (d) => {
        delete d.maps[1].valueSize;
      },
      "bad.json: maps[1]: missing required field 'valueSize'",
    ],
    [
      'number as a string',
      (d) => {
        d.maps[0].valueSize = '8';
      },
      "bad.json: maps[0].valueSize: expected an integer or a '$param' reference, got '8'",
    ],
    [
      'number out of range',
      (d) => {
        d.maps[0].valueSize = 8192;
      },
      'bad.json: maps[0].valueSize: 8192 is outside [1, 4096]',
    ],
    [
      'key on a cgrp_storage map',
      (d) => {
        d.maps[0].key = 'shared';
      },
      "bad.json: maps[0].key: a cgrp_storage map is keyed by cgroup fd alone; remove 'key'",
    ],
    [
      'spin lock in a percpu value',
      (d) => {
        d.maps[1].type = 'percpu_cgroup_storage';
        d.maps[1].spinLock = true;
      },
      'bad.json: maps[1].spinLock: a percpu_cgroup_storage value cannot hold a bpf_spin_lock',
    ],
    [
      'program naming an unknown map',
      (d) => {
        d.programs[0].insns[0] = 'call get map=countrs cg=current';
      },
      "bad.json: programs[0].insns[0]: unknown map 'countrs' (declared: counters, old)",
    ],
    [
      'unknown instruction',
      (d) => {
        d.programs[0].insns[2] = 'atomic_ad [r0+0] 1';
      },
      "bad.json: programs[0].insns[2]: unknown instruction 'atomic_ad' in 'atomic_ad [r0+0] 1' (expected one of call, jnull, jnotnull, jeq, jne, jgt, jge, jlt, jle, ja, ld, st, ldctx, cgid, mov, add, sub, mul, or, and, lsh, rsh, atomic_add, spin_lock, spin_unlock, tail_call, exit)",
    ],
    [
      'no instructions',
      (d) => {
        d.programs[0].insns = [];
      },
      'bad.json: programs[0].insns: expected at least 1 entry',
    ],
    [
      'actor in an unknown cgroup',
      (d) => {
        d.actors[0].cgroup = 'ap';
      },
      "bad.json: actors[0].cgroup: unknown cgroup 'ap' (declared: root, app)",
    ],
    [
      'actor running an unknown program',
      (d) => {
        d.actors[0].run[0].program = 'cnt';
      },
      "bad.json: actors[0].run[0].program: unknown program 'cnt' (declared: count, egress, nested)",
    ],
    [
      'parent that does not exist',
      (d) => {
        d.cgroups[1].parent = 'rot';
      },
      "bad.json: cgroups[1].parent: unknown cgroup 'rot' (declared: root, app)",
    ],
    [
      'duplicate map name',
      (d) => {
        d.maps[1].name = 'counters';
      },
      "bad.json: maps[1].name: duplicate map name 'counters' (also maps[0])",
    ],
    [
      'duplicate actor name',
      (d) => {
        d.actors[1].name = 'cpu';
      },
      "bad.json: actors[1].name: duplicate actor name 'cpu' (also actors[0])",
    ],
    [
      'undeclared $param',
      (d) => {
        d.actors[0].count = '$cpu';
      },
      "bad.json: actors[0].count: unknown parameter '$cpu' (declared: cpus, iterations)",
    ],
    [
      'param default outside [min, max]',
      (d) => {
        d.params.cpus.default = 9;
      },
      'bad.json: params.cpus.default: 9 is outside [1, 8]',
    ],
    [
      'param min above max',
      (d) => {
        d.params.cpus.min = 9;
      },
      'bad.json: params.cpus: min 9 is greater than max 8',
    ],
    [
      'param range wider than the field allows',
      (d) => {
        d.params.cpus.min = 0;
        d.params.cpus.default = 0;
      },
      "bad.json: actors[0].count: '$cpus' ranges over [0, 8], outside the allowed [1, 64]",
    ],
    [
      'param never used',
      (d) => {
        d.actors[0].run[0].times = 2;
      },
      'bad.json: params.iterations: declared but never used',
    ],
    [
      'cycle in the cgroup tree',
      (d) => {
        d.cgroups[0].parent = 'app';
      },
      'bad.json: cgroups[0].parent: cycle in the cgroup tree: root -> app -> root',
    ],
    [
      'v1 disagreeing with its hierarchy',
      (d) => {
        d.cgroups[0].v1 = true;
      },
      "bad.json: cgroups[1].v1: false, but ancestor 'root' is in a cgroup v1 hierarchy",
    ],
    [
      'kernel inside an era but not its version',
      (d) => {
        d.kernel = '6.9';
      },
      "bad.json: kernel: unsupported version '6.9': write '6.2', its era's version (expected one of 6.2, 6.15, 7.0)",
    ],
    [
      'kernel before cgrp_storage',
      (d) => {
        d.kernel = '5.15';
      },
      "bad.json: kernel: '5.15' predates BPF_MAP_TYPE_CGRP_STORAGE (expected one of 6.2, 6.15, 7.0)",
    ],
    [
      'kernel not a version',
      (d) => {
        d.kernel = 'latest';
      },
      "bad.json: kernel: unknown kernel version 'latest' (expected one of 6.2, 6.15, 7.0)",
    ],
    [
      'expect neither pass nor an invariant',
      (d) => {
        d.expect = 'atomc-add';
      },
      "bad.json: expect: unknown expectation 'atomc-add' (expected one of pass, no-use-after-free, no-double-free, out-of-bounds, no-null-deref, lock-order, busy-counter, single-element, double-link, owner-pointer, cache-valid, free-after-gp, no-errno-from-get, delete-errno, zeroed-or-initial, get-next-key-notsupp, map-free-clean, e3-single-free, no-leak, atomic-add, null-on-absent, get-never-creates-without-flag, update-flags, cleanup-on-free, no-create-on-dying, deprecated-semantics, get-finds-prealloc, no-spurious-null, no-spurious-create-failure, update-replace, no-lock-while-busy, final-value, op-result, helper-result, no-deadlock, no-livelock)",
    ],
    [
      'duplicate check',
      (d) => {
        d.check = ['atomic-add', 'atomic-add'];
      },
      "bad.json: check[1]: duplicate invariant 'atomic-add'",
    ],
    [
      'unknown bug',
      (d) => {
        d.options.bugs = ['map-free'];
      },
      "bad.json: options.bugs[0]: unknown bug 'map-free' (expected one of percpu-storage-pointer, tail-call-storage-mismatch, map-free-unguarded, unlink-without-handshake, create-on-dying, get-next-key-past-end)",
    ],
    [
      'unknown actor kind',
      (d) => {
        d.actors[0].kind = 'cpus';
      },
      "bad.json: actors[0].kind: unknown actor kind 'cpus' (expected one of cpu, user, trace)",
    ],
    [
      'actor without kind',
      (d) => {
        delete d.actors[0].kind;
      },
      "bad.json: actors[0]: missing required field 'kind'",
    ],
    [
      'isolated deprecated key without attachType',
      (d) => {
        delete d.actors[1].ops[2].attachType;
      },
      "bad.json: actors[1].ops[2]: map 'old' is keyed by (cgroup, attach type): add 'attachType' (one of ingress, egress, sock_create, connect4, connect6, sock_ops, device, sysctl, getsockopt, setsockopt, lsm_cgroup)",
    ],
    [
      'attachType on a cgrp_storage key',
      (d) => {
        d.actors[1].ops[0].attachType = 'egress';
      },
      "bad.json: actors[1].ops[0].attachType: map 'counters' is keyed by cgroup alone; remove 'attachType'",
    ],
    [
      'attaching a tracing program to a cgroup',
      (d) => {
        d.attach[0].program = 'count';
      },
      "bad.json: attach[0].program: 'count' is a tp_btf program; only cgroup programs attach to cgroups",
    ],
    [
      'the same attachment twice',
      (d) => {
        d.attach.push({ program: 'egress', cgroup: 'app' });
      },
      "bad.json: attach[1]: program 'egress' is already attached to cgroup 'app' (attach[0])",
    ],
    [
      'running a cgroup program directly',
      (d) => {
        d.actors[0].run[1] = { program: 'egress' };
      },
      'bad.json: actors[0].run[1].program: \'egress\' is a cgroup_skb program: run it as {"hook": "egress"}',
    ],
    [
      'unknown cgroup hook',
      (d) => {
        d.actors[0].run[1] = { hook: 'egres' };
      },
      "bad.json: actors[0].run[1].hook: unknown hook 'egres' (expected one of ingress, egress, sock_create, connect4, connect6, sock_ops, device, sysctl, getsockopt, setsockopt)",
    ],
    [
      'trace actor with a non-tracing program',
      (d) => {
        d.actors[2].program = 'count';
      },
      "bad.json: actors[2].program: 'count' is a tp_btf program; a trace actor needs an fentry, fexit or kprobe program",
    ],
    [
      'trace actor on a function the model never reaches',
      (d) => {
        d.programs[2].attach = 'bpf_map_update';
      },
      "bad.json: actors[2].program: 'nested' hooks 'bpf_map_update', which the model never reaches (expected one of bpf_local_storage_update, bpf_local_storage_lookup, bpf_local_storage_alloc, bpf_selem_alloc, bpf_selem_unlink, bpf_selem_unlink_storage_nolock, bpf_local_storage_destroy, bpf_local_storage_map_free, bpf_cgrp_storage_free, cgroup_storage_ptr)",
    ],
    [
      'cgroup program with a foreign attach point',
      (d) => {
        d.programs[1].attach = 'egres';
      },
      "bad.json: programs[1].attach: 'egres' is not an attach point of cgroup_skb (expected one of ingress, egress)",
    ],
    [
      'sleepable cgroup program',
      (d) => {
        d.programs[1].sleepable = true;
      },
      'bad.json: programs[1].sleepable: cgroup_skb programs cannot be sleepable',
    ],
    [
      'name with a space',
      (d) => {
        d.name = 'doc counter';
      },
      "bad.json: name: invalid name 'doc counter' (letters, digits, '_', '-', '.', at most 64, not starting with a digit)",
    ],
    [
      '__proto__ as a field',
      (d) => {
        d.cgroups[0] = JSON.parse('{"name": "root", "__proto__": {}}');
      },
      'bad.json: cgroups[0].__proto__: unknown field (allowed: name, parent, v1)',
    ],
    [
      'update flag without its prefix',
      (d) => {
        d.actors[1].ops[1].flags = ['BPF_NOEXIST', 'NOEXIST'];
      },
      "bad.json: actors[1].ops[1].flags[1]: unknown update flag 'NOEXIST' (expected one of BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK)",
    ],
    [
      'negative value word',
      (d) => {
        d.actors[1].ops[1].value = [-1];
      },
      'bad.json: actors[1].ops[1].value[0]: -1 is outside [0, 9007199254740991]',
    ],
    [
      'reachability goal not kebab-case',
      (d) => {
        d.reachability = ['Cgroup freed'];
      },
      "bad.json: reachability[0]: unknown reachability goal 'Cgroup freed' (expected one of cgroup-freed-while-running, get-returned-null, element-replaced-while-held, racing-deletes, lost-update, nested-helper-failed, create-refused-dying)",
    ],
    [
      'no actors',
      (d) => {
        d.actors = [];
      },
      'bad.json: actors: expected at least 1 entry',
    ],
    [
      'boolean as a string',
      (d) => {
        d.options.lockTimeouts = 'yes';
      },
      "bad.json: options.lockTimeouts: expected true or false, got 'yes'",
    ],
    [
      'blank description',
      (d) => {
        d.description = ' ';
      },
      "bad.json: description: expected a non-empty string, got ' '",
    ],
    [
      'multi-line string shown on one line',
      (d) => {
        d.actors[0].cgroup = 'a\nb';
      },
      "bad.json: actors[0].cgroup: invalid name 'a\\nb' (letters, digits, '_', '-', '.', at most 64, not starting with a digit)",
    ],
  ];

  it.each(cases)('%s', (_name, mutate, message) => {
    expect(errorOf(mutate)).toBe(message);
  });

  it('has at least 20 distinct malformed inputs, each with its own message', () => {
    expect(new Set(cases.map((c) => c[2])).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it('rejects a top level that is not an object', () => {
    const r = validateScenario([], 'bad.json');
    expect(r).toStrictEqual({
      ok: false,
      error: { message: 'bad.json: (root): expected an object, got an array' },
    });
  });

  it('accepts injected invariant ids and bug names instead of the defaults', () => {
    const mutate = (d: Json): void => {
      d.expect = 'my-invariant';
      d.check = ['my-invariant'];
      d.options.bugs = [];
    };
    const d = fixture();
    mutate(d);
    expect(validateScenario(d, 'x.json', { invariants: ['my-invariant'], bugs: [] }).ok).toBe(true);
    expect(errorOf(mutate)).toMatch(/^bad\.json: expect: unknown expectation 'my-invariant'/);
  });

  it('checks reachability goals against an injected list', () => {
    const r = validateScenario(fixture(), 'x.json', { reachability: ['cgroup-freed'] });
    expect(r.ok ? 'valid' : r.error.message).toBe(
      "x.json: reachability[0]: unknown reachability goal 'cgroup-freed-while-running' (expected one of cgroup-freed)",
    );
  });

  it('reports the first error in field order when there are several', () => {
    expect(
      errorOf((d) => {
        d.kernel = '6.9';
        d.maps[0].type = 'x';
      }),
    ).toBe(
      "bad.json: kernel: unsupported version '6.9': write '6.2', its era's version (expected one of 6.2, 6.15, 7.0)",
    );
  });
});

describe('parseScenarioJson syntax errors', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['{"name": "x",\n  "kernel": 6.2,,\n}', "bad.json:2:17: invalid JSON: expected a property name, got ','"],
    ['{"name": "a", "name": "b"}', "bad.json:1:15: invalid JSON: duplicate key 'name'"],
    ['[1, 2', "bad.json:1:6: invalid JSON: expected ',' or ']' after an element, got end of input"],
    ['{"a": "\\x"}', "bad.json:1:8: invalid JSON: invalid escape '\\x'"],
    ['{} x', "bad.json:1:4: invalid JSON: unexpected 'x' after the JSON value"],
    ['', 'bad.json:1:1: invalid JSON: expected a JSON value, got end of input'],
    ['{"a" 1}', "bad.json:1:6: invalid JSON: expected ':' after a property name, got '1'"],
    ['{"a": tru}', "bad.json:1:7: invalid JSON: expected a JSON value, got 't'"],
    ['{"a": "\n"}', 'bad.json:1:8: invalid JSON: control character in a string (escape it)'],
    ['{"a": 01}', "bad.json:1:8: invalid JSON: expected ',' or '}' after a property, got '1'"],
    ['{\n  // comment\n}', "bad.json:2:3: invalid JSON: expected a property name, got '/'"],
  ];
  it.each(cases)('%j', (text, message) => {
    const r = parseScenarioJson(text, 'bad.json');
    expect(r.ok ? 'valid' : r.error.message).toBe(message);
  });
});

describe('parseScenarioJson limits', () => {
  it('reports pathological nesting as a value instead of overflowing the stack', () => {
    const r = parseScenarioJson('['.repeat(100_000), 'deep.json');
    expect(r.ok ? 'valid' : r.error.message).toBe(
      'deep.json:1:257: invalid JSON: nested deeper than 256 levels',
    );
  });
});
